"""Language and structure a screen reader relies on: headings in order on every page, and Streamlit's own
English hints and messages in Dutch."""

from __future__ import annotations

import itertools

import pytest

from tests.browser.conftest import finished, login, settle
from tests.browser.test_accessibility import PAGES

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

HEADINGS = """() => [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')]
    .map(h => [Number(h.tagName[1]), h.textContent.trim().slice(0, 60)])"""
BEHEER_PAGES = ["gebruikers", "werkvormen", "gegevensbeheer", "auditlog", "mijn_gegevens"]


def skipped_levels(headings: list[list]) -> list[str]:
    """Where a heading jumps more than one level down (h1 → h3), or the page does not start with h1."""
    problems = []
    if not headings or headings[0][0] != 1:
        problems.append(f"begins with {headings[:1]}")
    for (before, _), (level, text) in itertools.pairwise(headings):
        if level > before + 1:
            problems.append(f"h{before} → h{level} {text!r}")
    return problems


def headings_of(page, base_url: str, name: str) -> list[list]:
    page.goto(f"{base_url}/{name}")
    page.locator('[data-testid="stMainBlockContainer"] h1').first.wait_for()
    finished(page)  # the headings, also those in tabs, are the script's own output (not drawn later)
    return page.evaluate(HEADINGS)


def test_every_page_has_its_headings_in_order(page, server):
    """A screen reader's list of headings goes h1, h2, h3 without skipping a level, on every page."""
    found = {}
    login(page, server.base_url, "aanjager")
    for name in PAGES:
        problems = skipped_levels(headings_of(page, server.base_url, name))
        if problems:
            found[name or "home"] = problems
    page.context.clear_cookies()
    login(page, server.base_url, "beheerder")
    for name in BEHEER_PAGES:
        problems = skipped_levels(headings_of(page, server.base_url, name))
        if problems:
            found[name] = problems
    assert found == {}


def test_streamlits_input_hint_is_dutch_and_keeps_the_count(page, server):
    """Typing in a form field shows a Dutch hint ('Druk op Enter …') next to the character count."""
    login(page, server.base_url, "aanjager")
    page.goto(f"{server.base_url}/casus_indienen")
    field = page.locator("input[type=text]").first
    field.wait_for()
    settle(page)
    field.fill("Een titel")
    hint = page.locator('[data-testid="InputInstructions"]').first
    hint.wait_for()
    page.wait_for_function(
        """() => { const t = document.querySelector('[data-testid="InputInstructions"]').innerText;
                   return t.includes('Druk op') && !t.includes('Press'); }"""
    )
    assert "9/" in hint.inner_text()
    area = page.locator("textarea").first
    area.fill("Wat er gebeurde")
    page.wait_for_timeout(300)
    texts = page.locator('[data-testid="InputInstructions"]').all_inner_texts()
    assert texts and all("Press" not in t for t in texts), texts
    assert any("Ctrl+Enter" in t and "Druk op" in t for t in texts), texts


def test_an_unknown_page_says_so_in_dutch(page, server):
    """A mistyped address shows 'Pagina niet gevonden' in Dutch and then the start page."""
    login(page, server.base_url, "aanjager")
    page.goto(f"{server.base_url}/bestaat_niet")
    page.get_by_text("Pagina niet gevonden").wait_for()
    assert page.get_by_text("Page not found").count() == 0
    assert page.get_by_text("Skip to main content").count() == 0
