"""Submitting a casus: the professional's own cases, their validation and privacy check, and
editing or withdrawing them until they are selected."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session, selectinload

from lib.accounts import CurrentUser
from lib.cases import privacy
from lib.core import audit, dates, policy, versions, visibility
from lib.core.errors import DomainError, NotAllowed, NotFound
from lib.core.validation import clean_text
from lib.models import (
    CASE_STATUS_LABELS,
    Case,
    CaseStatus,
    Group,
    LearningSession,
    Organisation,
    SessionStatus,
    utcnow,
)

MAX_TITLE = 120
MAX_DESCRIPTION = 5000
MAX_TRIED = 5000
MAX_QUESTION = 500

# The submitter may change or withdraw a case until it has been discussed.
OPEN_STATUSES = frozenset({CaseStatus.SUBMITTED, CaseStatus.SELECTED, CaseStatus.RETURNED})

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


# --- checks ---------------------------------------------------------------------------------------


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
    title = clean_text(data.title, field="Titel", max_length=MAX_TITLE)
    description = clean_text(data.description, field="Beschrijving van de situatie", max_length=MAX_DESCRIPTION)
    tried = clean_text(data.tried, field="Wat is al geprobeerd", max_length=MAX_TRIED, required=False)
    question = clean_text(data.learning_question, field="Leervraag", max_length=MAX_QUESTION)
    problem = privacy_problem(
        {
            "Titel": title,
            "Beschrijving van de situatie": description,
            "Wat is al geprobeerd": tried,
            "Leervraag": question,
        },
        confirmed=data.anonymised_confirmed,
    )
    if problem:
        raise DomainError(problem)
    involved = tuple(dict.fromkeys(data.involved_ids))
    if involved:
        found = session.scalar(
            select(func.count())
            .select_from(Organisation)
            .where(Organisation.id.in_(involved), Organisation.active.is_(True))
        )
        if found != len(involved):
            raise DomainError("Betrokken organisaties: kies alleen organisaties uit de lijst.")
    if data.preferred_session_id is not None:
        meeting = session.get(LearningSession, data.preferred_session_id)
        if meeting is None or meeting.status not in UPCOMING_SESSION_STATUSES or meeting.date < dates.local_today():
            raise DomainError("Voorkeurssessie: kies een leersessie die nog komt.")
    return CaseInput(
        title, description, question, tried, involved, data.preferred_session_id, data.anonymised_confirmed
    )


def visible_to(query: Select, actor: CurrentUser) -> Select:
    """Restrict a query on Case to what `actor` may see: everything, or their own cases and those of
    the sessions they attend, as far as the policy lets their role (lib/core/visibility.py)."""
    return query.where(visibility.case_clause(actor))


def load_for_change(session: Session, case_id: int, expected_version: int) -> Case:
    case = session.scalar(select(Case).where(Case.id == case_id).with_for_update())
    if case is None:
        raise NotFound("Deze casus bestaat niet (meer).")
    versions.check(case, expected_version, now=f"de status is nu {status_text(case)}")
    return case


def leave_session(session: Session, case: Case) -> None:
    """Take a case out of its session, and off any group table it was placed on."""
    if case.session is not None and case.session.status not in UPCOMING_SESSION_STATUSES:
        raise DomainError(
            f"{case.session.title} is al begonnen of voorbij: de casus kan er niet meer uit worden gehaald."
        )
    if case.session_id is not None:
        session.execute(
            update(Group)
            .where(Group.case_id == case.id)
            .values(case_id=None)
            .execution_options(synchronize_session=False)
        )
    case.session_id = None


def _own(case: Case, actor: CurrentUser) -> None:
    policy.require(actor, "case.own")
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
    policy.require(author, "case.submit")
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
    case = load_for_change(session, case_id, expected_version)
    _own(case, actor)
    if case.status not in OPEN_STATUSES:
        raise DomainError(f"Deze casus is {status_text(case)} en kan niet meer worden gewijzigd.")
    data = _validated(session, data)
    # First, so that loading the old list cannot flush (and version) half of the change.
    case.involved = list(session.scalars(select(Organisation).where(Organisation.id.in_(data.involved_ids))))
    case.title = data.title
    case.description = data.description
    case.tried = data.tried
    case.learning_question = data.learning_question
    case.preferred_session_id = data.preferred_session_id
    case.anonymised_confirmed = data.anonymised_confirmed
    case.updated_at = utcnow()  # also a new version when only the organisations changed
    if case.status == CaseStatus.RETURNED:
        case.status = CaseStatus.SUBMITTED
    audit.record(session=session, event="case_edited", user_id=actor.id, entity="case", entity_id=case.id)
    return case


def withdraw_case(*, session: Session, case_id: int, actor: CurrentUser, expected_version: int) -> Case:
    case = load_for_change(session, case_id, expected_version)
    _own(case, actor)
    if case.status not in OPEN_STATUSES:
        raise DomainError(f"Deze casus is {status_text(case)} en kan niet meer worden ingetrokken.")
    leave_session(session, case)
    case.status = CaseStatus.WITHDRAWN
    audit.record(session=session, event="case_withdrawn", user_id=actor.id, entity="case", entity_id=case.id)
    return case


def own_cases(*, session: Session, actor: CurrentUser) -> list[Case]:
    """The actor's own cases, newest first (archived ones left out)."""
    policy.require(actor, "case.own")
    return list(
        session.scalars(
            select(Case)
            .options(selectinload(Case.session), selectinload(Case.involved))
            .where(Case.submitter_id == actor.id, Case.status != CaseStatus.ARCHIVED)
            .order_by(Case.created_at.desc(), Case.id.desc())
        )
    )
