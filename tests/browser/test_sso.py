"""Single sign-on against a real OpenID provider: oidc-provider (Node) on 127.0.0.1, its login form in Chromium.

One provider and one app server for the module; the app has an [auth] section in its secrets and the
username/password form switched off. The provider knows two people; only one of them has an account here.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator

import pytest
from sqlalchemy import update

from lib import accounts
from lib.core import db
from lib.core.config import ROOT, SECRETS_FILE_VARIABLE
from lib.models import User
from tests.browser.conftest import StreamlitServer, demo_database, free_port, settle, wait_for_http

OIDC_DIR = ROOT / "tests" / "oidc"
KNOWN_EMAIL = "annelies.vanderheijden@wijkteam.example.nl"
PEOPLE = {
    # The demo's aanjager, by her work address (her account has it, in other letter case).
    "annelies": {"email": KNOWN_EMAIL, "email_verified": True, "name": "Annelies van der Heijden"},
    "onbekend": {"email": "nieuw.iemand@wijkteam.example.nl", "email_verified": True, "name": "Nieuw Iemand"},
}
SSO_BUTTON = "Inloggen met uw organisatie-account"


def node() -> list[str] | None:
    """The command that runs Node.js (None without it or without `make oidc`)."""
    path = shutil.which("node")
    if path is None or not (OIDC_DIR / "node_modules" / "oidc-provider").is_dir():
        return None
    version = subprocess.run([path, "--version"], capture_output=True, text=True, check=True).stdout
    # Node 18 (Debian 12's own package) has WebCrypto, which the provider's JOSE library needs, only
    # behind a flag; from Node 19 on it is always there.
    major = int(version.strip().lstrip("v").split(".")[0])
    return [path, "--experimental-global-webcrypto"] if major < 19 else [path]


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[dict]:
    """oidc-provider on a free port, with one client for the app (whose port is chosen here too)."""
    executable = node()
    if executable is None:
        reason = "no Node.js or no tests/oidc/node_modules: run `make oidc` (npm ci in tests/oidc)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    folder = tmp_path_factory.mktemp("oidc")
    port, app_port = free_port(), free_port()
    settings = {
        "port": port,
        "issuer": f"http://127.0.0.1:{port}",
        "app_port": app_port,
        "client_id": "leersessie",
        "client_secret": "test-only-client-secret",
        "redirect_uri": f"http://127.0.0.1:{app_port}/oauth2callback",
    }
    log = folder / "provider.log"
    env = {
        **os.environ,
        "OIDC_PORT": str(port),
        "OIDC_ACCOUNTS": json.dumps(PEOPLE),
        "OIDC_CLIENT_ID": settings["client_id"],
        "OIDC_CLIENT_SECRET": settings["client_secret"],
        "OIDC_REDIRECT_URI": settings["redirect_uri"],
    }
    with log.open("ab") as out:
        process = subprocess.Popen(
            [*executable, "provider.mjs"], cwd=OIDC_DIR, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        wait_for_http(f"{settings['issuer']}/.well-known/openid-configuration", process, log)
        failed_before = request.session.testsfailed
        yield settings
        if request.session.testsfailed > failed_before:
            print(f"\n----- oidc-provider log -----\n{log.read_text(errors='replace')[-4000:]}")
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def sso_server(provider: dict, tmp_path_factory: pytest.TempPathFactory, request) -> Iterator[StreamlitServer]:
    """The app with single sign-on on and local accounts off, on the demo data."""
    folder = tmp_path_factory.mktemp("sso-server")
    url = f"sqlite:///{folder / 'leersessie.db'}"
    demo_database(url)
    with db.transaction(db.engine_for(url)) as session:
        session.execute(update(User).where(User.username == "aanjager").values(email=KNOWN_EMAIL.upper()))
    db.dispose_all()
    secrets = folder / "secrets.toml"
    secrets.write_text(
        'LEERSESSIE_LOCAL_LOGIN = "off"\n'
        "[auth]\n"
        f'redirect_uri = "{provider["redirect_uri"]}"\n'
        'cookie_secret = "test-only-cookie-secret-for-the-sso-browser-test"\n'
        f'client_id = "{provider["client_id"]}"\n'
        f'client_secret = "{provider["client_secret"]}"\n'
        f'server_metadata_url = "{provider["issuer"]}/.well-known/openid-configuration"\n'
        # oidc-provider knows no "select_account" (Streamlit's default prompt); ask for the login form.
        'client_kwargs = { prompt = "login" }\n'
    )
    # The app reads the file through its settings loader, as in production (Streamlit itself reads none).
    server = StreamlitServer(url, folder / "streamlit.log", env={SECRETS_FILE_VARIABLE: str(secrets)})
    server.port = provider["app_port"]
    server.base_url = f"http://127.0.0.1:{server.port}"
    server.start()
    failed_before = request.session.testsfailed
    yield server
    server.stop()
    if request.session.testsfailed > failed_before:
        print(f"\n----- streamlit log (sso) -----\n{server.log()[-8000:]}")


@pytest.fixture
def sso_page(context, provider):
    # Only the app and the provider: nothing from the internet (the provider's pages link a web font).
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/])"), lambda route: route.abort())
    return context.new_page()


def sign_in_at_the_provider(page, server: StreamlitServer, provider: dict, login: str) -> None:
    page.goto(server.base_url)
    page.get_by_role("button", name=SSO_BUTTON).click()
    page.locator("input[name=login]").fill(login)  # oidc-provider's own form
    assert page.url.startswith(provider["issuer"])
    page.locator("input[name=password]").fill("any password will do")
    page.get_by_role("button", name="Sign-in").click()
    page.wait_for_url(f"{server.base_url}/**")


def test_a_known_person_signs_in_with_the_right_role_and_logging_out_ends_both(sso_page, sso_server, provider):
    """Annelies signs in through her organisation, is the aanjager here, and after logout is out everywhere."""
    page = sso_page
    page.goto(sso_server.base_url)
    page.get_by_role("button", name=SSO_BUTTON).wait_for()
    assert page.get_by_label("Gebruikersnaam").count() == 0  # local accounts are switched off
    sign_in_at_the_provider(page, sso_server, provider, "annelies")
    page.get_by_text("Welkom,").wait_for()
    settle(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("Annelies van der Heijden").wait_for()
    sidebar.get_by_text("casuïstiekaanjager").wait_for()
    page.goto(f"{sso_server.base_url}/sessie_voorbereiden")  # an aanjager's page, after a fresh load
    page.locator('[data-testid="stMainBlockContainer"] h1').first.wait_for()
    assert page.get_by_text("Geen toegang").count() == 0
    sidebar.get_by_text("casuïstiekaanjager").wait_for()

    page.get_by_role("button", name="Uitloggen").click()
    page.get_by_role("button", name="Yes, sign me out").click()  # the provider ends its session too
    page.get_by_role("button", name=SSO_BUTTON).wait_for()
    page.goto(f"{sso_server.base_url}/sessie_voorbereiden")
    page.get_by_role("button", name=SSO_BUTTON).wait_for()
    settle(page)
    assert page.get_by_text("Welkom,").count() == 0
    assert page.get_by_text("Annelies van der Heijden").count() == 0
    assert not any(cookie["name"].startswith("_streamlit_user") for cookie in page.context.cookies())


def test_an_unknown_person_is_refused_with_a_dutch_message(sso_page, sso_server, provider):
    """Someone the organisation knows but Leersessie does not sees why, and gets no page at all."""
    page = sso_page
    sign_in_at_the_provider(page, sso_server, provider, "onbekend")
    page.get_by_text("geen account met dit e-mailadres").wait_for()
    page.get_by_text("nieuw.iemand@wijkteam.example.nl").first.wait_for()
    settle(page)
    assert page.get_by_text("Welkom,").count() == 0
    assert page.locator('[data-testid="stSidebar"]').get_by_role("link").count() == 0
    page.goto(f"{sso_server.base_url}/casussen")
    page.get_by_text("geen account met dit e-mailadres").wait_for()
    with db.read(db.engine_for(sso_server.database_url)) as session:
        assert accounts.list_users(session=session)  # the demo accounts, and no new one
        assert all(user.email != "nieuw.iemand@wijkteam.example.nl" for user in accounts.list_users(session=session))
    page.goto(sso_server.base_url)  # (the menu of pages is not there, so a page's address finds nothing)
    page.get_by_role("button", name="Uitloggen").click()
    page.get_by_role("button", name="Yes, sign me out").click()
    page.get_by_role("button", name=SSO_BUTTON).wait_for()
    assert page.get_by_text("geen account met dit e-mailadres").count() == 0


def test_the_login_page_with_single_sign_on_has_no_serious_accessibility_issue(sso_page, sso_server):
    """The organisation sign-in button reads well with a screen reader."""
    from tests.browser.test_accessibility import serious_violations

    sso_page.goto(sso_server.base_url)
    sso_page.get_by_role("button", name=SSO_BUTTON).wait_for()
    assert serious_violations(sso_page, "inloggen-sso") == []
