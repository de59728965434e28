"""axe-core on the everyday pages: no serious or critical accessibility issue (WCAG 2.1 AA).

Every page's full result (all impacts, and what axe could not decide) is also written to
test-artifacts/axe/<page>.json: ACCESSIBILITY.md (the toegankelijkheidsverklaring) is drawn from them.
"""

from __future__ import annotations

import json

import pytest

from tests.browser.conftest import ARTIFACTS, PHONE, login, rendered

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


def record(name: str, url: str, response: dict) -> None:
    """Keep axe's verdict on one page for the accessibility statement."""
    folder = ARTIFACTS / "axe"
    folder.mkdir(parents=True, exist_ok=True)
    summary = {
        "page": name,
        "url": url,
        "violations": [
            {"id": v["id"], "impact": v["impact"], "help": v["help"], "tags": v["tags"], "nodes": len(v["nodes"])}
            for v in response["violations"]
        ],
        "incomplete": [{"id": v["id"], "help": v["help"], "nodes": len(v["nodes"])} for v in response["incomplete"]],
        "passes": len(response["passes"]),
    }
    (folder / f"{name}.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False))


def serious_violations(page, name: str | None = None) -> list[tuple[str, int, str]]:
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page)
    if name:
        record(name, page.url, result.response)
    return [
        (v["id"], len(v["nodes"]), v["help"])
        for v in result.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_the_login_page_has_no_serious_accessibility_issue(page, server):
    """The login form reads well and works with a screen reader."""
    page.goto(server.base_url)
    page.get_by_label("Gebruikersnaam").wait_for()
    assert serious_violations(page, "inloggen") == []
    # Streamlit declares English; a screen reader must read Dutch (WCAG 3.1.1).
    page.wait_for_function("document.documentElement.lang === 'nl'")


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
        rendered(aanjager_page)  # charts and tables render after the heading
        violations = serious_violations(aanjager_page, name or "home")
        if violations:
            found[name or "home"] = violations
    assert found == {}


def test_the_phone_join_form_has_no_serious_accessibility_issue(browser, server):
    """A scribe on a phone can join with a screen reader: the code field and button are labelled."""
    context = browser.new_context(viewport=PHONE, locale="nl-NL", is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        page.goto(f"{server.base_url}/deelnemen")
        page.get_by_label("Code").wait_for()
        assert serious_violations(page, "deelnemen") == []
    finally:
        context.close()
