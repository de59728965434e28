"""The agenda of a session: terugblik, the rounds of its werkvorm snapshot with clock times, afsluiting.

Pure arithmetic on the session's own times; a warning when the programme does not fit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy.orm import Session

from lib.core import dates
from lib.core.errors import NotFound
from lib.followup import terugblik
from lib.models import ACTION_STATUS_LABELS, FINISHED_ACTION_STATUSES, LearningSession

REVIEW_MINUTES = 10  # terugblik on open actions
SHORT_REVIEW_MINUTES = 5  # welcome only: nothing to look back on
CLOSING_MINUTES = 10  # actions, evaluation
REVIEW_LINES = 10  # the agenda names the last agreed actions; the terugblik itself walks through all


@dataclass(frozen=True)
class AgendaItem:
    kind: str  # "terugblik", "ronde" or "afsluiting"
    title: str
    start: dt.time
    end: dt.time
    minutes: int
    perspective: str = ""
    guiding_questions: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)

    @property
    def when(self) -> str:
        return f"{dates.clock(self.start)}–{dates.clock(self.end)}"


@dataclass(frozen=True)
class Agenda:
    items: list[AgendaItem]
    available_minutes: int
    planned_minutes: int
    warning: str | None
    review: terugblik.ReviewCount | None = None  # a stored session's terugblik count


def minutes_between(start: dt.time, end: dt.time) -> int:
    day = dt.date(2000, 1, 1)
    return int((dt.datetime.combine(day, end) - dt.datetime.combine(day, start)).total_seconds() // 60)


def build_agenda(
    *,
    rounds: list[dict[str, Any]],
    start: dt.time,
    end: dt.time,
    review_minutes: int = REVIEW_MINUTES,
    closing_minutes: int = CLOSING_MINUTES,
    review_details: list[str] | None = None,
) -> Agenda:
    """Lay the programme out from `start`; warn when it runs past `end`.

    Clock times never pass midnight: an over-long programme is shown ending at 23:59 with the warning.
    """
    day = dt.date(2000, 1, 1)
    cursor = dt.datetime.combine(day, start)
    last = dt.datetime.combine(day, dt.time(23, 59))
    items: list[AgendaItem] = []

    def add(kind: str, title: str, minutes: int, **extra: Any) -> None:
        nonlocal cursor
        begin = min(cursor, last)
        cursor = cursor + dt.timedelta(minutes=minutes)
        items.append(AgendaItem(kind, title, begin.time(), min(cursor, last).time(), minutes, **extra))

    add("terugblik", "Terugblik", review_minutes, details=list(review_details or []))
    for number, r in enumerate(rounds, start=1):
        add(
            "ronde",
            r.get("name") or f"Ronde {number}",
            int(r["minutes"]),
            perspective=r.get("perspective", ""),
            guiding_questions=list(r.get("guiding_questions") or []),
        )
    add("afsluiting", "Afsluiting: acties en evaluatie", closing_minutes)

    available = minutes_between(start, end)
    planned = review_minutes + sum(int(r["minutes"]) for r in rounds) + closing_minutes
    warning = None
    if planned > available:
        warning = (
            f"Het programma past niet in de tijd van de sessie: het duurt {planned} minuten, de sessie "
            f"{available} minuten ({dates.clock(start)}–{dates.clock(end)}). Er is {planned - available} "
            "minuten te veel: kort rondes in of verleng de sessie."
        )
    return Agenda(items, available, planned, warning)


def agenda_for_session(*, session: Session, learning_session_id: int, review_lines: int = REVIEW_LINES) -> Agenda:
    """The agenda of a stored session; its terugblik names the last `review_lines` actions of the
    series it walks through (the last agreed first) and counts the rest, however long the series."""
    meeting = session.get(LearningSession, learning_session_id)
    if meeting is None:
        raise NotFound("Deze leersessie bestaat niet.")
    count = terugblik.review_count(session=session, learning_session_id=meeting.id)
    review = (
        terugblik.actions_for_review(session=session, learning_session_id=meeting.id, limit=review_lines)
        if count.total
        else []
    )
    details = [
        f"{a.title} — {a.owner_label}"
        + (f", uiterlijk {dates.short_date(a.due_date)}" if a.due_date else "")
        + (f" ({ACTION_STATUS_LABELS[a.status]})" if a.status in FINISHED_ACTION_STATUSES else "")
        for a in review
    ]
    if count.total > len(details):
        details.append(f"… en {count.total - len(details)} eerder afgesproken (alle in Opvolging)")
    plan = build_agenda(
        rounds=list(meeting.rounds or []),
        start=meeting.start_time,
        end=meeting.end_time,
        review_minutes=REVIEW_MINUTES if count.total else SHORT_REVIEW_MINUTES,
        review_details=details,
    )
    return replace(plan, review=count)
