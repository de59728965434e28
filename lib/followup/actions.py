"""Follow-up actions (vervolgacties): creation, the status lifecycle with history, lists.

Every change is an ActionUpdate (who, when, from which status to which, note, in which session) and
moves its version on (lib/core/versions.py), so two people editing the same action cannot silently overwrite each other.
Lists are read as plain rows with counting and filtering in SQL, so they stay fast and pageable.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from lib.accounts import CurrentUser
from lib.cases import privacy
from lib.core import audit, policy, versions, visibility
from lib.core.dates import TZ, local_today
from lib.core.errors import DomainError, NotAllowed, NotFound
from lib.core.validation import clean_text
from lib.models import (
    ACTION_STATUS_LABELS,
    FINISHED_ACTION_STATUSES,
    UNFINISHED_ACTION_STATUSES,
    Action,
    ActionEffect,
    ActionStatus,
    ActionUpdate,
    Case,
    Contribution,
    Group,
    LearningSession,
    Organisation,
    Series,
    SessionStatus,
    User,
    action_status_label,
    owner_label_sql,
    utcnow,
)

REASON_REQUIRED = (ActionStatus.FAILED, ActionStatus.DROPPED)
DEFAULT_PAGE_SIZE = 25
# The order in which statuses are counted in summaries and charts.
STATUS_ORDER = (
    ActionStatus.DONE,
    ActionStatus.IN_PROGRESS,
    ActionStatus.OPEN,
    ActionStatus.FAILED,
    ActionStatus.DROPPED,
)

# Which status may follow which; reopening a finished action needs a note.
TRANSITIONS: dict[ActionStatus, set[ActionStatus]] = {
    ActionStatus.OPEN: {ActionStatus.IN_PROGRESS, ActionStatus.DONE, ActionStatus.FAILED, ActionStatus.DROPPED},
    ActionStatus.IN_PROGRESS: {ActionStatus.OPEN, ActionStatus.DONE, ActionStatus.FAILED, ActionStatus.DROPPED},
    ActionStatus.DONE: {ActionStatus.OPEN, ActionStatus.IN_PROGRESS},
    ActionStatus.FAILED: {ActionStatus.OPEN, ActionStatus.IN_PROGRESS},
    ActionStatus.DROPPED: {ActionStatus.OPEN, ActionStatus.IN_PROGRESS},
}


status_label = action_status_label  # the name pages and reports use


@dataclass(frozen=True)
class NewAction:
    title: str
    due_date: dt.date | None
    owner_user_id: int | None = None
    owner_name: str | None = None
    organisation_id: int | None = None
    work_group: str = ""
    description: str = ""
    session_id: int | None = None
    contribution_id: int | None = None
    privacy_confirmed: bool = False  # the user confirmed that the texts hold no citizen's personal data


# --- who may do what ----------------------------------------------------------------------------


def may_change(actor: CurrentUser, action: Action) -> bool:
    """Its owner, managers of its organisation, the aanjager and the beheerder may change an action."""
    if policy.allows(actor.role, "action.change_all"):
        return True
    if action.owner_user_id == actor.id and policy.allows(actor.role, "action.update_own"):
        return True
    return (
        policy.allows(actor.role, "action.change_organisation")
        and action.organisation_id is not None
        and (action.organisation_id == actor.organisation_id)
    )


def may_view(actor: CurrentUser, action: Action) -> bool:
    """The one visibility rule (lib/core/visibility.py): all, the own organisation's, or the own ones."""
    return visibility.may_see_action(actor, action)


def may_list_all(actor: CurrentUser) -> bool:
    return policy.allows(actor.role, "action.list_all")


# --- due and late -------------------------------------------------------------------------------


def is_late(due_date: dt.date | None, status: str, today: dt.date) -> bool:
    """Te laat: past its due date and not finished."""
    return due_date is not None and due_date < today and status not in FINISHED_ACTION_STATUSES


def _late_clause(today: dt.date, *, in_due_order: bool = False) -> ColumnElement[bool]:
    """Past due and not finished. Counted as status IN (unfinished), which the index on (status, due
    date) answers alone; `in_due_order` says NOT IN (finished) instead, which no status index serves,
    so a list in due-date order walks the due-date index and stops after one page."""
    if in_due_order:
        return and_(Action.due_date < today, Action.status.notin_(FINISHED_ACTION_STATUSES))
    return and_(Action.due_date < today, Action.status.in_(UNFINISHED_ACTION_STATUSES))


