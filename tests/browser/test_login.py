"""Logging in with the real browser: each role's menu, a forbidden URL, refresh, logout."""

from __future__ import annotations

import pytest

from lib.models import Role
from lib.ui.nav import pages_for
from tests.browser.conftest import login

DEMO_USERS = {
    "professional": Role.PROFESSIONAL,
    "aanjager": Role.AANJAGER,
    "manager": Role.MANAGER,
    "beheerder": Role.BEHEERDER,
}


def sidebar_links(page) -> list[str]:
    page.locator('[data-testid="stSidebar"] [data-testid="stPageLink"]').first.wait_for()
    return page.locator('[data-testid="stSidebar"] [data-testid="stPageLink"]').all_inner_texts()


@pytest.mark.parametrize("username", DEMO_USERS)
def test_each_demo_role_sees_exactly_its_pages(page, server, username):
    """A demo user logs in and the menu lists exactly the pages of their role."""
    login(page, server.base_url, username)
    shown = [text.strip() for text in sidebar_links(page)]
    expected = [spec.title for spec in pages_for(DEMO_USERS[username])]
    assert [s.split("\n")[-1].strip() for s in shown] == expected


def test_professional_opening_an_admin_url_sees_geen_toegang(page, server):
    """A professional who types the URL of the users page sees "Geen toegang", not the page."""
    login(page, server.base_url, "professional")
    page.goto(f"{server.base_url}/gebruikers")
    page.get_by_role("heading", name="Geen toegang").wait_for()
    assert page.get_by_text("Nieuwe gebruiker").count() == 0


def test_refresh_keeps_the_user_logged_in_and_logout_ends_it(page, server):
    """After a refresh the projector is still logged in; after logout a refresh shows the login form."""
    login(page, server.base_url, "aanjager")
    page.reload()
    page.get_by_text("Welkom, Annelies van der Heijden").wait_for()
    page.get_by_role("button", name="Uitloggen").click()
    page.get_by_role("button", name="Inloggen").wait_for()
    page.reload()
    page.get_by_role("button", name="Inloggen").wait_for()
    assert page.get_by_text("Welkom,").count() == 0


def test_wrong_password_shows_one_clear_message(page, server):
    """A wrong password gives the same Dutch message as an unknown user."""
    page.goto(server.base_url)
    page.get_by_label("Gebruikersnaam").fill("aanjager")
    page.get_by_label("Wachtwoord").fill("helemaal-verkeerd")
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_text("Onbekende gebruikersnaam of onjuist wachtwoord.").wait_for()
