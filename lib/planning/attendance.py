"""Who comes to a session: users (professionals sign themselves up or off) and guests, with counts.

The aanjager registers anybody; a user may only sign themself up or off, and only for a session that
has not started. The counts answer the question asked in every evaluation: are there managers at the table?
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, selectinload

from lib.accounts import CurrentUser
from lib.core import audit, policy, versions
from lib.core.errors import DomainError, NotFound
from lib.core.validation import clean_text
from lib.models import (
    GUEST,
    SESSION_STATUS_LABELS,
    Attendance,
    LearningSession,
    Organisation,
    Role,
    SessionStatus,
    User,
    role_label,
)
from lib.planning import schedule

# The roles a guest (no account) can have at the table.
GUEST_ROLES = (Role.PROFESSIONAL.value, Role.MANAGER.value, GUEST)
NO_ORGANISATION = "zonder organisatie"


@dataclass(frozen=True)
class Attendee:
    attendance_id: int
    name: str
    organisation_id: int | None
    organisation: str
    role: str
    user_id: int | None
    is_guest: bool


@dataclass(frozen=True)
class Counts:
    total: int
    managers: int
    by_role: dict[str, int]
    by_organisation: dict[str, int]


def _meeting(session: Session, learning_session_id: int) -> LearningSession:
    meeting = session.get(LearningSession, learning_session_id)
    if meeting is None:
        raise NotFound("Deze leersessie bestaat niet.")
    return meeting


def attendees(*, session: Session, learning_session_id: int) -> list[Attendee]:
    rows = session.scalars(
        select(Attendance)
        .options(
            selectinload(Attendance.user).selectinload(User.organisation), selectinload(Attendance.guest_organisation)
        )
        .where(Attendance.session_id == learning_session_id)
    ).all()
    result = []
    for row in rows:
        organisation = row.user.organisation if row.user else row.guest_organisation
        result.append(
            Attendee(
                attendance_id=row.id,
                name=row.user.display_name if row.user else (row.guest_name or ""),
                organisation_id=organisation.id if organisation else None,
                organisation=organisation.name if organisation else NO_ORGANISATION,
                role=row.role,
                user_id=row.user_id,
                is_guest=row.user_id is None,
            )
        )
    return sorted(result, key=lambda a: (a.name.lower(), a.attendance_id))


def counts(people: list[Attendee]) -> Counts:
    by_role = Counter(role_label(p.role) for p in people)
    by_organisation = Counter(p.organisation for p in people)
    return Counts(
        total=len(people),
        managers=sum(1 for p in people if p.role == Role.MANAGER),
        by_role=dict(sorted(by_role.items())),
        by_organisation=dict(sorted(by_organisation.items())),
    )


def _open_for_sign_up(meeting: LearningSession, today: dt.date) -> None:
    if meeting.status not in schedule.CHANGEABLE or meeting.date < today:
        raise DomainError("Aan- en afmelden kan alleen voor een komende leersessie die niet geannuleerd is.")


def _meeting_as_seen(session: Session, learning_session_id: int, expected_version: int) -> LearningSession:
    """The session, if it is still what the user saw (date, time, place, status) when signing up or off."""
    meeting = _meeting(session, learning_session_id)
    label = SESSION_STATUS_LABELS[SessionStatus(meeting.status)]
    versions.check(meeting, expected_version, now=f"ze is nu {label}, {schedule.describe(meeting)}")
    return meeting


def sign_up(
    *, session: Session, learning_session_id: int, actor: CurrentUser, today: dt.date, expected_version: int
) -> Attendance:
    """The logged-in user comes to this session as they saw it (signing up twice changes nothing).

    `expected_version` is the session's version on the user's screen: when the aanjager moved or
    cancelled it since, the sign-up is refused (Conflict) and the user sees the new date first.
    """
    policy.require(actor, "session.sign_up")
    meeting = _meeting_as_seen(session, learning_session_id, expected_version)
    _open_for_sign_up(meeting, today)
    existing = session.scalar(
        select(Attendance).where(Attendance.session_id == meeting.id, Attendance.user_id == actor.id)
    )
    if existing is not None:
        return existing
    row = Attendance(session_id=meeting.id, user_id=actor.id, role=str(actor.role))
    session.add(row)
    session.flush()
    audit.record(session=session, event="signed_up", user_id=actor.id, entity="learning_session", entity_id=meeting.id)
    return row


def sign_off(
    *, session: Session, learning_session_id: int, actor: CurrentUser, today: dt.date, expected_version: int
) -> None:
    """The logged-in user no longer comes (their place in a group goes with it); see sign_up for
    `expected_version`."""
    policy.require(actor, "session.sign_up")
    meeting = _meeting_as_seen(session, learning_session_id, expected_version)
    _open_for_sign_up(meeting, today)
    session.execute(delete(Attendance).where(Attendance.session_id == meeting.id, Attendance.user_id == actor.id))
    audit.record(session=session, event="signed_off", user_id=actor.id, entity="learning_session", entity_id=meeting.id)


def add_users(
    *, session: Session, learning_session_id: int, user_ids: list[int], actor: CurrentUser
) -> list[Attendance]:
    """The aanjager registers users as attendees; ones already registered are skipped."""
    policy.require(actor, "session.prepare")
    meeting = _meeting(session, learning_session_id)
    if meeting.status in (SessionStatus.FINISHED, SessionStatus.CANCELLED):
        raise DomainError("Deze leersessie is afgerond of geannuleerd.")
    present = set(session.scalars(select(Attendance.user_id).where(Attendance.session_id == meeting.id)))
    added = []
    for user_id in dict.fromkeys(user_ids):
        if user_id in present:
            continue
        user = session.get(User, user_id)
        if user is None or not user.active:
            raise DomainError("Die gebruiker bestaat niet (meer).")
        added.append(Attendance(session_id=meeting.id, user_id=user.id, role=user.role))
    session.add_all(added)
    session.flush()
    if added:
        audit.record(
            session=session,
            event="attendees_added",
            user_id=actor.id,
            entity="learning_session",
            entity_id=meeting.id,
            count=len(added),
        )
    return added


def add_guest(
    *,
    session: Session,
    learning_session_id: int,
    name: str,
    organisation_id: int | None,
    role: str,
    actor: CurrentUser,
) -> Attendance:
    policy.require(actor, "session.prepare")
    meeting = _meeting(session, learning_session_id)
    if meeting.status in (SessionStatus.FINISHED, SessionStatus.CANCELLED):
        raise DomainError("Deze leersessie is afgerond of geannuleerd.")
    name = clean_text(name, field="Naam van de gast", max_length=120)
    if role not in GUEST_ROLES:
        raise DomainError("Kies de rol van de gast: professional, manager of gast.")
    if organisation_id is not None and session.get(Organisation, organisation_id) is None:
        raise DomainError("Die organisatie bestaat niet.")
    row = Attendance(session_id=meeting.id, guest_name=name, guest_organisation_id=organisation_id, role=role)
    session.add(row)
    session.flush()
    audit.record(
        session=session, event="guest_added", user_id=actor.id, entity="learning_session", entity_id=meeting.id
    )
    return row


def remove(*, session: Session, attendance_id: int, actor: CurrentUser) -> None:
    policy.require(actor, "session.prepare")
    row = session.get(Attendance, attendance_id)
    if row is None:
        raise NotFound("Deze deelnemer staat niet (meer) op de lijst.")
    session.execute(delete(Attendance).where(Attendance.id == attendance_id))
    audit.record(
        session=session, event="attendee_removed", user_id=actor.id, entity="learning_session", entity_id=row.session_id
    )


def candidates(*, session: Session, learning_session_id: int) -> list[User]:
    """Active users who are not registered for this session yet."""
    registered = select(Attendance.user_id).where(
        Attendance.session_id == learning_session_id, Attendance.user_id.is_not(None)
    )
    return list(
        session.scalars(
            select(User).where(User.active.is_(True), User.id.not_in(registered)).order_by(User.display_name)
        )
    )


@dataclass(frozen=True)
class MySession:
    id: int
    title: str
    when: str
    location: str
    status: str
    signed_up: bool
    open_for_sign_up: bool
    version: int  # what a sign-up or sign-off from this card expects (attendance.sign_up)


def my_sessions(*, session: Session, user: CurrentUser, today: dt.date) -> list[MySession]:
    """Upcoming sessions for the Mijn sessies page, with whether this user comes."""
    policy.require(user, "session.sign_up")
    meetings = schedule.upcoming_sessions(session=session, today=today)
    mine = set(session.scalars(select(Attendance.session_id).where(Attendance.user_id == user.id)))
    return [
        MySession(
            m.id,
            m.title,
            schedule.describe(m),
            m.location,
            m.status,
            m.id in mine,
            m.status in schedule.CHANGEABLE,
            m.version,
        )
        for m in meetings
    ]
