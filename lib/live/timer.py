"""The live session's clock as data: a pure state machine over the facts stored on LearningSession.

Nothing here loops or sleeps. A `TimerState` is read from the row (`state_of`), a transition returns a
new state (`advance`, `back`, `pause`, `resume`, `add_minutes`, `end`), and `store` writes it back. The
remaining time is a function of (state, now), so every screen and every restarted server agrees.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from lib.core.errors import DomainError
from lib.models import LearningSession, Phase

MAX_ADDED_MINUTES = 120


@dataclass(frozen=True)
class TimerState:
    """Where a live session is, and the stored facts of the current round's clock."""

    phase: Phase
    current_round: int
    round_seconds: tuple[int, ...]  # planned length of every round
    round_started_at: dt.datetime | None = None
    paused_at: dt.datetime | None = None
    paused_seconds: int = 0
    added_seconds: int = 0

    @property
    def in_round(self) -> bool:
        return self.phase == Phase.ROUND and self.round_started_at is not None

    @property
    def paused(self) -> bool:
        return self.in_round and self.paused_at is not None

    @property
    def is_last_round(self) -> bool:
        return self.current_round >= len(self.round_seconds) - 1

    @property
    def total_seconds(self) -> int:
        """The round's planned length plus the minutes added to it."""
        if not self.in_round:
            return 0
        return max(0, self.round_seconds[self.current_round] + self.added_seconds)

    @property
    def later_seconds(self) -> int:
        """The planned length of the rounds after the current one (all rounds before they start)."""
        if self.phase in (Phase.OPENING, Phase.REVIEW):
            return sum(self.round_seconds)
        if self.phase == Phase.ROUND:
            return sum(self.round_seconds[self.current_round + 1 :])
        return 0


def state_of(meeting: LearningSession) -> TimerState:
    rounds = tuple(int(r.get("minutes", 20)) * 60 for r in (meeting.rounds or []))
    return TimerState(
        phase=Phase(meeting.phase),
        current_round=meeting.current_round,
        round_seconds=rounds,
        round_started_at=meeting.round_started_at,
        paused_at=meeting.paused_at,
        paused_seconds=meeting.paused_seconds,
        added_seconds=meeting.added_seconds,
    )


def store(meeting: LearningSession, state: TimerState) -> None:
    """Copy a state's facts onto the row (the caller's transaction saves them)."""
    meeting.phase = state.phase
    meeting.current_round = state.current_round
    meeting.round_started_at = state.round_started_at
    meeting.paused_at = state.paused_at
    meeting.paused_seconds = state.paused_seconds
    meeting.added_seconds = state.added_seconds


def facts(state: TimerState) -> dict[str, Any]:
    """The stored facts as plain values (for UPDATE statements and comparisons)."""
    return {
        "phase": str(state.phase),
        "current_round": state.current_round,
        "round_started_at": state.round_started_at,
        "paused_at": state.paused_at,
        "paused_seconds": state.paused_seconds,
        "added_seconds": state.added_seconds,
    }


# --- reading the clock --------------------------------------------------------------------------


def elapsed(state: TimerState, now: dt.datetime) -> float:
    """Seconds the current round has run, pauses excluded (0 outside a round)."""
    if not state.in_round:
        return 0.0
    assert state.round_started_at is not None
    until = state.paused_at or now
    return max(0.0, (until - state.round_started_at).total_seconds() - state.paused_seconds)


def remaining(state: TimerState, now: dt.datetime) -> float:
    """Seconds left in the current round; negative once the round runs over."""
    if not state.in_round:
        return 0.0
    return state.total_seconds - elapsed(state, now)


def overrun(state: TimerState, now: dt.datetime) -> float:
    """Seconds past the round's end (0 while there is time left)."""
    return max(0.0, -remaining(state, now))


def ends_at(state: TimerState) -> dt.datetime | None:
    """When a running round reaches zero (None when paused or not in a round)."""
    if not state.in_round or state.paused:
        return None
    assert state.round_started_at is not None
    return state.round_started_at + dt.timedelta(seconds=state.total_seconds + state.paused_seconds)


# --- transitions --------------------------------------------------------------------------------


def _start_round(state: TimerState, index: int, now: dt.datetime) -> TimerState:
    return dataclasses.replace(
        state,
        phase=Phase.ROUND,
        current_round=index,
        round_started_at=now,
        paused_at=None,
        paused_seconds=0,
        added_seconds=0,
    )


def _leave_rounds(state: TimerState, phase: Phase, current_round: int) -> TimerState:
    return dataclasses.replace(
        state,
        phase=phase,
        current_round=current_round,
        round_started_at=None,
        paused_at=None,
        paused_seconds=0,
        added_seconds=0,
    )


