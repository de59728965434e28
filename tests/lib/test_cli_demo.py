"""`make run` loads the demo accounts (public password) only into the embedded database, or when asked."""

from __future__ import annotations

from sqlalchemy import func, select

from lib import cli
from lib.core import db
from lib.models import User


def _users(engine) -> int:
    with db.read(engine) as session:
        return session.execute(select(func.count()).select_from(User)).scalar_one()


def test_make_run_leaves_an_organisations_empty_database_without_demo_accounts(engine, capsys):
    assert cli.main(["demo", "--if-empty"]) == 0
    assert _users(engine) == 0
    assert "demo data not loaded" in capsys.readouterr().out


def test_the_demo_is_loaded_when_asked_for(engine, monkeypatch):
    monkeypatch.setenv("LEERSESSIE_DEMO", "on")
    assert cli.main(["demo", "--if-empty"]) == 0
    assert _users(engine) > 0


def test_an_explicit_demo_command_loads_into_an_empty_database(engine):
    assert cli.main(["demo"]) == 0
    assert _users(engine) > 0
