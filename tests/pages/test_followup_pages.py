"""Follow-up that does not let go, and the deelnameverklaring, on the pages: vastgelopen on the dashboard,
the Start page and in the terugblik; the effect on Opvolging and in the oogst; confirming presence;
the statement PDF and the series zip."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from sqlalchemy import func, select

from lib.core import db
from lib.core.dates import local_today
from lib.demo import EFFECT
from lib.models import (
    Action,
    ActionEffect,
    ActionStatus,
    Attendance,
    AuditLog,
    LearningSession,
    Organisation,
    PresenceConfirmation,
    Role,
    User,
)
from tests import factories as f
from tests.pages.conftest import open_tab, texts
from tests.readers import flat, pdf_text

TODAY = local_today()


def action_of(engine, title_start: str) -> Action:
    with db.read(engine) as session:
        return session.scalar(select(Action).where(Action.title.startswith(title_start)))


def user_named(session, username: str) -> User:
    return session.scalar(select(User).where(User.username == username))


def frame(at, column: str, index: int = 0):
    """The `index`-th table on the page with this column (AppTest finds dataframes by position only)."""
    return [d.value for d in at.dataframe if column in d.value.columns][index]


def late_action(engine, owner: str, title: str, days: int = 45) -> int:
    with db.transaction(engine) as session:
        person = user_named(session, owner)
        return f.action(session, None, person, title=title, due_date=TODAY - dt.timedelta(days=days)).id


# --- vastgelopen ----------------------------------------------------------------------------------


def test_dashboard_lists_vastgelopen_per_organisation_and_a_manager_sees_the_own(app_as, sqlite_engine):
    late_action(sqlite_engine, "manager", "Wijkbudget herverdelen")  # Gemeente Oss
    late_action(sqlite_engine, "yvonne", "Huurachterstand eerder melden", days=60)  # BrabantWonen
    at = app_as("aanjager", "pages/dashboard.py")
    assert not at.exception, at.exception
    shown = texts(at)
    assert "Vastgelopen acties" in shown
    assert "**BrabantWonen** — 1 vastgelopen" in shown and "**Gemeente Oss** — 1 vastgelopen" in shown
    table = frame(at, "Waarom vastgelopen")
    assert list(table["Actie"]) == ["Huurachterstand eerder melden"]
    assert list(table["Waarom vastgelopen"]) == ["60 dagen te laat"]
    assert list(table["Terugblikken"]) == ["nog niet besproken"]

    at = app_as("manager", "pages/dashboard.py")
    shown = texts(at)
    assert "U ziet de vastgelopen acties van uw eigen organisatie." in shown
    assert "**Gemeente Oss** — 1 vastgelopen" in shown and "BrabantWonen" not in shown


def test_dashboard_without_vastgelopen_says_so(app_as):
    at = app_as("manager", "pages/dashboard.py")
    assert "Er zijn geen vastgelopen acties." in texts(at)


def test_the_trekker_sees_vastgelopen_on_start(app_as, sqlite_engine):
    at = app_as("manager", "pages/home.py")
    assert "Mijn vastgelopen acties" not in texts(at)
    late_action(sqlite_engine, "manager", "Wijkbudget herverdelen", days=31)
    at = app_as("manager", "pages/home.py")
    shown = texts(at)
    assert "Mijn vastgelopen acties" in shown and "1 van uw acties is vastgelopen." in shown
    assert "⚠️ Wijkbudget herverdelen (open): 31 dagen te laat" in shown


def test_the_terugblik_says_2e_keer_besproken_then_vastgelopen(app_as, sqlite_engine, demo_db):
    spoed = action_of(sqlite_engine, "Spoedprocedure")  # bezig, a card of the next terugblik
    with db.transaction(sqlite_engine) as session:
        first = session.get(LearningSession, demo_db["session_ids"][0])
        between = f.learning_session(
            session,
            series_row=first.series,
            date=first.date + dt.timedelta(days=14),
            title="Tussensessie",
        )
        f.action_update(session, session.get(Action, spoed.id), ActionStatus.IN_PROGRESS, session_id=between.id)
    at = open_tab(app_as("aanjager", "pages/opvolging.py"), "opvolging_tab", "Terugblik")
    at.selectbox(key="review_session").set_value(demo_db["next_session_id"]).run()
    for _ in range(6):  # the terugblik starts with the action agreed last: go to the Spoedprocedure card
        if any(b.key == f"review_same_{spoed.id}" for b in at.button):
            break
        at.button(key="review_next").click().run()
    shown = texts(at)
    assert "🔁 **2e keer besproken** (vorige keer: bezig op " in shown
    assert "Vastgelopen" not in shown
    at.button(key=f"review_same_{spoed.id}").click().run()
    assert not at.exception, at.exception
    if not any(b.key == f"review_same_{spoed.id}" for b in at.button):  # it moved on to the next card
        at.button(key="review_prev").click().run()
    assert "Vastgelopen: bij twee terugblikken op rij bezig." in [w.value for w in at.warning]


# --- effect ---------------------------------------------------------------------------------------


def test_the_trekker_records_the_effect_of_a_realised_action(app_as, sqlite_engine):
    done = action_of(sqlite_engine, "Vast aanspreekpunt")  # realised, trekker Yvonne, effect in the demo
    at = app_as("yvonne", "pages/opvolging.py")
    at.selectbox(key="mine_pick").set_value(done.id).run()
    assert at.text_area(key=f"mine_effect_{done.id}_text").value == EFFECT
    at.text_area(key=f"mine_effect_{done.id}_text").input("Twee gezinnen bleven in hun woning.").run()
    at.button(key=f"mine_effect_{done.id}_save").click().run()
    assert not at.exception, at.exception
    assert "Het effect is opgeslagen." in texts(at)
    with db.read(sqlite_engine) as session:
        assert session.get(ActionEffect, done.id).text == "Twee gezinnen bleven in hun woning."


def test_a_manager_who_is_not_the_trekker_reads_the_effect_but_cannot_write_it(app_as, sqlite_engine):
    done = action_of(sqlite_engine, "Vast aanspreekpunt")
    with db.transaction(sqlite_engine) as session:  # a manager of its organisation who is not its trekker
        organisation = session.get(Organisation, done.organisation_id)
        f.user(session, Role.MANAGER, username="collega", organisation=organisation)
    at = open_tab(app_as("collega", "pages/opvolging.py"), "opvolging_tab", "Alle acties")
    at.selectbox(key="all_organisation").set_value(0).run()
    at.selectbox(key="all_pick").set_value(done.id).run()
    assert EFFECT in texts(at)
    assert not [t for t in at.text_area if t.key == f"all_effect_{done.id}_text"]


def test_the_oogst_and_the_terugkoppeling_show_what_changed(app_as):
    at = app_as("manager", "pages/oogst.py")
    assert list(frame(at, "Effect")["Effect"]) == [EFFECT]
    at = app_as("yvonne", "pages/terugkoppeling.py")
    assert list(frame(at, "Effect")["Effect"]) == [EFFECT]


# --- presence and the deelnameverklaring ----------------------------------------------------------


def test_the_aanjager_confirms_who_was_there(app_as, sqlite_engine, demo_db):
    at = app_as("aanjager", "pages/aanwezigheid.py")
    assert not at.exception, at.exception
    assert "Bevestigd door Annelies van der Heijden" in texts(at)
    past = demo_db["session_ids"][0]
    with db.read(sqlite_engine) as session:
        joost = session.scalar(
            select(Attendance.id)
            .join(User, User.id == Attendance.user_id)
            .where(User.username == "joost", Attendance.session_id == past)
        )
    at.checkbox(key=f"present_{past}_{joost}").uncheck()
    submit = next(b for b in at.form_submit_button if b.label == "Aanwezigheid bevestigen")
    submit.click().run()
    assert not at.exception, at.exception
    assert "De aanwezigheid is bevestigd:" in texts(at)
    with db.read(sqlite_engine) as session:
        assert session.get(Attendance, joost).present is False
        assert session.get(PresenceConfirmation, past).version == 2


def test_a_walk_in_guest_is_added_as_present(app_as, sqlite_engine, demo_db):
    at = app_as("aanjager", "pages/aanwezigheid.py")
    at.text_input(key="walk_in_name").input("Eline Ağa")
    next(b for b in at.form_submit_button if b.label == "Gast toevoegen als aanwezig").click().run()
    assert not at.exception, at.exception
    assert "De gast staat nu op de lijst als aanwezig." in texts(at)
    with db.read(sqlite_engine) as session:
        assert session.scalar(select(Attendance.present).where(Attendance.guest_name == "Eline Ağa")) is True


def test_the_professional_downloads_a_statement_that_reads_back(app_as, sqlite_engine, downloads):
    at = app_as("professional", "pages/deelnameverklaring.py")
    assert not at.exception, at.exception
    table = frame(at, "Ingebrachte casus")
    assert list(table["Ingebrachte casus"]) == ["Schulden en een dreigende huisuitzetting"]
    assert list(table["Uren"]) == ["1,5"]
    got = downloads(at.get("download_button")[0])
    assert got.file_name and got.file_name.startswith("deelnameverklaring-priya-ramdin-")
    text = flat(pdf_text(got.data))
    assert "Priya Ramdin (Wijkteam Ruwaard)" in text and "Schulden en een dreigende huisuitzetting" in text
    assert "Annelies van der Heijden, casuïstiekaanjager, Gemeente Oss" in text
    with db.read(sqlite_engine) as session:
        assert session.scalar(select(AuditLog.detail).where(AuditLog.event == "download")) == {"file": got.file_name}


def test_no_attendance_in_the_period_shows_a_message_and_no_download(app_as):
    at = app_as("professional", "pages/deelnameverklaring.py")
    at.date_input(key="statement_period").set_value((TODAY + dt.timedelta(days=1), TODAY + dt.timedelta(days=30)))
    at.run()
    assert not at.exception, at.exception
    assert any("bij geen enkele leersessie aanwezig" in i.value for i in at.info)
    assert not at.get("download_button")


def test_the_aanjager_downloads_every_statement_of_the_series_as_a_zip(app_as, sqlite_engine, downloads):
    at = app_as("aanjager", "pages/aanwezigheid.py")
    button = next(b for b in at.get("download_button") if b.proto.label.startswith("Alle "))
    got = downloads(button)
    assert got.file_name == "deelnameverklaringen-proeftuin-ruwaard.zip"
    with zipfile.ZipFile(io.BytesIO(got.data)) as archive:
        names = archive.namelist()
        assert all(name.isascii() and name.endswith(".pdf") for name in names)
        priya = next(name for name in names if name.startswith("deelnameverklaring-priya-ramdin-"))
        assert "Priya Ramdin" in flat(pdf_text(archive.read(priya)))
    with db.read(sqlite_engine) as session:
        present = session.scalar(select(func.count()).select_from(Attendance).where(Attendance.present.is_(True)))
    assert len(names) == len(set(names)) == present == 13  # the 12 demo participants and the aanjager
