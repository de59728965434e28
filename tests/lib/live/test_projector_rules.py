"""The projector's rules outside Streamlit: the schedule that follows the room, timer commands that apply
to the state a screen saw, and which user a typed trekker name means."""

from __future__ import annotations

import datetime as dt

import pytest

from lib.core import db
from lib.core.errors import Conflict
from lib.live import phases, timer
from lib.live.trekker import match_trekker
from lib.models import LearningSession, Phase
from tests.lib.live.test_live import open_room

UTC = dt.UTC
PLANNED_START = dt.datetime(2026, 11, 24, 13, 0, tzinfo=UTC)
PLANNED_END = dt.datetime(2026, 11, 24, 14, 30, tzinfo=UTC)


# --- the schedule -------------------------------------------------------------------------------


@pytest.mark.parametrize("minutes_late", [0, 5, -10, 15, -15])
def test_a_session_opened_near_its_planned_start_is_measured_against_the_plan(minutes_late):
    opened = PLANNED_START + dt.timedelta(minutes=minutes_late)
    plan = timer.schedule(planned_start=PLANNED_START, planned_end=PLANNED_END, opened_at=opened)
    assert (plan.start, plan.end, plan.moved) == (PLANNED_START, PLANNED_END, False)


@pytest.mark.parametrize(
    "opened",
    [
        PLANNED_START + dt.timedelta(minutes=16),  # started late
        PLANNED_START - dt.timedelta(minutes=40),  # a rehearsal before
        PLANNED_START + dt.timedelta(days=3, minutes=5),  # moved to another day
    ],
)
def test_a_session_opened_more_than_a_quarter_off_keeps_its_length_from_the_opening(opened):
    plan = timer.schedule(planned_start=PLANNED_START, planned_end=PLANNED_END, opened_at=opened)
    assert plan.moved and plan.start == opened
    assert plan.end - plan.start == PLANNED_END - PLANNED_START


def test_a_session_not_yet_opened_follows_the_plan():
    plan = timer.schedule(planned_start=PLANNED_START, planned_end=PLANNED_END, opened_at=None)
    assert not plan.moved


def test_ahead_and_behind_count_the_rounds_still_to_come():
    """Round 1 of 3 × 20 min just started at 13:10: the rounds end at 14:10; the target is 14:20."""
    start = dt.datetime(2026, 11, 24, 13, 10, tzinfo=UTC)
    state = timer.TimerState(Phase.ROUND, 0, (1200, 1200, 1200), round_started_at=start)
    target = PLANNED_END - dt.timedelta(minutes=10)
    assert timer.slack_minutes(state, start, target) == 10
    assert timer.slack_text(10) == "10 min voor op schema"
    # 25 minutes later the round runs 5 minutes over: the two rounds to come end at 14:15.
    assert timer.slack_minutes(state, start + dt.timedelta(minutes=25), target) == 5
    # 40 minutes later (20 over): they end at 14:30, ten minutes behind.
    assert timer.slack_minutes(state, start + dt.timedelta(minutes=40), target) == -10
    assert timer.slack_text(-10) == "10 min achter op schema"
    assert timer.slack_text(0) == "op schema"


def test_the_late_opened_demo_day_is_not_hundreds_of_minutes_behind():
    """The bug: opened at 03:00 for a 13:00 plan said "600 min achter"; the schedule moves with the opening."""
    opened = dt.datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
    plan = timer.schedule(planned_start=PLANNED_START, planned_end=PLANNED_END, opened_at=opened)
    state = timer.TimerState(Phase.REVIEW, 0, (1200, 1200, 1200))
    slack = timer.slack_minutes(state, opened + dt.timedelta(minutes=5), plan.end - dt.timedelta(minutes=10))
    assert plan.moved and abs(slack) < 30


# --- timer commands on the state a screen saw ----------------------------------------------------


def _version(engine, session_id: int) -> int:
    with db.read(engine) as session:
        return session.get(LearningSession, session_id).version


def _add_minute(engine, room, seen: int) -> None:
    with db.transaction(engine) as session:
        phases.control(
            session=session,
            learning_session_id=room.session_id,
            command="add",
            minutes=1,
            expected_version=seen,
            actor=room.aanjager,
        )


def test_plus_one_minute_on_two_screens_adds_one_minute_and_tells_the_second_where_it_stands(engine):
    room = open_room(engine)
    seen = _version(engine, room.session_id)  # both screens were drawn at this version
    _add_minute(engine, room, seen)
    with pytest.raises(Conflict) as refused:
        _add_minute(engine, room, seen)
    assert "ronde 1" in str(refused.value) and "nog 2" in str(refused.value)  # 20 + 1 min, the current state
    with db.read(engine) as session:
        assert session.get(LearningSession, room.session_id).added_seconds == 60


def test_a_pause_from_a_stale_screen_is_refused_and_says_it_is_paused(engine):
    room = open_room(engine)
    seen = _version(engine, room.session_id)
    with db.transaction(engine) as session:
        phases.control(
            session=session,
            learning_session_id=room.session_id,
            command="pause",
            expected_version=seen,
            actor=room.aanjager,
        )
    with pytest.raises(Conflict, match="gepauzeerd"), db.transaction(engine) as session:
        phases.control(
            session=session,
            learning_session_id=room.session_id,
            command="next",
            expected_version=seen,
            actor=room.aanjager,
        )
    with db.read(engine) as session:
        meeting = session.get(LearningSession, room.session_id)
        assert (meeting.current_round, meeting.paused_at is not None) == (0, True)


def test_the_opening_time_is_part_of_the_live_view(engine):
    room = open_room(engine, phase_steps=0)
    with db.read(engine) as session:
        view = phases.live_view(session=session, learning_session_id=room.session_id)
    assert view.started_at is not None and view.phase == Phase.OPENING


# --- who a typed trekker is ---------------------------------------------------------------------

TREKKERS = {
    "Marco de Bruijn (Woonstede)": 1,
    "Marieke Jansen (Gemeente)": 2,
    "Ingrid van Lieshout (GGZ)": 3,
    "Ingrid Bakker (GGZ)": 4,
}


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Marco", "Marco de Bruijn (Woonstede)"),
        ("marco", "Marco de Bruijn (Woonstede)"),
        ("  m de bruijn ", "Marco de Bruijn (Woonstede)"),
        ("bruijn woonstede", "Marco de Bruijn (Woonstede)"),
        ("Marieke Jansen (Gemeente)", "Marieke Jansen (Gemeente)"),
        ("Ingrid", None),  # two Ingrids: the typed name stays free text
        ("Ingrid van", "Ingrid van Lieshout (GGZ)"),
        ("Mar", None),  # Marco and Marieke
        ("Piet", None),
        ("", None),
        (None, None),
    ],
)
def test_a_typed_name_picks_the_one_user_it_fits(typed, expected):
    assert match_trekker(typed, TREKKERS) == expected
