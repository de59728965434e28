"""Reports computed once per change of the data, not on every rerun of their page.

The key is the database, `stats.data_stamp` (a few index lookups that change with every write the
reports show), the viewer and what they chose. The viewer is part of the key, so the access check
the computation makes holds for every answer the cache gives; what the stamp cannot see (a user
renamed, texts anonymised after their retention period) is at most REPORT_TTL_SECONDS old. The same
object goes to every rerun (`st.cache_resource`: `st.cache_data` would unpickle a copy of every row).
"""

from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go
import streamlit as st

from lib.accounts import CurrentUser
from lib.core import db
from lib.insight import oogst, stats, terugkoppeling
from lib.ui.charts import PreparedFigure

REPORT_TTL_SECONDS = 300


def _stamp() -> tuple[str, tuple[int, ...]]:
    engine = db.get_engine()
    with db.read(engine) as session:
        return str(engine.url), stats.data_stamp(session=session)


def feedback(
    *, viewer: CurrentUser, organisation_id: int, start: dt.date, end: dt.date, today: dt.date
) -> terugkoppeling.Feedback:
    """terugkoppeling.feedback, once per change of the data."""
    return _feedback(*_stamp(), viewer, organisation_id, start, end, today)


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


def harvest(*, viewer: CurrentUser, series_id: int, today: dt.date) -> tuple[oogst.Harvest, go.Figure]:
    """oogst.harvest and its outcomes chart, once per change of the data."""
    return _harvest(*_stamp(), viewer, series_id, today)


@st.cache_resource(max_entries=32, ttl=REPORT_TTL_SECONDS, show_spinner=False)
def _harvest(
    url: str, stamp: tuple[int, ...], viewer: CurrentUser, series_id: int, today: dt.date
) -> tuple[oogst.Harvest, go.Figure]:
    with db.read(db.engine_for(url)) as session:
        report = oogst.harvest(session=session, series_id=series_id, actor=viewer, today=today)
    return report, PreparedFigure(oogst.outcomes_figure(report))
