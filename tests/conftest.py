"""Shared fixtures: a real, migrated database per test — SQLite always, PostgreSQL when configured.

SQLite: the schema is migrated once into a template file, copied for every test.
PostgreSQL (TEST_DATABASE_URL): one database per xdist worker, migrated once, emptied per test.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, Table, create_engine, select, text
from sqlalchemy.engine import make_url

from lib.core import db
from lib.core.config import SECRETS_FILE_VARIABLE
from lib.models import Base

# The app's "today" is Amsterdam's (lib/core/dates.local_today); the tests build their data with
# dt.date.today(). Between midnight in Amsterdam and midnight UTC the two differ by a day, and
# demo sessions "today" became yesterday's: the tests (and the servers they start) live in Amsterdam.
os.environ["TZ"] = "Europe/Amsterdam"
time.tzset()

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


@pytest.fixture(autouse=True)
def _no_secrets_file(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """A developer's own .streamlit/secrets.toml must not reach the tests (a test may point at one)."""
    monkeypatch.setenv(SECRETS_FILE_VARIABLE, str(tmp_path_factory.getbasetemp() / "no-secrets.toml"))


def pytest_report_header(config: pytest.Config) -> list[str]:
    return [f"database backends: {', '.join(BACKENDS)}"]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = db.engine_for(f"sqlite:///{path}")
    db.upgrade(engine)
    engine.dispose()
    return path


def _worker() -> str:
    """Names this run's databases: one per xdist worker, and per checkout, so that two work trees
    testing at once against one PostgreSQL server never drop each other's databases."""
    checkout = hashlib.sha1(str(Path(__file__).resolve().parent).encode()).hexdigest()[:6]
    return f"{checkout}_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        pytest.skip("TEST_DATABASE_URL is not set: PostgreSQL layer not run")
    name = f"leersessie_test_{_worker()}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    db.upgrade(db.engine_for(url))
    _SEEDS[url] = _seed_of(url)
    yield url
    db.dispose_all()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


_SEEDS: dict[str, dict[Table, list[dict]]] = {}


def _seed_of(url: str) -> dict[Table, list[dict]]:
    """What the migrations put into a fresh database (the shipped werkvormen), read right after migrating."""
    with db.engine_for(url).connect() as conn:
        rows = {
            table: [dict(r) for r in conn.execute(select(table)).mappings()] for table in Base.metadata.sorted_tables
        }
    return {table: found for table, found in rows.items() if found}


@pytest.fixture(scope="session")
def postgres_seed(postgres_url: str) -> dict[Table, list[dict]]:
    """The fresh database's own rows, to restore per test (captured when the database was migrated, so
    that no test's data can slip into it)."""
    return _SEEDS[postgres_url]


# Sequences that belong to a table's column (serial or identity): what TRUNCATE … RESTART IDENTITY resets.
_OWNED_SEQUENCES = """SELECT setval(s.oid, 1, false) FROM pg_class s
    JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.oid AND d.deptype IN ('a', 'i')
    WHERE s.relkind = 'S' AND s.relnamespace = current_schema()::regnamespace"""


def _empty_postgres(engine: Engine, seed: dict[Table, list[dict]]) -> None:
    """Back to a freshly migrated database: every table emptied, the migrations' data put back.

    DELETE rather than TRUNCATE: on these few-row tables it takes milliseconds where TRUNCATE (new files
    for every table, per test) took a tenth of a second or more, which was most of the PostgreSQL run."""
    deletes = "; ".join(f'DELETE FROM "{t.name}"' for t in reversed(Base.metadata.sorted_tables))
    with engine.begin() as conn:
        # The audit log refuses DELETE (a trigger), and foreign keys are triggers too: the test superuser
        # switches triggers off for this.
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.exec_driver_sql(deletes)
        conn.exec_driver_sql(_OWNED_SEQUENCES)
        conn.execute(text("SET LOCAL session_replication_role = origin"))
        # A test may have moved the schema revision (a "newer database" check): put the real one back.
        conn.execute(text("DELETE FROM alembic_version"))
        conn.execute(text("INSERT INTO alembic_version (version_num) VALUES (:head)"), {"head": db.head_revision()})
        for table, rows in seed.items():
            conn.execute(table.insert(), rows)
            sequence = f"pg_get_serial_sequence('{table.name}', 'id')"
            conn.execute(text(f'SELECT setval({sequence}, (SELECT max(id) FROM "{table.name}"))'))


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "leersessie.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest) -> str:
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    url = request.getfixturevalue("postgres_url")
    _empty_postgres(db.engine_for(url), request.getfixturevalue("postgres_seed"))
    return url


@pytest.fixture
def engine(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """A migrated, empty database on every backend under test; also the app's DATABASE_URL."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    engine = db.engine_for(database_url)
    yield engine
    if database_url.startswith("sqlite"):
        db.dispose_all()


@pytest.fixture
def sqlite_engine(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """SQLite only: for tests of the pages, which need not repeat on PostgreSQL."""
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    yield db.engine_for(sqlite_url)
    db.dispose_all()


# --- which layers ran -----------------------------------------------------------------------------

_LAYERS = {"tests/lib": "unit", "tests/pages": "pages", "tests/browser": "browser"}
_counts: dict[str, dict[str, int]] = {}


def _layer_of(nodeid: str) -> str:
    path = nodeid.split("::")[0]
    layer = next((name for prefix, name in _LAYERS.items() if path.startswith(prefix)), "other")
    if layer == "unit":
        layer += " (postgresql)" if "postgresql" in nodeid.split("::")[-1] else " (sqlite)"
    return layer


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call" or report.outcome != "passed":
        outcome = "error" if report.when != "call" and report.failed else report.outcome
        layer = _counts.setdefault(_layer_of(report.nodeid), {})
        layer[outcome] = layer.get(outcome, 0) + 1


def _missing_layers() -> list[str]:
    missing = []
    if os.environ.get("REQUIRE_BROWSER") == "1" and not _counts.get("browser", {}).get("passed"):
        missing.append("browser")
    if os.environ.get("REQUIRE_POSTGRES") == "1" and not _counts.get("unit (postgresql)", {}).get("passed"):
        missing.append("postgresql")
    return missing


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # A run that had to cover the browser or PostgreSQL and did not must not pass (CI sets REQUIRE_*).
    if exitstatus == 0 and _missing_layers() and not session.config.option.keyword:
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter, exitstatus, config: pytest.Config) -> None:
    terminalreporter.section("test layers")
    for layer in sorted(_counts):
        figures = ", ".join(f"{n} {outcome}" for outcome, n in sorted(_counts[layer].items()))
        terminalreporter.write_line(f"{layer:20} {figures}")
    if _missing_layers() and not config.option.keyword:
        terminalreporter.write_line(f"REQUIRED LAYERS DID NOT RUN: {', '.join(_missing_layers())}", red=True)
