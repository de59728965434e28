"""Two app processes on one PostgreSQL database behind nginx, configured by deploy/nginx/leersessie.conf.

The site file is used as shipped; only its addresses, certificate and log paths are swapped for
temporary ones (every swap must hit, so the file cannot drift from what is tested). nginx runs in the
foreground from a temporary directory. One nginx, two `streamlit run` processes (A and B) and one
database for the module; the projector is on A, the phones on B, until B is killed.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import ssl
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from lib.core import db
from lib.core.config import ROOT
from tests.browser.conftest import PHONE, PROJECTOR, StreamlitServer, demo_database, free_port, login, settle
from tests.browser.test_live import running_round, seconds_left
from tests.certificates import self_signed_certificate

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

SITE = ROOT / "deploy" / "nginx" / "leersessie.conf"
ROUTE_COOKIE = "leersessie_route"


def nginx_path() -> str | None:
    found = shutil.which("nginx") or "/usr/sbin/nginx"
    return found if Path(found).exists() else None


def _required(what: str) -> None:
    if os.environ.get("REQUIRE_NGINX") == "1":
        pytest.fail(f"REQUIRE_NGINX=1 but {what}")
    pytest.skip(what)


@pytest.fixture(scope="module")
def database_url() -> Iterator[str]:
    """A fresh PostgreSQL database with the demo data, for both processes."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        reason = "TEST_DATABASE_URL is not set: two processes need one PostgreSQL database"
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(f"REQUIRE_POSTGRES=1 but {reason}")
        pytest.skip(reason)
    checkout = hashlib.sha1(str(ROOT).encode()).hexdigest()[:6]
    name = f"leersessie_two_{checkout}_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    demo_database(url)
    yield url
    db.dispose_all()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _swap(config: str, old: str, new: str, count: int) -> str:
    found = len(re.findall(old, config, flags=re.MULTILINE))
    assert found == count, f"deploy/nginx/leersessie.conf changed: {old!r} found {found} times, expected {count}"
    return re.sub(old, new, config, flags=re.MULTILINE)


