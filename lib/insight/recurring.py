"""Terugkerende thema's: the themes an aanjager confirmed in the room, and where they come back.

In a round the projector shows `suggestions` (lib/insight/themes.py groups the session's
contributions per perspective and kind); the aanjager confirms one as a named theme
(`confirm_theme`), adds it to a theme confirmed before (`add_to_theme`), or rejects it
(`reject_suggestion`: that group is not suggested again in the session).

A theme's scope is the series of the session it was confirmed in, and the organisation of its
contributions' cases when they share one. A contribution of a *later* session in that scope, of the
same perspective and kind, that matches the theme's members (`themes.match_themes`) is an occurrence
too — computed when read, never stored, so a renamed or extended theme is matched anew everywhere.
Each session is matched on its own, so a mark never changes because other sessions were added.
`marks` gives a session's contributions their "terugkerend (3e sessie)"; `over_time` the themes of a
series or an organisation per session date, with their contributions and the actions made of them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased

from lib.accounts import CurrentUser
from lib.core import audit, policy, versions
from lib.core.errors import Conflict, DomainError, NotFound
from lib.core.validation import clean_text
from lib.insight import stats, themes
from lib.models import (
    Action,
    Case,
    Contribution,
    Group,
    LearningSession,
    SessionStatus,
    Theme,
    ThemeMember,
    ThemeRejection,
    User,
    action_status_label,
    kind_label,
    owner_label_sql,
    utcnow,
)

MAX_THEME_NAME = 80
# The dashboard and the oogst match at most this many sessions (the latest in their scope).
SESSION_LIMIT = 120
THEME_LIMIT = 500
CONFIRMED = "samengevoegd"  # the aanjager put it in the theme
MATCHED = "herkend"  # matched to the theme's members by the method


def ordinal(number: int) -> str:
    """3 → '3e' (Dutch ordinals of numbers are all written with -e)."""
    return f"{number}e"


def recurring_label(occurrence: int) -> str:
    """'terugkerend (3e sessie)' from the second session on; the first time it is just a theme."""
    return f"terugkerend ({ordinal(occurrence)} sessie)" if occurrence >= 2 else "thema (1e sessie)"


@dataclass(frozen=True)
class ThemeText:
    id: int
    text: str
    group_name: str


@dataclass(frozen=True)
class ThemeChoice:
    """A confirmed theme this session's contributions may join."""

    id: int
    name: str
    perspective: str
    kind: str
    version: int
    members: int


@dataclass(frozen=True)
class Suggestion:
    perspective: str
    kind: str
    items: tuple[ThemeText, ...]
    name_hint: str
    existing: tuple[ThemeChoice, ...]  # confirmed themes of this perspective and kind, best match first

    @property
    def ids(self) -> list[int]:
        return [item.id for item in self.items]

    @property
    def key(self) -> str:
        return signature(self.ids)


@dataclass(frozen=True)
class Mark:
    theme_id: int
    name: str
    occurrence: int  # in how many distinct sessions the theme has occurred, up to and including this one
    how: str  # CONFIRMED or MATCHED
    text: str = ""  # the contribution's
    version: int = 0  # the theme's, for adding a matched contribution to it

    @property
    def label(self) -> str:
        return recurring_label(self.occurrence)


@dataclass(frozen=True)
class Occurrence:
    contribution_id: int
    session_id: int
    session_title: str
    session_date: dt.date
    text: str
    group_name: str
    how: str
    occurrence: int  # the how-manieth session of the theme this one is


@dataclass(frozen=True)
class ThemeAction:
    id: int
    title: str
    owner: str
    status: str

    @property
    def status_label(self) -> str:
        return action_status_label(self.status)


@dataclass(frozen=True)
class ThemeLine:
    id: int
    name: str
    perspective: str
    kind: str
    occurrences: tuple[Occurrence, ...]
    actions: tuple[ThemeAction, ...]

    @property
    def session_count(self) -> int:
        return len({o.session_id for o in self.occurrences})

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)

    @property
    def first(self) -> dt.date:
        return min(o.session_date for o in self.occurrences)

    @property
    def last(self) -> dt.date:
        return max(o.session_date for o in self.occurrences)


@dataclass(frozen=True)
class ThemesOverTime:
    lines: tuple[ThemeLine, ...]
    frame: pd.DataFrame = field(repr=False)  # thema, sessie, datum, aantal: one row per theme per session

    @property
    def recurring(self) -> list[ThemeLine]:
        """The themes that came back: in two sessions or more."""
        return [line for line in self.lines if line.session_count >= 2]


