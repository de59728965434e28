"""The oogst of a series: per session the cases, what obstructs and helps per perspective, the
solutions and the actions with what became of them; the "waarom niet?" reasons together; counts.

`harvest` reads it once as plain data (the Oogst page shows it); `document` turns that data into the
one oogst `Document` that every download renders (PDF, Excel, Markdown, CSV), so the page and every
file tell the same story. Only the texts and actions of one series are loaded; the counts are taken
from those rows, so a count can never disagree with the list it counts.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy import case as sql_case
from sqlalchemy import func, select, union
from sqlalchemy.orm import Session, aliased

from lib.accounts import CurrentUser
from lib.core import policy, visibility
from lib.core.dates import local_today, long_date, short_date
from lib.core.errors import NotFound
from lib.core.visibility import HIDDEN_CASE
from lib.exports.document import Cell, Chart, Document, Section, Table
from lib.followup import actions, terugblik
from lib.insight import charts, recurring, stats
from lib.models import (
    CONTRIBUTION_KIND_LABELS,
    EVALUATION_SCORE_LABELS,
    Action,
    ActionStatus,
    Case,
    CaseStatus,
    Contribution,
    ContributionKind,
    Group,
    LearningSession,
    Organisation,
    Series,
    SessionStatus,
    User,
    owner_label_sql,
)

OBSTACLE, HELPER, SOLUTION = ContributionKind.OBSTACLE, ContributionKind.HELPER, ContributionKind.SOLUTION


@dataclass(frozen=True)
class PerspectiveHarvest:
    perspective: str
    obstacles: list[str]
    helpers: list[str]


@dataclass(frozen=True)
class ActionOutcome:
    session_title: str
    session_date: dt.date
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

    @property
    def counts(self) -> dict[str, int]:
        """Action status -> number of this session's actions."""
        return dict(Counter(a.status for a in self.actions))


@dataclass(frozen=True)
class Harvest:
    series_id: int
    name: str
    organisation: str | None  # the oogst for one organisation; None: for all
    sessions: list[SessionHarvest]
    case_count: int
    late: int
    on_time_percentage: float | None  # of the actions whose due date has passed
    median_days: float | None  # from agreement to realisation
    on_time: pd.DataFrame  # maand, afgesproken, op_tijd, percentage
    attendance: pd.DataFrame  # sessie, datum, rol, aantal
    evaluations: pd.DataFrame  # sessie, datum, evaluaties, constructief, to_the_point, te_kort, goed, te_lang
    effects: list[actions.EffectRow] = field(default_factory=list)  # what realised actions changed
    themes: recurring.ThemesOverTime | None = None  # the confirmed themes and where they came back

    @property
    def actions(self) -> list[ActionOutcome]:
        return [a for s in self.sessions for a in s.actions]

    @property
    def action_count(self) -> int:
        return len(self.actions)

    @property
    def totals(self) -> dict[str, int]:
        """Action status -> number, whole series."""
        return dict(Counter(a.status for a in self.actions))

    @property
    def contributions(self) -> dict[str, int]:
        """Contribution kind -> number, whole series."""
        obstacles = sum(len(p.obstacles) for s in self.sessions for p in s.perspectives)
        helpers = sum(len(p.helpers) for s in self.sessions for p in s.perspectives)
        solutions = sum(len(s.solutions) for s in self.sessions)
        return {OBSTACLE: obstacles, HELPER: helpers, SOLUTION: solutions}

    @property
    def perspective_counts(self) -> list[tuple[str, int, int]]:
        """(perspective, obstacles, helpers) over the whole series, in the order they first came up."""
        totals: dict[str, list[int]] = {}
        for item in self.sessions:
            for p in item.perspectives:
                counts = totals.setdefault(p.perspective, [0, 0])
                counts[0] += len(p.obstacles)
                counts[1] += len(p.helpers)
        return [(name, obstacles, helpers) for name, (obstacles, helpers) in totals.items()]

    @property
    def reasons(self) -> list[ActionOutcome]:
        """The actions that did not work out and say why: niet gelukt first, then vervallen."""
        found = [a for a in self.actions if a.status in actions.REASON_REQUIRED and a.reason]
        return sorted(found, key=lambda a: a.status != ActionStatus.FAILED)

    @property
    def summary(self) -> str:
        return terugblik.summary_text(self.totals, verb="afgesproken")


