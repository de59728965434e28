"""AppTest helpers: the app on a fresh SQLite database with demo data, logged in as a role."""

from __future__ import annotations

import copy
import datetime as dt
import filecmp
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from lib import accounts, demo
from lib.core import db
from lib.core.config import ROOT
from lib.models import User
from lib.ui.login import _TOKEN_KEY

APP = str(ROOT / "app.py")
DEMO_ACCOUNTS = {"professional": "professional", "aanjager": "aanjager", "manager": "manager", "beheerder": "beheerder"}


@pytest.fixture(scope="session")
def demo_templates() -> dict[dt.date, tuple[Path, dict]]:
    """The demo data loaded once per day of the run into a copy of the migrated template (a run that
    passes midnight gets a second one), with the ids that `demo.load` returned."""
    return {}


def _demo_template(
    templates: dict[dt.date, tuple[Path, dict]], sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, dict]:
    today = dt.date.today()
    if today not in templates:
        path = tmp_path_factory.mktemp("demo") / "demo.db"
        shutil.copy(sqlite_template, path)
        engine = db.engine_for(f"sqlite:///{path}")
        with db.transaction(engine) as session:
            ids = demo.load(session=session, today=today)
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        engine.dispose()
        templates[today] = (path, ids)
    return templates[today]


def load_demo(engine, sqlite_template: Path, templates: dict, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The demo series in `engine`'s fresh database; returns what `demo.load` returns.

    Loading the demo takes a good part of a second; on SQLite it is loaded once into a template file and
    copied over the test's still untouched database (its engine has not opened it yet). Should anything
    have written to it already, or on PostgreSQL, the demo is loaded into it as before."""
    path = Path(engine.url.database or "") if engine.url.get_backend_name() == "sqlite" else None
    if path and path.exists() and not Path(f"{path}-wal").exists() and filecmp.cmp(path, sqlite_template, False):
        template, ids = _demo_template(templates, sqlite_template, tmp_path_factory)
        engine.dispose()
        shutil.copy(template, path)
        return copy.deepcopy(ids)
    with db.transaction(engine) as session:
        return demo.load(session=session, today=dt.date.today())


@pytest.fixture
def demo_db(sqlite_engine, sqlite_template, demo_templates, tmp_path_factory):
    """A SQLite database with the demo series (dates relative to today)."""
    return load_demo(sqlite_engine, sqlite_template, demo_templates, tmp_path_factory)


def user_id(engine, username: str) -> int:
    with db.read(engine) as session:
        return session.scalar(select(User.id).where(User.username == username))


def log_in(at: AppTest, engine, user_id: int) -> str:
    """Log `at` in as this user, as the login form does: a login token in the tab's session state."""
    with db.transaction(engine) as session:
        token, _expires = accounts.issue_token(session=session, user_id=user_id, days=1)
    at.session_state[_TOKEN_KEY] = token
    return token


@pytest.fixture
def app_as(sqlite_engine, demo_db) -> Callable[..., AppTest]:
    """`app_as("aanjager", "pages/x.py")`: AppTest of that page, logged in as that demo user."""

    def open_page(username: str | None, page: str | None = None) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=30)
        if username is not None:
            log_in(at, sqlite_engine, user_id(sqlite_engine, DEMO_ACCOUNTS.get(username, username)))
        at.run()
        if page is not None:
            at.switch_page(page).run()
        return at

    return open_page


def open_tab(at: AppTest, key: str, label: str) -> AppTest:
    """Click the tab `label` of the tabs `key` (a page runs only its open tab)."""
    at.session_state[key] = label
    return at.run()


def texts(at: AppTest) -> str:
    """Everything the page shows as text, for 'the user sees X' assertions."""
    parts = [
        *(e.value for e in at.title),
        *(e.value for e in at.header),
        *(e.value for e in at.subheader),
        *(e.value for e in at.markdown),
        *(e.value for e in at.caption),
        *(e.value for e in at.text),
        *(e.value for e in at.error),
        *(e.value for e in at.warning),
        *(e.value for e in at.info),
        *(e.value for e in at.success),
    ]
    return "\n".join(str(p) for p in parts)


@dataclass(frozen=True)
class Download:
    file_name: str | None
    data: bytes


@pytest.fixture
def downloads(monkeypatch) -> Callable[[Any], Download]:
    """`downloads(button)`: the file a download button gives the user, generated as a click would.

    AppTest keeps no media files after a run, so the files are recorded as the page registers them:
    static data at its URL, a deferred (on-click) builder by its id, called here like a click."""
    static: dict[str, Download] = {}
    deferred: dict[str, tuple[str | None, Callable[[], Any]]] = {}
    add, add_deferred = MediaFileManager.add, MediaFileManager.add_deferred

    def record(self, data, mimetype, coordinates, file_name=None, is_for_static_download=False):
        url = add(self, data, mimetype, coordinates, file_name, is_for_static_download)
        static[url] = Download(file_name, data if isinstance(data, bytes) else str(data).encode())
        return url

    def record_deferred(self, make, mimetype, coordinates, file_name=None, **options):
        file_id = add_deferred(self, make, mimetype, coordinates, file_name, **options)
        deferred[file_id] = (file_name, make)
        return file_id

    monkeypatch.setattr(MediaFileManager, "add", record)
    monkeypatch.setattr(MediaFileManager, "add_deferred", record_deferred)

    def download(button: Any) -> Download:
        proto = button.proto
        if proto.deferred_file_id:
            file_name, make = deferred[proto.deferred_file_id]
            data = make()
            return Download(file_name, data.encode() if isinstance(data, str) else data)
        return static[proto.url]

    return download
