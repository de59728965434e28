"""Vastgelopen: follow-up that does not let go. An action is stuck when at two terugblikken in a row it
was left "bezig" or "niet gelukt" (and still is), or when it is more than 30 days late.

"Discussed at a terugblik" is what the terugblik already records: an ActionUpdate stamped with the
session whose terugblik it was (`in_session_id`), a session other than the one the action came from.
The status it was left in at that terugblik is the last such update's `to_status`. `reasons` is the
rule, on plain values; the rest reads the history for the dashboard, the Start page and the terugblik.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from lib.accounts import CurrentUser
from lib.core import dates, policy
from lib.core.errors import NotAllowed, NotFound
from lib.models import (
    FINISHED_ACTION_STATUSES,
    UNFINISHED_ACTION_STATUSES,
    Action,
    ActionStatus,
    ActionUpdate,
    LearningSession,
    Organisation,
    User,
    action_status_label,
    owner_label_sql,
)

# Left in one of these at two terugblikken in a row, and still in one: vastgelopen.
STUCK_STATUSES = (ActionStatus.IN_PROGRESS, ActionStatus.FAILED)
LATE_DAYS = 30  # more than this many days past the due date (and not finished): vastgelopen
STUCK_LIMIT = 500  # a list asks for at most this many
STUCK_SHOWN = 100  # the dashboard names the longest late of them


# --- the rule -----------------------------------------------------------------------------------


def days_late(due_date: dt.date | None, status: str, today: dt.date) -> int:
    """Days past the due date of an unfinished action; 0 when not late, finished or without a date."""
    if due_date is None or status in FINISHED_ACTION_STATUSES:
        return 0
    return max(0, (today - due_date).days)


def reasons(*, status: str, due_date: dt.date | None, outcomes: Sequence[str], today: dt.date) -> list[str]:
    """Why the action is vastgelopen, in Dutch; empty when it is not.

    `outcomes` are the statuses the action was left in at its terugblikken, oldest first.
    """
    found = []
    last_two = list(outcomes[-2:])
    if status in STUCK_STATUSES and len(last_two) == 2 and all(o in STUCK_STATUSES for o in last_two):
        first, second = (action_status_label(o) for o in last_two)
        same = first == second
        found.append(f"bij twee terugblikken op rij {first}" + ("" if same else f", daarna {second}"))
    late = days_late(due_date, status, today)
    if late > LATE_DAYS:
        found.append(f"{late} dagen te laat")
    return found


def late_cutoff(today: dt.date) -> dt.date:
    """An unfinished action due before this day is more than LATE_DAYS late."""
    return today - dt.timedelta(days=LATE_DAYS)


# --- its history: the terugblikken that discussed an action -------------------------------------


@dataclass(frozen=True)
class Outcome:
    """One terugblik that discussed the action, and the status it was left in."""

    session_id: int
    session_title: str
    date: dt.date
    status: str

    @property
    def text(self) -> str:
        return f"{dates.short_date(self.date)}: {action_status_label(self.status)}"


def _at_a_terugblik() -> ColumnElement[bool]:
    """An update recorded in a session's terugblik: stamped with a session that is not the action's own."""
    return and_(
        ActionUpdate.session_id.is_not(None),
        ActionUpdate.from_status.is_not(None),
        or_(Action.session_id.is_(None), ActionUpdate.session_id != Action.session_id),
    )


def terugblik_outcomes(*, session: Session, action_ids: Sequence[int]) -> dict[int, list[Outcome]]:
    """Per action, the terugblikken that discussed it, oldest first, each with the status it was left in."""
    found: dict[int, dict[int, Outcome]] = {}
    ids = list(dict.fromkeys(action_ids))
    for start in range(0, len(ids), 500):
        rows = session.execute(
            select(
                ActionUpdate.action_id,
                ActionUpdate.session_id,
                LearningSession.title,
                LearningSession.date,
                ActionUpdate.to_status,
            )
            .join(Action, Action.id == ActionUpdate.action_id)
            .join(LearningSession, LearningSession.id == ActionUpdate.session_id)
            .where(ActionUpdate.action_id.in_(ids[start : start + 500]), _at_a_terugblik())
            .order_by(ActionUpdate.action_id, LearningSession.date, ActionUpdate.created_at, ActionUpdate.id)
        ).all()
        for action_id, session_id, title, day, status in rows:
            assert session_id is not None  # the join on the session keeps only stamped updates
            per_session = found.setdefault(action_id, {})
            per_session.pop(session_id, None)  # the last update in a terugblik is what it was left in
            per_session[session_id] = Outcome(session_id, title, day, status)
    return {action_id: sorted(items.values(), key=lambda o: o.date) for action_id, items in found.items()}


# --- lists: the dashboard and the Start page ----------------------------------------------------


@dataclass(frozen=True)
class StuckAction:
    id: int
    title: str
    owner: str
    organisation_id: int | None
    organisation: str
    status: str
    due_date: dt.date | None
    days_late: int
    reasons: tuple[str, ...]
    history: tuple[Outcome, ...]

    @property
    def status_label(self) -> str:
        return action_status_label(self.status)

    @property
    def why(self) -> str:
        return "; ".join(self.reasons)

    @property
    def history_text(self) -> str:
        """'3 mrt. 2026: bezig → 31 mrt. 2026: niet gelukt', or '' when no terugblik discussed it."""
        return " → ".join(o.text for o in self.history)


def _candidates(today: dt.date) -> ColumnElement[bool]:
    """Actions the rule may call stuck, in SQL: still bezig or niet gelukt after at least two
    terugblikken, or unfinished more than LATE_DAYS past the due date. `reasons` decides.

    The terugblikken are counted per candidate through the index on the action's updates, so the
    cost follows the actions asked for, not the whole history of every action."""
    terugblikken = (
        select(func.count(func.distinct(ActionUpdate.session_id)))
        .where(ActionUpdate.action_id == Action.id, _at_a_terugblik())
        .correlate(Action)
        .scalar_subquery()
    )
    return or_(
        and_(Action.status.in_(STUCK_STATUSES), terugblikken >= 2),
        and_(Action.due_date < late_cutoff(today), Action.status.in_(UNFINISHED_ACTION_STATUSES)),
    )


def _stuck(session: Session, today: dt.date, *conditions: ColumnElement[bool], limit: int) -> list[StuckAction]:
    """The first `limit` candidates, longest late first (those without a due date last), judged by
    `reasons`. Dated and undated actions are read apart, so the dated ones come in the order of the
    index on (organisation, due date) and the database stops after `limit`."""
    owner = aliased(User)

    def candidates(dated: ColumnElement[bool], count: int) -> list[Any]:
        return list(
            session.execute(
                select(
                    Action.id,
                    Action.title,
                    owner_label_sql(owner),
                    Action.organisation_id,
                    func.coalesce(Organisation.name, ""),
                    Action.status,
                    Action.due_date,
                )
                .outerjoin(owner, owner.id == Action.owner_user_id)
                .outerjoin(Organisation, Organisation.id == Action.organisation_id)
                .where(_candidates(today), dated, *conditions)
                .order_by(Action.due_date, Action.id)
                .limit(count)
            ).all()
        )

    rows = candidates(Action.due_date.is_not(None), limit)
    if len(rows) < limit:
        rows += candidates(Action.due_date.is_(None), limit - len(rows))
    history = terugblik_outcomes(session=session, action_ids=[r[0] for r in rows])
    found = []
    for action_id, title, owner_label, organisation_id, organisation, status, due in rows:
        outcomes = history.get(action_id, [])
        why = reasons(status=status, due_date=due, outcomes=[o.status for o in outcomes], today=today)
        if why:
            found.append(
                StuckAction(
                    action_id,
                    title,
                    owner_label,
                    organisation_id,
                    organisation,
                    status,
                    due,
                    days_late(due, status, today),
                    tuple(why),
                    tuple(outcomes),
                )
            )
    return found


def own_organisation_only(actor: CurrentUser) -> bool:
    """Whether `actor` sees only the own organisation's vastgelopen actions (a manager)."""
    return not policy.allows(actor.role, "insight.all_organisations")


