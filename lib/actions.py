"""Follow-up actions (vervolgacties): creation from a solution, status changes with history, terugblik.

Every change is an ActionUpdate (who, when, from which status to which, note, in which session) and
bumps `version`, so two people editing the same action cannot silently overwrite each other.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from lib import audit
from lib.auth import CurrentUser
from lib.errors import Conflict, DomainError, NotAllowed, NotFound
from lib.models import (
    ACTION_STATUS_LABELS,
    FINISHED_ACTION_STATUSES,
    Action,
    ActionStatus,
    ActionUpdate,
    Contribution,
    LearningSession,
    Organisation,
    Role,
    SessionStatus,
    User,
    utcnow,
)
from lib.validation import clean_text

REASON_REQUIRED = (ActionStatus.FAILED, ActionStatus.DROPPED)

# Which status may follow which; reopening a finished action needs a note.
TRANSITIONS: dict[ActionStatus, set[ActionStatus]] = {
    ActionStatus.OPEN: {ActionStatus.IN_PROGRESS, ActionStatus.DONE, ActionStatus.FAILED, ActionStatus.DROPPED},
    ActionStatus.IN_PROGRESS: {ActionStatus.OPEN, ActionStatus.DONE, ActionStatus.FAILED, ActionStatus.DROPPED},
    ActionStatus.DONE: {ActionStatus.OPEN, ActionStatus.IN_PROGRESS},
    ActionStatus.FAILED: {ActionStatus.OPEN, ActionStatus.IN_PROGRESS},
    ActionStatus.DROPPED: {ActionStatus.OPEN, ActionStatus.IN_PROGRESS},
}


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


def may_change(actor: CurrentUser, action: Action) -> bool:
    """Its owner, managers of its organisation, the aanjager and the beheerder may change an action."""
    if actor.role in (Role.AANJAGER, Role.BEHEERDER):
        return True
    if action.owner_user_id == actor.id:
        return True
    return actor.role == Role.MANAGER and action.organisation_id is not None and (
        action.organisation_id == actor.organisation_id
    )


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


def create_action(*, session: Session, data: NewAction, actor: CurrentUser) -> Action:
    """Turn agreed work into an action with a trekker (a user, or a named person)."""
    if actor.role not in (Role.AANJAGER, Role.BEHEERDER, Role.MANAGER):
        raise NotAllowed("Alleen een aanjager, manager of beheerder kan vervolgacties aanmaken.")
    title = clean_text(data.title, field="Titel van de actie", max_length=300)
    owner_name = clean_text(data.owner_name, field="Naam van de trekker", max_length=120, required=False) or None
    work_group = clean_text(data.work_group, field="Werkgroep", max_length=120, required=False)
    description = clean_text(data.description, field="Toelichting", max_length=5000, required=False)
    if data.owner_user_id is None and owner_name is None:
        raise DomainError("Kies een trekker: een gebruiker of een naam.")
    if data.owner_user_id is not None and session.get(User, data.owner_user_id) is None:
        raise DomainError("De gekozen trekker bestaat niet.")
    if data.organisation_id is not None and session.get(Organisation, data.organisation_id) is None:
        raise DomainError("De gekozen organisatie bestaat niet.")
    if data.due_date is not None and data.due_date < dt.date.today() - dt.timedelta(days=1):
        raise DomainError("De streefdatum ligt vóór vandaag: kies een latere datum.")
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
        ActionUpdate(to_status=ActionStatus.OPEN, user_id=actor.id, session_id=data.session_id,
                     note="Vervolgactie aangemaakt.")
    )
    session.add(action)
    session.flush()
    audit.record(session=session, event="action_created", user_id=actor.id, entity="action", entity_id=action.id)
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
) -> Action:
    """Move an action to another status, with the history entry; refuses stale edits (version)."""
    action = session.scalar(select(Action).where(Action.id == action_id).with_for_update())
    if action is None:
        raise NotFound("Deze vervolgactie bestaat niet (meer).")
    if not may_change(actor, action):
        raise NotAllowed("U mag deze vervolgactie niet wijzigen.")
    if action.version != expected_version:
        raise Conflict(
            "Iemand anders heeft deze actie intussen gewijzigd: de status is nu "
            f"'{ACTION_STATUS_LABELS[ActionStatus(action.status)]}'. Bekijk de actuele stand en probeer opnieuw."
        )
    try:
        target = ActionStatus(to_status)
    except ValueError:
        raise DomainError("Onbekende status.") from None
    current = ActionStatus(action.status)
    note = clean_text(note, field="Toelichting", max_length=2000, required=False)
    if target == current:
        if not note:
            raise DomainError("De status is niet veranderd: voeg een toelichting toe of kies een andere status.")
    elif target not in TRANSITIONS[current]:
        raise DomainError(
            f"Van '{ACTION_STATUS_LABELS[current]}' naar '{ACTION_STATUS_LABELS[target]}' kan niet."
        )
    if target in REASON_REQUIRED and not note:
        raise DomainError("Waarom niet? Geef een reden op.")
    if current in FINISHED_ACTION_STATUSES and target not in FINISHED_ACTION_STATUSES and not note:
        raise DomainError("Geef bij het heropenen een toelichting.")
    action.updates.append(
        ActionUpdate(from_status=current, to_status=target, note=note, user_id=actor.id, session_id=in_session_id)
    )
    action.status = target
    if target in REASON_REQUIRED:
        action.reason = note
    action.finished_at = utcnow() if target in FINISHED_ACTION_STATUSES else None
    action.version += 1
    audit.record(session=session, event="action_status", user_id=actor.id, entity="action", entity_id=action.id,
                 from_status=str(current), to_status=str(target))
    return action


def actions_for_review(*, session: Session, learning_session_id: int) -> list[Action]:
    """The terugblik of a session: actions of earlier sessions of its series that are still open,
    or that are due by this session."""
    meeting = session.get(LearningSession, learning_session_id)
    if meeting is None:
        raise NotFound("Deze leersessie bestaat niet.")
    earlier = select(LearningSession.id).where(LearningSession.date < meeting.date)
    if meeting.series_id is not None:
        earlier = earlier.where(LearningSession.series_id == meeting.series_id)
    else:
        earlier = earlier.where(LearningSession.id == -1)
    query = (
        select(Action)
        .options(selectinload(Action.updates), selectinload(Action.owner), selectinload(Action.contribution))
        .where(
            Action.session_id.in_(earlier),
            or_(
                Action.status.notin_(FINISHED_ACTION_STATUSES),
                Action.updates.any(ActionUpdate.session_id == meeting.id),
            ),
        )
        .order_by(Action.due_date.is_(None), Action.due_date, Action.id)
    )
    return list(session.scalars(query))