def series_choices(*, session: Session) -> list[tuple[int, str]]:
    return [(r.id, r.name) for r in session.execute(select(Series.id, Series.name).order_by(Series.name)).all()]


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


def harvest(
    *,
    session: Session,
    series_id: int,
    actor: CurrentUser,
    organisation_id: int | None = None,
    today: dt.date | None = None,
) -> Harvest:
    """Everything the series yielded (for one organisation, or all): the sessions that ran or have
    actions or contributions, in date order."""
    policy.require(actor, "insight.view")
    series = session.get(Series, series_id)
    if series is None:
        raise NotFound("Deze reeks bestaat niet.")
    organisation = session.get(Organisation, organisation_id) if organisation_id is not None else None
    if organisation_id is not None and organisation is None:
        raise NotFound("Deze organisatie bestaat niet.")
    today = today or local_today()
    filters = stats.Filters(series_id=series_id, organisation_id=organisation_id)
    meetings = session.execute(
        select(LearningSession.id, LearningSession.title, LearningSession.date, LearningSession.status)
        .where(LearningSession.series_id == series_id, LearningSession.status != SessionStatus.CANCELLED)
        .order_by(LearningSession.date, LearningSession.start_time, LearningSession.id)
    ).all()
    ids = [m.id for m in meetings]
    titles = {m.id: (m.title, m.date) for m in meetings}

    cases: dict[int, list[str]] = {}
    case_ids: dict[int, set[int]] = {}
    discussed = _discussed_cases(ids)
    case_query = (
        select(
            discussed.c.session_id,
            Case.id,
            sql_case((visibility.case_clause(actor), Case.title), else_=HIDDEN_CASE),
        )
        .join(Case, Case.id == discussed.c.case_id)
        .order_by(discussed.c.session_id, Case.title)
    )
    if organisation_id is not None:
        case_query = case_query.where(Case.id.in_(stats.cases_of(organisation_id)))
    for session_id, case_id, title in session.execute(case_query).all():
        cases.setdefault(session_id, []).append(title)
        case_ids.setdefault(session_id, set()).add(case_id)

    texts: dict[tuple[int, str, str], list[str]] = {}
    perspective_order: dict[int, list[str]] = {}
    for session_id, perspective, kind, text in session.execute(
        select(Contribution.session_id, Contribution.perspective, Contribution.kind, Contribution.text)
        .where(*stats.contribution_scope(filters))
        .order_by(Contribution.session_id, Contribution.round_index, Contribution.created_at, Contribution.id)
    ).all():
        texts.setdefault((session_id, perspective, kind), []).append(text)
        if kind != SOLUTION and perspective not in perspective_order.setdefault(session_id, []):
            perspective_order[session_id].append(perspective)

    owner = aliased(User)
    outcomes: dict[int, list[ActionOutcome]] = {}
    for meeting_id, title, owner_label, organisation_name, status, reason, due in session.execute(
        select(
            Action.session_id,
            Action.title,
            owner_label_sql(owner),
            func.coalesce(Organisation.name, ""),
            Action.status,
            Action.reason,
            Action.due_date,
        )
        .select_from(Action)
        .outerjoin(owner, owner.id == Action.owner_user_id)
        .outerjoin(Organisation, Organisation.id == Action.organisation_id)
        .where(*stats.action_scope(filters), visibility.action_clause(actor))
        .order_by(Action.session_id, Action.id)
    ).all():
        assert meeting_id is not None  # the action scope of a series holds only actions of its sessions
        session_title, session_date = titles[meeting_id]
        outcomes.setdefault(meeting_id, []).append(
            ActionOutcome(session_title, session_date, title, owner_label, organisation_name, status, reason, due)
        )

    with_content = {s for s, _p, _k in texts} | set(outcomes)
    held = (SessionStatus.RUNNING, SessionStatus.FINISHED)
    sessions = [
        SessionHarvest(
            id=m.id,
            title=m.title,
            date=m.date,
            cases=cases.get(m.id, []),
            perspectives=[
                PerspectiveHarvest(p, texts.get((m.id, p, OBSTACLE), []), texts.get((m.id, p, HELPER), []))
                for p in perspective_order.get(m.id, [])
            ],
            solutions=[t for (s, _p, k), items in texts.items() if s == m.id and k == SOLUTION for t in items],
            actions=outcomes.get(m.id, []),
        )
        for m in meetings
        if m.status in held or m.id in with_content
    ]
    headline = stats.headline(session=session, filters=filters, today=today)
    return Harvest(
        series_id=series.id,
        name=series.name,
        organisation=organisation.name if organisation else None,
        sessions=sessions,
        case_count=len(set().union(*(case_ids.get(s.id, set()) for s in sessions))),
        late=headline.late,
        on_time_percentage=headline.on_time_percentage,
        median_days=stats.realisation(session=session, filters=filters).median_days,
        on_time=stats.on_time_share(session=session, filters=filters, today=today),
        attendance=stats.attendance_by_role(session=session, filters=filters),
        evaluations=stats.evaluation_scores(session=session, filters=filters),
        effects=actions.effect_rows(session=session, conditions=stats.action_scope(filters)),
        themes=recurring.over_time(session=session, filters=filters, actor=actor),
    )


