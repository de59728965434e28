"""The live session's rules: join codes, phases once per click, contributions, votes, actions, evaluation."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from lib.core import db, throttle
from lib.core.errors import Conflict, DomainError, NotAllowed
from lib.live import capture, evaluation, join, phases, timer
from lib.models import (
    Action,
    Case,
    CaseStatus,
    Contribution,
    ContributionKind,
    LearningSession,
    LoginAttempt,
    Phase,
    Role,
    SessionStatus,
    utcnow,
)
from tests import factories
from tests.corpus import blns


@dataclass
class Room:
    session_id: int
    next_session_date: dt.date
    groups: list[int]
    aanjager: factories.CurrentUser
    manager_id: int
    code: str


def _control(engine, room: Room, command: str, **kwargs) -> LearningSession:
    with db.transaction(engine) as session:
        version = session.get(LearningSession, room.session_id).version
        return phases.control(
            session=session,
            learning_session_id=room.session_id,
            command=command,
            expected_version=version,
            actor=room.aanjager,
            **kwargs,
        )


def open_room(engine, *, phase_steps: int = 2, groups: int = 2) -> Room:
    """A running session of a series, `phase_steps` steps past the opening (2 = in round 1)."""
    with db.transaction(engine) as session:
        aanjager = factories.current(factories.user(session, Role.AANJAGER))
        manager = factories.user(session, Role.MANAGER)
        reeks = factories.series(session)
        meeting = factories.learning_session(session, series_row=reeks, date=dt.date.today())
        later = factories.learning_session(session, series_row=reeks, date=dt.date.today() + dt.timedelta(weeks=4))
        group_ids = [factories.group(session, meeting, number).id for number in range(1, groups + 1)]
        phases.open_session(session=session, learning_session_id=meeting.id, actor=aanjager)
        room = Room(meeting.id, later.date, group_ids, aanjager, manager.id, meeting.join_code)
    for _ in range(phase_steps):
        _control(engine, room, "next")
    return room


def add(
    engine,
    room: Room,
    text: str = "Wachtlijst schuldhulp",
    kind=ContributionKind.OBSTACLE,
    key: str = "telefoon-1",
    group: int = 0,
    **more,
) -> int:
    with db.transaction(engine) as session:
        return capture.add_contribution(
            session=session,
            learning_session_id=room.session_id,
            group_id=room.groups[group],
            kind=kind,
            text=text,
            author_key=key,
            **more,
        ).id


# --- opening and join codes ---------------------------------------------------------------------


def test_opening_gives_a_running_session_a_hard_to_guess_unique_code(engine):
    codes = set()
    for _ in range(5):
        room = open_room(engine, phase_steps=0)
        codes.add(room.code)
        assert len(room.code) == 8 and set(room.code) <= set(join.CODE_ALPHABET)
    assert len(codes) == 5
    with db.read(engine) as session:
        meeting = session.get(LearningSession, room.session_id)
        assert (meeting.status, meeting.phase) == (SessionStatus.RUNNING, Phase.OPENING)
    assert len(join.CODE_ALPHABET) ** join.CODE_LENGTH > 10**11


def test_opening_without_groups_makes_one_group_per_selected_case(engine):
    with db.transaction(engine) as session:
        aanjager = factories.current(factories.user(session, Role.AANJAGER))
        author = factories.user(session)
        meeting = factories.learning_session(session, group_count=2)
        for title in ("Huurachterstand", "Zorgmijder", "Mantelzorg"):
            factories.case(session, author, title=title, status=CaseStatus.SELECTED, session_id=meeting.id)
        phases.open_session(session=session, learning_session_id=meeting.id, actor=aanjager)
        view = phases.live_view(session=session, learning_session_id=meeting.id)
    assert [(g.name, g.case_title) for g in view.groups] == [
        ("Groep 1", "Huurachterstand"),
        ("Groep 2", "Zorgmijder"),
        ("Groep 3", "Mantelzorg"),
    ]


def test_opening_composes_groups_from_attendees_with_each_submitter_at_their_case(engine):
    with db.transaction(engine) as session:
        aanjager = factories.current(factories.user(session, Role.AANJAGER))
        meeting = factories.learning_session(session, group_count=2)
        people = [factories.user(session, Role.PROFESSIONAL) for _ in range(5)] + [
            factories.user(session, Role.MANAGER) for _ in range(2)
        ]
        for person in people:
            factories.attendance(session, meeting, person)
        for author, title in zip(people[:2], ("Huurachterstand", "Zorgmijder"), strict=True):
            factories.case(session, author, title=title, status=CaseStatus.SELECTED, session_id=meeting.id)
        phases.open_session(session=session, learning_session_id=meeting.id, actor=aanjager)
        view = phases.live_view(session=session, learning_session_id=meeting.id)
        names = {p.id: p.display_name for p in people}
    assert [g.case_title for g in view.groups] == ["Huurachterstand", "Zorgmijder"]
    assert names[people[0].id] in view.groups[0].members and names[people[1].id] in view.groups[1].members
    assert sorted(len(g.members) for g in view.groups) == [3, 4]


def test_closing_a_session_marks_its_cases_discussed(engine):
    with db.transaction(engine) as session:
        aanjager = factories.current(factories.user(session, Role.AANJAGER))
        meeting = factories.learning_session(session, group_count=1)
        case_id = factories.case(session, factories.user(session), status=CaseStatus.SELECTED, session_id=meeting.id).id
        phases.open_session(session=session, learning_session_id=meeting.id, actor=aanjager)
        room = Room(meeting.id, meeting.date, [], aanjager, 0, meeting.join_code)
    _control(engine, room, "end")
    with db.read(engine) as session:
        assert session.get(Case, case_id).status == CaseStatus.DISCUSSED


def test_only_an_aanjager_opens_a_session(engine):
    with db.transaction(engine) as session:
        professional = factories.current(factories.user(session))
        meeting = factories.learning_session(session)
        with pytest.raises(NotAllowed):
            phases.open_session(session=session, learning_session_id=meeting.id, actor=professional)


def test_a_typed_code_is_found_with_spaces_dashes_and_lower_case(engine):
    room = open_room(engine, phase_steps=0)
    typed = f" {room.code[:4].lower()}-{room.code[4:]} "
    with db.transaction(engine) as session:
        assert join.join(session=session, code=typed, attempt_key="1.2.3.4") == room.session_id


def test_wrong_codes_are_counted_and_then_refused_even_the_right_one(engine):
    room = open_room(engine, phase_steps=0)
    for attempt in range(join.MAX_JOIN_FAILURES):
        with db.transaction(engine) as session:
            try:
                join.join(session=session, code=f"WRONG{attempt:03d}", attempt_key="raden")
            except DomainError as error:
                assert str(error) == join.WRONG_CODE
    with db.transaction(engine) as session, pytest.raises(DomainError, match="Te veel onjuiste codes"):
        join.join(session=session, code=room.code, attempt_key="raden")
    with db.transaction(engine) as session:  # somebody else is not locked out
        assert join.join(session=session, code=room.code, attempt_key="ander") == room.session_id
        assert (
            session.scalar(select(func.count()).select_from(LoginAttempt).where(LoginAttempt.scope == "join"))
            == join.MAX_JOIN_FAILURES
        )


def test_one_address_guessing_from_many_browsers_is_stopped_too(engine):
    room = open_room(engine, phase_steps=0)
    for attempt in range(join.MAX_NETWORK_FAILURES):
        with db.transaction(engine) as session:
            try:
                join.join(session=session, code="WRONG", attempt_key=f"browser-{attempt // 5}", network_key="10.0.0.9")
            except DomainError as error:
                assert str(error) == join.WRONG_CODE
    with db.transaction(engine) as session, pytest.raises(DomainError, match="Te veel onjuiste codes"):
        join.join(session=session, code=room.code, attempt_key="nieuwe-browser", network_key="10.0.0.9")
    with db.transaction(engine) as session:  # a phone on another network still joins
        assert (
            join.join(session=session, code=room.code, attempt_key="nieuwe-browser", network_key="10.0.0.10")
            == room.session_id
        )


def test_wrong_attempts_outside_the_window_do_not_count(engine):
    room = open_room(engine, phase_steps=0)
    long_ago = dt.datetime.now(dt.UTC) - throttle.WINDOW - dt.timedelta(minutes=1)
    with db.transaction(engine) as session:
        for _ in range(join.MAX_JOIN_FAILURES):
            session.add(LoginAttempt(scope="join", key="device:oud", at=long_ago))
    with db.transaction(engine) as session:
        assert join.join(session=session, code=room.code, attempt_key="oud") == room.session_id


def test_the_code_stops_working_when_the_session_is_closed(engine):
    room = open_room(engine, phase_steps=0)
    _control(engine, room, "end")
    with db.transaction(engine) as session, pytest.raises(DomainError) as error:
        join.join(session=session, code=room.code, attempt_key="x")
    assert str(error.value) == join.CLOSED_CODE
    with db.read(engine) as session:
        meeting = session.get(LearningSession, room.session_id)
        assert (meeting.status, meeting.phase) == (SessionStatus.FINISHED, Phase.CLOSED)
        assert meeting.closed_at is not None


# --- moving through the phases ------------------------------------------------------------------


def test_a_double_click_on_next_round_advances_once(engine):
    room = open_room(engine)
    with db.read(engine) as session:
        seen = session.get(LearningSession, room.session_id).version
    outcomes = []
    for _ in range(2):  # both clicks carry the version the screen showed
        try:
            with db.transaction(engine) as session:
                phases.control(
                    session=session,
                    learning_session_id=room.session_id,
                    command="next",
                    expected_version=seen,
                    actor=room.aanjager,
                )
            outcomes.append("moved")
        except Conflict:
            outcomes.append("conflict")
    assert outcomes == ["moved", "conflict"]
    with db.read(engine) as session:
        assert session.get(LearningSession, room.session_id).current_round == 1


def test_ten_screens_clicking_next_at_once_advance_once(engine):
    room = open_room(engine)
    with db.read(engine) as session:
        seen = session.get(LearningSession, room.session_id).version
    barrier = threading.Barrier(10)
    moved = []

    def click() -> None:
        barrier.wait()
        try:
            with db.transaction(engine) as session:
                phases.control(
                    session=session,
                    learning_session_id=room.session_id,
                    command="next",
                    expected_version=seen,
                    actor=room.aanjager,
                )
            moved.append(1)
        except Conflict:
            pass

    threads = [threading.Thread(target=click) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(moved) == 1
    with db.read(engine) as session:
        assert session.get(LearningSession, room.session_id).current_round == 1


def test_pause_and_added_minutes_are_stored_and_survive_a_new_read(engine):
    room = open_room(engine)
    with db.read(engine) as session:
        started = session.get(LearningSession, room.session_id).round_started_at
    _control(engine, room, "pause", now=started + dt.timedelta(minutes=5))
    _control(engine, room, "add", minutes=2)
    with db.read(engine) as session:
        view = phases.live_view(session=session, learning_session_id=room.session_id)
    assert view.state.paused
    later = started + dt.timedelta(hours=1)
    assert timer.remaining(view.state, later) == (20 - 5 + 2) * 60


def test_going_back_a_phase(engine):
    room = open_room(engine)
    _control(engine, room, "back")
    with db.read(engine) as session:
        assert session.get(LearningSession, room.session_id).phase == Phase.REVIEW


# --- contributions ------------------------------------------------------------------------------


def test_empty_and_over_long_contributions_are_refused_with_the_field_named(engine):
    room = open_room(engine)
    with pytest.raises(DomainError, match="Inbreng is verplicht"):
        add(engine, room, "   ")
    with pytest.raises(DomainError, match="hoogstens 500 tekens"):
        add(engine, room, "x" * 501)
    add(engine, room, "x" * 500)
    with db.read(engine) as session:
        assert session.scalar(select(func.count()).select_from(Contribution)) == 1


def test_contributions_only_during_a_round_and_only_for_a_group_of_this_session(engine):
    room = open_room(engine, phase_steps=1)
    with pytest.raises(DomainError, match="tijdens een ronde"):
        add(engine, room)
    other = open_room(engine)
    with db.transaction(engine) as session, pytest.raises(DomainError, match="groep van deze leersessie"):
        capture.add_contribution(
            session=session,
            learning_session_id=other.session_id,
            group_id=room.groups[0],
            kind="obstacle",
            text="x",
            author_key="k",
        )


def test_every_naughty_string_is_stored_exactly_as_typed(engine):
    room = open_room(engine)
    kept = {}
    strings = blns()
    start = utcnow() - dt.timedelta(minutes=len(strings))
    for index, text in enumerate(strings):
        try:  # a minute apart: the group's rate limit is not what this test is about
            kept[add(engine, room, text, key=f"k{index}", now=start + dt.timedelta(minutes=index))] = text.strip()
        except DomainError as error:
            assert not text.strip() or "\x00" in text or len(text.strip()) > 500, (text, error)
    assert len(kept) > 400
    with db.read(engine) as session:
        boards = capture.board(session=session, learning_session_id=room.session_id, round_index=0)
    assert {item.id: item.text for item in boards[0].items} == kept


def test_two_scribes_of_one_group_typing_at_the_same_moment_are_both_kept(engine):
    room = open_room(engine)
    barrier = threading.Barrier(2)
    errors = []

    def scribe(name: str) -> None:
        barrier.wait()
        try:
            add(engine, room, f"Inbreng van {name}", key=name)
        except Exception as error:  # pragma: no cover - the assertion below shows it
            errors.append(error)

    threads = [threading.Thread(target=scribe, args=(name,)) for name in ("anna", "bram")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with db.read(engine) as session:
        texts = [
            i.text for i in capture.board(session=session, learning_session_id=room.session_id, round_index=0)[0].items
        ]
    assert sorted(texts) == ["Inbreng van anna", "Inbreng van bram"]


def test_thirty_scribes_at_once_lose_nothing(engine):
    room = open_room(engine, groups=3)
    per_scribe = 10
    barrier = threading.Barrier(30)
    errors = []

    def scribe(number: int) -> None:
        barrier.wait()
        for item in range(per_scribe):
            try:
                add(engine, room, f"scribe {number} item {item}", key=f"s{number}", group=number % 3)
            except Exception as error:  # pragma: no cover
                errors.append(error)

    threads = [threading.Thread(target=scribe, args=(n,)) for n in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with db.read(engine) as session:
        boards = capture.board(session=session, learning_session_id=room.session_id, round_index=0)
    texts = {item.text for b in boards for item in b.items}
    assert len(texts) == 30 * per_scribe
    assert [len(b.items) for b in boards] == [100, 100, 100]


def test_a_scribe_edits_and_deletes_only_own_contributions_during_the_round(engine):
    room = open_room(engine)
    mine = add(engine, room, "eerste versie", key="mijn-telefoon")
    with db.transaction(engine) as session, pytest.raises(NotAllowed):
        capture.edit_contribution(session=session, contribution_id=mine, text="gekaapt", author_key="ander")
    with db.transaction(engine) as session:
        capture.edit_contribution(
            session=session, contribution_id=mine, text="tweede versie", author_key="mijn-telefoon"
        )
    with db.read(engine) as session:
        own = capture.own_contributions(
            session=session, learning_session_id=room.session_id, author_key="mijn-telefoon", round_index=0
        )
        assert [i.text for i in own] == ["tweede versie"]
    _control(engine, room, "next")
    with db.transaction(engine) as session, pytest.raises(DomainError, match="ronde is voorbij"):
        capture.delete_contribution(session=session, contribution_id=mine, author_key="mijn-telefoon")
    _control(engine, room, "back")  # round 1 again
    with db.transaction(engine) as session:
        capture.delete_contribution(session=session, contribution_id=mine, author_key="mijn-telefoon")
    with db.read(engine) as session:
        assert session.get(Contribution, mine) is None


def test_the_aanjager_types_for_a_group_and_hides_a_contribution(engine):
    room = open_room(engine)
    with db.transaction(engine) as session:
        typed = capture.add_contribution(
            session=session,
            learning_session_id=room.session_id,
            group_id=room.groups[1],
            kind="helper",
            text="Korte lijnen",
            actor=room.aanjager,
        ).id
    rude = add(engine, room, "Iets ongepasts")
    with db.transaction(engine) as session:
        capture.set_hidden(session=session, contribution_id=rude, hidden=True, actor=room.aanjager)
    with db.read(engine) as session:
        shown = capture.board(session=session, learning_session_id=room.session_id, round_index=0)
        moderated = capture.board(
            session=session, learning_session_id=room.session_id, round_index=0, include_hidden=True
        )
    assert [i.text for i in shown[0].items] == [] and [i.id for i in shown[1].items] == [typed]
    assert [(i.text, i.hidden) for i in moderated[0].items] == [("Iets ongepasts", True)]


def test_nothing_can_be_added_after_the_session_closed(engine):
    room = open_room(engine)
    _control(engine, room, "end")
    with pytest.raises(DomainError, match="niet \\(meer\\) open"):
        add(engine, room)


# --- votes, actions -----------------------------------------------------------------------------


def solutions_room(engine, count: int = 4) -> tuple[Room, list[int]]:
    room = open_room(engine, phase_steps=4)  # round 3: veranderproces, yields solutions
    ids = [add(engine, room, f"Oplossing {n}", ContributionKind.SOLUTION, group=n % 2) for n in range(count)]
    return room, ids


def test_each_participant_has_a_limited_number_of_dots_one_per_solution(engine):
    room, ids = solutions_room(engine)
    for contribution_id in ids[:3]:
        with db.transaction(engine) as session:
            assert capture.toggle_vote(session=session, contribution_id=contribution_id, voter_key="stemmer")
    with db.transaction(engine) as session, pytest.raises(DomainError, match="al uw 3 stemmen"):
        capture.toggle_vote(session=session, contribution_id=ids[3], voter_key="stemmer")
    with db.transaction(engine) as session:  # take one back, then the fourth is allowed
        assert capture.toggle_vote(session=session, contribution_id=ids[0], voter_key="stemmer") is False
        assert capture.toggle_vote(session=session, contribution_id=ids[3], voter_key="stemmer") is True
    with db.transaction(engine) as session:
        capture.toggle_vote(session=session, contribution_id=ids[3], voter_key="ander")
        ranked = capture.solutions(session=session, learning_session_id=room.session_id)
    assert (ranked[0].id, ranked[0].votes) == (ids[3], 2)
    assert sorted(s.votes for s in ranked) == [0, 1, 1, 2]


def test_simultaneous_votes_of_one_participant_never_exceed_the_limit(engine):
    room, ids = solutions_room(engine, count=8)
    barrier = threading.Barrier(8)

    def tap(contribution_id: int) -> None:
        barrier.wait()
        try:
            with db.transaction(engine) as session:
                capture.toggle_vote(session=session, contribution_id=contribution_id, voter_key="snelle-duim")
        except DomainError:
            pass

    threads = [threading.Thread(target=tap, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with db.read(engine) as session:
        assert len(capture.my_votes(session=session, learning_session_id=room.session_id, voter_key="snelle-duim")) == 3


def test_a_solution_becomes_an_action_due_at_the_next_session_once(engine):
    room, ids = solutions_room(engine, count=1)
    with db.transaction(engine) as session:
        action = capture.solution_to_action(
            session=session,
            contribution_id=ids[0],
            actor=room.aanjager,
            owner_user_id=room.manager_id,
            work_group="Werkgroep schulden",
        )
        assert (action.title, action.due_date, action.work_group) == (
            "Oplossing 0",
            room.next_session_date,
            "Werkgroep schulden",
        )
        assert action.organisation_id is not None  # the trekker's organisation
    with db.transaction(engine) as session, pytest.raises(Conflict, match="al een vervolgactie"):
        capture.solution_to_action(session=session, contribution_id=ids[0], actor=room.aanjager, owner_name="Iemand")
    with db.read(engine) as session:
        [solution] = capture.solutions(session=session, learning_session_id=room.session_id)
        assert solution.feasible and solution.action_id == action.id
        assert [a.title for a in capture.session_actions(session=session, learning_session_id=room.session_id)] == [
            "Oplossing 0"
        ]
        assert session.scalar(select(func.count()).select_from(Action)) == 1


def test_an_action_needs_a_trekker(engine):
    room, ids = solutions_room(engine, count=1)
    with db.transaction(engine) as session, pytest.raises(DomainError, match="Kies een trekker"):
        capture.solution_to_action(session=session, contribution_id=ids[0], actor=room.aanjager)


# --- evaluation ---------------------------------------------------------------------------------


def test_one_evaluation_per_participant_and_live_results(engine):
    room = open_room(engine, phase_steps=5)  # afsluiting
    answers = [("p1", "goed", 4, 5, "Fijn"), ("p2", "te_lang", 2, 3, ""), ("p1", "te_kort", 5, 5, "Toch kort")]
    for key, length, constructive, point, remark in answers:
        with db.transaction(engine) as session:
            evaluation.submit_evaluation(
                session=session,
                learning_session_id=room.session_id,
                participant_key=key,
                length=length,
                constructive=constructive,
                to_the_point=point,
                remark=remark,
            )
    with db.read(engine) as session:
        result = evaluation.evaluation_results(session=session, learning_session_id=room.session_id)
    assert result.count == 2
    assert result.length == {"te_kort": 1, "goed": 0, "te_lang": 1}
    assert result.constructive == {1: 0, 2: 1, 3: 0, 4: 0, 5: 1}
    assert result.remarks == ["Toch kort"]


def test_evaluation_scores_outside_one_to_five_are_refused(engine):
    room = open_room(engine, phase_steps=5)
    with db.transaction(engine) as session, pytest.raises(DomainError, match="Constructief"):
        evaluation.submit_evaluation(
            session=session,
            learning_session_id=room.session_id,
            participant_key="p",
            length="goed",
            constructive=6,
            to_the_point=3,
        )
