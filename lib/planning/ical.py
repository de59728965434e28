"""Calendar files (.ics) of one session or a whole series, in Europe/Amsterdam with its VTIMEZONE.

UIDs are stable per session, and SEQUENCE follows the session's version, so importing the file again
updates the appointment instead of adding a second one; a cancelled session is STATUS:CANCELLED.
"""

from __future__ import annotations

import re

from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import Session

from lib.accounts import CurrentUser
from lib.core import dates, policy, visibility
from lib.models import Case, CaseStatus, LearningSession, SessionStatus, utcnow
from lib.planning import schedule

PRODID = "-//Leersessie//leersessie//NL"
UID_DOMAIN = "leersessie.app"


def uid(meeting: LearningSession) -> str:
    return f"leersessie-{meeting.id}@{UID_DOMAIN}"


def _questions(session: Session, meeting_ids: list[int], viewer: CurrentUser | None) -> dict[int, list[Case]]:
    """The leervragen of these sessions that `viewer` may see (lib/core/visibility.py): a calendar file
    travels to phones and mail servers, so it carries no more than the viewer's screens show."""
    by_meeting: dict[int, list[Case]] = {i: [] for i in meeting_ids}
    if not meeting_ids:
        return by_meeting
    rows = session.scalars(
        select(Case)
        .where(
            Case.session_id.in_(meeting_ids),
            Case.status.in_([CaseStatus.SELECTED, CaseStatus.DISCUSSED]),
            visibility.case_clause(viewer),
        )
        .order_by(Case.created_at, Case.id)
    )
    for case in rows:
        assert case.session_id is not None  # selected by session_id above
        by_meeting[case.session_id].append(case)
    return by_meeting


def description(meeting: LearningSession, cases: list[Case]) -> str:
    lines = [f"Leersessie: {meeting.title}"]
    if meeting.template_name:
        lines.append(f"Werkvorm: {meeting.template_name}")
    if cases:
        lines += ["", "Leervragen:"]
        lines += [f"- {case.learning_question} ({case.title})" for case in cases]
    return "\n".join(lines)


def _event(meeting: LearningSession, cases: list[Case]) -> Event:
    event = Event()
    event.add("uid", uid(meeting))
    event.add("dtstamp", utcnow())
    event.add("sequence", meeting.version)
    event.add("summary", meeting.title + (" (geannuleerd)" if meeting.status == SessionStatus.CANCELLED else ""))
    event.add("dtstart", dates.local_datetime(meeting.date, meeting.start_time))
    event.add("dtend", dates.local_datetime(meeting.date, meeting.end_time))
    if meeting.location:
        event.add("location", meeting.location)
    event.add("description", description(meeting, cases))
    event.add("status", "CANCELLED" if meeting.status == SessionStatus.CANCELLED else "CONFIRMED")
    return event


def calendar(
    *, session: Session, meetings: list[LearningSession], name: str, viewer: CurrentUser | None = None
) -> bytes:
    if viewer is not None:
        policy.require(viewer, "case.view")  # the leervragen in it follow lib/core/visibility.py
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Amsterdam")
    questions = _questions(session, [m.id for m in meetings], viewer)
    for meeting in meetings:
        cal.add_component(_event(meeting, questions[meeting.id]))
    cal.add_missing_timezones()
    return cal.to_ical()


def session_ics(*, session: Session, learning_session_id: int, viewer: CurrentUser | None = None) -> bytes:
    """One session's calendar file; leervragen only of the cases `viewer` may see (None: none)."""
    meeting = schedule.get_session(session=session, learning_session_id=learning_session_id)
    return calendar(session=session, meetings=[meeting], name=meeting.title, viewer=viewer)


def series_ics(*, session: Session, series_id: int, viewer: CurrentUser | None = None) -> bytes:
    series = schedule.get_series(session=session, series_id=series_id)
    return calendar(session=session, meetings=list(series.sessions), name=series.name, viewer=viewer)


def filename(title: str) -> str:
    """A safe file name: 'proeftuin-ruwaard.ics'."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60]
    return f"{slug or 'leersessie'}.ics"
