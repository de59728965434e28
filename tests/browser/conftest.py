"""Browser fixtures: `streamlit run` on a free port against a temporary database, and Chromium.

One server per test module (it is slow to start); a fresh browser context per test. Tests skip with a
clear reason only where no Chromium exists — unless REQUIRE_BROWSER=1 (CI), where that is a failure.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from sqlalchemy.engine import make_url

from lib import demo
from lib.core import db
from lib.core.config import ROOT, SECRETS_FILE_VARIABLE

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PROJECTOR = {"width": 1920, "height": 1080}
PHONE = {"width": 390, "height": 844}
ARTIFACTS = ROOT / "test-artifacts"


def chromium_path() -> str | None:
    candidate = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    return candidate if Path(candidate).exists() else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class StreamlitServer:
    """`streamlit run app.py` in a subprocess; restartable on the same port and database."""

    def __init__(
        self, database_url: str, log_path: Path, *, args: list[str] | None = None, env: dict[str, str] | None = None
    ) -> None:
        self.database_url = database_url
        self.log_path = log_path
        self.args = args or []
        # A developer's own .streamlit/secrets.toml stays out of the tests unless a test brings one.
        self.env = {SECRETS_FILE_VARIABLE: str(log_path.parent / "no-secrets.toml"), **(env or {})}
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        env = {**os.environ, "DATABASE_URL": self.database_url, "PYTHONUNBUFFERED": "1", **self.env}
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(ROOT / "app.py"),
                "--server.port",
                str(self.port),
                "--server.headless",
                "true",
                "--server.address",
                "127.0.0.1",
                "--server.fileWatcherType",
                "none",
                "--browser.gatherUsageStats",
                "false",
                *self.args,
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited early:\n{self.log()}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/_stcore/health", timeout=1) as response:
                    if response.read() == b"ok":
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"streamlit did not become healthy:\n{self.log()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def wait_for_http(url: str, process: subprocess.Popen, log: Path, seconds: float = 30) -> None:
    """Wait until `url` answers (any status), or fail with the log of the process that should serve it."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited early:\n{log.read_text(errors='replace')}")
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer:\n{log.read_text(errors='replace')}")


# A SQLite demo database per day, kept by this test process: migrating and loading the demo once, then
# copying the file, saves every further server a few seconds of its start.
_DEMO_FILES: dict[dt.date, Path] = {}


def demo_database(url: str) -> None:
    """Migrate the database at `url` and load the demo data."""
    today = dt.date.today()
    target = make_url(url)
    sqlite = target.get_backend_name() == "sqlite" and target.database not in (None, "", ":memory:")
    if sqlite and today in _DEMO_FILES and not Path(target.database).exists():
        shutil.copy(_DEMO_FILES[today], target.database)
        return
    engine = db.engine_for(url)
    db.upgrade(engine)
    with db.transaction(engine) as session:
        demo.load(session=session, today=today)
    if sqlite:
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose_all()
    if sqlite and today not in _DEMO_FILES:
        template = Path(target.database).with_name(f"demo-template-{today.isoformat()}.db")
        shutil.copy(target.database, template)
        _DEMO_FILES[today] = template


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    path = chromium_path()
    if path is None:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("REQUIRE_BROWSER=1 but no Chromium found (install Debian's chromium or set CHROMIUM)")
        pytest.skip("no Chromium found: install Debian's 'chromium' or set CHROMIUM=/path/to/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[StreamlitServer]:
    """A running app on a fresh SQLite database with the demo data, shared by one test module."""
    folder = tmp_path_factory.mktemp("server")
    url = f"sqlite:///{folder / 'leersessie.db'}"
    demo_database(url)
    server = StreamlitServer(url, folder / "streamlit.log")
    server.start()
    failed_before = request.session.testsfailed
    yield server
    server.stop()
    if request.session.testsfailed > failed_before:
        print(f"\n----- streamlit log ({request.module.__name__}) -----\n{server.log()[-8000:]}")


@pytest.fixture
def context(browser, request: pytest.FixtureRequest) -> Iterator[object]:
    """A fresh browser context (own cookies) at projector size; a screenshot is kept on failure."""
    context = browser.new_context(viewport=PROJECTOR, locale="nl-NL", timezone_id="Europe/Amsterdam")
    context.set_default_timeout(15_000)
    yield context
    if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        for index, page in enumerate(context.pages):
            page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-{index}.png"))
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def settle(page, timeout: float = 30_000) -> None:
    """Wait until the rerun that the last action started (if any) has finished and the stale elements of
    the previous run are gone: on a busy machine a locator can otherwise grab a widget that is about to
    be replaced. A click's rerun may show up a moment after the click, so first give it a second."""
    with contextlib.suppress(PlaywrightTimeout):  # the action may start no rerun at all
        page.wait_for_function(
            """() => { const app = document.querySelector('[data-testid="stApp"]');
                       const state = app && app.getAttribute('data-test-script-state');
                       return state === 'running' || state === 'rerunRequested'; }""",
            timeout=1_000,
        )
    page.wait_for_function(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            const state = app && app.getAttribute('data-test-script-state');
            return state !== null && state !== 'running' && state !== 'rerunRequested'
                && !document.querySelector('[data-stale="true"]');
        }""",
        timeout=timeout,
    )


FINISHED = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    const state = app && app.getAttribute('data-test-script-state');
    return state !== null && state !== 'running' && state !== 'rerunRequested'
        && !document.querySelector('[data-stale="true"]');
}"""


def finished(page, timeout: float = 30_000) -> None:
    """Wait until the script's run for the page the browser just opened has finished and nothing of an
    earlier run is left: all the script's own output (headings, tabs, texts) is there."""
    page.wait_for_function(FINISHED, timeout=timeout)


RENDERED = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    const state = app && app.getAttribute('data-test-script-state');
    if (state === null || state === 'running' || state === 'rerunRequested') return false;
    if (document.querySelector('[data-stale="true"]')) return false;
    // What is on screen: an element in a tab not chosen, or below the fold, is not drawn until it is shown.
    const onScreen = e => { const r = e.getBoundingClientRect();
                            return r.width > 0 && r.height > 0 && r.top < innerHeight && r.bottom > 0; };
    const shown = selector => [...document.querySelectorAll(selector)].filter(onScreen);
    if (shown('[data-testid="stSkeleton"]').length) return false;
    const drawn = (selector, inner) => shown(selector).every(e => e.querySelector(inner));
    return drawn('[data-testid="stPlotlyChart"]', '.main-svg') && drawn('[data-testid="stDataFrame"]', 'canvas');
}"""


def rendered(page, timeout: float = 30_000) -> None:
    """Wait until the page the browser just opened is drawn: the script's run has finished, nothing of an
    earlier run is left, and every chart and table has drawn itself (they do so after the run). A
    condition, where a fixed 1.5 s per page used to be: faster when idle, and not too short when busy."""
    page.wait_for_function(RENDERED, timeout=timeout)


def login(page, base_url: str, username: str, password: str = demo.DEMO_PASSWORD) -> None:
    """Log in through the real form and wait for the home page."""
    page.goto(base_url)
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_text("Welkom,").wait_for()
    settle(page)
