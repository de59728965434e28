"""The live leersessie: opening it with a join code, moving through its phases, what groups capture,
dot-votes, solutions that become actions, and the closing evaluation.

Every change is one transaction on stored facts; the projector and the phones only re-read them. Phase
and timer changes carry the version the screen saw, so a double click (or two screens clicking at once)
moves the session once.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import case as sql_case
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from lib import actions, audit, timer
from lib.auth import CurrentUser
from lib.errors import Conflict, DomainError, NotAllowed, NotFound
from lib.groups import generate as compose_groups
from lib.models import (
    Action,
    Attendance,
    Case,
    CaseStatus,
    Contribution,
    ContributionKind,
    Evaluation,
    EvaluationLength,
    Group,
    GroupMember,
    LearningSession,
    LoginAttempt,
    Phase,
    Role,
    SessionStatus,
    User,
    Vote,
    utcnow,
)
from lib.validation import clean_text

# 31 symbols without look-alikes (no 0/O, 1/I/L): 8 of them give 31**8 ≈ 8.5e11 codes (≈ 40 bits).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
MAX_JOIN_FAILURES = 10
MAX_NETWORK_FAILURES = 100
JOIN_WINDOW = dt.timedelta(minutes=15)
MAX_CONTRIBUTION = 500
MAX_REMARK = 1000
LIVE_ROLES = (Role.AANJAGER, Role.BEHEERDER)

WRONG_CODE = "Deze code kennen we niet. Controleer de code op het scherm en probeer het opnieuw."
CLOSED_CODE = "Deze leersessie is afgelopen: de code werkt niet meer."
TOO_MANY_TRIES = "Te veel onjuiste codes geprobeerd. Wacht een kwartier en probeer het dan opnieuw."
NOT_OPEN = "Deze leersessie is niet (meer) open."

EVALUATION_LENGTH_LABELS = {
    EvaluationLength.TOO_SHORT: "te kort",
    EvaluationLength.GOOD: "goed",
    EvaluationLength.TOO_LONG: "te lang",
}


# --- plain data for the screens -----------------------------------------------------------------


@dataclass(frozen=True)
class GroupInfo:
    id: int
    number: int
    name: str
    case_title: str
    learning_question: str
    members: tuple[str, ...]


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


@dataclass(frozen=True)
class BoardItem:
    id: int
    kind: str
    text: str
    hidden: bool
    author_key: str | None
    votes: int = 0
    feasible: bool = False
    action_id: int | None = None


@dataclass(frozen=True)
class GroupBoard:
    group_id: int
    number: int
    name: str
    case_title: str
    items: tuple[BoardItem, ...]

    def of_kind(self, kind: ContributionKind | str) -> list[BoardItem]:
        return [item for item in self.items if item.kind == kind]


@dataclass(frozen=True)
class Solution:
    id: int
    text: str
    group_name: str
    round_index: int
    votes: int
    feasible: bool
    hidden: bool
    action_id: int | None


@dataclass(frozen=True)
class EvaluationSummary:
    count: int
    length: dict[str, int]
    constructive: dict[int, int]
    to_the_point: dict[int, int]
    remarks: list[str] = field(default_factory=list)

    @property
    def mean_constructive(self) -> float | None:
        total = sum(self.constructive.values())
        return sum(k * v for k, v in self.constructive.items()) / total if total else None

    @property
    def mean_to_the_point(self) -> float | None:
        total = sum(self.to_the_point.values())
        return sum(k * v for k, v in self.to_the_point.items()) / total if total else None


# --- guards -------------------------------------------------------------------------------------


def _require_aanjager(actor: CurrentUser | None) -> CurrentUser:
    if actor is None or actor.role not in LIVE_ROLES:
        raise NotAllowed("Alleen een aanjager of beheerder kan de leersessie leiden.")
    return actor


def _meeting(session: Session, learning_session_id: int, *, lock: bool = False) -> LearningSession:
    query = select(LearningSession).where(LearningSession.id == learning_session_id)
    meeting = session.scalar(query.with_for_update() if lock else query)
    if meeting is None:
        raise NotFound("Deze leersessie bestaat niet.")
    return meeting


def _open_meeting(session: Session, learning_session_id: int, *, lock: bool = False) -> LearningSession:
    meeting = _meeting(session, learning_session_id, lock=lock)
    if meeting.status != SessionStatus.RUNNING or meeting.phase == Phase.CLOSED:
        raise DomainError(NOT_OPEN)
    return meeting


# --- opening and reading a session --------------------------------------------------------------


def sessions_for_projector(*, session: Session, today: dt.date) -> list[SessionChoice]:
    """Running sessions first, then those closed today and the planned ones from a week ago on."""
    rows = session.execute(
        select(LearningSession.id, LearningSession.title, LearningSession.date, LearningSession.status)
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


def new_join_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str | None) -> str:
    """What a person typed, as a stored code: upper case, without spaces or dashes."""
    return re.sub(r"[^0-9A-Za-z]", "", text or "").upper()[:16]


def format_code(code: str) -> str:
    """'K7QM4XPA' → 'K7QM 4XPA', easier to read aloud and copy."""
    return f"{code[:4]} {code[4:]}" if len(code) == CODE_LENGTH else code


def _ensure_groups(session: Session, meeting: LearningSession, actor: CurrentUser) -> None:
    """A session opened without composed groups gets them now: composed from the attendees and the
    selected cases where there are enough people (lib/groups.py), else one empty group per case."""
    if session.scalar(select(func.count()).select_from(Group).where(Group.session_id == meeting.id)):
        return
    cases = session.scalars(
        select(Case).where(Case.session_id == meeting.id, Case.status == CaseStatus.SELECTED).order_by(Case.id)
    ).all()
    if cases:
        try:
            compose_groups(session=session, learning_session_id=meeting.id, group_count=len(cases), actor=actor)
            return
        except DomainError:
            pass  # fewer attendees than cases: the room composes its tables itself
    count = max(len(cases), meeting.group_count or 1)
    for number in range(1, count + 1):
        case_row = cases[number - 1] if number <= len(cases) else None
        session.add(Group(session_id=meeting.id, number=number, name=f"Groep {number}",
                          case_id=case_row.id if case_row else None))
    session.flush()


def open_session(*, session: Session, learning_session_id: int, actor: CurrentUser) -> LearningSession:
    """Start a session in the room: status bezig, the opening phase and a fresh, unique join code."""
    _require_aanjager(actor)
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
    meeting.version += 1
    audit.record(session=session, event="session_opened", user_id=actor.id, entity="learning_session",
                 entity_id=meeting.id)
    return meeting


def live_view(*, session: Session, learning_session_id: int) -> LiveView:
    meeting = _meeting(session, learning_session_id)
    groups = session.scalars(
        select(Group)
        .options(selectinload(Group.case), selectinload(Group.members).selectinload(GroupMember.attendance)
                 .selectinload(Attendance.user))
        .where(Group.session_id == meeting.id)
        .order_by(Group.number)
    ).all()
    infos = tuple(
        GroupInfo(
            g.id, g.number, g.name, g.case.title if g.case else "", g.case.learning_question if g.case else "",
            tuple(sorted(
                (m.attendance.user.display_name if m.attendance.user else m.attendance.guest_name or "")
                for m in g.members
            )),
        )
        for g in groups
    )
    return LiveView(
        id=meeting.id, title=meeting.title, date=meeting.date, start_time=meeting.start_time,
        end_time=meeting.end_time, status=meeting.status, join_code=meeting.join_code, version=meeting.version,
        votes_per_participant=meeting.votes_per_participant, rounds=tuple(meeting.rounds or ()),
        state=timer.state_of(meeting), groups=infos,
    )


# --- moving through the session -----------------------------------------------------------------

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

    `expected_version` is the version the screen showed: if the session moved since (a double click, a
    second screen), nothing changes and Conflict is raised. The UPDATE itself checks the version, so
    this holds across processes and on PostgreSQL too.
    """
    _require_aanjager(actor)
    if command not in COMMANDS:
        raise DomainError("Onbekende opdracht.")
    now = now or utcnow()
    meeting = _open_meeting(session, learning_session_id, lock=True)
    if meeting.version != expected_version:
        raise Conflict("De sessie is intussen al verder gezet (op een ander scherm of door een dubbele klik).")
    before = timer.state_of(meeting)
    after = COMMANDS[command](before, now, minutes)
    values = timer.facts(after)
    if after.phase == Phase.CLOSED:
        values.update(status=SessionStatus.FINISHED, closed_at=now)
    result = session.execute(
        update(LearningSession)
        .where(LearningSession.id == meeting.id, LearningSession.version == expected_version)
        .values(**values, version=LearningSession.version + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise Conflict("De sessie is intussen al verder gezet (op een ander scherm of door een dubbele klik).")
    session.refresh(meeting)
    if after.phase == Phase.CLOSED:
        # The cases of a closed session have been discussed.
        session.execute(
            update(Case)
            .where(Case.session_id == meeting.id, Case.status == CaseStatus.SELECTED)
            .values(status=CaseStatus.DISCUSSED, version=Case.version + 1)
            .execution_options(synchronize_session=False)
        )
    if before.phase != after.phase or before.current_round != after.current_round:
        audit.record(session=session, event="session_phase", user_id=actor.id, entity="learning_session",
                     entity_id=meeting.id, phase=str(after.phase), round=after.current_round)
    return meeting


# --- joining with the code ----------------------------------------------------------------------


def join(
    *, session: Session, code: str, attempt_key: str, network_key: str | None = None, now: dt.datetime | None = None
) -> int:
    """The id of the open session with this code.

    Wrong codes are counted per `attempt_key` (the visitor's browser) and refused after MAX_JOIN_FAILURES
    in JOIN_WINDOW; and per `network_key` (the address) after MAX_NETWORK_FAILURES, a higher limit because
    a whole room of phones on one wifi shares an address. Commit the transaction also when this raises,
    so the failed attempt is kept.
    """
    now = now or utcnow()
    keys = [(f"device:{attempt_key or 'onbekend'}"[:120], MAX_JOIN_FAILURES)]
    if network_key:
        keys.append((f"net:{network_key}"[:120], MAX_NETWORK_FAILURES))
    for key, limit in keys:
        failures = session.scalar(
            select(func.count()).select_from(LoginAttempt)
            .where(LoginAttempt.scope == "join", LoginAttempt.key == key, LoginAttempt.at >= now - JOIN_WINDOW)
        )
        if failures >= limit:
            raise DomainError(TOO_MANY_TRIES)
    wanted = normalise_code(code)
    if not wanted:
        raise DomainError("Vul de code in die op het scherm staat.")
    row = session.execute(
        select(LearningSession.id, LearningSession.status, LearningSession.phase)
        .where(LearningSession.join_code == wanted)
    ).first()
    if row is None:
        session.add_all([LoginAttempt(scope="join", key=key, at=now) for key, _limit in keys])
        raise DomainError(WRONG_CODE)
    learning_session_id, status, phase = row
    if status != SessionStatus.RUNNING or phase == Phase.CLOSED:
        raise DomainError(CLOSED_CODE)
    return learning_session_id


# --- contributions ------------------------------------------------------------------------------


def _kind(kind: ContributionKind | str) -> ContributionKind:
    try:
        return ContributionKind(kind)
    except ValueError:
        raise DomainError("Kies: belemmert, helpt of oplossing.") from None


def add_contribution(
    *,
    session: Session,
    learning_session_id: int,
    group_id: int,
    kind: ContributionKind | str,
    text: str,
    author_key: str | None = None,
    actor: CurrentUser | None = None,
) -> Contribution:
    """What a group captures in the current round: by a scribe's device (`author_key`) or typed on the
    projector by the aanjager (`actor`)."""
    if actor is not None:
        _require_aanjager(actor)
    elif not author_key:
        raise NotAllowed("Meedoen kan alleen via de code van de leersessie.")
    kind = _kind(kind)
    text = clean_text(text, field="Inbreng", max_length=MAX_CONTRIBUTION)
    meeting = _open_meeting(session, learning_session_id)
    if meeting.phase != Phase.ROUND:
        raise DomainError("Inbreng kan alleen tijdens een ronde worden toegevoegd.")
    group = session.get(Group, group_id)
    if group is None or group.session_id != meeting.id:
        raise DomainError("Kies een groep van deze leersessie.")
    round_plan = (meeting.rounds or [{}])[meeting.current_round]
    contribution = Contribution(
        session_id=meeting.id, group_id=group.id, round_index=meeting.current_round,
        perspective=round_plan.get("perspective", ""), kind=kind, text=text,
        author_key=None if actor else author_key[:64], author_user_id=actor.id if actor else None,
        author_label="aanjager" if actor else group.name,
    )
    session.add(contribution)
    session.flush()
    return contribution


def _own_in_current_round(session: Session, contribution_id: int, author_key: str) -> Contribution:
    contribution = session.get(Contribution, contribution_id)
    if contribution is None:
        raise NotFound("Deze inbreng bestaat niet (meer).")
    if not author_key or contribution.author_key != author_key:
        raise NotAllowed("U kunt alleen uw eigen inbreng wijzigen.")
    meeting = _open_meeting(session, contribution.session_id)
    if meeting.phase != Phase.ROUND or meeting.current_round != contribution.round_index:
        raise DomainError("Deze ronde is voorbij: de inbreng kan niet meer worden gewijzigd.")
    return contribution


def edit_contribution(*, session: Session, contribution_id: int, text: str, author_key: str) -> Contribution:
    contribution = _own_in_current_round(session, contribution_id, author_key)
    contribution.text = clean_text(text, field="Inbreng", max_length=MAX_CONTRIBUTION)
    return contribution


def delete_contribution(*, session: Session, contribution_id: int, author_key: str) -> None:
    contribution = _own_in_current_round(session, contribution_id, author_key)
    session.delete(contribution)


def set_hidden(*, session: Session, contribution_id: int, hidden: bool, actor: CurrentUser) -> None:
    """Moderation: a hidden contribution leaves the board and the vote, but stays on record."""
    _require_aanjager(actor)
    contribution = session.get(Contribution, contribution_id)
    if contribution is None:
        raise NotFound("Deze inbreng bestaat niet (meer).")
    contribution.hidden = hidden
    audit.record(session=session, event="contribution_hidden" if hidden else "contribution_shown",
                 user_id=actor.id, entity="contribution", entity_id=contribution.id)


def _vote_counts(session: Session, learning_session_id: int) -> dict[int, int]:
    return dict(session.execute(
        select(Vote.contribution_id, func.count()).where(Vote.session_id == learning_session_id)
        .group_by(Vote.contribution_id)
    ).all())


def board(
    *, session: Session, learning_session_id: int, round_index: int, include_hidden: bool = False
) -> list[GroupBoard]:
    """Per group, what it captured in one round, oldest first (hidden items only for moderation)."""
    groups = session.execute(
        select(Group.id, Group.number, Group.name, Case.title)
        .outerjoin(Case, Case.id == Group.case_id)
        .where(Group.session_id == learning_session_id)
        .order_by(Group.number)
    ).all()
    query = (
        select(Contribution, Action.id)
        .outerjoin(Action, Action.contribution_id == Contribution.id)
        .where(Contribution.session_id == learning_session_id, Contribution.round_index == round_index)
        .order_by(Contribution.created_at, Contribution.id)
    )
    if not include_hidden:
        query = query.where(Contribution.hidden.is_(False))
    votes = _vote_counts(session, learning_session_id)
    by_group: dict[int | None, list[BoardItem]] = {}
    for contribution, action_id in session.execute(query).all():
        by_group.setdefault(contribution.group_id, []).append(BoardItem(
            contribution.id, contribution.kind, contribution.text, contribution.hidden, contribution.author_key,
            votes.get(contribution.id, 0), contribution.feasible, action_id,
        ))
    return [
        GroupBoard(group_id, number, name, case_title or "", tuple(by_group.get(group_id, [])))
        for group_id, number, name, case_title in groups
    ]


def own_contributions(
    *, session: Session, learning_session_id: int, author_key: str, round_index: int
) -> list[BoardItem]:
    rows = session.scalars(
        select(Contribution)
        .where(Contribution.session_id == learning_session_id, Contribution.author_key == author_key,
               Contribution.round_index == round_index)
        .order_by(Contribution.created_at, Contribution.id)
    ).all()
    return [BoardItem(c.id, c.kind, c.text, c.hidden, c.author_key, feasible=c.feasible) for c in rows]


# --- solutions, votes, actions ------------------------------------------------------------------


def solutions(*, session: Session, learning_session_id: int, include_hidden: bool = False) -> list[Solution]:
    """All groups' solutions of the session, most votes first."""
    votes = _vote_counts(session, learning_session_id)
    query = (
        select(Contribution, Group.name, Action.id)
        .outerjoin(Group, Group.id == Contribution.group_id)
        .outerjoin(Action, Action.contribution_id == Contribution.id)
        .where(Contribution.session_id == learning_session_id, Contribution.kind == ContributionKind.SOLUTION)
        .order_by(Contribution.created_at, Contribution.id)
    )
    if not include_hidden:
        query = query.where(Contribution.hidden.is_(False))
    items = [
        Solution(c.id, c.text, group_name or "", c.round_index, votes.get(c.id, 0), c.feasible, c.hidden, action_id)
        for c, group_name, action_id in session.execute(query).all()
    ]
    return sorted(items, key=lambda s: -s.votes)


def my_votes(*, session: Session, learning_session_id: int, voter_key: str) -> set[int]:
    return set(session.scalars(
        select(Vote.contribution_id).where(Vote.session_id == learning_session_id, Vote.voter_key == voter_key)
    ))


def toggle_vote(*, session: Session, contribution_id: int, voter_key: str) -> bool:
    """Give a dot to a solution, or take it back; True when the dot is now there.

    Each participant has `votes_per_participant` dots in a session, at most one per solution. The session
    row is locked first, so two taps at once cannot exceed the limit.
    """
    if not voter_key:
        raise NotAllowed("Stemmen kan alleen via de code van de leersessie.")
    contribution = session.get(Contribution, contribution_id)
    if contribution is None or contribution.kind != ContributionKind.SOLUTION or contribution.hidden:
        raise NotFound("Deze oplossing bestaat niet (meer).")
    meeting = _open_meeting(session, contribution.session_id, lock=True)
    existing = session.scalar(
        select(Vote).where(Vote.contribution_id == contribution.id, Vote.voter_key == voter_key)
    )
    if existing is not None:
        session.delete(existing)
        return False
    used = session.scalar(
        select(func.count()).select_from(Vote).where(Vote.session_id == meeting.id, Vote.voter_key == voter_key)
    )
    if used >= meeting.votes_per_participant:
        raise DomainError(
            f"U heeft al uw {meeting.votes_per_participant} stemmen gebruikt. Trek er een in om opnieuw te stemmen."
        )
    session.add(Vote(session_id=meeting.id, contribution_id=contribution.id, voter_key=voter_key[:64]))
    session.flush()
    return True


def set_feasible(*, session: Session, contribution_id: int, feasible: bool, actor: CurrentUser) -> None:
    """Mark a solution as one management can carry out."""
    _require_aanjager(actor)
    contribution = session.get(Contribution, contribution_id)
    if contribution is None or contribution.kind != ContributionKind.SOLUTION:
        raise NotFound("Deze oplossing bestaat niet (meer).")
    contribution.feasible = feasible


def solution_to_action(
    *,
    session: Session,
    contribution_id: int,
    actor: CurrentUser,
    title: str | None = None,
    owner_user_id: int | None = None,
    owner_name: str | None = None,
    organisation_id: int | None = None,
    work_group: str = "",
    due_date: dt.date | None = None,
    use_default_due_date: bool = True,
) -> Action:
    """Turn a solution into a vervolgactie (and mark it feasible). One action per solution: a second
    click on the same solution is refused, not doubled."""
    _require_aanjager(actor)
    contribution = session.scalar(
        select(Contribution).where(Contribution.id == contribution_id).with_for_update()
    )
    if contribution is None or contribution.kind != ContributionKind.SOLUTION:
        raise NotFound("Deze oplossing bestaat niet (meer).")
    if session.scalar(select(Action.id).where(Action.contribution_id == contribution.id)) is not None:
        raise Conflict("Van deze oplossing is al een vervolgactie gemaakt.")
    if due_date is None and use_default_due_date:
        due_date = actions.default_due_date(session=session, learning_session_id=contribution.session_id)
    if organisation_id is None and owner_user_id is not None:
        owner = session.get(User, owner_user_id)
        organisation_id = owner.organisation_id if owner else None
    action = actions.create_action(
        session=session,
        actor=actor,
        data=actions.NewAction(
            title=title if title is not None else contribution.text, due_date=due_date,
            owner_user_id=owner_user_id, owner_name=owner_name, organisation_id=organisation_id,
            work_group=work_group, session_id=contribution.session_id, contribution_id=contribution.id,
        ),
    )
    contribution.feasible = True
    return action


def session_actions(*, session: Session, learning_session_id: int) -> list[Action]:
    return list(session.scalars(
        select(Action).options(selectinload(Action.owner), selectinload(Action.organisation))
        .where(Action.session_id == learning_session_id).order_by(Action.id)
    ))


# --- evaluation ---------------------------------------------------------------------------------


def submit_evaluation(
    *,
    session: Session,
    learning_session_id: int,
    participant_key: str,
    length: EvaluationLength | str,
    constructive: int,
    to_the_point: int,
    remark: str = "",
) -> Evaluation:
    """One evaluation per participant: answering again replaces the earlier answer."""
    if not participant_key:
        raise NotAllowed("Evalueren kan alleen via de code van de leersessie.")
    try:
        length = EvaluationLength(length)
    except ValueError:
        raise DomainError("Lengte: kies te kort, goed of te lang.") from None
    for value, label in ((constructive, "Constructief"), (to_the_point, "To the point")):
        if not isinstance(value, int) or not 1 <= value <= 5:
            raise DomainError(f"{label}: kies een cijfer van 1 tot en met 5.")
    remark = clean_text(remark, field="Opmerking", max_length=MAX_REMARK, required=False)
    meeting = _open_meeting(session, learning_session_id)
    evaluation = session.scalar(
        select(Evaluation).where(Evaluation.session_id == meeting.id, Evaluation.participant_key == participant_key)
    )
    if evaluation is None:
        evaluation = Evaluation(session_id=meeting.id, participant_key=participant_key[:64])
        session.add(evaluation)
    evaluation.length = length
    evaluation.constructive = constructive
    evaluation.to_the_point = to_the_point
    evaluation.remark = remark
    session.flush()
    return evaluation


def has_evaluated(*, session: Session, learning_session_id: int, participant_key: str) -> bool:
    return session.scalar(
        select(Evaluation.id).where(Evaluation.session_id == learning_session_id,
                                    Evaluation.participant_key == participant_key)
    ) is not None


def evaluation_results(*, session: Session, learning_session_id: int) -> EvaluationSummary:
    """Counts per answer, aggregated in SQL; remarks newest first."""
    def counts(column) -> dict:
        return dict(session.execute(
            select(column, func.count()).where(Evaluation.session_id == learning_session_id).group_by(column)
        ).all())

    length = counts(Evaluation.length)
    constructive = counts(Evaluation.constructive)
    to_the_point = counts(Evaluation.to_the_point)
    remarks = list(session.scalars(
        select(Evaluation.remark).where(Evaluation.session_id == learning_session_id, Evaluation.remark != "")
        .order_by(Evaluation.created_at.desc(), Evaluation.id.desc()).limit(50)
    ))
    return EvaluationSummary(
        count=sum(length.values()),
        length={str(k): length.get(str(k), 0) for k in EvaluationLength},
        constructive={n: constructive.get(n, 0) for n in range(1, 6)},
        to_the_point={n: to_the_point.get(n, 0) for n in range(1, 6)},
        remarks=remarks,
    )

