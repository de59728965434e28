"""Planning: series, several dates at once, moving, cancelling, status steps, the werkvorm snapshot."""

from __future__ import annotations

import datetime as dt

import pytest

from lib.core import db
from lib.core.errors import Conflict, DomainError, NotAllowed
from lib.live import join, phases
from lib.models import Case, CaseStatus, LearningSession, Role, Series, SessionStatus
from lib.planning import schedule, werkvormen
from tests import factories as f
from tests.corpus import blns

TODAY = dt.date(2026, 9, 1)
NINE, HALF_ELEVEN = dt.time(9, 0), dt.time(10, 30)


def _series_input(**changes) -> schedule.SeriesInput:
    values = {
        "name": "Proeftuin Oss-Noord",
        "default_start": NINE,
        "default_end": HALF_ELEVEN,
        "location": "gemeentehuis Oss",
        "description": "Leren van casussen",
    }
    values.update(changes)
    return schedule.SeriesInput(**values)


@pytest.fixture
def aanjager(engine):
    with db.transaction(engine) as session:
        return f.current(f.user(session, Role.AANJAGER))


def _new_series(engine, aanjager, **changes) -> Series:
    with db.transaction(engine) as session:
        return schedule.create_series(session=session, data=_series_input(**changes), actor=aanjager)


def test_series_with_four_dates_gets_the_default_werkvorm_snapshot(engine, aanjager):
    series = _new_series(engine, aanjager)
    days = schedule.dates_by_rhythm(dt.date(2026, 9, 8), 4, 4)
    with db.transaction(engine) as session:
        result = schedule.add_sessions(session=session, series_id=series.id, days=days, actor=aanjager, today=TODAY)
    assert result.warnings == []
    with db.read(engine) as session:
        stored = schedule.get_series(session=session, series_id=series.id)
        meetings = stored.sessions
    assert [m.date for m in meetings] == days
    assert next(m.title for m in meetings) == "Proeftuin Oss-Noord — leersessie 1"
    assert all(m.template_name == "Drie perspectieven" and len(m.rounds) == 3 for m in meetings)
    assert meetings[2].rounds[2]["yields_solutions"] is True
    assert all((m.start_time, m.end_time, m.location) == (NINE, HALF_ELEVEN, "gemeentehuis Oss") for m in meetings)
    assert schedule.describe(meetings[0]) == "dinsdag 8 september 2026, 09:00–10:30"


def test_duplicate_date_is_refused_and_nothing_is_stored(engine, aanjager):
    series = _new_series(engine, aanjager)
    day = dt.date(2026, 10, 6)
    with pytest.raises(DomainError, match="dinsdag 6 oktober 2026 staat twee keer"), db.transaction(engine) as s:
        schedule.add_sessions(
            session=s, series_id=series.id, days=[day, dt.date(2026, 11, 3), day], actor=aanjager, today=TODAY
        )
    with db.transaction(engine) as session:
        schedule.add_sessions(session=session, series_id=series.id, days=[day], actor=aanjager, today=TODAY)
    with pytest.raises(DomainError, match="staat in deze reeks al een leersessie"), db.transaction(engine) as s:
        schedule.add_sessions(
            session=s, series_id=series.id, days=[dt.date(2026, 12, 1), day], actor=aanjager, today=TODAY
        )
    with db.read(engine) as session:
        assert session.query(LearningSession).count() == 1


def test_a_past_date_is_planned_with_a_warning(engine, aanjager):
    series = _new_series(engine, aanjager)
    with db.transaction(engine) as session:
        result = schedule.add_sessions(
            session=session, series_id=series.id, days=[dt.date(2026, 8, 25)], actor=aanjager, today=TODAY
        )
    assert result.warnings == ["Let op: dinsdag 25 augustus 2026 ligt in het verleden."]
    assert len(result.sessions) == 1


@pytest.mark.parametrize(("start", "end"), [(dt.time(10, 30), dt.time(9, 0)), (NINE, NINE)])
def test_end_before_start_or_past_midnight_is_refused(engine, aanjager, start, end):
    with pytest.raises(DomainError, match="moet na de begintijd"):
        _new_series(engine, aanjager, default_start=start, default_end=end)


def test_over_long_and_empty_names_are_refused_in_dutch(engine, aanjager):
    with pytest.raises(DomainError, match="Naam van de reeks mag hoogstens 120 tekens"):
        _new_series(engine, aanjager, name="x" * 121)
    with pytest.raises(DomainError, match="Naam van de reeks is verplicht"):
        _new_series(engine, aanjager, name="   ")
    with pytest.raises(DomainError, match="Locatie mag hoogstens 200"):
        _new_series(engine, aanjager, location="y" * 201)
    with db.read(engine) as session:
        assert session.query(Series).count() == 0


