"""Logins that end (issue 15): two AppTest instances are two tabs; a login that ends in one — logout,
a password reset, a deactivation — ends in the other at its next action. A password the beheerder
chose must be changed first. Each of these kept working on the main branch before this change."""

from __future__ import annotations

from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from lib import accounts
from lib.core import db
from lib.demo import DEMO_PASSWORD
from lib.models import AuditLog, User
from lib.ui import login as ui_login
from tests.pages.conftest import APP, texts, user_id
from tests.pages.conftest import log_in as token_login

NEW = "mijn-eigen-wachtwoord"


def tab() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    return at


def tab_of(engine, username: str, page: str | None = None) -> AppTest:
    """A tab where `username` logged in (a login token, as the login form leaves it), on `page`.

    (On a rerun AppTest runs the page's script, not app.py with its menu and "Uitloggen" button, so
    tabs that go on are made like this; the browser tests click the real button.)"""
    at = AppTest.from_file(APP, default_timeout=30)
    token_login(at, engine, user_id(engine, username))
    at.run()
    if page is not None:
        at.switch_page(page).run()
    return at


def log_in(at: AppTest, username: str, password: str = DEMO_PASSWORD) -> AppTest:
    at.text_input(key="login_username").input(username)
    at.text_input(key="login_password").input(password)
    at.button[0].click().run()
    assert not at.exception
    return at


def second_tab_of_the_same_browser(first: AppTest) -> AppTest:
    """A tab opened later in the same browser: it gets the login from the cookie (AppTest has none)."""
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state[ui_login._TOKEN_KEY] = first.session_state[ui_login._TOKEN_KEY]
    at.run()
    return at


def logged_out(at: AppTest) -> bool:
    """The tab shows the login form, or (AppTest runs a page's own script on reruns, not app.py's
    menu) the page's guard refusing a visitor who is not logged in."""
    return "login_username" in {w.key for w in at.text_input} or "Geen toegang" in texts(at)


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def test_logout_in_one_tab_ends_the_other_tab_of_that_browser(app_as, sqlite_engine):
    first = tab_of(sqlite_engine, "aanjager")
    second = second_tab_of_the_same_browser(first)
    second.switch_page("pages/casussen.py").run()
    assert "Casusinbox" in texts(second)

    # "Uitloggen" in the first tab deletes the browser's login (lib.ui.login.log_out). AppTest reruns a
    # page without app.py's sidebar, so the button itself is clicked in the browser test.
    with db.transaction(sqlite_engine) as session:
        accounts.revoke_token(session=session, token=first.session_state[ui_login._TOKEN_KEY])

    second.run()  # the second tab's next action
    assert not second.exception
    assert logged_out(second) and "Casusinbox" not in texts(second)
    third = second_tab_of_the_same_browser(second) if ui_login._TOKEN_KEY in second.session_state else None
    assert third is None  # the ended login is gone from the tab, not just hidden


def test_a_password_reset_by_the_beheerder_ends_the_open_tab(app_as, sqlite_engine):
    professional = tab_of(sqlite_engine, "professional", "pages/mijn_casussen.py")
    assert "Mijn casussen" in texts(professional)

    beheerder = app_as("beheerder", "pages/gebruikers.py")
    beheerder.selectbox(key="manage_user").select(
        next(u for u in beheerder.selectbox(key="manage_user").options if "(professional)" in u)
    ).run()
    beheerder.text_input(key="reset_password_value").input("tijdelijk-wachtwoord")
    button(beheerder, "Wachtwoord instellen").click().run()
    assert "Het wachtwoord is gewijzigd" in texts(beheerder)

    professional.run()
    assert logged_out(professional) and "Mijn casussen" not in texts(professional)
    assert ui_login._TOKEN_KEY not in professional.session_state


def test_deactivation_ends_the_open_tab(app_as, sqlite_engine):
    professional = tab_of(sqlite_engine, "professional", "pages/home.py")
    with db.transaction(sqlite_engine) as session:
        admin = accounts.CurrentUser.of(session.get(User, user_id(sqlite_engine, "beheerder")))
        accounts.set_active(session=session, user_id=user_id(sqlite_engine, "professional"), active=False, actor=admin)
    professional.switch_page("pages/mijn_casussen.py").run()
    assert "Mijn casussen" not in texts(professional)
    assert "Geen toegang" in texts(professional) or logged_out(professional)


def test_a_password_the_beheerder_set_must_be_changed_at_first_login(app_as, sqlite_engine):
    beheerder = app_as("beheerder", "pages/gebruikers.py")
    beheerder.text_input(key="new_username").input("nieuwe.collega")
    beheerder.text_input(key="new_display_name").input("Nieuwe Collega")
    beheerder.text_input(key="new_password").input("tijdelijk-wachtwoord")
    button(beheerder, "Gebruiker aanmaken").click().run()

    at = log_in(tab(), "nieuwe.collega", "tijdelijk-wachtwoord")
    assert "Kies een nieuw wachtwoord" in texts(at)
    assert "Welkom" not in texts(at)

    at = tab_of(sqlite_engine, "nieuwe.collega", "pages/mijn_casussen.py")  # any page: the form first
    assert "Kies een nieuw wachtwoord" in texts(at) and "Mijn casussen" not in texts(at)
    at.text_input(key="forced_password_current").input("tijdelijk-wachtwoord")
    at.text_input(key="forced_password_new").input(NEW)
    at.text_input(key="forced_password_repeat").input(NEW + "!")
    button(at, "Wachtwoord wijzigen").click().run()
    assert "De twee nieuwe wachtwoorden zijn niet gelijk." in [e.value for e in at.error]

    at.text_input(key="forced_password_current").input("tijdelijk-wachtwoord")
    at.text_input(key="forced_password_new").input(NEW)
    at.text_input(key="forced_password_repeat").input(NEW)
    button(at, "Wachtwoord wijzigen").click().run()
    assert not at.exception
    assert "Mijn casussen" in texts(at) and "Kies een nieuw wachtwoord" not in texts(at)
    with db.read(sqlite_engine) as session:
        assert "password_changed" in session.scalars(select(AuditLog.event)).all()
    assert log_in(tab(), "nieuwe.collega", NEW).session_state[ui_login._TOKEN_KEY]


def test_own_password_change_on_mijn_gegevens_keeps_this_tab_and_ends_the_others(app_as, sqlite_engine):
    here = tab_of(sqlite_engine, "manager", "pages/mijn_gegevens.py")
    elsewhere = tab_of(sqlite_engine, "manager", "pages/home.py")  # another device
    here.text_input(key="own_password_current").input("niet-mijn-wachtwoord")
    here.text_input(key="own_password_new").input(NEW)
    here.text_input(key="own_password_repeat").input(NEW)
    button(here, "Wachtwoord wijzigen").click().run()
    assert "Uw huidige wachtwoord klopt niet." in [e.value for e in here.error]

    here.text_input(key="own_password_current").input(DEMO_PASSWORD)
    here.text_input(key="own_password_new").input(NEW)
    here.text_input(key="own_password_repeat").input(NEW)
    button(here, "Wachtwoord wijzigen").click().run()
    assert "Uw wachtwoord is gewijzigd." in texts(here)
    here.run()
    assert "Mijn gegevens" in texts(here)
    elsewhere.run()
    assert logged_out(elsewhere)
