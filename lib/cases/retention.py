"""Retention of case texts (AVG): after the retention period a case's texts are replaced.

A case expires `months` after the session it was discussed in, or after its submission when it never
had a session. Anonymising replaces the case's texts and those of what groups captured about it, and
generalises the title; the case row, its status, the contributions' kinds and votes, and the actions
with their status stay, so the dashboard and the oogst keep their counts. Run daily from cron
(`python -m lib.cli retention`) or by the beheerder; both show what will go before it goes.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from babel.dates import format_date
from sqlalchemy import CursorResult, Select, and_, func, or_, select, update
from sqlalchemy.orm import Session

from lib.accounts import CurrentUser
from lib.core import audit, dates, policy
from lib.models import Case, Contribution, Group, LearningSession, Organisation, utcnow

REMOVED_TEXT = "[Tekst verwijderd: de bewaartermijn is verstreken.]"
REMOVED_CONTRIBUTION = "[verwijderd na de bewaartermijn]"
PREVIEW_LIMIT = 50


def cutoff(today: dt.date, months: int) -> dt.date:
    """`today` minus `months` calendar months (31 March minus one month is 28/29 February)."""
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    month += 1
    return dt.date(year, month, min(today.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class ExpiredCase:
    id: int
    title: str
    organisation: str
    reference_date: dt.date  # the session it was discussed in, or the day it was submitted
    discussed: bool
    contributions: int


@dataclass(frozen=True)
class Preview:
    months: int
    cutoff: dt.date
    total: int
    contributions: int
    cases: list[ExpiredCase]  # the first PREVIEW_LIMIT, oldest first


def _expired(today: dt.date, months: int) -> Select:
    """Cases past retention and not yet anonymised: (case, session date or None)."""
    limit = cutoff(today, months)
    submitted_before = dates.local_datetime(limit, dt.time(0, 0)).astimezone(dt.UTC)
    return (
        select(Case.id, LearningSession.date)
        .outerjoin(LearningSession, LearningSession.id == Case.session_id)
        .where(
            Case.retention_anonymised_at.is_(None),
            or_(
                and_(Case.session_id.is_not(None), LearningSession.date < limit),
                and_(Case.session_id.is_(None), Case.created_at < submitted_before),
            ),
        )
    )


def _contributions_of(case_ids) -> Select:
    groups = select(Group.id).where(Group.case_id.in_(case_ids))
    return select(Contribution.id).where(Contribution.group_id.in_(groups))


def preview(*, session: Session, today: dt.date, months: int, limit: int = PREVIEW_LIMIT) -> Preview:
    """What a retention run on `today` would anonymise: counts, and the oldest cases by name."""
    expired = _expired(today, months).subquery()
    total = session.scalar(select(func.count()).select_from(expired)) or 0
    contributions = session.scalar(select(func.count()).select_from(_contributions_of(select(expired.c.id)).subquery()))
    per_case = (
        select(Group.case_id, func.count(Contribution.id).label("n"))
        .join(Contribution, Contribution.group_id == Group.id)
        .group_by(Group.case_id)
        .subquery()
    )
    reference = func.coalesce(expired.c.date, func.date(Case.created_at))
    rows = session.execute(
        select(Case, Organisation.name, expired.c.date, func.coalesce(per_case.c.n, 0))
        .join(expired, expired.c.id == Case.id)
        .outerjoin(Organisation, Organisation.id == Case.organisation_id)
        .outerjoin(per_case, per_case.c.case_id == Case.id)
        .order_by(reference, Case.id)
        .limit(limit)
    ).all()
    cases = [
        ExpiredCase(
            id=case.id,
            title=case.title,
            organisation=organisation or "",
            reference_date=session_date or dates.to_local(case.created_at).date(),
            discussed=session_date is not None,
            contributions=count,
        )
        for case, organisation, session_date, count in rows
    ]
    return Preview(months, cutoff(today, months), total, contributions or 0, cases)


def general_title(reference: dt.date) -> str:
    """The title an anonymised case keeps: only the month it belongs to."""
    return f"Geanonimiseerde casus ({format_date(reference, format='MMMM y', locale=dates.LOCALE)})"


def anonymise_expired(*, session: Session, today: dt.date, months: int, actor: CurrentUser | None) -> int:
    """Anonymise every expired case in this transaction; returns how many. Recorded in the audit log."""
    if actor is not None:  # None: the command line (cron)
        policy.require(actor, "data.retention")
    rows = session.execute(_expired(today, months).order_by(Case.id)).all()
    if not rows:
        audit.record(
            session=session, event="retention_run", user_id=actor.id if actor else None, cases=0, months=months
        )
        return 0
    ids = [case_id for case_id, _date in rows]
    now = utcnow()
    contributions = 0
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        dates_by_id = dict(rows[start : start + 500])
        for case in session.scalars(select(Case).where(Case.id.in_(chunk))):
            reference = dates_by_id[case.id] or dates.to_local(case.created_at).date()
            case.title = general_title(reference)
            case.description = REMOVED_TEXT
            case.tried = ""
            case.learning_question = REMOVED_TEXT
            case.return_note = ""
            case.retention_anonymised_at = now
            case.version += 1
        # A bulk UPDATE returns a CursorResult (with its rowcount); Session.execute is typed as a plain Result.
        updated = cast(
            CursorResult[Any],
            session.execute(
                update(Contribution)
                .where(Contribution.id.in_(_contributions_of(chunk)))
                .values(text=REMOVED_CONTRIBUTION, updated_at=now)
                .execution_options(synchronize_session=False)
            ),
        )
        contributions += updated.rowcount
    audit.record(
        session=session,
        event="retention_run",
        user_id=actor.id if actor else None,
        cases=len(ids),
        contributions=contributions,
        months=months,
        case_ids=ids,
    )
    return len(ids)