def due_text(due_date: dt.date | None, status: str, today: dt.date) -> str:
    """'te laat (3 dagen)', 'vandaag', 'over 5 dagen', or '' for finished actions and no date."""
    if due_date is None or status in FINISHED_ACTION_STATUSES:
        return ""
    days = (due_date - today).days
    if days < 0:
        return f"te laat ({-days} dag{'en' if days != -1 else ''})"
    if days == 0:
        return "vandaag"
    return f"over {days} dag{'en' if days != 1 else ''}"


def default_due_date(*, session: Session, learning_session_id: int) -> dt.date | None:
    """The date of the next (not cancelled) session of the same series, if there is one."""
    meeting = session.get(LearningSession, learning_session_id)
    if meeting is None or meeting.series_id is None:
        return None
    return session.scalar(
        select(LearningSession.date)
        .where(
            LearningSession.series_id == meeting.series_id,
            LearningSession.date > meeting.date,
            LearningSession.status != SessionStatus.CANCELLED,
        )
        .order_by(LearningSession.date)
        .limit(1)
    )


# --- writing ------------------------------------------------------------------------------------


def _check_owner(session: Session, owner_user_id: int | None) -> None:
    if owner_user_id is None:
        return
    owner = session.get(User, owner_user_id)
    if owner is None or not owner.active:
        raise DomainError("De gekozen trekker bestaat niet (of is uitgeschakeld). Kies een andere trekker.")


def create_action(*, session: Session, data: NewAction, actor: CurrentUser) -> Action:
    """Turn agreed work into an action with a trekker (a user, or a named person)."""
    policy.require(actor, "action.create")
    title = clean_text(data.title, field="Titel van de actie", max_length=300)
    owner_name = clean_text(data.owner_name, field="Naam van de trekker", max_length=120, required=False) or None
    work_group = clean_text(data.work_group, field="Werkgroep", max_length=120, required=False)
    description = clean_text(data.description, field="Toelichting", max_length=5000, required=False)
    privacy.check({"De titel": title, "De toelichting": description}, confirmed=data.privacy_confirmed)
    if data.owner_user_id is None and owner_name is None:
        raise DomainError("Kies een trekker: een gebruiker of een naam.")
    _check_owner(session, data.owner_user_id)
    if data.organisation_id is not None and session.get(Organisation, data.organisation_id) is None:
        raise DomainError("De gekozen organisatie bestaat niet.")
    if data.due_date is not None and data.due_date < local_today():
        raise DomainError(
            "De streefdatum ligt vóór vandaag, de dag waarop de actie wordt aangemaakt: kies een latere datum."
        )
    if data.session_id is not None and session.get(LearningSession, data.session_id) is None:
        raise DomainError("De leersessie van deze actie bestaat niet.")
    if data.contribution_id is not None:
        contribution = session.get(Contribution, data.contribution_id)
        if contribution is None:
            raise DomainError("De oplossing waaruit deze actie komt bestaat niet meer.")
        if data.session_id is not None and contribution.session_id != data.session_id:
            raise DomainError("Deze oplossing hoort bij een andere leersessie.")
    action = Action(
        title=title,
        description=description,
        owner_user_id=data.owner_user_id,
        owner_name=None if data.owner_user_id is not None else owner_name,
        organisation_id=data.organisation_id,
        work_group=work_group,
        due_date=data.due_date,
        session_id=data.session_id,
        contribution_id=data.contribution_id,
        created_by_id=actor.id,
        status=ActionStatus.OPEN,
    )
    action.updates.append(
        ActionUpdate(
            to_status=ActionStatus.OPEN, user_id=actor.id, session_id=data.session_id, note="Vervolgactie aangemaakt."
        )
    )
    session.add(action)
    session.flush()
    audit.record(session=session, event="action_created", user_id=actor.id, entity="action", entity_id=action.id)
    return action


def _locked_for_change(session: Session, action_id: int, actor: CurrentUser, expected_version: int) -> Action:
    """The action, row-locked, after the permission and version checks every change shares."""
    action = session.scalar(select(Action).where(Action.id == action_id).with_for_update())
    if action is None:
        raise NotFound("Deze vervolgactie bestaat niet (meer).")
    if not may_change(actor, action):
        raise NotAllowed("U mag deze vervolgactie niet wijzigen.")
    versions.check(action, expected_version, now=f"de status is nu '{status_label(action.status)}'")
    return action


