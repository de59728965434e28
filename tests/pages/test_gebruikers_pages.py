"""Gebruikers (beheerder): after saving, the tables on the page show the change, with the confirmation."""

from __future__ import annotations

from tests.pages.conftest import texts


def _users(at):
    return at.dataframe[0].value


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def test_a_new_user_shows_in_the_table_above(app_as):
    at = app_as("beheerder", "pages/gebruikers.py")
    at.text_input(key="new_username").input("nieuwe.collega")
    at.text_input(key="new_display_name").input("Nieuwe Collega")
    at.text_input(key="new_password").input("een-lang-wachtwoord")
    _button(at, "Gebruiker aanmaken").click().run()
    assert not at.exception
    assert "Gebruiker 'nieuwe.collega' is aangemaakt." in [s.value for s in at.success]
    assert "nieuwe.collega" in list(_users(at)["Gebruikersnaam"])


def test_switching_a_user_off_shows_in_the_table_above(app_as):
    at = app_as("beheerder", "pages/gebruikers.py")
    chosen = at.selectbox(key="manage_user").value
    assert _users(at).set_index("Gebruikersnaam").loc[chosen.username, "Actief"]
    _button(at, "Uitschakelen").click().run()
    assert not at.exception
    assert f"Gebruiker '{chosen.username}' is uitgeschakeld." in texts(at)
    assert not _users(at).set_index("Gebruikersnaam").loc[chosen.username, "Actief"]


def test_a_new_organisation_shows_in_its_table(app_as):
    at = app_as("beheerder", "pages/gebruikers.py")
    at.text_input(key="org_name").input("Stichting Buurtkracht")
    _button(at, "Organisatie toevoegen").click().run()
    assert not at.exception
    assert "De organisatie is toegevoegd." in texts(at)
    assert "Stichting Buurtkracht" in list(at.dataframe[1].value["Organisatie"])
