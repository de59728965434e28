"""Vastgelopen: the rule on dates and statuses, the terugblikken that count, the dashboard's list per
organisation (a manager sees only their own), the trekker's own list, and "2e keer besproken"."""

from __future__ import annotations

import datetime as dt

import pytest

from lib.core import db
from lib.core.dates import local_today
from lib.core.errors import NotAllowed
from lib.followup import actions, stuck, terugblik
from lib.models import ActionStatus, Role
from tests import factories as f

TODAY = dt.date(2026, 3, 31)
BEZIG, NIET, DONE, OPEN = ActionStatus.IN_PROGRESS, ActionStatus.FAILED, ActionStatus.DONE, ActionStatus.OPEN


# --- the rule, on plain values --------------------------------------------------------------------


def test_left_bezig_at_two_terugblikken_in_a_row_and_still_bezig_is_stuck():
    why = stuck.reasons(status=BEZIG, due_date=None, outcomes=[BEZIG, BEZIG], today=TODAY)
    assert why == ["bij twee terugblikken op rij bezig"]


def test_bezig_then_niet_gelukt_is_stuck_and_says_so():
    why = stuck.reasons(status=NIET, due_date=None, outcomes=[BEZIG, NIET], today=TODAY)
    assert why == ["bij twee terugblikken op rij bezig, daarna niet gelukt"]


@pytest.mark.parametrize(
    ("status", "outcomes"),
    [
        (BEZIG, [BEZIG]),  # one terugblik is not two
        (BEZIG, [OPEN, BEZIG]),  # the first time it was still open
        (DONE, [BEZIG, BEZIG]),  # realised since the last terugblik
        (OPEN, [BEZIG, BEZIG]),  # reopened since: it moves again
        (BEZIG, [BEZIG, DONE]),  # realised at the last terugblik, reopened later
        (BEZIG, []),
    ],
)
def test_not_stuck_without_two_stuck_terugblikken_in_a_row(status, outcomes):
    assert stuck.reasons(status=status, due_date=None, outcomes=outcomes, today=TODAY) == []


def test_only_the_last_two_terugblikken_count():
    assert stuck.reasons(status=BEZIG, due_date=None, outcomes=[BEZIG, OPEN, BEZIG, BEZIG], today=TODAY)
    assert not stuck.reasons(status=BEZIG, due_date=None, outcomes=[BEZIG, BEZIG, OPEN, BEZIG], today=TODAY)


@pytest.mark.parametrize(
    ("due", "status", "expected"),
    [
        (TODAY - dt.timedelta(days=31), OPEN, ["31 dagen te laat"]),
        (TODAY - dt.timedelta(days=30), OPEN, []),  # 30 days is not more than 30
        (TODAY - dt.timedelta(days=1), BEZIG, []),
        (TODAY - dt.timedelta(days=90), DONE, []),  # finished: not late
        (TODAY - dt.timedelta(days=90), NIET, []),
        (None, OPEN, []),
        (dt.date(2026, 2, 28), BEZIG, ["31 dagen te laat"]),  # across a month end
    ],
)
def test_more_than_30_days_late_is_stuck(due, status, expected):
    assert stuck.reasons(status=status, due_date=due, outcomes=[], today=TODAY) == expected


def test_both_reasons_are_named():
    why = stuck.reasons(status=BEZIG, due_date=TODAY - dt.timedelta(days=45), outcomes=[BEZIG, BEZIG], today=TODAY)
    assert why == ["bij twee terugblikken op rij bezig", "45 dagen te laat"]


# --- in the database -------------------------------------------------------------------------------

NOW = local_today()


@pytest.fixture
def world(engine):
    """A series of three sessions (the last one today); an action of organisation A from the first."""
    with db.transaction(engine) as s:
        org_a, org_b = f.organisation(s, "Wijkteam Ruwaard"), f.organisation(s, "BrabantWonen")
        aanjager = f.user(s, Role.AANJAGER)
        owner = f.user(s, Role.PROFESSIONAL, organisation=org_a, display_name="Olga Trekker")
        manager_a = f.user(s, Role.MANAGER, organisation=org_a)
        manager_b = f.user(s, Role.MANAGER, organisation=org_b)
        reeks = f.series(s)
        first = f.learning_session(s, series_row=reeks, date=NOW - dt.timedelta(days=56), title="Sessie 1")
        second = f.learning_session(s, series_row=reeks, date=NOW - dt.timedelta(days=28), title="Sessie 2")
        third = f.learning_session(s, series_row=reeks, date=NOW, title="Sessie 3")
        action = f.action(s, first, owner, title="Eén loket voor schulden", due_date=NOW + dt.timedelta(days=10))
        return {
            "action": action.id,
            "sessions": (first.id, second.id, third.id),
            "org_a": org_a.id,
            "org_b": org_b.id,
            "aanjager": f.current(aanjager),
            "owner": f.current(owner),
            "manager_a": f.current(manager_a),
            "manager_b": f.current(manager_b),
        }


