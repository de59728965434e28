"""One version mechanism (lib/core/versions.py): two edits of the same version never both win, on
SQLite and PostgreSQL, whether they meet in the version check or in the versioned UPDATE itself."""

from __future__ import annotations

import threading

import pytest

from lib.cases import selection
from lib.core import db, versions
from lib.core.errors import Conflict
from lib.followup import actions
from lib.live import phases
from lib.models import (
    Action,
    ActionStatus,
    Base,
    Case,
    CaseStatus,
    LearningSession,
    PresenceConfirmation,
    Role,
    Series,
    Template,
    Theme,
)
from lib.planning import schedule, werkvormen
from tests import factories as f

THREADS = 6


@pytest.fixture
def world(engine):
    with db.transaction(engine) as session:
        aanjager = f.user(session, Role.AANJAGER)
        beheerder = f.user(session, Role.BEHEERDER)
        professional = f.user(session, Role.PROFESSIONAL)
        series = f.series(session)
        meeting = f.learning_session(session, series_row=series)
        case = f.case(session, professional)
        action = f.action(session, meeting, aanjager)
        ids = {
            "aanjager": f.current(aanjager),
            "beheerder": f.current(beheerder),
            "series": series.id,
            "meeting": meeting.id,
            "case": case.id,
            "action": action.id,
        }
    return ids


def load(engine, model, row_id):
    with db.read(engine) as session:
        return session.get(model, row_id)


def test_every_model_with_a_version_is_versioned_by_sqlalchemy():
    """A new model with a `version` column joins the one mechanism or this fails."""
    with_version = {m.class_ for m in Base.registry.mappers if "version" in m.columns}
    assert (
        with_version
        == set(versions.VERSIONED)
        == {
            Action,
            Case,
            LearningSession,
            PresenceConfirmation,
            Series,
            Template,
            Theme,
        }
    )
    for model in with_version:
        assert model.__mapper__.version_id_col is model.__table__.c.version


def test_two_sessions_read_version_n_both_write_and_exactly_one_wins(engine, world):
    """Both screens loaded the case at version 1; the second UPDATE matches no row and is a Conflict."""
    first, second = load(engine, Case, world["case"]), load(engine, Case, world["case"])
    assert first.version == second.version == 1
    with db.transaction(engine) as session:
        session.add(first)
        first.title = "Eerste"
    with pytest.raises(Conflict, match=r"^Deze casus is intussen gewijzigd"), db.transaction(engine) as session:
        session.add(second)
        second.title = "Tweede"
    stored = load(engine, Case, world["case"])
    assert (stored.title, stored.version) == ("Eerste", 2)


def another_session(engine, world) -> int:
    """Another upcoming session of the series, to select cases for."""
    with db.transaction(engine) as session:
        return f.learning_session(session, series_row=session.get(Series, world["series"])).id


def test_a_stale_expected_version_is_refused_and_changes_nothing(engine, world):
    """Somebody selected the case after the screen was drawn: 'Teruggeven' with that screen's version fails."""
    drawn = load(engine, Case, world["case"]).version
    later = another_session(engine, world)
    with db.transaction(engine) as session:
        selection.select_for_session(
            session=session,
            case_id=world["case"],
            learning_session_id=later,
            actor=world["aanjager"],
            expected_version=drawn,
        )
    with pytest.raises(Conflict, match="de status is nu geselecteerd voor"), db.transaction(engine) as session:
        selection.return_case(
            session=session, case_id=world["case"], note="Niet nu", actor=world["aanjager"], expected_version=drawn
        )
    stored = load(engine, Case, world["case"])
    assert (stored.status, stored.session_id, stored.return_note, stored.version) == (
        CaseStatus.SELECTED,
        later,
        "",
        drawn + 1,
    )


@pytest.mark.parametrize("missing", [None, "3", True])
def test_a_missing_expected_version_is_a_programming_error_not_a_skipped_check(engine, world, missing):
    with pytest.raises(TypeError, match="expected_version"), db.transaction(engine) as session:
        schedule.set_status(
            session=session,
            learning_session_id=world["meeting"],
            to_status="voorbereid",
            expected_version=missing,
            actor=world["aanjager"],
        )
    assert load(engine, LearningSession, world["meeting"]).status == "gepland"