def change_status(
    *,
    session: Session,
    action_id: int,
    to_status: ActionStatus | str,
    note: str,
    actor: CurrentUser,
    expected_version: int,
    in_session_id: int | None = None,
    privacy_confirmed: bool = False,
) -> Action:
    """Move an action to another status, with the history entry; refuses stale edits (version).

    Keeping the same status with a note records that the action was discussed (e.g. in a terugblik).
    """
    action = _locked_for_change(session, action_id, actor, expected_version)
    try:
        target = ActionStatus(to_status)
    except ValueError:
        raise DomainError("Onbekende status.") from None
    current = ActionStatus(action.status)
    note = clean_text(note, field="Toelichting", max_length=2000, required=False)
    privacy.check({"De toelichting": note}, confirmed=privacy_confirmed)
    if target == current:
        if not note:
            raise DomainError("De status is niet veranderd: voeg een toelichting toe of kies een andere status.")
    elif target not in TRANSITIONS[current]:
        raise DomainError(f"Van '{ACTION_STATUS_LABELS[current]}' naar '{ACTION_STATUS_LABELS[target]}' kan niet.")
    if target in REASON_REQUIRED and not note:
        raise DomainError("Waarom niet? Geef een reden op.")
    if current in FINISHED_ACTION_STATUSES and target not in FINISHED_ACTION_STATUSES and not note:
        raise DomainError("Geef bij het heropenen een toelichting.")
    if in_session_id is not None and session.get(LearningSession, in_session_id) is None:
        raise DomainError("De leersessie van deze wijziging bestaat niet.")
    action.updates.append(
        ActionUpdate(from_status=current, to_status=target, note=note, user_id=actor.id, session_id=in_session_id)
    )
    action.updated_at = utcnow()  # a new version, also when only a note was added
    if target != current:
        action.status = target
        if target in REASON_REQUIRED:
            action.reason = note
        elif target not in FINISHED_ACTION_STATUSES:
            action.reason = ""
        action.finished_at = utcnow() if target in FINISHED_ACTION_STATUSES else None
    audit.record(
        session=session,
        event="action_status",
        user_id=actor.id,
        entity="action",
        entity_id=action.id,
        from_status=str(current),
        to_status=str(target),
    )
    return action


@dataclass(frozen=True)
class ActionEdit:
    title: str
    due_date: dt.date | None
    owner_user_id: int | None = None
    owner_name: str | None = None
    privacy_confirmed: bool = False


def edit_action(
    *, session: Session, action_id: int, data: ActionEdit, actor: CurrentUser, expected_version: int
) -> Action:
    """Change title, trekker or due date; the change is a line in the history, and the version check applies."""
    action = _locked_for_change(session, action_id, actor, expected_version)
    title = clean_text(data.title, field="Titel van de actie", max_length=300)
    privacy.check({"De titel": title}, confirmed=data.privacy_confirmed)
    owner_name = clean_text(data.owner_name, field="Naam van de trekker", max_length=120, required=False) or None
    if data.owner_user_id is None and owner_name is None:
        raise DomainError("Kies een trekker: een gebruiker of een naam.")
    _check_owner(session, data.owner_user_id)
    if data.owner_user_id is not None:
        owner_name = None
    created = action.created_at.astimezone(TZ).date()
    if data.due_date is not None and data.due_date < created:
        raise DomainError("De streefdatum ligt vóór de datum waarop de actie is aangemaakt: kies een latere datum.")
    changed = []
    if title != action.title:
        changed.append("titel")
    if (data.owner_user_id, owner_name) != (action.owner_user_id, action.owner_name):
        changed.append("trekker")
    if data.due_date != action.due_date:
        changed.append("streefdatum")
    if not changed:
        raise DomainError("Er is niets gewijzigd.")
    action.title, action.owner_user_id, action.owner_name, action.due_date = (
        title,
        data.owner_user_id,
        owner_name,
        data.due_date,
    )
    action.updates.append(
        ActionUpdate(
            from_status=action.status,
            to_status=action.status,
            user_id=actor.id,
            note=f"Gewijzigd: {', '.join(changed)}.",
        )
    )
    audit.record(
        session=session, event="action_edited", user_id=actor.id, entity="action", entity_id=action.id, fields=changed
    )
    return action


# --- reading: lists, details, history -----------------------------------------------------------


