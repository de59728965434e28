"""The timer as data: remaining time from stored facts, pause/resume/add arithmetic, overrun, phases."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib.core.errors import DomainError
from lib.live import timer
from lib.models import Phase

T0 = dt.datetime(2026, 3, 3, 8, 0, tzinfo=dt.UTC)
ROUNDS = (20 * 60, 20 * 60, 20 * 60)


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


def in_first_round() -> timer.TimerState:
    state = timer.TimerState(Phase.OPENING, 0, ROUNDS)
    state = timer.advance(state, T0)  # terugblik
    return timer.advance(state, T0)  # round 1 starts at T0


def test_a_round_counts_down_from_its_planned_minutes():
    state = in_first_round()
    assert state.phase == Phase.ROUND and state.current_round == 0
    assert timer.remaining(state, T0) == 1200
    assert timer.remaining(state, at(300)) == 900
    assert timer.remaining(state, at(300)) == 15 * 60
    assert timer.ends_at(state) == at(1200)


def test_pause_stops_the_clock_and_resume_continues_where_it_was():
    state = timer.pause(in_first_round(), at(60))
    assert timer.remaining(state, at(60)) == timer.remaining(state, at(600)) == 1140
    assert timer.ends_at(state) is None
    state = timer.resume(state, at(600))
    assert state.paused_seconds == 540
    assert timer.remaining(state, at(600)) == 1140
    assert timer.ends_at(state) == at(1200 + 540)


def test_pausing_twice_or_resuming_a_running_clock_changes_nothing():
    state = timer.pause(in_first_round(), at(60))
    assert timer.pause(state, at(120)) == state
    running = in_first_round()
    assert timer.resume(running, at(10)) == running


def test_adding_minutes_lengthens_the_round_also_while_paused():
    state = timer.add_minutes(in_first_round(), 5)
    assert timer.remaining(state, at(0)) == 1500
    state = timer.add_minutes(timer.pause(state, at(100)), 1)
    assert timer.remaining(state, at(500)) == 1460
    with pytest.raises(DomainError, match="Zo kort"):
        timer.add_minutes(state, -30)


def test_overrun_counts_up_after_zero_and_shows_a_plus():
    state = in_first_round()
    assert timer.overrun(state, at(1199)) == 0
    assert timer.overrun(state, at(1283)) == 83
    assert timer.remaining(state, at(1283)) == -83


def test_the_phases_run_in_order_and_each_round_starts_afresh():
    state = timer.TimerState(Phase.OPENING, 0, ROUNDS)
    seen = []
    for step in range(6):
        state = timer.advance(state, at(step * 100))
        seen.append((state.phase, state.current_round, state.round_started_at))
    assert seen == [
        (Phase.REVIEW, 0, None),
        (Phase.ROUND, 0, at(100)),
        (Phase.ROUND, 1, at(200)),
        (Phase.ROUND, 2, at(300)),
        (Phase.CLOSING, 2, None),
        (Phase.CLOSED, 2, None),
    ]


def test_a_closed_session_cannot_advance_or_go_back():
    state = timer.end(in_first_round())
    assert state.phase == Phase.CLOSED and state.round_started_at is None
    with pytest.raises(DomainError, match="gesloten"):
        timer.advance(state, T0)
    with pytest.raises(DomainError, match="gesloten"):
        timer.back(state, T0)


def test_next_round_resets_pause_and_added_time():
    state = timer.add_minutes(timer.pause(in_first_round(), at(100)), 3)
    state = timer.advance(state, at(2000))
    assert state.current_round == 1
    assert (state.paused_at, state.paused_seconds, state.added_seconds) == (None, 0, 0)
    assert timer.remaining(state, at(2000)) == 1200


def test_going_back_steps_through_the_phases_in_reverse():
    state = timer.advance(timer.advance(in_first_round(), at(10)), at(20))  # round 3
    state = timer.back(state, at(30))
    assert (state.phase, state.current_round, state.round_started_at) == (Phase.ROUND, 1, at(30))
    state = timer.back(timer.back(state, at(40)), at(50))
    assert state.phase == Phase.REVIEW
    assert timer.back(state, at(60)).phase == Phase.OPENING
    with pytest.raises(DomainError, match="eerste fase"):
        timer.back(timer.back(state, at(60)), at(70))
    closing = timer.advance(timer.advance(timer.advance(in_first_round(), T0), T0), T0)
    assert closing.phase == Phase.CLOSING
    assert timer.back(closing, at(5)).current_round == 2


def test_pause_outside_a_round_is_refused_in_dutch():
    with pytest.raises(DomainError, match="geen ronde"):
        timer.pause(timer.TimerState(Phase.REVIEW, 0, ROUNDS), T0)


def test_session_clock_counts_the_rounds_still_to_come():
    assert timer.TimerState(Phase.OPENING, 0, ROUNDS).later_seconds == 3600
    assert in_first_round().later_seconds == 2400
    assert timer.TimerState(Phase.CLOSING, 2, ROUNDS).later_seconds == 0


# --- properties ---------------------------------------------------------------------------------

events = st.lists(
    st.tuples(
        st.sampled_from(["pause", "resume", "add", "wait"]),
        st.integers(min_value=0, max_value=900),
        st.integers(min_value=-2, max_value=10),
    ),
    max_size=25,
)


@given(events)
def test_remaining_is_planned_plus_added_minus_running_time(steps):
    """Whatever the sequence of pauses, resumes and added minutes, the remaining time equals the planned
    time plus the added time minus the seconds the clock actually ran."""
    state = in_first_round()
    now = T0
    ran = 0
    added = 0
    for command, seconds, minutes in steps:
        if command == "wait":
            if not state.paused:
                ran += seconds
            now += dt.timedelta(seconds=seconds)
        elif command == "pause":
            state = timer.pause(state, now)
        elif command == "resume":
            state = timer.resume(state, now)
        else:
            try:
                state = timer.add_minutes(state, minutes)
                added += minutes * 60
            except DomainError:
                pass
        assert timer.remaining(state, now) == pytest.approx(1200 + added - ran)
        assert timer.overrun(state, now) == pytest.approx(max(0, ran - 1200 - added))


@given(st.lists(st.booleans(), max_size=30))
def test_any_walk_forward_and_back_stays_within_the_phases(moves):
    """Forward and back in any order never leaves a valid phase/round, and a round always has a clock."""
    state = timer.TimerState(Phase.OPENING, 0, ROUNDS)
    for forward in moves:
        try:
            state = timer.advance(state, T0) if forward else timer.back(state, T0)
        except DomainError:
            continue
        assert 0 <= state.current_round < len(ROUNDS)
        assert (state.round_started_at is not None) == (state.phase == Phase.ROUND)
        if state.phase == Phase.CLOSED:
            break


@given(st.integers(min_value=0, max_value=5000), st.integers(min_value=0, max_value=5000))
def test_remaining_never_increases_while_running(first, later):
    state = in_first_round()
    assert timer.remaining(state, at(first + later)) <= timer.remaining(state, at(first))
