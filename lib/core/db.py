"""Engine, transactions and schema upgrades for DATABASE_URL (SQLite by default, PostgreSQL for real).

One engine per URL per process. `transaction()` is the only way to write: on SQLite it starts with
BEGIN IMMEDIATE, so a read followed by a write in one transaction can never lose an update.
`read()` is for pages that only look.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from lib.core import versions
from lib.core.config import ROOT, get_settings

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 15_000

_engines: dict[str, Engine] = {}
_lock = threading.Lock()


class DatabaseUnavailable(RuntimeError):
    """The database cannot be opened or is at a schema this code does not know. Message in Dutch."""


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Hand transaction control to SQLAlchemy (pysqlite would otherwise BEGIN lazily).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if conn.get_execution_options().get("leersessie_write"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


def engine_for(url: str) -> Engine:
    """The process-wide engine for `url`, created on first use."""
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            parsed = make_url(url)
            if parsed.get_backend_name() == "sqlite":
                if parsed.database and parsed.database != ":memory:":
                    # If this fails, upgrade() reports in Dutch that the database cannot be opened.
                    with contextlib.suppress(OSError):
                        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
                engine = create_engine(
                    url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
                )
                _configure_sqlite(engine)
            else:
                engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
            _engines[url] = engine
        return engine


def get_engine() -> Engine:
    return engine_for(get_settings().database_url)


def dispose_all() -> None:
    """Close every pool (tests, and the CLI before it exits)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


@contextmanager
def transaction(engine: Engine | None = None) -> Iterator[Session]:
    """One write transaction: commit on success, roll back on any exception.

    A versioned row that somebody else changed since it was read (lib/core/versions.py) ends the
    transaction with Conflict, so callers handle one error for every edit conflict. So does a unique
    constraint a user can run into (a double click, two people adding the same name at once), with a
    Dutch message saying what already exists (`versions.integrity_conflict`).
    """
    engine = engine or get_engine()
    try:
        with (
            Session(bind=engine.execution_options(leersessie_write=True), expire_on_commit=False) as session,
            session.begin(),
        ):
            yield session
    except StaleDataError as error:
        raise versions.stale_conflict(error) from error
    except IntegrityError as error:
        conflict = versions.integrity_conflict(error)
        if conflict is None:
            raise
        log.info("integrity conflict: %s", error.orig)
        raise conflict from error


@contextmanager
def read(engine: Engine | None = None) -> Iterator[Session]:
    """A read-only unit of work; anything written in it is discarded when it closes.

    Objects loaded here stay readable after the block (closing detaches them without expiring).
    """
    engine = engine or get_engine()
    with Session(bind=engine, expire_on_commit=False, autoflush=False) as session:
        yield session


def refresh_statistics(engine: Engine | None = None) -> None:
    """Let the database's planner learn the tables' sizes again (ANALYZE) after a bulk load: a restore
    or generated data. Without it PostgreSQL plans for empty tables until autovacuum comes round, and a
    report that takes 0.2 s can take 40 s; SQLite keeps no statistics unless asked."""
    engine = engine or get_engine()
    with engine.connect() as connection:
        connection.execute(text("ANALYZE"))
        connection.commit()


# --- schema -------------------------------------------------------------------------------------


def alembic_config(url: str) -> Any:
    from alembic.config import Config

    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "lib" / "migrations"))
    config.attributes["database_url"] = url
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head() or ""


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine | None = None) -> None:
    """Bring the database to the newest schema; refuse, in Dutch, a database newer than this code."""
    from alembic import command
    from alembic.script import ScriptDirectory

    engine = engine or get_engine()
    url = engine.url.render_as_string(hide_password=False)
    config = alembic_config(url)
    known = {rev.revision for rev in ScriptDirectory.from_config(config).walk_revisions()}
    try:
        current = current_revision(engine)
    except SQLAlchemyError as exc:
        log.error("cannot open database %s: %s", engine.url.render_as_string(), exc)
        raise DatabaseUnavailable(
            "De database kan niet worden geopend. Controleer DATABASE_URL en of de databaseserver draait."
        ) from exc
    if current is not None and current not in known:
        log.error("database schema %s is newer than this code (head %s)", current, head_revision())
        raise DatabaseUnavailable(
            "De database heeft een nieuwere versie dan deze applicatie kent. "
            "Installeer de nieuwste versie van Leersessie voordat u verdergaat."
        )
    try:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
    except OperationalError as exc:
        log.error("migrating %s failed: %s", engine.url.render_as_string(), exc)
        raise DatabaseUnavailable(
            "De database kan niet worden bijgewerkt. Controleer DATABASE_URL en de schrijfrechten."
        ) from exc
