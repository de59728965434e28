"""Tabs and expanders whose content runs only when open: a closed one reads nothing from the database
and sends nothing to the browser (Streamlit's `on_change` state tracking and `.open`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Literal

import streamlit as st


def tabs(drawn: dict[str, Callable[[], None]], *, key: str) -> None:
    """One tab per label of `drawn`; the open one (kept over reruns under `key`) runs its function."""
    for tab, draw in zip(st.tabs(list(drawn), key=key, on_change="rerun"), drawn.values(), strict=True):
        with tab:
            if tab.open:
                draw()


@contextmanager
def expander(
    label: str, *, key: str, on_change: Callable[..., None] | Literal["rerun"] = "rerun", args: tuple[Any, ...] = ()
) -> Iterator[bool]:
    """An expander and whether it is open: run its content only then.

    Streamlit ties an expander to its label too: when the label changes (a case's status, changed by
    somebody else), an open one stays open, so a click inside it still gets its answer."""
    remembered = f"{key}_open"
    opened = st.expander(
        label, key=key, expanded=st.session_state.get(remembered, False), on_change=on_change, args=args
    )
    st.session_state[remembered] = opened.open
    with opened:
        yield bool(opened.open)
