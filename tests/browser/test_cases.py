"""Cases in the real browser: the privacy check while typing, the inbox selection, the new status."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import login, settle

TITLE = "Huurachterstand bij een jong gezin"
SAVE = "Casus indienen"


def fill_and_apply(page, label: str, text: str) -> None:
    """Type into a field and leave it, as a user does; Streamlit applies the value on blur."""
    field = page.get_by_label(label, exact=True)
    field.fill(text)
    field.press("Tab")


def test_bsn_blocks_until_removed_then_the_aanjager_selects_the_case(browser, context, page, server):
    """A BSN is marked red and blocks saving; without it, confirmed, the case is saved, selected, and shown so."""
    login(page, server.base_url, "professional")
    page.goto(f"{server.base_url}/casus_indienen")
    fill_and_apply(page, "Titel", TITLE)
    fill_and_apply(
        page,
        "Beschrijving van de situatie",
        "Een moeder op de Kruisstraat 12 met BSN 111.222.333 heeft vier maanden huurachterstand.",
    )
    fill_and_apply(
        page,
        "Leervraag: wat wilt u van deze casus leren?",
        "Hoe voorkomen we een uitzetting terwijl de schuldhulp nog start?",
    )
    marked = page.locator('mark[data-kind="bsn"]')
    expect(marked).to_have_text("111.222.333")
    expect(page.get_by_text("Verwijder dat eerst")).to_be_visible()
    save = page.get_by_role("button", name=SAVE)
    expect(save).to_be_disabled()

    fill_and_apply(
        page, "Beschrijving van de situatie", "Een moeder op de Kruisstraat 12 heeft vier maanden huurachterstand."
    )
    expect(marked).to_have_count(0)
    expect(page.locator('mark[data-kind="address"]')).to_have_text("Kruisstraat 12")
    expect(save).to_be_disabled()  # other personal data: the confirmation is still needed
    page.get_by_text("Ik heb de casus geanonimiseerd").click()
    expect(save).to_be_enabled()
    save.click()
    expect(page.get_by_text(f"Uw casus '{TITLE}' is ingediend.")).to_be_visible()

    aanjager = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="nl-NL")
    inbox = aanjager.new_page()
    login(inbox, server.base_url, "aanjager")
    inbox.goto(f"{server.base_url}/casussen")
    expect(inbox.get_by_text("3 van 3 casussen gekozen (vol)")).to_be_visible()
    settle(inbox)
    # The next session is full: take one case out of it first.
    search = inbox.get_by_label("Zoeken in titel, tekst en leervraag")
    search.fill("Statushouder")
    search.press("Enter")
    settle(inbox)
    inbox.get_by_text("Statushouder en de wachtlijst voor taalles —").click()
    settle(inbox)
    inbox.get_by_role("button", name="Uit de sessie halen").click()
    expect(inbox.get_by_text("De casus is uit de sessie gehaald.")).to_be_visible()

    search.fill("jong gezin")
    search.press("Enter")
    settle(inbox)
    inbox.get_by_text(f"{TITLE} — ingediend").click()
    settle(inbox)
    expect(inbox.get_by_text("Een moeder op de Kruisstraat 12")).to_be_visible()
    inbox.get_by_role("button", name="Selecteren voor deze sessie").click()
    expect(inbox.get_by_text(f"'{TITLE}' is geselecteerd.")).to_be_visible()
    aanjager.close()

    page.goto(f"{server.base_url}/mijn_casussen")
    expect(page.get_by_text(re.compile(r"geselecteerd voor Proeftuin Ruwaard — leersessie 2"))).to_be_visible()
