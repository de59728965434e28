"""Security headers on every response, through the shipped nginx site: a Content-Security-Policy that
Streamlit works under (no CSP violation in Chromium's console on the main pages), no framing by other
sites, no referrer to elsewhere, no MIME sniffing. An outside image in user text is blocked by the CSP."""

from __future__ import annotations

import signal
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.browser.conftest import StreamlitServer, demo_database, free_port, login, settle
from tests.browser.test_two_processes import _insecure, _required, nginx_config, nginx_path

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

HEADERS = {
    "content-security-policy": "frame-ancestors 'self'",
    "x-frame-options": "SAMEORIGIN",
    "referrer-policy": "same-origin",
    "x-content-type-options": "nosniff",
}


@dataclass
class Site:
    base_url: str
    app: StreamlitServer


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, request) -> Iterator[Site]:
    nginx = nginx_path()
    if nginx is None:
        _required("no nginx: install Debian's nginx package")
    folder = tmp_path_factory.mktemp("headers")
    url = f"sqlite:///{folder / 'leersessie.db'}"
    demo_database(url)
    app = StreamlitServer(url, folder / "streamlit.log", env={"FORWARDED_ALLOW_IPS": ""})
    https_port, http_port = free_port(), free_port()
    config = nginx_config(folder, https_port=https_port, http_port=http_port, upstreams=[app.port, free_port()])
    app.start()
    log = (folder / "nginx.out").open("ab")
    process = subprocess.Popen(
        [nginx, "-e", "stderr", "-p", str(folder), "-c", str(config)], stdout=log, stderr=subprocess.STDOUT
    )
    base_url = f"https://127.0.0.1:{https_port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            urllib.request.urlopen(f"{base_url}/_stcore/health", context=_insecure(), timeout=2).read()
            break
        except OSError:
            assert process.poll() is None and time.monotonic() < deadline, (folder / "nginx.out").read_text()
            time.sleep(0.2)
    yield Site(base_url, app)
    process.send_signal(signal.SIGQUIT)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    app.stop()


def _route(site: Site) -> str:
    """A route cookie to the live process (the second upstream of the shipped site is not running here)."""
    for number in range(200):
        request = urllib.request.Request(
            f"{site.base_url}/_stcore/health", headers={"Cookie": f"leersessie_route=r{number}"}
        )
        try:
            with urllib.request.urlopen(request, context=_insecure(), timeout=5) as response:
                if response.status == 200:
                    return f"r{number}"
        except OSError:
            continue
    raise AssertionError("no route reached the app")


@pytest.mark.parametrize("path", ["/", "/_stcore/health", "/static/does-not-exist.js"])
def test_every_response_carries_the_security_headers(site, path):
    request = urllib.request.Request(f"{site.base_url}{path}", headers={"Cookie": f"leersessie_route={_route(site)}"})
    try:
        response = urllib.request.urlopen(request, context=_insecure(), timeout=5)
    except urllib.error.HTTPError as error:  # a 404 must carry them too
        response = error
    headers = {k.lower(): v for k, v in response.headers.items()}
    for name, expected in HEADERS.items():
        assert expected in headers.get(name, ""), (path, name, headers.get(name))


def test_the_main_pages_run_without_csp_violations(browser, site):
    """Login, Start, Projector and Deelnemen work under the policy: Chromium reports no violation."""
    route = _route(site)
    context = browser.new_context(ignore_https_errors=True, locale="nl-NL", timezone_id="Europe/Amsterdam")
    context.add_cookies([{"name": "leersessie_route", "value": route, "url": site.base_url, "secure": True}])
    context.set_default_timeout(20_000)
    page = context.new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    try:
        login(page, site.base_url, "aanjager")
        for path in ("", "projector", "opvolging", "dashboard", "deelnemen"):
            page.goto(f"{site.base_url}/{path}")
            settle(page)
            page.wait_for_timeout(1_000)
        # An image from elsewhere (as a hostile name would try) is refused by the policy itself.
        blocked = page.evaluate(
            """() => new Promise(done => { const img = new Image(); img.onload = () => done(false);
                img.onerror = () => done(true); img.src = 'https://evil.example/p.png'; })"""
        )
    finally:
        context.close()
    external = [v for v in violations if "evil.example" in v]
    assert blocked and external, violations
    assert [v for v in violations if "evil.example" not in v] == []
