"""Every download is recorded in the audit log when the user actually downloads the file."""

from __future__ import annotations

from sqlalchemy import select

from lib.core import db
from lib.models import AuditLog, Role
from lib.ui import downloads
from tests import factories


def test_a_download_is_recorded_when_it_is_built_not_when_it_is_offered(engine):
    with db.transaction(engine) as session:
        user = factories.current(factories.user(session, Role.MANAGER))
    built = []
    offered = downloads.audited(lambda: built.append(1) or b"csv", user, "acties.csv")
    plain = downloads.audited("BEGIN:VCALENDAR", user, "sessie.ics")
    with db.read(engine) as session:
        assert session.scalars(select(AuditLog).where(AuditLog.event == "download")).all() == []
    assert offered() == b"csv" and plain() == "BEGIN:VCALENDAR" and built == [1]
    with db.read(engine) as session:
        rows = session.execute(select(AuditLog.user_id, AuditLog.detail).where(AuditLog.event == "download")).all()
    assert rows == [(user.id, {"file": "acties.csv"}), (user.id, {"file": "sessie.ics"})]
