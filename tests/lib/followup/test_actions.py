"""Vervolgacties: the lifecycle, who may change what, version conflicts, due/late, lists and the terugblik."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from lib.core import db
from lib.core.dates import local_today
from lib.core.errors import Conflict, DomainError, NotAllowed
from lib.followup import actions, terugblik
from lib.models import Action, ActionStatus, ActionUpdate, ContributionKind, Role, User
from tests import factories

TODAY = local_today()


def counts(session) -> tuple[int, int]:
    return (
        session.scalar(select(func.count()).select_from(Action)),
        session.scalar(select(func.count()).select_from(ActionUpdate)),
    )


@pytest.fixture
def world(engine):
    """An aanjager, an owner (professional) in organisation A, managers of A and B, an action of A."""
    with db.transaction(engine) as session:
        org_a, org_b = factories.organisation(session, "Wijkteam A"), factories.organisation(session, "Corporatie B")
        people = {
            "aanjager": factories.user(session, Role.AANJAGER),
            "beheerder": factories.user(session, Role.BEHEERDER),
            "owner": factories.user(session, Role.PROFESSIONAL, organisation=org_a, display_name="Olga Owner"),
            "colleague": factories.user(session, Role.PROFESSIONAL, organisation=org_a),
            "manager_a": factories.user(session, Role.MANAGER, organisation=org_a),
            "manager_b": factories.user(session, Role.MANAGER, organisation=org_b),
        }
        reeks = factories.series(session)
        meeting = factories.learning_session(session, series_row=reeks, date=TODAY)
        action = actions.create_action(
            session=session,
            actor=factories.current(people["aanjager"]),
            data=actions.NewAction(
                title="Vast loket",
                due_date=TODAY + dt.timedelta(days=28),
                owner_user_id=people["owner"].id,
                organisation_id=org_a.id,
                session_id=meeting.id,
            ),
        )
        return {
            "engine": engine,
            "action_id": action.id,
            "meeting_id": meeting.id,
            "org_a": org_a.id,
            "org_b": org_b.id,
            **{k: factories.current(v) for k, v in people.items()},
        }


def change(world, who, to_status, note="", version=None, in_session=None):
    with db.transaction(world["engine"]) as session:
        if version is None:
            version = session.get(Action, world["action_id"]).version
        return actions.change_status(
            session=session,
            action_id=world["action_id"],
            to_status=to_status,
            note=note,
            actor=world[who],
            expected_version=version,
            in_session_id=in_session,
        )


def test_lifecycle_open_bezig_gerealiseerd_and_reopen_keeps_the_history(world):
    change(world, "owner", ActionStatus.IN_PROGRESS, "Eerste gesprek gepland")
    done = change(world, "owner", ActionStatus.DONE, in_session=world["meeting_id"])
    assert done.finished_at is not None and done.version == 3
    with pytest.raises(DomainError, match="heropenen"):
        change(world, "owner", ActionStatus.OPEN, " ")
    reopened = change(world, "manager_a", ActionStatus.OPEN, "Loket is weer dicht")
    assert reopened.status == ActionStatus.OPEN and reopened.finished_at is None
    with db.read(world["engine"]) as session:
        steps = actions.history(session=session, action_id=world["action_id"], actor=world["owner"])
    assert [s.change for s in steps] == [
        "aangemaakt (open)",
        "open → bezig",
        "bezig → gerealiseerd",
        "gerealiseerd → open",
    ]
    assert steps[1].who == "Olga Owner" and steps[1].note == "Eerste gesprek gepland"
    assert steps[2].session_title != "" and steps[3].note == "Loket is weer dicht"


@pytest.mark.parametrize("status", [ActionStatus.FAILED, ActionStatus.DROPPED])
def test_niet_gelukt_and_vervallen_need_a_reason_and_store_nothing_without(world, status):
    with db.read(world["engine"]) as session:
        before = counts(session)
    with pytest.raises(DomainError, match="Waarom niet"):
        change(world, "owner", status, "   ")
    with db.read(world["engine"]) as session:
        assert counts(session) == before
        assert session.get(Action, world["action_id"]).status == ActionStatus.OPEN
    action = change(world, "owner", status, "Geen capaciteit")
    assert action.reason == "Geen capaciteit"


def test_a_forbidden_transition_and_an_unknown_status_are_refused(world):
    change(world, "owner", ActionStatus.DONE)
    with pytest.raises(DomainError, match="Van 'gerealiseerd' naar 'niet gelukt' kan niet"):
        change(world, "owner", ActionStatus.FAILED, "toch niet")
    with pytest.raises(DomainError, match="Onbekende status"):
        change(world, "owner", "half-af", "x")
    with pytest.raises(DomainError, match="niet veranderd"):
        change(world, "owner", ActionStatus.DONE, "")


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("owner", True),
        ("manager_a", True),
        ("aanjager", True),
        ("beheerder", True),
        ("manager_b", False),
        ("colleague", False),
    ],
)
def test_who_may_change_an_action(world, who, allowed):
    if allowed:
        assert change(world, who, ActionStatus.IN_PROGRESS).status == ActionStatus.IN_PROGRESS
    else:
        with pytest.raises(NotAllowed):
            change(world, who, ActionStatus.IN_PROGRESS)
        with db.read(world["engine"]) as session:
            assert session.get(Action, world["action_id"]).version == 1


def test_two_people_updating_the_same_action_the_second_gets_a_conflict_with_the_current_state(world):
    seen_by_both = 1
    change(world, "owner", ActionStatus.FAILED, "Geen tijd", version=seen_by_both)
    with pytest.raises(Conflict, match="de status is nu 'niet gelukt'"):
        change(world, "manager_a", ActionStatus.DONE, "Klaar", version=seen_by_both)
    with db.read(world["engine"]) as session:
        action = session.get(Action, world["action_id"])
        assert (action.status, action.reason, action.version) == (ActionStatus.FAILED, "Geen tijd", 2)


def test_create_refuses_bad_input_and_stores_nothing(world):
    aanjager = world["aanjager"]
    bad = [
        (actions.NewAction(title="x", due_date=TODAY - dt.timedelta(days=1), owner_name="Wim"), "vóór vandaag"),
        (actions.NewAction(title="x", due_date=None, owner_user_id=999_999), "trekker bestaat niet"),
        (actions.NewAction(title="x", due_date=None), "Kies een trekker"),
        (actions.NewAction(title="  ", due_date=None, owner_name="Wim"), "Titel van de actie is verplicht"),
        (actions.NewAction(title="x", due_date=None, owner_name="Wim", organisation_id=999_999), "organisatie"),
    ]
    with db.read(world["engine"]) as session:
        before = counts(session)
    for data, message in bad:
        with db.transaction(world["engine"]) as session, pytest.raises(DomainError, match=message):
            actions.create_action(session=session, data=data, actor=aanjager)
    with db.transaction(world["engine"]) as session, pytest.raises(NotAllowed):
        actions.create_action(
            session=session, data=actions.NewAction("x", None, owner_name="Wim"), actor=world["owner"]
        )
    with db.read(world["engine"]) as session:
        assert counts(session) == before


def test_edit_title_owner_and_due_date_with_version_check(world):
    with db.transaction(world["engine"]) as session:
        action = actions.edit_action(
            session=session,
            action_id=world["action_id"],
            actor=world["manager_a"],
            expected_version=1,
            data=actions.ActionEdit(
                title="Vast loket voor het wijkteam",
                due_date=TODAY + dt.timedelta(days=40),
                owner_name="Wim van de corporatie",
            ),
        )
        assert (action.owner_user_id, action.owner_label, action.version) == (None, "Wim van de corporatie", 2)
    stale = actions.ActionEdit(title="Iets anders", due_date=None, owner_name="Wim")
    bad = [
        (
            actions.ActionEdit(title="x", due_date=TODAY - dt.timedelta(days=3), owner_name="Wim"),
            2,
            DomainError,
            "vóór de datum waarop de actie is aangemaakt",
        ),
        (actions.ActionEdit(title="x", due_date=None, owner_user_id=999_999), 2, DomainError, "bestaat niet"),
        (stale, 1, Conflict, "intussen gewijzigd"),
        (
            actions.ActionEdit(
                title="Vast loket voor het wijkteam",
                due_date=TODAY + dt.timedelta(days=40),
                owner_name="Wim van de corporatie",
            ),
            2,
            DomainError,
            "niets gewijzigd",
        ),
    ]
    for data, version, error, message in bad:
        with db.transaction(world["engine"]) as session, pytest.raises(error, match=message):
            actions.edit_action(
                session=session,
                action_id=world["action_id"],
                actor=world["aanjager"],
                expected_version=version,
                data=data,
            )
    with db.read(world["engine"]) as session:
        steps = actions.history(session=session, action_id=world["action_id"], actor=world["aanjager"])
        assert steps[-1].note == "Gewijzigd: titel, trekker, streefdatum."
        assert session.get(Action, world["action_id"]).version == 2


def test_due_and_late():
    assert actions.is_late(TODAY - dt.timedelta(days=1), ActionStatus.OPEN, TODAY)
    assert actions.is_late(TODAY - dt.timedelta(days=1), ActionStatus.IN_PROGRESS, TODAY)
    assert not actions.is_late(TODAY - dt.timedelta(days=1), ActionStatus.DONE, TODAY)
    assert not actions.is_late(TODAY, ActionStatus.OPEN, TODAY)
    assert not actions.is_late(None, ActionStatus.OPEN, TODAY)
    assert actions.due_text(TODAY - dt.timedelta(days=3), "open", TODAY) == "te laat (3 dagen)"
    assert actions.due_text(TODAY - dt.timedelta(days=1), "open", TODAY) == "te laat (1 dag)"
    assert actions.due_text(TODAY, "bezig", TODAY) == "vandaag"
    assert actions.due_text(TODAY + dt.timedelta(days=5), "open", TODAY) == "over 5 dagen"
    assert actions.due_text(TODAY - dt.timedelta(days=5), "gerealiseerd", TODAY) == ""


def test_lists_filter_page_and_put_late_actions_first(world):
    engine = world["engine"]
    with db.transaction(engine) as session:
        owner = session.get(User, world["owner"].id)
        other = factories.learning_session(session, date=TODAY - dt.timedelta(days=60))
        for number in range(30):
            factories.action(
                session,
                other,
                owner,
                title=f"Reeks-actie {number:02}",
                due_date=TODAY + dt.timedelta(days=number - 5),
                status=ActionStatus.DONE if number == 0 else ActionStatus.OPEN,
            )
        factories.action(session, other, None, owner_name="Externe", organisation_id=world["org_b"], title="Van B")
    with db.read(engine) as session:
        mine = actions.list_actions(
            session=session,
            actor=world["owner"],
            filters=actions.ActionFilter(mine=True),
            today=TODAY,
            page=1,
            page_size=25,
        )
        assert (mine.total, mine.pages, len(mine.rows)) == (31, 2, 25)
        # Late first (4 open actions past due; the finished one is not late), then by due date.
        assert [r.title for r in mine.rows[:4]] == [f"Reeks-actie {n:02}" for n in (1, 2, 3, 4)]
        assert all(r.late for r in mine.rows[:4]) and not any(r.late for r in mine.rows[4:])
        second = actions.list_actions(
            session=session,
            actor=world["owner"],
            filters=actions.ActionFilter(mine=True),
            today=TODAY,
            page=2,
            page_size=25,
        )
        assert len(second.rows) == 6
        late = actions.list_actions(
            session=session, actor=world["aanjager"], today=TODAY, filters=actions.ActionFilter(late_only=True)
        )
        assert late.total == 4
        done = actions.list_actions(
            session=session,
            actor=world["aanjager"],
            today=TODAY,
            filters=actions.ActionFilter(statuses=(ActionStatus.DONE,)),
        )
        assert [r.title for r in done.rows] == ["Reeks-actie 00"]
        of_b = actions.list_actions(
            session=session,
            actor=world["manager_b"],
            today=TODAY,
            filters=actions.default_filter(world["manager_b"], mine=False),
        )
        assert [(r.title, r.organisation) for r in of_b.rows] == [("Van B", "Corporatie B")]
        by_session = actions.list_actions(
            session=session,
            actor=world["aanjager"],
            today=TODAY,
            filters=actions.ActionFilter(session_id=world["meeting_id"]),
        )
        assert [r.title for r in by_session.rows] == ["Vast loket"]
        with pytest.raises(NotAllowed):
            actions.list_actions(session=session, actor=world["owner"], filters=actions.ActionFilter())


def review_titles(engine, session_id):
    with db.read(engine) as session:
        return [a.title for a in terugblik.actions_for_review(session=session, learning_session_id=session_id)]


def test_terugblik_selection_across_three_sessions_of_a_series(engine):
    """s1 (8 weeks ago), s2 (4 weeks ago), s3 (in 4 weeks): what each terugblik shows, and the summary."""
    with db.transaction(engine) as session:
        aanjager = factories.current(factories.user(session, Role.AANJAGER))
        owner = factories.user(session, Role.PROFESSIONAL)
        reeks = factories.series(session)
        s1, s2, s3 = (
            factories.learning_session(session, series_row=reeks, date=TODAY + dt.timedelta(weeks=w))
            for w in (-8, -4, 4)
        )
        elsewhere = factories.learning_session(
            session, series_row=factories.series(session), date=TODAY - dt.timedelta(weeks=8)
        )
        before_s2 = dt.datetime.combine(s1.date + dt.timedelta(days=10), dt.time(12), tzinfo=dt.UTC)
        made = {}
        for title, meeting, status, due, finished in [
            ("A open", s1, ActionStatus.OPEN, s2.date, None),
            ("B klaar voor s2", s1, ActionStatus.DONE, s2.date, before_s2),
            ("C niet gelukt voor s2", s1, ActionStatus.FAILED, s1.date + dt.timedelta(days=5), before_s2),
            ("I bezig", s1, ActionStatus.IN_PROGRESS, s2.date, None),
            ("D uit s2", s2, ActionStatus.OPEN, s3.date, None),
            ("G andere reeks", elsewhere, ActionStatus.OPEN, s2.date, None),
        ]:
            made[title[0]] = factories.action(
                session,
                meeting,
                owner,
                title=title,
                status=status,
                due_date=due,
                finished_at=finished,
                reason="Geen tijd" if finished and status == ActionStatus.FAILED else "",
            ).id
        ids = (s1.id, s2.id, s3.id)

    assert review_titles(engine, ids[0]) == []
    # The last agreed first: the latest session's actions, newest first.
    assert review_titles(engine, ids[1]) == ["I bezig", "C niet gelukt voor s2", "B klaar voor s2", "A open"]

    # The terugblik of s2: A done, B discussed without change, I still bezig (all recorded in s2).
    with db.transaction(engine) as session:
        for letter, status, note in [
            ("A", ActionStatus.DONE, ""),
            ("B", ActionStatus.DONE, "Besproken"),
            ("I", ActionStatus.IN_PROGRESS, "Loopt nog"),
        ]:
            actions.change_status(
                session=session,
                action_id=made[letter],
                to_status=status,
                note=note,
                actor=aanjager,
                expected_version=1,
                in_session_id=ids[1],
            )
    with db.read(engine) as session:
        items = terugblik.review_items(session=session, learning_session_id=ids[1], today=TODAY)
    assert len(items) == 4
    assert [i.title for i in items if not i.discussed] == ["C niet gelukt voor s2"]
    # s3: what s2 discussed and finished is not repeated; still-running and newer actions are.
    assert review_titles(engine, ids[2]) == ["D uit s2", "I bezig"]


def test_review_summary_text_in_dutch():
    assert terugblik.summary_text({"gerealiseerd": 4, "bezig": 2, "niet_gelukt": 1}) == (
        "7 acties besproken: 4 gerealiseerd, 2 bezig, 1 niet gelukt"
    )
    assert terugblik.summary_text({"open": 1}) == "1 actie besproken: 1 open"
    assert terugblik.summary_text({}) == "0 acties besproken"


def test_review_item_shows_the_origin_case_round_and_solution(engine):
    with db.transaction(engine) as session:
        aanjager = factories.current(factories.user(session, Role.AANJAGER))
        submitter = factories.user(session)
        reeks = factories.series(session)
        first = factories.learning_session(session, series_row=reeks, date=TODAY)
        second = factories.learning_session(session, series_row=reeks, date=TODAY + dt.timedelta(weeks=4))
        group = factories.group(session, first, 1, factories.case(session, submitter, title="Schulden"))
        solution = factories.contribution(session, first, group, ContributionKind.SOLUTION, 2, "Spoedprocedure")
        actions.create_action(
            session=session,
            actor=aanjager,
            data=actions.NewAction(
                title="Spoedprocedure invoeren",
                due_date=actions.default_due_date(session=session, learning_session_id=first.id),
                owner_name="Wim",
                session_id=first.id,
                contribution_id=solution.id,
            ),
        )
        second_id = second.id
    with db.read(engine) as session:
        [item] = terugblik.review_items(session=session, learning_session_id=second_id)
    assert item.origin == actions.Origin("Schulden", "Ronde 3: het veranderproces", "veranderproces", "Spoedprocedure")
    assert item.due_date == TODAY + dt.timedelta(weeks=4) and not item.late and item.owner == "Wim"


def test_history_is_hidden_from_a_professional_who_does_not_own_the_action(world):
    with db.read(world["engine"]) as session, pytest.raises(DomainError):
        actions.history(session=session, action_id=world["action_id"], actor=world["colleague"])


def test_paging_walks_the_late_actions_first_and_then_the_rest_without_gaps_or_doubles(engine):
    """Across the page where the late actions end, every action shows exactly once, late ones first."""
    today = local_today()
    with db.transaction(engine) as session:
        owner = factories.user(session, Role.MANAGER)
        beheerder = factories.current(factories.user(session, Role.BEHEERDER))
        late = [factories.action(session, None, owner, due_date=today - dt.timedelta(days=d)).id for d in (3, 9, 5)]
        rest = [
            factories.action(session, None, owner, due_date=today + dt.timedelta(days=2)).id,
            factories.action(session, None, owner, due_date=today - dt.timedelta(days=4), status=ActionStatus.DONE).id,
            factories.action(session, None, owner, due_date=None).id,
            factories.action(session, None, owner, due_date=today).id,
        ]
    seen = []
    with db.read(engine) as session:
        for number in (1, 2, 3, 4):
            result = actions.list_actions(
                session=session, actor=beheerder, filters=actions.ActionFilter(), today=today, page=number, page_size=2
            )
            assert result.total == 7
            seen += [row.id for row in result.rows]
    assert seen[:3] == [late[1], late[2], late[0]]  # the longest overdue first
    assert sorted(seen[3:]) == sorted(rest) and seen[-1] == rest[2]  # no date: last