def advance(state: TimerState, now: dt.datetime) -> TimerState:
    """The next step: opening → terugblik → round 1 … round n → afsluiting → gesloten.

    Entering a round starts its clock; leaving the last round goes to the afsluiting.
    """
    if state.phase == Phase.OPENING:
        return _leave_rounds(state, Phase.REVIEW, 0)
    if state.phase == Phase.REVIEW:
        if not state.round_seconds:
            return _leave_rounds(state, Phase.CLOSING, 0)
        return _start_round(state, 0, now)
    if state.phase == Phase.ROUND:
        if state.is_last_round:
            return _leave_rounds(state, Phase.CLOSING, state.current_round)
        return _start_round(state, state.current_round + 1, now)
    if state.phase == Phase.CLOSING:
        return _leave_rounds(state, Phase.CLOSED, state.current_round)
    raise DomainError("De leersessie is gesloten.")


def back(state: TimerState, now: dt.datetime) -> TimerState:
    """One step back; a round that is entered again starts its clock afresh."""
    if state.phase == Phase.REVIEW:
        return _leave_rounds(state, Phase.OPENING, 0)
    if state.phase == Phase.ROUND:
        if state.current_round == 0:
            return _leave_rounds(state, Phase.REVIEW, 0)
        return _start_round(state, state.current_round - 1, now)
    if state.phase == Phase.CLOSING:
        if not state.round_seconds:
            return _leave_rounds(state, Phase.REVIEW, 0)
        return _start_round(state, len(state.round_seconds) - 1, now)
    if state.phase == Phase.OPENING:
        raise DomainError("De opening is de eerste fase: verder terug kan niet.")
    raise DomainError("De leersessie is gesloten.")


def pause(state: TimerState, now: dt.datetime) -> TimerState:
    """Stop the clock; pausing a paused clock changes nothing."""
    if not state.in_round:
        raise DomainError("Er loopt geen ronde om te pauzeren.")
    if state.paused:
        return state
    return dataclasses.replace(state, paused_at=now)


def resume(state: TimerState, now: dt.datetime) -> TimerState:
    """Run the clock again; the pause does not count as round time."""
    if not state.in_round:
        raise DomainError("Er loopt geen ronde om te hervatten.")
    if not state.paused:
        return state
    assert state.paused_at is not None
    pause_length = max(0, round((now - state.paused_at).total_seconds()))
    return dataclasses.replace(state, paused_at=None, paused_seconds=state.paused_seconds + pause_length)


def add_minutes(state: TimerState, minutes: int) -> TimerState:
    """Lengthen (or, negative, shorten) the current round; never below zero in total."""
    if not state.in_round:
        raise DomainError("Er loopt geen ronde om tijd aan toe te voegen.")
    added = state.added_seconds + minutes * 60
    if abs(added) > MAX_ADDED_MINUTES * 60:
        raise DomainError(f"Een ronde kan hoogstens {MAX_ADDED_MINUTES} minuten langer of korter worden.")
    if state.round_seconds[state.current_round] + added < 0:
        raise DomainError("Zo kort kan de ronde niet worden.")
    return dataclasses.replace(state, added_seconds=added)


def end(state: TimerState) -> TimerState:
    """Close the session from any phase."""
    if state.phase == Phase.CLOSED:
        return state
    return _leave_rounds(state, Phase.CLOSED, state.current_round)


# --- the schedule of the day --------------------------------------------------------------------

SCHEDULE_TOLERANCE = dt.timedelta(minutes=15)


@dataclass(frozen=True)
class Schedule:
    """The times the room measures itself against: the plan, or the plan moved to the actual opening."""

    start: dt.datetime
    end: dt.datetime
    moved: bool  # the session opened more than SCHEDULE_TOLERANCE from its planned start


def schedule(*, planned_start: dt.datetime, planned_end: dt.datetime, opened_at: dt.datetime | None) -> Schedule:
    """Ahead/behind is measured against the plan when the session opens on its planned time (within
    SCHEDULE_TOLERANCE); a session opened later or earlier than that (moved, started late, a rehearsal on
    another day) keeps its planned length but starts at the opening: "schema vanaf opening 14:05"."""
    if opened_at is None or abs(opened_at - planned_start) <= SCHEDULE_TOLERANCE:
        return Schedule(planned_start, planned_end, moved=False)
    return Schedule(opened_at, opened_at + (planned_end - planned_start), moved=True)


def rounds_end(state: TimerState, now: dt.datetime) -> dt.datetime:
    """When the last round will end at this pace: the current round's end (now, when it runs over)
    plus the planned length of the rounds still to come."""
    left = max(0.0, remaining(state, now)) if state.in_round else 0.0
    return now + dt.timedelta(seconds=left + state.later_seconds)


def slack_minutes(state: TimerState, now: dt.datetime, target_end: dt.datetime) -> int:
    """Minutes ahead of (positive) or behind (negative) the moment the rounds should be done."""
    return round((target_end - rounds_end(state, now)).total_seconds() / 60)


def slack_text(minutes: int) -> str:
    """'op schema', '3 min voor op schema', '12 min achter op schema' (short: it follows "Nog 12 min · "
    under the clock; lib/ui/timer.py says the same in the browser)."""
    if minutes == 0:
        return "op schema"
    return f"{abs(minutes)} min {'voor' if minutes > 0 else 'achter'} op schema"
