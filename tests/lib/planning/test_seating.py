"""A casus selected after the groups were made lands on the table that has none; otherwise the aanjager
is told which table lacks a casus (Sessie voorbereiden, the projector's opening)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lib.cases import selection
from lib.core import db
from lib.core.errors import DomainError
from lib.live import phases
from lib.models import Attendance, Case, CaseStatus, Group, GroupMember, Role, User
from lib.planning import groups
from tests import factories as f


def _room(session, people=9, cases=3):
    """An upcoming session with attendees, `cases` selected cases and groups composed for them."""
    aanjager = f.current(f.user(session, Role.AANJAGER))
    meeting = f.learning_session(session)
    users = [f.user(session, Role.PROFESSIONAL) for _ in range(people)]
    for person in users:
        f.attendance(session, meeting, person)
    for person in users[:cases]:
        f.case(session, person, status=CaseStatus.SELECTED, session_id=meeting.id)
    session.flush()
    groups.generate(
        session=session,
        learning_session_id=meeting.id,
        group_count=cases,
        actor=aanjager,
        expected_version=meeting.version,
    )
    return aanjager, meeting, users


def _table_of(session, user_id: int, meeting_id: int) -> int:
    return session.scalar(
        select(Group.number)
        .join(GroupMember, GroupMember.group_id == Group.id)
        .join(Attendance, Attendance.id == GroupMember.attendance_id)
        .where(Group.session_id == meeting_id, Attendance.user_id == user_id)
    )


def test_a_casus_selected_after_another_was_taken_out_lands_on_the_empty_table_with_its_submitter(engine):
    with db.transaction(engine) as session:
        aanjager, meeting, users = _room(session)
        out = session.scalar(select(Group).where(Group.session_id == meeting.id, Group.number == 2))
        out_case = session.get(Case, out.case_id)
        newcomer = users[-1]  # attends, sits at some table, has no casus yet
        fresh = f.case(session, newcomer, status=CaseStatus.SUBMITTED)
        ids = (meeting.id, out_case.id, out_case.version, fresh.id, fresh.version)
    meeting_id, out_id, out_version, fresh_id, fresh_version = ids
    with db.transaction(engine) as session:
        selection.unselect_case(session=session, case_id=out_id, actor=aanjager, expected_version=out_version)
    with db.read(engine) as session:
        gaps = groups.seating_gaps(session=session, learning_session_id=meeting_id)
        assert gaps.tables_without_case == ("Groep 2",)
        assert groups.seating_warning(gaps).startswith("Groep 2 heeft geen casus.")
    with db.transaction(engine) as session:
        selection.select_for_session(
            session=session,
            case_id=fresh_id,
            learning_session_id=meeting_id,
            actor=aanjager,
            expected_version=fresh_version,
        )
    with db.read(engine) as session:
        table_two = session.scalar(select(Group).where(Group.session_id == meeting_id, Group.number == 2))
        assert table_two.case_id == fresh_id
        assert _table_of(session, newcomer.id, meeting_id) == 2
        assert not groups.seating_gaps(session=session, learning_session_id=meeting_id)
        assert groups.seating_warning(groups.seating_gaps(session=session, learning_session_id=meeting_id)) is None
        assert session.scalar(select(GroupMember.id).where(GroupMember.group_id == table_two.id)) is not None


def test_a_submitter_who_does_not_come_or_sits_with_an_own_casus_stays_where_they_are(engine):
    with db.transaction(engine) as session:
        _aanjager, meeting, _users = _room(session)
        absent = f.user(session, Role.PROFESSIONAL)  # not signed up for the session
        table_one = session.scalar(select(Group).where(Group.session_id == meeting.id, Group.number == 1))
        inbrenger = session.get(Case, table_one.case_id).submitter_id
        for number in (2, 3):
            table = session.scalar(select(Group).where(Group.session_id == meeting.id, Group.number == number))
            table.case_id = None
        session.flush()
        by_absent = f.case(session, absent, status=CaseStatus.SELECTED, session_id=meeting.id)
        by_inbrenger = f.case(session, session.get(User, inbrenger), status=CaseStatus.SELECTED, session_id=meeting.id)
        # the two cases of tables 2 and 3 were blanked above but are still selected: they are seated too
        seated = groups.seat_unseated_cases(session=session, learning_session_id=meeting.id)
        assert [number for _, number in seated] == [2, 3]
        assert _table_of(session, inbrenger, meeting.id) == 1  # keeps sitting with their first casus
        gaps = groups.seating_gaps(session=session, learning_session_id=meeting.id)
        # four selected cases, three tables: the last two stay without a table, and the aanjager is told
        assert gaps.tables_without_case == ()
        assert gaps.cases_without_table == (by_absent.title, by_inbrenger.title)
        assert "aan geen tafel" in groups.seating_warning(gaps)


def test_opening_a_session_seats_a_casus_that_sits_at_no_table(engine):
    with db.transaction(engine) as session:
        aanjager, meeting, _users = _room(session)
        table = session.scalar(select(Group).where(Group.session_id == meeting.id, Group.number == 3))
        lost = table.case_id
        table.case_id = None  # as before this fix: the casus stayed selected without a table
        meeting_id = meeting.id
    with db.transaction(engine) as session:
        phases.open_session(session=session, learning_session_id=meeting_id, actor=aanjager)
    with db.read(engine) as session:
        view = phases.live_view(session=session, learning_session_id=meeting_id)
        assert all(g.case_title for g in view.groups)
        assert session.scalar(select(Group.case_id).where(Group.session_id == meeting_id, Group.number == 3)) == lost


def test_more_tables_than_cases_names_the_table_without_a_casus(engine):
    with db.transaction(engine) as session:
        _aanjager, meeting, _users = _room(session, cases=3)
        f.group(session, meeting, number=4)
        gaps = groups.seating_gaps(session=session, learning_session_id=meeting.id)
        assert gaps.tables_without_case == ("Groep 4",)
        warning = groups.seating_warning(gaps)
        assert "Groep 4 heeft geen casus" in warning and "Casusinbox" in warning
        f.group(session, meeting, number=5)
        warning = groups.seating_warning(groups.seating_gaps(session=session, learning_session_id=meeting.id))
        assert warning.startswith("Groep 4 en Groep 5 hebben geen casus.")


def test_no_groups_yet_is_no_gap(engine):
    with db.transaction(engine) as session:
        meeting = f.learning_session(session)
        f.case(session, f.user(session, Role.PROFESSIONAL), status=CaseStatus.SELECTED, session_id=meeting.id)
        assert not groups.seating_gaps(session=session, learning_session_id=meeting.id)


def test_replacing_a_casus_in_a_full_session_puts_the_new_one_on_its_table(engine):
    with db.transaction(engine) as session:
        aanjager, meeting, users = _room(session)
        table = session.scalar(select(Group).where(Group.session_id == meeting.id, Group.number == 2))
        old = session.get(Case, table.case_id)
        fresh = f.case(session, users[-1], status=CaseStatus.SUBMITTED)
        ids = (meeting.id, old.id, old.version, fresh.id, fresh.version)
    meeting_id, old_id, old_version, fresh_id, fresh_version = ids
    with db.transaction(engine) as session:
        selection.replace_case(
            session=session,
            case_id=fresh_id,
            replaced_case_id=old_id,
            actor=aanjager,
            expected_version=fresh_version,
            replaced_version=old_version,
        )
    with db.read(engine) as session:
        assert session.get(Case, old_id).status == CaseStatus.SUBMITTED
        assert session.get(Case, fresh_id).status == CaseStatus.SELECTED
        assert (
            session.scalar(select(Group.case_id).where(Group.session_id == meeting_id, Group.number == 2)) == fresh_id
        )
        assert _table_of(session, users[-1].id, meeting_id) == 2
        assert not groups.seating_gaps(session=session, learning_session_id=meeting_id)


def test_replacing_with_a_stale_version_changes_nothing(engine):
    with db.transaction(engine) as session:
        aanjager, meeting, users = _room(session)
        old = session.scalar(select(Case).where(Case.session_id == meeting.id).order_by(Case.id))
        fresh = f.case(session, users[-1], status=CaseStatus.SUBMITTED)
        ids = (old.id, old.version, fresh.id)
    old_id, old_version, fresh_id = ids
    with pytest.raises(DomainError), db.transaction(engine) as session:
        selection.replace_case(
            session=session,
            case_id=fresh_id,
            replaced_case_id=old_id,
            actor=aanjager,
            expected_version=99,
            replaced_version=old_version,
        )
    with db.read(engine) as session:
        assert session.get(Case, old_id).status == CaseStatus.SELECTED
        assert session.get(Case, fresh_id).status == CaseStatus.SUBMITTED
