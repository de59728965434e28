"""The figures of the managers' dashboard and the oogst: every count is a GROUP BY in SQL.

Each function takes the SQLAlchemy session and a `Filters` (series, organisation, period) and
returns a small pandas frame with Dutch column names, empty (with its columns) when there is nothing
to show yet. Only `late_actions` and `recurring_themes` read rows, and both read a bounded number.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import CompoundSelect, Integer, Select, and_, case, cast, func, literal, or_, select, union
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from lib.accounts import CurrentUser
from lib.core import policy
from lib.models import (
    ACTION_STATUS_LABELS,
    CONTRIBUTION_KIND_LABELS,
    UNFINISHED_ACTION_STATUSES,
    Action,
    ActionStatus,
    ActionUpdate,
    Attendance,
    Case,
    CaseOrganisation,
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

NO_ORGANISATION = "(geen organisatie)"
STATUS_ORDER = [ACTION_STATUS_LABELS[s] for s in ActionStatus]
PERSPECTIVE_ORDER = ["systeem", "professional", "veranderproces"]
# One colour per status, the same on the dashboard and in the oogst (distinct for colour-blind readers).
STATUS_COLOURS = {
    "open": "#4C78A8",
    "bezig": "#F2A541",
    "gerealiseerd": "#2E8540",
    "niet gelukt": "#C0392B",
    "vervallen": "#8C8C8C",
}
KIND_COLOURS = {"belemmert": "#C0392B", "helpt": "#2E8540"}
THEME_TEXT_LIMIT = 5000
LATE_LIMIT = 1000
LATE_SHOWN = 100  # the dashboard lists the longest late; its CSV holds every one (reports.late_actions_file)

# Words that say nothing about a theme: Dutch function words plus the words every obstacle uses.
_STOP_WORDS = """
aan achter al alle alleen als altijd ander andere anders ben bij bijna binnen boven daar daarna
daarom dan dat de deze die dit doen door dus echter een eens en er erg even ge geen gehad geweest
gewoon goed had heb hebben heeft hem het hier hij hoe hun iedereen iemand iets ik in is ja je jij
jou jouw kan kon kunnen maar me meer men met mij mijn moet moeten na naar niet niets nog nu of om
omdat onder ons onze ook op over reeds te tegen toch toen tot u uit uw van veel voor vooral want
waren was wat we wel welk welke werd wie wij wil worden wordt zal ze zelf zich zij zijn zo zoals
zonder zou zouden zullen elkaar via per dan elk elke ieder iedere alles twee drie vier vijf zes
zeven acht weer waar wanneer staan staat gaat gaan komt komen krijgen krijgt weten weet
"""
DUTCH_STOP_WORDS = frozenset(_STOP_WORDS.split())
_WORD = re.compile(r"[a-zà-ÿ][a-zà-ÿ'-]*[a-zà-ÿ]|[a-zà-ÿ]", re.IGNORECASE)


@dataclass(frozen=True)
class Filters:
    """Which part of the data a figure covers; None means all."""

    series_id: int | None = None
    organisation_id: int | None = None
    start: dt.date | None = None
    end: dt.date | None = None


@dataclass(frozen=True)
class Headline:
    total: int
    open: int
    late: int
    done: int
    on_time_percentage: float | None  # of the actions whose due date has passed


@dataclass(frozen=True)
class Realisation:
    count: int
    median_days: float | None
    buckets: pd.DataFrame  # termijn, aantal


@dataclass(frozen=True)
class Choices:
    series: list[tuple[int, str]]
    organisations: list[tuple[int, str]]


PERIODS = ["Hele periode", "Afgelopen 3 maanden", "Afgelopen 12 maanden", "Dit kalenderjaar", "Vorig kalenderjaar"]


def period_range(name: str, today: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """The first and last day of a named period (None: open-ended)."""
    if name == "Afgelopen 3 maanden":
        return today - dt.timedelta(days=91), today
    if name == "Afgelopen 12 maanden":
        return today - dt.timedelta(days=365), today
    if name == "Dit kalenderjaar":
        return dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)
    if name == "Vorig kalenderjaar":
        return dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31)
    return None, None


def default_filters(viewer: CurrentUser) -> Filters:
    """A manager starts with their own organisation; the aanjager and beheerder see everything."""
    policy.require(viewer, "insight.view")
    if not policy.allows(viewer.role, "insight.all_organisations") and viewer.organisation_id is not None:
        return Filters(organisation_id=viewer.organisation_id)
    return Filters()


def choices(*, session: Session) -> Choices:
    series = session.execute(select(Series.id, Series.name).order_by(Series.archived, Series.name)).all()
    organisations = session.execute(
        select(Organisation.id, Organisation.name).where(Organisation.active.is_(True)).order_by(Organisation.name)
    ).all()
    return Choices([(r.id, r.name) for r in series], [(r.id, r.name) for r in organisations])


# --- shared pieces of SQL -----------------------------------------------------------------------


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _month(session: Session, column: Any) -> ColumnElement[str]:
    if _dialect(session) == "sqlite":
        return func.strftime("%Y-%m", column)
    return func.to_char(column, "YYYY-MM")


def _whole_days(session: Session, later: Any, earlier: Any) -> ColumnElement[int]:
    """Whole days between two timestamps, computed by the database."""
    if _dialect(session) == "sqlite":
        return cast(func.julianday(later) - func.julianday(earlier), Integer)
    return cast(func.floor(func.extract("epoch", later - earlier) / 86400), Integer)


def _sessions_in_scope(filters: Filters) -> Select[Any]:
    """Ids of the (not cancelled) sessions within the series and period of `filters`."""
    query = select(LearningSession.id).where(LearningSession.status != SessionStatus.CANCELLED)
    if filters.series_id is not None:
        query = query.where(LearningSession.series_id == filters.series_id)
    if filters.start is not None:
        query = query.where(LearningSession.date >= filters.start)
    if filters.end is not None:
        query = query.where(LearningSession.date <= filters.end)
    return query


def _held(filters: Filters) -> Select[Any]:
    """Sessions in scope that took place (or are taking place): only there does attendance count."""
    return _sessions_in_scope(filters).where(
        LearningSession.status.in_([SessionStatus.RUNNING, SessionStatus.FINISHED])
    )


def action_scope(filters: Filters) -> list[ColumnElement[bool]]:
    """Actions agreed in a session in scope, or (without a session) created in the period."""
    conditions: list[ColumnElement[bool]] = []
    if filters.organisation_id is not None:
        conditions.append(Action.organisation_id == filters.organisation_id)
    in_sessions = Action.session_id.in_(_sessions_in_scope(filters))
    if filters.series_id is not None:
        conditions.append(in_sessions)
    elif filters.start is not None or filters.end is not None:
        created: list[ColumnElement[bool]] = [Action.session_id.is_(None)]
        if filters.start is not None:
            created.append(Action.created_at >= dt.datetime.combine(filters.start, dt.time(), dt.UTC))
        if filters.end is not None:
            created.append(
                Action.created_at < dt.datetime.combine(filters.end, dt.time(), dt.UTC) + dt.timedelta(days=1)
            )
        conditions.append(or_(in_sessions, and_(*created)))
    return conditions


def cases_of(organisation_id: int) -> CompoundSelect[Any]:
    """Cases brought in by, or involving, an organisation."""
    involved = select(CaseOrganisation.case_id).where(CaseOrganisation.organisation_id == organisation_id)
    return union(select(Case.id).where(Case.organisation_id == organisation_id), involved)  # OR: no index


def _frame(rows: Any, columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame([tuple(r) for r in rows], columns=columns)


# --- actions ------------------------------------------------------------------------------------


def headline(*, session: Session, filters: Filters, today: dt.date) -> Headline:
    """The four numbers above the charts."""
    unfinished = Action.status.in_(UNFINISHED_ACTION_STATUSES)
    past_due = and_(Action.due_date.is_not(None), Action.due_date < today)
    on_time = and_(
        Action.status == ActionStatus.DONE,
        Action.finished_at.is_not(None),
        func.date(Action.finished_at) <= Action.due_date,
    )
    row = session.execute(
        select(
            func.count(),
            func.count(case((unfinished, 1))),
            func.count(case((and_(unfinished, past_due), 1))),
            func.count(case((Action.status == ActionStatus.DONE, 1))),
            func.count(case((past_due, 1))),
            func.count(case((and_(past_due, on_time), 1))),
        )
        .select_from(Action)
        .where(*action_scope(filters))
    ).one()
    total, open_, late, done, due, due_on_time = (int(v or 0) for v in row)
    percentage = round(100 * due_on_time / due, 1) if due else None
    return Headline(total, open_, late, done, percentage)


def action_status_by_organisation(*, session: Session, filters: Filters) -> pd.DataFrame:
    """organisatie, status, aantal: the stacked bars of action status per organisation."""
    org_name = func.coalesce(Organisation.name, literal(NO_ORGANISATION))
    rows = session.execute(
        select(org_name, Action.status, func.count())
        .select_from(Action)
        .outerjoin(Organisation, Organisation.id == Action.organisation_id)
        .where(*action_scope(filters))
        .group_by(org_name, Action.status)
        .order_by(org_name)
    ).all()
    frame = _frame(rows, ["organisatie", "status", "aantal"])
    frame["status"] = frame["status"].map(action_status_label)
    return frame


def action_status_by_session(*, session: Session, filters: Filters) -> pd.DataFrame:
    """sessie, datum, status, aantal: what became of the actions agreed in each session."""
    rows = session.execute(
        select(LearningSession.title, LearningSession.date, Action.status, func.count())
        .select_from(Action)
        .join(LearningSession, LearningSession.id == Action.session_id)
        .where(*action_scope(filters), Action.session_id.in_(_sessions_in_scope(filters)))
        .group_by(LearningSession.id, LearningSession.title, LearningSession.date, Action.status)
        .order_by(LearningSession.date, LearningSession.id)
    ).all()
    frame = _frame(rows, ["sessie", "datum", "status", "aantal"])
    frame["status"] = frame["status"].map(action_status_label)
    return frame


def on_time_share(*, session: Session, filters: Filters, today: dt.date) -> pd.DataFrame:
    """maand, afgesproken, op_tijd, percentage: of the actions due in a month (already past), how
    many were realised by their due date."""
    month = _month(session, Action.due_date)
    on_time = and_(
        Action.status == ActionStatus.DONE,
        Action.finished_at.is_not(None),
        func.date(Action.finished_at) <= Action.due_date,
    )
    rows = session.execute(
        select(month, func.count(), func.count(case((on_time, 1))))
        .select_from(Action)
        .where(*action_scope(filters), Action.due_date.is_not(None), Action.due_date < today)
        .group_by(month)
        .order_by(month)
    ).all()
    frame = _frame(rows, ["maand", "afgesproken", "op_tijd"])
    frame["percentage"] = (100 * frame["op_tijd"] / frame["afgesproken"]).round(1) if len(frame) else []
    return frame


REALISATION_BUCKETS = [
    (0, 7, "binnen een week"),
    (8, 14, "1–2 weken"),
    (15, 30, "2–4 weken"),
    (31, 60, "1–2 maanden"),
    (61, 90, "2–3 maanden"),
    (91, None, "langer dan 3 maanden"),
]


def realisation_days(*, session: Session, filters: Filters) -> pd.DataFrame:
    """dagen, aantal: how many realised actions took that many whole days from agreement to done."""
    days = _whole_days(session, Action.finished_at, Action.created_at)
    rows = session.execute(
        select(days, func.count())
        .select_from(Action)
        .where(*action_scope(filters), Action.status == ActionStatus.DONE, Action.finished_at.is_not(None))
        .group_by(days)
        .order_by(days)
    ).all()
    return _frame(rows, ["dagen", "aantal"])


def realisation(*, session: Session, filters: Filters) -> Realisation:
    """Median and distribution of the time from agreement to realisation."""
    per_day = realisation_days(session=session, filters=filters)
    buckets = pd.DataFrame({"termijn": [label for _, _, label in REALISATION_BUCKETS], "aantal": 0})
    if per_day.empty:
        return Realisation(0, None, buckets.iloc[0:0])
    for index, (low, high, _label) in enumerate(REALISATION_BUCKETS):
        inside = (per_day["dagen"] >= low) & (per_day["dagen"] <= (high if high is not None else 10**9))
        buckets.loc[index, "aantal"] = int(per_day.loc[inside, "aantal"].sum())
    total = int(per_day["aantal"].sum())
    expanded = per_day["dagen"].repeat(per_day["aantal"].tolist())  # one value per action, at most a few per day
    return Realisation(total, float(expanded.median()), buckets)


def late_actions(
    *,
    session: Session,
    filters: Filters,
    today: dt.date,
    limit: int | None = LATE_LIMIT,
    visible: ColumnElement[bool] | None = None,
) -> pd.DataFrame:
    """actie, trekker, organisatie, streefdatum, dagen_te_laat, status: unfinished actions past due,
    the latest first in line (most days late); only those matching `visible` (lib/core/visibility.py)."""
    owner = owner_label_sql()
    rows = session.execute(
        select(
            Action.id,
            Action.title,
            owner,
            func.coalesce(Organisation.name, literal(NO_ORGANISATION)),
            Action.due_date,
            Action.status,
        )
        .select_from(Action)
        .outerjoin(User, User.id == Action.owner_user_id)
        .outerjoin(Organisation, Organisation.id == Action.organisation_id)
        .where(
            *action_scope(filters),
            *([visible] if visible is not None else []),
            Action.status.in_(UNFINISHED_ACTION_STATUSES),
            Action.due_date.is_not(None),
            Action.due_date < today,
        )
        .order_by(Action.due_date, Action.id)
        .limit(limit)
    ).all()
    frame = _frame(rows, ["nr", "actie", "trekker", "organisatie", "streefdatum", "status"])
    frame.insert(5, "dagen_te_laat", [(today - due).days for due in frame["streefdatum"]])
    frame["dagen_te_laat"] = frame["dagen_te_laat"].astype("int64")
    frame["status"] = frame["status"].map(action_status_label)
    return frame


# --- what the groups said -----------------------------------------------------------------------


def contribution_scope(filters: Filters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [
        Contribution.session_id.in_(_sessions_in_scope(filters)),
        Contribution.hidden.is_(False),
    ]
    if filters.organisation_id is not None:
        groups = select(Group.id).where(Group.case_id.in_(cases_of(filters.organisation_id)))
        conditions.append(Contribution.group_id.in_(groups))
    return conditions


def contributions_per_perspective(*, session: Session, filters: Filters) -> pd.DataFrame:
    """sessie, datum, perspectief, soort, aantal: obstacles and helpers per perspective per session."""
    rows = session.execute(
        select(LearningSession.title, LearningSession.date, Contribution.perspective, Contribution.kind, func.count())
        .select_from(Contribution)
        .join(LearningSession, LearningSession.id == Contribution.session_id)
        .where(
            *contribution_scope(filters), Contribution.kind.in_([ContributionKind.OBSTACLE, ContributionKind.HELPER])
        )
        .group_by(
            LearningSession.id, LearningSession.title, LearningSession.date, Contribution.perspective, Contribution.kind
        )
        .order_by(LearningSession.date, LearningSession.id, Contribution.perspective)
    ).all()
    frame = _frame(rows, ["sessie", "datum", "perspectief", "soort", "aantal"])
    frame["soort"] = frame["soort"].map(lambda k: CONTRIBUTION_KIND_LABELS.get(ContributionKind(k), k))
    return frame


def words(text: str) -> list[str]:
    """The meaningful words of a text: lower case, without stop words and very short words."""
    found = [w.strip("'-") for w in _WORD.findall(text.lower())]
    return [w for w in found if len(w) > 2 and w not in DUTCH_STOP_WORDS and not w.isdigit()]


def count_themes(texts: list[str], *, top: int = 15) -> pd.DataFrame:
    """thema, aantal: the most frequent words and two-word phrases, each counted once per text."""
    counts: Counter[str] = Counter()
    for text in texts:
        found = words(text)
        pairs = {f"{a} {b}" for a, b in itertools.pairwise(found)}
        counts.update(set(found))
        counts.update(pairs)
    # A phrase that occurs at least twice says more than its words: drop words it covers equally often.
    phrases = {p: n for p, n in counts.items() if " " in p and n >= 2}
    for phrase, n in phrases.items():
        for word in phrase.split():
            if counts.get(word) == n:
                counts.pop(word, None)
    # Recurring means at least twice; only while nothing recurs yet, single mentions are shown.
    least = 2 if any(n >= 2 for n in counts.values()) else 1
    common = [(theme, n) for theme, n in counts.items() if n >= least and (n >= 2 or " " not in theme)]
    common.sort(key=lambda item: (-item[1], " " not in item[0], item[0]))
    return pd.DataFrame(common[:top], columns=["thema", "aantal"])


def recurring_themes(
    *, session: Session, filters: Filters, top: int = 15, text_limit: int = THEME_TEXT_LIMIT
) -> pd.DataFrame:
    """thema, aantal: what comes back in the obstacles (the latest `text_limit` obstacles)."""
    texts = session.scalars(
        select(Contribution.text)
        .where(*contribution_scope(filters), Contribution.kind == ContributionKind.OBSTACLE)
        .order_by(Contribution.created_at.desc())
        .limit(text_limit)
    ).all()
    return count_themes(list(texts), top=top)


# --- who came and what they thought -------------------------------------------------------------


def attendance_by_role(*, session: Session, filters: Filters) -> pd.DataFrame:
    """sessie, datum, rol, aantal: who was there (present, or presence not recorded) per held session."""
    organisation = func.coalesce(User.organisation_id, Attendance.guest_organisation_id)
    query = (
        select(LearningSession.title, LearningSession.date, Attendance.role, func.count())
        .select_from(Attendance)
        .join(LearningSession, LearningSession.id == Attendance.session_id)
        .outerjoin(User, User.id == Attendance.user_id)
        .where(Attendance.session_id.in_(_held(filters)), Attendance.present.is_not(False))
        .group_by(LearningSession.id, LearningSession.title, LearningSession.date, Attendance.role)
        .order_by(LearningSession.date, LearningSession.id, Attendance.role)
    )
    if filters.organisation_id is not None:
        query = query.where(organisation == filters.organisation_id)
    frame = _frame(session.execute(query).all(), ["sessie", "datum", "rol", "aantal"])
    frame["rol"] = frame["rol"].map(role_label)
    return frame


def attendance_by_organisation(*, session: Session, filters: Filters) -> pd.DataFrame:
    """organisatie, rol, aantal: attendances over the sessions in scope, per organisation and role."""
    organisation = func.coalesce(User.organisation_id, Attendance.guest_organisation_id)
    name = func.coalesce(Organisation.name, literal(NO_ORGANISATION))
    query = (
        select(name, Attendance.role, func.count())
        .select_from(Attendance)
        .outerjoin(User, User.id == Attendance.user_id)
        .outerjoin(Organisation, Organisation.id == organisation)
        .where(Attendance.session_id.in_(_held(filters)), Attendance.present.is_not(False))
        .group_by(name, Attendance.role)
        .order_by(name, Attendance.role)
    )
    if filters.organisation_id is not None:
        query = query.where(organisation == filters.organisation_id)
    frame = _frame(session.execute(query).all(), ["organisatie", "rol", "aantal"])
    frame["rol"] = frame["rol"].map(role_label)
    return frame


def evaluation_scores(*, session: Session, filters: Filters) -> pd.DataFrame:
    """sessie, datum, evaluaties, constructief, to_the_point, te_kort, goed, te_lang per session
    (averages on the 1–5 scale). Evaluations are anonymous: the organisation filter does not apply."""
    rows = session.execute(
        select(
            LearningSession.title,
            LearningSession.date,
            func.count(),
            func.avg(Evaluation.constructive),
            func.avg(Evaluation.to_the_point),
            func.count(case((Evaluation.length == "te_kort", 1))),
            func.count(case((Evaluation.length == "goed", 1))),
            func.count(case((Evaluation.length == "te_lang", 1))),
        )
        .select_from(Evaluation)
        .join(LearningSession, LearningSession.id == Evaluation.session_id)
        .where(Evaluation.session_id.in_(_sessions_in_scope(filters)))
        .group_by(LearningSession.id, LearningSession.title, LearningSession.date)
        .order_by(LearningSession.date, LearningSession.id)
    ).all()
    frame = _frame(
        rows, ["sessie", "datum", "evaluaties", "constructief", "to_the_point", "te_kort", "goed", "te_lang"]
    )
    for column in ("constructief", "to_the_point"):
        frame[column] = frame[column].astype(float).round(2)
    return frame


@dataclass(frozen=True)
class Dashboard:
    filters: Filters
    headline: Headline
    status_by_organisation: pd.DataFrame
    status_by_session: pd.DataFrame
    on_time: pd.DataFrame
    realisation: Realisation
    late: pd.DataFrame
    perspectives: pd.DataFrame
    themes: pd.DataFrame
    attendance: pd.DataFrame
    attendance_organisations: pd.DataFrame
    evaluations: pd.DataFrame


def data_stamp(*, session: Session) -> tuple[int, ...]:
    """A few index lookups that change whenever data the dashboard shows changes: the key of its cache.

    Every action change writes an ActionUpdate (its history); every write a live screen shows bumps the
    session's `live_version` (contributions, moderation, votes, evaluations); planning bumps the
    session's `version`; sign-ups add or remove attendance rows. What it misses (a user renamed, an
    organisation merged, texts anonymised after their retention period) the cache's time limit covers.
    """

    def biggest(column: Any) -> Any:
        return select(func.coalesce(func.max(column), 0)).scalar_subquery()

    row = session.execute(
        select(
            biggest(Action.id),
            biggest(ActionUpdate.id),
            biggest(Attendance.id),
            select(func.count()).select_from(Attendance).scalar_subquery(),
            biggest(Evaluation.id),
            select(
                func.coalesce(func.sum(LearningSession.version), 0)
                + func.coalesce(func.sum(LearningSession.live_version), 0)
                + func.count()
            ).scalar_subquery(),
        )
    ).one()
    return tuple(int(value) for value in row)


def dashboard(*, session: Session, viewer: CurrentUser, filters: Filters, today: dt.date) -> Dashboard:
    """Every figure of the dashboard for `filters`; refuses roles that may not see them."""
    policy.require(viewer, "insight.view")
    return compute_dashboard(session=session, filters=filters, today=today)


def compute_dashboard(*, session: Session, filters: Filters, today: dt.date) -> Dashboard:
    """The dashboard's figures without the role check: for callers that made it (the page's cache)."""
    return Dashboard(
        filters=filters,
        headline=headline(session=session, filters=filters, today=today),
        status_by_organisation=action_status_by_organisation(session=session, filters=filters),
        status_by_session=action_status_by_session(session=session, filters=filters),
        on_time=on_time_share(session=session, filters=filters, today=today),
        realisation=realisation(session=session, filters=filters),
        late=late_actions(session=session, filters=filters, today=today, limit=LATE_SHOWN),
        perspectives=contributions_per_perspective(session=session, filters=filters),
        themes=recurring_themes(session=session, filters=filters),
        attendance=attendance_by_role(session=session, filters=filters),
        attendance_organisations=attendance_by_organisation(session=session, filters=filters),
        evaluations=evaluation_scores(session=session, filters=filters),
    )