def signature(contribution_ids: Iterable[int]) -> str:
    """One short key for a group of contributions, whatever their order."""
    joined = ",".join(str(i) for i in sorted(set(contribution_ids)))
    return hashlib.sha256(joined.encode()).hexdigest()


# --- what the methods work on ------------------------------------------------------------------


@dataclass
class _Theme:
    id: int
    name: str
    perspective: str
    kind: str
    version: int
    series_id: int | None
    organisation_id: int | None
    origin: tuple[dt.date, dt.time, int] | None  # the session it was confirmed in, for "later"
    members: list[tuple[int, int, str]]  # (contribution id, session id, text)


@dataclass(frozen=True)
class _Item:
    id: int
    session_id: int
    perspective: str
    kind: str
    text: str
    group_name: str
    organisation_id: int | None


def _order_key(row: LearningSession) -> tuple[dt.date, dt.time, int]:
    return (row.date, row.start_time, row.id)


def _load_themes(session: Session, condition: object | None = None) -> list[_Theme]:
    origin = aliased(LearningSession)
    query = (
        select(Theme, origin.date, origin.start_time, origin.id)
        .outerjoin(origin, origin.id == Theme.session_id)
        .order_by(Theme.id)
        .limit(THEME_LIMIT)
    )
    if condition is not None:
        query = query.where(condition)  # type: ignore[arg-type]
    found = {
        theme.id: _Theme(
            theme.id,
            theme.name,
            theme.perspective,
            theme.kind,
            theme.version,
            theme.series_id,
            theme.organisation_id,
            (day, start, origin_id) if origin_id is not None else None,
            [],
        )
        for theme, day, start, origin_id in session.execute(query).all()
    }
    if found:
        for theme_id, contribution_id, session_id, text in session.execute(
            select(ThemeMember.theme_id, Contribution.id, Contribution.session_id, Contribution.text)
            .join(Contribution, Contribution.id == ThemeMember.contribution_id)
            .where(ThemeMember.theme_id.in_(list(found)))
            .order_by(ThemeMember.theme_id, Contribution.id)
        ).all():
            found[theme_id].members.append((contribution_id, session_id, text))
    return list(found.values())


def _items(session: Session, session_ids: Sequence[int], *, free_only: bool) -> list[_Item]:
    """The visible contributions of these sessions (only those in no theme yet, if `free_only`)."""
    if not session_ids:
        return []
    query = (
        select(
            Contribution.id,
            Contribution.session_id,
            Contribution.perspective,
            Contribution.kind,
            Contribution.text,
            func.coalesce(Group.name, ""),
            Case.organisation_id,
        )
        .outerjoin(Group, Group.id == Contribution.group_id)
        .outerjoin(Case, Case.id == Group.case_id)
        .where(Contribution.session_id.in_(list(session_ids)), Contribution.hidden.is_(False))
        .order_by(Contribution.session_id, Contribution.id)
    )
    if free_only:
        query = query.where(~Contribution.id.in_(select(ThemeMember.contribution_id)))
    return [_Item(*row) for row in session.execute(query).all()]


def _applies(theme: _Theme, meeting: LearningSession, item: _Item) -> bool:
    """Whether a contribution of `meeting` may be matched to `theme`: same perspective and kind, a
    later session, and the theme's series or the theme's organisation."""
    if theme.perspective != item.perspective or theme.kind != item.kind or not theme.members:
        return False
    if theme.origin is None or _order_key(meeting) <= theme.origin:
        return False
    in_series = theme.series_id is not None and theme.series_id == meeting.series_id
    in_organisation = theme.organisation_id is not None and theme.organisation_id == item.organisation_id
    return in_series or in_organisation


def _match_session(meeting: LearningSession, items: list[_Item], candidates: list[_Theme]) -> dict[int, _Theme]:
    """Contribution id → the theme it matches best, for the free contributions of one session."""
    found: dict[int, _Theme] = {}
    buckets: dict[tuple[str, str], list[_Item]] = {}
    for item in items:
        buckets.setdefault((item.perspective, item.kind), []).append(item)
    for bucket in buckets.values():
        fitting = [t for t in candidates if any(_applies(t, meeting, item) for item in bucket)]
        if not fitting:
            continue
        best = themes.match_themes([item.text for item in bucket], [[m[2] for m in t.members] for t in fitting])
        for item, index in zip(bucket, best, strict=True):
            if index is not None and _applies(fitting[index], meeting, item):
                found[item.id] = fitting[index]
    return found