def test_a_werkvorm_edit_that_only_changes_rounds_gets_a_new_version(engine, world):
    with db.read(engine) as session:
        template = werkvormen.default_template(session=session)
        data = werkvormen.TemplateInput(
            template.name,
            [werkvormen.RoundInput(r.name, r.perspective, r.minutes + 1, r.guiding_questions) for r in template.rounds],
            template.description,
        )
    beheerder = world["beheerder"]
    with db.transaction(engine) as session:
        werkvormen.update_template(
            session=session, template_id=template.id, data=data, expected_version=template.version, actor=beheerder
        )
    assert load(engine, Template, template.id).version == template.version + 1
    with pytest.raises(Conflict, match=r"^Deze werkvorm"), db.transaction(engine) as session:
        werkvormen.update_template(
            session=session, template_id=template.id, data=data, expected_version=template.version, actor=beheerder
        )


def race(work, count: int = THREADS) -> list[object]:
    """Run `work()` in `count` threads released at once; each result is a return value or an exception."""
    barrier = threading.Barrier(count)
    results: list[object] = []
    lock = threading.Lock()

    def run() -> None:
        barrier.wait()
        try:
            outcome = work()
        except Exception as error:  # the test inspects what each thread got
            outcome = error
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_threads_racing_with_the_same_seen_version_change_the_action_once(engine, world):
    """Six screens drawn at version 1 all click 'Status opslaan' at once: one change, five Conflicts."""

    def save() -> int:
        with db.transaction(engine) as session:
            return actions.change_status(
                session=session,
                action_id=world["action"],
                to_status=ActionStatus.IN_PROGRESS,
                note="Gestart",
                actor=world["aanjager"],
                expected_version=1,
            ).version

    results = race(save)
    assert sorted(type(r).__name__ for r in results) == ["Conflict"] * (THREADS - 1) + ["int"]
    assert all("vervolgactie is intussen gewijzigd" in str(r) for r in results if isinstance(r, Conflict))
    with db.read(engine) as session:
        stored = session.get(Action, world["action"])
        assert (stored.status, stored.version, len(stored.updates)) == (ActionStatus.IN_PROGRESS, 2, 1)


def test_threads_racing_past_the_check_still_write_once(engine, world):
    """Rows loaded before any lock (detached, as a page holds them): the versioned UPDATE lets one through."""
    loaded = [load(engine, Series, world["series"]) for _ in range(THREADS)]
    names = iter(range(THREADS))
    lock = threading.Lock()

    def write() -> str:
        with lock:
            row = loaded.pop()
            name = f"Reeks {next(names)}"
        with db.transaction(engine) as session:
            session.add(row)
            row.name = name
        return name

    results = race(write)
    winners = [r for r in results if isinstance(r, str)]
    assert len(winners) == 1, results
    assert all(isinstance(r, Conflict) and str(r).startswith("Deze reeks") for r in results if r not in winners)
    stored = load(engine, Series, world["series"])
    assert (stored.name, stored.version) == (winners[0], 2)


def test_a_doubled_next_on_the_projector_moves_the_session_once(engine, world):
    """'Volgende' clicked on two screens (or twice) drawn at the same version moves one phase, not two."""
    with db.transaction(engine) as session:
        meeting = phases.open_session(session=session, learning_session_id=world["meeting"], actor=world["aanjager"])
    seen = meeting.version  # after the commit: the version a projector drawn now shows

    def next_phase() -> str:
        with db.transaction(engine) as session:
            meeting = phases.control(
                session=session,
                learning_session_id=world["meeting"],
                command="next",
                expected_version=seen,
                actor=world["aanjager"],
            )
            return str(meeting.phase)

    results = race(next_phase, 2)
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "str"]
    conflict = next(r for r in results if isinstance(r, Conflict))
    assert str(conflict).startswith("Deze leersessie is intussen gewijzigd: ze staat nu op ")
    stored = load(engine, LearningSession, world["meeting"])
    assert (stored.phase, stored.version) == (next(r for r in results if isinstance(r, str)), seen + 1)