@dataclass(frozen=True)
class ActionFilter:
    """What the opvolging lists filter on; `mine` limits to the actor's own actions."""

    mine: bool = False
    series_id: int | None = None
    session_id: int | None = None
    organisation_id: int | None = None
    statuses: tuple[str, ...] = ()
    late_only: bool = False


@dataclass(frozen=True)
class ActionRow:
    id: int
    title: str
    status: str
    owner: str
    owner_user_id: int | None
    organisation_id: int | None
    organisation: str
    due_date: dt.date | None
    late: bool
    reason: str
    version: int
    session_id: int | None
    session_title: str
    session_date: dt.date | None

    @property
    def status_label(self) -> str:
        return status_label(self.status)


@dataclass(frozen=True)
class ActionPage:
    rows: list[ActionRow]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.page_size))


def default_filter(actor: CurrentUser, *, mine: bool) -> ActionFilter:
    """Managers look at their own organisation by default."""
    if not mine and may_list_all(actor) and not policy.allows(actor.role, "insight.all_organisations"):
        return ActionFilter(organisation_id=actor.organisation_id)
    return ActionFilter(mine=mine)


def _row_query(today: dt.date) -> Select[*tuple[Any, ...]]:
    owner = aliased(User)
    return (
        select(
            Action.id,
            Action.title,
            Action.status,
            owner_label_sql(owner),
            Action.owner_user_id,
            Action.organisation_id,
            func.coalesce(Organisation.name, ""),
            Action.due_date,
            _late_clause(today),
            Action.reason,
            Action.version,
            Action.session_id,
            func.coalesce(LearningSession.title, ""),
            LearningSession.date,
        )
        .outerjoin(owner, owner.id == Action.owner_user_id)
        .outerjoin(Organisation, Organisation.id == Action.organisation_id)
        .outerjoin(LearningSession, LearningSession.id == Action.session_id)
    )


def _to_row(values: Row[*tuple[Any, ...]]) -> ActionRow:
    fields = list(values)
    fields[8] = bool(fields[8])  # `late`
    return ActionRow(*fields)


def _filter_conditions(filters: ActionFilter, actor: CurrentUser, today: dt.date) -> list[ColumnElement[bool]]:
    """The list filters, on the action's own columns only (so a count needs no join)."""
    conditions: list[ColumnElement[bool]] = [visibility.action_clause(actor)]
    if filters.mine:
        conditions.append(Action.owner_user_id == actor.id)
    if filters.series_id is not None:
        in_series = select(LearningSession.id).where(LearningSession.series_id == filters.series_id)
        conditions.append(Action.session_id.in_(in_series))
    if filters.session_id is not None:
        conditions.append(Action.session_id == filters.session_id)
    if filters.organisation_id is not None:
        conditions.append(Action.organisation_id == filters.organisation_id)
    if filters.statuses:
        conditions.append(Action.status.in_(filters.statuses))
    if filters.late_only:
        conditions.append(_late_clause(today))
    return conditions


def list_actions(
    *,
    session: Session,
    actor: CurrentUser,
    filters: ActionFilter,
    today: dt.date | None = None,
    page: int = 1,
    page_size: int = DEFAULT_PAGE_SIZE,
) -> ActionPage:
    """One page of actions for "Mijn acties" (filters.mine) or "Alle acties", late ones first.

    Late and not-late actions are read as two lists, each in due-date order, so the database walks the
    due-date index and stops after one page instead of sorting every action (100,000 at size L).
    """
    if not filters.mine and not may_list_all(actor):
        raise NotAllowed("U kunt alleen uw eigen vervolgacties bekijken.")
    today = today or local_today()
    conditions = _filter_conditions(filters, actor, today)
    late = _late_clause(today)
    not_late = or_(Action.due_date.is_(None), Action.due_date >= today, Action.status.in_(FINISHED_ACTION_STATUSES))

    def count(*extra: ColumnElement[bool]) -> int:
        return session.scalar(select(func.count(Action.id)).where(*conditions, *extra)) or 0

    # late and not_late split every row in two, so the whole count needs no OR over all actions.
    late_total = count(late)
    total = late_total if filters.late_only else count()
    page = max(1, min(page, max(1, math.ceil(total / page_size))))
    offset = (page - 1) * page_size
    query = _row_query(today).where(*conditions)
    rows: list[Row[Any]] = []
    if offset < late_total:
        in_due_order = _late_clause(today, in_due_order=True)
        rows += session.execute(
            query.where(in_due_order).order_by(Action.due_date, Action.id).limit(page_size).offset(offset)
        ).all()
    if len(rows) < page_size and not filters.late_only:
        rows += session.execute(
            query.where(not_late)
            .order_by(Action.due_date.is_(None), Action.due_date, Action.id)
            .limit(page_size - len(rows))
            .offset(max(0, offset - late_total))
        ).all()
    return ActionPage([_to_row(r) for r in rows], total, page, page_size)


