"""What a waiting phone or projector costs the database per 2-second poll: a fixed, small number of
statements whatever the size of the room or of the years of data around it (counted, not timed)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest
from sqlalchemy import event, insert

from lib.core import db
from lib.live import capture, phases
from lib.models import Attendance, Contribution, ContributionKind, GroupMember, Phase, Role
from lib.ui import live
from tests import factories
from tests.lib.live.test_live import _control, add, open_room

# Reading the whole picture of a room: session, groups (+ case, members, attendance, user), board
# (groups, votes, contributions) and, when the room votes, solutions (votes, contributions).
MAX_STATEMENTS_PER_CHANGE = 12


@contextlib.contextmanager
def counted(engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        if statement.strip().upper() not in ("BEGIN", "BEGIN IMMEDIATE", "COMMIT", "ROLLBACK"):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def grow(engine, room, *, people_per_group: int, contributions: int) -> None:
    """Seat people at every table and fill the current round (bulk inserts: many rows, few statements)."""
    with db.transaction(engine) as session:
        people = [factories.user(session, Role.PROFESSIONAL) for _ in range(people_per_group * len(room.groups))]
        session.execute(
            insert(Attendance),
            [{"session_id": room.session_id, "user_id": p.id, "role": Role.PROFESSIONAL} for p in people],
        )
        attendance_ids = [
            a.id for a in session.query(Attendance).filter(Attendance.session_id == room.session_id).all()
        ]
        session.execute(
            insert(GroupMember),
            [
                {"group_id": room.groups[index % len(room.groups)], "attendance_id": attendance_id}
                for index, attendance_id in enumerate(attendance_ids)
            ],
        )
        session.execute(
            insert(Contribution),
            [
                {
                    "session_id": room.session_id,
                    "group_id": room.groups[n % len(room.groups)],
                    "round_index": 0,
                    "perspective": "systeem",
                    "kind": ContributionKind.OBSTACLE,
                    "text": f"Inbreng {n}",
                }
                for n in range(contributions)
            ],
        )
        phases.touch(session, room.session_id)


def polls(engine, learning_session_id: int) -> tuple[int, int, live.Snapshot]:
    """Statements of a poll after a change (nothing cached anywhere) and of the next, unchanged poll."""
    live.clear()
    memo: dict = {}
    with counted(engine) as first:
        snapshot = live.current(learning_session_id, memo)
    with counted(engine) as second:
        again = live.current(learning_session_id, memo)
    assert again is snapshot
    return len(first), len(second), snapshot


@pytest.mark.parametrize("groups", [1, 6])
def test_a_waiting_screen_costs_one_statement_per_poll_whatever_the_data_size(engine, groups):
    room = open_room(engine, groups=groups)
    add(engine, room, "Eerste inbreng")
    small_change, small_idle, snapshot = polls(engine, room.session_id)
    assert snapshot.view.phase == Phase.ROUND and len(snapshot.boards) == groups
    assert "Eerste inbreng" in snapshot.board_html

    grow(engine, room, people_per_group=15, contributions=600)
    large_change, large_idle, snapshot = polls(engine, room.session_id)
    assert sum(len(b.items) for b in snapshot.boards) == 601  # the board really is bigger now

    assert small_idle == large_idle == 1  # one number read while nothing changed
    assert small_change <= MAX_STATEMENTS_PER_CHANGE and large_change <= MAX_STATEMENTS_PER_CHANGE


def test_every_change_a_screen_shows_moves_the_live_version(engine):
    """Contributions, moderation, votes, phases and evaluations each make the waiting screens re-read."""
    room = open_room(engine, groups=2)
    memo: dict = {}
    live.clear()
    seen = [live.current(room.session_id, memo).stamp]

    def changed() -> bool:
        stamp = live.current(room.session_id, memo).stamp
        moved = stamp != seen[-1]
        seen.append(stamp)
        return moved

    contribution = add(engine, room, "Loket dicht", key="telefoon-1")
    assert changed()
    with db.transaction(engine) as session:
        capture.edit_contribution(
            session=session, contribution_id=contribution, text="Loket zelden open", author_key="telefoon-1"
        )
    assert changed()
    assert "Loket zelden open" in live.current(room.session_id, memo).board_html
    with db.transaction(engine) as session:
        capture.set_hidden(session=session, contribution_id=contribution, hidden=True, actor=room.aanjager)
    assert changed()
    assert "Loket zelden open" not in live.current(room.session_id, memo).board_html
    assert not changed()  # nothing happened: the same picture
    _control(engine, room, "pause")
    assert changed()
    _control(engine, room, "next")
    _control(engine, room, "next")
    _control(engine, room, "next")  # the afsluiting: the room votes
    assert changed()
    assert live.current(room.session_id, memo).view.phase == Phase.CLOSING
