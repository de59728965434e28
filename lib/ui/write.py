"""Writing from a page: one change in one transaction, and what the user sees afterwards.

    seen = write.seen_version(f"case_{case.id}", case.version)  # when drawing
    if st.button("Teruggeven", key=...):
        write.change(lambda s: selection.return_case(session=s, ..., expected_version=seen),
                     "De casus is teruggelegd bij de indiener.")

- Done: the page reruns, so everything on it shows what is stored now, with the confirmation on top.
- Refused by a rule (DomainError): nothing is stored; the Dutch message shows where the user clicked,
  and what they typed stays.
- Somebody else changed it since this screen was drawn (Conflict): nothing is stored; the page reruns
  to show the current state, with the Dutch message on top.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import streamlit as st
from sqlalchemy.orm import Session

from lib.core import db
from lib.core.errors import Conflict, DomainError
from lib.ui import flash, login
from lib.ui.text import message_escape

T = TypeVar("T")
_SEEN = "_leersessie_seen_"
_HELD = "_leersessie_held_"


def seen_version(key: str, version: int, *, inputs: str | None = None) -> int:
    """The version the user saw when they clicked, kept under `key` when the screen was drawn.

    Call it once per run wherever the thing is drawn, before its buttons, with the version this run
    draws. A click reruns the page, which reads the database again: the version of *that* run would
    hide a change somebody made between drawing and clicking, so the previous run's is returned.

    A form whose inputs start from the stored values keeps what the user typed over reruns, so it
    keeps the version those values came from: pass `inputs`, the key of one of its fields. The version
    is held while that field lives, until the user's next change is saved or refused as stale (after
    which the screen is drawn again from what is stored).
    """
    if inputs is not None:
        held = _HELD + key
        if inputs not in st.session_state or held not in st.session_state:
            st.session_state[held] = version
        return st.session_state[held]
    state_key = _SEEN + key
    shown = st.session_state.get(state_key, version)
    st.session_state[state_key] = version
    return shown


def change(
    do: Callable[[Session], T],
    done: str | Callable[[T], str],
    *,
    after: Callable[[T], None] | None = None,
    where: str = "",
) -> None:
    """Run `do` in one transaction; see the module docstring for what the user sees.

    `done` is the confirmation (Markdown; escape user text in it), or makes it from `do`'s result.
    `after(result)` runs on success before the rerun (clear a form, move on to the next item).
    `where` is the flash place that shows the confirmation and a conflict ("" = top of the page).

    A click inside a fragment reruns only the fragment, past app.py's login check: so the login is
    checked here too, and a login that ended meanwhile changes nothing and shows the login page.
    """
    if login.login_lost():
        st.rerun(scope="app")
    try:
        with db.transaction() as session:
            result = do(session)
    except Conflict as error:
        _let_go()
        flash.remember(message_escape(str(error)), error=True, where=where)
        st.rerun()
    except DomainError as error:
        st.error(message_escape(str(error)))
        return
    _let_go()
    if after is not None:
        after(result)
    flash.remember(done(result) if callable(done) else done, where=where)
    st.rerun()


def _let_go() -> None:
    """Forms take the version they are drawn with next: what the user sees after this change."""
    for key in [k for k in st.session_state if str(k).startswith(_HELD)]:
        del st.session_state[key]