def _occurrences(
    session: Session, meetings: Sequence[LearningSession], candidates: list[_Theme]
) -> dict[int, dict[int, list[tuple[_Item, str]]]]:
    """theme id → session id → [(contribution, how)] over `meetings`: the confirmed members and the
    matched contributions of later sessions."""
    ids = [m.id for m in meetings]
    by_id = {t.id: t for t in candidates}
    member_of = {m[0]: t.id for t in candidates for m in t.members}
    found: dict[int, dict[int, list[tuple[_Item, str]]]] = {}
    items = _items(session, ids, free_only=False)
    free: dict[int, list[_Item]] = {}
    taken = set(
        session.scalars(
            select(ThemeMember.contribution_id)
            .join(Contribution, Contribution.id == ThemeMember.contribution_id)
            .where(Contribution.session_id.in_(ids))
        )
    )
    for item in items:
        if item.id in member_of:
            found.setdefault(member_of[item.id], {}).setdefault(item.session_id, []).append((item, CONFIRMED))
        elif item.id not in taken:
            free.setdefault(item.session_id, []).append(item)
    for meeting in meetings:
        for contribution_id, theme in _match_session(meeting, free.get(meeting.id, []), candidates).items():
            item = next(i for i in free[meeting.id] if i.id == contribution_id)
            found.setdefault(theme.id, {}).setdefault(meeting.id, []).append((item, MATCHED))
    return {theme_id: sessions for theme_id, sessions in found.items() if theme_id in by_id}


def _scope_sessions(
    session: Session, themes_: list[_Theme], upto: LearningSession | None = None
) -> list[LearningSession]:
    """The sessions in which these themes may occur (their series, or with cases of their
    organisation), from their first session on; up to and including `upto`."""
    if not themes_:
        return []
    series_ids = {t.series_id for t in themes_ if t.series_id is not None}
    organisation_ids = {t.organisation_id for t in themes_ if t.organisation_id is not None}
    origins = [t.origin for t in themes_ if t.origin is not None]
    if not origins:
        return []
    member_sessions = {m[1] for t in themes_ for m in t.members}
    conditions = [LearningSession.id.in_(member_sessions)] if member_sessions else []
    if series_ids:
        conditions.append(LearningSession.series_id.in_(series_ids))
    if organisation_ids:
        groups = select(Group.session_id).join(Case, Case.id == Group.case_id)
        conditions.append(LearningSession.id.in_(groups.where(Case.organisation_id.in_(organisation_ids))))
    if not conditions:
        return []
    query = (
        select(LearningSession)
        .where(or_(*conditions), LearningSession.status != SessionStatus.CANCELLED)
        .where(LearningSession.date >= min(o[0] for o in origins))
        .order_by(LearningSession.date, LearningSession.start_time, LearningSession.id)
    )
    if upto is not None:
        query = query.where(LearningSession.date <= upto.date)
    rows = list(session.scalars(query))
    if upto is not None:
        rows = [r for r in rows if _order_key(r) <= _order_key(upto)]
    return rows[-SESSION_LIMIT:]


def _numbered(sessions_of_theme: dict[int, list[tuple[_Item, str]]], order: dict[int, int]) -> dict[int, int]:
    """session id → the how-manieth session of the theme it is (1, 2, 3 … in date order)."""
    ranked = sorted(sessions_of_theme, key=lambda s: order.get(s, 0))
    return {session_id: index + 1 for index, session_id in enumerate(ranked)}


# --- in the room --------------------------------------------------------------------------------


def _meeting(session: Session, learning_session_id: int) -> LearningSession:
    meeting = session.get(LearningSession, learning_session_id)
    if meeting is None:
        raise NotFound("Deze leersessie bestaat niet (meer).")
    return meeting


def _choices(session: Session, meeting: LearningSession) -> list[_Theme]:
    """The confirmed themes this session's contributions may join: of its series, or confirmed in it."""
    conditions = [Theme.session_id == meeting.id]
    if meeting.series_id is not None:
        conditions.append(Theme.series_id == meeting.series_id)
    return _load_themes(session, or_(*conditions))


