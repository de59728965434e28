"""The aanjager's side of cases: the inbox, selecting a casus for a session, returning and archiving."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from lib.accounts import CurrentUser
from lib.cases import privacy
from lib.cases.submission import (
    UPCOMING_SESSION_STATUSES,
    leave_session,
    load_for_change,
    status_text,
    visible_to,
)
from lib.core import audit, dates, policy
from lib.core.errors import DomainError, NotFound
from lib.core.validation import clean_text
from lib.models import (
    Case,
    CaseStatus,
    LearningSession,
    Organisation,
)
from lib.planning import groups

MAX_NOTE = 2000
PAGE_SIZE = 20
SELECTABLE_STATUSES = frozenset({CaseStatus.SUBMITTED, CaseStatus.SELECTED})


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

    @property
    def picker_label(self) -> str:
        """For a narrow picker: how full first, then the date, then the title (which may be cut off)."""
        fullness = f"{len(self.cases)} van {self.capacity}" + (" — vol" if self.full else "")
        return f"{fullness} · {dates.short_date(self.date)} · {self.title}"


# --- the inbox ------------------------------------------------------------------------------------


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


def inbox(
    *,
    session: Session,
    actor: CurrentUser,
    filters: CaseFilter = CaseFilter(),
    page: int = 0,
    page_size: int = PAGE_SIZE,
) -> CasePage:
    """The cases `actor` may see, filtered and paged (newest first)."""
    policy.require(actor, "case.view")
    query = visible_to(select(Case), actor)
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
        query = query.where(
            or_(
                *(
                    func.lower(column).like(pattern, escape="\\")
                    for column in (Case.title, Case.description, Case.tried, Case.learning_question)
                )
            )
        )
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    page = max(0, min(page, max(0, (total - 1) // page_size)))
    items = list(
        session.scalars(
            query.options(selectinload(Case.involved), selectinload(Case.session), selectinload(Case.submitter))
            .order_by(Case.created_at.desc(), Case.id.desc())
            .offset(page * page_size)
            .limit(page_size)
        )
    )
    return CasePage(items, total, page, page_size)


def upcoming_sessions(*, session: Session, today: dt.date | None = None, limit: int = 12) -> list[SessionSlot]:
    """Sessions still to come, each with its selected cases (and their learning questions)."""
    today = today or dates.local_today()
    meetings = list(
        session.scalars(
            select(LearningSession)
            .where(LearningSession.date >= today, LearningSession.status.in_(UPCOMING_SESSION_STATUSES))
            .order_by(LearningSession.date, LearningSession.start_time)
            .limit(limit)
        )
    )
    selected: dict[int, list[Case]] = {m.id: [] for m in meetings}
    for case in session.scalars(
        select(Case)
        .options(selectinload(Case.submitter))
        .where(Case.session_id.in_(selected), Case.status == CaseStatus.SELECTED)
        .order_by(Case.id)
    ):
        assert case.session_id is not None  # selected by session_id above
        selected[case.session_id].append(case)
    return [
        SessionSlot(m.id, m.title, m.date, m.start_time, m.end_time, m.group_count, selected[m.id]) for m in meetings
    ]


def select_for_session(
    *, session: Session, case_id: int, learning_session_id: int, actor: CurrentUser, expected_version: int
) -> Case:
    """Select a casus for an upcoming session, as long as the session has a free group table."""
    policy.require(actor, "case.select")
    case = load_for_change(session, case_id, expected_version)
    if case.status not in SELECTABLE_STATUSES:
        raise DomainError(f"Deze casus is {status_text(case)} en kan niet worden geselecteerd.")
    # Lock the session too: two cases selected for its last free place at once must not both get in.
    meeting = session.scalar(select(LearningSession).where(LearningSession.id == learning_session_id).with_for_update())
    if meeting is None:
        raise NotFound("Deze leersessie bestaat niet (meer).")
    if meeting.status not in UPCOMING_SESSION_STATUSES or meeting.date < dates.local_today():
        raise DomainError("Deze leersessie is al begonnen of voorbij; kies een sessie die nog komt.")
    if case.session_id == meeting.id and case.status == CaseStatus.SELECTED:
        raise DomainError("Deze casus is al voor deze sessie geselecteerd.")
    taken = session.execute(
        select(func.count())
        .select_from(Case)
        .where(Case.session_id == meeting.id, Case.status == CaseStatus.SELECTED, Case.id != case.id)
    ).scalar_one()
    if taken >= meeting.group_count:
        raise DomainError(
            f"{meeting.title} is vol: er zijn al {taken} casussen gekozen voor {meeting.group_count} groepen. "
            "Kies een andere sessie of haal eerst een casus weg."
        )
    previous = case.session_id
    leave_session(session, case)
    case.session_id = meeting.id
    case.status = CaseStatus.SELECTED
    case.return_note = ""
    session.flush()
    # Groups made before this casus was chosen: it takes a table that has none (its submitter along).
    seated = groups.seat_unseated_cases(session=session, learning_session_id=meeting.id)
    audit.record(
        session=session,
        event="case_selected",
        user_id=actor.id,
        entity="case",
        entity_id=case.id,
        session_id=meeting.id,
        previous_session_id=previous,
        group=next((number for case_id, number in seated if case_id == case.id), None),
    )
    return case


def replace_case(
    *,
    session: Session,
    case_id: int,
    replaced_case_id: int,
    actor: CurrentUser,
    expected_version: int,
    replaced_version: int,
) -> Case:
    """Swap a casus into a (full) session in place of one selected there, in one step: the replaced casus
    goes back to 'ingediend', the new one takes its place and the table it frees (its submitter moves
    there where possible)."""
    policy.require(actor, "case.select")
    if case_id == replaced_case_id:
        raise DomainError("Kies een andere casus om te vervangen.")
    replaced = load_for_change(session, replaced_case_id, replaced_version)
    if replaced.status != CaseStatus.SELECTED or replaced.session_id is None:
        raise DomainError("De casus die u wilt vervangen is niet (meer) geselecteerd. Laad de pagina opnieuw.")
    meeting_id = replaced.session_id
    unselect_case(session=session, case_id=replaced.id, actor=actor, expected_version=replaced_version)
    session.flush()
    # The freed table is free for the new casus (select_for_session seats it on the first free table).
    case = select_for_session(
        session=session,
        case_id=case_id,
        learning_session_id=meeting_id,
        actor=actor,
        expected_version=expected_version,
    )
    audit.record(
        session=session,
        event="case_replaced",
        user_id=actor.id,
        entity="case",
        entity_id=case.id,
        session_id=meeting_id,
        replaced_case_id=replaced.id,
    )
    return case


def unselect_case(*, session: Session, case_id: int, actor: CurrentUser, expected_version: int) -> Case:
    """Take a selected casus out of its session, back to 'ingediend'."""
    policy.require(actor, "case.select")
    case = load_for_change(session, case_id, expected_version)
    if case.status != CaseStatus.SELECTED:
        raise DomainError("Alleen een geselecteerde casus kan uit een sessie worden gehaald.")
    leave_session(session, case)
    case.status = CaseStatus.SUBMITTED
    audit.record(session=session, event="case_unselected", user_id=actor.id, entity="case", entity_id=case.id)
    return case


def return_case(
    *,
    session: Session,
    case_id: int,
    note: str,
    actor: CurrentUser,
    expected_version: int,
    privacy_confirmed: bool = False,
) -> Case:
    """Give a casus back to its submitter with a note (what to improve, or why not now)."""
    policy.require(actor, "case.select")
    note = clean_text(note, field="Toelichting voor de indiener", max_length=MAX_NOTE)
    privacy.check({"De toelichting": note}, confirmed=privacy_confirmed)
    case = load_for_change(session, case_id, expected_version)
    if case.status not in SELECTABLE_STATUSES:
        raise DomainError(f"Deze casus is {status_text(case)} en kan niet worden teruggelegd.")
    leave_session(session, case)
    case.status = CaseStatus.RETURNED
    case.return_note = note
    audit.record(session=session, event="case_returned", user_id=actor.id, entity="case", entity_id=case.id)
    return case


def archive_case(*, session: Session, case_id: int, actor: CurrentUser, expected_version: int) -> Case:
    """Put a casus away; a discussed casus keeps its session for the history."""
    policy.require(actor, "case.select")
    case = load_for_change(session, case_id, expected_version)
    if case.status == CaseStatus.ARCHIVED:
        raise DomainError("Deze casus is al gearchiveerd.")
    if case.status == CaseStatus.SELECTED:
        leave_session(session, case)
    case.status = CaseStatus.ARCHIVED
    audit.record(session=session, event="case_archived", user_id=actor.id, entity="case", entity_id=case.id)
    return case


def series_options(*, session: Session) -> list[tuple[int, str]]:
    """The series to filter the inbox on: (id, name), current ones first."""
    from lib.models import Series

    return [
        (row.id, row.name)
        for row in session.execute(select(Series.id, Series.name).order_by(Series.archived, Series.name))
    ]
