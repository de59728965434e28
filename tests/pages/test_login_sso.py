"""The login page with single sign-on configured (AppTest: secrets with [auth], st.user filled in)."""

from __future__ import annotations

import pytest
from sqlalchemy import update
from streamlit.testing.v1 import AppTest

from lib.core import db
from lib.core.config import SECRETS_FILE_VARIABLE
from lib.models import User
from tests.pages.conftest import APP, texts

AUTH = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "test-only",
    "client_id": "leersessie",
    "client_secret": "test-only",
    "server_metadata_url": "http://127.0.0.1:1/.well-known/openid-configuration",
}


@pytest.fixture
def sso_app(sqlite_engine, demo_db, monkeypatch, tmp_path):
    # The [auth] section comes from the secrets file through the settings loader, as in production.
    secrets = tmp_path / "secrets.toml"
    secrets.write_text("[auth]\n" + "".join(f'{key} = "{value}"\n' for key, value in AUTH.items()), encoding="utf-8")
    monkeypatch.setenv(SECRETS_FILE_VARIABLE, str(secrets))
    with db.transaction(sqlite_engine) as session:
        session.execute(update(User).where(User.username == "manager").values(email="m.devries@gemeente.example.nl"))

    def open_app(*, local_login: str = "on", **claims) -> AppTest:
        monkeypatch.setenv("LEERSESSIE_LOCAL_LOGIN", local_login)
        at = AppTest.from_file(APP, default_timeout=30)
        if claims:
            at.user = {"is_logged_in": True, **claims}
        return at.run()

    return open_app


def test_the_login_page_offers_the_organisation_account_and_keeps_local_login_by_default(sso_app):
    at = sso_app()
    assert not at.exception
    assert [b.label for b in at.button] == ["Inloggen met uw organisatie-account", "Inloggen"]
    assert [t.label for t in at.text_input] == ["Gebruikersnaam", "Wachtwoord"]


def test_local_login_can_be_switched_off(sso_app):
    at = sso_app(local_login="off")
    assert [b.label for b in at.button] == ["Inloggen met uw organisatie-account"]
    assert len(at.text_input) == 0


def test_a_signed_in_known_email_opens_the_app_with_its_role(sso_app):
    at = sso_app(email="M.deVries@gemeente.example.nl", email_verified=True, name="M. de Vries")
    assert not at.exception
    assert "Welkom," in texts(at)
    assert "manager" in " ".join(m.value for m in at.sidebar.markdown)


def test_an_unverified_email_is_refused_with_a_dutch_message(sso_app):
    at = sso_app(email="m.devries@gemeente.example.nl", email_verified=False)
    assert "niet als bevestigd" in " ".join(e.value for e in at.error)
    assert "Welkom," not in texts(at)
    assert [b.label for b in at.button] == ["Uitloggen"]
