"""Two Chromium windows: a click on a screen drawn before the other's change is refused; a login that
ends in one window (logout, a password reset) ends in the other at its next action."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import select

from lib import accounts
from lib.core import db
from lib.models import Case, CaseStatus, Role, User
from tests.browser.conftest import PROJECTOR, login, settle

CASE = "Terugval na ontslag uit de kliniek"


def open_case_in_inbox(page, base_url: str) -> None:
    page.goto(f"{base_url}/casussen")
    settle(page)
    search = page.get_by_label("Zoeken in titel, tekst en leervraag")
    search.fill("kliniek")
    search.press("Enter")
    settle(page)
    page.get_by_text(f"{CASE} — ingediend").click()
    settle(page)


def test_teruggeven_on_an_inbox_drawn_before_another_aanjager_selected_the_case_is_refused(browser, server):
    """Window A's inbox still shows the case as ingediend; B selects it; A's 'Teruggeven' is refused in Dutch."""
    windows = [browser.new_context(viewport=PROJECTOR, locale="nl-NL") for _ in range(2)]
    try:
        a, b = (window.new_page() for window in windows)
        for page in (a, b):
            login(page, server.base_url, "aanjager")
            open_case_in_inbox(page, server.base_url)
        note = a.get_by_label("Toelichting voor de indiener")
        note.fill("Maak de leervraag concreter.")
        note.press("Tab")
        settle(a)  # A's screen is now drawn, the case shown as ingediend

        choice = b.get_by_role("combobox", name="Leersessie")
        choice.scroll_into_view_if_needed()
        choice.click()
        b.get_by_role("option", name=re.compile(r"leersessie 3")).first.click()  # not full
        settle(b)
        b.get_by_role("button", name="Selecteren voor deze sessie").click()
        expect(b.get_by_text(f"'{CASE}' is geselecteerd.")).to_be_visible()

        a.get_by_role("button", name="Teruggeven aan de indiener").click()
        settle(a)
        refusal = a.get_by_text(re.compile(r"^Deze casus is intussen gewijzigd: de status is nu geselecteerd voor"))
        expect(refusal).to_be_visible()
        expect(a.get_by_text("De casus is teruggelegd bij de indiener.")).to_have_count(0)
        expect(a.get_by_text(re.compile(f"^{CASE} — geselecteerd voor"))).to_be_visible()  # the state now

        with db.read(db.engine_for(server.database_url)) as session:
            case = session.scalar(select(Case).where(Case.title == CASE))
            assert (case.status, case.return_note) == (CaseStatus.SELECTED, "")
    finally:
        for window in windows:
            window.close()


# --- logins that end (issue 15) --------------------------------------------------------------------


def ended(page) -> None:
    """The tab shows the login form with the Dutch explanation, and nothing of the page it was on."""
    expect(page.get_by_text(re.compile(r"^U bent uitgelogd"))).to_be_visible()
    expect(page.get_by_role("button", name="Inloggen")).to_be_visible()


def test_logout_in_one_tab_ends_the_other_tab_at_its_next_action(browser, server):
    """Two tabs of one browser; 'Uitloggen' in the first; the second's next click shows the login form."""
    window = browser.new_context(viewport=PROJECTOR, locale="nl-NL")
    try:
        first = window.new_page()
        login(first, server.base_url, "aanjager")
        second = window.new_page()
        second.goto(f"{server.base_url}/casussen")  # logged in through the cookie of the first
        expect(second.get_by_role("heading", name="Casusinbox")).to_be_visible()
        settle(second)

        first.get_by_role("button", name="Uitloggen").click()
        expect(first.get_by_role("button", name="Inloggen")).to_be_visible()

        second.locator('[data-testid="stSidebar"]').get_by_text("Mijn sessies").click()
        settle(second)
        ended(second)
        expect(second.get_by_role("heading", name="Mijn sessies")).to_have_count(0)
    finally:
        window.close()


def test_a_password_reset_by_the_beheerder_ends_the_users_open_tab(browser, server):
    """The professional's open tab; the beheerder sets a new password; the tab's next click logs out."""
    windows = [browser.new_context(viewport=PROJECTOR, locale="nl-NL") for _ in range(2)]
    try:
        professional, beheerder = (window.new_page() for window in windows)
        login(professional, server.base_url, "professional")
        professional.goto(f"{server.base_url}/mijn_casussen")
        settle(professional)

        login(beheerder, server.base_url, "beheerder")
        beheerder.goto(f"{server.base_url}/gebruikers")
        settle(beheerder)
        chooser = beheerder.get_by_role("combobox", name="Gebruiker")
        chooser.click()
        beheerder.get_by_role("option", name=re.compile(r"\(professional\)$")).click()
        settle(beheerder)
        beheerder.get_by_label("Nieuw wachtwoord").fill("tijdelijk-wachtwoord")
        beheerder.get_by_role("button", name="Wachtwoord instellen").click()
        expect(beheerder.get_by_text(re.compile("^Het wachtwoord is gewijzigd"))).to_be_visible()

        professional.locator('[data-testid="stSidebar"]').get_by_text("Mijn sessies").click()
        settle(professional)
        ended(professional)
    finally:
        for window in windows:
            window.close()


def test_a_new_user_must_choose_a_password_at_first_login(browser, server):
    """A user the beheerder created logs in, sees only 'Kies een nieuw wachtwoord', and goes on after it."""
    with db.transaction(db.engine_for(server.database_url)) as session:
        admin = accounts.CurrentUser.of(session.scalar(select(User).where(User.username == "beheerder")))
        accounts.create_user(
            session=session,
            data=accounts.NewUser("nieuwe.collega", "Nieuwe Collega", Role.PROFESSIONAL, "tijdelijk-wachtwoord"),
            actor=admin,
        )
    window = browser.new_context(viewport=PROJECTOR, locale="nl-NL")
    try:
        page = window.new_page()
        page.goto(server.base_url)
        page.get_by_label("Gebruikersnaam").fill("nieuwe.collega")
        page.get_by_label("Wachtwoord").fill("tijdelijk-wachtwoord")
        page.get_by_role("button", name="Inloggen").click()
        expect(page.get_by_role("heading", name="Kies een nieuw wachtwoord")).to_be_visible()
        settle(page)
        page.goto(f"{server.base_url}/mijn_casussen")  # any page's address: the form first
        expect(page.get_by_role("heading", name="Kies een nieuw wachtwoord")).to_be_visible()
        settle(page)
        expect(page.get_by_role("heading", name="Mijn casussen")).to_have_count(0)

        page.get_by_label("Huidig wachtwoord").fill("tijdelijk-wachtwoord")
        page.get_by_label("Nieuw wachtwoord (minstens 10 tekens)").fill("mijn-eigen-wachtwoord")
        page.get_by_label("Nieuw wachtwoord nog een keer").fill("mijn-eigen-wachtwoord")
        page.get_by_role("button", name="Wachtwoord wijzigen").click()
        expect(page.get_by_role("heading", name="Mijn casussen")).to_be_visible()
        expect(page.get_by_text(re.compile("^Uw wachtwoord is gewijzigd"))).to_be_visible()
    finally:
        window.close()
