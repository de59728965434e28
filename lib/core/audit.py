"""The append-only audit log: every service that changes something important records it here,
and the beheerder reads it (filtered and paged in SQL) or exports it as CSV."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from lib.core import dates, policy
from lib.core.errors import DomainError
from lib.models import AuditLog, User

if TYPE_CHECKING:
    from lib.accounts import CurrentUser


def record(
    *,
    session: Session,
    event: str,
    user_id: int | None,
    entity: str = "",
    entity_id: int | None = None,
    **detail: Any,
) -> None:
    session.add(AuditLog(event=event, user_id=user_id, entity=entity, entity_id=entity_id, detail=detail))


# --- reading the log (beheerder) ------------------------------------------------------------------

EVENT_LABELS = {
    "action_created": "actie aangemaakt",
    "action_edited": "actie gewijzigd",
    "action_effect": "effect van actie vastgelegd",
    "action_status": "status van actie gewijzigd",
    "action_reminder": "herinnering over actie verstuurd",
    "attendee_removed": "deelnemer afgemeld",
    "attendees_added": "deelnemers aangemeld",
    "auditlog_exported": "auditlog geëxporteerd",
    "backup_created": "back-up gemaakt",
    "backup_downloaded": "back-up gedownload",
    "backup_restored": "back-up teruggezet",
    "case_archived": "casus gearchiveerd",
    "case_edited": "casus bewerkt",
    "case_read": "casus volledig gelezen",
    "case_returned": "casus teruggelegd",
    "case_selected": "casus geselecteerd",
    "case_submitted": "casus ingediend",
    "case_unselected": "casus uit sessie gehaald",
    "case_withdrawn": "casus ingetrokken",
    "contribution_hidden": "inbreng verborgen",
    "demo_loaded": "demogegevens geladen",
    "download": "bestand gedownload",
    "group_cases_swapped": "casussen van groepen gewisseld",
    "group_member_moved": "deelnemer naar andere groep",
    "groups_generated": "groepen samengesteld",
    "guest_added": "gast toegevoegd",
    "inzage_downloaded": "inzage gedownload",
    "join_failed": "onjuiste deelnamecode",
    "joined": "meegedaan met de code",
    "login": "ingelogd",
    "login_backoff": "inloggen vertraagd na mislukte pogingen",
    "login_failed": "inloggen mislukt",
    "logout": "uitgelogd",
    "organisation_created": "organisatie aangemaakt",
    "password_reset": "wachtwoord ingesteld",
    "presence_confirmed": "aanwezigheid bevestigd",
    "present_added": "aanwezige toegevoegd na de sessie",
    "retention_run": "bewaartermijn toegepast",
    "series_created": "reeks aangemaakt",
    "series_updated": "reeks gewijzigd",
    "session_moved": "sessie verplaatst",
    "session_opened": "sessie geopend",
    "session_phase": "fase van sessie gewijzigd",
    "session_status": "status van sessie gewijzigd",
    "sessions_added": "sessies toegevoegd",
    "signed_off": "afgemeld voor sessie",
    "signed_up": "aangemeld voor sessie",
    "template_created": "werkvorm aangemaakt",
    "template_updated": "werkvorm gewijzigd",
    "user_active": "gebruiker (de)geactiveerd",
    "user_created": "gebruiker aangemaakt",
    "user_erased": "gegevens van gebruiker verwijderd",
}

ENTITY_LABELS = {
    "action": "actie",
    "case": "casus",
    "learning_session": "leersessie",
    "organisation": "organisatie",
    "series": "reeks",
    "template": "werkvorm",
    "user": "gebruiker",
}

PAGE_SIZE = 50
SYSTEM = "systeem"


def event_label(event: str) -> str:
    return EVENT_LABELS.get(event, event)


def object_label(entity: str, entity_id: int | None) -> str:
    name = ENTITY_LABELS.get(entity, entity)
    return f"{name} {entity_id}".strip() if entity_id is not None else name


@dataclass(frozen=True)
class AuditFilter:
    user_id: int | None = None
    event: str | None = None
    start: dt.date | None = None  # local dates, both inclusive
    end: dt.date | None = None


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: dt.datetime
    user_id: int | None
    who: str
    event: str
    entity: str
    entity_id: int | None
    detail: dict[str, Any]


@dataclass(frozen=True)
class AuditPage:
    items: list[AuditEntry]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def _filtered(query: Select, filters: AuditFilter) -> Select:
    if filters.start and filters.end and filters.start > filters.end:
        raise DomainError("De begindatum ligt na de einddatum.")
    if filters.user_id is not None:
        query = query.where(AuditLog.user_id == filters.user_id)
    if filters.event:
        query = query.where(AuditLog.event == filters.event)
    if filters.start:
        query = query.where(AuditLog.at >= dates.local_datetime(filters.start, dt.time(0, 0)))
    if filters.end:
        query = query.where(AuditLog.at < dates.local_datetime(filters.end + dt.timedelta(days=1), dt.time(0, 0)))
    return query


def _rows(query: Select) -> Select:
    return (
        query.add_columns(User.display_name)
        .outerjoin(User, User.id == AuditLog.user_id)
        .order_by(AuditLog.at.desc(), AuditLog.id.desc())
    )


def _entry(entry: AuditLog, name: str | None) -> AuditEntry:
    who = name if name is not None else (SYSTEM if entry.user_id is None else f"gebruiker {entry.user_id}")
    return AuditEntry(
        entry.id, entry.at, entry.user_id, who, entry.event, entry.entity, entry.entity_id, entry.detail or {}
    )


def entries(
    *, session: Session, actor: CurrentUser, filters: AuditFilter, page: int = 0, page_size: int = PAGE_SIZE
) -> AuditPage:
    """One page of the log, newest first, filtered and paged in SQL."""
    policy.require(actor, "audit.read")
    total = session.scalar(_filtered(select(func.count()).select_from(AuditLog), filters)) or 0
    last = max(0, -(-total // page_size) - 1)
    page = min(max(page, 0), last)
    rows = session.execute(_rows(_filtered(select(AuditLog), filters)).offset(page * page_size).limit(page_size))
    return AuditPage([_entry(entry, name) for entry, name in rows], total, page, page_size)


def filter_options(*, session: Session, actor: CurrentUser) -> tuple[list[tuple[int, str]], list[str]]:
    """The people and the kinds of event that occur in the log, for the filters."""
    policy.require(actor, "audit.read")
    people = session.execute(
        select(User.id, User.display_name)
        .where(User.id.in_(select(AuditLog.user_id).distinct()))
        .order_by(User.display_name)
    ).all()
    events = session.scalars(select(AuditLog.event).distinct().order_by(AuditLog.event)).all()
    return [(uid, name) for uid, name in people], list(events)


def export_csv(*, session: Session, actor: CurrentUser, filters: AuditFilter) -> bytes:
    """The filtered log as safe CSV; the export itself is recorded."""
    from lib.exports import safe_csv

    policy.require(actor, "audit.read")
    rows = session.execute(_rows(_filtered(select(AuditLog), filters))).all()
    record(
        session=session,
        event="auditlog_exported",
        user_id=actor.id,
        rows=len(rows),
        filters={k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in vars(filters).items() if v},
    )
    columns = ["Tijdstip", "Wie", "Gebruiker-id", "Wat", "Gebeurtenis", "Object", "Object-id", "Details"]
    return safe_csv.to_csv(
        columns,
        (
            [
                dates.to_local(e.at).strftime("%Y-%m-%d %H:%M:%S"),
                e.who,
                e.user_id,
                event_label(e.event),
                e.event,
                ENTITY_LABELS.get(e.entity, e.entity),
                e.entity_id,
                detail_text(e.detail),
            ]
            for e in (_entry(entry, name) for entry, name in rows)
        ),
    )


def detail_text(detail: dict[str, Any]) -> str:
    return json.dumps(detail, ensure_ascii=False, sort_keys=True) if detail else ""
