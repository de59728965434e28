"""Planning: series (reeksen) and their sessions — dates, times, place, status and the werkvorm snapshot.

A session copies the round plan of its werkvorm when it is planned (`LearningSession.rounds`), so a
later edit of the werkvorm never changes a planned or past session. Edits of a series or session carry
the version the user saw; somebody else's change in between is refused instead of overwritten.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from lib.accounts import CurrentUser
from lib.core import audit, dates, policy, versions
from lib.core.errors import DomainError, NotFound
from lib.core.validation import LIKE_ESCAPE, clean_text, contains_pattern
from lib.models import (
    SERIES_KIND_LABELS,
    SESSION_KIND_LABELS,
    SESSION_STATUS_LABELS,
    Case,
    CaseStatus,
    Enrolment,
    LearningSession,
    Series,
    SeriesKind,
    SessionKind,
    SessionStatus,
    Template,
)
from lib.planning import werkvormen

MAX_DATES_AT_ONCE = 52
MAX_CIRCLE_PLACES = 200  # the most places a leercirkel can have

# The steps of planning: gepland → voorbereid, back to gepland while not started, cancelled and planned
# again. Bezig and afgerond are not steps of planning: a session starts and ends only through
# lib/live/phases (open_session gives it a join code; closing marks its cases besproken and ends the code).
TRANSITIONS: dict[SessionStatus, set[SessionStatus]] = {
    SessionStatus.PLANNED: {SessionStatus.PREPARED, SessionStatus.CANCELLED},
    SessionStatus.PREPARED: {SessionStatus.PLANNED, SessionStatus.CANCELLED},
    SessionStatus.RUNNING: set(),
    SessionStatus.FINISHED: set(),
    SessionStatus.CANCELLED: {SessionStatus.PLANNED},
}
IN_THE_ROOM = (SessionStatus.RUNNING, SessionStatus.FINISHED)
START_ON_PROJECTOR = (
    "Een leersessie start en sluit u op de Projector: daar krijgt ze een deelnamecode en worden de "
    "casussen na afloop als besproken gemarkeerd."
)
CHANGEABLE = (SessionStatus.PLANNED, SessionStatus.PREPARED)


@dataclass(frozen=True)
class SeriesInput:
    name: str
    default_start: dt.time
    default_end: dt.time
    location: str = ""
    description: str = ""
    template_id: int | None = None
    kind: str = SeriesKind.REEKS
    max_participants: int | None = None  # a leercirkel's number of places; None for the other kinds


@dataclass
class Planned:
    """What `add_sessions` made, and the warnings the aanjager should see (dates in the past)."""

    sessions: list[LearningSession]
    warnings: list[str] = field(default_factory=list)


def check_times(start: dt.time, end: dt.time) -> None:
    """A session starts and ends on one day: the end after the start, never past midnight."""
    if start is None or end is None:
        raise DomainError("Vul een begintijd en een eindtijd in.")
    if end <= start:
        raise DomainError(
            f"De eindtijd ({dates.clock(end)}) moet na de begintijd ({dates.clock(start)}) liggen; "
            "een leersessie duurt niet langer dan een dag."
        )


def past_warning(day: dt.date, today: dt.date) -> str | None:
    if day < today:
        return f"Let op: {dates.long_date(day)} ligt in het verleden."
    return None


def parse_dates(text: str) -> list[dt.date]:
    """Dates typed as '5-9-2016' (or 5/9/2016, 2016-09-05), separated by commas, spaces or new lines."""
    result = []
    for token in (t for t in re.split(r"[\s,;]+", text or "") if t):
        match = re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", token)
        iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", token)
        try:
            if match:
                day, month, year = (int(g) for g in match.groups())
            elif iso:
                year, month, day = (int(g) for g in iso.groups())
            else:
                raise ValueError
            result.append(dt.date(year, month, day))
        except ValueError:
            shown = f"'{token}'" if re.fullmatch(r"[0-9/.-]{1,12}", token) else "Een van de data"
            raise DomainError(f"{shown} is geen geldige datum. Schrijf een datum als 5-9-2016.") from None
    return result


def dates_by_rhythm(first: dt.date, count: int, every_weeks: int) -> list[dt.date]:
    """`count` dates from `first`, every `every_weeks` weeks."""
    if not 1 <= count <= MAX_DATES_AT_ONCE:
        raise DomainError(f"Aantal sessies: kies 1 tot {MAX_DATES_AT_ONCE}.")
    if not 1 <= every_weeks <= 52:
        raise DomainError("Kies een ritme van 1 tot 52 weken.")
    return [first + dt.timedelta(weeks=every_weeks * i) for i in range(count)]


# --- series -------------------------------------------------------------------------------------


def _validated_series(session: Session, data: SeriesInput, series_id: int | None) -> SeriesInput:
    name = clean_text(data.name, field="Naam van de reeks", max_length=120)
    description = clean_text(data.description, field="Beschrijving", max_length=2000, required=False)
    location = clean_text(data.location, field="Locatie", max_length=200, required=False)
    check_times(data.default_start, data.default_end)
    if data.template_id is not None:
        template = session.get(Template, data.template_id)
        if template is None or not template.active:
            raise DomainError("Kies een bestaande werkvorm.")
    clash = select(Series.id).where(func.lower(Series.name) == name.lower())
    if series_id is not None:
        clash = clash.where(Series.id != series_id)
    if session.scalar(clash) is not None:
        raise DomainError("Er bestaat al een reeks met deze naam. Kies een andere naam.")
    try:
        kind = SeriesKind(data.kind)
    except ValueError:
        raise DomainError("Kies het soort reeks: leersessie reeks, leercirkel of leertraject.") from None
    places = None
    if kind == SeriesKind.LEERCIRKEL:
        places = data.max_participants
        if places is None or isinstance(places, bool) or not 1 <= int(places) <= MAX_CIRCLE_PLACES:
            raise DomainError(
                f"Een leercirkel heeft een maximum aantal deelnemers: kies 1 tot {MAX_CIRCLE_PLACES} plaatsen."
            )
        places = int(places)
    return SeriesInput(
        name, data.default_start, data.default_end, location, description, data.template_id, kind, places
    )


def create_series(*, session: Session, data: SeriesInput, actor: CurrentUser) -> Series:
    policy.require(actor, "series.plan")
    data = _validated_series(session, data, None)
    template_id = data.template_id
    if template_id is None:
        default = werkvormen.default_template(session=session)
        template_id = default.id if default else None
    series = Series(
        name=data.name,
        description=data.description,
        location=data.location,
        default_start=data.default_start,
        default_end=data.default_end,
        template_id=template_id,
        created_by_id=actor.id,
        kind=data.kind,
        max_participants=data.max_participants,
    )
    session.add(series)
    session.flush()
    audit.record(session=session, event="series_created", user_id=actor.id, entity="series", entity_id=series.id)
    return series


def update_series(
    *,
    session: Session,
    series_id: int,
    data: SeriesInput,
    expected_version: int,
    actor: CurrentUser,
    today: dt.date | None = None,
) -> Series:
    """Change the series itself; its planned sessions keep their own date, time, place and round plan.
    More places in a leercirkel let the first in line in (signed up for the sessions from `today`)."""
    policy.require(actor, "series.plan")
    series = session.get(Series, series_id, with_for_update=True)
    if series is None:
        raise NotFound("Deze reeks bestaat niet.")
    data = _validated_series(session, data, series_id)
    versions.check(series, expected_version)
    _check_kind_change(session, series, data)
    more_places = (data.max_participants or 0) > (series.max_participants or 0)
    series.name, series.description, series.location = data.name, data.description, data.location
    series.default_start, series.default_end = data.default_start, data.default_end
    series.kind, series.max_participants = data.kind, data.max_participants
    if data.template_id is not None:
        series.template_id = data.template_id
    audit.record(session=session, event="series_updated", user_id=actor.id, entity="series", entity_id=series.id)
    if series.kind == SeriesKind.LEERCIRKEL and more_places:
        from lib.planning import enrolment  # enrolment builds on this module

        session.flush()
        enrolment.fill_places(session, series, today=today or dates.local_today())
    return series


def _check_kind_change(session: Session, series: Series, data: SeriesInput) -> None:
    """A leercirkel with people enrolled stays a leercirkel, and keeps a place for each of them."""
    if series.kind != SeriesKind.LEERCIRKEL:
        return
    from lib.planning import enrolment

    enrolled = enrolment.enrolled_count(session, series.id)
    waiting = enrolment.waiting_count(session, series.id)
    if data.kind != SeriesKind.LEERCIRKEL and enrolled + waiting:
        raise DomainError(
            f"Deze leercirkel heeft {enrolled + waiting} inschrijving(en). Schrijf die eerst uit voordat u er een "
            f"{SERIES_KIND_LABELS[data.kind]} van maakt."
        )
    if data.kind == SeriesKind.LEERCIRKEL and (data.max_participants or 0) < enrolled:
        raise DomainError(
            f"Er zijn al {enrolled} deelnemers ingeschreven: het maximum kan niet lager zijn dan {enrolled}."
        )


def list_series(*, session: Session, include_archived: bool = False) -> list[Series]:
    query = select(Series).order_by(Series.name)
    if not include_archived:
        query = query.where(Series.archived.is_(False))
    return list(session.scalars(query))


def ends_with_oogstdag(series: Series) -> bool:
    """Whether the last session of the series that goes ahead is an Oogstdag (as a leertraject should)."""
    going_ahead = [m for m in series.sessions if m.status != SessionStatus.CANCELLED]
    return bool(going_ahead) and going_ahead[-1].kind == SessionKind.OOGSTDAG


def series_notice(series: Series) -> str | None:
    """What the aanjager should still arrange for the kind of series, in Dutch; None when nothing."""
    if series.kind == SeriesKind.LEERTRAJECT and not ends_with_oogstdag(series):
        return "Een leertraject sluit af met een Oogstdag. Maak van de laatste sessie een Oogstdag."
    return None


def get_series(*, session: Session, series_id: int) -> Series:
    series = session.scalar(
        select(Series)
        .options(selectinload(Series.sessions), selectinload(Series.template))
        .where(Series.id == series_id)
    )
    if series is None:
        raise NotFound("Deze reeks bestaat niet.")
    return series


# --- sessions -----------------------------------------------------------------------------------


def _taken_dates(session: Session, series_id: int, except_session_id: int | None = None) -> set[dt.date]:
    query = select(LearningSession.date).where(
        LearningSession.series_id == series_id, LearningSession.status != SessionStatus.CANCELLED
    )
    if except_session_id is not None:
        query = query.where(LearningSession.id != except_session_id)
    return set(session.scalars(query))


def add_sessions(
    *,
    session: Session,
    series_id: int,
    days: list[dt.date],
    actor: CurrentUser,
    today: dt.date,
    start: dt.time | None = None,
    end: dt.time | None = None,
    location: str | None = None,
    last_is_oogstdag: bool = False,
) -> Planned:
    """Plan a session on each of `days` with the series' time, place and a snapshot of its werkvorm.

    A date twice in the list or already in the series is refused (nothing is stored); a date in the
    past is planned with a warning, because recording an earlier session afterwards is legitimate.
    With `last_is_oogstdag` the latest of the new dates is the series' Oogstdag. People enrolled in a
    leercirkel are signed up for its new sessions too.
    """
    policy.require(actor, "series.plan")
    series = session.get(Series, series_id, with_for_update=True)
    if series is None:
        raise NotFound("Deze reeks bestaat niet.")
    if not days:
        raise DomainError("Kies minstens één datum.")
    if len(days) > MAX_DATES_AT_ONCE:
        raise DomainError(f"Voeg hoogstens {MAX_DATES_AT_ONCE} data tegelijk toe.")
    start, end = start or series.default_start, end or series.default_end
    check_times(start, end)
    place = clean_text(
        series.location if location is None else location, field="Locatie", max_length=200, required=False
    )
    seen: set[dt.date] = set()
    taken = _taken_dates(session, series_id)
    for day in days:
        if day in seen:
            raise DomainError(f"{dates.long_date(day)} staat twee keer in de lijst.")
        if day in taken:
            raise DomainError(f"Op {dates.long_date(day)} staat in deze reeks al een leersessie.")
        seen.add(day)
    template = series.template or werkvormen.default_template(session=session)
    if template is None or not template.rounds:
        raise DomainError("Deze reeks heeft geen werkvorm met rondes. Kies eerst een werkvorm.")
    rounds = werkvormen.snapshot(template)
    number = session.scalar(select(func.count()).where(LearningSession.series_id == series_id)) or 0
    planned = Planned(sessions=[])
    for day in sorted(days):
        number += 1
        oogstdag = last_is_oogstdag and day == max(days)
        meeting = LearningSession(
            series_id=series.id,
            title=(f"{series.name} — Oogstdag" if oogstdag else f"{series.name} — leersessie {number}")[:160],
            kind=SessionKind.OOGSTDAG if oogstdag else SessionKind.LEERSESSIE,
            date=day,
            start_time=start,
            end_time=end,
            location=place,
            status=SessionStatus.PLANNED,
            template_name=template.name,
            rounds=rounds,
        )
        session.add(meeting)
        planned.sessions.append(meeting)
        warning = past_warning(day, today)
        if warning:
            planned.warnings.append(warning)
    session.flush()
    audit.record(
        session=session,
        event="sessions_added",
        user_id=actor.id,
        entity="series",
        entity_id=series.id,
        dates=[d.isoformat() for d in sorted(days)],
    )
    if series.kind == SeriesKind.LEERCIRKEL and session.scalar(
        select(Enrolment.id).where(Enrolment.series_id == series.id).limit(1)
    ):
        from lib.planning import enrolment

        enrolment.sign_up_enrolled(session, series, today=today)
    return planned


def set_kind(
    *,
    session: Session,
    learning_session_id: int,
    kind: SessionKind | str,
    expected_version: int,
    actor: CurrentUser,
) -> LearningSession:
    """Make a planned session an Oogstdag (the oogst of its series on the projector), or a leersessie again."""
    policy.require(actor, "series.plan")
    try:
        target = SessionKind(kind)
    except ValueError:
        raise DomainError("Kies: leersessie of Oogstdag.") from None
    meeting = _for_change(session, learning_session_id, expected_version)
    if meeting.status not in CHANGEABLE:
        label = SESSION_STATUS_LABELS[SessionStatus(meeting.status)]
        raise DomainError(f"Een leersessie die {label} is, kan niet meer van soort veranderen.")
    if target == SessionKind.OOGSTDAG and meeting.series_id is None:
        raise DomainError("Een Oogstdag hoort bij een reeks: ze toont de oogst van die reeks.")
    meeting.kind = target
    audit.record(
        session=session,
        event="session_kind",
        user_id=actor.id,
        entity="learning_session",
        entity_id=meeting.id,
        kind=str(target),
    )
    return meeting


def kind_label(meeting: LearningSession) -> str:
    return SESSION_KIND_LABELS.get(meeting.kind, meeting.kind)


def get_session(*, session: Session, learning_session_id: int) -> LearningSession:
    meeting = session.get(LearningSession, learning_session_id)
    if meeting is None:
        raise NotFound("Deze leersessie bestaat niet.")
    return meeting


def _for_change(session: Session, learning_session_id: int, expected_version: int) -> LearningSession:
    meeting = session.get(LearningSession, learning_session_id, with_for_update=True)
    if meeting is None:
        raise NotFound("Deze leersessie bestaat niet.")
    label = SESSION_STATUS_LABELS[SessionStatus(meeting.status)]
    versions.check(meeting, expected_version, now=f"ze is nu {label}, {describe(meeting)}")
    return meeting


def move_session(
    *,
    session: Session,
    learning_session_id: int,
    day: dt.date,
    start: dt.time,
    end: dt.time,
    location: str,
    expected_version: int,
    actor: CurrentUser,
    today: dt.date,
) -> list[str]:
    """Give a planned session another date, time or place; returns warnings (a date in the past)."""
    policy.require(actor, "series.plan")
    check_times(start, end)
    place = clean_text(location, field="Locatie", max_length=200, required=False)
    meeting = _for_change(session, learning_session_id, expected_version)
    if meeting.status not in CHANGEABLE:
        label = SESSION_STATUS_LABELS[SessionStatus(meeting.status)]
        raise DomainError(f"Een leersessie die {label} is, kan niet meer worden verplaatst.")
    if meeting.series_id is not None and day in _taken_dates(session, meeting.series_id, meeting.id):
        raise DomainError(f"Op {dates.long_date(day)} staat in deze reeks al een leersessie.")
    before = (meeting.date.isoformat(), dates.clock(meeting.start_time), dates.clock(meeting.end_time))
    meeting.date, meeting.start_time, meeting.end_time, meeting.location = day, start, end, place
    audit.record(
        session=session,
        event="session_moved",
        user_id=actor.id,
        entity="learning_session",
        entity_id=meeting.id,
        before=list(before),
        after=[day.isoformat(), dates.clock(start), dates.clock(end)],
    )
    warning = past_warning(day, today)
    return [warning] if warning else []


def set_status(
    *,
    session: Session,
    learning_session_id: int,
    to_status: SessionStatus | str,
    expected_version: int,
    actor: CurrentUser,
) -> LearningSession:
    """Move a session along the steps of planning (TRANSITIONS); starting and closing it is refused here."""
    policy.require(actor, "series.plan")
    try:
        target = SessionStatus(to_status)
    except ValueError:
        raise DomainError("Onbekende status.") from None
    if target in IN_THE_ROOM:
        raise DomainError(START_ON_PROJECTOR)
    meeting = _for_change(session, learning_session_id, expected_version)
    current = SessionStatus(meeting.status)
    if target not in TRANSITIONS[current]:
        raise DomainError(
            f"Een leersessie die {SESSION_STATUS_LABELS[current]} is, kan niet naar '{SESSION_STATUS_LABELS[target]}'."
        )
    meeting.status = target
    audit.record(
        session=session,
        event="session_status",
        user_id=actor.id,
        entity="learning_session",
        entity_id=meeting.id,
        from_status=str(current),
        to_status=str(target),
    )
    return meeting


def upcoming_sessions(
    *, session: Session, today: dt.date, include_cancelled: bool = True, limit: int | None = None
) -> list[LearningSession]:
    """Sessions from today on, soonest first (the first `limit` when given)."""
    query = select(LearningSession).where(LearningSession.date >= today)
    if not include_cancelled:
        query = query.where(LearningSession.status != SessionStatus.CANCELLED)
    order = (LearningSession.date, LearningSession.start_time, LearningSession.id)
    return list(session.scalars(query.order_by(*order).limit(limit)))


def sessions_to_prepare(*, session: Session, today: dt.date) -> list[LearningSession]:
    """What the aanjager prepares: sessions not finished or cancelled, upcoming first, then the rest."""
    query = select(LearningSession).where(
        LearningSession.status.in_([SessionStatus.PLANNED, SessionStatus.PREPARED, SessionStatus.RUNNING])
    )
    rows = list(session.scalars(query.order_by(LearningSession.date, LearningSession.start_time)))
    return [m for m in rows if m.date >= today] + [m for m in rows if m.date < today]


def describe(meeting: LearningSession) -> str:
    """'maandag 5 september 2016, 09:00–10:30' (with '(geannuleerd)' when cancelled)."""
    text = dates.session_when(meeting.date, meeting.start_time, meeting.end_time)
    if meeting.status == SessionStatus.CANCELLED:
        text += " (geannuleerd)"
    return text


# --- cases of a session (minimal; case selection proper belongs to lib/cases.py) ----------------


def selected_cases(*, session: Session, learning_session_id: int) -> list[Case]:
    """The cases treated in this session, in the order they were submitted."""
    return list(
        session.scalars(
            select(Case)
            .where(Case.session_id == learning_session_id, Case.status.in_([CaseStatus.SELECTED, CaseStatus.DISCUSSED]))
            .order_by(Case.created_at, Case.id)
        )
    )


@dataclass(frozen=True)
class CaseChoice:
    id: int
    title: str
    version: int


CASE_CHOICES = 200


def selectable_cases(*, session: Session, search: str = "", limit: int = CASE_CHOICES) -> tuple[list[CaseChoice], int]:
    """Submitted cases that can still be chosen, oldest first, at most `limit` (title containing `search`),
    and how many there are in all: only the columns the choice shows, not the cases themselves."""
    query = select(Case.id, Case.title, Case.version).where(
        Case.status.in_([CaseStatus.SUBMITTED, CaseStatus.RETURNED])
    )
    if search.strip():
        query = query.where(Case.title.ilike(contains_pattern(search), escape=LIKE_ESCAPE))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(query.order_by(Case.created_at, Case.id).limit(limit)).all()
    return [CaseChoice(*row) for row in rows], total