def test_blns_names_are_stored_exactly(engine, aanjager):
    for number, text in enumerate(s for s in blns() if s.strip() and len(s.strip()) <= 100 and "\x00" not in s):
        if number >= 40:
            break
        series = _new_series(engine, aanjager, name=f"{number} {text.strip()}")
        assert series.name == f"{number} {text.strip()}"


def test_two_series_may_not_share_a_name(engine, aanjager):
    _new_series(engine, aanjager)
    with pytest.raises(DomainError, match="bestaat al een reeks"):
        _new_series(engine, aanjager, name="proeftuin oss-noord")


def test_edit_with_a_stale_version_is_a_conflict(engine, aanjager):
    series = _new_series(engine, aanjager)
    with db.transaction(engine) as session:
        schedule.update_series(
            session=session,
            series_id=series.id,
            data=_series_input(location="Bibliotheek"),
            expected_version=1,
            actor=aanjager,
        )
    with pytest.raises(Conflict), db.transaction(engine) as session:
        schedule.update_series(
            session=session,
            series_id=series.id,
            data=_series_input(location="Elders"),
            expected_version=1,
            actor=aanjager,
        )
    with db.read(engine) as session:
        assert session.get(Series, series.id).location == "Bibliotheek"


def test_a_professional_cannot_plan(engine):
    with db.transaction(engine) as session:
        professional = f.current(f.user(session, Role.PROFESSIONAL))
    with pytest.raises(NotAllowed), db.transaction(engine) as session:
        schedule.create_series(session=session, data=_series_input(), actor=professional)


def _one_session(engine, aanjager, day=dt.date(2026, 9, 8)) -> LearningSession:
    series = _new_series(engine, aanjager, name=f"Reeks {day}")
    with db.transaction(engine) as session:
        return schedule.add_sessions(
            session=session, series_id=series.id, days=[day, day + dt.timedelta(weeks=4)], actor=aanjager, today=TODAY
        ).sessions[0]


def test_move_changes_date_time_and_place(engine, aanjager):
    meeting = _one_session(engine, aanjager)
    with db.transaction(engine) as session:
        warnings = schedule.move_session(
            session=session,
            learning_session_id=meeting.id,
            day=dt.date(2026, 9, 10),
            start=dt.time(13, 0),
            end=dt.time(14, 30),
            location="Wijkcentrum De Ruwaard",
            expected_version=meeting.version,
            actor=aanjager,
            today=TODAY,
        )
    assert warnings == []
    with db.read(engine) as session:
        moved = session.get(LearningSession, meeting.id)
    assert schedule.describe(moved) == "donderdag 10 september 2026, 13:00–14:30"
    assert moved.location == "Wijkcentrum De Ruwaard"


def _version(engine, meeting_id: int) -> int:
    """The version a screen drawn now would show."""
    with db.read(engine) as session:
        return session.get(LearningSession, meeting_id).version


def test_move_onto_another_session_of_the_series_is_refused(engine, aanjager):
    meeting = _one_session(engine, aanjager)
    with pytest.raises(DomainError, match="al een leersessie"), db.transaction(engine) as session:
        schedule.move_session(
            session=session,
            learning_session_id=meeting.id,
            day=dt.date(2026, 10, 6),
            start=NINE,
            end=HALF_ELEVEN,
            location="",
            expected_version=_version(engine, meeting.id),
            actor=aanjager,
            today=TODAY,
        )


def _set_status(engine, aanjager, meeting, to_status) -> None:
    with db.transaction(engine) as session:
        schedule.set_status(
            session=session,
            learning_session_id=meeting.id,
            to_status=to_status,
            expected_version=_version(engine, meeting.id),
            actor=aanjager,
        )


def test_planning_steps_go_to_voorbereid_and_back(engine, aanjager):
    meeting = _one_session(engine, aanjager)
    _set_status(engine, aanjager, meeting, SessionStatus.PREPARED)
    _set_status(engine, aanjager, meeting, SessionStatus.PLANNED)
    with db.read(engine) as session:
        assert session.get(LearningSession, meeting.id).status == SessionStatus.PLANNED


