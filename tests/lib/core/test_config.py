"""The one settings loader: environment first, then .streamlit/secrets.toml, then defaults — also for
`python -m lib.cli` (and so `make migrate` and `create-admin`) and Alembic."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from lib.core import config, db
from lib.core.config import ROOT, SECRETS_FILE_VARIABLE, get_settings
from tests.conftest import BACKENDS, _worker


def write_secrets(path: Path, **values: str) -> Path:
    path.write_text("".join(f'{name} = "{value}"\n' for name, value in values.items()), encoding="utf-8")
    return path


def test_environment_beats_the_file_and_the_file_beats_the_default(tmp_path, monkeypatch):
    secrets = write_secrets(
        tmp_path / "secrets.toml",
        DATABASE_URL="sqlite:///from-file.db",
        LEERSESSIE_LOGIN_DAYS="30",
        LEERSESSIE_SMTP_HOST="smtp.example.org",
    )
    monkeypatch.setenv(SECRETS_FILE_VARIABLE, str(secrets))
    monkeypatch.setenv("DATABASE_URL", "sqlite:///from-environment.db")
    monkeypatch.delenv("LEERSESSIE_LOGIN_DAYS", raising=False)
    monkeypatch.delenv("LEERSESSIE_SMTP_HOST", raising=False)
    monkeypatch.delenv("LEERSESSIE_SMTP_PORT", raising=False)
    settings = get_settings()
    assert settings.database_url == "sqlite:///from-environment.db"
    assert settings.login_days == 30
    assert settings.smtp_host == "smtp.example.org"
    assert settings.smtp_port == 25


def test_without_environment_or_file_the_defaults_apply(tmp_path, monkeypatch):
    monkeypatch.setenv(SECRETS_FILE_VARIABLE, str(tmp_path / "absent.toml"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert get_settings().database_url == config.DEFAULT_DATABASE_URL


def test_the_secrets_file_is_found_from_the_repository_root(monkeypatch):
    monkeypatch.delenv(SECRETS_FILE_VARIABLE)
    assert config.secrets_file() == ROOT / ".streamlit" / "secrets.toml"


def test_streamlit_is_told_not_to_copy_the_secrets_file_into_the_environment():
    """With Streamlit's default, `streamlit run` copies root-level secrets over the environment."""
    with (ROOT / ".streamlit" / "config.toml").open("rb") as file:
        assert tomllib.load(file)["secrets"]["files"] == []


# --- the command line ------------------------------------------------------------------------------


@pytest.fixture(params=BACKENDS)
def blank_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database without any schema yet, on every backend under test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'blank.db'}"
        return
    base = os.environ["TEST_DATABASE_URL"]
    name = f"leersessie_test_{_worker()}_blank"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(base).set(database=name).render_as_string(hide_password=False)
    db.dispose_all()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return subprocess.run(
        [sys.executable, "-m", "lib.cli", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def revision_of(url: str) -> str | None:
    engine = create_engine(url)
    try:
        if not inspect(engine).has_table("alembic_version"):
            return None
        return db.current_revision(engine)
    finally:
        engine.dispose()


def test_migrate_uses_the_database_url_from_the_secrets_file(blank_database_url, tmp_path):
    """Following the README with the URL only in secrets.toml, `make migrate` migrates that database."""
    secrets = write_secrets(tmp_path / "secrets.toml", DATABASE_URL=blank_database_url)
    result = run_cli("migrate", env={SECRETS_FILE_VARIABLE: str(secrets)})
    assert result.returncode == 0, result.stderr
    assert revision_of(blank_database_url) == db.head_revision()


def test_migrate_prefers_the_environment_over_the_secrets_file(blank_database_url, tmp_path):
    from_file = tmp_path / "from-file.db"
    secrets = write_secrets(tmp_path / "secrets.toml", DATABASE_URL=f"sqlite:///{from_file}")
    result = run_cli("migrate", env={SECRETS_FILE_VARIABLE: str(secrets), "DATABASE_URL": blank_database_url})
    assert result.returncode == 0, result.stderr
    assert revision_of(blank_database_url) == db.head_revision()
    assert not from_file.exists()


def test_alembic_uses_the_database_url_from_the_secrets_file(blank_database_url, tmp_path):
    """`alembic upgrade head` run by hand reads the same settings as the app."""
    secrets = write_secrets(tmp_path / "secrets.toml", DATABASE_URL=blank_database_url)
    clean = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, "-m", "alembic", "upgrade", "head"],
        cwd=ROOT,
        env={**clean, SECRETS_FILE_VARIABLE: str(secrets)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert revision_of(blank_database_url) == db.head_revision()
