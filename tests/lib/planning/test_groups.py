"""Group composition: properties over many random inputs (hypothesis), and the stored groups."""

from __future__ import annotations

import math
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.core import db
from lib.core.errors import Conflict, DomainError, NotAllowed
from lib.models import CaseStatus, Group, GroupMember, LearningSession, Role, SessionStatus
from lib.planning import groups
from lib.planning.groups import CaseRef, Person
from tests import factories as f

ROLES = [Role.PROFESSIONAL, Role.PROFESSIONAL, Role.PROFESSIONAL, Role.MANAGER, "gast"]


@st.composite
def inputs(draw):
    """People (attendance id, organisation, role, user), cases by distinct attending-or-absent submitters."""
    size = draw(st.integers(min_value=1, max_value=30))
    people = [
        Person(
            id=i * 7 + 3,
            organisation_id=draw(st.sampled_from([None, 1, 2, 3, 4, 5])),
            role=draw(st.sampled_from(ROLES)),
            user_id=100 + i,
        )
        for i in range(size)
    ]
    case_count = draw(st.integers(min_value=1, max_value=8))
    submitters = draw(
        st.lists(
            st.integers(min_value=100, max_value=100 + size + 8), min_size=case_count, max_size=case_count, unique=True
        )
    )
    cases = [CaseRef(id=500 + 3 * i, submitter_id=s) for i, s in enumerate(submitters)]
    group_count = draw(st.integers(min_value=1, max_value=min(case_count, size)))
    shuffled = draw(st.permutations(people))
    return people, cases, group_count, shuffled


@settings(max_examples=300, deadline=None)
@given(inputs())
def test_proposal_properties_hold_for_random_inputs(data):
    people, cases, n, shuffled = data
    proposal = groups.propose(people, cases, n)
    by_id = {p.id: p for p in people}

    # every participant sits at exactly one table; one distinct case per table
    seated = [m for g in proposal for m in g.member_ids]
    assert sorted(seated) == sorted(p.id for p in people)
    assert len(proposal) == n
    assert len({g.case_id for g in proposal}) == n
    # sizes within one of each other
    sizes = [len(g.member_ids) for g in proposal]
    assert max(sizes) - min(sizes) <= 1
    # the submitter of a case, when attending, sits at that case's table
    for g in proposal:
        submitter = next(c.submitter_id for c in cases if c.id == g.case_id)
        attending = [p.id for p in people if p.user_id == submitter]
        if attending:
            assert attending[0] in g.member_ids
    # a manager at every table when there are enough managers
    managers = sum(1 for p in people if p.role == Role.MANAGER)
    if managers >= n:
        for g in proposal:
            assert any(by_id[m].role == Role.MANAGER for m in g.member_ids)
    # organisations spread: no table has more than its fair share plus the one submitter it must seat
    for organisation, count in Counter(p.organisation_id for p in people).items():
        fair = math.ceil(count / n) + 1
        for g in proposal:
            assert sum(1 for m in g.member_ids if by_id[m].organisation_id == organisation) <= fair
    # roles spread in the same way (managers first to tables without one)
    for role, count in Counter(p.role for p in people).items():
        fair = math.ceil(count / n) + 1
        for g in proposal:
            assert sum(1 for m in g.member_ids if by_id[m].role == role) <= fair
    # deterministic: the same input in another order gives the same groups
    assert groups.propose(list(shuffled), list(reversed(cases)), n) == proposal


@settings(max_examples=100, deadline=None)
@given(
    st.integers(min_value=0, max_value=6),
    st.integers(min_value=0, max_value=6),
    st.integers(min_value=-1, max_value=10),
)
def test_more_groups_than_cases_or_people_is_refused_in_dutch(people_count, case_count, n):
    people = [Person(i, None, Role.PROFESSIONAL) for i in range(people_count)]
    cases = [CaseRef(i, 1000 + i) for i in range(case_count)]
    if 1 <= n <= min(people_count, case_count):
        assert len(groups.propose(people, cases, n)) == n
    else:
        with pytest.raises(DomainError) as error:
            groups.propose(people, cases, n)
        assert "groep" in str(error.value)


def test_message_names_the_number_of_cases():
    with pytest.raises(DomainError, match="Er zijn 2 geselecteerde casussen: maak hoogstens 2 groepen"):
        groups.propose([Person(i, None, "professional") for i in range(9)], [CaseRef(1, 1), CaseRef(2, 2)], 3)


def _prepared_session(session, people=8, cases=3):
    orgs = [f.organisation(session) for _ in range(3)]
    meeting = f.learning_session(session)
    users = [
        f.user(session, Role.MANAGER if i % 4 == 0 else Role.PROFESSIONAL, organisation=orgs[i % 3])
        for i in range(people)
    ]
    for person in users:
        f.attendance(session, meeting, person)
    for person in users[:cases]:
        f.case(session, person, status=CaseStatus.SELECTED, session_id=meeting.id)
    return meeting, users


def version(session, meeting) -> int:
    """The session's version as a screen drawn now would show it."""
    return session.get(LearningSession, meeting.id).version