def nginx_config(folder: Path, *, https_port: int, http_port: int, upstreams: list[int]) -> Path:
    """The shipped site with test addresses, inside a minimal nginx.conf that needs no root paths."""
    cert, key = self_signed_certificate(folder)
    site = SITE.read_text()
    site = _swap(site, r"^\s*server 127\.0\.0\.1:8501 ", f"    server 127.0.0.1:{upstreams[0]} ", 1)
    site = _swap(site, r"^\s*server 127\.0\.0\.1:8502 ", f"    server 127.0.0.1:{upstreams[1]} ", 1)
    site = _swap(site, r"^\s*listen \[::\]:(80|443)( ssl)?;\n", "", 2)
    site = _swap(site, r"listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;", 1)
    site = _swap(site, r"listen 80;", f"listen 127.0.0.1:{http_port};", 1)
    site = _swap(site, r"/etc/ssl/certs/leersessie\.pem", str(cert), 1)
    site = _swap(site, r"/etc/ssl/private/leersessie\.key", str(key), 1)
    site = _swap(
        site, r"access_log /var/log/nginx/leersessie\.access\.log;", f"access_log {folder}/access.log routes;", 1
    )
    site = _swap(site, r"error_log  /var/log/nginx/leersessie\.error\.log;", f"error_log {folder}/error.log info;", 1)
    (folder / "site.conf").write_text(site)
    temp = "\n".join(
        f"    {kind}_temp_path {folder / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    main = folder / "nginx.conf"
    main.write_text(
        f"""daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log info;
{"user root;" if os.geteuid() == 0 else ""}
events {{ worker_connections 512; }}
http {{
{temp}
    # Which process served which browser: read by the test.
    log_format routes '$cookie_{ROUTE_COOKIE}|$upstream_addr|$status|$request_uri';
    include {folder}/site.conf;
}}
"""
    )
    return main


@dataclass
class Cluster:
    base_url: str
    a: StreamlitServer
    b: StreamlitServer
    nginx: subprocess.Popen
    folder: Path

    def access_log(self) -> list[list[str]]:
        path = self.folder / "access.log"
        return [line.split("|", 3) for line in path.read_text().splitlines()] if path.exists() else []

    def upstream_for(self, route: str) -> int:
        """The port of the process that nginx sends a browser with this route cookie to."""
        before = len(self.access_log())
        request = urllib.request.Request(
            f"{self.base_url}/_stcore/health", headers={"Cookie": f"{ROUTE_COOKIE}={route}"}
        )
        with urllib.request.urlopen(request, context=_insecure(), timeout=5) as response:
            assert response.read() == b"ok"
        deadline = time.monotonic() + 5
        while True:  # nginx logs just after the response; other browsers' requests may come in between
            ours = [line for line in self.access_log()[before:] if line[0] == route and "/_stcore/health" in line[3]]
            if ours:
                break
            assert time.monotonic() < deadline, "nginx wrote no access log line for this request"
            time.sleep(0.02)
        line = ours[0]
        return int(line[1].rsplit(":", 1)[1])  # (after a failed try, "first, second": the second served)

    def route_to(self, server: StreamlitServer) -> str:
        for number in range(200):
            if self.upstream_for(f"probe{number}") == server.port:
                return f"probe{number}"
        raise AssertionError("no route cookie value reaches this process")


def _insecure() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


@pytest.fixture(scope="module")
def cluster(database_url: str, tmp_path_factory: pytest.TempPathFactory, request) -> Iterator[Cluster]:
    nginx = nginx_path()
    if nginx is None:
        _required("no nginx: install Debian's nginx package")
    folder = tmp_path_factory.mktemp("two-processes")
    env = {"STREAMLIT_SERVER_COOKIE_SECRET": "test-only-shared-cookie-secret"}
    a = StreamlitServer(database_url, folder / "streamlit-a.log", env=env)
    b = StreamlitServer(database_url, folder / "streamlit-b.log", env=env)
    https_port, http_port = free_port(), free_port()
    config = nginx_config(folder, https_port=https_port, http_port=http_port, upstreams=[a.port, b.port])
    check = subprocess.run([nginx, "-t", "-e", "stderr", "-p", str(folder), "-c", str(config)], capture_output=True)
    assert check.returncode == 0, check.stderr.decode()
    a.start()
    b.start()
    log = (folder / "nginx.out").open("ab")
    process = subprocess.Popen(
        [nginx, "-e", "stderr", "-p", str(folder), "-c", str(config)], stdout=log, stderr=subprocess.STDOUT
    )
    cluster = Cluster(f"https://127.0.0.1:{https_port}", a, b, process, folder)
    deadline = time.monotonic() + 20
    while True:
        try:
            cluster.upstream_for("warm-up")
            break
        except OSError:
            assert process.poll() is None and time.monotonic() < deadline, (folder / "nginx.out").read_text()
            time.sleep(0.2)
    failed_before = request.session.testsfailed
    yield cluster
    process.send_signal(signal.SIGQUIT)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    a.stop()
    b.stop()
    if request.session.testsfailed > failed_before:
        for name in ("streamlit-a.log", "streamlit-b.log", "nginx.out", "error.log"):
            path = folder / name
            if path.exists():
                print(f"\n----- {name} -----\n{path.read_text(errors='replace')[-4000:]}")


def test_nginx_keeps_each_browser_on_one_process_by_cookie(cluster):
    """A new browser gets a route cookie; with it every request reaches the same process, without it they spread."""
    with urllib.request.urlopen(f"{cluster.base_url}/", context=_insecure(), timeout=5) as response:
        cookies = [v for k, v in response.headers.items() if k.lower() == "set-cookie"]
    cookie = next(c for c in cookies if c.startswith(f"{ROUTE_COOKIE}="))
    route = cookie.split(";")[0].split("=", 1)[1]
    assert "HttpOnly" in cookie and "Secure" in cookie
    assert len({cluster.upstream_for(route) for _ in range(10)}) == 1
    assert {cluster.upstream_for(f"browser{n}") for n in range(20)} == {cluster.a.port, cluster.b.port}
    # A browser that has the cookie is not given a new one.
    request = urllib.request.Request(f"{cluster.base_url}/", headers={"Cookie": f"{ROUTE_COOKIE}={route}"})
    with urllib.request.urlopen(request, context=_insecure(), timeout=5) as response:
        assert not any(k.lower() == "set-cookie" for k in response.headers)


def browser_context(browser, cluster: Cluster, route: str, **options):
    context = browser.new_context(ignore_https_errors=True, locale="nl-NL", timezone_id="Europe/Amsterdam", **options)
    context.set_default_timeout(20_000)
    context.add_cookies([{"name": ROUTE_COOKIE, "value": route, "url": cluster.base_url, "secure": True}])
    return context


class Sockets:
    """The websockets a page opens (Streamlit's /_stcore/stream), to see it reconnect."""

    def __init__(self, page) -> None:
        self.page = page
        self.seen: list[dict] = []
        page.on("websocket", self._opened)

    def _opened(self, socket) -> None:
        entry = {"socket": socket, "frames": 0}
        socket.on("framereceived", lambda _frame: entry.__setitem__("frames", entry["frames"] + 1))
        self.seen.append(entry)

    def mark(self) -> int:
        return len(self.seen)

    def wait_for_new_connection(self, since: int, timeout: float = 45) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(not e["socket"].is_closed() and e["frames"] > 0 for e in self.seen[since:]):
                settle(self.page)
                return
            self.page.wait_for_timeout(200)
        raise AssertionError("the page did not reconnect")


def open_projector(browser, cluster, route, session_id):
    context = browser_context(browser, cluster, route, viewport=PROJECTOR)
    page = context.new_page()
    sockets = Sockets(page)
    login(page, cluster.base_url, "aanjager")
    page.goto(f"{cluster.base_url}/projector?sessie={session_id}")
    page.get_by_role("status").filter(has_text="Ronde 1 van 3").wait_for()
    page.frame_locator("iframe").first.locator("#time").wait_for()
    return context, page, sockets


def open_phone(browser, cluster, route, code, group):
    context = browser_context(browser, cluster, route, viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    sockets = Sockets(page)
    page.goto(f"{cluster.base_url}/deelnemen?code={code}&groep={group}")
    page.get_by_text("Ronde 1: het systeem").wait_for()
    settle(page)
    return context, page, sockets


def contribute(phone, group: int, words: str) -> None:
    phone.get_by_label(f"Inbreng van Groep {group}").fill(words)
    phone.get_by_role("button", name="Toevoegen").click()
    phone.get_by_text("Toegevoegd: het staat nu op het scherm.").wait_for()


def on_the_board_within(screen, words: str, seconds: float) -> float:
    start = time.monotonic()
    screen.locator(".ls-board").get_by_text(words).wait_for(timeout=seconds * 1000)
    return time.monotonic() - start


def same_time(first, second) -> None:
    before, other, after = seconds_left(first), seconds_left(second), seconds_left(first)
    assert after - 1 <= other <= before + 1, (before, other, after)


def test_phones_on_one_process_reach_the_projector_on_the_other_and_survive_its_death(browser, cluster):
    """What phones type on process B is on the projector (process A) within 3 s; after B is killed the
    phones and B's screen reconnect through nginx to A, find their session, and nothing is lost."""
    view = running_round(cluster.a, 1)
    route_a, route_b = cluster.route_to(cluster.a), cluster.route_to(cluster.b)
    contexts = []
    try:
        screen_context, screen, _ = open_projector(browser, cluster, route_a, view.id)
        other_context, other_screen, other_sockets = open_projector(browser, cluster, route_b, view.id)
        contexts += [screen_context, other_context]
        phones = []
        for group in (1, 2):
            context, phone, sockets = open_phone(browser, cluster, route_b, view.join_code, group)
            contexts.append(context)
            phones.append((phone, sockets))
        # Everyone's requests went where their cookie says.
        served = {(line[0], line[1]) for line in cluster.access_log() if line[0] in (route_a, route_b)}
        assert {port for route, port in served if route == route_a} == {f"127.0.0.1:{cluster.a.port}"}
        assert {port for route, port in served if route == route_b} == {f"127.0.0.1:{cluster.b.port}"}

        # Both processes show the same phase and the same time.
        for page in (screen, other_screen):
            page.get_by_role("status").filter(has_text="Ronde 1 van 3").wait_for()
        screen.wait_for_timeout(1200)  # both clocks tick on their own at least once
        same_time(screen, other_screen)
        for phone, _ in phones:  # and so do the phones, whichever process serves them
            phone.get_by_text(re.compile(r"Ronde 1\b")).first.wait_for()

        for group, (phone, _) in enumerate(phones, start=1):
            contribute(phone, group, f"Voor de storing, groep {group}")
            assert on_the_board_within(screen, f"Voor de storing, groep {group}", 3) <= 3.0

        # Process B dies mid-round.
        marks = [sockets.mark() for _, sockets in phones] + [other_sockets.mark()]
        cluster.b.process.kill()
        cluster.b.process.wait(timeout=10)
        for (_phone, sockets), mark in zip(phones, marks, strict=False):
            sockets.wait_for_new_connection(mark)
        other_sockets.wait_for_new_connection(marks[-1])

        for group, (phone, _) in enumerate(phones, start=1):
            # The phone is back in its session and group, with what it typed before.
            phone.get_by_text(re.compile(r"Ronde 1\b")).first.wait_for()
            phone.get_by_text(f"Voor de storing, groep {group}").first.wait_for()
            phone.get_by_label(f"Inbreng van Groep {group}").wait_for()
            contribute(phone, group, f"Na de storing, groep {group}")
            assert on_the_board_within(screen, f"Na de storing, groep {group}", 3) <= 3.0
        board = screen.locator(".ls-board")
        for group in (1, 2):
            for when in ("Voor", "Na"):
                assert board.get_by_text(f"{when} de storing, groep {group}").count() == 1
        other_screen.get_by_role("status").filter(has_text="Ronde 1 van 3").wait_for()
        other_screen.locator(".ls-board").get_by_text("Na de storing, groep 2").wait_for(timeout=5_000)
        other_screen.frame_locator("iframe").first.locator("#time").wait_for()
        screen.wait_for_timeout(1200)
        same_time(screen, other_screen)
        # Everything after the death went to A.
        after = [line for line in cluster.access_log() if line[0] == route_b and line[2] == "200"]
        assert after and after[-1][1].endswith(f":{cluster.a.port}")
    finally:
        for context in contexts:
            context.close()
