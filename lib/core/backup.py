"""Backup and restore: the whole database as one versioned JSON file, between SQLite and PostgreSQL.

The file names the schema revision it was written at and holds every table of `Base.metadata` in
dependency order, one row per line, each value typed by its column: timestamps as ISO 8601 with their
UTC offset, dates and times as ISO, JSON columns as JSON, enums by value. A restore loads it into an
empty database at the same revision, in one transaction, and on PostgreSQL moves every id sequence past
the restored ids so that the next insert does not collide.
"""

from __future__ import annotations

import datetime as dt
import enum
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    Connection,
    Date,
    Engine,
    Integer,
    String,
    Table,
    Time,
    func,
    inspect,
    select,
    text,
)
from sqlalchemy import Enum as SqlEnum
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeEngine

from lib.core import audit, db, policy
from lib.core.errors import DomainError
from lib.models import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from lib.accounts import CurrentUser

FORMAT = "leersessie-backup"
FORMAT_VERSION = 1
_BATCH = 1000


class BackupRefused(DomainError):
    """The file or the target database does not allow this restore. Message in Dutch."""


@dataclass(frozen=True)
class RestoreResult:
    revision: str
    rows: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.rows.values())


# --- typed values ---------------------------------------------------------------------------------


def kind_of(column_type: TypeEngine[Any]) -> str:
    """How a column's values are written to the file; an unknown type is an error, never a guess."""
    for cls, kind in (
        (UTCDateTime, "timestamp"),
        (SqlEnum, "enum"),
        (Boolean, "boolean"),
        (Integer, "integer"),
        (String, "text"),  # Text is a String
        (Date, "date"),
        (Time, "time"),
        (JSON, "json"),
    ):
        if isinstance(column_type, cls):
            return kind
    raise TypeError(f"no backup encoding for column type {column_type!r}")


def _encode(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "timestamp":
        if value.tzinfo is None:
            raise ValueError("naive timestamp in the database")
        return value.isoformat()
    if kind in ("date", "time"):
        return value.isoformat()
    if kind == "enum":
        return value.value if isinstance(value, enum.Enum) else value
    return value


def _decode(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "timestamp":
        moment = dt.datetime.fromisoformat(value)
        if moment.tzinfo is None:
            raise ValueError(f"timestamp without time zone: {value}")
        return moment
    if kind == "date":
        return dt.date.fromisoformat(value)
    if kind == "time":
        return dt.time.fromisoformat(value)
    return value


def _layout(table: Table) -> list[list[str]]:
    return [[column.name, kind_of(column.type)] for column in table.columns]


# --- backup ---------------------------------------------------------------------------------------


def _rows(conn: Connection, table: Table) -> Iterator[list[Any]]:
    kinds = [kind_of(column.type) for column in table.columns]
    query = select(table).order_by(*table.primary_key.columns)
    for row in conn.execution_options(yield_per=_BATCH).execute(query):
        yield [_encode(kind, value) for kind, value in zip(kinds, row, strict=True)]


def _revision(conn: Connection) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def write_backup(engine: Engine, out: IO[str]) -> dict[str, int]:
    """Write the whole database to `out` (a text stream); returns the row count per table.

    All tables are read in one transaction (a snapshot on PostgreSQL), so the file is consistent.
    """
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            return _write(conn, out)


def _write(conn: Connection, out: IO[str]) -> dict[str, int]:
    """The backup of what `conn` sees, within its transaction."""
    counts: dict[str, int] = {}
    revision = _revision(conn)
    if revision != db.head_revision():
        raise BackupRefused(
            f"De database staat op versie {revision or 'zonder schema'}, deze applicatie op "
            f"{db.head_revision()}. Werk de database eerst bij met: python -m lib.cli migrate"
        )
    header = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "revision": revision,
        "created_at": utcnow().isoformat(),
        "source": conn.dialect.name,
    }
    out.write(_dump(header)[:-1] + ',\n"tables":{')
    for index, table in enumerate(Base.metadata.sorted_tables):
        out.write(("," if index else "") + f'\n{_dump(table.name)}:{{"columns":{_dump(_layout(table))},')
        out.write('"rows":[')
        count = 0
        for row in _rows(conn, table):
            out.write(("," if count else "") + "\n" + _dump(row))
            count += 1
        out.write("\n]}")
        counts[table.name] = count
    out.write("\n}}\n")
    return counts


def download(*, session: Session, actor: CurrentUser) -> bytes:
    """The backup as UTF-8 bytes for the beheerder's download button; the download is recorded.

    Call it first in its transaction: on PostgreSQL the transaction then reads one snapshot."""
    policy.require(actor, "data.backup")
    options = {"isolation_level": "REPEATABLE READ"} if session.get_bind().dialect.name == "postgresql" else {}
    buffer = io.StringIO()
    counts = _write(session.connection(execution_options=options), buffer)
    audit.record(session=session, event="backup_downloaded", user_id=actor.id, rows=sum(counts.values()))
    return buffer.getvalue().encode("utf-8")


# --- restore --------------------------------------------------------------------------------------


def _load(source: IO[str] | IO[bytes]) -> dict[str, Any]:
    try:
        data = json.load(source)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupRefused("Dit bestand is geen leesbare back-up van Leersessie (geen geldige JSON).") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("tables"), dict):
        raise BackupRefused("Dit bestand is geen back-up van Leersessie.")
    if data.get("format_version") != FORMAT_VERSION:
        raise BackupRefused(
            f"Deze back-up heeft bestandsversie {data.get('format_version')}; deze applicatie leest versie "
            f"{FORMAT_VERSION}. Gebruik de versie van Leersessie waarmee de back-up is gemaakt."
        )
    return data