def at_terugblik(engine, w, session_id: int | None, to_status: str, note: str = "Besproken.") -> None:
    with db.transaction(engine) as s:
        version = s.get(f.Action, w["action"]).version
        actions.change_status(
            session=s,
            action_id=w["action"],
            to_status=to_status,
            note=note,
            actor=w["aanjager"],
            expected_version=version,
            in_session_id=session_id,
        )


def stuck_ids(engine, actor, **options) -> list[int]:
    with db.read(engine) as s:
        return [a.id for a in stuck.stuck_actions(session=s, actor=actor, today=NOW, **options)]


def test_bezig_at_two_terugblikken_shows_on_the_dashboard_with_its_history(engine, world):
    _first, second, third = world["sessions"]
    at_terugblik(engine, world, second, BEZIG)
    assert stuck_ids(engine, world["aanjager"]) == []  # one terugblik
    at_terugblik(engine, world, third, BEZIG, "Besproken in de terugblik; geen wijziging.")  # the same status
    with db.read(engine) as s:
        [item] = stuck.stuck_actions(session=s, actor=world["aanjager"], today=NOW)
    assert item.title == "Eén loket voor schulden" and item.owner == "Olga Trekker"
    assert item.organisation == "Wijkteam Ruwaard" and item.status_label == "bezig"
    assert item.why == "bij twee terugblikken op rij bezig"
    assert [o.session_title for o in item.history] == ["Sessie 2", "Sessie 3"]
    assert item.history_text.count("bezig") == 2 and " → " in item.history_text


def test_changes_outside_a_terugblik_do_not_count_as_one(engine, world):
    first, _second, _third = world["sessions"]
    at_terugblik(engine, world, None, BEZIG)  # on the Opvolging page
    at_terugblik(engine, world, None, BEZIG, "Nog steeds bezig.")
    at_terugblik(engine, world, first, BEZIG, "In de eigen sessie.")  # the session it came from
    assert stuck_ids(engine, world["aanjager"]) == []
    with db.read(engine) as s:
        assert stuck.terugblik_outcomes(session=s, action_ids=[world["action"]]) == {}


def test_the_last_update_in_a_terugblik_is_what_it_was_left_in(engine, world):
    _first, second, third = world["sessions"]
    at_terugblik(engine, world, second, BEZIG)
    at_terugblik(engine, world, third, BEZIG)
    at_terugblik(engine, world, third, DONE, "Toch nog gelukt.")  # corrected in the same terugblik
    assert stuck_ids(engine, world["aanjager"]) == []
    with db.read(engine) as s:
        outcomes = stuck.terugblik_outcomes(session=s, action_ids=[world["action"]])[world["action"]]
    assert [o.status for o in outcomes] == [BEZIG, DONE]


def test_a_manager_sees_only_the_own_organisation(engine, world):
    _first, second, third = world["sessions"]
    at_terugblik(engine, world, second, BEZIG)
    at_terugblik(engine, world, third, NIET, "Geen capaciteit.")
    assert stuck_ids(engine, world["manager_a"]) == [world["action"]]
    assert stuck_ids(engine, world["manager_b"]) == []
    with pytest.raises(NotAllowed), db.read(engine) as s:
        stuck.stuck_actions(session=s, actor=world["manager_b"], today=NOW, organisation_id=world["org_a"])
    assert stuck_ids(engine, world["aanjager"], organisation_id=world["org_b"]) == []
    assert stuck_ids(engine, world["aanjager"], organisation_id=world["org_a"]) == [world["action"]]
    with pytest.raises(NotAllowed), db.read(engine) as s:
        stuck.stuck_actions(session=s, actor=world["owner"], today=NOW)  # a professional: no dashboard


