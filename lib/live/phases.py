"""The room: opening a leersessie, moving it through its phases and timer, and the live view that
the projector and the phones re-read.

Every change is one transaction on stored facts. Phase and timer changes carry the version the screen
saw, so a double click (or two screens clicking at once) moves the session once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import case as sql_case
from sqlalchemy import distinct, func, select, update
from sqlalchemy.orm import Session, selectinload

from lib.accounts import CurrentUser
from lib.core import audit, dates, policy, versions
from lib.core.errors import DomainError, NotFound
from lib.live import timer
from lib.live.join import new_join_code
from lib.models import (
    Attendance,
    Case,
    CaseStatus,
    Contribution,
    Group,
    GroupMember,
    LearningSession,
    Phase,
    SessionStatus,
    utcnow,
)
from lib.planning.groups import generate as compose_groups
from lib.planning.groups import seat_unseated_cases

NOT_OPEN = "Deze leersessie is niet (meer) open."


# --- plain data for the screens -----------------------------------------------------------------


@dataclass(frozen=True)
class GroupInfo:
    id: int
    number: int
    name: str
    case_title: str
    learning_question: str
    members: tuple[str, ...]
    inbrenger: str = ""  # who submitted the group's casus (shown on the group's card)
    phones: int = 0  # phones that have written for this group in this session


@dataclass(frozen=True)
class LiveView:
    """Everything a screen needs to draw the current phase, read in one go."""

    id: int
    title: str
    date: dt.date
    start_time: dt.time
    end_time: dt.time
    status: str
    join_code: str | None
    version: int
    votes_per_participant: int
    rounds: tuple[dict, ...]
    state: timer.TimerState
    groups: tuple[GroupInfo, ...]
    started_at: dt.datetime | None = None  # when the session was opened in the room

    @property
    def phase(self) -> Phase:
        return self.state.phase

    @property
    def is_open(self) -> bool:
        return self.status == SessionStatus.RUNNING and self.phase != Phase.CLOSED

    @property
    def current(self) -> dict | None:
        """The current round's plan (name, perspective, minutes, guiding_questions, yields_solutions)."""
        if self.phase != Phase.ROUND or not self.rounds:
            return None
        return self.rounds[self.state.current_round]


@dataclass(frozen=True)
class SessionChoice:
    id: int
    title: str
    date: dt.date
    status: str
    start_time: dt.time | None = None

    @property
    def label(self) -> str:
        """'donderdag 27 november 2026, 14:00 — Proeftuin Ruwaard (bezig)': the date first, so a long
        title that is cut off still says which session it is."""
        when = dates.long_date(self.date) + (f", {dates.clock(self.start_time)}" if self.start_time else "")
        state = " (bezig)" if self.status == SessionStatus.RUNNING else ""
        return f"{when} — {self.title}{state}"


# --- guards -------------------------------------------------------------------------------------


def _meeting(session: Session, learning_session_id: int, *, lock: bool = False) -> LearningSession:
    query = select(LearningSession).where(LearningSession.id == learning_session_id)
    meeting = session.scalar(query.with_for_update() if lock else query)
    if meeting is None:
        raise NotFound("Deze leersessie bestaat niet.")
    return meeting


def open_meeting(session: Session, learning_session_id: int, *, lock: bool = False) -> LearningSession:
    meeting = _meeting(session, learning_session_id, lock=lock)
    if meeting.status != SessionStatus.RUNNING or meeting.phase == Phase.CLOSED:
        raise DomainError(NOT_OPEN)
    return meeting


def touch(session: Session, learning_session_id: int) -> None:
    """Tell the waiting screens that what they show has changed (one atomic UPDATE, no read)."""
    session.execute(
        update(LearningSession)
        .where(LearningSession.id == learning_session_id)
        .values(live_version=LearningSession.live_version + 1)
        .execution_options(synchronize_session=False)
    )


def live_stamp(*, session: Session, learning_session_id: int) -> int | None:
    """The session's live version: what a waiting phone or projector reads every 2 s (one primary-key
    lookup). While it is unchanged, so is everything `live_view` and the boards would return."""
    return session.scalar(select(LearningSession.live_version).where(LearningSession.id == learning_session_id))


# --- opening and reading a session --------------------------------------------------------------


