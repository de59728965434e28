"""Logging in, the home page, and the users page (every page per role: test_policy_pages.py)."""

from __future__ import annotations

from tests.pages.conftest import texts


def test_logged_out_visitor_sees_the_login_form(app_as):
    at = app_as(None)
    assert not at.exception
    assert at.text_input(key="login_username") is not None
    assert "Welkom" not in texts(at)


def login(at, username, password):
    at.text_input(key="login_username").input(username)
    at.text_input(key="login_password").input(password)
    at.button[0].click().run()
    return at


def test_wrong_password_and_unknown_user_give_the_same_message(app_as):
    wrong = login(app_as(None), "aanjager", "verkeerd-wachtwoord")
    unknown = login(app_as(None), "niemand", "verkeerd-wachtwoord")
    assert (
        [e.value for e in wrong.error]
        == [e.value for e in unknown.error]
        == ["Onbekende gebruikersnaam of onjuist wachtwoord."]
    )


def test_empty_login_fields_get_a_clear_message(app_as):
    at = login(app_as(None), "", "")
    assert "Vul uw gebruikersnaam en wachtwoord in." in [e.value for e in at.error]


def test_demo_login_shows_the_home_page_with_the_next_session(app_as):
    at = login(app_as(None), "aanjager", "leersessie-demo")
    assert not at.exception
    shown = texts(at)
    assert "Welkom, Annelies van der Heijden" in shown
    assert "Proeftuin Ruwaard — leersessie 2" in shown
    assert "09:00–10:30" in shown


def test_home_shows_a_managers_open_actions(app_as):
    at = app_as("manager", "pages/home.py")
    shown = texts(at)
    assert "Spoedprocedure schuldhulp" in shown  # bezig, owned by the demo manager
    assert "Overzicht van regelingen" not in shown  # owned by somebody else


def test_beheerder_creates_a_user_on_the_users_page(app_as):
    at = app_as("beheerder", "pages/gebruikers.py")
    at.text_input(key="new_username").input("nieuwe.collega")
    at.text_input(key="new_display_name").input("Nieuwe Collega")
    at.text_input(key="new_password").input("een-lang-wachtwoord")
    next(b for b in at.button if b.label == "Gebruiker aanmaken").click().run()
    assert not at.exception
    assert "Gebruiker 'nieuwe.collega' is aangemaakt." in texts(at)


def test_bad_new_user_shows_a_dutch_message(app_as):
    at = app_as("beheerder", "pages/gebruikers.py")
    at.text_input(key="new_username").input("x y")
    at.text_input(key="new_display_name").input("Iemand")
    at.text_input(key="new_password").input("een-lang-wachtwoord")
    next(b for b in at.button if b.label == "Gebruiker aanmaken").click().run()
    assert any("Gebruikersnaam" in e.value for e in at.error)
