"""Casussen: submission with the privacy check, the submitter's own list, and the aanjager's inbox.

Who sees what is decided here, not in the pages: a professional sees only their own cases, a manager
only cases selected for a session they attend, the aanjager and beheerder all. Every change bumps
`version`, and a change made on a stale version is refused, so two aanjagers selecting the same case
at once can never put it in two sessions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Select, func, or_, select, update
from sqlalchemy.orm import Session, selectinload

from lib import audit, dates, privacy
from lib.auth import CurrentUser
from lib.errors import Conflict, DomainError, NotAllowed, NotFound
from lib.models import (
    CASE_STATUS_LABELS,
    Attendance,
    Case,
    CaseStatus,
    Group,
    LearningSession,
    Organisation,
    Role,
    SessionStatus,
)
from lib.validation import clean_text

MAX_TITLE = 120
MAX_DESCRIPTION = 5000
MAX_TRIED = 5000
MAX_QUESTION = 500
MAX_NOTE = 2000
PAGE_SIZE = 20

SUBMITTER_ROLES = frozenset({Role.PROFESSIONAL, Role.AANJAGER, Role.MANAGER})
MANAGING_ROLES = frozenset({Role.AANJAGER, Role.BEHEERDER})
# The submitter may change or withdraw a case until it has been discussed.
OPEN_STATUSES = frozenset({CaseStatus.SUBMITTED, CaseStatus.SELECTED, CaseStatus.RETURNED})
SELECTABLE_STATUSES = frozenset({CaseStatus.SUBMITTED, CaseStatus.SELECTED})
UPCOMING_SESSION_STATUSES = (SessionStatus.PLANNED, SessionStatus.PREPARED)

CONFIRM_ANONYMISED = "ik heb de casus geanonimiseerd"


@dataclass(frozen=True)
class CaseInput:
    """What a submitter types; `anonymised_confirmed` is the 'ik heb de casus geanonimiseerd' tick."""

    title: str
    description: str
    learning_question: str
    tried: str = ""
    involved_ids: tuple[int, ...] = ()
    preferred_session_id: int | None = None
    anonymised_confirmed: bool = False


@dataclass(frozen=True)
class CaseFilter:
    statuses: tuple[str, ...] = ()
    organisation_id: int | None = None
    series_id: int | None = None
    search: str = ""


@dataclass(frozen=True)
class CasePage:
    items: list[Case]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


@dataclass(frozen=True)
class SessionSlot:
    """An upcoming session with the cases selected for it, for the inbox overview and the choice."""

    id: int
    title: str
    date: dt.date
    start_time: dt.time
    end_time: dt.time
    capacity: int
    cases: list[Case] = field(default_factory=list)

    @property
    def full(self) -> bool:
        return len(self.cases) >= self.capacity

    @property
    def label(self) -> str:
        return f"{self.title} — {dates.long_date(self.date)} ({len(self.cases)} van {self.capacity} gekozen)"


# --- checks ---------------------------------------------------------------------------------------


def _text(value: str | None, *, field: str, max_length: int, required: bool = True) -> str:
    value = clean_text(value, field=field, max_length=max_length, required=required)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise DomainError(f"{field} bevat een ongeldig teken. Verwijder het en probeer opnieuw.") from None
    return value


def privacy_problem(texts: dict[str, str], *, confirmed: bool) -> str | None:
    """The Dutch message why these texts may not be stored yet, or None when they may.

    A BSN or IBAN always blocks; other personal data needs the anonymisation confirmation.
    """
    soft: list[str] = []
    for field_name, text in texts.items():
        findings = privacy.scan(text)
        hard = privacy.blocking(findings)
        if hard:
            kinds = " en ".join(sorted({privacy.KIND_LABELS[f.kind] for f in hard}))
            return f"{field_name} bevat een {kinds}. Verwijder dit eerst: zo kan de casus niet worden opgeslagen."
        soft += [privacy.KIND_LABELS[f.kind] for f in findings]
    if soft and not confirmed:
        found = ", ".join(dict.fromkeys(soft))
        return (
            f"De casus lijkt persoonsgegevens te bevatten ({found}). Haal ze weg, of bevestig "
            f"'{CONFIRM_ANONYMISED}' als ze niet naar een inwoner te herleiden zijn."
        )
    return None


def _validated(session: Session, data: CaseInput) -> CaseInput:
    title = _text(data.title, field="Titel", max_length=MAX_TITLE)
    description = _text(data.description, field="Beschrijving van de situatie", max_length=MAX_DESCRIPTION)
    tried = _text(data.tried, field="Wat is al geprobeerd", max_length=MAX_TRIED, required=False)
    question = _text(data.learning_question, field="Leervraag", max_length=MAX_QUESTION)
    problem = privacy_problem(
        {"Titel": title, "Beschrijving van de situatie": description, "Wat is al geprobeerd": tried,
         "Leervraag": question},
        confirmed=data.anonymised_confirmed,
    )
    if problem:
        raise DomainError(problem)
    involved = tuple(dict.fromkeys(data.involved_ids))
    if involved:
        found = session.scalar(
            select(func.count()).select_from(Organisation)
            .where(Organisation.id.in_(involved), Organisation.active.is_(True))
        )
        if found != len(involved):
            raise DomainError("Betrokken organisaties: kies alleen organisaties uit de lijst.")
    if data.preferred_session_id is not None:
        meeting = session.get(LearningSession, data.preferred_session_id)
        if meeting is None or meeting.status not in UPCOMING_SESSION_STATUSES or meeting.date < dates.local_today():
            raise DomainError("Voorkeurssessie: kies een leersessie die nog komt.")
    return CaseInput(title, description, question, tried, involved, data.preferred_session_id,
                     data.anonymised_confirmed)


def _visible(query: Select, actor: CurrentUser) -> Select:
    """Restrict a query on Case to what `actor` may see."""
    if actor.role in MANAGING_ROLES:
        return query
    if actor.role == Role.MANAGER:
        attended = select(Attendance.session_id).where(Attendance.user_id == actor.id)
        return query.where(or_(Case.submitter_id == actor.id, Case.session_id.in_(attended)))
    return query.where(Case.submitter_id == actor.id)


def _load_for_change(session: Session, case_id: int, expected_version: int) -> Case:
    case = session.scalar(select(Case).where(Case.id == case_id).with_for_update())
    if case is None:
        raise NotFound("Deze casus bestaat niet (meer).")
    if case.version != expected_version:
        raise Conflict(
            f"Iemand anders heeft deze casus intussen gewijzigd: de status is nu {status_text(case)}. "
            "Bekijk de actuele stand en probeer het opnieuw."
        )
    return case


def _bump(session: Session, case: Case, expected_version: int) -> None:
    # The row is locked (FOR UPDATE; SQLite: BEGIN IMMEDIATE); this atomic bump is the second guard.
    bumped = session.execute(
        update(Case).where(Case.id == case.id, Case.version == expected_version)
        .values(version=expected_version + 1).execution_options(synchronize_session=False)
    )
    if bumped.rowcount != 1:
        raise Conflict("Iemand anders heeft deze casus intussen gewijzigd. Probeer het opnieuw.")
    case.version = expected_version + 1


def _leave_session(session: Session, case: Case) -> None:
    """Take a case out of its session, and off any group table it was placed on."""
    if case.session is not None and case.session.status not in UPCOMING_SESSION_STATUSES:
        raise DomainError(
            f"{case.session.title} is al begonnen of voorbij: de casus kan er niet meer uit worden gehaald."
        )
    if case.session_id is not None:
        session.execute(
            update(Group).where(Group.case_id == case.id).values(case_id=None)
            .execution_options(synchronize_session=False)
        )
    case.session_id = None


def _own(case: Case, actor: CurrentUser) -> None:
    if case.submitter_id != actor.id:
        raise NotAllowed("U kunt alleen uw eigen casussen wijzigen.")


def status_text(case: Case) -> str:
    """'geselecteerd voor dinsdag 5 december 2026', 'besproken op …', 'teruggelegd', …"""
    label = CASE_STATUS_LABELS[CaseStatus(case.status)]
    meeting = case.session
    if meeting is not None and case.status == CaseStatus.SELECTED:
        return f"{label} voor {meeting.title} ({dates.long_date(meeting.date)})"
    if meeting is not None and case.status == CaseStatus.DISCUSSED:
        return f"{label} op {dates.long_date(meeting.date)}"
    return label


# --- the submitter --------------------------------------------------------------------------------


def submit_case(*, session: Session, data: CaseInput, author: CurrentUser) -> Case:
    """Store a new casus after the checks; a BSN or IBAN anywhere in it refuses it."""
    if author.role not in SUBMITTER_ROLES:
        raise NotAllowed("Alleen professionals, aanjagers en managers kunnen een casus indienen.")
    data = _validated(session, data)
    case = Case(
        title=data.title,
        description=data.description,
        tried=data.tried,
        learning_question=data.learning_question,
        submitter_id=author.id,
        organisation_id=author.organisation_id,
        preferred_session_id=data.preferred_session_id,
        anonymised_confirmed=data.anonymised_confirmed,
        status=CaseStatus.SUBMITTED,
        involved=list(session.scalars(select(Organisation).where(Organisation.id.in_(data.involved_ids)))),
    )
    session.add(case)
    session.flush()
    audit.record(session=session, event="case_submitted", user_id=author.id, entity="case", entity_id=case.id)
    return case


def edit_case(*, session: Session, case_id: int, data: CaseInput, actor: CurrentUser, expected_version: int) -> Case:
    """Change an own casus that has not been discussed yet; a returned casus is submitted again."""
    case = _load_for_change(session, case_id, expected_version)
    _own(case, actor)
    if case.status not in OPEN_STATUSES:
        raise DomainError(f"Deze casus is {status_text(case)} en kan niet meer worden gewijzigd.")
    data = _validated(session, data)
    case.title = data.title
    case.description = data.description
    case.tried = data.tried
    case.learning_question = data.learning_question
    case.preferred_session_id = data.preferred_session_id
    case.anonymised_confirmed = data.anonymised_confirmed
    case.involved = list(session.scalars(select(Organisation).where(Organisation.id.in_(data.involved_ids))))
    if case.status == CaseStatus.RETURNED:
        case.status = CaseStatus.SUBMITTED
    _bump(session, case, expected_version)
    audit.record(session=session, event="case_edited", user_id=actor.id, entity="case", entity_id=case.id)
    return case


def withdraw_case(*, session: Session, case_id: int, actor: CurrentUser, expected_version: int) -> Case:
    case = _load_for_change(session, case_id, expected_version)
    _own(case, actor)
    if case.status not in OPEN_STATUSES:
        raise DomainError(f"Deze casus is {status_text(case)} en kan niet meer worden ingetrokken.")
    _leave_session(session, case)
    case.status = CaseStatus.WITHDRAWN
    _bump(session, case, expected_version)
    audit.record(session=session, event="case_withdrawn", user_id=actor.id, entity="case", entity_id=case.id)
    return case


def own_cases(*, session: Session, actor: CurrentUser) -> list[Case]:
    """The actor's own cases, newest first (archived ones left out)."""
    return list(session.scalars(
        select(Case).options(selectinload(Case.session), selectinload(Case.involved))
        .where(Case.submitter_id == actor.id, Case.status != CaseStatus.ARCHIVED)
        .order_by(Case.created_at.desc(), Case.id.desc())
    ))


