"""Leercirkels: open enrolment for the whole cycle up to a maximum, a waiting list beyond it, the first in
line moving up when somebody leaves, and a maximum that holds when many enrol at the same moment."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import func, select

from lib.core import db
from lib.core.errors import DomainError, NotAllowed
from lib.models import Attendance, Enrolment, EnrolmentStatus, LearningSession, Role, SeriesKind, SessionStatus
from lib.planning import enrolment, schedule
from tests import factories as f

TODAY = dt.date(2026, 9, 1)
ENROLLED, WAITING = EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITING


@pytest.fixture
def circle(engine):
    """A leercirkel of 2 places with two coming sessions and one already held; five professionals."""
    with db.transaction(engine) as s:
        org = f.organisation(s, "Wijkteam Ruwaard")
        people = [
            f.user(s, Role.PROFESSIONAL, organisation=org, display_name=name)
            for name in ("Anna", "Bram", "Chris", "Dewi", "Eef")
        ]
        aanjager = f.user(s, Role.AANJAGER)
        series = f.series(s, name="Leercirkel Schulden", kind=SeriesKind.LEERCIRKEL, max_participants=2)
        held = f.learning_session(s, series_row=series, date=TODAY - dt.timedelta(days=14), status="afgerond")
        coming = [f.learning_session(s, series_row=series, date=TODAY + dt.timedelta(weeks=w)) for w in (1, 5)]
    return {
        "series": series.id,
        "people": [f.current(p) for p in people],
        "aanjager": f.current(aanjager),
        "held": held.id,
        "coming": [m.id for m in coming],
    }


def enrol(engine, series_id, who):
    with db.transaction(engine) as s:
        return enrolment.enrol(session=s, series_id=series_id, actor=who, today=TODAY)


def sessions_of(engine, user_id) -> set[int]:
    with db.read(engine) as s:
        return set(s.scalars(select(Attendance.session_id).where(Attendance.user_id == user_id)))


def test_enrolling_signs_up_for_every_coming_session_and_twice_changes_nothing(engine, circle):
    anna = circle["people"][0]
    assert enrol(engine, circle["series"], anna).status == ENROLLED
    assert enrol(engine, circle["series"], anna).status == ENROLLED
    assert sessions_of(engine, anna.id) == set(circle["coming"])  # not the session already held
    with db.read(engine) as s:
        assert s.scalar(select(func.count()).select_from(Enrolment)) == 1


def test_beyond_the_maximum_people_wait_in_line(engine, circle):
    statuses = [enrol(engine, circle["series"], p).status for p in circle["people"][:4]]
    assert statuses == [ENROLLED, ENROLLED, WAITING, WAITING]
    assert sessions_of(engine, circle["people"][2].id) == set()  # waiting: not signed up
    with db.read(engine) as s:
        mine = enrolment.my_circles(session=s, user=circle["people"][3], today=TODAY)
        overview = enrolment.circle(session=s, series_id=circle["series"], actor=circle["aanjager"])
    assert [(c.name, c.status, c.position, c.enrolled, c.waiting, c.full) for c in mine] == [
        ("Leercirkel Schulden", WAITING, 2, 2, 2, True)
    ]
    assert enrolment.describe_status(mine[0]) == "U staat op de wachtlijst, plaats 2."
    assert [p.name for p in overview.enrolled] == ["Anna", "Bram"]
    assert [p.name for p in overview.waiting] == ["Chris", "Dewi"]
    assert overview.free == 0


def test_when_somebody_withdraws_the_first_in_line_moves_up_with_a_notice(engine, circle):
    anna, _bram, chris, dewi = circle["people"][:4]
    for person in circle["people"][:4]:
        enrol(engine, circle["series"], person)
    with db.transaction(engine) as s:
        change = enrolment.withdraw(session=s, series_id=circle["series"], actor=anna, today=TODAY)
    assert change.promoted == ["Chris"]
    assert change.notice() == "Chris is van de wachtlijst doorgeschoven en ingeschreven voor de hele cyclus."
    assert sessions_of(engine, anna.id) == set()
    assert sessions_of(engine, chris.id) == set(circle["coming"])
    with db.read(engine) as s:
        (chris_view,) = enrolment.my_circles(session=s, user=chris, today=TODAY)
        (dewi_view,) = enrolment.my_circles(session=s, user=dewi, today=TODAY)
    assert chris_view.status == ENROLLED and chris_view.promoted_at is not None
    assert "van de wachtlijst doorgeschoven" in enrolment.describe_status(chris_view)
    assert (dewi_view.status, dewi_view.position) == (WAITING, 1)


def test_leaving_the_waiting_list_moves_nobody_up(engine, circle):
    for person in circle["people"][:3]:
        enrol(engine, circle["series"], person)
    with db.transaction(engine) as s:
        change = enrolment.withdraw(session=s, series_id=circle["series"], actor=circle["people"][2], today=TODAY)
    assert change.promoted == [] and change.notice() == ""
    with pytest.raises(DomainError, match="niet \\(meer\\) ingeschreven"), db.transaction(engine) as s:
        enrolment.withdraw(session=s, series_id=circle["series"], actor=circle["people"][2], today=TODAY)


def test_the_aanjager_removes_somebody_and_more_places_let_more_in(engine, circle):
    for person in circle["people"]:
        enrol(engine, circle["series"], person)
    with db.read(engine) as s:
        overview = enrolment.circle(session=s, series_id=circle["series"], actor=circle["aanjager"])
    with db.transaction(engine) as s:
        change = enrolment.remove_enrolment(
            session=s, enrolment_id=overview.enrolled[1].enrolment_id, actor=circle["aanjager"], today=TODAY
        )
    assert change.promoted == ["Chris"]
    with db.transaction(engine) as s:
        series = s.get(schedule.Series, circle["series"])
        data = schedule.SeriesInput(
            series.name, series.default_start, series.default_end, kind=SeriesKind.LEERCIRKEL, max_participants=4
        )
        schedule.update_series(
            session=s,
            series_id=series.id,
            data=data,
            expected_version=series.version,
            actor=circle["aanjager"],
            today=TODAY,
        )
    with db.read(engine) as s:
        overview = enrolment.circle(session=s, series_id=circle["series"], actor=circle["aanjager"])
    assert [p.name for p in overview.enrolled] == ["Anna", "Chris", "Dewi", "Eef"]
    assert sessions_of(engine, circle["people"][4].id) == set(circle["coming"])


def test_the_maximum_cannot_drop_below_who_is_in_and_a_full_circle_stays_a_circle(engine, circle):
    for person in circle["people"][:2]:
        enrol(engine, circle["series"], person)
    for kind, places, message in [
        (SeriesKind.LEERCIRKEL, 1, "niet lager zijn dan 2"),
        (SeriesKind.REEKS, None, "Schrijf die eerst uit"),
        (SeriesKind.LEERCIRKEL, 0, "kies 1 tot 200 plaatsen"),
    ]:
        with pytest.raises(DomainError, match=message), db.transaction(engine) as s:
            series = s.get(schedule.Series, circle["series"])
            data = schedule.SeriesInput(
                series.name, series.default_start, series.default_end, kind=kind, max_participants=places
            )
            schedule.update_series(
                session=s, series_id=series.id, data=data, expected_version=series.version, actor=circle["aanjager"]
            )


def test_new_dates_of_a_circle_sign_up_who_is_enrolled(engine, circle):
    anna = circle["people"][0]
    enrol(engine, circle["series"], anna)
    with db.transaction(engine) as s:
        planned = schedule.add_sessions(
            session=s,
            series_id=circle["series"],
            days=[TODAY + dt.timedelta(weeks=9)],
            actor=circle["aanjager"],
            today=TODAY,
        )
        new_id = planned.sessions[0].id
    assert new_id in sessions_of(engine, anna.id)


def test_only_a_circle_with_coming_sessions_takes_enrolments_and_a_reeks_none(engine, circle):
    anna = circle["people"][0]
    with db.transaction(engine) as s:
        reeks = f.series(s)
        f.learning_session(s, series_row=reeks, date=TODAY + dt.timedelta(days=7))
        for meeting_id in circle["coming"]:
            s.get(schedule.LearningSession, meeting_id).status = SessionStatus.CANCELLED
    with pytest.raises(DomainError, match="geen leercirkel"):
        enrol(engine, reeks.id, anna)
    with pytest.raises(DomainError, match="nog komende leersessies"):
        enrol(engine, circle["series"], anna)


def test_a_beheerder_cannot_enrol_and_a_professional_cannot_manage(engine, circle):
    with db.transaction(engine) as s:
        beheerder = f.current(f.user(s, Role.BEHEERDER))
    with pytest.raises(NotAllowed):
        enrol(engine, circle["series"], beheerder)
    with pytest.raises(NotAllowed), db.read(engine) as s:
        enrolment.circle(session=s, series_id=circle["series"], actor=circle["people"][0])


def test_parallel_sign_ups_never_exceed_the_maximum(engine, circle):
    """Twelve people press Inschrijven at the same moment for 2 places: 2 are in, 10 wait, in one line."""
    with db.transaction(engine) as s:
        crowd = [f.current(f.user(s, Role.PROFESSIONAL)) for _ in range(12)]
    barrier = threading.Barrier(len(crowd))
    results: list[str] = []
    errors: list[BaseException] = []

    def run(person) -> None:
        try:
            barrier.wait(timeout=30)
            results.append(enrol(engine, circle["series"], person).status)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=(p,)) for p in crowd]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(results) == sorted([ENROLLED] * 2 + [WAITING] * 10)
    with db.read(engine) as s:
        rows = s.scalars(select(Enrolment).where(Enrolment.series_id == circle["series"])).all()
        attending = s.scalar(
            select(func.count(func.distinct(Attendance.user_id))).where(Attendance.session_id.in_(circle["coming"]))
        )
    assert sum(r.status == ENROLLED for r in rows) == 2
    assert attending == 2


def test_the_inzage_shows_the_leercirkels_one_is_in(engine, circle):
    from lib import personal_data

    anna = circle["people"][0]
    enrol(engine, circle["series"], anna)
    with db.read(engine) as s:
        data = personal_data.personal_data(session=s, user_id=anna.id, actor=anna)
    assert [(e["reeks"], e["status"]) for e in data["leercirkels"]] == [("Leercirkel Schulden", "ingeschreven")]


def test_a_session_of_a_circle_is_for_who_is_enrolled(engine, circle):
    """Signing up for one session of a full circle would slip past its maximum: refused, in Dutch."""
    from lib.planning import attendance

    bram = circle["people"][1]

    def version() -> int:  # the session as Bram's screen shows it
        with db.read(engine) as s:
            return s.get(LearningSession, circle["coming"][0]).version

    with pytest.raises(DomainError, match="hoort bij de leercirkel 'Leercirkel Schulden'"), db.transaction(engine) as s:
        attendance.sign_up(
            session=s, learning_session_id=circle["coming"][0], actor=bram, today=TODAY, expected_version=version()
        )
    enrol(engine, circle["series"], bram)
    with db.transaction(engine) as s:  # enrolled: one session off and on again is fine
        attendance.sign_off(
            session=s, learning_session_id=circle["coming"][0], actor=bram, today=TODAY, expected_version=version()
        )
        attendance.sign_up(
            session=s, learning_session_id=circle["coming"][0], actor=bram, today=TODAY, expected_version=version()
        )
    assert sessions_of(engine, bram.id) == set(circle["coming"])
