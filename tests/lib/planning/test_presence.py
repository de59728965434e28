"""After a session the aanjager confirms who was actually there: from the sign-ups, with guests and
walk-ins; versioned (a second screen or a changed list is refused) and in the audit log."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from lib.core import db
from lib.core.dates import local_today
from lib.core.errors import Conflict, DomainError, NotAllowed
from lib.models import Attendance, AuditLog, PresenceConfirmation, Role, SessionStatus
from lib.planning import attendance
from tests import factories as f

TODAY = local_today()


@pytest.fixture
def world(engine):
    with db.transaction(engine) as s:
        org = f.organisation(s, "GGZ Oost Brabant")
        aanjager = f.user(s, Role.AANJAGER, display_name="Annelies van der Heijden")
        came = f.user(s, Role.PROFESSIONAL, organisation=org, display_name="Zoë Çelik")
        stayed_away = f.user(s, Role.PROFESSIONAL, organisation=org, display_name="Bram Afwezig")
        reeks = f.series(s)
        past = f.learning_session(s, series_row=reeks, date=TODAY - dt.timedelta(days=2), title="Vorige week")
        future = f.learning_session(s, series_row=reeks, date=TODAY + dt.timedelta(days=5))
        a = f.attendance(s, past, came).id
        b = f.attendance(s, past, stayed_away).id
        guest = attendance.add_guest(
            session=s,
            learning_session_id=past.id,
            name="Wim Verbruggen (wijkagent)",
            organisation_id=None,
            role="gast",
            actor=f.current(aanjager),
        ).id
        return {
            "aanjager": f.current(aanjager),
            "professional": f.current(came),
            "past": past.id,
            "future": future.id,
            "ids": [a, b, guest],
            "org": org.id,
        }


def confirm(engine, w, present, *, version=0, shown=None, session_key="past"):
    with db.transaction(engine) as s:
        return attendance.confirm_presence(
            session=s,
            learning_session_id=w[session_key],
            present_ids=present,
            shown_ids=w["ids"] if shown is None else shown,
            actor=w["aanjager"],
            expected_version=version,
            today=TODAY,
        ).version


def test_the_list_shows_the_sign_ups_and_guests_unconfirmed(engine, world):
    with db.read(engine) as s:
        listed = attendance.presence_list(session=s, learning_session_id=world["past"], actor=world["aanjager"])
    assert [p.name for p in listed.people] == ["Bram Afwezig", "Wim Verbruggen (wijkagent)", "Zoë Çelik"]
    assert [p.is_guest for p in listed.people] == [False, True, False]
    assert all(p.present is None for p in listed.people)
    assert not listed.confirmed and listed.version == 0


def test_confirming_marks_present_and_absent_and_who_confirmed(engine, world):
    came, away, guest = world["ids"]
    assert confirm(engine, world, [came, guest]) == 1
    with db.read(engine) as s:
        present = dict(s.execute(select(Attendance.id, Attendance.present)).all())
        listed = attendance.presence_list(session=s, learning_session_id=world["past"], actor=world["aanjager"])
        detail = s.scalar(select(AuditLog.detail).where(AuditLog.event == "presence_confirmed"))
    assert present == {came: True, away: False, guest: True}
    assert listed.confirmed_by == "Annelies van der Heijden" and listed.version == 1
    assert detail == {"present": 2, "absent": 1}


def test_a_second_confirmation_needs_the_version_it_saw(engine, world):
    came, away, _guest = world["ids"]
    confirm(engine, world, [came])
    with pytest.raises(Conflict, match="De aanwezigheidslijst is intussen gewijzigd"):
        confirm(engine, world, [came, away], version=0)  # drawn before the first confirmation
    assert confirm(engine, world, [came, away], version=1) == 2
    with db.read(engine) as s:
        assert s.get(PresenceConfirmation, world["past"]).version == 2


def test_a_list_that_changed_since_it_was_drawn_is_refused(engine, world):
    came, _away, _guest = world["ids"]
    with db.transaction(engine) as s:
        attendance.add_present(
            session=s, learning_session_id=world["past"], actor=world["aanjager"], today=TODAY, guest_name="Els"
        )
    with pytest.raises(Conflict, match="er is iemand aangemeld of afgemeld"):
        confirm(engine, world, [came])
    with db.read(engine) as s:
        assert s.get(PresenceConfirmation, world["past"]) is None


def test_a_walk_in_counts_as_present_and_a_listed_user_is_not_added_twice(engine, world):
    with db.transaction(engine) as s:
        user = f.user(s, Role.MANAGER, display_name="Marco de Bruijn")
        row = attendance.add_present(
            session=s, learning_session_id=world["past"], actor=world["aanjager"], today=TODAY, user_id=user.id
        )
        assert row.present is True and row.role == "manager"
        with pytest.raises(DomainError, match="staat al op de lijst"):
            attendance.add_present(
                session=s, learning_session_id=world["past"], actor=world["aanjager"], today=TODAY, user_id=user.id
            )
        with pytest.raises(DomainError, match="Naam van de gast is verplicht"):
            attendance.add_present(session=s, learning_session_id=world["past"], actor=world["aanjager"], today=TODAY)


def test_only_after_a_session_that_took_place(engine, world):
    with pytest.raises(DomainError, match="na een leersessie die is doorgegaan"):
        confirm(engine, world, [], shown=[], session_key="future")
    with db.transaction(engine) as s:
        s.get(f.LearningSession, world["past"]).status = SessionStatus.CANCELLED
    with pytest.raises(DomainError, match="na een leersessie die is doorgegaan"):
        confirm(engine, world, [])


def test_somebody_not_on_the_list_cannot_be_marked_present(engine, world):
    with pytest.raises(DomainError, match="niet op de lijst"):
        confirm(engine, world, [999_999])


def test_a_professional_may_not_confirm(engine, world):
    with pytest.raises(NotAllowed), db.transaction(engine) as s:
        attendance.confirm_presence(
            session=s,
            learning_session_id=world["past"],
            present_ids=[],
            shown_ids=world["ids"],
            actor=world["professional"],
            expected_version=0,
            today=TODAY,
        )


def test_held_sessions_newest_first_with_whether_confirmed(engine, world):
    confirm(engine, world, [world["ids"][0]])
    with db.read(engine) as s:
        held = attendance.held_sessions(session=s, actor=world["aanjager"], today=TODAY)
    assert [(h.id, h.confirmed) for h in held] == [(world["past"], True)]