def sessions_for_projector(*, session: Session, today: dt.date) -> list[SessionChoice]:
    """Running sessions first, then those closed today and the planned ones from a week ago on."""
    rows = session.execute(
        select(
            LearningSession.id,
            LearningSession.title,
            LearningSession.date,
            LearningSession.status,
            LearningSession.start_time,
        )
        .where(
            (LearningSession.status == SessionStatus.RUNNING)
            | ((LearningSession.status == SessionStatus.FINISHED) & (LearningSession.date >= today))
            | (
                LearningSession.status.in_([SessionStatus.PLANNED, SessionStatus.PREPARED])
                & (LearningSession.date >= today - dt.timedelta(days=7))
            )
        )
        .order_by(
            sql_case((LearningSession.status == SessionStatus.RUNNING, 0), else_=1),
            LearningSession.date,
            LearningSession.start_time,
        )
        .limit(50)
    ).all()
    return [SessionChoice(*row) for row in rows]


def _ensure_groups(session: Session, meeting: LearningSession, actor: CurrentUser) -> None:
    """A session opened without composed groups gets them now: composed from the attendees and the
    selected cases where there are enough people (lib/groups.py), else one empty group per case. Groups
    made earlier keep their people; a casus selected since then takes a table that has none."""
    if session.scalar(select(func.count()).select_from(Group).where(Group.session_id == meeting.id)):
        seat_unseated_cases(session=session, learning_session_id=meeting.id)
        return
    cases = session.scalars(
        select(Case).where(Case.session_id == meeting.id, Case.status == CaseStatus.SELECTED).order_by(Case.id)
    ).all()
    if cases:
        try:
            compose_groups(
                session=session,
                learning_session_id=meeting.id,
                group_count=len(cases),
                actor=actor,
                expected_version=meeting.version,  # opening it now is this same change
            )
            return
        except DomainError:
            pass  # fewer attendees than cases: the room composes its tables itself
    count = max(len(cases), meeting.group_count or 1)
    for number in range(1, count + 1):
        case_row = cases[number - 1] if number <= len(cases) else None
        session.add(
            Group(
                session_id=meeting.id, number=number, name=f"Groep {number}", case_id=case_row.id if case_row else None
            )
        )
    session.flush()


def open_session(*, session: Session, learning_session_id: int, actor: CurrentUser) -> LearningSession:
    """Start a session in the room: status bezig, the opening phase and a fresh, unique join code."""
    policy.require(actor, "session.run")
    meeting = _meeting(session, learning_session_id, lock=True)
    if meeting.status == SessionStatus.RUNNING:
        return meeting
    if meeting.status not in (SessionStatus.PLANNED, SessionStatus.PREPARED):
        raise DomainError("Deze leersessie is al afgerond of geannuleerd en kan niet opnieuw worden geopend.")
    _ensure_groups(session, meeting, actor)
    code = new_join_code()
    while session.scalar(select(LearningSession.id).where(LearningSession.join_code == code)) is not None:
        code = new_join_code()
    meeting.join_code = code
    meeting.status = SessionStatus.RUNNING
    meeting.started_at = utcnow()
    timer.store(meeting, timer.TimerState(Phase.OPENING, 0, timer.state_of(meeting).round_seconds))
    touch(session, meeting.id)
    audit.record(
        session=session, event="session_opened", user_id=actor.id, entity="learning_session", entity_id=meeting.id
    )
    return meeting


def live_view(*, session: Session, learning_session_id: int) -> LiveView:
    meeting = _meeting(session, learning_session_id)
    groups = session.scalars(
        select(Group)
        .options(
            selectinload(Group.case).selectinload(Case.submitter),
            selectinload(Group.members).selectinload(GroupMember.attendance).selectinload(Attendance.user),
        )
        .where(Group.session_id == meeting.id)
        .order_by(Group.number)
    ).all()
    phones = phones_per_group(session=session, learning_session_id=meeting.id)
    infos = tuple(
        GroupInfo(
            g.id,
            g.number,
            g.name,
            g.case.title if g.case else "",
            g.case.learning_question if g.case else "",
            tuple(
                sorted(
                    (m.attendance.user.display_name if m.attendance.user else m.attendance.guest_name or "")
                    for m in g.members
                )
            ),
            g.case.submitter.display_name if g.case and g.case.submitter else "",
            phones.get(g.id, 0),
        )
        for g in groups
    )
    return LiveView(
        id=meeting.id,
        title=meeting.title,
        date=meeting.date,
        start_time=meeting.start_time,
        end_time=meeting.end_time,
        status=meeting.status,
        join_code=meeting.join_code,
        version=meeting.version,
        votes_per_participant=meeting.votes_per_participant,
        rounds=tuple(meeting.rounds or ()),
        state=timer.state_of(meeting),
        groups=infos,
        started_at=meeting.started_at,
    )


