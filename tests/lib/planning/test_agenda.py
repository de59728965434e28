"""The agenda arithmetic: clock times of terugblik, rounds and afsluiting; the warning when it does not fit."""

from __future__ import annotations

import datetime as dt

from lib.core import db
from lib.models import Role
from lib.planning import agenda
from tests import factories as f

THREE_ROUNDS = [
    {"name": f"Ronde {i}", "perspective": p, "minutes": 20, "guiding_questions": ["?"]}
    for i, p in enumerate(["systeem", "professional", "veranderproces"], start=1)
]


def test_three_rounds_fit_in_ninety_minutes_with_clock_times():
    plan = agenda.build_agenda(rounds=THREE_ROUNDS, start=dt.time(9, 0), end=dt.time(10, 30))
    assert [item.when for item in plan.items] == [
        "09:00–09:10",
        "09:10–09:30",
        "09:30–09:50",
        "09:50–10:10",
        "10:10–10:20",
    ]
    assert [item.kind for item in plan.items] == ["terugblik", "ronde", "ronde", "ronde", "afsluiting"]
    assert plan.items[1].perspective == "systeem"
    assert (plan.planned_minutes, plan.available_minutes, plan.warning) == (80, 90, None)


def test_rounds_that_do_not_fit_give_a_warning_with_the_minutes():
    plan = agenda.build_agenda(rounds=THREE_ROUNDS, start=dt.time(9, 0), end=dt.time(10, 0))
    assert plan.warning is not None
    assert "duurt 80 minuten, de sessie 60 minuten" in plan.warning
    assert "20 minuten te veel" in plan.warning


def test_an_exactly_fitting_programme_has_no_warning():
    plan = agenda.build_agenda(rounds=THREE_ROUNDS, start=dt.time(9, 0), end=dt.time(10, 20))
    assert plan.warning is None
    assert plan.items[-1].end == dt.time(10, 20)


def test_clock_times_never_pass_midnight():
    plan = agenda.build_agenda(rounds=THREE_ROUNDS, start=dt.time(23, 0), end=dt.time(23, 30))
    assert plan.items[-1].end == dt.time(23, 59)
    assert plan.warning


def test_stored_session_lists_open_actions_in_its_terugblik(engine):
    with db.transaction(engine) as session:
        series = f.series(session)
        owner = f.user(session, Role.MANAGER, display_name="Marco de Bruijn")
        past = f.learning_session(session, series_row=series, date=dt.date(2026, 9, 1))
        coming = f.learning_session(session, series_row=series, date=dt.date(2026, 10, 6))
        f.action(session, past, owner, title="Vast aanspreekpunt bij de corporatie", due_date=dt.date(2026, 10, 6))
        first = agenda.agenda_for_session(session=session, learning_session_id=past.id)
        plan = agenda.agenda_for_session(session=session, learning_session_id=coming.id)
    assert plan.items[0].details == ["Vast aanspreekpunt bij de corporatie — Marco de Bruijn, uiterlijk 6 okt 2026"]
    assert plan.items[0].minutes == agenda.REVIEW_MINUTES
    assert first.items[0].minutes == agenda.SHORT_REVIEW_MINUTES and first.items[0].details == []


def test_the_agenda_names_the_last_agreed_actions_and_counts_the_rest(engine):
    """A long series: the agenda names `review_lines` actions (the last agreed first) and counts the
    others, where the terugblik itself walks through all of them."""
    with db.transaction(engine) as session:
        series = f.series(session)
        owner = f.user(session, Role.MANAGER, display_name="Marco de Bruijn")
        earlier = f.learning_session(session, series_row=series, date=dt.date(2026, 9, 1))
        later = f.learning_session(session, series_row=series, date=dt.date(2026, 9, 15))
        coming = f.learning_session(session, series_row=series, date=dt.date(2026, 10, 6))
        for number in range(4):
            f.action(session, earlier, owner, title=f"Eerder {number}", due_date=None)
        f.action(session, later, owner, title="Laatst afgesproken", due_date=None)
        plan = agenda.agenda_for_session(session=session, learning_session_id=coming.id, review_lines=2)
    assert plan.items[0].details == [
        "Laatst afgesproken — Marco de Bruijn",
        "Eerder 3 — Marco de Bruijn",
        "… en 3 eerder afgesproken (alle in Opvolging)",
    ]
    assert plan.review is not None and (plan.review.total, plan.review.open) == (5, 5)