def session_themes(*, session: Session, learning_session_id: int, actor: CurrentUser) -> list[ThemeChoice]:
    """The confirmed themes the aanjager can add this session's contributions to, by name."""
    policy.require(actor, "theme.confirm")
    meeting = _meeting(session, learning_session_id)
    found = [
        ThemeChoice(t.id, t.name, t.perspective, t.kind, t.version, len(t.members)) for t in _choices(session, meeting)
    ]
    return sorted(found, key=lambda c: (c.name.lower(), c.id))


def suggestions(
    *, session: Session, learning_session_id: int, actor: CurrentUser, perspective: str | None = None
) -> list[Suggestion]:
    """Groups of this session's visible contributions that say the same thing (per perspective and
    kind; of one perspective if given), leaving out contributions already in a theme or repeating one
    of an earlier session, and groups the aanjager rejected (a rejected group stays away while no new
    contribution joins it)."""
    policy.require(actor, "theme.confirm")
    meeting = _meeting(session, learning_session_id)
    items = [
        i for i in _items(session, [meeting.id], free_only=True) if perspective is None or i.perspective == perspective
    ]
    # A contribution that repeats a theme of an earlier session is offered for that theme (`marks`),
    # not for a new one.
    repeats = _match_session(meeting, items, _load_themes(session))
    items = [i for i in items if i.id not in repeats]
    by_id = {item.id: item for item in items}
    rejected = [
        set(ids)
        for ids in session.scalars(
            select(ThemeRejection.contribution_ids).where(ThemeRejection.session_id == meeting.id)
        )
    ]
    existing = _choices(session, meeting)
    found = []
    for group_perspective, kind, groups in themes.by_perspective_and_kind(
        (item.id, item.perspective, item.kind, item.text) for item in items
    ):
        fitting = [t for t in existing if t.perspective == group_perspective and t.kind == kind and t.members]
        for ids in groups:
            if any(set(ids) <= earlier for earlier in rejected):
                continue
            texts = [by_id[i].text for i in ids]
            ranked = _rank(texts, fitting)
            found.append(
                Suggestion(
                    group_perspective,
                    kind,
                    tuple(ThemeText(i, by_id[i].text, by_id[i].group_name) for i in ids),
                    themes.name_hint(texts)[:MAX_THEME_NAME],
                    tuple(ThemeChoice(t.id, t.name, t.perspective, t.kind, t.version, len(t.members)) for t in ranked),
                )
            )
    return found


def _rank(texts: list[str], fitting: list[_Theme]) -> list[_Theme]:
    """The fitting themes, the one most of `texts` match first (then by name)."""
    if not fitting:
        return []
    votes = themes.match_themes(texts, [[m[2] for m in t.members] for t in fitting])
    counts = {index: votes.count(index) for index in range(len(fitting))}
    return sorted(fitting, key=lambda t: (-counts[fitting.index(t)], t.name.lower(), t.id))


def _free_contributions(
    session: Session, meeting: LearningSession, contribution_ids: Sequence[int]
) -> list[Contribution]:
    """The contributions to put in a theme: of this session, visible, one perspective and kind, in no theme yet."""
    ids = sorted(set(contribution_ids))
    rows = list(session.scalars(select(Contribution).where(Contribution.id.in_(ids)).order_by(Contribution.id)))
    if len(rows) != len(ids) or any(r.session_id != meeting.id or r.hidden for r in rows):
        raise Conflict("Deze inbreng is intussen gewijzigd of verborgen. U ziet nu de actuele voorstellen.")
    if len({(r.perspective, r.kind) for r in rows}) > 1:
        raise DomainError("Een thema bevat inbreng van één perspectief en één soort.")
    taken = session.execute(
        select(Theme.name)
        .join(ThemeMember, ThemeMember.theme_id == Theme.id)
        .where(ThemeMember.contribution_id.in_(ids))
        .limit(1)
    ).scalar()
    if taken is not None:
        raise Conflict(f"Deze inbreng hoort intussen al bij het thema ‘{taken}’. U ziet nu de actuele voorstellen.")
    return rows


def _name(name: str) -> str:
    return clean_text(name, field="De naam van het thema", max_length=MAX_THEME_NAME)