def phones_per_group(*, session: Session, learning_session_id: int) -> dict[int, int]:
    """Per group, how many phones (device keys) have written for it in this session."""
    rows = session.execute(
        select(Contribution.group_id, func.count(distinct(Contribution.author_key)))
        .where(
            Contribution.session_id == learning_session_id,
            Contribution.group_id.is_not(None),
            Contribution.author_key.is_not(None),
        )
        .group_by(Contribution.group_id)
    ).all()
    return {group_id: count for group_id, count in rows if group_id is not None}


# --- moving through the session -----------------------------------------------------------------

PHASE_NAMES = {Phase.OPENING: "de opening", Phase.REVIEW: "de terugblik", Phase.CLOSING: "de afsluiting"}


def where(state: timer.TimerState, rounds: list | tuple | None, now: dt.datetime | None = None) -> str:
    """Where a session is, for a conflict message: 'ronde 2 (Professional), nog 12:30', 'de terugblik', …"""
    if state.phase != Phase.ROUND:
        return PHASE_NAMES.get(state.phase, "het einde")
    name = rounds[state.current_round].get("name", "") if rounds and state.current_round < len(rounds) else ""
    text = f"ronde {state.current_round + 1}" + (f" ({name})" if name else "")
    if now is None or not state.in_round:
        return text
    left = timer.remaining(state, now)
    seconds = int(abs(left))
    clock = f"{seconds // 60}:{seconds % 60:02d}"
    text += f", nog {clock}" if left >= 0 else f", {clock} over tijd"
    return text + (" (gepauzeerd)" if state.paused else "")


COMMANDS: dict[str, Callable[[timer.TimerState, dt.datetime, int], timer.TimerState]] = {
    "next": lambda s, now, _m: timer.advance(s, now),
    "back": lambda s, now, _m: timer.back(s, now),
    "pause": lambda s, now, _m: timer.pause(s, now),
    "resume": lambda s, now, _m: timer.resume(s, now),
    "add": lambda s, _now, m: timer.add_minutes(s, m),
    "end": lambda s, _now, _m: timer.end(s),
}


def control(
    *,
    session: Session,
    learning_session_id: int,
    command: str,
    expected_version: int,
    actor: CurrentUser,
    minutes: int = 0,
    now: dt.datetime | None = None,
) -> LearningSession:
    """Apply one projector command ("next", "back", "pause", "resume", "add", "end").

    `expected_version` is the version the screen showed when it was drawn: if the session moved since
    (a double click, a second screen), nothing changes and Conflict is raised. The UPDATE itself carries
    the version too (lib/core/versions.py), so this holds across processes and on PostgreSQL.
    """
    policy.require(actor, "session.run")
    if command not in COMMANDS:
        raise DomainError("Onbekende opdracht.")
    now = now or utcnow()
    meeting = open_meeting(session, learning_session_id, lock=True)
    before = timer.state_of(meeting)
    versions.check(meeting, expected_version, now=f"ze staat nu op {where(before, meeting.rounds, now)}")
    after = COMMANDS[command](before, now, minutes)
    timer.store(meeting, after)
    if after.phase == Phase.CLOSED:
        meeting.status, meeting.closed_at = SessionStatus.FINISHED, now
        # The cases of a closed session have been discussed.
        for case_row in session.scalars(
            select(Case).where(Case.session_id == meeting.id, Case.status == CaseStatus.SELECTED)
        ):
            case_row.status = CaseStatus.DISCUSSED
    session.flush()
    touch(session, meeting.id)
    if before.phase != after.phase or before.current_round != after.current_round:
        audit.record(
            session=session,
            event="session_phase",
            user_id=actor.id,
            entity="learning_session",
            entity_id=meeting.id,
            phase=str(after.phase),
            round=after.current_round,
        )
    return meeting