def test_generate_stores_groups_and_regenerating_replaces_them(engine):
    with db.transaction(engine) as session:
        aanjager = f.current(f.user(session, Role.AANJAGER))
        meeting, _users = _prepared_session(session)
        f.attendance(session, meeting, f.user(session, Role.AANJAGER))  # the facilitator is not seated
        groups.generate(
            session=session,
            learning_session_id=meeting.id,
            group_count=3,
            actor=aanjager,
            expected_version=version(session, meeting),
        )
        first = groups.groups_of(session=session, learning_session_id=meeting.id)
        groups.generate(
            session=session,
            learning_session_id=meeting.id,
            group_count=2,
            actor=aanjager,
            expected_version=version(session, meeting),
        )
    with db.read(engine) as session:
        shown = groups.groups_of(session=session, learning_session_id=meeting.id)
        assert session.query(Group).count() == 2 and session.query(GroupMember).count() == 8
    assert sorted(len(g.members) for g in first) == [2, 3, 3]
    assert [g.name for g in shown] == ["Groep 1", "Groep 2"]
    assert all(g.case_title for g in shown)


def test_move_person_and_swap_cases(engine):
    with db.transaction(engine) as session:
        aanjager = f.current(f.user(session, Role.AANJAGER))
        meeting, _users = _prepared_session(session)
        groups.generate(
            session=session,
            learning_session_id=meeting.id,
            group_count=2,
            actor=aanjager,
            expected_version=version(session, meeting),
        )
    with db.transaction(engine) as session:
        one, two = groups.groups_of(session=session, learning_session_id=meeting.id)
        mover = one.members[-1]
        groups.move_person(
            session=session,
            attendance_id=mover.attendance_id,
            to_group_id=two.id,
            actor=aanjager,
            expected_version=version(session, meeting),
        )
        groups.swap_cases(
            session=session,
            group_a_id=one.id,
            group_b_id=two.id,
            actor=aanjager,
            expected_version=version(session, meeting),
        )
    with db.read(engine) as session:
        after_one, after_two = groups.groups_of(session=session, learning_session_id=meeting.id)
    assert mover.attendance_id in [m.attendance_id for m in after_two.members]
    assert mover.attendance_id not in [m.attendance_id for m in after_one.members]
    assert (after_one.case_id, after_two.case_id) == (two.case_id, one.case_id)


def test_groups_of_a_running_session_cannot_be_regenerated(engine):
    with db.transaction(engine) as session:
        aanjager = f.current(f.user(session, Role.AANJAGER))
        meeting, _ = _prepared_session(session)
        meeting.status = SessionStatus.RUNNING
    with pytest.raises(DomainError, match="voordat de leersessie begint"), db.transaction(engine) as session:
        groups.generate(
            session=session,
            learning_session_id=meeting.id,
            group_count=2,
            actor=aanjager,
            expected_version=version(session, meeting),
        )


def test_a_professional_cannot_compose_groups(engine):
    with db.transaction(engine) as session:
        meeting, users = _prepared_session(session)
    with pytest.raises(NotAllowed), db.transaction(engine) as session:
        groups.generate(
            session=session,
            learning_session_id=meeting.id,
            group_count=2,
            actor=f.current(users[1]),
            expected_version=version(session, meeting),
        )


def test_too_many_groups_stores_nothing(engine):
    with db.transaction(engine) as session:
        aanjager = f.current(f.user(session, Role.AANJAGER))
        meeting, _ = _prepared_session(session, cases=2)
        groups.generate(
            session=session,
            learning_session_id=meeting.id,
            group_count=2,
            actor=aanjager,
            expected_version=version(session, meeting),
        )
    with pytest.raises(DomainError, match="hoogstens 2 groepen"), db.transaction(engine) as session:
        groups.generate(
            session=session,
            learning_session_id=meeting.id,
            group_count=3,
            actor=aanjager,
            expected_version=version(session, meeting),
        )
    with db.read(engine) as session:
        assert len(groups.groups_of(session=session, learning_session_id=meeting.id)) == 2


def test_regenerating_from_a_screen_drawn_before_another_aanjagers_move_is_refused(engine):
    """A's Groepen tab was drawn; B seats someone elsewhere; A's 'Opnieuw indelen' does not undo B's move."""
    with db.transaction(engine) as session:
        aanjager = f.current(f.user(session, Role.AANJAGER))
        meeting, _users = _prepared_session(session)
        groups.generate(
            session=session,
            learning_session_id=meeting.id,
            group_count=2,
            actor=aanjager,
            expected_version=version(session, meeting),
        )
    with db.read(engine) as session:
        seen_by_a = version(session, meeting)
        one, two = groups.groups_of(session=session, learning_session_id=meeting.id)
    with db.transaction(engine) as session:  # B
        groups.move_person(
            session=session,
            attendance_id=one.members[0].attendance_id,
            to_group_id=two.id,
            actor=aanjager,
            expected_version=seen_by_a,
        )
    with db.read(engine) as session:
        after_b = groups.groups_of(session=session, learning_session_id=meeting.id)
    for stale in (
        lambda s: groups.generate(
            session=s, learning_session_id=meeting.id, group_count=2, actor=aanjager, expected_version=seen_by_a
        ),
        lambda s: groups.swap_cases(
            session=s, group_a_id=one.id, group_b_id=two.id, actor=aanjager, expected_version=seen_by_a
        ),
    ):
        with pytest.raises(Conflict, match="Deze leersessie is intussen gewijzigd"), db.transaction(engine) as session:
            stale(session)
    with db.read(engine) as session:
        assert groups.groups_of(session=session, learning_session_id=meeting.id) == after_b