def stuck_actions(
    *,
    session: Session,
    actor: CurrentUser,
    today: dt.date,
    organisation_id: int | None = None,
    limit: int = STUCK_LIMIT,
) -> list[StuckAction]:
    """The vastgelopen actions for the dashboard, by organisation (name) and then longest late first.

    A manager sees those of their own organisation; the aanjager and beheerder those of every
    organisation, or of `organisation_id`.
    """
    policy.require(actor, "insight.view")
    if own_organisation_only(actor):
        if organisation_id is not None and organisation_id != actor.organisation_id:
            raise NotAllowed("U kunt alleen de vastgelopen acties van uw eigen organisatie zien.")
        if actor.organisation_id is None:
            return []
        organisation_id = actor.organisation_id
    conditions = [] if organisation_id is None else [Action.organisation_id == organisation_id]
    found = _stuck(session, today, *conditions, limit=limit)
    return sorted(found, key=lambda a: (a.organisation == "", a.organisation.lower(), -a.days_late, a.id))


def shortlist(items: Sequence[StuckAction], shown: int = STUCK_SHOWN) -> tuple[list[StuckAction], bool]:
    """The `shown` longest late of `items` in the dashboard's order, and whether any were left out."""
    kept = set(a.id for a in sorted(items, key=lambda a: (-a.days_late, a.id))[:shown])
    return [a for a in items if a.id in kept], len(items) > shown