# --- on screen ----------------------------------------------------------------------------------


def outcomes_figure(report: Harvest) -> Any:
    """A stacked bar per session: how many of its actions ended in which status (plotly, for the page)."""
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


# --- the document -------------------------------------------------------------------------------

ACTION_COLUMNS = ["Leersessie", "Datum", "Actie", "Trekker", "Organisatie", "Status", "Streefdatum", "Waarom niet"]
NO_REASONS = "Geen acties die niet gelukt of vervallen zijn."


def title(report: Harvest) -> str:
    return f"Oogst: {report.name}" + (f" — {report.organisation}" if report.organisation else "")


def document(report: Harvest) -> Document:
    """The oogst as one Document: a summary, every action with its status and why not, the reasons
    together, per organisation and per perspective, what the groups said, the cases, attendance and
    evaluation. Its CSV is the table of actions."""
    sessions = report.sessions
    span = (
        f"{long_date(sessions[0].date)} tot en met {long_date(sessions[-1].date)}, {len(sessions)} leersessie(s)"
        if sessions
        else "In deze reeks is nog geen leersessie gehouden."
    )
    doc = Document(title(report), span)
    _summary(doc, report)
    _actions(doc, report)
    _reasons(doc, report)
    _effects(doc, report)
    _per_organisation(doc, report)
    _on_time(doc, report)
    _perspectives(doc, report)
    _recurring_themes(doc, report)
    _said(doc, report)
    _attendance(doc, report)
    _evaluation(doc, report)
    return doc


def _chart(section: Section, shown: bool, title: str, draw: Callable[[], bytes], caption: str) -> None:
    """A chart above the table of the same figures, when there is something to draw."""
    if shown:
        section.add(Chart(title, draw, caption))


def _summary(doc: Document, report: Harvest) -> None:
    said = report.contributions
    percentage = report.on_time_percentage
    section = doc.section("Samenvatting")
    section.text(f"{report.summary}.", bold=True)
    by_status: list[list[Cell]] = [
        [f"Vervolgacties {actions.status_label(s)}", report.totals.get(s, 0)] for s in actions.STATUS_ORDER
    ]
    figures: list[list[Cell]] = [
        ["Leersessies", len(report.sessions)],
        ["Casussen besproken", report.case_count],
        ["Keer belemmert genoemd", said[OBSTACLE]],
        ["Keer helpt genoemd", said[HELPER]],
        ["Oplossingen", said[SOLUTION]],
        ["Vervolgacties afgesproken", report.action_count],
        *by_status,
        ["Vervolgacties te laat", report.late],
        [
            "Op tijd gerealiseerd (% van wat al af moest zijn)",
            "—" if percentage is None else f"{percentage:.0f}%",
        ],
        ["Mediane doorlooptijd tot realisatie (dagen)", "—" if report.median_days is None else report.median_days],
    ]
    section.add(Table(["Onderdeel", "Aantal"], figures, widths=[4, 1]))
    section.add(
        Table(
            ["Datum", "Leersessie", "Casussen", "Vervolgacties"],
            [[s.date, s.title, len(s.cases), len(s.actions)] for s in report.sessions],
            widths=[2, 5, 1.4, 1.6],
        )
    )


