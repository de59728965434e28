"""Confirmed themes in the database: suggestions in the room, samenvoegen and afwijzen, the marks of
later sessions ("terugkerend (3e sessie)"), and the themes over time with their actions — on SQLite
and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from lib.core import db
from lib.core.errors import Conflict, DomainError, NotAllowed
from lib.insight import recurring, stats
from lib.models import ActionStatus, ContributionKind, Role, SessionStatus, Theme, ThemeMember
from tests import factories as f

TODAY = dt.date.today()
OBS, SOL = ContributionKind.OBSTACLE, ContributionKind.SOLUTION


@dataclass
class Room:
    aanjager: f.CurrentUser
    manager: f.CurrentUser
    organisation_id: int
    other_organisation_id: int
    series_id: int
    sessions: list[int]  # three sessions of the series, oldest first
    elsewhere: int  # a session of another series, other organisation
    ids: dict[str, int]  # contribution ids by a short name


@pytest.fixture
def room(engine) -> Room:
    with db.transaction(engine) as s:
        org = f.organisation(s, "Gemeente Oss")
        other_org = f.organisation(s, "Wijkteam Noord")
        aanjager = f.user(s, Role.AANJAGER)
        manager = f.user(s, Role.MANAGER, organisation=org)
        submitter = f.user(s, organisation=org)
        reeks = f.series(s, name="Proeftuin")
        meetings = [
            f.learning_session(
                s,
                series_row=reeks,
                date=TODAY - dt.timedelta(weeks=weeks),
                title=f"Sessie {n}",
                status=SessionStatus.FINISHED,
            )
            for n, weeks in ((1, 8), (2, 4), (3, 0))
        ]
        elsewhere = f.learning_session(s, title="Elders", date=TODAY, status=SessionStatus.FINISHED)
        groups = [f.group(s, m, 1, f.case(s, submitter)) for m in meetings]
        other_group = f.group(s, elsewhere, 1, f.case(s, f.user(s, organisation=other_org)))
        said = {
            "w1": (0, OBS, "Lange wachtlijst voor de GGZ"),
            "w2": (0, OBS, "Inwoners staan maanden op een wachtlijst"),
            "w3": (0, OBS, "De wachtlijsten bij de jeugdhulp zijn te lang"),
            "o1": (0, OBS, "Geen overleg tussen de teams"),
            "o2": (0, OBS, "Het overleg tussen de teams kost veel tijd"),
            "alone": (0, OBS, "De huurachterstand liep op"),
            "s1": (0, SOL, "Eén wachtlijstcoördinator voor de hele regio"),
            "s2": (0, SOL, "Een wachtlijstcoördinator aanstellen in de regio"),
            "w4": (1, OBS, "Weer een lange wachtlijst bij de GGZ"),
            "x2": (1, OBS, "Tolk was niet beschikbaar"),
            "w5": (2, OBS, "Wachtlijst voor de GGZ is nog steeds lang"),
            "s3": (2, SOL, "Wachtlijstcoördinator voor de regio aanstellen"),
        }
        ids = {}
        for name, (index, kind, text) in said.items():
            ids[name] = f.contribution(s, meetings[index], groups[index], kind, text=text).id
        ids["elsewhere"] = f.contribution(s, elsewhere, other_group, OBS, text="Lange wachtlijst bij de GGZ").id
        action = f.action(s, meetings[0], manager, title="Regionale wachtlijstcoördinator", contribution_id=ids["s1"])
        f.action(s, meetings[0], manager, title="Niet uit een thema")
        action.status = ActionStatus.IN_PROGRESS
        return Room(
            f.current(aanjager),
            f.current(manager),
            org.id,
            other_org.id,
            reeks.id,
            [m.id for m in meetings],
            elsewhere.id,
            ids,
        )


def suggested(engine, room: Room, index: int = 0) -> list[recurring.Suggestion]:
    with db.read(engine) as s:
        return recurring.suggestions(session=s, learning_session_id=room.sessions[index], actor=room.aanjager)


def confirm(engine, room: Room, names: list[str], name: str, index: int = 0) -> int:
    with db.transaction(engine) as s:
        return recurring.confirm_theme(
            session=s,
            learning_session_id=room.sessions[index],
            contribution_ids=[room.ids[n] for n in names],
            name=name,
            actor=room.aanjager,
        ).id


def test_the_aanjager_sees_the_groups_of_a_round_per_kind_with_a_name_to_start_from(engine, room):
    found = {(g.kind, frozenset(g.ids), g.name_hint) for g in suggested(engine, room)}
    ids = room.ids
    assert found == {
        (OBS, frozenset({ids["w1"], ids["w2"], ids["w3"]}), "Wachtlijst"),
        (OBS, frozenset({ids["o1"], ids["o2"]}), "Overleg"),
        (SOL, frozenset({ids["s1"], ids["s2"]}), "Wachtlijstcoördinator"),
    }


def test_samenvoegen_stores_a_named_theme_in_the_series_and_organisation_and_it_leaves_the_suggestions(engine, room):
    theme_id = confirm(engine, room, ["w1", "w2", "w3"], "  Wachtlijsten  ")
    with db.read(engine) as s:
        theme = s.get(Theme, theme_id)
        members = set(s.scalars(select(ThemeMember.contribution_id).where(ThemeMember.theme_id == theme_id)))
    assert (theme.name, theme.series_id, theme.organisation_id, theme.kind) == (
        "Wachtlijsten",
        room.series_id,
        room.organisation_id,
        OBS,
    )
    assert theme.perspective and theme.created_by_id == room.aanjager.id
    assert members == {room.ids["w1"], room.ids["w2"], room.ids["w3"]}
    assert all(room.ids["w1"] not in g.ids for g in suggested(engine, room))


def test_a_contribution_joins_one_theme_only_and_a_theme_one_perspective_and_kind(engine, room):
    confirm(engine, room, ["w1", "w2"], "Wachtlijsten")
    with pytest.raises(Conflict, match="Wachtlijsten"):
        confirm(engine, room, ["w2", "w3"], "Nog eens")
    with pytest.raises(DomainError, match="één perspectief en één soort"):
        confirm(engine, room, ["o1", "s1"], "Gemengd")
    with pytest.raises(DomainError, match="minstens twee"):
        confirm(engine, room, ["o1"], "Alleen")


@pytest.mark.parametrize(("name", "message"), [("", "verplicht"), ("   ", "verplicht"), ("x" * 81, "hoogstens 80")])
def test_a_theme_needs_a_short_name(engine, room, name, message):
    with pytest.raises(DomainError, match=message):
        confirm(engine, room, ["o1", "o2"], name)


def test_a_rejected_group_is_not_suggested_again_until_something_new_joins_it(engine, room):
    overleg = next(g for g in suggested(engine, room) if room.ids["o1"] in g.ids)
    for _ in range(2):  # twice is the same as once
        with db.transaction(engine) as s:
            recurring.reject_suggestion(
                session=s, learning_session_id=room.sessions[0], contribution_ids=overleg.ids, actor=room.aanjager
            )
    assert all(room.ids["o1"] not in g.ids for g in suggested(engine, room))
    with db.transaction(engine) as s:
        meeting = s.get(f.LearningSession, room.sessions[0])
        newer = f.contribution(s, meeting, None, OBS, text="Overleg tussen de teams ontbreekt").id
    again = next(g for g in suggested(engine, room) if room.ids["o1"] in g.ids)
    assert newer in again.ids


def test_hidden_contributions_are_never_suggested(engine, room):
    with db.transaction(engine) as s:
        s.get(f.Contribution, room.ids["o2"]).hidden = True
    assert all(room.ids["o1"] not in g.ids for g in suggested(engine, room))


def test_later_sessions_are_marked_terugkerend_with_the_how_manieth_session(engine, room):
    confirm(engine, room, ["w1", "w2", "w3"], "Wachtlijsten")
    found = {}
    for index in range(3):
        with db.read(engine) as s:
            found.update(recurring.marks(session=s, learning_session_id=room.sessions[index], actor=room.aanjager))
    ids = room.ids
    assert {cid: (m.name, m.occurrence, m.how) for cid, m in found.items()} == {
        ids["w1"]: ("Wachtlijsten", 1, recurring.CONFIRMED),
        ids["w2"]: ("Wachtlijsten", 1, recurring.CONFIRMED),
        ids["w3"]: ("Wachtlijsten", 1, recurring.CONFIRMED),
        ids["w4"]: ("Wachtlijsten", 2, recurring.MATCHED),
        ids["w5"]: ("Wachtlijsten", 3, recurring.MATCHED),
    }
    assert found[ids["w5"]].label == "terugkerend (3e sessie)"
    with db.read(engine) as s:  # another series, and a case of another organisation: not this theme
        assert recurring.marks(session=s, learning_session_id=room.elsewhere, actor=room.aanjager) == {}


def test_a_repeat_is_not_suggested_anew_but_marked_and_can_join_its_theme(engine, room):
    theme_id = confirm(engine, room, ["s1", "s2"], "Wachtlijstcoördinator")
    assert all(room.ids["s3"] not in g.ids for g in suggested(engine, room, 2))
    with db.read(engine) as s:
        mark = recurring.marks(session=s, learning_session_id=room.sessions[2], actor=room.aanjager)[room.ids["s3"]]
    assert (mark.theme_id, mark.how, mark.occurrence) == (theme_id, recurring.MATCHED, 2)
    with db.transaction(engine) as s:
        recurring.add_to_theme(
            session=s,
            learning_session_id=room.sessions[2],
            theme_id=theme_id,
            contribution_ids=[room.ids["s3"]],
            expected_version=mark.version,
            actor=room.aanjager,
        )
    with db.read(engine) as s:
        marks = recurring.marks(session=s, learning_session_id=room.sessions[2], actor=room.aanjager)
    assert (marks[room.ids["s3"]].how, marks[room.ids["s3"]].occurrence) == (recurring.CONFIRMED, 2)
    with pytest.raises(Conflict, match="Dit thema is intussen gewijzigd"), db.transaction(engine) as s:
        recurring.add_to_theme(
            session=s,
            learning_session_id=room.sessions[2],
            theme_id=theme_id,
            contribution_ids=[room.ids["w5"]],
            expected_version=mark.version,
            actor=room.aanjager,
        )


def test_a_new_group_in_a_later_session_offers_the_themes_of_its_kind(engine, room):
    theme_id = confirm(engine, room, ["w1", "w2", "w3"], "Wachtlijsten")
    with db.transaction(engine) as s:
        meeting = s.get(f.LearningSession, room.sessions[2])
        new = [f.contribution(s, meeting, None, OBS, text=t).id for t in ("Geen overleg", "Overleg ontbreekt")]
    offer = next(g for g in suggested(engine, room, 2) if set(new) <= set(g.ids))
    assert [c.id for c in offer.existing] == [theme_id]


def test_add_to_theme_refuses_another_kind(engine, room):
    theme_id = confirm(engine, room, ["s1", "s2"], "Coördinator")
    with pytest.raises(DomainError, match="hetzelfde perspectief en dezelfde soort"), db.transaction(engine) as s:
        recurring.add_to_theme(
            session=s,
            learning_session_id=room.sessions[2],
            theme_id=theme_id,
            contribution_ids=[room.ids["w5"]],
            expected_version=1,
            actor=room.aanjager,
        )


def test_rename_carries_the_version_the_user_saw(engine, room):
    theme_id = confirm(engine, room, ["o1", "o2"], "Overleg")
    with db.transaction(engine) as s:
        recurring.rename_theme(
            session=s, theme_id=theme_id, name="Overleg tussen teams", expected_version=1, actor=room.aanjager
        )
    with pytest.raises(Conflict, match="Overleg tussen teams"), db.transaction(engine) as s:
        recurring.rename_theme(session=s, theme_id=theme_id, name="Anders", expected_version=1, actor=room.aanjager)


def test_the_themes_of_a_series_over_time_with_their_contributions_and_actions(engine, room):
    confirm(engine, room, ["w1", "w2", "w3"], "Wachtlijsten")
    confirm(engine, room, ["s1", "s2"], "Wachtlijstcoördinator")
    confirm(engine, room, ["o1", "o2"], "Overleg")
    with db.read(engine) as s:
        result = recurring.over_time(session=s, filters=stats.Filters(series_id=room.series_id), actor=room.manager)
    lines = {line.name: line for line in result.lines}
    assert [(line.name, line.session_count) for line in result.lines] == [
        ("Wachtlijsten", 3),
        ("Wachtlijstcoördinator", 2),
        ("Overleg", 1),
    ]
    assert [line.name for line in result.recurring] == ["Wachtlijsten", "Wachtlijstcoördinator"]
    assert [(o.session_title, o.occurrence) for o in lines["Wachtlijsten"].occurrences] == [
        ("Sessie 1", 1),
        ("Sessie 1", 1),
        ("Sessie 1", 1),
        ("Sessie 2", 2),
        ("Sessie 3", 3),
    ]
    assert [(a.title, a.status_label) for a in lines["Wachtlijstcoördinator"].actions] == [
        ("Regionale wachtlijstcoördinator", "bezig")
    ]
    frame = result.frame
    wachtlijst = frame[frame["thema"] == "Wachtlijsten"]
    assert wachtlijst["aantal"].tolist() == [3, 1, 1]
    assert wachtlijst["sessie"].tolist() == ["Sessie 1", "Sessie 2", "Sessie 3"]


def test_over_time_follows_the_organisation_filter(engine, room):
    confirm(engine, room, ["w1", "w2", "w3"], "Wachtlijsten")
    with db.read(engine) as s:
        own = recurring.over_time(
            session=s, filters=stats.Filters(organisation_id=room.organisation_id), actor=room.manager
        )
        other = recurring.over_time(
            session=s, filters=stats.Filters(organisation_id=room.other_organisation_id), actor=room.manager
        )
    assert [line.name for line in own.lines] == ["Wachtlijsten"]
    assert other.lines == () and other.frame.empty


def test_nothing_confirmed_gives_an_empty_overview(engine, room):
    with db.read(engine) as s:
        result = recurring.over_time(session=s, filters=stats.Filters(), actor=room.manager)
        assert s.scalar(select(func.count()).select_from(Theme)) == 0
    assert result.lines == () and list(result.frame.columns) == ["thema", "sessie", "datum", "aantal"]


def test_a_manager_may_look_but_not_confirm(engine, room):
    with pytest.raises(NotAllowed), db.read(engine) as s:
        recurring.suggestions(session=s, learning_session_id=room.sessions[0], actor=room.manager)
    with pytest.raises(NotAllowed), db.transaction(engine) as s:
        recurring.confirm_theme(
            session=s,
            learning_session_id=room.sessions[0],
            contribution_ids=[room.ids["o1"], room.ids["o2"]],
            name="Overleg",
            actor=room.manager,
        )


def test_the_oogst_document_lists_the_recurring_themes_where_they_came_back_and_their_actions(engine, room):
    from lib.exports.files import render
    from lib.insight import oogst

    confirm(engine, room, ["w1", "w2", "w3"], "Wachtlijsten")
    confirm(engine, room, ["s1", "s2"], "Wachtlijstcoördinator")
    with db.read(engine) as s:
        report = oogst.harvest(session=s, series_id=room.series_id, actor=room.aanjager)
    assert [line.name for line in report.themes.recurring] == ["Wachtlijsten", "Wachtlijstcoördinator"]
    text = render(oogst.document(report), "md").decode().replace("\\", "")  # markdown escapes
    assert "Terugkerende thema's" in text
    assert "| Wachtlijsten | belemmert |" in text
    assert "Weer een lange wachtlijst bij de GGZ" in text and "terugkerend (2e sessie)" in text
    assert "Regionale wachtlijstcoördinator" in text
