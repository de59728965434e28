"""One visibility rule for case titles, leervragen and actions, in every read and export: a manager who
attends nothing does not get a session's case titles from the sessieverslag, and the actions CSV and the
Opvolging list hold no other organisation's actions (the terugkoppeling refuses those too)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from lib.core import db, visibility
from lib.core.errors import NotAllowed
from lib.followup import actions
from lib.insight import oogst, reports, stats
from lib.models import Role, SessionStatus
from tests import factories as f


@pytest.fixture
def world(engine):
    with db.transaction(engine) as session:
        ours = f.organisation(session, "Wijkteam Oost")
        theirs = f.organisation(session, "Woningcorporatie West")
        outsider = f.user(session, Role.MANAGER, organisation=ours)  # attends nothing
        attending = f.user(session, Role.MANAGER, organisation=ours)
        aanjager = f.user(session, Role.AANJAGER)
        pro = f.user(session, Role.PROFESSIONAL, organisation=theirs)
        other_manager = f.user(session, Role.MANAGER, organisation=theirs)
        series = f.series(session, name="Reeks Oost")
        held = f.learning_session(
            session, series_row=series, date=dt.date(2026, 2, 2), status=SessionStatus.FINISHED, title="Sessie"
        )
        case = f.case(session, pro, title="Gezin met huurschuld", learning_question="Wie pakt de regie?")
        f.group(session, held, 1, case)
        case.session_id = held.id
        f.attendance(session, held, attending)
        f.action(session, held, outsider, title="Actie van Oost", organisation_id=ours.id)
        f.action(session, held, other_manager, title="Actie van West", organisation_id=theirs.id)
        return {
            "session": held.id,
            "series": series.id,
            "outsider": f.current(outsider),
            "attending": f.current(attending),
            "aanjager": f.current(aanjager),
            "pro": f.current(pro),
        }


def _report_text(engine, viewer, session_id) -> str:
    with db.read(engine) as session:
        document = reports.session_report(session=session, viewer=viewer, learning_session_id=session_id)
    return repr(document)


def test_the_sessieverslag_gives_case_titles_only_to_who_may_see_them(engine, world):
    outsider = _report_text(engine, world["outsider"], world["session"])
    assert "Gezin met huurschuld" not in outsider and "Wie pakt de regie?" not in outsider
    assert visibility.HIDDEN_CASE in outsider  # the case is there, its title is not
    assert "Gezin met huurschuld" in _report_text(engine, world["attending"], world["session"])
    assert "Gezin met huurschuld" in _report_text(engine, world["aanjager"], world["session"])


def test_the_sessieverslag_lists_only_the_actions_the_viewer_may_list(engine, world):
    text = _report_text(engine, world["outsider"], world["session"])
    assert "Actie van Oost" in text and "Actie van West" not in text
    everything = _report_text(engine, world["aanjager"], world["session"])
    assert "Actie van West" in everything


def _csv_titles(data: bytes) -> set[str]:
    return {row[1] for row in list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))[1:]}


def test_the_actions_csv_holds_no_other_organisations_actions(engine, world):
    with db.read(engine) as session:
        manager = reports.actions_csv(session=session, viewer=world["outsider"], filters=stats.Filters())
        aanjager = reports.actions_csv(session=session, viewer=world["aanjager"], filters=stats.Filters())
    assert _csv_titles(manager) == {"Actie van Oost"}
    assert _csv_titles(aanjager) == {"Actie van Oost", "Actie van West"}


def test_the_opvolging_list_and_history_follow_the_same_rule(engine, world):
    with db.read(engine) as session:
        listed = actions.list_actions(session=session, actor=world["outsider"], filters=actions.ActionFilter())
        assert {row.title for row in listed.rows} == {"Actie van Oost"}
        west = next(
            r
            for r in actions.list_actions(session=session, actor=world["aanjager"], filters=actions.ActionFilter()).rows
            if r.title == "Actie van West"
        )
        with pytest.raises(NotAllowed, match="alleen"):
            actions.history(session=session, action_id=west.id, actor=world["outsider"])


def test_the_oogst_shows_hidden_case_titles_and_own_actions_to_a_manager(engine, world):
    with db.read(engine) as session:
        harvest = oogst.harvest(session=session, series_id=world["series"], actor=world["outsider"])
    text = repr(harvest)
    assert "Gezin met huurschuld" not in text
    assert "Actie van West" not in text and "Actie van Oost" in text