def _actions(doc: Document, report: Harvest) -> None:
    section = doc.section("Vervolgacties en wat ervan werd", sheet="Vervolgacties")
    if report.actions:
        per_session = {f"{s.title} ({short_date(s.date)})": _by_label(s.actions) for s in report.sessions}
        section.add(
            Chart(
                "Wat werd er van de acties, per leersessie",
                lambda: charts.status_bars(per_session),
                "Per leersessie: hoeveel acties open, bezig, gerealiseerd, niet gelukt of vervallen zijn.",
            )
        )
    table = Table(
        ACTION_COLUMNS,
        [
            [a.session_title, a.session_date, a.title, a.owner, a.organisation, a.status_label, a.due_date, a.reason]
            for a in report.actions
        ],
        widths=[3, 2, 4, 2, 2, 2, 2, 4],
        empty_text="In deze reeks zijn nog geen vervolgacties afgesproken.",
    )
    section.add(table)
    doc.csv_table = table


def _reasons(doc: Document, report: Harvest) -> None:
    doc.section("Waarom niet?", sheet="Waarom niet").add(
        Table(
            ["Actie", "Status", "Organisatie", "Waarom niet", "Leersessie"],
            [[a.title, a.status_label, a.organisation, a.reason, a.session_title] for a in report.reasons],
            widths=[4, 2, 2, 5, 3],
            empty_text=NO_REASONS,
        )
    )


NO_EFFECTS = "Van de gerealiseerde acties is nog geen effect vastgelegd."


def _effects(doc: Document, report: Harvest) -> None:
    doc.section("Wat veranderde er? Het effect van gerealiseerde acties", sheet="Effect").add(
        Table(
            ["Actie", "Effect voor inwoners of professionals", "Trekker", "Organisatie", "Leersessie"],
            [[e.title, e.effect, e.owner, e.organisation, e.session_title] for e in report.effects],
            widths=[4, 6, 2, 2, 3],
            empty_text=NO_EFFECTS,
        )
    )


def _by_label(items: list[ActionOutcome]) -> dict[str, int]:
    return dict(Counter(a.status_label for a in items))


def _per_organisation(doc: Document, report: Harvest) -> None:
    per_org: dict[str, list[ActionOutcome]] = {}
    for action in sorted(report.actions, key=lambda a: a.organisation or stats.NO_ORGANISATION):
        per_org.setdefault(action.organisation or stats.NO_ORGANISATION, []).append(action)
    counts = {name: _by_label(items) for name, items in per_org.items()}
    section = doc.section("Vervolgacties per organisatie", sheet="Per organisatie")
    _chart(
        section,
        bool(counts),
        "Status van de vervolgacties per organisatie",
        lambda: charts.status_bars(counts),
        "Per organisatie: hoeveel acties open, bezig, gerealiseerd, niet gelukt of vervallen zijn.",
    )
    labels = [actions.status_label(s) for s in actions.STATUS_ORDER]
    section.add(
        Table(
            ["Organisatie", *labels, "Totaal"],
            [[name, *(row.get(label, 0) for label in labels), sum(row.values())] for name, row in counts.items()],
        )
    )


def _on_time(doc: Document, report: Harvest) -> None:
    frame = report.on_time
    section = doc.section("Op tijd gerealiseerd")
    _chart(
        section,
        not frame.empty,
        "Aandeel op tijd gerealiseerd per maand van de streefdatum",
        lambda: charts.on_time_line(frame),
        "Van de acties met een streefdatum in die maand: het percentage dat op tijd af was.",
    )
    section.add(Table(["Maand", "Afgesproken", "Op tijd", "Percentage"], frame.values.tolist()))


def _perspectives(doc: Document, report: Harvest) -> None:
    counts = report.perspective_counts
    section = doc.section("Wat belemmert en wat helpt, per perspectief", sheet="Per perspectief")
    _chart(
        section,
        bool(counts),
        "Belemmert en helpt per perspectief",
        lambda: charts.perspective_bars(counts),
        "Alle leersessies van de reeks samen: wat de groepen per perspectief noemden.",
    )
    section.add(
        Table(
            ["Perspectief", "Belemmert", "Helpt", "Totaal"],
            [[name, obstacles, helpers, obstacles + helpers] for name, obstacles, helpers in counts],
        )
    )
    obstacles = [t for s in report.sessions for p in s.perspectives for t in p.obstacles]
    section.add(
        Table(["Terugkerend thema in wat belemmert", "Keer genoemd"], stats.count_themes(obstacles).values.tolist())
    )


