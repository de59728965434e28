"""Group composition: one selected case per group, its submitter at that table, organisations and roles
spread, a manager per group where there are enough, sizes within one of each other.

`propose` is a pure, deterministic function (same input, same groups); `generate` stores its result in
`session_group` / `group_member`. The aanjager can then move people and swap cases by hand.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import flag_modified

from lib.accounts import CurrentUser
from lib.core import audit, policy, versions
from lib.core.errors import DomainError, NotFound
from lib.models import Attendance, Case, CaseStatus, Group, GroupMember, LearningSession, Role, SessionStatus
from lib.planning import attendance, schedule


@dataclass(frozen=True)
class Person:
    id: int  # attendance id
    organisation_id: int | None
    role: str
    user_id: int | None = None


@dataclass(frozen=True)
class CaseRef:
    id: int
    submitter_id: int  # a user id


@dataclass(frozen=True)
class Proposal:
    case_id: int
    member_ids: list[int]


def check_counts(group_count: int, people: int, cases: int) -> None:
    if group_count < 1:
        raise DomainError("Maak minstens één groep.")
    if group_count > cases:
        raise DomainError(
            f"Er {'is' if cases == 1 else 'zijn'} {cases} geselecteerde "
            f"{'casus' if cases == 1 else 'casussen'}: maak hoogstens {cases} "
            f"{'groep' if cases == 1 else 'groepen'}, want elke groep bespreekt één casus."
        )
    if group_count > people:
        raise DomainError(
            f"Er {'is' if people == 1 else 'zijn'} {people} deelnemer{'' if people == 1 else 's'} aangemeld: "
            f"maak hoogstens {people} {'groep' if people == 1 else 'groepen'}."
        )


def propose(people: list[Person], cases: list[CaseRef], group_count: int) -> list[Proposal]:
    """Deterministic proposal: the first `group_count` cases (by id), each with its own group."""
    check_counts(group_count, len(people), len(cases))
    people = sorted(people, key=lambda p: p.id)
    chosen = sorted(cases, key=lambda c: c.id)[:group_count]
    n = group_count
    base, big_slots = divmod(len(people), n)
    members: list[list[Person]] = [[] for _ in range(n)]
    big_used = 0

    def has_room(index: int) -> bool:
        size = len(members[index])
        return size < base or (size == base and big_used < big_slots)

    def place(index: int, person: Person) -> None:
        nonlocal big_used
        members[index].append(person)
        if len(members[index]) == base + 1:
            big_used += 1

    # 1. Each case's submitter sits with their own case (a person with two cases: with the first).
    placed: set[int] = set()
    for index, case in enumerate(chosen):
        submitter = next((p for p in people if p.user_id == case.submitter_id and p.id not in placed), None)
        if submitter is not None and has_room(index):
            place(index, submitter)
            placed.add(submitter.id)

    org_total = Counter(p.organisation_id for p in people)
    role_total = Counter(p.role for p in people)

    def spread_score(index: int, person: Person) -> tuple[int, ...]:
        """Lower is better: the table where this person least exceeds a fair share of their
        organisation and of their role (both count; neither may pile up at one table)."""
        group = members[index]
        org_excess = (
            sum(1 for p in group if p.organisation_id == person.organisation_id)
            + 1
            - math.ceil(org_total[person.organisation_id] / n)
        )
        role_excess = sum(1 for p in group if p.role == person.role) + 1 - math.ceil(role_total[person.role] / n)
        return (max(org_excess, role_excess, 0), org_excess + role_excess, len(group), index)

    # 2. Managers first, each to a table without a manager while there is one; 3. then the rest, the
    # largest organisation-and-role blocks first, so every block is spread as evenly as the tables allow.
    rest = [p for p in people if p.id not in placed]
    block_size = Counter((p.organisation_id, p.role) for p in rest)
    managers = [p for p in rest if p.role == Role.MANAGER]
    others = sorted(
        (p for p in rest if p.role != Role.MANAGER),
        key=lambda p: (-block_size[(p.organisation_id, p.role)], str(p.organisation_id), p.role, p.id),
    )
    for person in managers + others:
        open_tables = [i for i in range(n) if has_room(i)]
        if person.role == Role.MANAGER:
            without = [i for i in open_tables if not any(p.role == Role.MANAGER for p in members[i])]
            open_tables = without or open_tables
        place(min(open_tables, key=lambda i: spread_score(i, person)), person)
    return [Proposal(case.id, [p.id for p in group]) for case, group in zip(chosen, members, strict=True)]


# --- stored groups ------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupView:
    id: int
    number: int
    name: str
    case_id: int | None
    case_title: str
    learning_question: str
    members: list[attendance.Attendee]


def touch(session: Session, learning_session_id: int) -> None:
    """Tell the waiting screens (projector, phones) that the tables changed: lib/live/phases.touch
    (imported here, since phases composes groups when a session opens)."""
    from lib.live import phases

    phases.touch(session, learning_session_id)


def _meeting_for_change(session: Session, learning_session_id: int, expected_version: int) -> LearningSession:
    """The session whose tables change, if they are still what the aanjager saw: the seating plan is
    versioned with its session, so a change moves the session's version on (two aanjagers preparing
    at once cannot undo each other's moves by regenerating from an old screen)."""
    meeting = session.get(LearningSession, learning_session_id, with_for_update=True)
    if meeting is None:
        raise NotFound("Deze leersessie bestaat niet.")
    if meeting.status not in (SessionStatus.PLANNED, SessionStatus.PREPARED):
        raise DomainError("De groepen stelt u samen voordat de leersessie begint.")
    versions.check(meeting, expected_version, now="de groepen of de sessie zijn veranderd")
    flag_modified(meeting, "group_count")  # the versioned UPDATE, also when only the tables change
    return meeting


