"""The database layer: migrations match the models, SQLite settings, no lost updates, clear failures."""

from __future__ import annotations

import threading

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError

from lib.core import db
from lib.core.errors import Conflict
from lib.models import AuditLog, Base, Organisation


def test_migrations_and_models_agree(engine):
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []
    assert db.current_revision(engine) == db.head_revision()


def test_upgrade_twice_is_harmless(engine):
    db.upgrade(engine)
    db.upgrade(engine)
    assert db.current_revision(engine) == db.head_revision()


def test_sqlite_runs_in_wal_with_foreign_keys(sqlite_engine):
    with db.read(sqlite_engine) as session:
        assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert session.execute(text("PRAGMA busy_timeout")).scalar() == db.SQLITE_BUSY_TIMEOUT_MS


def test_foreign_keys_are_enforced(engine):
    # A reference to a row that is gone (deleted by somebody else meanwhile) is a Dutch Conflict.
    with pytest.raises(Conflict, match="intussen verwijderd") as refused, db.transaction(engine) as session:
        session.execute(text("INSERT INTO session_group (session_id, number, name) VALUES (999, 1, 'x')"))
    assert isinstance(refused.value.__cause__, DBAPIError)


def test_read_then_write_loses_no_update_under_concurrency(engine):
    """Eight threads each read a counter and write it back +1, 25 times: all 200 increments count."""
    with db.transaction(engine) as session:
        session.add(Organisation(name="Teller", kind="0"))

    def bump() -> None:
        for _ in range(25):
            with db.transaction(engine) as session:
                org = session.scalars(select(Organisation).with_for_update()).one()
                org.kind = str(int(org.kind) + 1)

    threads = [threading.Thread(target=bump) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with db.read(engine) as session:
        assert session.scalars(select(Organisation.kind)).one() == "200"


def test_a_failed_transaction_writes_nothing(engine):
    with pytest.raises(RuntimeError), db.transaction(engine) as session:
        session.add(Organisation(name="Half", kind="x"))
        session.flush()
        raise RuntimeError("boom")
    with db.read(engine) as session:
        assert session.scalars(select(Organisation)).all() == []


def test_audit_log_is_append_only_in_orm_and_database(engine):
    with db.transaction(engine) as session:
        session.add(AuditLog(event="test", user_id=None))
    with pytest.raises(PermissionError), db.transaction(engine) as session:
        entry = session.scalars(select(AuditLog)).one()
        entry.event = "changed"
    with pytest.raises(DBAPIError), db.transaction(engine) as session:
        session.execute(update(AuditLog).values(event="changed"))
    with pytest.raises(DBAPIError), db.transaction(engine) as session:
        session.execute(text("DELETE FROM audit_log"))
    with db.read(engine) as session:
        assert session.scalars(select(AuditLog.event)).all() == ["test"]


def test_database_newer_than_the_code_gives_a_dutch_message(engine):
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'ffffffffffff'"))
    with pytest.raises(db.DatabaseUnavailable, match="nieuwere versie"):
        db.upgrade(engine)


def test_unopenable_database_gives_a_dutch_message(tmp_path):
    (tmp_path / "file").write_text("not a directory")
    engine = db.engine_for(f"sqlite:///{tmp_path / 'file' / 'x.db'}")
    with pytest.raises(db.DatabaseUnavailable, match="kan niet worden geopend"):
        db.upgrade(engine)
    db.dispose_all()