def _recurring_themes(doc: Document, report: Harvest) -> None:
    """The themes the aanjager confirmed, in how many sessions each came up, where, and which actions
    came of it (recurring themes, lib/insight/recurring.py)."""
    lines = report.themes.lines if report.themes else ()
    section = doc.section("Terugkerende thema's", sheet="Thema's")
    section.add(
        Table(
            ["Thema", "Soort", "Perspectief", "Sessies", "Eerste keer", "Laatste keer", "Vervolgacties"],
            [
                [
                    line.name,
                    line.kind_label,
                    line.perspective,
                    line.session_count,
                    line.first,
                    line.last,
                    len(line.actions),
                ]
                for line in lines
            ],
            widths=[4, 2, 2, 1, 2, 2, 1.4],
            empty_text="Er zijn nog geen thema's samengevoegd.",
        )
    )
    if lines:
        section.add(
            Table(
                ["Thema", "Datum", "Leersessie", "Inbreng", "Keer"],
                [
                    [line.name, o.session_date, o.session_title, o.text, recurring.recurring_label(o.occurrence)]
                    for line in lines
                    for o in line.occurrences
                ],
                widths=[3, 2, 3, 6, 3],
            )
        )
        actions_of = [[line.name, a.title, a.owner, a.status_label] for line in lines for a in line.actions]
        if actions_of:
            section.add(Table(["Thema", "Vervolgactie", "Trekker", "Status"], actions_of, widths=[3, 6, 3, 2]))


def _said(doc: Document, report: Harvest) -> None:
    obstacle, helper, solution = (CONTRIBUTION_KIND_LABELS[k] for k in (OBSTACLE, HELPER, SOLUTION))
    rows: list[list[Any]] = []
    cases: list[list[Any]] = []
    for s in report.sessions:
        cases += [[s.title, s.date, case] for case in s.cases]
        for p in s.perspectives:
            rows += [[s.title, s.date, p.perspective, obstacle, t] for t in p.obstacles]
            rows += [[s.title, s.date, p.perspective, helper, t] for t in p.helpers]
        rows += [[s.title, s.date, "", solution, t] for t in s.solutions]
    doc.section("Wat de groepen inbrachten", sheet="Inbreng").add(
        Table(
            ["Leersessie", "Datum", "Perspectief", "Soort", "Tekst"],
            rows,
            widths=[3, 2, 2, 2, 7],
            empty_text="Er is nog geen inbreng vastgelegd.",
        )
    )
    doc.section("Besproken casussen", sheet="Casussen").add(
        Table(
            ["Leersessie", "Datum", "Casus"], cases, widths=[3, 2, 6], empty_text="Er zijn nog geen casussen besproken."
        )
    )


def _attendance(doc: Document, report: Harvest) -> None:
    frame = report.attendance
    section = doc.section("Deelname")
    if frame.empty:
        section.add(Table(["Datum"], [], empty_text="Er is nog geen deelname geregistreerd."))
        return
    section.add(
        Chart(
            "Deelnemers per leersessie naar rol",
            lambda: charts.attendance_bars(frame),
            "Wie er per leersessie was: professionals, managers en anderen.",
        )
    )
    wide = frame.pivot_table(index="datum", columns="rol", values="aantal", aggfunc="sum", fill_value=0)
    section.add(
        Table(
            ["Datum", *wide.columns, "Totaal"],
            [
                [day, *(int(v) for v in values), int(sum(values))]
                for day, values in zip(wide.index, wide.values.tolist(), strict=True)
            ],
        )
    )


def _evaluation(doc: Document, report: Harvest) -> None:
    frame = report.evaluations
    section = doc.section("Evaluatie")
    _chart(
        section,
        not frame.empty,
        "Evaluatie per leersessie",
        lambda: charts.evaluation_lines(frame),
        "Gemiddelde scores van 1 tot 5: was de leersessie constructief, en ter zake?",
    )
    section.add(
        Table(
            [
                "Leersessie",
                "Datum",
                "Evaluaties",
                EVALUATION_SCORE_LABELS["constructive"],
                EVALUATION_SCORE_LABELS["to_the_point"],
                "Te kort",
                "Goed",
                "Te lang",
            ],
            frame.values.tolist(),
            widths=[4, 2, 1, 1, 1, 1, 1, 1],
            empty_text="Er zijn nog geen evaluaties ingevuld.",
        )
    )
