"""The one call every page starts with: the role guard (server-side) and shared styling."""

from __future__ import annotations

import json
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
/* Headings in order (h1 page, h2 section, h3 item): sections need not shout at Streamlit's h2 size. */
[data-testid="stHeading"] h2, [data-testid="stMarkdownContainer"] h2 { font-size: 1.75rem; }
[data-testid="stHeading"] h3, [data-testid="stMarkdownContainer"] h3 { font-size: 1.4rem; }
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
# Streamlit's own English that the app cannot set (input hints, "Page not found", the skip link) is
# replaced in the page by the same script, also when Streamlit draws it later (a MutationObserver).
DUTCH = {
    "Press Enter to apply": "Druk op Enter om toe te passen",
    "Press Enter to submit form": "Druk op Enter om te versturen",
    "Press Ctrl+Enter to apply": "Druk op Ctrl+Enter om toe te passen",
    "Press Ctrl+Enter to submit form": "Druk op Ctrl+Enter om te versturen",
    "Press ⌘+Enter to apply": "Druk op ⌘+Enter om toe te passen",
    "Press ⌘+Enter to submit form": "Druk op ⌘+Enter om te versturen",
    "Page not found": "Pagina niet gevonden",
    "The page that you have requested does not seem to exist. Running the app's main page.": (
        "De pagina die u opvroeg bestaat niet (of u heeft er geen toegang toe). U ziet nu de startpagina."
    ),
    "Skip to main content": "Naar de inhoud",
}
_LANG = (
    '<script id="ls-lang">(() => {'
    "document.documentElement.lang = 'nl';"
    "if (window.lsDutch) return;"
    f"const words = {json.dumps(DUTCH, ensure_ascii=False)};"
    "const swap = (root) => {"
    "  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);"
    "  for (let node = walker.nextNode(); node; node = walker.nextNode()) {"
    "    const dutch = words[node.nodeValue.trim()];"
    "    if (dutch) node.nodeValue = dutch;"
    "  }"
    "};"
    "window.lsDutch = new MutationObserver((changes) => {"
    "  for (const change of changes) {"
    "    if (change.type === 'characterData') swap(change.target.parentNode || document.body);"
    "    for (const node of change.addedNodes) swap(node.nodeType === 3 ? node.parentNode : node);"
    "  }"
    "});"
    "window.lsDutch.observe(document.body, {childList: true, subtree: true, characterData: true});"
    "swap(document.body);"
    "})();</script>"
)


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
    if user is not None and user.must_change_password:
        ui_session.new_password_ui(user)  # a password the beheerder chose: the user's own one first
        st.stop()
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
