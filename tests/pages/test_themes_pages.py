"""Recurring themes as their users see them: the aanjager confirms or rejects a suggested group on the
projector; the dashboard and the oogst show the themes over time (AppTest on the demo database)."""

from __future__ import annotations

from sqlalchemy import select

from lib.core import db
from lib.insight import recurring
from lib.live import capture
from lib.models import ContributionKind, Theme, ThemeMember, ThemeRejection
from tests.pages.conftest import texts
from tests.pages.test_projector_pages import PROJECTOR, aanjager, open_demo_session

WACHTLIJST = ["Lange wachtlijst voor de GGZ", "Inwoners staan maanden op een wachtlijst", "Wachtlijsten zijn te lang"]
OVERLEG = ["Geen overleg tussen de teams", "Het overleg tussen de teams kost veel tijd"]


def round_with_contributions(engine, demo_db) -> tuple[int, dict[str, int]]:
    """The demo's next session in round 1, with obstacles about wachtlijsten and overleg."""
    view = open_demo_session(engine, demo_db, steps=2)
    actor = aanjager(engine)
    ids = {}
    with db.transaction(engine) as session:
        for n, text in enumerate(WACHTLIJST + OVERLEG):
            ids[text] = capture.add_contribution(
                session=session,
                learning_session_id=view.id,
                group_id=view.groups[n % len(view.groups)].id,
                kind=ContributionKind.OBSTACLE,
                text=text,
                actor=actor,
            ).id
    return view.id, ids


def key_of(ids: dict[str, int], texts_: list[str]) -> str:
    return recurring.signature(ids[t] for t in texts_)[:16]


def test_the_aanjager_confirms_a_suggested_theme_with_a_name(app_as, sqlite_engine, demo_db):
    session_id, ids = round_with_contributions(sqlite_engine, demo_db)
    at = app_as("aanjager", PROJECTOR)
    assert at.toggle(key="themes_open").value is False
    at.toggle(key="themes_open").set_value(True).run()
    assert not at.exception, at.exception
    shown = texts(at)
    assert "2 voorstellen om samen te voegen" in shown
    assert all(f"• {t}" in shown for t in WACHTLIJST + OVERLEG)
    key = key_of(ids, WACHTLIJST)
    assert at.text_input(key=f"theme_name_{key}").value == "Wachtlijst"
    at.text_input(key=f"theme_name_{key}").input("Wachtlijsten in de zorg")
    at.button(key=f"theme_merge_{key}").click().run()
    assert not at.exception, at.exception
    assert "Thema ‘Wachtlijsten in de zorg’ is samengevoegd." in texts(at)
    assert "1 voorstel om samen te voegen" in texts(at)
    with db.read(sqlite_engine) as session:
        theme = session.scalar(select(Theme))
        members = set(session.scalars(select(ThemeMember.contribution_id)))
    assert theme.name == "Wachtlijsten in de zorg" and theme.session_id == session_id
    assert members == {ids[t] for t in WACHTLIJST}


def test_a_theme_without_a_name_is_refused_where_the_aanjager_clicked(app_as, sqlite_engine, demo_db):
    _session_id, ids = round_with_contributions(sqlite_engine, demo_db)
    at = app_as("aanjager", PROJECTOR)
    at.toggle(key="themes_open").set_value(True).run()
    key = key_of(ids, OVERLEG)
    at.text_input(key=f"theme_name_{key}").input("  ")
    at.button(key=f"theme_merge_{key}").click().run()
    assert "De naam van het thema is verplicht." in texts(at)
    with db.read(sqlite_engine) as session:
        assert session.scalar(select(Theme)) is None


def test_a_rejected_suggestion_leaves_the_projector(app_as, sqlite_engine, demo_db):
    _session_id, ids = round_with_contributions(sqlite_engine, demo_db)
    at = app_as("aanjager", PROJECTOR)
    at.toggle(key="themes_open").set_value(True).run()
    key = key_of(ids, OVERLEG)
    at.button(key=f"theme_reject_{key}").click().run()
    assert not at.exception, at.exception
    assert "Het voorstel is afgewezen" in texts(at)
    assert "• Geen overleg tussen de teams" not in texts(at)
    with db.read(sqlite_engine) as session:
        assert session.scalar(select(ThemeRejection.contribution_ids)) == sorted(ids[t] for t in OVERLEG)


def confirmed_theme(engine, demo_db) -> None:
    session_id, ids = round_with_contributions(engine, demo_db)
    with db.transaction(engine) as session:
        recurring.confirm_theme(
            session=session,
            learning_session_id=session_id,
            contribution_ids=[ids[t] for t in WACHTLIJST],
            name="Wachtlijsten",
            actor=aanjager(engine),
        )


def test_the_dashboard_shows_the_themes_over_time_with_their_contributions(app_as, sqlite_engine, demo_db):
    confirmed_theme(sqlite_engine, demo_db)
    for role in ("manager", "aanjager"):
        at = app_as(role, "pages/dashboard.py")
        assert not at.exception, at.exception
        assert "Thema's die terugkomen, per leersessie" in texts(at)
        if role == "aanjager":
            assert any(e.label.startswith("Wachtlijsten — 1 sessie") for e in at.expander)
            shown = [frame.value for frame in at.dataframe if "Inbreng" in frame.value.columns]
            assert shown[0]["Inbreng"].tolist() == WACHTLIJST


def test_the_dashboard_says_when_there_are_no_themes_yet(app_as):
    at = app_as("manager", "pages/dashboard.py")
    assert not at.exception, at.exception
    assert "Nog geen thema's" in texts(at)


def test_the_oogst_shows_the_themes_of_the_series(app_as, sqlite_engine, demo_db):
    confirmed_theme(sqlite_engine, demo_db)
    at = app_as("aanjager", "pages/oogst.py")
    assert not at.exception, at.exception
    assert "Terugkerende thema's" in texts(at)
    assert any(e.label.startswith("Wachtlijsten — 1 sessie") for e in at.expander)


def test_a_repeat_from_the_first_session_is_marked_and_joins_its_theme_with_one_click(app_as, sqlite_engine, demo_db):
    from types import SimpleNamespace

    from tests.browser.test_themes import BACK, prepare

    _session_id, ids = prepare(SimpleNamespace(database_url=sqlite_engine.url.render_as_string(hide_password=False)))
    at = app_as("aanjager", PROJECTOR)
    at.toggle(key="themes_open").set_value(True).run()
    assert f"• {BACK} — Wachttijd schuldhulp: terugkerend (2e sessie)" in texts(at)
    at.button(key=f"theme_keep_{ids[BACK]}").click().run()
    assert not at.exception, at.exception
    assert "Toegevoegd aan het thema ‘Wachttijd schuldhulp’." in texts(at)
    with db.read(sqlite_engine) as session:
        theme = session.scalar(select(ThemeMember.theme_id).where(ThemeMember.contribution_id == ids[BACK]))
        assert session.get(Theme, theme).name == "Wachttijd schuldhulp"
    assert not [b for b in at.button if b.key == f"theme_keep_{ids[BACK]}"]  # a member now: no button
