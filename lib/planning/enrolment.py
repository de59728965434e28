"""Leercirkels: professionals enrol themselves for the whole cycle, up to the circle's maximum; beyond
it they wait in line, and when somebody withdraws the first in line moves up.

Enrolling signs the person up for every coming session of the circle (lib/planning/attendance.py);
withdrawing signs them off again. The series row is locked first (BEGIN IMMEDIATE on SQLite,
SELECT … FOR UPDATE on PostgreSQL), so parallel sign-ups can never exceed the maximum.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from lib.accounts import CurrentUser
from lib.core import audit, dates, policy
from lib.core.errors import DomainError, NotFound
from lib.models import (
    Attendance,
    Enrolment,
    EnrolmentStatus,
    LearningSession,
    Organisation,
    Series,
    SeriesKind,
    SessionStatus,
    User,
    utcnow,
)
from lib.planning import attendance, schedule

SHOWN_CIRCLES = 20
NOT_A_CIRCLE = "Deze reeks is geen leercirkel: inschrijven kan alleen voor een leercirkel."


@dataclass(frozen=True)
class Person:
    enrolment_id: int
    user_id: int
    name: str
    organisation: str
    status: str
    since: dt.datetime
    promoted_at: dt.datetime | None


@dataclass(frozen=True)
class Circle:
    """A leercirkel as the aanjager manages it: who is in, who waits (in order)."""

    series_id: int
    name: str
    places: int
    enrolled: list[Person]
    waiting: list[Person]

    @property
    def free(self) -> int:
        return max(0, self.places - len(self.enrolled))


@dataclass(frozen=True)
class MyCircle:
    """A leercirkel on Mijn sessies: its cycle, its places and where this user stands."""

    series_id: int
    name: str
    description: str
    location: str
    session_dates: list[dt.date]
    places: int
    enrolled: int
    waiting: int
    status: str | None  # EnrolmentStatus, None when not enrolled
    position: int | None  # place on the waiting list, 1 = next in line
    promoted_at: dt.datetime | None
    open: bool  # there is a coming session to enrol for

    @property
    def full(self) -> bool:
        return self.enrolled >= self.places


@dataclass(frozen=True)
class Change:
    """What an enrolment change did: the status of the one who enrolled, and who moved up."""

    status: str | None
    promoted: list[str] = field(default_factory=list)

    def notice(self) -> str:
        """'Jan Jansen is van de wachtlijst doorgeschoven.' (empty when nobody moved up)"""
        if not self.promoted:
            return ""
        names = ", ".join(self.promoted)
        verb = "is" if len(self.promoted) == 1 else "zijn"
        return f"{names} {verb} van de wachtlijst doorgeschoven en ingeschreven voor de hele cyclus."


# --- counting and the coming sessions -------------------------------------------------------------


def _count(session: Session, series_id: int, status: EnrolmentStatus) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Enrolment)
            .where(Enrolment.series_id == series_id, Enrolment.status == status)
        )
        or 0
    )


def enrolled_count(session: Session, series_id: int) -> int:
    return _count(session, series_id, EnrolmentStatus.ENROLLED)


def waiting_count(session: Session, series_id: int) -> int:
    return _count(session, series_id, EnrolmentStatus.WAITING)


def _coming(session: Session, series_id: int, today: dt.date) -> list[int]:
    """The sessions of the cycle one can still sign up or off for (lib/planning/attendance.py's rule)."""
    return list(
        session.scalars(
            select(LearningSession.id).where(
                LearningSession.series_id == series_id,
                LearningSession.status.in_(schedule.CHANGEABLE),
                LearningSession.date >= today,
            )
        )
    )


def _attend(session: Session, series_id: int, user_id: int, role: str, today: dt.date) -> None:
    """Sign somebody else up for the coming sessions (the one who moved up from the waiting list)."""
    ids = _coming(session, series_id, today)
    there = set(
        session.scalars(
            select(Attendance.session_id).where(Attendance.session_id.in_(ids), Attendance.user_id == user_id)
        )
    )
    session.add_all(Attendance(session_id=i, user_id=user_id, role=role) for i in ids if i not in there)
    session.flush()


def _leave(session: Session, series_id: int, user_id: int, today: dt.date) -> None:
    """Off the coming sessions; the sessions already held keep their record of who was there."""
    ids = _coming(session, series_id, today)
    if ids:
        session.execute(delete(Attendance).where(Attendance.session_id.in_(ids), Attendance.user_id == user_id))


def _circle(session: Session, series_id: int) -> Series:
    """The series, locked for this transaction: enrolments of one circle happen one at a time."""
    series = session.scalar(select(Series).where(Series.id == series_id).with_for_update())
    if series is None:
        raise NotFound("Deze reeks bestaat niet.")
    if series.kind != SeriesKind.LEERCIRKEL:
        raise DomainError(NOT_A_CIRCLE)
    return series


def sign_up_enrolled(session: Session, series: Series, *, today: dt.date) -> None:
    """Everyone enrolled comes to the circle's coming sessions too (after new dates were added)."""
    rows = session.execute(
        select(Enrolment.user_id, User.role)
        .join(User, User.id == Enrolment.user_id)
        .where(Enrolment.series_id == series.id, Enrolment.status == EnrolmentStatus.ENROLLED)
    ).all()
    for user_id, role in rows:
        _attend(session, series.id, user_id, role, today)


def fill_places(session: Session, series: Series, *, today: dt.date) -> list[str]:
    """Move the first in line up while there are free places; returns the names of who moved up.

    Call with the series row locked (every service here does)."""
    free = (series.max_participants or 0) - enrolled_count(session, series.id)
    if free <= 0:
        return []
    rows = session.execute(
        select(Enrolment, User)
        .join(User, User.id == Enrolment.user_id)
        .where(Enrolment.series_id == series.id, Enrolment.status == EnrolmentStatus.WAITING, User.active.is_(True))
        .order_by(Enrolment.created_at, Enrolment.id)
        .limit(free)
    ).all()
    promoted = []
    for row, person in rows:
        row.status, row.promoted_at = EnrolmentStatus.ENROLLED, utcnow()
        _attend(session, series.id, person.id, person.role, today)
        promoted.append(person.display_name)
        audit.record(
            session=session,
            event="enrolment_promoted",
            user_id=None,
            entity="series",
            entity_id=series.id,
            promoted_user_id=person.id,
        )
    session.flush()
    return promoted


# --- the professional -----------------------------------------------------------------------------


def _version(session: Session, learning_session_id: int) -> int:
    """A session's current version: enrolling signs up for the whole cycle as it is now, not for one
    date the user looked at (attendance.sign_up checks a single session against the screen)."""
    return session.get(LearningSession, learning_session_id).version  # type: ignore[union-attr]


def enrol(*, session: Session, series_id: int, actor: CurrentUser, today: dt.date) -> Change:
    """Enrol the logged-in user for the whole cycle: in while there are places, else on the waiting
    list. Enrolling twice changes nothing."""
    policy.require(actor, "circle.enrol")
    series = _circle(session, series_id)
    if series.archived or not _coming(session, series.id, today):
        raise DomainError("Inschrijven kan alleen voor een leercirkel met nog komende leersessies.")
    existing = session.scalar(select(Enrolment).where(Enrolment.series_id == series.id, Enrolment.user_id == actor.id))
    if existing is not None:
        return Change(existing.status)
    full = enrolled_count(session, series.id) >= (series.max_participants or 0)
    status = EnrolmentStatus.WAITING if full else EnrolmentStatus.ENROLLED
    session.add(Enrolment(series_id=series.id, user_id=actor.id, status=status))
    session.flush()
    if status == EnrolmentStatus.ENROLLED:
        for meeting_id in _coming(session, series.id, today):
            attendance.sign_up(
                session=session,
                learning_session_id=meeting_id,
                actor=actor,
                today=today,
                expected_version=_version(session, meeting_id),
            )
    audit.record(
        session=session, event="enrolled", user_id=actor.id, entity="series", entity_id=series.id, status=str(status)
    )
    return Change(status)


def withdraw(*, session: Session, series_id: int, actor: CurrentUser, today: dt.date) -> Change:
    """The logged-in user leaves the circle (or its waiting list); the first in line moves up."""
    policy.require(actor, "circle.enrol")
    series = _circle(session, series_id)
    row = session.scalar(select(Enrolment).where(Enrolment.series_id == series.id, Enrolment.user_id == actor.id))
    if row is None:
        raise DomainError("U staat niet (meer) ingeschreven voor deze leercirkel.")
    was = row.status
    session.delete(row)
    session.flush()
    if was == EnrolmentStatus.ENROLLED:
        for meeting_id in _coming(session, series.id, today):
            attendance.sign_off(
                session=session,
                learning_session_id=meeting_id,
                actor=actor,
                today=today,
                expected_version=_version(session, meeting_id),
            )
    audit.record(session=session, event="withdrawn", user_id=actor.id, entity="series", entity_id=series.id)
    return Change(None, fill_places(session, series, today=today))


def my_circles(*, session: Session, user: CurrentUser, today: dt.date) -> list[MyCircle]:
    """The leercirkels with coming sessions, and the ones this user is in, for Mijn sessies."""
    policy.require(user, "circle.enrol")
    mine = {row.series_id: row for row in session.scalars(select(Enrolment).where(Enrolment.user_id == user.id))}
    coming = select(LearningSession.series_id).where(
        LearningSession.status.in_(schedule.CHANGEABLE), LearningSession.date >= today
    )
    circles = list(
        session.scalars(
            select(Series)
            .where(
                Series.kind == SeriesKind.LEERCIRKEL,
                Series.archived.is_(False),
                Series.id.in_(coming) | Series.id.in_(list(mine)),
            )
            .order_by(Series.name)
            .limit(SHOWN_CIRCLES)
        )
    )
    ids = [c.id for c in circles]
    counts: dict[tuple[int, str], int] = {
        (series_id, status): n
        for series_id, status, n in session.execute(
            select(Enrolment.series_id, Enrolment.status, func.count())
            .where(Enrolment.series_id.in_(ids))
            .group_by(Enrolment.series_id, Enrolment.status)
        ).all()
    }
    days: dict[int | None, list[dt.date]] = {}
    for series_id, day in session.execute(
        select(LearningSession.series_id, LearningSession.date)
        .where(LearningSession.series_id.in_(ids), LearningSession.status != SessionStatus.CANCELLED)
        .order_by(LearningSession.date)
    ).all():
        days.setdefault(series_id, []).append(day)
    open_ids = set(session.scalars(coming.where(LearningSession.series_id.in_(ids))))
    result = []
    for circle in circles:
        row = mine.get(circle.id)
        result.append(
            MyCircle(
                series_id=circle.id,
                name=circle.name,
                description=circle.description,
                location=circle.location,
                session_dates=days.get(circle.id, []),
                places=circle.max_participants or 0,
                enrolled=counts.get((circle.id, EnrolmentStatus.ENROLLED), 0),
                waiting=counts.get((circle.id, EnrolmentStatus.WAITING), 0),
                status=row.status if row else None,
                position=_position(session, row) if row and row.status == EnrolmentStatus.WAITING else None,
                promoted_at=row.promoted_at if row else None,
                open=circle.id in open_ids,
            )
        )
    return result


def _position(session: Session, row: Enrolment) -> int:
    ahead = session.scalars(
        select(Enrolment.id)
        .where(Enrolment.series_id == row.series_id, Enrolment.status == EnrolmentStatus.WAITING)
        .order_by(Enrolment.created_at, Enrolment.id)
    ).all()
    return list(ahead).index(row.id) + 1


def describe_status(item: MyCircle) -> str:
    """'U staat ingeschreven.' / 'U staat op de wachtlijst, plaats 2.' / 'U bent niet ingeschreven.'"""
    if item.status == EnrolmentStatus.ENROLLED:
        text = "U staat ingeschreven voor de hele cyclus."
        if item.promoted_at is not None:
            day = dates.long_date(item.promoted_at.astimezone(dates.TZ).date())
            text += f" U bent op {day} van de wachtlijst doorgeschoven."
        return text
    if item.status == EnrolmentStatus.WAITING:
        return f"U staat op de wachtlijst, plaats {item.position}."
    return "U bent niet ingeschreven."


# --- the aanjager ---------------------------------------------------------------------------------


def circle(*, session: Session, series_id: int, actor: CurrentUser) -> Circle:
    """Who is enrolled and who waits, in order of the waiting list."""
    policy.require(actor, "session.prepare")
    series = session.get(Series, series_id)
    if series is None:
        raise NotFound("Deze reeks bestaat niet.")
    rows = session.execute(
        select(Enrolment, User.display_name, func.coalesce(Organisation.name, ""))
        .join(User, User.id == Enrolment.user_id)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .where(Enrolment.series_id == series.id)
        .order_by(Enrolment.created_at, Enrolment.id)
    ).all()
    people = [
        Person(row.id, row.user_id, name, organisation, row.status, row.created_at, row.promoted_at)
        for row, name, organisation in rows
    ]
    return Circle(
        series.id,
        series.name,
        series.max_participants or 0,
        [p for p in people if p.status == EnrolmentStatus.ENROLLED],
        [p for p in people if p.status == EnrolmentStatus.WAITING],
    )


def remove_enrolment(*, session: Session, enrolment_id: int, actor: CurrentUser, today: dt.date) -> Change:
    """The aanjager takes somebody out of the circle or off its waiting list; the first in line moves up."""
    policy.require(actor, "session.prepare")
    found = session.get(Enrolment, enrolment_id)
    if found is None:
        raise NotFound("Deze inschrijving bestaat niet (meer).")
    series = _circle(session, found.series_id)
    row = session.scalar(  # read again under the lock: somebody may have withdrawn meanwhile
        select(Enrolment).where(Enrolment.id == enrolment_id).execution_options(populate_existing=True)
    )
    if row is None:
        raise NotFound("Deze inschrijving bestaat niet (meer).")
    was, user_id = row.status, row.user_id
    session.delete(row)
    session.flush()
    if was == EnrolmentStatus.ENROLLED:
        _leave(session, series.id, user_id, today)
    audit.record(
        session=session,
        event="enrolment_removed",
        user_id=actor.id,
        entity="series",
        entity_id=series.id,
        removed_user_id=user_id,
    )
    return Change(None, fill_places(session, series, today=today))
