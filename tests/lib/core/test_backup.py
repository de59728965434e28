"""Backup and restore: SQLite → JSON → PostgreSQL → JSON → SQLite loses nothing; clear refusals."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lib import cli, demo
from lib.core import backup, db
from lib.core.errors import Conflict, DomainError
from lib.models import (
    AuditLog,
    AuthToken,
    Base,
    Case,
    Contribution,
    Enrolment,
    LoginAttempt,
    Organisation,
    Series,
    TemplateRound,
    Theme,
    ThemeMember,
    ThemeRejection,
)
from tests import factories
from tests.conftest import _empty_postgres
from tests.corpus import blns


def _fill(engine) -> None:
    """The demo data, plus a row in every table, BLNS unicode in text fields and awkward timestamps."""
    with db.transaction(engine) as session:
        demo.load(session=session, today=dt.date(2026, 3, 2))
        author = factories.user(session, username="blns.schrijver", display_name="Zoë Ørsted-Çelik")
        meeting = factories.learning_session(session)
        table = factories.group(session, meeting, 1)
        for number, naughty in enumerate(blns()):
            case = factories.case(
                session,
                author,
                title=naughty[:120] or "leeg",
                description=naughty,
                tried=naughty[::-1],
                learning_question=naughty[:500] or "?",
                created_at=dt.datetime(2025, 1, 1, 12, 0, 0, number, tzinfo=dt.timezone(dt.timedelta(hours=2))),
            )
            if number % 50 == 0:
                factories.contribution(session, meeting, table, text=naughty[:500] or "x", author_label=naughty[:120])
                session.add(
                    AuditLog(event="blns", user_id=author.id, entity="case", entity_id=case.id, detail={"t": naughty})
                )
        session.add(
            AuthToken(user_id=author.id, token_hash="f" * 64, expires_at=dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
        )
        session.add(LoginAttempt(scope="login", key="ünïcødé"))
        session.add(  # a leercirkel's enrolment (series kinds)
            Enrolment(
                series_id=session.scalars(select(Series.id)).first(),
                user_id=author.id,
                status="ingeschreven",
                promoted_at=dt.datetime(2026, 3, 1, 23, 59, 59, 999, tzinfo=dt.UTC),
            )
        )
        # a confirmed theme with a member, and a rejected suggestion (recurring themes)
        contribution = session.scalars(select(Contribution)).first()
        theme = Theme(
            name="Wachtlijst “schuldhulp” ü",
            kind="obstacle",
            session_id=contribution.session_id,
            series_id=session.scalars(select(Series.id)).first(),
        )
        session.add(theme)
        session.flush()
        session.add(ThemeMember(theme_id=theme.id, contribution_id=contribution.id))
        session.add(
            ThemeRejection(
                session_id=contribution.session_id,
                contribution_ids=[contribution.id, 0],
                signature=f"{contribution.id},0",
            )
        )
        template_round = session.scalars(select(TemplateRound)).first()
        template_round.guiding_questions = ["Wat \u201cbelemmert\u201d?", {"nested": ["ü", 1, None, True]}]


def _backup(engine) -> dict:
    buffer = io.StringIO()
    backup.write_backup(engine, buffer)
    return json.loads(buffer.getvalue())


def _restore(engine, data: dict) -> backup.RestoreResult:
    return backup.restore(engine, io.BytesIO(json.dumps(data).encode()))


def _without_restore_entry(data: dict) -> dict:
    """The restore adds one audit entry (restores are audited); everything else must be equal."""
    audit = data["tables"]["audit_log"]
    events = [dict(zip([c for c, _ in audit["columns"]], row, strict=True))["event"] for row in audit["rows"]]
    assert events[-1] == "backup_restored"
    trimmed = json.loads(json.dumps(data))
    trimmed["tables"]["audit_log"]["rows"] = audit["rows"][:-1]
    return trimmed


@pytest.fixture
def empty_postgres(postgres_url, monkeypatch):
    engine = db.engine_for(postgres_url)
    _empty_postgres(engine, {})
    monkeypatch.setenv("DATABASE_URL", postgres_url)
    return engine


def test_every_column_of_the_schema_has_a_backup_encoding():
    kinds = {backup.kind_of(column.type) for table in Base.metadata.sorted_tables for column in table.columns}
    assert {"timestamp", "date", "time", "json", "text", "integer", "boolean"} <= kinds


def test_round_trip_sqlite_postgresql_sqlite_loses_nothing(sqlite_engine, empty_postgres, tmp_path):
    _fill(sqlite_engine)
    first = _backup(sqlite_engine)
    assert first["revision"] == db.head_revision()
    assert set(first["tables"]) == set(Base.metadata.tables)
    empty = [name for name, table in first["tables"].items() if not table["rows"]]
    assert empty == []  # every table takes part in the round trip

    _restore(empty_postgres, first)
    second = _without_restore_entry(_backup(empty_postgres))
    assert second["source"] == "postgresql"
    for name in first["tables"]:
        assert second["tables"][name] == first["tables"][name], name

    # and back: PostgreSQL → a brand-new SQLite file (migrated to head by the restore itself)
    fresh = db.engine_for(f"sqlite:///{tmp_path / 'back.db'}")
    _restore(fresh, second)
    third = _without_restore_entry(_backup(fresh))
    assert third["tables"] == second["tables"]


def test_restored_values_keep_their_types_and_sequences_continue(sqlite_engine, empty_postgres):
    _fill(sqlite_engine)
    _restore(empty_postgres, _backup(sqlite_engine))
    with db.read(empty_postgres) as session:
        naughty = blns()[100]
        case = session.scalars(select(Case).where(Case.description == naughty)).one()
        assert case.tried == naughty[::-1]
        assert case.created_at == dt.datetime(2025, 1, 1, 10, 0, 0, 100, tzinfo=dt.UTC)
        questions = session.scalars(select(TemplateRound.guiding_questions).order_by(TemplateRound.id)).first()
        assert questions[1] == {"nested": ["ü", 1, None, True]}
        highest = max(session.scalars(select(Organisation.id)))
    with db.transaction(empty_postgres) as session:  # the id sequence was moved past the restored ids
        organisation = factories.organisation(session, name="Na het terugzetten")
    assert organisation.id == highest + 1


def test_restore_refuses_a_database_that_is_not_empty(engine):
    with db.transaction(engine) as session:
        factories.organisation(session, name="Al in gebruik")
    data = _backup(engine)
    with pytest.raises(backup.BackupRefused, match="De database is niet leeg"):
        _restore(engine, data)
    with db.read(engine) as session:  # nothing was added
        assert session.scalars(select(Organisation.name)).all() == ["Al in gebruik"]


def test_restore_refuses_a_backup_of_another_revision_or_no_backup_at_all(engine):
    data = _backup(engine)
    data["revision"] = "0123456789ab"
    with pytest.raises(backup.BackupRefused, match="databaseversie 0123456789ab"):
        _restore(engine, data)
    with pytest.raises(backup.BackupRefused, match="geen leesbare back-up"):
        backup.restore(engine, io.BytesIO(b"<html>"))
    with pytest.raises(backup.BackupRefused, match="geen back-up van Leersessie"):
        backup.restore(engine, io.BytesIO(b'{"tables": {}}'))
    assert issubclass(backup.BackupRefused, DomainError)


def _emptied(engine, tmp_path: Path):
    """An empty database on the same backend: PostgreSQL truncated, SQLite a new file."""
    if engine.dialect.name == "postgresql":
        _empty_postgres(engine, {})
        return engine
    return db.engine_for(f"sqlite:///{tmp_path / 'empty.db'}")


def test_restore_is_all_or_nothing(engine, tmp_path):
    with db.transaction(engine) as session:
        factories.user(session, username="eerste")
        factories.organisation(session, name="Eerste organisatie")
    data = _backup(engine)
    target = _emptied(engine, tmp_path)
    data["tables"]["app_user"]["rows"].append(data["tables"]["app_user"]["rows"][0])  # duplicate key
    with pytest.raises(Conflict) as refused:  # db.transaction gives a Dutch message for the duplicate key
        _restore(target, data)
    assert isinstance(refused.value.__cause__, IntegrityError)
    assert backup.is_empty(target)


def test_restore_into_an_empty_database_on_each_backend(engine, tmp_path):
    with db.transaction(engine) as session:
        factories.case(session, factories.user(session, username="schrijver"), title="Één casus")
    data = _backup(engine)
    target = _emptied(engine, tmp_path)
    result = _restore(target, data)
    assert result.rows["case_file"] == 1
    with db.read(target) as session:
        assert session.scalars(select(Case.title)).all() == ["Één casus"]
    assert _without_restore_entry(_backup(target))["tables"] == data["tables"]


def test_cli_backup_and_restore_between_sqlite_and_postgresql(
    sqlite_url, empty_postgres, monkeypatch, tmp_path, capsys
):
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    with db.transaction(db.engine_for(sqlite_url)) as session:
        demo.load(session=session, today=dt.date(2026, 3, 2))
    file = tmp_path / "leersessie.json"
    assert cli.main(["backup", str(file)]) == 0
    assert "Back-up geschreven" in capsys.readouterr().out

    postgres = empty_postgres.url.render_as_string(hide_password=False)
    monkeypatch.setenv("DATABASE_URL", postgres)
    assert cli.main(["restore", str(file)]) == 0
    assert "Back-up teruggezet" in capsys.readouterr().out
    assert cli.main(["restore", str(file)]) == 2  # now it is not empty any more
    assert "De database is niet leeg" in capsys.readouterr().err
    with db.read(db.engine_for(postgres)) as session:
        assert session.scalar(select(AuditLog.event).order_by(AuditLog.id.desc()).limit(1)) == "backup_restored"


def test_cli_restore_of_a_missing_file_says_so(sqlite_url, monkeypatch, capsys, tmp_path: Path):
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    assert cli.main(["restore", str(tmp_path / "nergens.json")]) == 2
    assert "kan niet worden gelezen" in capsys.readouterr().err


def test_cli_backup_refuses_a_database_without_schema_and_leaves_no_file(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'leeg.db'}")
    assert cli.main(["backup", str(tmp_path / "b.json")]) == 2
    assert "Werk de database eerst bij" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["leeg.db"]