def confirm_theme(
    *, session: Session, learning_session_id: int, contribution_ids: Sequence[int], name: str, actor: CurrentUser
) -> Theme:
    """Samenvoegen: a suggested group (at least two contributions) becomes a theme with a short name."""
    policy.require(actor, "theme.confirm")
    name = _name(name)
    if len(set(contribution_ids)) < 2:
        raise DomainError("Een thema bestaat uit minstens twee stukken inbreng.")
    meeting = _meeting(session, learning_session_id)
    rows = _free_contributions(session, meeting, contribution_ids)
    organisations = set(
        session.scalars(
            select(Case.organisation_id)
            .select_from(Contribution)
            .outerjoin(Group, Group.id == Contribution.group_id)
            .outerjoin(Case, Case.id == Group.case_id)
            .where(Contribution.id.in_([r.id for r in rows]))
        )
    )
    theme = Theme(
        name=name,
        perspective=rows[0].perspective,
        kind=rows[0].kind,
        session_id=meeting.id,
        series_id=meeting.series_id,
        organisation_id=next(iter(organisations)) if len(organisations) == 1 else None,
        created_by_id=actor.id,
    )
    session.add(theme)
    session.flush()
    session.add_all(ThemeMember(theme_id=theme.id, contribution_id=r.id, added_by_id=actor.id) for r in rows)
    audit.record(
        session=session,
        event="theme_confirmed",
        user_id=actor.id,
        entity="theme",
        entity_id=theme.id,
        contributions=[r.id for r in rows],
    )
    return theme


def add_to_theme(
    *,
    session: Session,
    learning_session_id: int,
    theme_id: int,
    contribution_ids: Sequence[int],
    expected_version: int,
    actor: CurrentUser,
) -> Theme:
    """Put contributions of this session into a theme confirmed before (it came back)."""
    policy.require(actor, "theme.confirm")
    if not contribution_ids:
        raise DomainError("Kies de inbreng die bij het thema hoort.")
    meeting = _meeting(session, learning_session_id)
    theme = session.get(Theme, theme_id)
    if theme is None:
        raise NotFound("Dit thema bestaat niet (meer).")
    versions.check(theme, expected_version, now=f"het heet nu ‘{theme.name}’")
    if theme.id not in {t.id for t in _choices(session, meeting)}:
        raise DomainError("Dit thema hoort niet bij de reeks van deze leersessie.")
    rows = _free_contributions(session, meeting, contribution_ids)
    if (rows[0].perspective, rows[0].kind) != (theme.perspective, theme.kind):
        raise DomainError(
            f"Het thema ‘{theme.name}’ gaat over {kind_label(theme.kind)} ({theme.perspective}); "
            "kies inbreng van hetzelfde perspectief en dezelfde soort."
        )
    session.add_all(ThemeMember(theme_id=theme.id, contribution_id=r.id, added_by_id=actor.id) for r in rows)
    theme.updated_at = utcnow()  # the version moves on: a screen that showed the old members is stale
    audit.record(
        session=session,
        event="theme_extended",
        user_id=actor.id,
        entity="theme",
        entity_id=theme.id,
        contributions=[r.id for r in rows],
    )
    return theme


def reject_suggestion(
    *, session: Session, learning_session_id: int, contribution_ids: Sequence[int], actor: CurrentUser
) -> None:
    """Afwijzen: this group is not suggested again in this session (asking twice changes nothing)."""
    policy.require(actor, "theme.confirm")
    meeting = _meeting(session, learning_session_id)
    ids = sorted(set(contribution_ids))
    if len(ids) < 2:
        raise DomainError("Een voorstel bestaat uit minstens twee stukken inbreng.")
    key = signature(ids)
    exists = session.scalar(
        select(ThemeRejection.id).where(ThemeRejection.session_id == meeting.id, ThemeRejection.signature == key)
    )
    if exists is None:
        session.add(ThemeRejection(session_id=meeting.id, contribution_ids=ids, signature=key, created_by_id=actor.id))


def rename_theme(*, session: Session, theme_id: int, name: str, expected_version: int, actor: CurrentUser) -> Theme:
    policy.require(actor, "theme.confirm")
    name = _name(name)
    theme = session.get(Theme, theme_id)
    if theme is None:
        raise NotFound("Dit thema bestaat niet (meer).")
    versions.check(theme, expected_version, now=f"het heet nu ‘{theme.name}’")
    if theme.name != name:
        audit.record(
            session=session, event="theme_renamed", user_id=actor.id, entity="theme", entity_id=theme.id, old=theme.name
        )
        theme.name = name
    return theme


# --- after the session: where the themes come back ---------------------------------------------------


