"""The audit trail in the real browser: opening a case and downloading a backup are both recorded."""

from __future__ import annotations

import json

from playwright.sync_api import expect
from sqlalchemy import select

from lib.core import db
from lib.models import AuditLog, User
from tests.browser.conftest import login, settle

CASE = "Eén gezin, zeven hulpverleners"


def _events(server, event: str) -> list[tuple[str, int | None]]:
    engine = db.engine_for(server.database_url)
    with db.read(engine) as session:
        rows = session.execute(
            select(User.username, AuditLog.entity_id)
            .join(User, User.id == AuditLog.user_id)
            .where(AuditLog.event == event)
            .order_by(AuditLog.id)
        ).all()
    db.dispose_all()
    return [tuple(row) for row in rows]


def test_opening_a_case_in_the_inbox_is_recorded_once(context, page, server):
    """The aanjager opens a case to read it: the full text shows, and the audit log says who read which case."""
    login(page, server.base_url, "aanjager")
    page.goto(f"{server.base_url}/casussen")
    settle(page)
    case = page.locator('[data-testid="stExpander"]').filter(has_text=f"{CASE} —")
    case.locator("summary").click()
    settle(page)
    expect(case.get_by_text("Beschrijving van de situatie")).to_be_visible()
    reads = _events(server, "case_read")
    assert len(reads) == 1 and reads[0][0] == "aanjager"
    case.locator("summary").click()  # closing it records nothing
    settle(page)
    assert len(_events(server, "case_read")) == 1


def test_beheerder_downloads_a_backup_that_names_its_revision(context, page, server):
    """The download is one JSON file with the schema revision and every table, and the log records it."""
    login(page, server.base_url, "beheerder")
    page.goto(f"{server.base_url}/gegevensbeheer")
    settle(page)
    with page.expect_download(timeout=60_000) as download_info:  # built on click; slow on a busy machine
        page.get_by_role("button", name="Back-up downloaden (JSON)").click()
    data = json.loads(download_info.value.path().read_text(encoding="utf-8"))
    assert data["format"] == "leersessie-backup" and data["revision"]
    assert len(data["tables"]["case_file"]["rows"]) >= 5
    assert _events(server, "backup_downloaded") == [("beheerder", None)]
