"""Downloads for managers and the aanjager: the sessieverslag of one session, the oogst of a series
(with its charts drawn offline by matplotlib), and safe CSV files of actions and contributions.

Each report is built once as a `Document` and rendered by lib/exports to PDF, Excel or Markdown.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from lib.accounts import CurrentUser
from lib.core import dates, policy
from lib.core.errors import NotFound
from lib.exports.document import Chart, Document, Table
from lib.exports.excel import render_xlsx
from lib.exports.markdown import render_markdown
from lib.exports.pdf import render_pdf
from lib.exports.safe_csv import to_csv
from lib.insight import stats
from lib.models import (
    CONTRIBUTION_KIND_LABELS,
    Action,
    ActionStatus,
    ActionUpdate,
    Attendance,
    Case,
    Contribution,
    ContributionKind,
    Evaluation,
    Group,
    LearningSession,
    Organisation,
    Series,
    SessionStatus,
    User,
    action_status_label,
    role_label,
)

LENGTH_LABELS = {"te_kort": "te kort", "goed": "goed", "te_lang": "te lang"}
KIND_ORDER = {ContributionKind.OBSTACLE: 0, ContributionKind.HELPER: 1, ContributionKind.SOLUTION: 2}
REASONS_LIMIT = 500
MIME = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "md": "text/markdown",
    "csv": "text/csv",
}


@dataclass(frozen=True)
class SessionChoice:
    id: int
    label: str
    date: dt.date


def latest_held(choices: list[SessionChoice], today: dt.date) -> int:
    """The index of the most recent session up to today (the one a report is usually wanted of)."""
    return next((index for index, choice in enumerate(choices) if choice.date <= today), 0)


def render(document: Document, kind: str) -> bytes:
    """The document as a file: kind is 'pdf', 'xlsx' or 'md'."""
    if kind == "pdf":
        return render_pdf(document)
    if kind == "xlsx":
        return render_xlsx(document)
    if kind == "md":
        return render_markdown(document).encode("utf-8")
    raise ValueError(f"unknown report format {kind!r}")


def file_name(stem: str, day: dt.date | None, kind: str) -> str:
    safe = "".join(c if c.isalnum() else "-" for c in stem.lower()).strip("-")
    while "--" in safe:
        safe = safe.replace("--", "-")
    return f"{safe[:60]}{'-' + day.isoformat() if day else ''}.{kind}"


def session_choices(
    *, session: Session, viewer: CurrentUser, series_id: int | None = None, limit: int = 300
) -> list[SessionChoice]:
    """Sessions for the report picker, the latest first."""
    policy.require(viewer, "insight.view")
    query = select(LearningSession.id, LearningSession.date, LearningSession.title).where(
        LearningSession.status != SessionStatus.CANCELLED
    )
    if series_id is not None:
        query = query.where(LearningSession.series_id == series_id)
    rows = session.execute(query.order_by(LearningSession.date.desc(), LearningSession.id.desc()).limit(limit))
    return [SessionChoice(i, f"{dates.short_date(day)} — {title}", day) for i, day, title in rows]


# --- sessieverslag ------------------------------------------------------------------------------


def session_report(*, session: Session, viewer: CurrentUser, learning_session_id: int) -> Document:
    """The sessieverslag: who came, which cases, what each group said per round, the actions, the
    terugblik and the evaluation."""
    policy.require(viewer, "insight.view")
    meeting = session.get(LearningSession, learning_session_id)
    if meeting is None:
        raise NotFound("Deze leersessie bestaat niet.")
    series_name = session.scalar(select(Series.name).where(Series.id == meeting.series_id))
    when = dates.session_when(meeting.date, meeting.start_time, meeting.end_time)
    place = f" — {meeting.location}" if meeting.location else ""
    document = Document(f"Sessieverslag: {meeting.title}", when + place)

    attendees = _attendees(session, meeting.id)
    cases = _cases(session, meeting.id)
    contributions = _contributions(session, meeting)
    agreed = _actions_of(session, meeting.id)
    overview = document.section("Overzicht")
    overview.add(
        Table(
            ["Onderdeel", "Waarde"],
            [
                ["Datum", meeting.date],
                ["Tijd", f"{dates.clock(meeting.start_time)}–{dates.clock(meeting.end_time)}"],
                ["Plaats", meeting.location],
                ["Reeks", series_name or "—"],
                ["Werkvorm", meeting.template_name],
                ["Deelnemers", len(attendees)],
                ["Casussen", len(cases)],
                ["Inbreng", len(contributions)],
                ["Vervolgacties", len(agreed)],
            ],
            widths=[1, 3],
        )
    )

    people = document.section("Deelnemers")
    counts: dict[tuple[str, str], int] = {}
    for _name, role, organisation in attendees:
        counts[(role, organisation)] = counts.get((role, organisation), 0) + 1
    people.add(
        Table(
            ["Rol", "Organisatie", "Aantal"],
            [[r, o, n] for (r, o), n in sorted(counts.items())],
            widths=[2, 3, 1],
            empty_text="Er zijn geen deelnemers geregistreerd.",
        )
    )
    people.add(Table(["Naam", "Rol", "Organisatie"], [list(row) for row in attendees], widths=[3, 2, 3], empty_text=""))

    document.section("Casussen").add(
        Table(
            ["Groep", "Casus", "Leervraag", "Organisatie"],
            cases,
            widths=[1, 3, 4, 2],
            empty_text="Er zijn geen casussen besproken.",
        )
    )
    document.section("Inbreng per groep en ronde", sheet="Inbreng").add(
        Table(
            ["Groep", "Ronde", "Perspectief", "Soort", "Tekst"],
            contributions,
            widths=[1, 1, 2, 1, 6],
            empty_text="Er is geen inbreng vastgelegd.",
        )
    )
    document.section("Vervolgacties").add(
        Table(
            ["Actie", "Trekker", "Organisatie", "Streefdatum", "Status"],
            agreed,
            widths=[5, 2, 2, 2, 1],
            empty_text="In deze sessie zijn geen vervolgacties afgesproken.",
        )
    )
    document.section("Terugblik").add(
        Table(
            ["Actie", "Trekker", "Van", "Naar", "Toelichting"],
            _review(session, meeting.id),
            widths=[4, 2, 1, 1, 4],
            empty_text="In deze sessie is niet teruggeblikt op eerdere acties.",
        )
    )
    _evaluation_section(document, session, meeting.id)
    return document


def _attendees(session: Session, meeting_id: int) -> list[tuple[str, str, str]]:
    organisation = func.coalesce(User.organisation_id, Attendance.guest_organisation_id)
    rows = session.execute(
        select(
            func.coalesce(User.display_name, Attendance.guest_name, ""),
            Attendance.role,
            func.coalesce(Organisation.name, stats.NO_ORGANISATION),
        )
        .select_from(Attendance)
        .outerjoin(User, User.id == Attendance.user_id)
        .outerjoin(Organisation, Organisation.id == organisation)
        .where(Attendance.session_id == meeting_id, Attendance.present.is_not(False))
        .order_by(Attendance.role, Organisation.name, User.display_name, Attendance.guest_name)
    ).all()
    return [(name, role_label(role), org) for name, role, org in rows]


def _cases(session: Session, meeting_id: int) -> list[list[object]]:
    rows = session.execute(
        select(Group.name, Case.title, Case.learning_question, func.coalesce(Organisation.name, ""))
        .select_from(Case)
        .outerjoin(Group, Group.case_id == Case.id)
        .outerjoin(Organisation, Organisation.id == Case.organisation_id)
        .where(or_(Case.session_id == meeting_id, Group.session_id == meeting_id))
        .order_by(Group.number, Case.id)
    ).all()
    return [[g or "—", title, question, org] for g, title, question, org in rows]


def _contributions(session: Session, meeting: LearningSession) -> list[list[object]]:
    rows = session.execute(
        select(
            Group.number,
            Group.name,
            Contribution.round_index,
            Contribution.perspective,
            Contribution.kind,
            Contribution.text,
        )
        .select_from(Contribution)
        .outerjoin(Group, Group.id == Contribution.group_id)
        .where(Contribution.session_id == meeting.id, Contribution.hidden.is_(False))
        .order_by(Group.number, Contribution.round_index, Contribution.created_at, Contribution.id)
    ).all()
    ordered = sorted(rows, key=lambda r: (r[0] or 0, r[2], KIND_ORDER.get(r[4], 3)))
    return [
        [name or "—", round_index + 1, perspective, CONTRIBUTION_KIND_LABELS.get(ContributionKind(kind), kind), text]
        for _number, name, round_index, perspective, kind, text in ordered
    ]


def _actions_of(session: Session, meeting_id: int) -> list[list[object]]:
    rows = session.execute(
        select(
            Action.title,
            func.coalesce(User.display_name, Action.owner_name, ""),
            func.coalesce(Organisation.name, ""),
            Action.due_date,
            Action.status,
        )
        .select_from(Action)
        .outerjoin(User, User.id == Action.owner_user_id)
        .outerjoin(Organisation, Organisation.id == Action.organisation_id)
        .where(Action.session_id == meeting_id)
        .order_by(Action.id)
    ).all()
    return [[t, o, org, due, action_status_label(s)] for t, o, org, due, s in rows]


def _review(session: Session, meeting_id: int) -> list[list[object]]:
    """What the terugblik of this session recorded about actions of earlier sessions."""
    rows = session.execute(
        select(
            Action.title,
            func.coalesce(User.display_name, Action.owner_name, ""),
            ActionUpdate.from_status,
            ActionUpdate.to_status,
            ActionUpdate.note,
        )
        .select_from(ActionUpdate)
        .join(Action, Action.id == ActionUpdate.action_id)
        .outerjoin(User, User.id == Action.owner_user_id)
        .where(ActionUpdate.session_id == meeting_id, or_(Action.session_id.is_(None), Action.session_id != meeting_id))
        .order_by(ActionUpdate.created_at, ActionUpdate.id)
    ).all()
    return [[t, o, action_status_label(f), action_status_label(to), note] for t, o, f, to, note in rows]


def _evaluation_section(document: Document, session: Session, meeting_id: int) -> None:
    section = document.section("Evaluatie")
    count, constructive, to_the_point = session.execute(
        select(func.count(), func.avg(Evaluation.constructive), func.avg(Evaluation.to_the_point)).where(
            Evaluation.session_id == meeting_id
        )
    ).one()
    if not count:
        section.text("Er zijn geen evaluaties ingevuld.")
        return
    lengths = dict(
        session.execute(
            select(Evaluation.length, func.count())
            .where(Evaluation.session_id == meeting_id)
            .group_by(Evaluation.length)
        ).all()
    )
    section.add(
        Table(
            ["Vraag", "Uitkomst"],
            [
                ["Ingevulde evaluaties", count],
                ["Constructief (1–5, gemiddeld)", round(float(constructive), 1)],
                ["To the point (1–5, gemiddeld)", round(float(to_the_point), 1)],
                *[[f"Lengte: {label}", lengths.get(key, 0)] for key, label in LENGTH_LABELS.items()],
            ],
            widths=[3, 1],
        )
    )
    remarks = session.scalars(
        select(Evaluation.remark)
        .where(Evaluation.session_id == meeting_id, Evaluation.remark != "")
        .order_by(Evaluation.created_at, Evaluation.id)
    ).all()
    section.add(Table(["Opmerking"], [[r] for r in remarks], empty_text="Geen opmerkingen."))


# --- oogst ----------------------------------------------------------------------------------------


def harvest_report(
    *, session: Session, viewer: CurrentUser, series_id: int, today: dt.date, organisation_id: int | None = None
) -> Document:
    """The oogst of a series (optionally for one organisation): what came of the actions and why
    not, what kept coming back, who came and how it was valued, with charts."""
    policy.require(viewer, "insight.view")
    series = session.get(Series, series_id)
    if series is None:
        raise NotFound("Deze reeks bestaat niet.")
    organisation = session.get(Organisation, organisation_id) if organisation_id else None
    filters = stats.Filters(series_id=series_id, organisation_id=organisation_id)
    sessions = session.execute(
        select(
            LearningSession.date,
            LearningSession.title,
            LearningSession.status,
            select(func.count()).where(Case.session_id == LearningSession.id).scalar_subquery(),
            select(func.count()).where(Action.session_id == LearningSession.id).scalar_subquery(),
        )
        .where(LearningSession.series_id == series_id, LearningSession.status != SessionStatus.CANCELLED)
        .order_by(LearningSession.date, LearningSession.id)
    ).all()
    title = f"Oogst: {series.name}" + (f" — {organisation.name}" if organisation else "")
    span = (
        (f"{dates.long_date(sessions[0][0])} tot en met {dates.long_date(sessions[-1][0])}, {len(sessions)} sessie(s)")
        if sessions
        else "Nog geen sessies gepland."
    )
    document = Document(title, span)

    head = stats.headline(session=session, filters=filters, today=today)
    realised = stats.realisation(session=session, filters=filters)
    summary = document.section("Samenvatting")
    summary.add(
        Table(
            ["Onderdeel", "Aantal"],
            [
                ["Sessies gehouden", sum(1 for s in sessions if s[2] == SessionStatus.FINISHED)],
                ["Casussen besproken", sum(s[3] for s in sessions if s[2] == SessionStatus.FINISHED)],
                ["Vervolgacties afgesproken", head.total],
                ["Gerealiseerd", head.done],
                ["Nog open of bezig", head.open],
                ["Te laat", head.late],
                [
                    "Op tijd gerealiseerd (% van wat al af moest zijn)",
                    "—" if head.on_time_percentage is None else f"{head.on_time_percentage:.0f}%".replace(".", ","),
                ],
                [
                    "Mediane doorlooptijd tot realisatie (dagen)",
                    "—" if realised.median_days is None else realised.median_days,
                ],
            ],
            widths=[4, 1],
        )
    )
    document.section("Sessies").add(
        Table(
            ["Datum", "Sessie", "Status", "Casussen", "Acties"], [list(s) for s in sessions], widths=[2, 5, 2, 1.4, 1.2]
        )
    )

    by_org = stats.action_status_by_organisation(session=session, filters=filters)
    actions = document.section("Vervolgacties per organisatie", sheet="Acties per organisatie")
    if not by_org.empty:
        actions.add(
            Chart(
                "Status van de vervolgacties per organisatie",
                _stacked_bars(by_org),
                "Per organisatie: hoeveel acties open, bezig, gerealiseerd, niet gelukt of vervallen zijn.",
            )
        )
    actions.add(_pivot_table(by_org, "organisatie", "status", stats.STATUS_ORDER))

    on_time = stats.on_time_share(session=session, filters=filters, today=today)
    timely = document.section("Op tijd gerealiseerd")
    if not on_time.empty:
        timely.add(
            Chart(
                "Aandeel op tijd gerealiseerd per maand van de streefdatum",
                _line(on_time),
                "Van de acties met een streefdatum in die maand: het percentage dat op tijd af was.",
            )
        )
    timely.add(Table(["Maand", "Afgesproken", "Op tijd", "Percentage"], on_time.values.tolist()))

    why_not = document.section("Niet gelukt: waarom niet", sheet="Waarom niet")
    why_not.add(
        Table(
            ["Actie", "Trekker", "Organisatie", "Status", "Reden"],
            _reasons(session, filters),
            widths=[4, 2, 2, 1, 4],
            empty_text="Er zijn geen acties mislukt of vervallen.",
        )
    )

    perspectives = stats.contributions_per_perspective(session=session, filters=filters)
    themes = stats.recurring_themes(session=session, filters=filters)
    said = document.section("Wat belemmert en wat helpt", sheet="Inbreng")
    if not perspectives.empty:
        said.add(
            Chart(
                "Belemmert en helpt per perspectief",
                _perspective_bars(perspectives),
                "Alle sessies van de reeks samen: wat de groepen per perspectief noemden.",
            )
        )
    summed = (
        perspectives.groupby(["perspectief", "soort"], as_index=False)["aantal"].sum()
        if len(perspectives)
        else perspectives
    )
    said.add(_pivot_table(summed, "perspectief", "soort", ["belemmert", "helpt"]))
    said.add(Table(["Terugkerend thema in wat belemmert", "Keer genoemd"], themes.values.tolist()))

    attendance = stats.attendance_by_role(session=session, filters=filters)
    came = document.section("Deelname")
    if not attendance.empty:
        came.add(
            Chart(
                "Deelnemers per sessie naar rol",
                _attendance_bars(attendance),
                "Wie er per sessie was: professionals, managers en anderen.",
            )
        )
    came.add(
        _pivot_table(
            attendance.assign(datum=attendance["datum"].map(dates.short_date)) if len(attendance) else attendance,
            "datum",
            "rol",
            None,
            first="Sessie",
        )
    )

    evaluations = stats.evaluation_scores(session=session, filters=filters)
    valued = document.section("Evaluatie")
    if not evaluations.empty:
        valued.add(
            Chart(
                "Evaluatie per sessie",
                _evaluation_lines(evaluations),
                "Gemiddelde scores van 1 tot 5: was de sessie constructief, en to the point?",
            )
        )
    valued.add(
        Table(
            ["Sessie", "Datum", "Evaluaties", "Constructief", "To the point", "Te kort", "Goed", "Te lang"],
            evaluations.values.tolist(),
            widths=[4, 2, 1, 1, 1, 1, 1, 1],
        )
    )
    return document


def _reasons(session: Session, filters: stats.Filters) -> list[list[object]]:
    rows = session.execute(
        select(
            Action.title,
            func.coalesce(User.display_name, Action.owner_name, ""),
            func.coalesce(Organisation.name, stats.NO_ORGANISATION),
            Action.status,
            Action.reason,
        )
        .select_from(Action)
        .outerjoin(User, User.id == Action.owner_user_id)
        .outerjoin(Organisation, Organisation.id == Action.organisation_id)
        .where(*stats.action_scope(filters), Action.status.in_([ActionStatus.FAILED, ActionStatus.DROPPED]))
        .order_by(Action.finished_at.desc(), Action.id.desc())
        .limit(REASONS_LIMIT)
    ).all()
    return [[t, o, org, action_status_label(s), reason] for t, o, org, s, reason in rows]


def _pivot_table(
    frame: pd.DataFrame, index: str, columns: str, order: list[str] | None, first: str | None = None
) -> Table:
    """A long frame (index, columns, aantal) as a wide table with a total column."""
    if frame.empty:
        return Table([first or index.capitalize()], [])
    wide = frame.pivot_table(index=index, columns=columns, values="aantal", aggfunc="sum", fill_value=0, sort=False)
    names = [c for c in (order or list(wide.columns)) if c in wide.columns]
    wide = wide[names]
    rows = [
        [str(label), *(int(v) for v in values), int(sum(values))]
        for label, values in zip(wide.index, wide.values.tolist(), strict=True)
    ]
    return Table([first or index.capitalize(), *names, "Totaal"], rows)


# --- charts without a browser (matplotlib, Agg) ---------------------------------------------------


def _figure(width: float = 9, height: float = 4.2):
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=110)
    figure.set_layout_engine("constrained")
    return figure, figure.add_subplot()


def _png(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _stacked_bars(frame: pd.DataFrame) -> bytes:
    wide = frame.pivot_table(index="organisatie", columns="status", values="aantal", aggfunc="sum", fill_value=0)
    figure, axes = _figure()
    left = [0] * len(wide)
    for status in [s for s in stats.STATUS_ORDER if s in wide.columns]:
        values = wide[status].tolist()
        axes.barh(list(wide.index), values, left=left, label=status, color=stats.STATUS_COLOURS.get(status))
        left = [a + b for a, b in zip(left, values, strict=True)]
    axes.invert_yaxis()
    axes.set_xlabel("aantal acties")
    axes.legend(loc="lower right", fontsize=8)
    return _png(figure)


def _line(frame: pd.DataFrame) -> bytes:
    figure, axes = _figure(height=3.6)
    axes.plot(frame["maand"], frame["percentage"], marker="o", color=stats.STATUS_COLOURS["gerealiseerd"])
    axes.set_ylim(0, 100)
    axes.set_ylabel("% op tijd")
    axes.tick_params(axis="x", labelrotation=45)
    return _png(figure)


def _perspective_bars(frame: pd.DataFrame) -> bytes:
    wide = frame.pivot_table(index="perspectief", columns="soort", values="aantal", aggfunc="sum", fill_value=0)
    order = [p for p in stats.PERSPECTIVE_ORDER if p in wide.index] + [
        p for p in wide.index if p not in stats.PERSPECTIVE_ORDER
    ]
    wide = wide.reindex(order)
    figure, axes = _figure(height=3.6)
    positions = range(len(wide))
    kinds = [k for k in ("belemmert", "helpt") if k in wide.columns]
    width = 0.8 / max(1, len(kinds))
    for offset, kind in enumerate(kinds):
        axes.bar(
            [p + offset * width for p in positions],
            wide[kind].tolist(),
            width=width,
            label=kind,
            color=stats.KIND_COLOURS[kind],
        )
    axes.set_xticks([p + width * (len(kinds) - 1) / 2 for p in positions], list(wide.index))
    axes.set_ylabel("aantal")
    axes.legend(fontsize=8)
    return _png(figure)


def _attendance_bars(frame: pd.DataFrame) -> bytes:
    wide = frame.pivot_table(index="datum", columns="rol", values="aantal", aggfunc="sum", fill_value=0)
    figure, axes = _figure(height=3.6)
    labels = [dates.short_date(d) for d in wide.index]
    bottom = [0] * len(wide)
    for role in wide.columns:
        values = wide[role].tolist()
        axes.bar(labels, values, bottom=bottom, label=role)
        bottom = [a + b for a, b in zip(bottom, values, strict=True)]
    axes.set_ylabel("deelnemers")
    axes.tick_params(axis="x", labelrotation=45)
    axes.legend(fontsize=8)
    return _png(figure)


def _evaluation_lines(frame: pd.DataFrame) -> bytes:
    figure, axes = _figure(height=3.6)
    labels = [dates.short_date(d) for d in frame["datum"]]
    axes.plot(labels, frame["constructief"], marker="o", label="constructief")
    axes.plot(labels, frame["to_the_point"], marker="s", label="to the point")
    axes.set_ylim(1, 5)
    axes.set_ylabel("gemiddelde score")
    axes.tick_params(axis="x", labelrotation=45)
    axes.legend(fontsize=8)
    return _png(figure)


# --- CSV ----------------------------------------------------------------------------------------

ACTION_COLUMNS = [
    "Nr",
    "Actie",
    "Trekker",
    "Organisatie",
    "Werkgroep",
    "Streefdatum",
    "Status",
    "Reden",
    "Sessie",
    "Sessiedatum",
    "Afgesproken op",
    "Afgerond op",
]
CONTRIBUTION_COLUMNS = [
    "Sessie",
    "Sessiedatum",
    "Groep",
    "Ronde",
    "Perspectief",
    "Soort",
    "Tekst",
    "Uitvoerbaar",
    "Vastgelegd op",
]


def late_actions_csv(frame: pd.DataFrame) -> bytes:
    """The dashboard's late-actions table as a safe CSV file."""
    columns = ["Nr", "Actie", "Trekker", "Organisatie", "Streefdatum", "Dagen te laat", "Status"]
    return to_csv(columns, frame.astype(object).values.tolist())


