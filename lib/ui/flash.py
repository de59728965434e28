"""A confirmation that outlives the rerun which shows the change: remember it, rerun, show it once."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from sqlalchemy.orm import Session

from lib.core import db
from lib.core.errors import DomainError

_KEY = "_leersessie_flash"


def remember(message: str) -> None:
    """Show `message` on the next run (call st.rerun() after, or use `after_rerun`)."""
    st.session_state[_KEY] = message


def after_rerun(message: str) -> None:
    remember(message)
    st.rerun()


def show() -> None:
    """Show the remembered confirmation, once."""
    message = st.session_state.pop(_KEY, None)
    if message:
        st.success(message, icon="✅")


def save(change: Callable[[Session], object], message: str) -> None:
    """Run one user action in its own transaction: a DomainError is shown in Dutch and nothing is
    stored; otherwise the page reruns to show the change, with `message` on top."""
    try:
        with db.transaction() as session:
            change(session)
    except DomainError as error:
        st.error(str(error))
        return
    after_rerun(message)