@dataclass(frozen=True)
class HistoryEntry:
    at: dt.datetime
    who: str
    from_status: str | None
    to_status: str
    note: str
    session_title: str

    @property
    def change(self) -> str:
        if self.from_status is None:
            return f"aangemaakt ({status_label(self.to_status)})"
        if self.from_status == self.to_status:
            return f"{status_label(self.to_status)} (ongewijzigd)"
        return f"{status_label(self.from_status)} → {status_label(self.to_status)}"


def history(*, session: Session, action_id: int, actor: CurrentUser) -> list[HistoryEntry]:
    """Every step of an action, oldest first: who, when, which change, the note and the session."""
    action = session.get(Action, action_id)
    if action is None:
        raise NotFound("Deze vervolgactie bestaat niet (meer).")
    if not may_view(actor, action):
        raise NotAllowed("U mag alleen uw eigen vervolgacties bekijken.")
    rows = session.execute(
        select(
            ActionUpdate.created_at,
            func.coalesce(User.display_name, ""),
            ActionUpdate.from_status,
            ActionUpdate.to_status,
            ActionUpdate.note,
            func.coalesce(LearningSession.title, ""),
        )
        .outerjoin(User, User.id == ActionUpdate.user_id)
        .outerjoin(LearningSession, LearningSession.id == ActionUpdate.session_id)
        .where(ActionUpdate.action_id == action_id)
        .order_by(ActionUpdate.created_at, ActionUpdate.id)
    ).all()
    return [HistoryEntry(*row) for row in rows]


@dataclass(frozen=True)
class Origin:
    """Where an action came from: the case, the round and the solution text."""

    case_title: str
    round_name: str
    perspective: str
    solution: str


def origins(*, session: Session, actions: list[Action]) -> dict[int, Origin]:
    """Where each of these actions came from (those made from a solution), in two queries for all."""
    made = [(a.id, a.contribution) for a in actions if a.contribution is not None]
    if not made:
        return {}
    group_ids = {c.group_id for _, c in made if c.group_id is not None}
    case_titles = dict(
        session.execute(
            select(Group.id, Case.title).join(Case, Case.id == Group.case_id).where(Group.id.in_(group_ids))
        ).all()
    )
    rounds_of: dict[int, list[dict[str, Any]]] = dict(
        session.execute(
            select(LearningSession.id, LearningSession.rounds).where(
                LearningSession.id.in_({c.session_id for _, c in made})
            )
        ).all()
    )
    found = {}
    for action_id, contribution in made:
        rounds = rounds_of.get(contribution.session_id or 0, [])  # 0: no such session (ids start at 1)
        index = contribution.round_index
        round_name = rounds[index]["name"] if 0 <= index < len(rounds) else ""
        found[action_id] = Origin(
            case_titles.get(contribution.group_id or 0, ""), round_name, contribution.perspective, contribution.text
        )
    return found


def owner_choices(*, session: Session) -> list[tuple[int, str]]:
    """Active users who can be trekker, as (id, name) sorted by name."""
    return list(
        session.execute(
            select(User.id, User.display_name).where(User.active.is_(True)).order_by(User.display_name)
        ).all()
    )


# --- choices for the pages ----------------------------------------------------------------------


@dataclass(frozen=True)
class FilterChoices:
    series: list[tuple[int, str]]
    sessions: list[tuple[int, str, dt.date, int | None]]  # id, title, date, series id
    organisations: list[tuple[int, str]]


RECENT_SESSIONS = 100


def session_choices(
    *, session: Session, series_id: int | None = None, limit: int = RECENT_SESSIONS
) -> list[tuple[int, str, dt.date, int | None]]:
    """Sessions to filter on, newest first: those of one series, or the latest `limit` of all."""
    query = select(LearningSession.id, LearningSession.title, LearningSession.date, LearningSession.series_id).where(
        LearningSession.status != SessionStatus.CANCELLED
    )
    if series_id is not None:
        query = query.where(LearningSession.series_id == series_id)
    rows = session.execute(query.order_by(LearningSession.date.desc()).limit(limit))
    return [(row.id, row.title, row.date, row.series_id) for row in rows]


