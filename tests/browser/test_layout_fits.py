"""What used to be cut off at 1280×720: 'vol' in the Casusinbox's session picker, and Opvolging's
'Waarom niet' column."""

from __future__ import annotations

import pytest

from tests.browser.conftest import login, settle

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
LAPTOP = {"width": 1280, "height": 720}

# How wide the picker's shown value is up to the end of "— vol", and how wide its box is (the value sits
# in a text input: measured with the input's own font).
VALUE_FITS = """(input) => {
    const style = getComputedStyle(input);
    const context = document.createElement('canvas').getContext('2d');
    context.font = style.font;
    const value = input.value;
    const end = value.indexOf('— vol') + '— vol'.length;
    const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return [value, context.measureText(value.slice(0, end)).width, room];
}"""


def test_the_inbox_picker_shows_that_a_session_is_full(browser, server):
    """Opening a casus in the Casusinbox, the aanjager reads 'vol' in the session picker without opening it."""
    context = browser.new_context(viewport=LAPTOP, locale="nl-NL", timezone_id="Europe/Amsterdam")
    try:
        page = context.new_page()
        login(page, server.base_url, "aanjager")
        page.goto(f"{server.base_url}/casussen")
        page.get_by_text("Terugval na ontslag uit de kliniek").first.click()
        settle(page)
        picker = page.get_by_role("combobox", name="Leersessie").first
        picker.wait_for()
        value, needed, room = picker.evaluate(VALUE_FITS)
        assert value.startswith("3 van 3 — vol")
        assert needed <= room
        assert page.get_by_role("button", name="⇄ Vervangen").count() == 3
    finally:
        context.close()


def test_opvolging_shows_the_whole_why_not_column(browser, server):
    """In Opvolging's list of all actions, the reason an action failed is readable up to its last word."""
    context = browser.new_context(viewport=LAPTOP, locale="nl-NL", timezone_id="Europe/Amsterdam")
    try:
        page = context.new_page()
        login(page, server.base_url, "aanjager")
        page.goto(f"{server.base_url}/opvolging")
        page.get_by_role("tab", name="Alle acties").click()
        settle(page)
        reason = page.locator("table:visible td").filter(has_text="om de handreiking te schrijven.").first
        reason.wait_for()
        main = page.locator('[data-testid="stMainBlockContainer"]').bounding_box()
        cell = reason.bounding_box()
        assert main and cell
        assert cell["x"] + cell["width"] <= main["x"] + main["width"] + 1
        assert reason.evaluate("td => td.scrollWidth <= td.clientWidth + 1")
    finally:
        context.close()
