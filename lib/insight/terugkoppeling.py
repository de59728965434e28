"""Terugkoppeling per organisatie: for one organisation and a period, the solutions and actions that
concern it, with status and reasons: `feedback` reads them as data for the page, `document` turns that
data into the one Document that every download renders (PDF, Excel, Markdown, CSV).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import CompoundSelect, and_, func, or_, select, union
from sqlalchemy.orm import Session, aliased

from lib.accounts import CurrentUser
from lib.core import policy
from lib.core.dates import TZ, local_today, long_date
from lib.core.errors import DomainError, NotAllowed, NotFound
from lib.exports.document import Document, Table
from lib.followup import actions, terugblik
from lib.insight import stats
from lib.models import (
    Action,
    ActionUpdate,
    Case,
    Contribution,
    ContributionKind,
    Group,
    LearningSession,
    Organisation,
    User,
    owner_label_sql,
)

# --- the data -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedbackSolution:
    session_title: str
    session_date: dt.date
    case_title: str
    text: str
    action_titles: tuple[str, ...]


@dataclass(frozen=True)
class FeedbackAction:
    id: int
    title: str
    owner: str
    status: str
    due_date: dt.date | None
    late: bool
    reason: str
    session_title: str
    session_date: dt.date | None
    solution: str
    last_note: str

    @property
    def status_label(self) -> str:
        return actions.status_label(self.status)


@dataclass(frozen=True)
class Feedback:
    organisation: str
    start: dt.date
    end: dt.date
    solutions: list[FeedbackSolution]
    actions: list[FeedbackAction]
    counts: dict[str, int]
    effects: dict[int, str] = field(default_factory=dict)  # action id -> what it changed (realised ones)

    @property
    def summary(self) -> str:
        return terugblik.summary_text(self.counts, verb="voor deze organisatie")


def organisations_for(*, session: Session, actor: CurrentUser) -> list[tuple[int, str]]:
    """The organisations this user may see feedback of: a manager only their own."""
    policy.require(actor, "insight.view")
    query = select(Organisation.id, Organisation.name).order_by(Organisation.name)
    if not policy.allows(actor.role, "insight.all_organisations"):
        query = query.where(Organisation.id == actor.organisation_id)
    return [(row.id, row.name) for row in session.execute(query).all()]


def _check(session: Session, actor: CurrentUser, organisation_id: int, start: dt.date, end: dt.date) -> Organisation:
    policy.require(actor, "insight.view")
    if not policy.allows(actor.role, "insight.all_organisations") and actor.organisation_id != organisation_id:
        raise NotAllowed("U kunt alleen de terugkoppeling van uw eigen organisatie bekijken.")
    if end < start:
        raise DomainError("Periode: de einddatum ligt vóór de begindatum.")
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound("Deze organisatie bestaat niet.")
    return organisation


def feedback(
    *,
    session: Session,
    organisation_id: int,
    start: dt.date,
    end: dt.date,
    actor: CurrentUser,
    today: dt.date | None = None,
) -> Feedback:
    """What concerns `organisation_id` from sessions between `start` and `end` (inclusive)."""
    organisation = _check(session, actor, organisation_id, start, end)
    today = today or local_today()

    # Solutions about a case of the organisation, a case it is involved in, or with an action it owns:
    # a UNION of index lookups (an OR of EXISTS made the database test every contribution of the period).
    # Both walk from the sessions of the period (a date index), never from every solution of all years.
    in_period = select(LearningSession.id).where(LearningSession.date.between(start, end))
    concerned: CompoundSelect[Any] = union(
        select(Contribution.id)
        .join(Group, Group.id == Contribution.group_id)
        .where(
            Contribution.session_id.in_(in_period),
            Group.case_id.in_(stats.cases_of(organisation_id)),
            Contribution.kind == ContributionKind.SOLUTION,
        ),
        select(Action.contribution_id).where(
            Action.organisation_id == organisation_id, Action.contribution_id.is_not(None)
        ),
    )
    solution_rows = session.execute(
        select(
            Contribution.id,
            LearningSession.title,
            LearningSession.date,
            func.coalesce(Case.title, ""),
            Contribution.text,
        )
        .join(LearningSession, LearningSession.id == Contribution.session_id)
        .outerjoin(Group, Group.id == Contribution.group_id)
        .outerjoin(Case, Case.id == Group.case_id)
        .where(
            Contribution.session_id.in_(in_period),
            Contribution.kind == ContributionKind.SOLUTION,
            Contribution.hidden.is_(False),
            LearningSession.date.between(start, end),
            Contribution.id.in_(concerned),
        )
        .order_by(LearningSession.date, Contribution.id)
    ).all()
    titles: dict[int, list[str]] = {}
    if solution_rows:
        for contribution_id, title in session.execute(
            select(Action.contribution_id, Action.title)
            .where(Action.contribution_id.in_([r[0] for r in solution_rows]))
            .order_by(Action.id)
        ).all():
            if contribution_id is not None:  # the query asks only for actions made from these solutions
                titles.setdefault(contribution_id, []).append(title)
    solutions = [FeedbackSolution(r[1], r[2], r[3], r[4], tuple(titles.get(r[0], ()))) for r in solution_rows]

    owner = aliased(User)
    solution = aliased(Contribution)
    start_at = dt.datetime.combine(start, dt.time(0), tzinfo=TZ)
    end_at = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), tzinfo=TZ)
    last_note = (
        select(ActionUpdate.note)
        .where(ActionUpdate.action_id == Action.id, ActionUpdate.note != "")
        .order_by(ActionUpdate.created_at.desc(), ActionUpdate.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    action_rows = session.execute(
        select(
            Action.id,
            Action.title,
            owner_label_sql(owner),
            Action.status,
            Action.due_date,
            Action.reason,
            func.coalesce(LearningSession.title, ""),
            LearningSession.date,
            func.coalesce(solution.text, ""),
            func.coalesce(last_note, ""),
        )
        .outerjoin(owner, owner.id == Action.owner_user_id)
        .outerjoin(LearningSession, LearningSession.id == Action.session_id)
        .outerjoin(solution, solution.id == Action.contribution_id)
        .where(
            Action.organisation_id == organisation_id,
            or_(
                LearningSession.date.between(start, end),
                and_(Action.session_id.is_(None), Action.created_at >= start_at, Action.created_at < end_at),
            ),
        )
        .order_by(LearningSession.date, Action.id)
    ).all()
    found = [
        FeedbackAction(r[0], r[1], r[2], r[3], r[4], actions.is_late(r[4], r[3], today), r[5], r[6], r[7], r[8], r[9])
        for r in action_rows
    ]
    effects = actions.effects_of(session=session, action_ids=[a.id for a in found])
    return Feedback(organisation.name, start, end, solutions, found, dict(Counter(a.status for a in found)), effects)


# --- the document -------------------------------------------------------------------------------

NO_EFFECTS = "Van de gerealiseerde acties is nog geen effect vastgelegd."
ACTION_COLUMNS = [
    "Actie",
    "Status",
    "Te laat",
    "Trekker",
    "Streefdatum",
    "Waarom niet",
    "Laatste toelichting",
    "Leersessie",
    "Datum",
]


def document(report: Feedback) -> Document:
    """The terugkoppeling as one Document: the actions with status and why not, then the solutions.
    Its CSV is the table of actions."""
    doc = Document(
        f"Terugkoppeling {report.organisation}",
        f"Periode: {long_date(report.start)} tot en met {long_date(report.end)}",
    )
    section = doc.section("Vervolgacties")
    section.text(f"{report.summary}.", bold=True)
    table = Table(
        ACTION_COLUMNS,
        [
            [
                a.title,
                a.status_label,
                "ja" if a.late else "nee",
                a.owner,
                a.due_date,
                a.reason,
                a.last_note,
                a.session_title,
                a.session_date,
            ]
            for a in report.actions
        ],
        widths=[4, 2, 1, 2, 2, 4, 4, 3, 2],
        empty_text="Geen vervolgacties van deze organisatie in deze periode.",
    )
    section.add(table)
    doc.csv_table = table
    doc.section("Wat veranderde er? Het effect van gerealiseerde acties", sheet="Effect").add(
        Table(
            ["Actie", "Effect voor inwoners of professionals", "Trekker", "Leersessie"],
            [
                [a.title, report.effects[a.id], a.owner, a.session_title]
                for a in report.actions
                if a.id in report.effects
            ],
            widths=[4, 6, 2, 3],
            empty_text=NO_EFFECTS,
        )
    )
    doc.section("Oplossingen").add(
        Table(
            ["Oplossing", "Casus", "Leersessie", "Datum", "Werd actie"],
            [
                [s.text, s.case_title, s.session_title, s.session_date, "; ".join(s.action_titles)]
                for s in report.solutions
            ],
            widths=[5, 3, 3, 2, 4],
            empty_text="Geen oplossingen die deze organisatie raken in deze periode.",
        )
    )
    return doc
