"""Long tables a page at a time: a table of hundreds of rows costs every rerun its whole serialisation;
`paged` shows PAGE_ROWS of them with a page number (the downloads keep every row)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TypeVar

import streamlit as st

PAGE_ROWS = 100

Row = TypeVar("Row")


def paged(rows: Sequence[Row], key: str, noun: str, size: int = PAGE_ROWS) -> Sequence[Row]:
    """The rows of the page the user chose; with more than `size` rows, a page number under a line
    that says which rows are shown ('1–100 van 824 vervolgacties')."""
    pages = max(1, math.ceil(len(rows) / size))
    if pages == 1:
        return rows
    number = int(st.session_state.get(key, 1))
    number = min(max(number, 1), pages)
    first = (number - 1) * size
    shown = rows[first : first + size]
    st.caption(f"{first + 1}–{first + len(shown)} van {len(rows)} {noun}; de download bevat ze allemaal.")
    st.number_input(f"Pagina (van {pages})", min_value=1, max_value=pages, step=1, key=key)
    return shown
