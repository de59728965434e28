"""The phone's rules on a bad network and against a client that resets itself: one contribution per
submit key, rates per phone and group, hidden stays on record, keys scoped to one session, a vote cap
a fresh cookie does not lift, double-tapped evaluations, twenty phones joining at once, the inbrenger."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import func, select

from lib.core import db
from lib.core.errors import DomainError, NotAllowed
from lib.live import capture, evaluation, join
from lib.models import (
    Contribution,
    ContributionKind,
    Evaluation,
    LearningSession,
    LoginAttempt,
    Role,
    Vote,
    utcnow,
)
from tests import factories
from tests.lib.live.test_live import _control, add, open_room, solutions_room


def count(engine, model, **where) -> int:
    with db.read(engine) as session:
        query = select(func.count()).select_from(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return session.scalar(query)


# --- one contribution per submit ----------------------------------------------------------------


def test_a_retried_submit_stores_one_contribution_and_two_submits_of_the_same_text_store_two(engine):
    room = open_room(engine)
    first = add(engine, room, "Wachtlijst schuldhulp", client_key="submit-1")
    again = add(engine, room, "Wachtlijst schuldhulp", client_key="submit-1")  # the retry after a lost answer
    assert again == first
    assert count(engine, Contribution) == 1
    add(engine, room, "Wachtlijst schuldhulp", client_key="submit-2")  # typed again on purpose
    assert count(engine, Contribution) == 2


def test_the_second_tap_of_a_double_tap_is_stored_silently_even_when_its_form_was_already_empty(engine):
    room = open_room(engine)
    first = add(engine, room, "Regie ontbreekt", client_key="tap")
    assert add(engine, room, "", client_key="tap") == first  # no "Inbreng is verplicht."
    assert count(engine, Contribution) == 1


def test_six_parallel_retries_of_one_submit_store_it_once_without_an_error(engine):
    room = open_room(engine)
    barrier = threading.Barrier(6)
    ids, errors = [], []

    def retry() -> None:
        barrier.wait()
        try:
            ids.append(add(engine, room, "Eén loket voor schulden", client_key="same-submit"))
        except Exception as error:  # pragma: no cover - the assertion shows it
            errors.append(error)

    threads = [threading.Thread(target=retry) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(ids)) == 1
    assert count(engine, Contribution) == 1


def test_the_same_submit_key_in_another_session_is_another_contribution(engine):
    one, other = open_room(engine), open_room(engine)
    add(engine, one, "x", client_key="k")
    add(engine, other, "x", client_key="k")
    assert count(engine, Contribution) == 2


# --- rates --------------------------------------------------------------------------------------


def test_a_phone_adds_at_most_twenty_a_minute_and_then_gets_a_dutch_message(engine):
    room = open_room(engine)
    now = utcnow()
    for index in range(capture.MAX_PER_DEVICE):
        add(engine, room, f"punt {index}", now=now)
    with pytest.raises(DomainError, match="Wacht een minuut"):
        add(engine, room, "één te veel", now=now)
    add(engine, room, "een ander apparaat", key="telefoon-2", now=now)  # another phone is not slowed down
    add(engine, room, "een minuut later", now=now + dt.timedelta(seconds=61))
    assert count(engine, Contribution) == capture.MAX_PER_DEVICE + 2


def test_a_group_adds_at_most_its_own_rate_from_many_phones(engine):
    room = open_room(engine)
    now = utcnow()
    for index in range(capture.MAX_PER_GROUP):
        add(engine, room, f"punt {index}", key=f"telefoon-{index % 10}", now=now)
    with pytest.raises(DomainError, match="Uw groep voegt heel snel"):
        add(engine, room, "één te veel", key="nieuwe-telefoon", now=now)
    add(engine, room, "andere groep", key="nieuwe-telefoon", group=1, now=now)


def test_the_aanjager_typing_on_the_projector_is_not_rate_limited_as_a_phone(engine):
    room = open_room(engine)
    with db.transaction(engine) as session:
        for index in range(capture.MAX_PER_DEVICE + 1):
            capture.add_contribution(
                session=session,
                learning_session_id=room.session_id,
                group_id=room.groups[0],
                kind="obstacle",
                text=f"punt {index}",
                actor=room.aanjager,
            )
    assert count(engine, Contribution) == capture.MAX_PER_DEVICE + 1


# --- hidden stays, the kind can change ----------------------------------------------------------


def test_a_contribution_the_aanjager_hid_cannot_be_deleted_or_changed_by_its_scribe(engine):
    room = open_room(engine)
    mine = add(engine, room, "iets ongepasts", key="mijn-telefoon")
    with db.transaction(engine) as session:
        capture.set_hidden(session=session, contribution_id=mine, hidden=True, actor=room.aanjager)
    with db.transaction(engine) as session, pytest.raises(NotAllowed, match="verborgen"):
        capture.delete_contribution(session=session, contribution_id=mine, author_key="mijn-telefoon")
    with db.transaction(engine) as session, pytest.raises(NotAllowed, match="verborgen"):
        capture.edit_contribution(session=session, contribution_id=mine, text="netjes", author_key="mijn-telefoon")
    with db.read(engine) as session:
        kept = session.get(Contribution, mine)
        assert kept.text == "iets ongepasts" and kept.hidden
        own = capture.own_contributions(
            session=session, learning_session_id=room.session_id, author_key="mijn-telefoon", round_index=0
        )
    assert [item.hidden for item in own] == [True]  # the phone shows it, marked


def test_wijzig_can_change_the_kind_and_keeps_it_when_not_given(engine):
    room = open_room(engine)
    mine = add(engine, room, "Korte lijnen", kind=ContributionKind.OBSTACLE, key="mijn-telefoon")
    with db.transaction(engine) as session:
        capture.edit_contribution(
            session=session, contribution_id=mine, text="Korte lijnen", kind="helper", author_key="mijn-telefoon"
        )
    with db.transaction(engine) as session:
        capture.edit_contribution(
            session=session, contribution_id=mine, text="Korte lijnen!", author_key="mijn-telefoon"
        )
    with db.read(engine) as session:
        row = session.get(Contribution, mine)
        assert (row.kind, row.text) == (ContributionKind.HELPER, "Korte lijnen!")
    with db.transaction(engine) as session, pytest.raises(DomainError, match="Kies: belemmert"):
        capture.edit_contribution(
            session=session, contribution_id=mine, text="x", kind="onzin", author_key="mijn-telefoon"
        )


# --- device keys scoped to one session ----------------------------------------------------------


def test_a_phones_key_is_stored_per_session_and_links_nothing_across_sessions(engine):
    one, other = open_room(engine), open_room(engine)
    first = add(engine, one, "a", key="dezelfde-telefoon")
    second = add(engine, other, "b", key="dezelfde-telefoon")
    with db.read(engine) as session:
        keys = {session.get(Contribution, first).author_key, session.get(Contribution, second).author_key}
        assert "dezelfde-telefoon" not in keys and len(keys) == 2 and all(len(k) == 64 for k in keys)
        for room in (one, other):  # the phone still finds its own, in each session
            own = capture.own_contributions(
                session=session, learning_session_id=room.session_id, author_key="dezelfde-telefoon", round_index=0
            )
            assert len(own) == 1
    assert join.scoped_key("dezelfde-telefoon", 1) != join.scoped_key("dezelfde-telefoon", 2)
    assert join.scoped_key("", 1) == ""


def test_votes_and_evaluations_keep_the_scoped_key_only(engine):
    room, ids = solutions_room(engine)
    with db.transaction(engine) as session:
        capture.toggle_vote(session=session, contribution_id=ids[0], voter_key="stemmer")
    _control(engine, room, "next")  # the afsluiting
    with db.transaction(engine) as session:
        evaluation.submit_evaluation(
            session=session,
            learning_session_id=room.session_id,
            participant_key="stemmer",
            length="goed",
            constructive=4,
            to_the_point=4,
        )
    with db.read(engine) as session:
        assert session.scalar(select(Vote.voter_key)) == join.scoped_key("stemmer", room.session_id)
        assert session.scalar(select(Evaluation.participant_key)) == join.scoped_key("stemmer", room.session_id)
        assert capture.my_votes(session=session, learning_session_id=room.session_id, voter_key="stemmer") == {ids[0]}
        assert evaluation.has_evaluated(session=session, learning_session_id=room.session_id, participant_key="stemmer")


# --- votes a fresh cookie does not reset --------------------------------------------------------


def present(engine, room, people: int, *, marked: bool | None = None) -> None:
    with db.transaction(engine) as session:
        meeting = session.get(LearningSession, room.session_id)
        for _ in range(people):
            factories.attendance(session, meeting, factories.user(session, Role.PROFESSIONAL), present=marked)


def test_fresh_browsers_cannot_vote_beyond_the_people_present(engine):
    room, ids = solutions_room(engine)
    present(engine, room, 2)  # two people on the list: 2 × 3 dots in the room
    given = 0
    with pytest.raises(DomainError, match="Alle stemmen van de zaal"):
        for browser in range(12):  # twelve fresh cookies
            with db.transaction(engine) as session:
                capture.toggle_vote(session=session, contribution_id=ids[browser % 4], voter_key=f"nieuw-{browser}")
            given += 1
    assert given == 6 and count(engine, Vote) == 6


def test_the_tally_shows_when_more_phones_voted_than_people_are_present(engine):
    room, ids = solutions_room(engine)
    present(engine, room, 3, marked=True)
    present(engine, room, 2, marked=False)  # sent their apologies
    for browser in range(4):
        with db.transaction(engine) as session:
            capture.toggle_vote(session=session, contribution_id=ids[0], voter_key=f"telefoon-{browser}")
    with db.read(engine) as session:
        tally = capture.vote_tally(session=session, learning_session_id=room.session_id, actor=room.aanjager)
    assert (tally.votes, tally.voters, tally.present, tally.cap) == (4, 4, 3, 9)
    assert tally.exceeds_room


def test_without_an_attendance_list_the_room_has_a_generous_cap_and_no_warning(engine):
    room, ids = solutions_room(engine)
    with db.transaction(engine) as session:
        capture.toggle_vote(session=session, contribution_id=ids[0], voter_key="iemand")
    with db.read(engine) as session:
        tally = capture.vote_tally(session=session, learning_session_id=room.session_id, actor=room.aanjager)
    assert tally.present is None and not tally.exceeds_room
    assert tally.cap == capture.ROOM_WITHOUT_LIST * 3


# --- unique constraints a phone can hit ---------------------------------------------------------


def test_six_parallel_evaluations_of_one_phone_store_one_without_an_error(engine):
    room = open_room(engine, phase_steps=5)  # the afsluiting
    barrier = threading.Barrier(6)
    errors = []

    def tap(score: int) -> None:
        barrier.wait()
        try:
            with db.transaction(engine) as session:
                evaluation.submit_evaluation(
                    session=session,
                    learning_session_id=room.session_id,
                    participant_key="dubbel-tik",
                    length="goed",
                    constructive=score,
                    to_the_point=score,
                )
        except Exception as error:  # pragma: no cover
            errors.append(error)

    threads = [threading.Thread(target=tap, args=(1 + n % 5,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert count(engine, Evaluation) == 1


# --- joining --------------------------------------------------------------------------------------


def test_twenty_phones_on_one_wifi_join_within_seconds_and_a_right_code_never_counts_as_an_attempt(engine):
    room = open_room(engine)
    joined = []
    for phone in range(20):
        with db.transaction(engine) as session:
            joined.append(
                join.join(session=session, code=room.code, attempt_key=f"telefoon-{phone}", network_key="10.0.0.1")
            )
    assert joined == [room.session_id] * 20
    assert count(engine, LoginAttempt) == 0
    # And again after a reconnect: the same link, the same answer, still nothing counted.
    with db.transaction(engine) as session:
        assert join.join(session=session, code=room.code, attempt_key="telefoon-0", network_key="10.0.0.1")
    assert count(engine, LoginAttempt) == 0


# --- the inbrenger --------------------------------------------------------------------------------


def test_the_inbrenger_is_found_by_the_casus_of_the_group_and_told_when_to_listen(engine):
    with db.transaction(engine) as session:
        submitter = factories.user(session, Role.PROFESSIONAL)
        someone = factories.user(session, Role.PROFESSIONAL)
        meeting = factories.learning_session(session)
        factories.group(session, meeting, 1)
        second = factories.group(session, meeting, 2, factories.case(session, submitter))
        ids = (meeting.id, second.id, submitter.id, someone.id)
    meeting_id, group_id, submitter_id, someone_id = ids
    with db.read(engine) as session:
        assert join.inbrenger_group(session=session, learning_session_id=meeting_id, user_id=submitter_id) == group_id
        assert join.inbrenger_group(session=session, learning_session_id=meeting_id, user_id=someone_id) is None
        assert join.inbrenger_group(session=session, learning_session_id=meeting_id, user_id=None) is None
    assert join.inbrenger_notice({"inbrenger_listens": True}, is_inbrenger=True) == join.YOU_LISTEN
    assert join.inbrenger_notice({"inbrenger_listens": False}, is_inbrenger=True) == join.YOUR_CASE
    assert join.inbrenger_notice({"inbrenger_listens": True}, is_inbrenger=False) is None


def test_the_shipped_intervisie_marks_the_rounds_in_which_the_inbrenger_only_listens(engine):
    from lib.models import Template

    with db.read(engine) as session:
        plans = {
            t.name: [r.snapshot()["inbrenger_listens"] for r in t.rounds] for t in session.scalars(select(Template))
        }
    assert plans["Intervisie (incidentmethode)"] == [False, False, True, True]
    assert plans["Oploskoffie"] == [False, True, False]
    assert not any(plans["Drie perspectieven"])


# --- the migration ------------------------------------------------------------------------------


def test_the_migration_scopes_the_stored_device_keys_and_marks_copied_round_plans(sqlite_url):
    """Rows written with a phone's own key before this release: after the upgrade the key is scoped to
    its session, and the phone (which still has its own key) finds its contribution and vote."""
    from alembic import command

    from lib.models import Template
    from lib.planning import werkvormen

    engine = db.engine_for(sqlite_url)
    with db.transaction(engine) as session:
        meeting = factories.learning_session(session)
        intervisie = session.scalar(select(Template).where(Template.name == "Intervisie (incidentmethode)"))
        later = factories.learning_session(session, rounds=werkvormen.snapshot(intervisie))
        later.template_name = intervisie.name
        group = factories.group(session, meeting, 1)
        row = factories.contribution(
            session, meeting, group, ContributionKind.SOLUTION, author_key="eigen-sleutel-van-de-telefoon"
        )
        session.add(Vote(session_id=meeting.id, contribution_id=row.id, voter_key="eigen-sleutel-van-de-telefoon"))
        factories.evaluation(session, meeting, participant_key="eigen-sleutel-van-de-telefoon")
        ids = (meeting.id, later.id, row.id)
    meeting_id, later_id, row_id = ids
    config = db.alembic_config(sqlite_url)
    from alembic.script import ScriptDirectory

    before = ScriptDirectory.from_config(config).get_revision("a3fd642ff167").down_revision
    command.downgrade(config, before)
    command.upgrade(config, "head")
    scoped = join.scoped_key("eigen-sleutel-van-de-telefoon", meeting_id)
    with db.read(engine) as session:
        assert session.get(Contribution, row_id).author_key == scoped
        assert session.scalar(select(Vote.voter_key)) == scoped
        assert session.scalar(select(Evaluation.participant_key)) == scoped
        own = capture.own_contributions(
            session=session,
            learning_session_id=meeting_id,
            author_key="eigen-sleutel-van-de-telefoon",
            round_index=0,
        )
        assert [item.id for item in own] == [row_id]
        plan = session.get(LearningSession, later_id).rounds
        assert [r["inbrenger_listens"] for r in plan] == [False, False, True, True]
    db.dispose_all()


def test_a_werkvorm_made_by_the_beheerder_keeps_the_rounds_in_which_the_inbrenger_listens(engine):
    from lib.planning import werkvormen

    with db.transaction(engine) as session:
        beheerder = factories.current(factories.user(session, Role.BEHEERDER))
        template = werkvormen.create_template(
            session=session,
            data=werkvormen.TemplateInput(
                "Eigen intervisie",
                [
                    werkvormen.RoundInput("Vertellen", "professional", 10),
                    werkvormen.RoundInput("Adviezen", "veranderproces", 15, inbrenger_listens=True),
                ],
            ),
            actor=beheerder,
        )
        assert [r["inbrenger_listens"] for r in werkvormen.snapshot(template)] == [False, True]