def test_planning_cannot_start_a_session_without_a_join_code(engine, aanjager):
    """Marking a prepared session 'bezig' is refused: only the Projector starts it (with a join code)."""
    meeting = _one_session(engine, aanjager)
    _set_status(engine, aanjager, meeting, SessionStatus.PREPARED)
    with pytest.raises(DomainError, match="Projector"):
        _set_status(engine, aanjager, meeting, SessionStatus.RUNNING)
    with db.read(engine) as session:
        stored = session.get(LearningSession, meeting.id)
        assert (stored.status, stored.join_code) == (SessionStatus.PREPARED, None)


def test_planning_cannot_close_a_running_session_past_the_room(engine, aanjager):
    """Marking a running session 'afgerond' is refused: closing marks the cases besproken and ends the code."""
    meeting = _one_session(engine, aanjager)
    with db.transaction(engine) as session:
        case = f.case(session, f.user(session, Role.PROFESSIONAL), status=CaseStatus.SELECTED, session_id=meeting.id)
        phases.open_session(session=session, learning_session_id=meeting.id, actor=aanjager)
        code = session.get(LearningSession, meeting.id).join_code
    with pytest.raises(DomainError, match="Projector"):
        _set_status(engine, aanjager, meeting, SessionStatus.FINISHED)
    with db.transaction(engine) as session:
        assert join.join(session=session, code=code, attempt_key="telefoon") == meeting.id
        assert session.get(Case, case.id).status == CaseStatus.SELECTED


def test_a_closed_session_cannot_be_planned_or_moved_again(engine, aanjager):
    meeting = _one_session(engine, aanjager)
    with db.transaction(engine) as session:
        phases.open_session(session=session, learning_session_id=meeting.id, actor=aanjager)
    with db.transaction(engine) as session:
        phases.control(
            session=session,
            learning_session_id=meeting.id,
            command="end",
            expected_version=_version(engine, meeting.id),
            actor=aanjager,
        )
    with pytest.raises(DomainError, match="afgerond is, kan niet naar 'gepland'"):
        _set_status(engine, aanjager, meeting, SessionStatus.PLANNED)
    with pytest.raises(DomainError, match="kan niet meer worden verplaatst"), db.transaction(engine) as s:
        schedule.move_session(
            session=s,
            learning_session_id=meeting.id,
            day=dt.date(2026, 9, 9),
            start=NINE,
            end=HALF_ELEVEN,
            location="",
            expected_version=_version(engine, meeting.id),
            actor=aanjager,
            today=TODAY,
        )


def test_gepland_cannot_skip_to_afgerond(engine, aanjager):
    meeting = _one_session(engine, aanjager)
    with pytest.raises(DomainError, match="Projector"):
        _set_status(engine, aanjager, meeting, SessionStatus.FINISHED)


def test_cancelled_session_is_kept_and_frees_its_date(engine, aanjager):
    meeting = _one_session(engine, aanjager)
    with db.transaction(engine) as session:
        schedule.set_status(
            session=session,
            learning_session_id=meeting.id,
            to_status=SessionStatus.CANCELLED,
            expected_version=meeting.version,
            actor=aanjager,
        )
    with db.transaction(engine) as session:
        kept = session.get(LearningSession, meeting.id)
        assert kept.status == SessionStatus.CANCELLED
        assert schedule.describe(kept).endswith("(geannuleerd)")
        schedule.add_sessions(session=session, series_id=kept.series_id, days=[kept.date], actor=aanjager, today=TODAY)


def test_editing_the_werkvorm_later_never_changes_a_planned_session(engine, aanjager):
    meeting = _one_session(engine, aanjager)
    with db.transaction(engine) as session:
        beheerder = f.current(f.user(session, Role.BEHEERDER))
        template = werkvormen.default_template(session=session)
        werkvormen.update_template(
            session=session,
            template_id=template.id,
            expected_version=template.version,
            actor=beheerder,
            data=werkvormen.TemplateInput("Drie perspectieven", [werkvormen.RoundInput("Alles", "systeem", 45)]),
        )
    with db.read(engine) as session:
        assert [r["minutes"] for r in session.get(LearningSession, meeting.id).rounds] == [20, 20, 20]


def test_parse_dates_reads_dutch_notation_and_refuses_nonsense():
    assert schedule.parse_dates("5-9-2016, 3/10/2016\n2016-11-07") == [
        dt.date(2016, 9, 5),
        dt.date(2016, 10, 3),
        dt.date(2016, 11, 7),
    ]
    with pytest.raises(DomainError, match="'31-2-2016' is geen geldige datum"):
        schedule.parse_dates("31-2-2016")
