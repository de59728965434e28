"""Attendees: users sign themselves up and off for upcoming sessions; guests; counts per role and organisation."""

from __future__ import annotations

import datetime as dt

import pytest

from lib.core import db
from lib.core.errors import Conflict, DomainError, NotAllowed
from lib.models import Attendance, GroupMember, LearningSession, Role, SessionStatus
from lib.planning import attendance
from tests import factories as f

TODAY = dt.date(2026, 9, 1)


@pytest.fixture
def world(engine):
    with db.transaction(engine) as session:
        gemeente = f.organisation(session, "Gemeente Oss")
        wijkteam = f.organisation(session, "Wijkteam Ruwaard")
        people = {
            "aanjager": f.user(session, Role.AANJAGER, organisation=gemeente),
            "priya": f.user(session, Role.PROFESSIONAL, organisation=wijkteam, display_name="Priya Ramdin"),
            "joost": f.user(session, Role.PROFESSIONAL, organisation=wijkteam),
            "marco": f.user(session, Role.MANAGER, organisation=gemeente),
            "ruud": f.user(session, Role.MANAGER, organisation=wijkteam),
        }
        meeting = f.learning_session(session, date=dt.date(2026, 9, 8))
        past = f.learning_session(session, date=dt.date(2026, 8, 25))
    return {k: f.current(v) for k, v in people.items()}, meeting, past, gemeente


def version(session, meeting) -> int:
    """The session's version as a screen drawn now would show it."""
    return session.get(LearningSession, meeting.id).version


def test_professional_signs_up_and_off(engine, world):
    people, meeting, _, _ = world
    with db.transaction(engine) as session:
        attendance.sign_up(
            session=session,
            learning_session_id=meeting.id,
            actor=people["priya"],
            today=TODAY,
            expected_version=version(session, meeting),
        )
        attendance.sign_up(
            session=session,
            learning_session_id=meeting.id,
            actor=people["priya"],
            today=TODAY,
            expected_version=version(session, meeting),
        )
    with db.read(engine) as session:
        assert session.query(Attendance).count() == 1
        mine = attendance.my_sessions(session=session, user=people["priya"], today=TODAY)
        assert [(m.id, m.signed_up) for m in mine] == [(meeting.id, True)]
    with db.transaction(engine) as session:
        attendance.sign_off(
            session=session,
            learning_session_id=meeting.id,
            actor=people["priya"],
            today=TODAY,
            expected_version=version(session, meeting),
        )
    with db.read(engine) as session:
        assert session.query(Attendance).count() == 0


def test_no_sign_up_for_a_past_or_cancelled_session(engine, world):
    people, meeting, past, _ = world
    with pytest.raises(DomainError, match="komende leersessie"), db.transaction(engine) as session:
        attendance.sign_up(
            session=session,
            learning_session_id=past.id,
            actor=people["priya"],
            today=TODAY,
            expected_version=version(session, past),
        )
    with db.transaction(engine) as session:
        session.get(type(meeting), meeting.id).status = SessionStatus.CANCELLED
    with pytest.raises(DomainError, match="niet geannuleerd"), db.transaction(engine) as session:
        attendance.sign_up(
            session=session,
            learning_session_id=meeting.id,
            actor=people["priya"],
            today=TODAY,
            expected_version=version(session, meeting),
        )


def test_counts_per_role_and_organisation_and_managers(engine, world):
    people, meeting, _, gemeente = world
    with db.transaction(engine) as session:
        attendance.add_users(
            session=session,
            learning_session_id=meeting.id,
            actor=people["aanjager"],
            user_ids=[people[n].id for n in ("priya", "joost", "marco", "ruud", "priya")],
        )
        attendance.add_guest(
            session=session,
            learning_session_id=meeting.id,
            name="Wim Verbruggen (wijkagent)",
            organisation_id=None,
            role="gast",
            actor=people["aanjager"],
        )
        attendance.add_guest(
            session=session,
            learning_session_id=meeting.id,
            name="Els de Wit",
            organisation_id=gemeente.id,
            role="manager",
            actor=people["aanjager"],
        )
    with db.read(engine) as session:
        shown = attendance.attendees(session=session, learning_session_id=meeting.id)
    totals = attendance.counts(shown)
    assert totals.total == 6
    assert totals.managers == 3
    assert totals.by_role == {"gast": 1, "manager": 3, "professional": 2}
    assert totals.by_organisation == {"Gemeente Oss": 2, "Wijkteam Ruwaard": 3, "zonder organisatie": 1}
    assert "Wim Verbruggen (wijkagent)" in [a.name for a in shown if a.is_guest]


