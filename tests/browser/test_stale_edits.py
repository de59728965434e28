"""Two aanjagers in two Chromium windows: a click on a screen drawn before the other's change is refused."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import select

from lib.core import db
from lib.models import Case, CaseStatus
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
