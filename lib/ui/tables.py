"""Long tables a page at a time, and reports computed once per change of the data.

A table of hundreds of rows costs every rerun its whole serialisation; `paged` shows PAGE_ROWS of them
with a page number (the downloads keep every row). `cached_feedback` computes the terugkoppeling once
per change of the data (`stats.data_stamp`), per viewer, organisation and period.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import TypeVar

import streamlit as st

from lib.accounts import CurrentUser
from lib.core import db
from lib.insight import stats, terugkoppeling

PAGE_ROWS = 100
REPORT_TTL_SECONDS = 300  # what the data stamp cannot see is at most this old

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


def cached_feedback(
    *, viewer: CurrentUser, organisation_id: int, start: dt.date, end: dt.date, today: dt.date
) -> terugkoppeling.Feedback:
    """terugkoppeling.feedback, computed once per change of the data; the viewer is part of the key,
    so the access check of the computation holds for every answer it gives."""
    engine = db.get_engine()
    with db.read(engine) as session:
        stamp = stats.data_stamp(session=session)
    return _feedback(str(engine.url), stamp, viewer, organisation_id, start, end, today)


# cache_resource: the same object to every rerun (cache_data would unpickle a copy of every row each time).
@st.cache_resource(max_entries=32, ttl=REPORT_TTL_SECONDS, show_spinner=False)
def _feedback(
    url: str,
    stamp: tuple[int, ...],
    viewer: CurrentUser,
    organisation_id: int,
    start: dt.date,
    end: dt.date,
    today: dt.date,
) -> terugkoppeling.Feedback:
    with db.read(db.engine_for(url)) as session:
        return terugkoppeling.feedback(
            session=session, organisation_id=organisation_id, start=start, end=end, actor=viewer, today=today
        )
