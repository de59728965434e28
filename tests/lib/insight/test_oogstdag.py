"""The Oogstdag: which actions of the series got off the ground and which did not, and why not, with
similar reasons grouped; and planning a leertraject that ends in one."""

from __future__ import annotations

import datetime as dt

import pytest

from lib.core import db
from lib.core.errors import DomainError
from lib.insight import oogstdag
from lib.insight.oogst import ActionOutcome
from lib.models import ActionStatus, LearningSession, Role, SeriesKind, SessionKind
from lib.planning import schedule
from tests import factories as f

TODAY = dt.date(2026, 11, 20)


def outcome(reason: str, status: str = ActionStatus.FAILED, title: str = "Actie") -> ActionOutcome:
    return ActionOutcome("Sessie 1", TODAY, title, "Trekker", "", status, reason, None)


def test_similar_reasons_form_one_group_worded_as_most_people_said_it_or_shortest():
    items = [
        outcome("Geen budget", title="A"),
        outcome("Wachtlijst bij de GGZ", title="B"),
        outcome("geen budget!", title="C"),
        outcome("Er was geen budget", title="D"),
        outcome("wachtlijsten bij GGZ", title="E"),
        outcome("Geen tijd", title="F"),
        outcome("", ActionStatus.OPEN, title="G"),
        outcome("   ", ActionStatus.FAILED, title="H"),
    ]
    groups = oogstdag.group_reasons(items)
    assert [(g.reason, [a.title for a in g.actions]) for g in groups] == [
        ("Geen budget", ["A", "C", "D"]),
        ("wachtlijsten bij GGZ", ["B", "E"]),  # a tie: the shorter wording
        ("Geen tijd", ["F"]),
        (oogstdag.STILL_OPEN, ["G"]),
        (oogstdag.NO_REASON, ["H"]),
    ]


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Geen tijd", "Geen budget", False),
        ("Privacyregels staan delen in de weg", "De privacyregels staan het delen van gegevens in de weg", True),
        ("😀😀", "😀😀", True),
        ("...", "Geen budget", False),
        ("Te weinig capaciteit in het wijkteam.", "Geen capaciteit in het wijkteam om het te schrijven", True),
        ("Geen tijd", "Geen tijd om te schrijven", True),  # the short reason, said again in the long one
        ("Geen tijd", "Geen budget", False),  # one word in common is not enough
    ],
)
def test_similarity_of_two_reasons(a, b, same):
    assert oogstdag.similar(oogstdag.normalise(a) or a, oogstdag.normalise(b) or b) is same


def test_no_reasons_no_groups():
    assert oogstdag.group_reasons([]) == []


@pytest.fixture
def traject(engine):
    """A leertraject of two held sessions with actions in every status, and its Oogstdag (running)."""
    with db.transaction(engine) as s:
        trekker = f.user(s, Role.MANAGER, display_name="Marco")
        aanjager = f.user(s, Role.AANJAGER)
        series = f.series(s, name="Leertraject Wijkaanpak", kind=SeriesKind.LEERTRAJECT)
        first = f.learning_session(s, series_row=series, date=TODAY - dt.timedelta(weeks=8), status="afgerond")
        second = f.learning_session(s, series_row=series, date=TODAY - dt.timedelta(weeks=4), status="afgerond")
        day = f.learning_session(s, series_row=series, date=TODAY, status="bezig", kind=SessionKind.OOGSTDAG)
        made = [
            (first, "Eén loket", ActionStatus.DONE, ""),
            (first, "Budget vrijmaken", ActionStatus.FAILED, "Geen budget"),
            (second, "Wijkagent erbij", ActionStatus.IN_PROGRESS, ""),
            (second, "Schuldhulp sneller", ActionStatus.FAILED, "Er was geen budget."),
            (second, "Spreekuur", ActionStatus.DROPPED, "Niemand had tijd"),
            (second, "Overleg plannen", ActionStatus.OPEN, ""),  # past its due date: stuck
            (second, "Folder maken", ActionStatus.OPEN, ""),  # due later: still on track
            (day, "Nieuwe actie van de Oogstdag", ActionStatus.OPEN, ""),
        ]
        for meeting, title, status, reason in made:
            due = TODAY - dt.timedelta(days=3) if title == "Overleg plannen" else TODAY + dt.timedelta(days=30)
            f.action(s, meeting, trekker, title=title, status=status, reason=reason, due_date=due)
    return {"day": day.id, "first": first.id, "aanjager": f.current(aanjager), "series": series.id}