def dashboard_list(
    *, session: Session, actor: CurrentUser, today: dt.date, organisation_id: int | None = None
) -> tuple[list[StuckAction], bool]:
    """The dashboard's list: the STUCK_SHOWN longest late of `stuck_actions`, and whether it left any out
    (one more is read to know)."""
    found = stuck_actions(
        session=session, actor=actor, today=today, organisation_id=organisation_id, limit=STUCK_SHOWN + 1
    )
    return shortlist(found)


def my_stuck_actions(*, session: Session, user: CurrentUser, today: dt.date) -> list[StuckAction]:
    """The vastgelopen actions of which `user` is the trekker, for the Start page."""
    policy.require(user, "home.overview")
    return _stuck(session, today, Action.owner_user_id == user.id, limit=STUCK_LIMIT)


def by_organisation(items: Sequence[StuckAction]) -> dict[str, list[StuckAction]]:
    """The dashboard's list, one group per organisation ('(geen organisatie)' last)."""
    grouped: dict[str, list[StuckAction]] = {}
    for item in items:
        grouped.setdefault(item.organisation or "(geen organisatie)", []).append(item)
    return grouped


# --- the terugblik: "2e keer besproken" ----------------------------------------------------------


class Reviewed(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def status(self) -> str: ...
    @property
    def due_date(self) -> dt.date | None: ...


@dataclass(frozen=True)
class ReviewMark:
    times: int  # the terugblikken that discussed the action, this one included
    previous: Outcome | None  # the last earlier terugblik that discussed it
    reasons: tuple[str, ...]  # why it is vastgelopen; empty: it is not

    @property
    def label(self) -> str:
        """'2e keer besproken' from the second terugblik on; '' the first time."""
        return f"{self.times}e keer besproken" if self.times >= 2 else ""


def review_marks(
    *, session: Session, learning_session_id: int, items: Sequence[Reviewed], today: dt.date
) -> dict[int, ReviewMark]:
    """For each action in the terugblik of this session: how many terugblikken discussed it (this one
    included), what it was left in last time, and whether it is vastgelopen (counting this terugblik)."""
    meeting = session.get(LearningSession, learning_session_id)
    if meeting is None:
        raise NotFound("Deze leersessie bestaat niet.")
    history = terugblik_outcomes(session=session, action_ids=[item.id for item in items])
    marks = {}
    for item in items:
        outcomes = [o for o in history.get(item.id, []) if o.date <= meeting.date]
        earlier = [o for o in outcomes if o.session_id != meeting.id]
        why = reasons(status=item.status, due_date=item.due_date, outcomes=[o.status for o in outcomes], today=today)
        marks[item.id] = ReviewMark(len(earlier) + 1, earlier[-1] if earlier else None, tuple(why))
    return marks