def filter_choices(*, session: Session) -> FilterChoices:
    return FilterChoices(
        series=list(session.execute(select(Series.id, Series.name).order_by(Series.name)).all()),
        sessions=session_choices(session=session),
        organisations=list(
            session.execute(select(Organisation.id, Organisation.name).order_by(Organisation.name)).all()
        ),
    )


# --- effect: what changed for residents or professionals once an action was realised ------------

EFFECT_MAX_LENGTH = 500


def may_record_effect(actor: CurrentUser, action: Action) -> bool:
    """The trekker of the action, or the aanjager and the beheerder (the policy table's part)."""
    if policy.allows(actor.role, "action.record_effect"):
        return True
    return action.owner_user_id == actor.id and policy.allows(actor.role, "action.update_own")


def record_effect(
    *, session: Session, action_id: int, text: str, actor: CurrentUser, expected_version: int
) -> ActionEffect:
    """Record (or change) the effect of a realised action: a short text, a line in the history, and the
    action's version moves on, so two people writing it at once cannot overwrite each other."""
    action = session.scalar(select(Action).where(Action.id == action_id).with_for_update())
    if action is None:
        raise NotFound("Deze vervolgactie bestaat niet (meer).")
    if not may_record_effect(actor, action):
        raise NotAllowed("Alleen de trekker of de aanjager kan het effect van deze vervolgactie vastleggen.")
    versions.check(action, expected_version, now=f"de status is nu '{status_label(action.status)}'")
    if action.status != ActionStatus.DONE:
        raise DomainError(
            f"Het effect legt u vast als de actie gerealiseerd is; deze actie is nu '{status_label(action.status)}'."
        )
    text = clean_text(text, field="Effect", max_length=EFFECT_MAX_LENGTH)
    effect = session.get(ActionEffect, action.id)
    if effect is not None and effect.text == text:
        raise DomainError("Er is niets gewijzigd.")
    note = "Effect vastgelegd." if effect is None else "Effect gewijzigd."
    if effect is None:
        effect = ActionEffect(action_id=action.id, text=text, recorded_by_id=actor.id)
        session.add(effect)
    else:
        effect.text, effect.recorded_by_id, effect.recorded_at = text, actor.id, utcnow()
    action.updates.append(ActionUpdate(from_status=action.status, to_status=action.status, user_id=actor.id, note=note))
    action.updated_at = utcnow()  # a new version of the action
    session.flush()
    audit.record(session=session, event="action_effect", user_id=actor.id, entity="action", entity_id=action.id)
    return effect


def effects_of(*, session: Session, action_ids: list[int]) -> dict[int, str]:
    """The recorded effect of each of these actions that has one."""
    found: dict[int, str] = {}
    for start in range(0, len(action_ids), 500):
        rows = session.execute(
            select(ActionEffect.action_id, ActionEffect.text).where(
                ActionEffect.action_id.in_(action_ids[start : start + 500])
            )
        ).all()
        found.update((action_id, text) for action_id, text in rows)
    return found


@dataclass(frozen=True)
class EffectRow:
    """A realised action and what it changed, for the oogst and the terugkoppeling."""

    id: int
    title: str
    owner: str
    organisation: str
    session_title: str
    session_date: dt.date | None
    effect: str


def effect_rows(*, session: Session, conditions: list[ColumnElement[bool]]) -> list[EffectRow]:
    """The actions matching `conditions` (on Action's columns) that have a recorded effect, oldest first."""
    owner = aliased(User)
    rows = session.execute(
        select(
            Action.id,
            Action.title,
            owner_label_sql(owner),
            func.coalesce(Organisation.name, ""),
            func.coalesce(LearningSession.title, ""),
            LearningSession.date,
            ActionEffect.text,
        )
        .select_from(Action)
        .join(ActionEffect, ActionEffect.action_id == Action.id)
        .outerjoin(owner, owner.id == Action.owner_user_id)
        .outerjoin(Organisation, Organisation.id == Action.organisation_id)
        .outerjoin(LearningSession, LearningSession.id == Action.session_id)
        .where(*conditions)
        .order_by(LearningSession.date, Action.id)
    ).all()
    return [EffectRow(*row) for row in rows]