def get_case(*, session: Session, case_id: int, actor: CurrentUser) -> Case:
    case = session.scalar(
        _visible(select(Case), actor).options(selectinload(Case.involved), selectinload(Case.session),
                                              selectinload(Case.submitter))
        .where(Case.id == case_id)
    )
    if case is None:
        raise NotFound("Deze casus bestaat niet, of u mag hem niet inzien.")
    return case


# --- the inbox ------------------------------------------------------------------------------------


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


def inbox(
    *, session: Session, actor: CurrentUser, filters: CaseFilter = CaseFilter(), page: int = 0,
    page_size: int = PAGE_SIZE,
) -> CasePage:
    """The cases `actor` may see, filtered and paged (newest first)."""
    query = _visible(select(Case), actor)
    if filters.statuses:
        query = query.where(Case.status.in_([str(s) for s in filters.statuses]))
    if filters.organisation_id is not None:
        involved = select(Case.id).join(Case.involved).where(Organisation.id == filters.organisation_id)
        query = query.where(or_(Case.organisation_id == filters.organisation_id, Case.id.in_(involved)))
    if filters.series_id is not None:
        in_series = select(LearningSession.id).where(LearningSession.series_id == filters.series_id)
        query = query.where(or_(Case.session_id.in_(in_series), Case.preferred_session_id.in_(in_series)))
    search = (filters.search or "").strip()[:200]
    if search:
        pattern = _like(search)
        query = query.where(or_(*(
            func.lower(column).like(pattern, escape="\\")
            for column in (Case.title, Case.description, Case.tried, Case.learning_question)
        )))
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    page = max(0, min(page, max(0, (total - 1) // page_size)))
    items = list(session.scalars(
        query.options(selectinload(Case.involved), selectinload(Case.session), selectinload(Case.submitter))
        .order_by(Case.created_at.desc(), Case.id.desc())
        .offset(page * page_size).limit(page_size)
    ))
    return CasePage(items, total, page, page_size)


def upcoming_sessions(*, session: Session, today: dt.date | None = None, limit: int = 12) -> list[SessionSlot]:
    """Sessions still to come, each with its selected cases (and their learning questions)."""
    today = today or dates.local_today()
    meetings = list(session.scalars(
        select(LearningSession)
        .where(LearningSession.date >= today, LearningSession.status.in_(UPCOMING_SESSION_STATUSES))
        .order_by(LearningSession.date, LearningSession.start_time).limit(limit)
    ))
    selected: dict[int, list[Case]] = {m.id: [] for m in meetings}
    for case in session.scalars(
        select(Case).options(selectinload(Case.submitter))
        .where(Case.session_id.in_(selected), Case.status == CaseStatus.SELECTED).order_by(Case.id)
    ):
        selected[case.session_id].append(case)
    return [
        SessionSlot(m.id, m.title, m.date, m.start_time, m.end_time, m.group_count, selected[m.id]) for m in meetings
    ]


def _require_manager(actor: CurrentUser) -> None:
    if actor.role not in MANAGING_ROLES:
        raise NotAllowed("Alleen een aanjager of beheerder beheert de casusinbox.")


def select_for_session(
    *, session: Session, case_id: int, learning_session_id: int, actor: CurrentUser, expected_version: int
) -> Case:
    """Select a casus for an upcoming session, as long as the session has a free group table."""
    _require_manager(actor)
    case = _load_for_change(session, case_id, expected_version)
    if case.status not in SELECTABLE_STATUSES:
        raise DomainError(f"Deze casus is {status_text(case)} en kan niet worden geselecteerd.")
    # Lock the session too: two cases selected for its last free place at once must not both get in.
    meeting = session.scalar(
        select(LearningSession).where(LearningSession.id == learning_session_id).with_for_update()
    )
    if meeting is None:
        raise NotFound("Deze leersessie bestaat niet (meer).")
    if meeting.status not in UPCOMING_SESSION_STATUSES or meeting.date < dates.local_today():
        raise DomainError("Deze leersessie is al begonnen of voorbij; kies een sessie die nog komt.")
    if case.session_id == meeting.id and case.status == CaseStatus.SELECTED:
        raise DomainError("Deze casus is al voor deze sessie geselecteerd.")
    taken = session.scalar(
        select(func.count()).select_from(Case)
        .where(Case.session_id == meeting.id, Case.status == CaseStatus.SELECTED, Case.id != case.id)
    )
    if taken >= meeting.group_count:
        raise DomainError(
            f"{meeting.title} is vol: er zijn al {taken} casussen gekozen voor {meeting.group_count} groepen. "
            "Kies een andere sessie of haal eerst een casus weg."
        )
    previous = case.session_id
    _leave_session(session, case)
    case.session_id = meeting.id
    case.status = CaseStatus.SELECTED
    case.return_note = ""
    _bump(session, case, expected_version)
    audit.record(session=session, event="case_selected", user_id=actor.id, entity="case", entity_id=case.id,
                 session_id=meeting.id, previous_session_id=previous)
    return case


def unselect_case(*, session: Session, case_id: int, actor: CurrentUser, expected_version: int) -> Case:
    """Take a selected casus out of its session, back to 'ingediend'."""
    _require_manager(actor)
    case = _load_for_change(session, case_id, expected_version)
    if case.status != CaseStatus.SELECTED:
        raise DomainError("Alleen een geselecteerde casus kan uit een sessie worden gehaald.")
    _leave_session(session, case)
    case.status = CaseStatus.SUBMITTED
    _bump(session, case, expected_version)
    audit.record(session=session, event="case_unselected", user_id=actor.id, entity="case", entity_id=case.id)
    return case


def return_case(*, session: Session, case_id: int, note: str, actor: CurrentUser, expected_version: int) -> Case:
    """Give a casus back to its submitter with a note (what to improve, or why not now)."""
    _require_manager(actor)
    note = _text(note, field="Toelichting voor de indiener", max_length=MAX_NOTE)
    case = _load_for_change(session, case_id, expected_version)
    if case.status not in SELECTABLE_STATUSES:
        raise DomainError(f"Deze casus is {status_text(case)} en kan niet worden teruggelegd.")
    _leave_session(session, case)
    case.status = CaseStatus.RETURNED
    case.return_note = note
    _bump(session, case, expected_version)
    audit.record(session=session, event="case_returned", user_id=actor.id, entity="case", entity_id=case.id)
    return case


def archive_case(*, session: Session, case_id: int, actor: CurrentUser, expected_version: int) -> Case:
    """Put a casus away; a discussed casus keeps its session for the history."""
    _require_manager(actor)
    case = _load_for_change(session, case_id, expected_version)
    if case.status == CaseStatus.ARCHIVED:
        raise DomainError("Deze casus is al gearchiveerd.")
    if case.status == CaseStatus.SELECTED:
        _leave_session(session, case)
    case.status = CaseStatus.ARCHIVED
    _bump(session, case, expected_version)
    audit.record(session=session, event="case_archived", user_id=actor.id, entity="case", entity_id=case.id)
    return case


def series_options(*, session: Session) -> list[tuple[int, str]]:
    """The series to filter the inbox on: (id, name), current ones first."""
    from lib.models import Series

    return [(row.id, row.name) for row in session.execute(
        select(Series.id, Series.name).order_by(Series.archived, Series.name)
    )]
