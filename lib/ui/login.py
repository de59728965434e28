"""Who is logged in: the login form, the login token checked on every run, logout, new passwords.

Every login is a token (lib/accounts.py): the tab keeps it in its session state and every run checks
it against the database (one indexed query), so a login that ends — "Uitloggen" in another tab of the
browser, a password reset or a deactivation by the beheerder — ends in this tab at its next action.
With "Ingelogd blijven" the browser also keeps the token in the cookie `leersessie_login` (set by a
tiny script, read back through st.context.cookies on the next connection), so its other tabs and a
refresh share that one login. See README "Inloggen en beveiliging" for the trade-off.

A password the beheerder chose must be changed first: every page's guard then shows `new_password_ui`.

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
from lib.ui import client, flash
from lib.ui.text import message_escape

log = logging.getLogger(__name__)

COOKIE = "leersessie_login"
_TOKEN_KEY = "_leersessie_token"  # this tab's login; nothing else in the session state says who is in
_ENDED_KEY = "_leersessie_login_ended"
_COOKIE_SCRIPT_KEY = "_leersessie_cookie_script"
_SSO_REFUSED_KEY = "_leersessie_sso_refused"

ENDED = (
    "U bent uitgelogd: in een ander venster, of omdat uw wachtwoord of account is gewijzigd. "
    "Log opnieuw in om verder te gaan."
)


def read_cookie(name: str) -> str | None:
    """A cookie the browser sent when it connected (None where there is no context, as in AppTest)."""
    try:
        value = st.context.cookies.get(name)
    except Exception:  # AppTest and some proxies give no context
        return None
    return value if isinstance(value, str) else None


def cookie_script(name: str, value: str, max_age: int | None) -> str:
    """A script that sets a first-party cookie (Secure on https), for st.html(unsafe_allow_javascript).

    Without `max_age` the cookie lasts until the browser closes."""
    cookie = f"{name}={value}; path=/; SameSite=Strict" + (f"; max-age={max_age}" if max_age is not None else "")
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
    """The account for the organisation's sign-in, logged in in this tab; its login is shared with the
    browser's other tabs through the cookie, so "Uitloggen" in one of them ends them all."""
    settings = get_settings()
    cookie = _cookie_token()
    try:
        with db.transaction() as session:
            user = accounts.user_for_sso(session=session, claims=claims, new_users=settings.sso_new_users)
            shared = accounts.user_for_token(session=session, token=cookie)
            if shared is not None and shared.id == user.id:
                token = cookie
            else:
                token, _expires = accounts.issue_token(session=session, user_id=user.id, days=settings.login_days)
                st.session_state[_COOKIE_SCRIPT_KEY] = cookie_script(COOKIE, token, None)
    except DomainError as error:
        st.session_state[_SSO_REFUSED_KEY] = str(error)
        return None
    st.session_state.pop(_SSO_REFUSED_KEY, None)
    st.session_state[_TOKEN_KEY] = token
    return user


def _end_here() -> None:
    """This tab's login ended elsewhere: forget it, and say so on the login page."""
    st.session_state.pop(_TOKEN_KEY, None)
    st.session_state[_ENDED_KEY] = True
    # The cookie is left alone: it may already hold a newer login of another tab.


def current_user() -> CurrentUser | None:
    """The logged-in user, checked against the database on every run: a login that ended (logout in
    another tab, a password reset, a deactivation) is gone here too."""
    token = st.session_state.get(_TOKEN_KEY)
    if token is not None:
        with db.read() as session:
            user = accounts.user_for_token(session=session, token=token)
        if user is None:
            _end_here()
        return user
    if st.session_state.get(_ENDED_KEY):
        return None  # log in again on purpose; the organisation's sign-in of this tab is not reused
    if (claims := _sso_claims()) is not None:
        return _sso_user(claims)
    if not local_login_allowed():
        return None
    cookie = _cookie_token()
    with db.read() as session:
        user = accounts.user_for_token(session=session, token=cookie)
    if user is not None:
        st.session_state[_TOKEN_KEY] = cookie
    return user


def login_lost() -> bool:
    """Whether this tab was logged in and that login has ended since (one query; for fragment reruns,
    which do not pass app.py's check)."""
    token = st.session_state.get(_TOKEN_KEY)
    if token is None:
        return False
    with db.read() as session:
        if accounts.user_for_token(session=session, token=token) is not None:
            return False
    _end_here()
    return True


def log_in_as(user: CurrentUser, *, remember: bool) -> None:
    """Log `user` in in this tab; with `remember` also in a cookie, for refreshes and other tabs."""
    settings = get_settings()
    with db.transaction() as session:
        token, _expires = accounts.issue_token(session=session, user_id=user.id, days=settings.login_days)
    st.session_state[_TOKEN_KEY] = token
    st.session_state.pop(_ENDED_KEY, None)
    if remember:
        st.session_state[_COOKIE_SCRIPT_KEY] = cookie_script(COOKIE, token, settings.login_days * 86400)


def log_out() -> None:
    """End this browser's login (the token is deleted: its other tabs end at their next action) and, if
    signed in through the organisation, the provider's session too: st.logout sends the browser to the
    provider's logout and back."""
    token = st.session_state.get(_TOKEN_KEY) or _cookie_token()
    with db.transaction() as session:
        user = accounts.user_for_token(session=session, token=token)
        accounts.revoke_token(session=session, token=token)
        if user is not None:
            audit.record(session=session, event="logout", user_id=user.id, entity="user", entity_id=user.id)
    for key in (_TOKEN_KEY, _SSO_REFUSED_KEY, _ENDED_KEY):
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
    if st.session_state.get(_ENDED_KEY):
        st.warning(ENDED, icon="🔒")
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


def password_form(user: CurrentUser, *, key: str) -> None:
    """Change the own password: the current one, the new one twice. Other logins of the user end."""
    with st.form(key, clear_on_submit=True, enter_to_submit=False):
        current = st.text_input("Huidig wachtwoord", type="password", key=f"{key}_current", max_chars=200)
        new = st.text_input(
            f"Nieuw wachtwoord (minstens {accounts.MIN_PASSWORD_LENGTH} tekens)",
            type="password",
            key=f"{key}_new",
            max_chars=200,
        )
        repeated = st.text_input("Nieuw wachtwoord nog een keer", type="password", key=f"{key}_repeat", max_chars=200)
        submitted = st.form_submit_button("Wachtwoord wijzigen", type="primary")
    if not submitted:
        return
    try:
        with db.transaction() as session:
            changed = accounts.change_own_password(
                session=session,
                user=user,
                current_password=current,
                new_password=new,
                repeated=repeated,
                keep_token=st.session_state.get(_TOKEN_KEY),
            )
    except DomainError as error:
        st.error(str(error))
        return
    if not changed:
        st.error(accounts.WRONG_CURRENT_PASSWORD)
        return
    flash.remember("Uw wachtwoord is gewijzigd. Andere apparaten waarop u was ingelogd, zijn uitgelogd.")
    st.rerun()


def new_password_ui(user: CurrentUser) -> None:
    """What every page shows a user whose password the beheerder set: choose your own first."""
    st.title("Kies een nieuw wachtwoord")
    st.info(
        "De beheerder heeft uw wachtwoord ingesteld. Kies nu een eigen wachtwoord dat alleen u kent; "
        "daarna kunt u verder.",
        icon="🔑",
    )
    password_form(user, key="forced_password")
