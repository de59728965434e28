"""Downloads for managers and the aanjager: the sessieverslag of one session, and safe CSV files of
all actions and contributions (the oogst and the terugkoppeling have modules of their own).

The sessieverslag is built once as a `Document` and rendered by lib/exports to every format.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from lib.accounts import CurrentUser
from lib.core import dates, policy, visibility
from lib.core.errors import NotFound
from lib.exports.document import Cell, Document, Table
from lib.exports.safe_csv import to_csv
from lib.insight import stats
from lib.models import (
    CONTRIBUTION_KIND_LABELS,
    EVALUATION_LENGTH_LABELS,
    EVALUATION_SCORE_LABELS,
    Action,
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
    owner_label_sql,
    role_label,
)

KIND_ORDER: dict[str, int] = {ContributionKind.OBSTACLE: 0, ContributionKind.HELPER: 1, ContributionKind.SOLUTION: 2}


@dataclass(frozen=True)
class SessionChoice:
    id: int
    label: str
    date: dt.date


def latest_held(choices: list[SessionChoice], today: dt.date) -> int:
    """The index of the most recent session up to today (the one a report is usually wanted of)."""
    return next((index for index, choice in enumerate(choices) if choice.date <= today), 0)


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
    cases = _cases(session, meeting.id, viewer)
    contributions = _contributions(session, meeting)
    agreed = _actions_of(session, meeting.id, viewer)
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
    agreed_table = Table(
        ["Actie", "Trekker", "Organisatie", "Streefdatum", "Status", "Waarom niet"],
        agreed,
        widths=[5, 2, 2, 2, 2, 4],
        empty_text="In deze sessie zijn geen vervolgacties afgesproken.",
    )
    document.section("Vervolgacties").add(agreed_table)
    document.csv_table = agreed_table
    document.section("Terugblik").add(
        Table(
            ["Actie", "Trekker", "Van", "Naar", "Toelichting"],
            _review(session, meeting.id, viewer),
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


def _cases(session: Session, meeting_id: int, viewer: CurrentUser) -> list[list[Cell]]:
    """The session's cases; the title and leervraag only of those the viewer may see (lib/core/visibility.py)."""
    visible = visibility.case_clause(viewer)
    rows = session.execute(
        select(
            Group.name,
            case((visible, Case.title), else_=visibility.HIDDEN_CASE),
            case((visible, Case.learning_question), else_=""),
            func.coalesce(Organisation.name, ""),
        )
        .select_from(Case)
        .outerjoin(Group, Group.case_id == Case.id)
        .outerjoin(Organisation, Organisation.id == Case.organisation_id)
        .where(or_(Case.session_id == meeting_id, Group.session_id == meeting_id))
        .order_by(Group.number, Case.id)
    ).all()
    return [[g or "—", title, question, org] for g, title, question, org in rows]


def _contributions(session: Session, meeting: LearningSession) -> list[list[Cell]]:
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


def _actions_of(session: Session, meeting_id: int, viewer: CurrentUser) -> list[list[Cell]]:
    rows = session.execute(
        select(
            Action.title,
            owner_label_sql(),
            func.coalesce(Organisation.name, ""),
            Action.due_date,
            Action.status,
            Action.reason,
        )
        .select_from(Action)
        .outerjoin(User, User.id == Action.owner_user_id)
        .outerjoin(Organisation, Organisation.id == Action.organisation_id)
        .where(Action.session_id == meeting_id, visibility.action_clause(viewer))
        .order_by(Action.id)
    ).all()
    return [[t, o, org, due, action_status_label(s), why] for t, o, org, due, s, why in rows]


def _review(session: Session, meeting_id: int, viewer: CurrentUser) -> list[list[Cell]]:
    """What the terugblik of this session recorded about actions of earlier sessions."""
    rows = session.execute(
        select(
            Action.title,
            owner_label_sql(),
            ActionUpdate.from_status,
            ActionUpdate.to_status,
            ActionUpdate.note,
        )
        .select_from(ActionUpdate)
        .join(Action, Action.id == ActionUpdate.action_id)
        .outerjoin(User, User.id == Action.owner_user_id)
        .where(
            ActionUpdate.session_id == meeting_id,
            or_(Action.session_id.is_(None), Action.session_id != meeting_id),
            visibility.action_clause(viewer),
        )
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
    outcomes: list[list[Cell]] = [
        ["Ingevulde evaluaties", count],
        ["Constructief (1–5, gemiddeld)", round(float(constructive), 1)],
        [f"{EVALUATION_SCORE_LABELS['to_the_point']} (1–5, gemiddeld)", round(float(to_the_point), 1)],
    ]
    outcomes.extend([f"Lengte: {label}", lengths.get(key, 0)] for key, label in EVALUATION_LENGTH_LABELS.items())
    section.add(Table(["Vraag", "Uitkomst"], outcomes, widths=[3, 1]))
    remarks = session.scalars(
        select(Evaluation.remark)
        .where(Evaluation.session_id == meeting_id, Evaluation.remark != "")
        .order_by(Evaluation.created_at, Evaluation.id)
    ).all()
    section.add(Table(["Opmerking"], [[r] for r in remarks], empty_text="Geen opmerkingen."))


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
    """A late-actions table (stats.late_actions) as a safe CSV file."""
    columns = ["Nr", "Actie", "Trekker", "Organisatie", "Streefdatum", "Dagen te laat", "Status"]
    return to_csv(columns, frame.astype(object).values.tolist())


def late_actions_file(*, session: Session, viewer: CurrentUser, filters: stats.Filters, today: dt.date) -> bytes:
    """Every late action of `filters` the viewer may see, as CSV: the whole list the dashboard shortens."""
    policy.require(viewer, "insight.view")
    frame = stats.late_actions(
        session=session, filters=filters, today=today, limit=None, visible=visibility.action_clause(viewer)
    )
    return late_actions_csv(frame)


def actions_csv(*, session: Session, viewer: CurrentUser, filters: stats.Filters) -> bytes:
    policy.require(viewer, "insight.view")
    return to_csv(ACTION_COLUMNS, _action_rows(session, filters, viewer))


def _action_rows(session: Session, filters: stats.Filters, viewer: CurrentUser) -> Iterator[list[Cell]]:
    query = (
        select(
            Action.id,
            Action.title,
            owner_label_sql(),
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
        .where(*stats.action_scope(filters), visibility.action_clause(viewer))
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

    def rows() -> Iterator[list[Cell]]:
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
