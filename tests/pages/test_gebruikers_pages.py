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


def test_the_search_narrows_the_table_and_the_choice_and_says_how_many(app_as, sqlite_engine):
    """Thousands of accounts: the page shows the first 50 by name and a search finds the one."""
    from lib import accounts
    from lib.core import db
    from lib.models import Role
    from tests import factories

    with db.transaction(sqlite_engine) as session:
        for number in range(accounts.USERS_SHOWN + 5):
            factories.user(session, Role.PROFESSIONAL, display_name=f"Medewerker {number:03d}")
    at = app_as("beheerder", "pages/gebruikers.py")
    assert len(_users(at)) == accounts.USERS_SHOWN
    assert any("de eerste 50 op naam staan hier" in c.value for c in at.caption)
    at.text_input(key="user_search").input("Medewerker 054").run()
    assert list(_users(at)["Naam"]) == ["Medewerker 054"]
    assert at.selectbox(key="manage_user").value.display_name == "Medewerker 054"
    assert "1 gebruiker gevonden." in [c.value for c in at.caption]
    at.text_input(key="user_search").input("niemand-heet-zo").run()
    assert not at.exception and "0 gebruikers gevonden." in [c.value for c in at.caption]
