"""The audit log as the beheerder reads it: who, what, when, which object; filters, paging, CSV."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from lib.core import audit, db
from lib.core.errors import DomainError, NotAllowed
from lib.models import AuditLog, Role
from tests import factories


def _at(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=dt.UTC)


@pytest.fixture
def log(engine):
    with db.transaction(engine) as session:
        beheerder = factories.user(session, Role.BEHEERDER, display_name="Bea Beheer")
        anna = factories.user(session, display_name="Anna de Vries")
        for day in range(1, 31):  # 30 logins by Anna in November
            session.add(
                AuditLog(
                    event="login", user_id=anna.id, entity="user", entity_id=anna.id, at=_at(dt.date(2026, 11, day))
                )
            )
        session.add(
            AuditLog(event="case_read", user_id=beheerder.id, entity="case", entity_id=7, at=_at(dt.date(2026, 11, 5)))
        )
        session.add(AuditLog(event="demo_loaded", user_id=None, at=_at(dt.date(2026, 10, 31), hour=23)))  # 1 Nov local
        session.add(AuditLog(event="=cmd|' /C calc'!A0", user_id=None, at=_at(dt.date(2026, 10, 1))))
    return {"beheerder": factories.current(beheerder), "anna": anna.id, "anna_user": factories.current(anna)}


def test_newest_first_with_who_what_and_which_object(engine, log):
    with db.read(engine) as session:
        page = audit.entries(session=session, actor=log["beheerder"], filters=audit.AuditFilter(), page_size=10)
    assert page.total == 33 and page.pages == 4
    first = page.items[0]
    assert (first.who, audit.event_label(first.event), audit.object_label(first.entity, first.entity_id)) == (
        "Anna de Vries",
        "ingelogd",
        f"gebruiker {log['anna']}",
    )
    assert first.at == _at(dt.date(2026, 11, 30))


def test_filters_by_person_kind_and_local_period(engine, log):
    def total(**filters) -> int:
        with db.read(engine) as session:
            return audit.entries(session=session, actor=log["beheerder"], filters=audit.AuditFilter(**filters)).total

    assert total(user_id=log["anna"]) == 30
    assert total(event="case_read") == 1
    assert total(start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 3)) == 4  # 3 logins + demo at 00:00 local
    assert total(user_id=log["anna"], start=dt.date(2026, 11, 10), end=dt.date(2026, 11, 10)) == 1
    with pytest.raises(DomainError, match="begindatum ligt na de einddatum"):
        total(start=dt.date(2026, 11, 3), end=dt.date(2026, 11, 1))


def test_paging_happens_in_sql_and_a_page_past_the_end_shows_the_last(engine, log):
    with db.read(engine) as session:
        page = audit.entries(
            session=session, actor=log["beheerder"], filters=audit.AuditFilter(), page=99, page_size=10
        )
    assert page.page == 3 and len(page.items) == 3
    assert page.items[-1].who == audit.SYSTEM


def test_only_a_beheerder_reads_the_log(engine, log):
    with pytest.raises(NotAllowed), db.read(engine) as session:
        audit.entries(session=session, actor=log["anna_user"], filters=audit.AuditFilter())


def test_csv_export_is_safe_and_is_itself_recorded(engine, log):
    with db.transaction(engine) as session:
        data = audit.export_csv(session=session, actor=log["beheerder"], filters=audit.AuditFilter(user_id=None))
    text = data.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "Tijdstip;Wie;Gebruiker-id;Wat;Gebeurtenis;Object;Object-id;Details"
    assert len(lines) == 34
    assert "2026-11-05 13:00:00;Bea Beheer;" in text  # local time (CET)
    assert ";'=cmd|' /C calc'!A0;" in text  # a formula is neutralised
    with db.read(engine) as session:
        exported = session.scalars(select(AuditLog).where(AuditLog.event == "auditlog_exported")).one()
        assert exported.user_id == log["beheerder"].id and exported.detail["rows"] == 33


def test_filter_options_list_people_and_kinds_in_the_log(engine, log):
    with db.read(engine) as session:
        people, events = audit.filter_options(session=session, actor=log["beheerder"])
    assert [name for _id, name in people] == ["Anna de Vries", "Bea Beheer"]
    assert "login" in events and "case_read" in events