def test_guest_needs_a_name_and_a_known_role(engine, world):
    people, meeting, _, _ = world
    with pytest.raises(DomainError, match="Naam van de gast is verplicht"), db.transaction(engine) as session:
        attendance.add_guest(
            session=session,
            learning_session_id=meeting.id,
            name=" ",
            organisation_id=None,
            role="gast",
            actor=people["aanjager"],
        )
    with pytest.raises(DomainError, match="rol van de gast"), db.transaction(engine) as session:
        attendance.add_guest(
            session=session,
            learning_session_id=meeting.id,
            name="Els",
            organisation_id=None,
            role="beheerder",
            actor=people["aanjager"],
        )


def test_only_the_aanjager_registers_others(engine, world):
    people, meeting, _, _ = world
    with pytest.raises(NotAllowed), db.transaction(engine) as session:
        attendance.add_users(
            session=session, learning_session_id=meeting.id, user_ids=[people["joost"].id], actor=people["priya"]
        )


def test_removing_an_attendee_removes_their_group_seat(engine, world):
    people, meeting, _, _ = world
    with db.transaction(engine) as session:
        row = attendance.add_users(
            session=session, learning_session_id=meeting.id, user_ids=[people["joost"].id], actor=people["aanjager"]
        )[0]
        group = f.group(session, session.get(type(meeting), meeting.id))
        session.add(GroupMember(group_id=group.id, attendance_id=row.id))
    with db.transaction(engine) as session:
        attendance.remove(session=session, attendance_id=row.id, actor=people["aanjager"])
    with db.read(engine) as session:
        assert session.query(GroupMember).count() == 0
        offered = attendance.candidates(session=session, learning_session_id=meeting.id)
    assert (people["joost"].id, people["joost"].display_name) in offered  # removed: offered again
    assert offered == sorted(offered, key=lambda pair: (pair[1], pair[0]))


def test_signing_up_for_a_session_that_was_moved_since_the_screen_was_drawn_is_refused(engine, world):
    """Priya's Mijn sessies shows 8 September; the aanjager moves it; her 'Aanmelden' changes nothing."""
    people, meeting, _, _ = world
    with db.read(engine) as session:
        (card,) = attendance.my_sessions(session=session, user=people["priya"], today=TODAY)
    with db.transaction(engine) as session:
        session.get(LearningSession, meeting.id).date = dt.date(2026, 9, 15)
    moved = "Deze leersessie is intussen gewijzigd: ze is nu gepland, dinsdag 15 september"
    with pytest.raises(Conflict, match=moved), db.transaction(engine) as session:
        attendance.sign_up(
            session=session,
            learning_session_id=meeting.id,
            actor=people["priya"],
            today=TODAY,
            expected_version=card.version,
        )
    with db.read(engine) as session:
        assert session.query(Attendance).count() == 0


def test_a_duplicate_sign_up_that_reaches_the_database_gets_a_dutch_message(engine, world):
    """Two sign-ups that both passed the check (two tabs at once) meet the unique constraint: a Conflict."""
    people, meeting, _, _ = world
    with db.transaction(engine) as session:
        session.add(Attendance(session_id=meeting.id, user_id=people["priya"].id, role="professional"))
    twice = "Deze persoon is al aangemeld voor deze leersessie"
    with pytest.raises(Conflict, match=twice), db.transaction(engine) as session:
        session.add(Attendance(session_id=meeting.id, user_id=people["priya"].id, role="professional"))
