"""The manager's dashboard and a report download in a real browser, fully offline."""

from __future__ import annotations

import io
import os

import pypdf

from lib.core.config import ROOT
from tests.browser.conftest import login

SCREENSHOT = ROOT / "docs" / "screenshots" / "dashboard.png"


def test_manager_opens_the_dashboard_and_sees_the_charts(page, server):
    """The manager opens Dashboard and sees the figures of their organisation and plotly charts."""
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    login(page, server.base_url, "manager")
    page.get_by_role("link", name="Dashboard").click()
    page.get_by_role("heading", name="Status per organisatie").wait_for()
    page.locator(".js-plotly-plot").first.wait_for()
    page.locator('[data-testid="stMetricValue"]').first.wait_for()
    assert page.locator('[data-testid="stMetricValue"]').first.inner_text() == "2"
    assert page.locator(".js-plotly-plot").count() >= 6
    page.get_by_text("Gemeente Oss").first.wait_for()
    page.wait_for_timeout(1500)  # let the charts finish their first draw for the screenshot
    if not SCREENSHOT.exists() or os.environ.get("UPDATE_SCREENSHOTS") == "1":  # the README's picture
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT))
    outside = [
        url
        for url in requests
        if not url.startswith(server.base_url) and not url.startswith("data:") and not url.startswith("blob:")
    ]
    assert outside == []  # nothing fetched from the internet


def test_manager_downloads_a_sessieverslag_as_pdf(page, server):
    """On Rapporten the manager downloads the sessieverslag of the last session as a PDF."""
    login(page, server.base_url, "manager")
    page.get_by_role("link", name="Rapporten").click()
    button = page.get_by_role("button", name="Sessieverslag als PDF")
    button.wait_for()
    assert "leersessie 1" in page.get_by_label("Leersessie").input_value()  # the last session held
    with page.expect_download(timeout=60_000) as download_info:  # built on click; slow on a busy machine
        page.get_by_role("button", name="Sessieverslag als PDF").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    data = download.path().read_bytes()
    text = " ".join(pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text().split())
    assert "Sessieverslag: Proeftuin Ruwaard — leersessie 1" in text
    assert "Schulden en een dreigende huisuitzetting" in " ".join(
        " ".join(p.extract_text().split()) for p in pypdf.PdfReader(io.BytesIO(data)).pages
    )
