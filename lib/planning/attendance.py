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
from lib.core.errors import Conflict, DomainError, NotFound
from lib.core.validation import clean_text
from lib.models import (
    GUEST,
    SESSION_STATUS_LABELS,
    Attendance,
    Enrolment,
    EnrolmentStatus,
    LearningSession,
    Organisation,
    PresenceConfirmation,
    Role,
    Series,
    SeriesKind,
    SessionStatus,
    User,
    role_label,
    utcnow,
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
    _check_circle(session, meeting, actor)
    row = Attendance(session_id=meeting.id, user_id=actor.id, role=str(actor.role))
    session.add(row)
    session.flush()
    audit.record(session=session, event="signed_up", user_id=actor.id, entity="learning_session", entity_id=meeting.id)
    return row


def _check_circle(session: Session, meeting: LearningSession, actor: CurrentUser) -> None:
    """A leercirkel's sessions are for who is enrolled in it (lib/planning/enrolment.py keeps its maximum)."""
    series = session.get(Series, meeting.series_id) if meeting.series_id is not None else None
    if series is None or series.kind != SeriesKind.LEERCIRKEL:
        return
    enrolled = session.scalar(
        select(Enrolment.id).where(
            Enrolment.series_id == series.id,
            Enrolment.user_id == actor.id,
            Enrolment.status == EnrolmentStatus.ENROLLED,
        )
    )
    if enrolled is None:
        raise DomainError(
            f"Deze leersessie hoort bij de leercirkel '{series.name}'. Schrijf u in voor de hele cyclus van de "
            "leercirkel (bovenaan deze pagina); is ze vol, dan komt u op de wachtlijst."
        )


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


def candidates(*, session: Session, learning_session_id: int) -> list[tuple[int, str]]:
    """(id, name) of the active users who are not registered for this session yet: two columns, not
    thousands of ORM objects, since the page only lists names."""
    registered = select(Attendance.user_id).where(
        Attendance.session_id == learning_session_id, Attendance.user_id.is_not(None)
    )
    rows = session.execute(
        select(User.id, User.display_name)
        .where(User.active.is_(True), User.id.not_in(registered))
        .order_by(User.display_name, User.id)
    )
    return [(user_id, name) for user_id, name in rows]


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


def my_sessions(*, session: Session, user: CurrentUser, today: dt.date, limit: int | None = None) -> list[MySession]:
    """Upcoming sessions for the Mijn sessies page (the first `limit`, soonest first), with whether
    this user comes."""
    policy.require(user, "session.sign_up")
    meetings = schedule.upcoming_sessions(session=session, today=today, limit=limit)
    mine = set(
        session.scalars(
            select(Attendance.session_id).where(
                Attendance.user_id == user.id, Attendance.session_id.in_([m.id for m in meetings])
            )
        )
    )
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


# --- after the session: who was actually there ----------------------------------------------------

HELD_SHOWN = 50


@dataclass(frozen=True)
class PresentPerson:
    attendance_id: int
    name: str
    organisation: str
    role: str
    is_guest: bool
    present: bool | None  # None: not confirmed yet


@dataclass(frozen=True)
class PresenceList:
    learning_session_id: int
    title: str
    when: str
    people: list[PresentPerson]
    confirmed_by: str | None  # None: not confirmed yet
    confirmed_at: dt.datetime | None
    version: int  # of the confirmation; 0 before the first

    @property
    def confirmed(self) -> bool:
        return self.confirmed_by is not None


def _held(meeting: LearningSession, today: dt.date) -> None:
    if meeting.status == SessionStatus.CANCELLED or meeting.date > today:
        raise DomainError("Aanwezigheid bevestigt u na een leersessie die is doorgegaan.")


@dataclass(frozen=True)
class HeldSession:
    id: int
    title: str
    when: str
    confirmed: bool


def held_sessions(
    *, session: Session, actor: CurrentUser, today: dt.date, limit: int = HELD_SHOWN
) -> list[HeldSession]:
    """Sessions that took place (today or earlier, not cancelled), newest first, to confirm presence of."""
    policy.require(actor, "attendance.confirm")
    meetings = session.scalars(
        select(LearningSession)
        .where(LearningSession.date <= today, LearningSession.status != SessionStatus.CANCELLED)
        .order_by(LearningSession.date.desc(), LearningSession.start_time.desc())
        .limit(limit)
    ).all()
    confirmed = set(
        session.scalars(
            select(PresenceConfirmation.session_id).where(PresenceConfirmation.session_id.in_([m.id for m in meetings]))
        )
    )
    return [HeldSession(m.id, m.title, schedule.describe(m), m.id in confirmed) for m in meetings]


def presence_list(*, session: Session, learning_session_id: int, actor: CurrentUser) -> PresenceList:
    """Everybody signed up for the session (users and guests), with whether they were there."""
    policy.require(actor, "attendance.confirm")
    meeting = _meeting(session, learning_session_id)
    present: dict[int, bool | None] = {
        attendance_id: value
        for attendance_id, value in session.execute(
            select(Attendance.id, Attendance.present).where(Attendance.session_id == meeting.id)
        ).all()
    }
    people = [
        PresentPerson(p.attendance_id, p.name, p.organisation, p.role, p.is_guest, present.get(p.attendance_id))
        for p in attendees(session=session, learning_session_id=meeting.id)
    ]
    confirmation = session.get(PresenceConfirmation, meeting.id)
    who = None
    if confirmation is not None:
        who = confirmation.confirmed_by.display_name if confirmation.confirmed_by else "onbekend"
    return PresenceList(
        meeting.id,
        meeting.title,
        schedule.describe(meeting),
        people,
        who,
        confirmation.confirmed_at if confirmation else None,
        confirmation.version if confirmation else 0,
    )


def confirm_presence(
    *,
    session: Session,
    learning_session_id: int,
    present_ids: list[int],
    shown_ids: list[int],
    actor: CurrentUser,
    expected_version: int,
    today: dt.date,
) -> PresenceConfirmation:
    """The aanjager confirms who of the list was there (`present_ids`) and so who was not.

    `shown_ids` is the list the aanjager saw: if somebody was added or removed since, or another
    confirmation came first (`expected_version`, 0 before the first), nothing is stored.
    """
    policy.require(actor, "attendance.confirm")
    meeting = session.scalar(select(LearningSession).where(LearningSession.id == learning_session_id).with_for_update())
    if meeting is None:
        raise NotFound("Deze leersessie bestaat niet.")
    _held(meeting, today)
    confirmation = session.get(PresenceConfirmation, meeting.id)
    if confirmation is None:
        if expected_version != 0:
            raise Conflict(versions.message("De aanwezigheidslijst"))
    else:
        versions.check(confirmation, expected_version, now=f"bevestigd door {_name(confirmation)}")
    rows = session.scalars(select(Attendance).where(Attendance.session_id == meeting.id)).all()
    if {row.id for row in rows} != set(shown_ids):
        raise Conflict(versions.message("De aanwezigheidslijst", "er is iemand aangemeld of afgemeld"))
    unknown = set(present_ids) - set(shown_ids)
    if unknown:
        raise DomainError("Er staat iemand bij de aanwezigen die niet op de lijst staat.")
    for row in rows:
        row.present = row.id in present_ids
    if confirmation is None:
        confirmation = PresenceConfirmation(session_id=meeting.id, confirmed_by_id=actor.id)
        session.add(confirmation)
    else:
        confirmation.confirmed_by_id, confirmation.confirmed_at = actor.id, utcnow()
    session.flush()
    audit.record(
        session=session,
        event="presence_confirmed",
        user_id=actor.id,
        entity="learning_session",
        entity_id=meeting.id,
        present=sum(1 for row in rows if row.present),
        absent=sum(1 for row in rows if not row.present),
    )
    return confirmation


def _name(confirmation: PresenceConfirmation) -> str:
    return confirmation.confirmed_by.display_name if confirmation.confirmed_by else "onbekend"


def add_present(
    *,
    session: Session,
    learning_session_id: int,
    actor: CurrentUser,
    today: dt.date,
    user_id: int | None = None,
    guest_name: str = "",
    organisation_id: int | None = None,
    role: str = GUEST,
) -> Attendance:
    """Somebody who was there without being signed up: a user, or a guest by name. They count as present."""
    policy.require(actor, "attendance.confirm")
    meeting = _meeting(session, learning_session_id)
    _held(meeting, today)
    if user_id is not None:
        user = session.get(User, user_id)
        if user is None:
            raise DomainError("Die gebruiker bestaat niet (meer).")
        existing = session.scalar(
            select(Attendance).where(Attendance.session_id == meeting.id, Attendance.user_id == user.id)
        )
        if existing is not None:
            raise DomainError(f"{user.display_name} staat al op de lijst: vink aan dat die er was.")
        row = Attendance(session_id=meeting.id, user_id=user.id, role=user.role, present=True)
    else:
        name = clean_text(guest_name, field="Naam van de gast", max_length=120)
        if role not in GUEST_ROLES:
            raise DomainError("Kies de rol van de gast: professional, manager of gast.")
        if organisation_id is not None and session.get(Organisation, organisation_id) is None:
            raise DomainError("Die organisatie bestaat niet.")
        row = Attendance(
            session_id=meeting.id, guest_name=name, guest_organisation_id=organisation_id, role=role, present=True
        )
    session.add(row)
    session.flush()
    audit.record(
        session=session, event="present_added", user_id=actor.id, entity="learning_session", entity_id=meeting.id
    )
    return row