def test_more_than_30_days_late_is_listed_per_organisation_and_for_the_trekker(engine, world):
    with db.transaction(engine) as s:
        owner = s.get(f.User, world["owner"].id)
        other = f.user(s, Role.PROFESSIONAL, organisation=s.get(f.Organisation, world["org_b"]))
        late = f.action(s, None, owner, title="Te laat", due_date=NOW - dt.timedelta(days=31)).id
        f.action(s, None, owner, title="Net niet", due_date=NOW - dt.timedelta(days=30))
        f.action(s, None, owner, title="Af", due_date=NOW - dt.timedelta(days=60), status=DONE)
        theirs = f.action(s, None, other, title="Van B", due_date=NOW - dt.timedelta(days=40)).id
    with db.read(engine) as s:
        everything = stuck.stuck_actions(session=s, actor=world["aanjager"], today=NOW)
        mine = stuck.my_stuck_actions(session=s, user=world["owner"], today=NOW)
    assert [a.id for a in everything] == [theirs, late]  # BrabantWonen before Wijkteam Ruwaard
    assert list(stuck.by_organisation(everything)) == ["BrabantWonen", "Wijkteam Ruwaard"]
    assert everything[1].why == "31 dagen te laat" and everything[1].days_late == 31
    assert [a.id for a in mine] == [late]


def test_the_terugblik_says_2e_keer_besproken_and_vastgelopen(engine, world):
    _first, second, third = world["sessions"]
    at_terugblik(engine, world, second, BEZIG)
    with db.read(engine) as s:
        items = terugblik.review_items(session=s, learning_session_id=third, today=NOW)
        before = stuck.review_marks(session=s, learning_session_id=third, items=items, today=NOW)
        at_second = stuck.review_marks(
            session=s,
            learning_session_id=second,
            items=terugblik.review_items(session=s, learning_session_id=second, today=NOW),
            today=NOW,
        )
    mark = before[world["action"]]
    assert mark.label == "2e keer besproken" and mark.previous is not None and mark.previous.status == BEZIG
    assert mark.reasons == ()  # not discussed here yet
    assert at_second[world["action"]].label == "" and at_second[world["action"]].times == 1
    at_terugblik(engine, world, third, BEZIG)
    with db.read(engine) as s:
        items = terugblik.review_items(session=s, learning_session_id=third, today=NOW)
        after = stuck.review_marks(session=s, learning_session_id=third, items=items, today=NOW)
    assert after[world["action"]].label == "2e keer besproken"
    assert after[world["action"]].reasons == ("bij twee terugblikken op rij bezig",)


def test_the_dashboard_list_is_the_longest_late_first_and_says_when_it_left_some_out(engine, world):
    """Years of late actions: the list asks the database for the longest late first and stops; the
    dashboard keeps the `shown` longest late and knows it left the rest out."""
    with db.transaction(engine) as s:
        first = s.get(f.LearningSession, world["sessions"][0])
        owner = s.get(f.User, world["owner"].id)
        late = [
            f.action(s, first, owner, title=f"Laat {days}", due_date=NOW - dt.timedelta(days=days)).id
            for days in (40, 90, 60, 35)
        ]
    with db.read(engine) as s:
        three = stuck.stuck_actions(session=s, actor=world["aanjager"], today=NOW, limit=3)
        everything = stuck.stuck_actions(session=s, actor=world["aanjager"], today=NOW)
    assert sorted(a.id for a in three) == sorted([late[1], late[2], late[0]])  # 90, 60, 40 days
    assert len(everything) == 4
    shown, more = stuck.shortlist(everything, shown=2)
    assert [a.days_late for a in shown] == [90, 60] and more
    assert stuck.shortlist(everything, shown=4) == (everything, False)


def test_undated_actions_stuck_at_two_terugblikken_come_after_the_dated_ones(engine, world):
    _first, second, third = world["sessions"]
    with db.transaction(engine) as s:
        s.get(f.Action, world["action"]).due_date = None
        meeting = s.get(f.LearningSession, world["sessions"][0])
        owner = s.get(f.User, world["owner"].id)
        dated = f.action(s, meeting, owner, title="Laat", due_date=NOW - dt.timedelta(days=45)).id
    at_terugblik(engine, world, second, BEZIG)
    at_terugblik(engine, world, third, BEZIG)
    with db.read(engine) as s:
        both = stuck.stuck_actions(session=s, actor=world["aanjager"], today=NOW, limit=2)
        one = stuck.stuck_actions(session=s, actor=world["aanjager"], today=NOW, limit=1)
    assert {a.id for a in both} == {dated, world["action"]}
    assert [a.id for a in one] == [dated]