def marks(*, session: Session, learning_session_id: int, actor: CurrentUser) -> dict[int, Mark]:
    """Contribution id → its theme and in how many sessions that theme occurred up to this one, for
    the contributions of this session that are in a theme or match one of an earlier session."""
    policy.require(actor, "insight.view")
    meeting = _meeting(session, learning_session_id)
    candidates = _load_themes(session)
    organisations = set(
        session.scalars(
            select(Case.organisation_id).join(Group, Group.case_id == Case.id).where(Group.session_id == meeting.id)
        )
    )
    relevant = [
        t
        for t in candidates
        if t.origin is not None
        and t.origin <= _order_key(meeting)
        and (
            (t.series_id is not None and t.series_id == meeting.series_id)
            or (t.organisation_id is not None and t.organisation_id in organisations)
            or any(m[1] == meeting.id for m in t.members)
        )
    ]
    meetings = _scope_sessions(session, relevant, upto=meeting)
    if meeting.id not in {m.id for m in meetings}:
        meetings.append(meeting)
    order = {m.id: index for index, m in enumerate(meetings)}
    by_id = {t.id: t for t in relevant}
    found: dict[int, Mark] = {}
    for theme_id, per_session in _occurrences(session, meetings, relevant).items():
        numbers = _numbered(per_session, order)
        for item, how in per_session.get(meeting.id, []):
            found[item.id] = Mark(
                theme_id, by_id[theme_id].name, numbers[meeting.id], how, item.text, by_id[theme_id].version
            )
    return found


def over_time(*, session: Session, filters: stats.Filters, actor: CurrentUser) -> ThemesOverTime:
    """The themes that occur in the sessions of `filters` (series, organisation, period), per session
    date, each with its contributions and the actions made of them; most sessions first."""
    policy.require(actor, "insight.view")
    candidates = _load_themes(session)
    meetings = _scope_sessions(session, candidates)
    if not meetings:
        return _empty()
    order = {m.id: index for index, m in enumerate(meetings)}
    meeting_by_id = {m.id: m for m in meetings}
    per_theme = _occurrences(session, meetings, candidates)
    allowed = set(
        session.scalars(
            select(Contribution.id).where(
                *stats.contribution_scope(filters), Contribution.session_id.in_(list(meeting_by_id))
            )
        )
    )
    lines = []
    for theme in candidates:
        per_session = per_theme.get(theme.id, {})
        numbers = _numbered(per_session, order)
        occurrences = tuple(
            Occurrence(
                item.id,
                session_id,
                meeting_by_id[session_id].title,
                meeting_by_id[session_id].date,
                item.text,
                item.group_name,
                how,
                numbers[session_id],
            )
            for session_id in sorted(per_session, key=lambda s: order[s])
            for item, how in per_session[session_id]
            if item.id in allowed
        )
        if occurrences:
            lines.append(ThemeLine(theme.id, theme.name, theme.perspective, theme.kind, occurrences, ()))
    lines = _with_actions(session, lines, filters)
    lines.sort(key=lambda line: (-line.session_count, line.name.lower(), line.id))
    rows = [(line.name, o.session_title, o.session_date) for line in lines for o in line.occurrences]
    frame = pd.DataFrame(rows, columns=["thema", "sessie", "datum"])
    if frame.empty:
        return _empty()
    frame = frame.groupby(["thema", "sessie", "datum"], sort=False).size().reset_index(name="aantal")
    return ThemesOverTime(tuple(lines), frame.sort_values(["datum", "thema"], kind="stable").reset_index(drop=True))


def _empty() -> ThemesOverTime:
    return ThemesOverTime((), pd.DataFrame(columns=["thema", "sessie", "datum", "aantal"]))


def _with_actions(session: Session, lines: list[ThemeLine], filters: stats.Filters) -> list[ThemeLine]:
    """Each theme with the actions whose source contribution is one of its occurrences."""
    theme_of = {o.contribution_id: line.id for line in lines for o in line.occurrences}
    if not theme_of:
        return lines
    owner = aliased(User)
    found: dict[int, list[ThemeAction]] = {}
    for action_id, contribution_id, title, owner_label, status in session.execute(
        select(Action.id, Action.contribution_id, Action.title, owner_label_sql(owner), Action.status)
        .select_from(Action)
        .outerjoin(owner, owner.id == Action.owner_user_id)
        .where(Action.contribution_id.in_(list(theme_of)), *stats.action_scope(filters))
        .order_by(Action.id)
    ).all():
        if contribution_id is not None:
            found.setdefault(theme_of[contribution_id], []).append(ThemeAction(action_id, title, owner_label, status))
    return [
        ThemeLine(line.id, line.name, line.perspective, line.kind, line.occurrences, tuple(found.get(line.id, [])))
        for line in lines
    ]
