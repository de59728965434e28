"""What the waiting phones and the projector redraw every 2 s, read once per change of the session.

A waiting screen first reads the session's live version (one primary-key lookup). While it is the
number the screen last drew, the screen redraws what it already holds; when it changed, the whole
live picture (phase, groups, board, solutions, evaluation) is read once for every screen of the room
(`st.cache_data` keyed on the database, the session and that number) and the board markup is built
once with it.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any, cast

import streamlit as st

from lib.core import db
from lib.live import capture, evaluation, phases
from lib.models import Phase
from lib.ui import board

_MEMO = "_live_snapshot"


@dataclass(frozen=True)
class ActionLine:
    title: str
    owner: str
    organisation: str
    due_date: Any


@dataclass(frozen=True)
class Snapshot:
    """Everything the screens of one room show, at one live version."""

    stamp: int
    view: phases.LiveView
    boards: tuple[capture.GroupBoard, ...]  # the current round's visible board (rounds only)
    board_html: str
    solutions: tuple[capture.Solution, ...]  # when the room votes (a solutions round, the afsluiting)
    evaluation: evaluation.EvaluationSummary | None  # afsluiting and after
    actions: tuple[ActionLine, ...]  # afsluiting and after

    @property
    def rendered(self) -> tuple[Phase, int]:
        """What a full page run depends on: another phase or round redraws the whole page."""
        return (self.view.phase, self.view.state.current_round)

    @property
    def voting(self) -> bool:
        view = self.view
        return view.phase == Phase.CLOSING or (
            view.phase == Phase.ROUND and bool((view.current or {}).get("yields_solutions"))
        )


def read_snapshot(*, session: Any, learning_session_id: int, stamp: int) -> Snapshot:
    """Read the live picture of one session (a fixed number of queries, whatever the data size)."""
    view = phases.live_view(session=session, learning_session_id=learning_session_id)
    boards: tuple[capture.GroupBoard, ...] = ()
    markup = ""
    if view.phase == Phase.ROUND:
        boards = tuple(
            capture.board(session=session, learning_session_id=view.id, round_index=view.state.current_round)
        )
        markup = board.board_html(
            list(boards), yields_solutions=bool((view.current or {}).get("yields_solutions")), groups=view.groups
        )
    voting = view.phase == Phase.CLOSING or (
        view.phase == Phase.ROUND and bool((view.current or {}).get("yields_solutions"))
    )
    finished = view.phase in (Phase.CLOSING, Phase.CLOSED)
    return Snapshot(
        stamp=stamp,
        view=view,
        boards=boards,
        board_html=markup,
        solutions=tuple(capture.solutions(session=session, learning_session_id=view.id)) if voting else (),
        evaluation=evaluation.evaluation_results(session=session, learning_session_id=view.id) if finished else None,
        actions=tuple(
            ActionLine(a.title, a.owner_label, a.organisation.name if a.organisation else "", a.due_date)
            for a in capture.session_actions(session=session, learning_session_id=view.id)
        )
        if finished
        else (),
    )


@st.cache_data(max_entries=16, ttl=3600, show_spinner=False)  # the latest versions of the rooms running now
def _shared_snapshot(database: str, learning_session_id: int, stamp: int) -> Snapshot:
    with db.read() as session:
        return read_snapshot(session=session, learning_session_id=learning_session_id, stamp=stamp)


def current(learning_session_id: int, memo: MutableMapping[str, Any] | None = None) -> Snapshot | None:
    """The live picture of a session for this screen; None when the session does not exist.

    `memo` (this browser session's state) holds the last picture: while the live version is unchanged
    this costs one query and nothing else.
    """
    if memo is None:  # Streamlit's session state is a mutable mapping of str keys, typed as its own proxy
        memo = cast(MutableMapping[str, Any], st.session_state)
    with db.read() as session:
        stamp = phases.live_stamp(session=session, learning_session_id=learning_session_id)
    if stamp is None:
        return None
    held = memo.get(_MEMO)
    if held is not None and held.view.id == learning_session_id and held.stamp == stamp:
        return held
    database = db.get_engine().url.render_as_string(hide_password=True)
    snapshot = _shared_snapshot(database, learning_session_id, stamp)
    memo[_MEMO] = snapshot
    return snapshot


def clear() -> None:
    """Forget the shared pictures (tests)."""
    _shared_snapshot.clear()


def vote_warning(learning_session_id: int, actor: Any) -> None:
    """On the projector: a warning when more phones voted than people are present (a fresh browser is a
    new voter; the room's cap in lib/live/capture.toggle_vote keeps the total within bounds)."""
    with db.read() as session:
        tally = capture.vote_tally(session=session, learning_session_id=learning_session_id, actor=actor)
    if tally.exceeds_room:
        st.warning(
            f"Er stemden {tally.voters} telefoons, maar er zijn {tally.present} mensen aanwezig: "
            "de stemmen tellen mogelijk dubbel.",
            icon="⚠️",
        )