def actions_csv(*, session: Session, viewer: CurrentUser, filters: stats.Filters) -> bytes:
    policy.require(viewer, "insight.view")
    return to_csv(ACTION_COLUMNS, _action_rows(session, filters))


def _action_rows(session: Session, filters: stats.Filters) -> Iterator[list[object]]:
    query = (
        select(
            Action.id,
            Action.title,
            func.coalesce(User.display_name, Action.owner_name, ""),
            func.coalesce(Organisation.name, ""),
            Action.work_group,
            Action.due_date,
            Action.status,
            Action.reason,
            LearningSession.title,
            LearningSession.date,
            Action.created_at,
            Action.finished_at,
        )
        .select_from(Action)
        .outerjoin(User, User.id == Action.owner_user_id)
        .outerjoin(Organisation, Organisation.id == Action.organisation_id)
        .outerjoin(LearningSession, LearningSession.id == Action.session_id)
        .where(*stats.action_scope(filters))
        .order_by(Action.id)
    )
    for row in session.execute(query.execution_options(yield_per=1000)):
        values = list(row)
        values[6] = action_status_label(values[6])
        yield values


def contributions_csv(*, session: Session, viewer: CurrentUser, filters: stats.Filters) -> bytes:
    policy.require(viewer, "insight.view")
    query = (
        select(
            LearningSession.title,
            LearningSession.date,
            Group.name,
            Contribution.round_index,
            Contribution.perspective,
            Contribution.kind,
            Contribution.text,
            Contribution.feasible,
            Contribution.created_at,
        )
        .select_from(Contribution)
        .join(LearningSession, LearningSession.id == Contribution.session_id)
        .outerjoin(Group, Group.id == Contribution.group_id)
        .where(*stats.contribution_scope(filters))
        .order_by(
            LearningSession.date, Contribution.session_id, Group.number, Contribution.round_index, Contribution.id
        )
    )

    def rows() -> Iterator[list[object]]:
        for title, day, group, round_index, perspective, kind, text, feasible, created in session.execute(
            query.execution_options(yield_per=1000)
        ):
            yield [
                title,
                day,
                group or "",
                round_index + 1,
                perspective,
                CONTRIBUTION_KIND_LABELS.get(ContributionKind(kind), kind),
                text,
                "ja" if feasible else "nee",
                created,
            ]

    return to_csv(CONTRIBUTION_COLUMNS, rows())