def check_revision(data: dict[str, Any]) -> str:
    head = db.head_revision()
    if data.get("revision") != head:
        raise BackupRefused(
            f"Deze back-up is gemaakt bij databaseversie {data.get('revision')}, maar deze applicatie gebruikt "
            f"versie {head}. Zet de back-up terug met de versie van Leersessie waarmee hij is gemaakt; die werkt "
            "de database daarna zelf bij."
        )
    return head


# What the migrations themselves put into a new database (the shipped werkvormen): a database that
# holds only these rows is empty for a restore, which replaces them with the backup's own.
SEEDED_BY_MIGRATIONS = ("template_round", "template")


def row_counts(conn: Connection, *, skip: tuple[str, ...] = ()) -> dict[str, int]:
    """Rows per table of the schema (tables that hold rows only), leaving out the tables in `skip`."""
    counts = {}
    for table in Base.metadata.sorted_tables:
        if table.name in skip:
            continue
        count = conn.execute(select(func.count()).select_from(table)).scalar_one()
        if count:
            counts[table.name] = count
    return counts


def is_empty(engine: Engine) -> bool:
    """Nothing but what the migrations put there: a database a backup may be restored into."""
    with engine.connect() as conn:
        return not row_counts(conn, skip=SEEDED_BY_MIGRATIONS)


def _check_layout(data: dict[str, Any]) -> None:
    tables = data["tables"]
    for table in Base.metadata.sorted_tables:
        stored = tables.get(table.name)
        if stored is None or stored.get("columns") != _layout(table):
            raise BackupRefused(
                f"De back-up past niet bij het databaseschema: tabel '{table.name}' ontbreekt of heeft andere "
                "kolommen. Het bestand is beschadigd of met de hand gewijzigd."
            )
    unknown = sorted(set(tables) - set(Base.metadata.tables))
    if unknown:
        raise BackupRefused(f"De back-up bevat onbekende tabellen: {', '.join(unknown)}.")


def _fix_sequences(conn: Connection) -> None:
    """Move PostgreSQL's id sequences past the restored ids (explicit ids do not advance them)."""
    quote = conn.dialect.identifier_preparer.quote
    for table in Base.metadata.sorted_tables:
        key = list(table.primary_key.columns)
        if len(key) != 1 or table.autoincrement_column is None:
            continue
        column = key[0].name
        conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence(:table, :column), "
                f"COALESCE(MAX({quote(column)}), 0) + 1, false) FROM {quote(table.name)}"
            ),
            {"table": table.name, "column": column},
        )


def restore(engine: Engine, source: IO[str] | IO[bytes], *, actor_id: int | None = None) -> RestoreResult:
    """Load a backup file into the empty database of `engine` (migrated to head first).

    Refuses, in Dutch, a file that is not a backup, a backup of another schema revision, and a
    database that holds any row. Everything is loaded in one transaction: all or nothing.
    """
    data = _load(source)
    revision = check_revision(data)
    _check_layout(data)
    db.upgrade(engine)
    counts: dict[str, int] = {}
    with db.transaction(engine) as session:
        conn = session.connection()
        present = row_counts(conn, skip=SEEDED_BY_MIGRATIONS)
        if present:
            total = sum(present.values())
            raise BackupRefused(
                f"De database is niet leeg ({total} rijen, onder meer in '{next(iter(present))}'). Terugzetten kan "
                "alleen in een lege database: maak een nieuwe, lege database aan en laat DATABASE_URL daarheen wijzen."
            )
        for name in SEEDED_BY_MIGRATIONS:  # the backup brings its own werkvormen, as they were
            conn.execute(Base.metadata.tables[name].delete())
        for table in Base.metadata.sorted_tables:
            stored = data["tables"][table.name]
            names = [name for name, _kind in stored["columns"]]
            kinds = [kind for _name, kind in stored["columns"]]
            rows = stored.get("rows") or []
            try:
                decoded = [
                    {name: _decode(kind, value) for name, kind, value in zip(names, kinds, row, strict=True)}
                    for row in rows
                ]
            except (TypeError, ValueError) as exc:
                raise BackupRefused(f"De back-up bevat een ongeldige waarde in tabel '{table.name}': {exc}") from exc
            for start in range(0, len(decoded), _BATCH):
                conn.execute(table.insert(), decoded[start : start + _BATCH])
            counts[table.name] = len(decoded)
        if conn.dialect.name == "postgresql":
            _fix_sequences(conn)
        audit.record(
            session=session,
            event="backup_restored",
            user_id=actor_id,
            revision=revision,
            backup_created_at=data.get("created_at"),
            source=data.get("source"),
            rows=sum(counts.values()),
        )
    db.refresh_statistics(engine)  # the planner learns the restored tables' sizes now, not at autovacuum
    return RestoreResult(revision, counts)
