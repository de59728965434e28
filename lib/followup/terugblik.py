"""The terugblik: the open actions a session walks through at its start, and their summary.

One count for every screen (`review_count`): Start, Sessie voorbereiden and the projector all say
"3 open vervolgacties in de terugblik (van 6)". *Open* means not finished: open or bezig; gerealiseerd,
niet gelukt and vervallen are finished (FINISHED_ACTION_STATUSES). The terugblik lists the actions of
the most recent session first, the last agreed at the top.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import Session, selectinload

from lib.core.dates import TZ, local_today
from lib.core.errors import NotFound
from lib.followup.actions import STATUS_ORDER, Origin, is_late, origins, status_label
from lib.models import (
    FINISHED_ACTION_STATUSES,
    Action,
    ActionUpdate,
    LearningSession,
    SessionStatus,
)

# --- terugblik ----------------------------------------------------------------------------------


def _previous_session_date(session: Session, meeting: LearningSession) -> dt.date | None:
    return session.scalar(
        select(func.max(LearningSession.date)).where(
            LearningSession.series_id == meeting.series_id,
            LearningSession.date < meeting.date,
            LearningSession.status != SessionStatus.CANCELLED,
        )
    )


def _review_query(session: Session, meeting: LearningSession) -> Select[Any]:
    """Actions of earlier sessions of the series that are still open; finished ones that were due by
    this session or finished since the previous one and not yet discussed in an earlier session; and
    every action already updated in this session."""
    if meeting.series_id is None:
        return select(Action).where(Action.id == -1)
    earlier = select(LearningSession.id).where(
        LearningSession.series_id == meeting.series_id, LearningSession.date < meeting.date
    )
    updated_here = Action.updates.any(ActionUpdate.session_id == meeting.id)
    previous = _previous_session_date(session, meeting)
    if previous is None:
        return select(Action).where(Action.session_id.in_(earlier))
    since = dt.datetime.combine(previous + dt.timedelta(days=1), dt.time(0), tzinfo=TZ).astimezone(dt.UTC)
    recent = or_(and_(Action.due_date > previous, Action.due_date <= meeting.date), Action.finished_at >= since)
    discussed_before = Action.updates.any(
        and_(ActionUpdate.session_id.in_(earlier), ActionUpdate.from_status.is_not(None))
    )
    return select(Action).where(
        Action.session_id.in_(earlier),
        or_(Action.status.notin_(FINISHED_ACTION_STATUSES), updated_here, and_(recent, ~discussed_before)),
    )


def actions_for_review(*, session: Session, learning_session_id: int, limit: int | None = None) -> list[Action]:
    """The terugblik of a session: actions of earlier sessions of its series that are still open,
    that were due by this session or finished since the previous one; the last agreed first (the
    first `limit` of them when given)."""
    meeting = session.get(LearningSession, learning_session_id)
    if meeting is None:
        raise NotFound("Deze leersessie bestaat niet.")
    query = (
        _review_query(session, meeting)
        .options(
            selectinload(Action.updates),
            selectinload(Action.owner),
            selectinload(Action.contribution),
            selectinload(Action.session),
            selectinload(Action.organisation),
        )
        .join(LearningSession, LearningSession.id == Action.session_id)
        .order_by(LearningSession.date.desc(), Action.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


@dataclass(frozen=True)
class ReviewCount:
    """How many actions a session's terugblik walks through, and how many of them are still open."""

    total: int
    open: int  # not finished: open or bezig

    @property
    def text(self) -> str:
        if not self.total:
            return "Er staan geen vervolgacties uit eerdere sessies in de terugblik."
        noun = "vervolgactie" if self.open == 1 else "vervolgacties"
        return f"{self.open} open {noun} in de terugblik (van {self.total})"


def review_count(*, session: Session, learning_session_id: int) -> ReviewCount:
    """The one terugblik count (see the module docstring), counted in SQL."""
    meeting = session.get(LearningSession, learning_session_id)
    if meeting is None:
        raise NotFound("Deze leersessie bestaat niet.")
    rows = _review_query(session, meeting).with_only_columns(Action.status).subquery()
    total, still_open = session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(case((rows.c.status.notin_(FINISHED_ACTION_STATUSES), 1), else_=0)), 0),
        ).select_from(rows)
    ).one()
    return ReviewCount(int(total), int(still_open))


@dataclass(frozen=True)
class ReviewItem:
    id: int
    title: str
    owner: str
    organisation: str
    status: str
    reason: str
    due_date: dt.date | None
    late: bool
    version: int
    from_session: str
    from_date: dt.date | None
    origin: Origin | None
    discussed: bool  # an update was recorded in this session
    last_note: str

    @property
    def status_label(self) -> str:
        return status_label(self.status)


def review_items(*, session: Session, learning_session_id: int, today: dt.date | None = None) -> list[ReviewItem]:
    """The terugblik as plain data for the projector: each action with its origin and whether it was
    already discussed in this session."""
    today = today or local_today()
    items = []
    found = actions_for_review(session=session, learning_session_id=learning_session_id)
    where_from = origins(session=session, actions=found)
    for action in found:
        here = [u for u in action.updates if u.session_id == learning_session_id]
        notes = [u.note for u in action.updates if u.note]
        items.append(
            ReviewItem(
                id=action.id,
                title=action.title,
                owner=action.owner_label,
                organisation=action.organisation.name if action.organisation else "",
                status=action.status,
                reason=action.reason,
                due_date=action.due_date,
                late=is_late(action.due_date, action.status, today),
                version=action.version,
                from_session=action.session.title if action.session else "",
                from_date=action.session.date if action.session else None,
                origin=where_from.get(action.id),
                discussed=bool(here),
                last_note=notes[-1] if notes else "",
            )
        )
    return items


def summary_text(counts: dict[str, int], *, verb: str = "besproken") -> str:
    """'7 acties besproken: 4 gerealiseerd, 2 bezig, 1 niet gelukt' for any status counts."""
    total = sum(counts.values())
    parts = [f"{counts[s]} {status_label(s)}" for s in STATUS_ORDER if counts.get(s)]
    noun = "actie" if total == 1 else "acties"
    return f"{total} {noun} {verb}" + (f": {', '.join(parts)}" if parts else "")


def review_sessions(
    *, session: Session, today: dt.date | None = None
) -> tuple[list[tuple[int, str, dt.date]], int | None]:
    """Sessions that can have a terugblik (a series session after the first), and the one to preselect:
    the next session from today on, else the latest."""
    today = today or local_today()
    first = (
        select(LearningSession.series_id, func.min(LearningSession.date).label("first"))
        .where(LearningSession.series_id.is_not(None))
        .group_by(LearningSession.series_id)
        .subquery()
    )
    rows = list(
        session.execute(
            select(LearningSession.id, LearningSession.title, LearningSession.date)
            .join(first, first.c.series_id == LearningSession.series_id)
            .where(LearningSession.date > first.c.first, LearningSession.status != SessionStatus.CANCELLED)
            .order_by(LearningSession.date)
        ).all()
    )
    choices = [(r.id, r.title, r.date) for r in rows]
    upcoming = [r for r in choices if r[2] >= today]
    preselect = upcoming[0][0] if upcoming else (choices[-1][0] if choices else None)
    return choices, preselect
