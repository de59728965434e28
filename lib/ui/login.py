"""Who is logged in: the login form, the login cookie that survives a refresh, and logout.

The browser keeps an opaque random token in the cookie `leersessie_login` (set by a tiny script,
read back by the server through st.context.cookies on the next connection). The server stores only
its SHA-256 with an expiry; logout deletes it. See README "Inloggen en beveiliging" for the trade-off.

With an [auth] section in .streamlit/secrets.toml, people can also sign in through their organisation
(OpenID Connect, Streamlit's st.login); lib.accounts.user_for_sso decides which account that is.
Logging out ends both: the local login here and the provider's session (st.logout).
"""

from __future__ import annotations

import json
import logging

import streamlit as st

from lib import accounts
from lib.accounts import CurrentUser
from lib.core import audit, config, db
from lib.core.config import get_settings
from lib.core.errors import DomainError
from lib.ui import client
from lib.ui.text import message_escape

log = logging.getLogger(__name__)

COOKIE = "leersessie_login"
_USER_KEY = "_leersessie_user_id"
_TOKEN_KEY = "_leersessie_token"
_COOKIE_SCRIPT_KEY = "_leersessie_cookie_script"
_SSO_REFUSED_KEY = "_leersessie_sso_refused"


def read_cookie(name: str) -> str | None:
    """A cookie the browser sent when it connected (None where there is no context, as in AppTest)."""
    try:
        value = st.context.cookies.get(name)
    except Exception:  # AppTest and some proxies give no context
        return None
    return value if isinstance(value, str) else None


def cookie_script(name: str, value: str, max_age: int) -> str:
    """A script that sets a first-party cookie (Secure on https), for st.html(unsafe_allow_javascript)."""
    cookie = f"{name}={value}; path=/; max-age={max_age}; SameSite=Strict"
    return (
        "<script>(function(){var c=" + json.dumps(cookie) + ";"
        "if (location.protocol === 'https:') { c += '; Secure'; }"
        "document.cookie = c;})();</script>"
    )


def _cookie_token() -> str | None:
    return read_cookie(COOKIE)


def sso_configured() -> bool:
    """Whether single sign-on is set up: an [auth] section in .streamlit/secrets.toml.

    Streamlit does not read that file itself (.streamlit/config.toml: it would copy the file's
    root-level settings over the environment); the settings loader reads it, and hands Streamlit
    the [auth] section only, which st.login needs and which is never copied into the environment.
    """
    section = config.secrets_section("auth")
    if not section:
        return False
    st.secrets.merge_programmatic_secrets({"auth": section})
    return True


def local_login_allowed() -> bool:
    """The username/password form: always without single sign-on, optional with it."""
    return get_settings().local_login or not sso_configured()


def _sso_claims() -> dict | None:
    """The claims of the organisation account this browser signed in with (None if it did not)."""
    if not sso_configured():
        return None
    try:
        if not st.user.is_logged_in:
            return None
        return dict(st.user.to_dict())
    except Exception:  # AppTest without a user, or Authlib missing
        return None


def _sso_user(claims: dict) -> CurrentUser | None:
    new_users = get_settings().sso_new_users
    try:
        with db.transaction() as session:
            user = accounts.user_for_sso(session=session, claims=claims, new_users=new_users)
    except DomainError as error:
        st.session_state[_SSO_REFUSED_KEY] = str(error)
        return None
    st.session_state.pop(_SSO_REFUSED_KEY, None)
    return user


def current_user() -> CurrentUser | None:
    """The logged-in user, read fresh from the database each run (deactivation applies at once)."""
    user_id = st.session_state.get(_USER_KEY)
    if user_id is None and (claims := _sso_claims()) is not None:
        user = _sso_user(claims)
        if user is not None:
            st.session_state[_USER_KEY] = user.id
        return user
    with db.read() as session:
        if user_id is not None:
            user = accounts.get_user(session=session, user_id=user_id)
            if user is None:
                st.session_state.pop(_USER_KEY, None)
            return user
        if not local_login_allowed():
            return None
        token = _cookie_token()
        user = accounts.user_for_token(session=session, token=token)
    if user is not None:
        st.session_state[_USER_KEY] = user.id
        st.session_state[_TOKEN_KEY] = token
    return user


def log_in_as(user: CurrentUser, *, remember: bool) -> None:
    """Mark `user` logged in for this browser tab, and (remember) in a cookie for refreshes."""
    st.session_state[_USER_KEY] = user.id
    if remember:
        settings = get_settings()
        with db.transaction() as session:
            token, _expires = accounts.issue_token(session=session, user_id=user.id, days=settings.login_days)
        st.session_state[_TOKEN_KEY] = token
        st.session_state[_COOKIE_SCRIPT_KEY] = cookie_script(COOKIE, token, settings.login_days * 86400)


def log_out() -> None:
    """End the local login (token revoked on the server) and, if signed in through the organisation,
    the provider's session too: st.logout sends the browser to the provider's logout and back."""
    token = st.session_state.get(_TOKEN_KEY) or _cookie_token()
    with db.transaction() as session:
        accounts.revoke_token(session=session, token=token)
        audit.record(session=session, event="logout", user_id=st.session_state.get(_USER_KEY))
    for key in (_USER_KEY, _TOKEN_KEY, _SSO_REFUSED_KEY):
        st.session_state.pop(key, None)
    st.session_state[_COOKIE_SCRIPT_KEY] = cookie_script(COOKIE, "", 0)
    if _sso_claims() is not None:
        st.logout()
        st.stop()


def flush_cookie() -> None:
    """Send a pending cookie change to the browser (called by app.py on every run)."""
    script = st.session_state.pop(_COOKIE_SCRIPT_KEY, None)
    if script:
        st.html(script, unsafe_allow_javascript=True)


def login_page() -> None:
    """The login screen: the organisation's sign-in (if set up), username and password (unless switched
    off), one message for every failure."""
    st.title("Leersessie")
    refused = st.session_state.get(_SSO_REFUSED_KEY)
    if refused and _sso_claims() is not None:
        st.error(message_escape(refused), icon="🚫")
        if st.button("Uitloggen", key="sso_logout", type="primary"):
            log_out()
        return
    st.write("Log in om casussen, leersessies en vervolgacties te zien.")
    if sso_configured():
        if st.button("Inloggen met uw organisatie-account", key="sso_login", type="primary"):
            st.login()
        if not local_login_allowed():
            return
        st.caption("Of log in met een gebruikersnaam en wachtwoord van Leersessie:")
    with st.form("login", enter_to_submit=True):
        username = st.text_input("Gebruikersnaam", key="login_username", max_chars=60)
        password = st.text_input("Wachtwoord", type="password", key="login_password", max_chars=200)
        remember = st.checkbox("Ingelogd blijven op dit apparaat", value=True, key="login_remember")
        submitted = st.form_submit_button("Inloggen", type="primary")
    if not submitted:
        return
    try:
        with db.transaction() as session:
            user = accounts.authenticate(
                session=session, username=username, password=password, address=client.address()
            )
    except DomainError as error:
        st.error(message_escape(str(error)))
        return
    if user is None:
        st.error(accounts.LOGIN_FAILED)
        return
    log_in_as(user, remember=remember)
    st.rerun()
