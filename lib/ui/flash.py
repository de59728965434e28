"""A message that outlives the rerun which shows the change: remember it, rerun, show it once.

`where` names the place on the screen that shows it ("" = the top of the page; the terugblik shows its
own, because the projector page has no top message).
"""

from __future__ import annotations

import streamlit as st

_KEY = "_leersessie_flash"


def remember(message: str, *, error: bool = False, where: str = "") -> None:
    """Show `message` (Markdown) at `where` on the next run; call st.rerun() after."""
    st.session_state[f"{_KEY}{where}"] = (message, error)


def take(where: str = "") -> tuple[str, bool] | None:
    """The remembered (message, is_error) for `where`, once, for a page that shows it its own way."""
    return st.session_state.pop(f"{_KEY}{where}", None)


def show(where: str = "") -> None:
    """Show the remembered message for `where`, once: a confirmation, or an error kept over a rerun."""
    remembered = st.session_state.pop(f"{_KEY}{where}", None)
    if remembered is None:
        return
    message, error = remembered
    if error:
        st.error(message, icon="🔄")
    else:
        st.success(message, icon="✅")
