"""Who is logged in: the login form, the login cookie that survives a refresh, and logout.

The browser keeps an opaque random token in the cookie `leersessie_login` (set by a tiny script,
read back by the server through st.context.cookies on the next connection). The server stores only
its SHA-256 with an expiry; logout deletes it. See README "Inloggen en beveiliging" for the trade-off.
"""

from __future__ import annotations

import json
import logging

import streamlit as st

from lib import accounts
from lib.accounts import CurrentUser
from lib.core import db
from lib.core.config import get_settings
from lib.core.errors import DomainError

log = logging.getLogger(__name__)

COOKIE = "leersessie_login"
_USER_KEY = "_leersessie_user_id"
_TOKEN_KEY = "_leersessie_token"
_COOKIE_SCRIPT_KEY = "_leersessie_cookie_script"


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


def current_user() -> CurrentUser | None:
    """The logged-in user, read fresh from the database each run (deactivation applies at once)."""
    user_id = st.session_state.get(_USER_KEY)
    with db.read() as session:
        if user_id is not None:
            user = accounts.get_user(session=session, user_id=user_id)
            if user is None:
                st.session_state.pop(_USER_KEY, None)
            return user
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
    token = st.session_state.get(_TOKEN_KEY) or _cookie_token()
    with db.transaction() as session:
        accounts.revoke_token(session=session, token=token)
    for key in (_USER_KEY, _TOKEN_KEY):
        st.session_state.pop(key, None)
    st.session_state[_COOKIE_SCRIPT_KEY] = cookie_script(COOKIE, "", 0)


def flush_cookie() -> None:
    """Send a pending cookie change to the browser (called by app.py on every run)."""
    script = st.session_state.pop(_COOKIE_SCRIPT_KEY, None)
    if script:
        st.html(script, unsafe_allow_javascript=True)


def login_page() -> None:
    """The login screen: username, password, one message for every failure."""
    st.title("Leersessie")
    st.write("Log in om casussen, leersessies en vervolgacties te zien.")
    with st.form("login", enter_to_submit=True):
        username = st.text_input("Gebruikersnaam", key="login_username", max_chars=60)
        password = st.text_input("Wachtwoord", type="password", key="login_password", max_chars=200)
        remember = st.checkbox("Ingelogd blijven op dit apparaat", value=True, key="login_remember")
        submitted = st.form_submit_button("Inloggen", type="primary")
    if not submitted:
        return
    try:
        with db.transaction() as session:
            user = accounts.authenticate(session=session, username=username, password=password)
    except DomainError as error:
        st.error(str(error))
        return
    if user is None:
        st.error(accounts.LOGIN_FAILED)
        return
    log_in_as(user, remember=remember)
    st.rerun()
