"""The deelnameverklaring in a real browser: a professional downloads their PDF, and the aanjager adds a
walk-in guest and downloads every participant's statement of the series as a zip; the PDFs read back."""

from __future__ import annotations

import io
import os
import zipfile

import pypdf

from lib.core.config import ROOT
from tests.browser.conftest import login, rendered, settle
from tests.browser.test_accessibility import serious_violations

SCREENSHOT = ROOT / "docs" / "screenshots" / "deelnameverklaring.png"


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_professional_downloads_the_statement_and_it_reads_back(page, server):
    """Priya opens Deelnameverklaring, sees the session she attended and downloads it as a PDF."""
    login(page, server.base_url, "professional")
    page.get_by_role("link", name="Deelnameverklaring").click()
    settle(page)
    button = page.get_by_role("button", name="Deelnameverklaring downloaden (PDF)")
    button.wait_for(timeout=30_000)
    page.get_by_text("Aanwezigheid bevestigd door Annelies van der Heijden.").wait_for()
    settle(page)
    if not SCREENSHOT.exists() or os.environ.get("UPDATE_SCREENSHOTS") == "1":  # the README's picture
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT))
    with page.expect_download(timeout=60_000) as download_info:
        button.click()
    download = download_info.value
    assert download.suggested_filename.startswith("deelnameverklaring-priya-ramdin-")
    text = pdf_text(download.path().read_bytes())
    assert "Deelnameverklaring leersessies casuïstiek" in text
    assert "Priya Ramdin (Wijkteam Ruwaard)" in text
    assert "Schulden en een dreigende huisuitzetting" in text
    assert "Annelies van der Heijden, casuïstiekaanjager, Gemeente Oss" in text


def test_aanjager_adds_a_walk_in_and_downloads_every_statement_of_the_series(page, server):
    """The aanjager adds a guest who came unannounced, confirms the list, and downloads the zip."""
    login(page, server.base_url, "aanjager")
    page.get_by_role("link", name="Aanwezigheid").click()
    settle(page)
    page.get_by_text("Bevestigd door Annelies van der Heijden").wait_for()
    page.get_by_label("Naam van de gast").fill("Zoë Ağaoğlu-Brønsted")
    page.get_by_role("button", name="Gast toevoegen als aanwezig").click()
    page.get_by_text("De gast staat nu op de lijst als aanwezig.").wait_for()
    settle(page)
    page.get_by_role("button", name="Aanwezigheid bevestigen").click()
    page.get_by_text("De aanwezigheid is bevestigd: 14 van de 14 aanwezig.").wait_for()
    settle(page)
    button = page.get_by_role("button", name="Alle 14 deelnameverklaringen downloaden (zip)")
    button.wait_for()
    # 14 PDFs are built on the click (about a second each on a busy test machine).
    with page.expect_download(timeout=120_000) as download_info:
        button.click()
    download = download_info.value
    assert download.suggested_filename == "deelnameverklaringen-proeftuin-ruwaard.zip"
    with zipfile.ZipFile(io.BytesIO(download.path().read_bytes())) as archive:
        names = archive.namelist()
        guest = next(name for name in names if name.startswith("deelnameverklaring-zoe-agaoglu-brnsted-"))
        assert "Zoë Ağaoğlu-Brønsted" in pdf_text(archive.read(guest))
    assert len(names) == 14 and all(name.isascii() for name in names)


def test_the_new_pages_have_no_serious_accessibility_issue(page, server):
    """Aanwezigheid and Deelnameverklaring pass axe-core (contrast, labels, roles), like the other pages."""
    login(page, server.base_url, "aanjager")
    found = {}
    for name in ("aanwezigheid", "deelnameverklaring"):
        page.goto(f"{server.base_url}/{name}")
        page.locator('[data-testid="stMainBlockContainer"] h1').first.wait_for()
        settle(page)
        rendered(page)  # tables render after the heading
        violations = serious_violations(page, name)
        if violations:
            found[name] = violations
    assert found == {}
