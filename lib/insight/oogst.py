"""The oogst of a series: per session the cases, what obstructs and helps per perspective, the
solutions and the actions with what became of them; the "waarom niet?" reasons together; counts.

Counting happens in SQL (GROUP BY); only the texts that are shown are loaded. The result is plain
data, rendered by pages/oogst.py and written as Markdown or CSV here (the reports area adds PDF).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import exists, func, or_, select, union
from sqlalchemy.orm import Session, aliased

from lib.accounts import CurrentUser
from lib.core.dates import long_date
from lib.core.errors import NotAllowed, NotFound
from lib.followup import actions, terugblik
from lib.insight import stats
from lib.insight.terugkoppeling import csv_bytes, md_escape
from lib.models import (
    Action,
    ActionStatus,
    Case,
    CaseStatus,
    Contribution,
    ContributionKind,
    Group,
    LearningSession,
    Organisation,
    Role,
    Series,
    SessionStatus,
    User,
)


@dataclass(frozen=True)
class PerspectiveHarvest:
    perspective: str
    obstacles: list[str]
    helpers: list[str]


@dataclass(frozen=True)
class ActionOutcome:
    title: str
    owner: str
    organisation: str
    status: str
    reason: str
    due_date: dt.date | None

    @property
    def status_label(self) -> str:
        return actions.status_label(self.status)


@dataclass(frozen=True)
class SessionHarvest:
    id: int
    title: str
    date: dt.date
    cases: list[str]
    perspectives: list[PerspectiveHarvest]
    solutions: list[str]
    actions: list[ActionOutcome]
    counts: dict[str, int]  # action status -> number


@dataclass(frozen=True)
class Reason:
    session_title: str
    action_title: str
    organisation: str
    status: str
    reason: str


@dataclass(frozen=True)
class Harvest:
    series_id: int
    name: str
    sessions: list[SessionHarvest]
    reasons: list[Reason]
    totals: dict[str, int] = field(default_factory=dict)  # action status -> number, whole series
    contributions: dict[str, int] = field(default_factory=dict)  # kind -> number, whole series
    case_count: int = 0

    @property
    def action_count(self) -> int:
        return sum(self.totals.values())

    @property
    def summary(self) -> str:
        return terugblik.summary_text(self.totals, verb="afgesproken")


def series_choices(*, session: Session) -> list[tuple[int, str]]:
    return [tuple(r) for r in session.execute(select(Series.id, Series.name).order_by(Series.name)).all()]


def _discussed_cases(session_ids: list[int]) -> Any:
    """(session_id, case_id) of the cases on a table of these sessions, or marked discussed in them: a
    UNION of two index lookups (an EXISTS … OR … join made the database loop over every case)."""
    on_table = select(Group.session_id.label("session_id"), Group.case_id.label("case_id")).where(
        Group.session_id.in_(session_ids), Group.case_id.is_not(None)
    )
    marked = select(Case.session_id.label("session_id"), Case.id.label("case_id")).where(
        Case.session_id.in_(session_ids), Case.status == CaseStatus.DISCUSSED
    )
    return union(on_table, marked).subquery()


def harvest(*, session: Session, series_id: int, actor: CurrentUser) -> Harvest:
    """Everything the series yielded; sessions that ran (or have actions), in date order."""
    if actor.role not in (Role.MANAGER, Role.AANJAGER, Role.BEHEERDER):
        raise NotAllowed("Alleen managers, de aanjager en de beheerder zien de oogst.")
    series = session.get(Series, series_id)
    if series is None:
        raise NotFound("Deze reeks bestaat niet.")
    has_actions = exists().where(Action.session_id == LearningSession.id)
    has_contributions = exists().where(Contribution.session_id == LearningSession.id)
    meetings = session.execute(
        select(LearningSession.id, LearningSession.title, LearningSession.date)
        .where(
            LearningSession.series_id == series_id,
            LearningSession.status != SessionStatus.CANCELLED,
            or_(
                LearningSession.status.in_([SessionStatus.RUNNING, SessionStatus.FINISHED]),
                has_actions,
                has_contributions,
            ),
        )
        .order_by(LearningSession.date, LearningSession.start_time)
    ).all()
    ids = [m[0] for m in meetings]

    cases: dict[int, list[str]] = {}
    discussed = _discussed_cases(ids)
    case_ids: set[int] = set()
    for session_id, case_id, title in session.execute(
        select(discussed.c.session_id, Case.id, Case.title)
        .join(Case, Case.id == discussed.c.case_id)
        .order_by(discussed.c.session_id, Case.title)
    ).all():
        cases.setdefault(session_id, []).append(title)
        case_ids.add(case_id)

    texts: dict[tuple[int, str, str], list[str]] = {}
    perspective_order: dict[int, list[str]] = {}
    for session_id, perspective, kind, text in session.execute(
        select(Contribution.session_id, Contribution.perspective, Contribution.kind, Contribution.text)
        .where(Contribution.session_id.in_(ids), Contribution.hidden.is_(False))
        .order_by(Contribution.session_id, Contribution.round_index, Contribution.created_at, Contribution.id)
    ).all():
        texts.setdefault((session_id, perspective, kind), []).append(text)
        if kind != ContributionKind.SOLUTION and perspective not in perspective_order.setdefault(session_id, []):
            perspective_order[session_id].append(perspective)

    counts: dict[int, dict[str, int]] = {}
    for session_id, status, number in session.execute(
        select(Action.session_id, Action.status, func.count())
        .where(Action.session_id.in_(ids))
        .group_by(Action.session_id, Action.status)
    ).all():
        counts.setdefault(session_id, {})[status] = number

    owner = aliased(User)
    outcomes: dict[int, list[ActionOutcome]] = {}
    reasons: list[Reason] = []
    titles = {m[0]: m[1] for m in meetings}
    for session_id, title, owner_label, organisation, status, reason, due in session.execute(
        select(
            Action.session_id,
            Action.title,
            func.coalesce(owner.display_name, Action.owner_name, ""),
            func.coalesce(Organisation.name, ""),
            Action.status,
            Action.reason,
            Action.due_date,
        )
        .outerjoin(owner, owner.id == Action.owner_user_id)
        .outerjoin(Organisation, Organisation.id == Action.organisation_id)
        .where(Action.session_id.in_(ids))
        .order_by(Action.session_id, Action.id)
    ).all():
        outcomes.setdefault(session_id, []).append(ActionOutcome(title, owner_label, organisation, status, reason, due))
        if status in actions.REASON_REQUIRED and reason:
            reasons.append(Reason(titles[session_id], title, organisation, status, reason))

    totals = dict(
        session.execute(
            select(Action.status, func.count()).where(Action.session_id.in_(ids)).group_by(Action.status)
        ).all()
    )
    contributions = dict(
        session.execute(
            select(Contribution.kind, func.count())
            .where(Contribution.session_id.in_(ids), Contribution.hidden.is_(False))
            .group_by(Contribution.kind)
        ).all()
    )
    case_count = len(case_ids)

    sessions = [
        SessionHarvest(
            id=session_id,
            title=title,
            date=date,
            cases=cases.get(session_id, []),
            perspectives=[
                PerspectiveHarvest(
                    p,
                    texts.get((session_id, p, ContributionKind.OBSTACLE), []),
                    texts.get((session_id, p, ContributionKind.HELPER), []),
                )
                for p in perspective_order.get(session_id, [])
            ],
            solutions=[
                t
                for (s, _p, k), items in texts.items()
                if s == session_id and k == ContributionKind.SOLUTION
                for t in items
            ],
            actions=outcomes.get(session_id, []),
            counts=counts.get(session_id, {}),
        )
        for session_id, title, date in meetings
    ]
    reasons.sort(key=lambda r: (r.status != ActionStatus.FAILED, r.session_title))
    return Harvest(series.id, series.name, sessions, reasons, totals, contributions, case_count)


# --- chart and downloads ------------------------------------------------------------------------


def outcomes_figure(report: Harvest) -> Any:
    """A stacked bar per session: how many of its actions ended in which status."""
    import plotly.graph_objects as go

    labels = [f"{s.title}<br>{long_date(s.date)}" for s in report.sessions]
    figure = go.Figure()
    for status in actions.STATUS_ORDER:
        figure.add_bar(
            name=actions.status_label(status),
            x=labels,
            y=[s.counts.get(status, 0) for s in report.sessions],
            marker_color=stats.STATUS_COLOURS[actions.status_label(status)],
        )
    figure.update_layout(
        barmode="stack",
        title="Wat werd er van de acties?",
        yaxis_title="aantal acties",
        legend_title="status",
        legend_traceorder="normal",
        font={"size": 16},
        height=440,
        margin={"t": 60, "b": 40},
    )
    return figure


def to_markdown(report: Harvest) -> str:
    lines = [
        f"# Oogst van de reeks {md_escape(report.name)}",
        "",
        f"{len(report.sessions)} leersessie(s), {report.case_count} casus(sen) besproken, "
        f"{report.contributions.get(ContributionKind.OBSTACLE, 0)} keer belemmert, "
        f"{report.contributions.get(ContributionKind.HELPER, 0)} keer helpt, "
        f"{report.contributions.get(ContributionKind.SOLUTION, 0)} oplossingen.",
        "",
        f"{report.summary}.",
        "",
    ]
    lines += ["## Waarom niet?", ""]
    if not report.reasons:
        lines.append("Geen acties die niet gelukt of vervallen zijn.")
    for reason in report.reasons:
        lines.append(
            f"- **{md_escape(reason.action_title)}** ({actions.status_label(reason.status)}, "
            f"{md_escape(reason.organisation)}): {md_escape(reason.reason)}"
        )
    for item in report.sessions:
        lines += ["", f"## {md_escape(item.title)} — {long_date(item.date)}", ""]
        if item.cases:
            lines.append("Casussen: " + "; ".join(md_escape(c) for c in item.cases))
            lines.append("")
        for perspective in item.perspectives:
            lines.append(f"### Perspectief {md_escape(perspective.perspective)}")
            lines += [f"- belemmert: {md_escape(t)}" for t in perspective.obstacles]
            lines += [f"- helpt: {md_escape(t)}" for t in perspective.helpers]
            lines.append("")
        if item.solutions:
            lines.append("### Oplossingen")
            lines += [f"- {md_escape(t)}" for t in item.solutions]
            lines.append("")
        if item.actions:
            lines.append("### Vervolgacties")
            for action in item.actions:
                reason = f" — waarom niet: {md_escape(action.reason)}" if action.reason else ""
                lines.append(f"- {md_escape(action.title)} ({md_escape(action.owner)}): {action.status_label}{reason}")
    return "\n".join(lines) + "\n"


CSV_HEADER = ["Leersessie", "Datum", "Actie", "Trekker", "Organisatie", "Status", "Streefdatum", "Waarom niet"]


def to_csv(report: Harvest) -> bytes:
    rows = [
        [item.title, item.date, a.title, a.owner, a.organisation, a.status_label, a.due_date, a.reason]
        for item in report.sessions
        for a in item.actions
    ]
    return csv_bytes(CSV_HEADER, rows)
