"""The app reads its settings like the command line: environment first, then .streamlit/secrets.toml."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit import config as streamlit_config
from streamlit.runtime.secrets import secrets_singleton
from streamlit.testing.v1 import AppTest

from lib.core import db
from lib.core.config import SECRETS_FILE_VARIABLE
from tests.pages.conftest import APP


@pytest.fixture
def secrets_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A secrets.toml that our loader reads and that Streamlit would read too if anything asked it to
    (as `streamlit run` does with its default configuration)."""
    path = tmp_path / "secrets.toml"
    monkeypatch.setenv(SECRETS_FILE_VARIABLE, str(path))
    saved = streamlit_config.get_option("secrets.files")
    streamlit_config.set_option("secrets.files", [str(path)])
    yield path
    secrets_singleton._reset()
    streamlit_config.set_option("secrets.files", saved)
    db.dispose_all()


def test_an_environment_value_beats_the_secrets_file_in_the_app(secrets_file, tmp_path, monkeypatch):
    from_environment, from_file = tmp_path / "environment.db", tmp_path / "file.db"
    secrets_file.write_text(f'DATABASE_URL = "sqlite:///{from_file}"\n', encoding="utf-8")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{from_environment}")
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Leersessie"]  # the login page
    assert from_environment.exists(), "the app did not use the database of the environment"
    assert not from_file.exists(), "the app used the database of secrets.toml over the environment"
    assert os.environ["DATABASE_URL"] == f"sqlite:///{from_environment}"


def test_the_app_uses_the_secrets_file_when_the_environment_is_silent(secrets_file, tmp_path, monkeypatch):
    from_file = tmp_path / "file.db"
    secrets_file.write_text(f'DATABASE_URL = "sqlite:///{from_file}"\n', encoding="utf-8")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert from_file.exists()