def participants(*, session: Session, learning_session_id: int) -> list[attendance.Attendee]:
    return [
        a
        for a in attendance.attendees(session=session, learning_session_id=learning_session_id)
        if not policy.allows(a.role, "session.run")  # who leads the session does not sit at a table
    ]


def generate(
    *, session: Session, learning_session_id: int, group_count: int, actor: CurrentUser, expected_version: int
) -> list[Group]:
    """(Re)compose the groups of a session that has not started; earlier groups are replaced.

    `expected_version` (here and in move_person, swap_cases): the session's version on the screen.
    """
    policy.require(actor, "session.prepare")
    meeting = _meeting_for_change(session, learning_session_id, expected_version)
    people = participants(session=session, learning_session_id=meeting.id)
    cases = schedule.selected_cases(session=session, learning_session_id=meeting.id)
    proposals = propose(
        [Person(p.attendance_id, p.organisation_id, p.role, p.user_id) for p in people],
        [CaseRef(c.id, c.submitter_id) for c in cases],
        group_count,
    )
    for old in session.scalars(
        select(Group).options(selectinload(Group.members)).where(Group.session_id == meeting.id)
    ):
        session.delete(old)
    session.flush()
    groups = []
    for number, proposal in enumerate(proposals, start=1):
        group = Group(
            session_id=meeting.id,
            number=number,
            name=f"Groep {number}",
            case_id=proposal.case_id,
            members=[GroupMember(attendance_id=a) for a in proposal.member_ids],
        )
        session.add(group)
        groups.append(group)
    meeting.group_count = group_count
    session.flush()
    touch(session, meeting.id)
    audit.record(
        session=session,
        event="groups_generated",
        user_id=actor.id,
        entity="learning_session",
        entity_id=meeting.id,
        groups=group_count,
    )
    return groups


def groups_of(*, session: Session, learning_session_id: int) -> list[GroupView]:
    people = {
        a.attendance_id: a for a in attendance.attendees(session=session, learning_session_id=learning_session_id)
    }
    rows = session.scalars(
        select(Group)
        .options(selectinload(Group.members), selectinload(Group.case))
        .where(Group.session_id == learning_session_id)
        .order_by(Group.number)
    ).all()
    return [
        GroupView(
            g.id,
            g.number,
            g.name,
            g.case_id,
            g.case.title if g.case else "",
            g.case.learning_question if g.case else "",
            sorted(
                (people[m.attendance_id] for m in g.members if m.attendance_id in people),
                key=lambda a: (a.name.lower(), a.attendance_id),
            ),
        )
        for g in rows
    ]


def unplaced(*, session: Session, learning_session_id: int) -> list[attendance.Attendee]:
    """Participants who signed up after the groups were made."""
    placed = set(
        session.scalars(select(GroupMember.attendance_id).join(Group).where(Group.session_id == learning_session_id))
    )
    return [
        p
        for p in participants(session=session, learning_session_id=learning_session_id)
        if p.attendance_id not in placed
    ]


def _group(session: Session, group_id: int) -> Group:
    group = session.get(Group, group_id)
    if group is None:
        raise NotFound("Deze groep bestaat niet (meer). Laad de pagina opnieuw.")
    return group


def move_person(
    *, session: Session, attendance_id: int, to_group_id: int, actor: CurrentUser, expected_version: int
) -> None:
    """Seat one participant at another table of the same session."""
    policy.require(actor, "session.prepare")
    target = _group(session, to_group_id)
    _meeting_for_change(session, target.session_id, expected_version)
    person = session.get(Attendance, attendance_id)
    if person is None or person.session_id != target.session_id:
        raise DomainError("Deze deelnemer hoort niet bij deze leersessie.")
    member = session.scalar(select(GroupMember).where(GroupMember.attendance_id == attendance_id))
    if member is None:
        session.add(GroupMember(group_id=target.id, attendance_id=attendance_id))
    else:
        member.group_id = target.id
    session.flush()
    touch(session, target.session_id)  # the projector's and phones' group lists change
    audit.record(
        session=session,
        event="group_member_moved",
        user_id=actor.id,
        entity="learning_session",
        entity_id=target.session_id,
        attendance_id=attendance_id,
        group=target.number,
    )


