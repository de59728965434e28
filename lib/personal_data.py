"""A person's rights under the AVG: inzage (everything the app holds about you, as JSON) and erasure.

Erasing a user removes their name, username, e-mail address, password and logins, and keeps their work
(cases, contributions, actions, attendance) attributed to "verwijderde gebruiker", so counts and the
history of actions stay right. The audit log keeps the user's id only (it is append-only).
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from lib.accounts import CurrentUser
from lib.core import audit, policy
from lib.core.errors import DomainError, NotFound
from lib.models import (
    Action,
    ActionUpdate,
    Attendance,
    AuditLog,
    AuthToken,
    Case,
    Contribution,
    Enrolment,
    LearningSession,
    LoginAttempt,
    Organisation,
    Series,
    User,
    utcnow,
)

ERASED_NAME = "verwijderde gebruiker"


def _require_inzage(actor: CurrentUser, user_id: int) -> None:
    """Your own data (inzage), or anyone's for who may see all."""
    policy.require(actor, "user.inzage_own" if actor.id == user_id else "user.inzage_all")


def _when(value: dt.datetime | dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _account(session: Session, user: User) -> dict[str, Any]:
    organisation = session.get(Organisation, user.organisation_id) if user.organisation_id else None
    return {
        "id": user.id,
        "gebruikersnaam": user.username,
        "naam": user.display_name,
        "e-mailadres": user.email,
        "rol": user.role,
        "organisatie": organisation.name if organisation else None,
        "actief": user.active,
        "aangemaakt_op": _when(user.created_at),
        "laatst_ingelogd_op": _when(user.last_login_at),
    }


def account_summary(*, session: Session, user_id: int, actor: CurrentUser) -> dict[str, Any]:
    """The account part of the inzage, for showing on screen (not recorded: it is the user's own page)."""
    _require_inzage(actor, user_id)
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("Die gebruiker bestaat niet.")
    return _account(session, user)


def personal_data(*, session: Session, user_id: int, actor: CurrentUser) -> dict[str, Any]:
    """Everything the app holds about this user, as plain JSON-able data with Dutch keys.

    Recorded in the audit log (an inzage is itself a use of personal data).
    """
    _require_inzage(actor, user_id)
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("Die gebruiker bestaat niet.")
    cases = session.scalars(select(Case).where(Case.submitter_id == user_id).order_by(Case.id))
    attendance = session.execute(
        select(Attendance, LearningSession.title, LearningSession.date)
        .join(LearningSession, LearningSession.id == Attendance.session_id)
        .where(Attendance.user_id == user_id)
        .order_by(LearningSession.date)
    )
    contributions = session.scalars(
        select(Contribution).where(Contribution.author_user_id == user_id).order_by(Contribution.id)
    )
    actions = session.scalars(
        select(Action).where(or_(Action.owner_user_id == user_id, Action.created_by_id == user_id)).order_by(Action.id)
    )
    updates = session.scalars(select(ActionUpdate).where(ActionUpdate.user_id == user_id).order_by(ActionUpdate.id))
    log = session.scalars(
        select(AuditLog)
        .where(or_(AuditLog.user_id == user_id, (AuditLog.entity == "user") & (AuditLog.entity_id == user_id)))
        .order_by(AuditLog.id)
    )
    data = {
        "toelichting": (
            "Alle gegevens die Leersessie over u bewaart: uw account, uw casussen, uw aanwezigheid, "
            "uw inbreng, de acties waarvan u trekker bent of die u aanmaakte, en het logboek van wat u deed."
        ),
        "gemaakt_op": utcnow().isoformat(),
        "account": _account(session, user),
        "casussen": [
            {
                "id": c.id,
                "titel": c.title,
                "beschrijving": c.description,
                "wat_is_geprobeerd": c.tried,
                "leervraag": c.learning_question,
                "status": c.status,
                "toelichting_bij_teruggeven": c.return_note,
                "ingediend_op": _when(c.created_at),
                "bijgewerkt_op": _when(c.updated_at),
            }
            for c in cases
        ],
        "aanwezigheid": [
            {"leersessie": title, "datum": _when(day), "rol": a.role, "aanwezig": a.present}
            for a, title, day in attendance
        ],
        "leercirkels": [  # enrolments in a leercirkel and places on its waiting list
            {"reeks": name, "status": e.status, "sinds": _when(e.created_at), "doorgeschoven_op": _when(e.promoted_at)}
            for e, name in session.execute(
                select(Enrolment, Series.name)
                .join(Series, Series.id == Enrolment.series_id)
                .where(Enrolment.user_id == user_id)
                .order_by(Enrolment.id)
            )
        ],
        "inbreng": [
            {
                "id": c.id,
                "leersessie_id": c.session_id,
                "soort": c.kind,
                "tekst": c.text,
                "ondertekend_als": c.author_label,
                "op": _when(c.created_at),
            }
            for c in contributions
        ],
        "acties": [
            {
                "id": a.id,
                "titel": a.title,
                "beschrijving": a.description,
                "status": a.status,
                "streefdatum": _when(a.due_date),
                "reden": a.reason,
                "trekker": a.owner_user_id == user_id,
                "aangemaakt_door_u": a.created_by_id == user_id,
            }
            for a in actions
        ],
        "actie_updates": [
            {
                "actie_id": u.action_id,
                "van": u.from_status,
                "naar": u.to_status,
                "notitie": u.note,
                "op": _when(u.created_at),
            }
            for u in updates
        ],
        "logboek": [
            {
                "op": _when(e.at),
                "gebeurtenis": e.event,
                "object": e.entity,
                "object_id": e.entity_id,
                "door_u": e.user_id == user_id,
            }
            for e in log
        ],
    }
    audit.record(session=session, event="inzage_downloaded", user_id=actor.id, entity="user", entity_id=user_id)
    return data


def personal_data_json(*, session: Session, user_id: int, actor: CurrentUser) -> bytes:
    data = personal_data(session=session, user_id=user_id, actor=actor)
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def erase_user(*, session: Session, user_id: int, actor: CurrentUser) -> None:
    """Remove a user's personal data; their work stays, attributed to "verwijderde gebruiker"."""
    policy.require(actor, "user.erase")
    if user_id == actor.id:
        raise DomainError("U kunt uw eigen gegevens niet verwijderen; vraag een andere beheerder.")
    user = session.get(User, user_id, with_for_update=True)
    if user is None:
        raise NotFound("Die gebruiker bestaat niet.")
    if user.erased_at is not None:
        raise DomainError("De gegevens van deze gebruiker zijn al verwijderd.")
    old_username = user.username
    user.username = f"verwijderd-{user.id}"
    user.display_name = ERASED_NAME
    user.email = None
    user.password_hash = "!" + secrets.token_hex(16)  # no valid argon2 hash: nobody can log in
    user.active = False
    user.last_login_at = None
    user.erased_at = utcnow()
    session.execute(delete(AuthToken).where(AuthToken.user_id == user_id))
    session.execute(delete(LoginAttempt).where(LoginAttempt.scope == "login", LoginAttempt.key == old_username))
    session.execute(
        update(Contribution)
        .where(Contribution.author_user_id == user_id)
        .values(author_label=ERASED_NAME)
        .execution_options(synchronize_session=False)
    )
    audit.record(session=session, event="user_erased", user_id=actor.id, entity="user", entity_id=user_id)
