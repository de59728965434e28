"""What the home page shows each user: the next session, my cases, my actions, the aanjager's to-dos."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from lib.accounts import CurrentUser
from lib.core import policy
from lib.followup.terugblik import review_count
from lib.models import (
    UNFINISHED_ACTION_STATUSES,
    Action,
    Attendance,
    Case,
    CaseStatus,
    Group,
    LearningSession,
    Role,
    SessionStatus,
)

DUE_SOON_DAYS = 14


@dataclass(frozen=True)
class SessionSummary:
    id: int
    title: str
    date: dt.date
    start_time: dt.time
    end_time: dt.time
    location: str
    status: str
    attending: bool


@dataclass(frozen=True)
class CaseSummary:
    id: int
    title: str
    status: str
    session_title: str | None
    session_date: dt.date | None


@dataclass(frozen=True)
class ActionSummary:
    id: int
    title: str
    status: str
    due_date: dt.date | None
    late: bool


@dataclass(frozen=True)
class Overview:
    next_session: SessionSummary | None
    my_cases: list[CaseSummary]
    my_actions: list[ActionSummary]
    todo: list[str] = field(default_factory=list)
    other_open_actions: int = 0


def next_session(*, session: Session, today: dt.date, user: CurrentUser) -> SessionSummary | None:
    policy.require(user, "home.overview")
    meeting = session.scalar(
        select(LearningSession)
        .where(
            LearningSession.date >= today,
            LearningSession.status.notin_([SessionStatus.CANCELLED, SessionStatus.FINISHED]),
        )
        .order_by(LearningSession.date, LearningSession.start_time)
        .limit(1)
    )
    if meeting is None:
        return None
    attending = session.scalar(
        select(func.count())
        .select_from(Attendance)
        .where(Attendance.session_id == meeting.id, Attendance.user_id == user.id)
    )
    return SessionSummary(
        meeting.id,
        meeting.title,
        meeting.date,
        meeting.start_time,
        meeting.end_time,
        meeting.location,
        meeting.status,
        bool(attending),
    )


def my_cases(*, session: Session, user: CurrentUser, limit: int = 10) -> list[CaseSummary]:
    policy.require(user, "home.overview")
    rows = session.execute(
        select(Case.id, Case.title, Case.status, LearningSession.title, LearningSession.date)
        .outerjoin(LearningSession, LearningSession.id == Case.session_id)
        .where(Case.submitter_id == user.id, Case.status != CaseStatus.ARCHIVED)
        .order_by(Case.created_at.desc())
        .limit(limit)
    ).all()
    return [CaseSummary(*row) for row in rows]


def my_open_actions(*, session: Session, user: CurrentUser, today: dt.date, limit: int = 20) -> list[ActionSummary]:
    """My unfinished actions that are late or due within DUE_SOON_DAYS, most urgent first."""
    policy.require(user, "home.overview")
    rows = session.execute(
        select(Action.id, Action.title, Action.status, Action.due_date)
        .where(
            Action.owner_user_id == user.id,
            Action.status.in_(UNFINISHED_ACTION_STATUSES),
            Action.due_date <= today + dt.timedelta(days=DUE_SOON_DAYS),
        )
        .order_by(Action.due_date, Action.id)
        .limit(limit)
    ).all()
    return [ActionSummary(i, t, s, d, d is not None and d < today) for i, t, s, d in rows]


def my_other_open_actions(*, session: Session, user: CurrentUser, today: dt.date) -> int:
    """How many of my unfinished actions are due later than that, or have no due date."""
    policy.require(user, "home.overview")
    return (
        session.scalar(
            select(func.count())
            .select_from(Action)
            .where(
                Action.owner_user_id == user.id,
                Action.status.in_(UNFINISHED_ACTION_STATUSES),
                or_(Action.due_date.is_(None), Action.due_date > today + dt.timedelta(days=DUE_SOON_DAYS)),
            )
        )
        or 0
    )


def aanjager_todo(*, session: Session, meeting: SessionSummary | None, today: dt.date) -> list[str]:
    """What still needs doing before the next session, in plain Dutch."""
    todo = []
    waiting = session.scalar(select(func.count()).select_from(Case).where(Case.status == CaseStatus.SUBMITTED))
    if waiting:
        todo.append(f"{waiting} ingediende casus(sen) wachten op een besluit in de casusinbox.")
    if meeting is None:
        todo.append("Er is geen leersessie gepland: plan een nieuwe reeks of sessie.")
        return todo
    stored = session.get_one(LearningSession, meeting.id)
    selected = session.execute(select(func.count()).select_from(Case).where(Case.session_id == meeting.id)).scalar_one()
    if selected < stored.group_count:
        todo.append(f"Voor de volgende sessie zijn {selected} van {stored.group_count} casussen gekozen.")
    attendees = session.scalar(select(func.count()).select_from(Attendance).where(Attendance.session_id == meeting.id))
    managers = session.scalar(
        select(func.count())
        .select_from(Attendance)
        .where(Attendance.session_id == meeting.id, Attendance.role == Role.MANAGER)
    )
    if attendees == 0:
        todo.append("Er zijn nog geen deelnemers aangemeld voor de volgende sessie.")
    elif managers == 0:
        todo.append("Er is nog geen manager aangemeld voor de volgende sessie.")
    groups = session.scalar(select(func.count()).select_from(Group).where(Group.session_id == meeting.id))
    if groups == 0:
        todo.append("De groepen voor de volgende sessie zijn nog niet samengesteld.")
    count = review_count(session=session, learning_session_id=meeting.id)
    if count.total:
        todo.append(f"{count.text}.")
    return todo


def overview(*, session: Session, user: CurrentUser, today: dt.date) -> Overview:
    policy.require(user, "home.overview")
    meeting = next_session(session=session, today=today, user=user)
    todo = aanjager_todo(session=session, meeting=meeting, today=today) if policy.allows(user.role, "home.todo") else []
    return Overview(
        next_session=meeting,
        my_cases=my_cases(session=session, user=user),
        my_actions=my_open_actions(session=session, user=user, today=today),
        todo=todo,
        other_open_actions=my_other_open_actions(session=session, user=user, today=today),
    )