def test_the_oogstdag_shows_what_got_off_the_ground_and_why_not(engine, traject):
    with db.read(engine) as s:
        data = oogstdag.oogstdag(session=s, learning_session_id=traject["day"], actor=traject["aanjager"], today=TODAY)
    assert data.series_name == "Leertraject Wijkaanpak" and data.sessions_held == 2
    assert [a.title for a in data.realised] == ["Eén loket"]
    assert [a.title for a in data.in_progress] == ["Wijkagent erbij"]
    assert [a.title for a in data.failed] == ["Budget vrijmaken", "Schuldhulp sneller", "Spreekuur"]
    assert [a.title for a in data.stuck] == ["Overleg plannen"]
    assert data.open_on_track == 1
    assert data.total == 7  # the Oogstdag's own new action is not part of its oogst
    assert [(g.reason, g.count) for g in data.reasons] == [
        ("Geen budget", 2),
        ("Niemand had tijd", 1),
        (oogstdag.STILL_OPEN, 1),
    ]


def test_only_an_oogstdag_has_an_oogstdag_view(engine, traject):
    with db.read(engine) as s:
        assert oogstdag.is_oogstdag(session=s, learning_session_id=traject["day"])
        assert not oogstdag.is_oogstdag(session=s, learning_session_id=traject["first"])
        with pytest.raises(DomainError, match="geen Oogstdag"):
            oogstdag.oogstdag(session=s, learning_session_id=traject["first"], actor=traject["aanjager"])


def test_a_leertraject_is_planned_to_end_in_an_oogstdag(engine, traject):
    aanjager = traject["aanjager"]
    with db.transaction(engine) as s:
        series = schedule.create_series(
            session=s,
            data=schedule.SeriesInput("Traject Jeugd", dt.time(9), dt.time(12), kind=SeriesKind.LEERTRAJECT),
            actor=aanjager,
        )
        series_id = series.id
    with db.read(engine) as s:
        assert schedule.series_notice(schedule.get_series(session=s, series_id=series_id)) is not None
    days = [TODAY + dt.timedelta(weeks=w) for w in (1, 2, 3)]
    with db.transaction(engine) as s:
        planned = schedule.add_sessions(
            session=s, series_id=series_id, days=days, actor=aanjager, today=TODAY, last_is_oogstdag=True
        )
        kinds = [(m.title, m.kind) for m in planned.sessions]
    assert kinds[-1] == ("Traject Jeugd — Oogstdag", SessionKind.OOGSTDAG)
    assert {k for _t, k in kinds[:-1]} == {SessionKind.LEERSESSIE}
    with db.read(engine) as s:
        series_row = schedule.get_series(session=s, series_id=series_id)
        assert schedule.ends_with_oogstdag(series_row) and schedule.series_notice(series_row) is None
        last = series_row.sessions[-1]
    with db.transaction(engine) as s:
        schedule.set_kind(
            session=s, learning_session_id=last.id, kind="leersessie", expected_version=last.version, actor=aanjager
        )
    with db.read(engine) as s:
        assert s.get(LearningSession, last.id).kind == SessionKind.LEERSESSIE
    with pytest.raises(DomainError, match="niet meer van soort"), db.transaction(engine) as s:
        running = s.get(LearningSession, traject["day"])
        schedule.set_kind(
            session=s,
            learning_session_id=running.id,
            kind="leersessie",
            expected_version=running.version,
            actor=aanjager,
        )
