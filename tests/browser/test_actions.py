"""Follow-up in the browser: the terugblik of session 2, and the reason reaching manager and oogst."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, PHONE, login

ACTION = "Spoedprocedure schuldhulp bij een lopende ontruimingsprocedure"
REASON = "De corporatie wil eerst een evaluatie van het convenant"


def cell(scope, text: str):
    """A table cell: tables are drawn on a canvas, with an accessible copy of the cells in the DOM."""
    return scope.locator('[role="gridcell"]', has_text=text)


def open_tab(page, base_url: str, path: str, tab: str | None = None) -> None:
    page.goto(f"{base_url}/{path}")
    page.get_by_role("heading", name=re.compile(r"^(Opvolging|Oogst|Terugkoppeling)")).first.wait_for()
    if tab:
        page.get_by_role("tab", name=tab).click()


def test_terugblik_reason_reaches_the_manager_and_the_oogst(browser, server):
    """In session 2 the terugblik shows an action of session 1; the aanjager marks it niet gelukt with a
    reason; the manager's opvolging page and the oogst show that reason."""
    aanjager = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="nl-NL")
    page = aanjager.new_page()
    login(page, server.base_url, "aanjager")
    open_tab(page, server.base_url, "opvolging", "Terugblik")
    review = page.get_by_role("tabpanel", name="Terugblik")
    expect(review.get_by_text("Actie 1 van 6").first).to_be_visible()
    spoed = review.get_by_role("heading", name=re.compile("Spoedprocedure schuldhulp"))
    for _ in range(6):  # the terugblik starts with the action agreed last
        if spoed.count():
            break
        review.get_by_role("button", name="Volgende ▶").click()
        page.wait_for_timeout(500)
    expect(spoed).to_be_visible()
    expect(review.get_by_text("Afgesproken in Proeftuin Ruwaard — leersessie 1").first).to_be_visible()
    expect(review.get_by_text(re.compile("casus Schulden en een dreigende huisuitzetting")).first).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "terugblik-projector.png"), full_page=True)
    review.get_by_role("radio", name="niet gelukt", exact=True).click()
    review.get_by_label("Toelichting (bij niet gelukt of vervallen: waarom niet?)").fill(REASON)
    review.get_by_label("Toelichting (bij niet gelukt of vervallen: waarom niet?)").press("Tab")
    review.get_by_role("button", name="Opslaan", exact=True).click()
    expect(review.get_by_text(re.compile("1 actie besproken: 1 niet gelukt"))).to_be_visible()
    aanjager.close()

    manager = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="nl-NL")
    page = manager.new_page()
    login(page, server.base_url, "manager")
    open_tab(page, server.base_url, "opvolging", "Mijn acties")
    mine = page.get_by_role("tabpanel", name="Mijn acties")
    mine.get_by_label("Actie bekijken of bijwerken").click()
    page.get_by_role("option", name=re.compile(f"^{ACTION} — niet gelukt")).click()
    expect(mine.get_by_text(f"Waarom niet: {REASON}")).to_be_visible()
    expect(cell(mine, "bezig → niet gelukt")).to_be_attached()
    page.screenshot(path=str(ARTIFACTS / "opvolging-manager.png"), full_page=True)

    open_tab(page, server.base_url, "oogst")
    # The manager's oogst holds the own organisation's actions (lib/core/visibility.py), this one included.
    expect(page.get_by_text(re.compile(r"\d acties afgesproken: .*1 niet gelukt"))).to_be_visible()
    expect(cell(page, REASON).first).to_be_attached(timeout=15_000)
    page.get_by_text(re.compile("Proeftuin Ruwaard — leersessie 1 —")).click()
    expect(cell(page, REASON)).to_have_count(2)  # waarom niet? and the session
    page.screenshot(path=str(ARTIFACTS / "oogst-manager.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(ARTIFACTS / "oogst-phone.png"), full_page=True)
    manager.close()
