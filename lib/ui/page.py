"""The one call every page starts with: the role guard (server-side) and shared styling."""

from __future__ import annotations

import logging

import streamlit as st

from lib.accounts import CurrentUser
from lib.core import db, policy
from lib.ui import login as ui_session
from lib.ui.nav import BY_KEY
from lib.ui.text import message_escape

log = logging.getLogger(__name__)

NO_ACCESS = "Geen toegang"

_CSS = """
<style>
/* Readable from the back of the room, and a visible keyboard focus everywhere. */
html { font-size: 18px; }
:focus-visible { outline: 3px solid #1a56db !important; outline-offset: 2px; }
[data-testid="stSidebarNav"] { display: none; }
/* Streamlit fades captions (opacity 0.6) to 3:1 on white; WCAG AA asks 4.5:1 for body text. */
[data-testid="stCaptionContainer"] { opacity: 1 !important; color: #555b63 !important; }
[data-testid="stElementContainer"]:has(#ls-lang) { display: none; }
</style>
"""


@st.cache_resource(show_spinner="De database wordt bijgewerkt…")
def _upgrade_once(url: str) -> None:
    db.upgrade(db.engine_for(url))


def ensure_database() -> None:
    """Upgrade the database to the newest schema once per process; a clear page if that fails."""
    from lib.core.config import get_settings

    try:
        _upgrade_once(get_settings().database_url)
    except db.DatabaseUnavailable as error:
        log.error("database unavailable: %s", error)
        st.error(message_escape(str(error)), icon="🛑")
        st.stop()


# Streamlit's page says lang="en"; the app is Dutch, and screen readers pick the voice from it (WCAG 3.1.1).
# The rule in _CSS hides the (otherwise empty) element that carries the script, so it takes no space.
_LANG = "<script id=\"ls-lang\">document.documentElement.lang = 'nl';</script>"


def style() -> None:
    st.html(_CSS + _LANG, unsafe_allow_javascript=True)


def guard(page_key: str) -> CurrentUser | None:
    """Refuse, server-side, a visitor whose role may not see this page; return the current user.

    Public pages return None for a visitor who is not logged in.
    """
    spec = BY_KEY[page_key]
    user = ui_session.current_user()
    if spec.public:
        return user
    if user is None or not policy.allows(user.role, spec.action):
        st.title(NO_ACCESS)
        st.error("U heeft geen toegang tot deze pagina. Kies een pagina in het menu.", icon="🔒")
        st.stop()
    return user


def setup(page_key: str) -> CurrentUser:
    """Guard a page that needs a logged-in user; returns that user."""
    user = guard(page_key)
    assert user is not None  # only public pages return None
    return user
