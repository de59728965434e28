"""axe-core on the everyday pages: no serious or critical accessibility issue (WCAG 2.1 AA)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import login

PAGES = [
    "",
    "casus_indienen",
    "mijn_casussen",
    "casussen",
    "mijn_sessies",
    "reeksen",
    "sessie_voorbereiden",
    "opvolging",
    "dashboard",
    "oogst",
    "terugkoppeling",
    "rapporten",
]


def serious_violations(page) -> list[tuple[str, int, str]]:
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page)
    return [
        (v["id"], len(v["nodes"]), v["help"])
        for v in result.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_the_login_page_has_no_serious_accessibility_issue(page, server):
    """The login form reads well and works with a screen reader."""
    page.goto(server.base_url)
    page.get_by_label("Gebruikersnaam").wait_for()
    assert serious_violations(page) == []


@pytest.fixture
def aanjager_page(page, server):
    login(page, server.base_url, "aanjager")
    return page


def test_the_aanjagers_pages_have_no_serious_accessibility_issue(aanjager_page, server):
    """Every page the aanjager uses before and after a session passes axe-core (contrast, labels, roles)."""
    found = {}
    for name in PAGES:
        aanjager_page.goto(f"{server.base_url}/{name}")
        aanjager_page.locator('[data-testid="stMainBlockContainer"] h1').first.wait_for()
        aanjager_page.wait_for_timeout(1500)  # charts and tables render after the heading
        violations = serious_violations(aanjager_page)
        if violations:
            found[name or "home"] = violations
    assert found == {}