def swap_cases(
    *, session: Session, group_a_id: int, group_b_id: int, actor: CurrentUser, expected_version: int
) -> None:
    """Exchange the cases of two tables of the same session."""
    policy.require(actor, "session.prepare")
    a, b = _group(session, group_a_id), _group(session, group_b_id)
    if a.session_id != b.session_id:
        raise DomainError("Deze groepen horen niet bij dezelfde leersessie.")
    if a.id == b.id:
        raise DomainError("Kies twee verschillende groepen.")
    _meeting_for_change(session, a.session_id, expected_version)
    case_a, case_b = a.case_id, b.case_id
    a.case_id = None  # a case is at one table at a time: free it before it moves
    session.flush()
    b.case_id = case_a
    session.flush()
    a.case_id = case_b
    session.flush()
    touch(session, a.session_id)
    audit.record(
        session=session,
        event="group_cases_swapped",
        user_id=actor.id,
        entity="learning_session",
        entity_id=a.session_id,
        groups=[a.number, b.number],
    )


# --- a casus selected after the groups were made ----------------------------------------------------


@dataclass(frozen=True)
class SeatingGaps:
    """What the room would miss: tables without a casus, and selected cases at no table."""

    tables_without_case: tuple[str, ...]
    cases_without_table: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.tables_without_case or self.cases_without_table)


def _selected_unseated(session: Session, learning_session_id: int) -> list[Case]:
    seated = select(Group.case_id).where(Group.session_id == learning_session_id, Group.case_id.is_not(None))
    return list(
        session.scalars(
            select(Case)
            .where(
                Case.session_id == learning_session_id,
                Case.status == CaseStatus.SELECTED,
                Case.id.not_in(seated),
            )
            .order_by(Case.id)
        )
    )


def _seat_submitter(session: Session, group: Group, case: Case) -> bool:
    """Move the casus's submitter to its table, when they come to this session and do not already sit
    with another casus of their own. Returns whether they moved."""
    person = session.scalar(
        select(Attendance).where(Attendance.session_id == group.session_id, Attendance.user_id == case.submitter_id)
    )
    if person is None or policy.allows(person.role, "session.run"):
        return False  # not coming, or leads the session (no seat at a table)
    member = session.scalar(select(GroupMember).where(GroupMember.attendance_id == person.id))
    if member is not None:
        if member.group_id == group.id:
            return False
        current = session.get(Group, member.group_id)
        own_case_there = (
            current is not None and current.case is not None and current.case.submitter_id == case.submitter_id
        )
        if own_case_there:
            return False
        member.group_id = group.id
    else:
        session.add(GroupMember(group_id=group.id, attendance_id=person.id))
    session.flush()
    return True


def seat_unseated_cases(*, session: Session, learning_session_id: int) -> list[tuple[int, int]]:
    """Put every selected casus that sits at no table on a table without a casus (lowest number first),
    its submitter moved there where possible. Part of the caller's transaction (selecting a casus,
    opening a session); returns (case id, group number) per casus seated."""
    free = list(
        session.scalars(
            select(Group).where(Group.session_id == learning_session_id, Group.case_id.is_(None)).order_by(Group.number)
        )
    )
    seated = []
    for case, group in zip(_selected_unseated(session, learning_session_id), free, strict=False):
        group.case_id = case.id
        session.flush()
        _seat_submitter(session, group, case)
        seated.append((case.id, group.number))
    return seated


def seating_gaps(*, session: Session, learning_session_id: int) -> SeatingGaps:
    """Tables without a casus and selected cases without a table (only once groups exist)."""
    tables = session.execute(
        select(Group.name, Group.case_id).where(Group.session_id == learning_session_id).order_by(Group.number)
    ).all()
    if not tables:
        return SeatingGaps((), ())
    return SeatingGaps(
        tuple(name for name, case_id in tables if case_id is None),
        tuple(case.title for case in _selected_unseated(session, learning_session_id)),
    )


def seating_warning(gaps: SeatingGaps) -> str | None:
    """The Dutch warning for Sessie voorbereiden and the projector's opening, or None."""
    if not gaps:
        return None
    parts = []
    if gaps.tables_without_case:
        names = _listed(gaps.tables_without_case)
        parts.append(f"{names} {'heeft' if len(gaps.tables_without_case) == 1 else 'hebben'} geen casus.")
    if gaps.cases_without_table:
        titles = _listed([f"‘{t}’" for t in gaps.cases_without_table])
        parts.append(
            f"{'De casus' if len(gaps.cases_without_table) == 1 else 'De casussen'} {titles} "
            f"{'zit' if len(gaps.cases_without_table) == 1 else 'zitten'} aan geen tafel."
        )
    if gaps.cases_without_table:
        parts.append("Kies “Opnieuw indelen” met een groep per casus.")
    else:
        parts.append("Kies een casus voor die tafel in de Casusinbox, of deel opnieuw in met minder groepen.")
    return " ".join(parts)


def _listed(items: list[str] | tuple[str, ...]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} en {items[-1]}"
