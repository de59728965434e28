"""Reports computed once per change of the data, not on every rerun of their page.

The key is the database, `stats.data_stamp` (a few index lookups that change with every write the
reports show: `stamp()`), the viewer and what they chose. The viewer is part of the key, so the access
check the computation makes holds for every answer the cache gives; what the stamp cannot see (a user
renamed, texts anonymised after their retention period) is at most TTL_SECONDS old. The same object
goes to every rerun (`st.cache_resource`: `st.cache_data` would unpickle a copy of every row), and a
figure in it is a PreparedFigure. The dashboard (lib/ui/charts.py) is cached the same way.
"""

from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go
import streamlit as st

from lib.accounts import CurrentUser
from lib.core import db
from lib.insight import oogst, stats, terugkoppeling

TTL_SECONDS = 300  # what the data stamp cannot see is at most this old


class PreparedFigure(go.Figure):
    """A finished figure whose plain form is computed once: st.plotly_chart calls `to_dict()` on every
    run, and on a figure of a few hundred points that deep copy and array encoding cost more than the
    rest of the page. Shared read-only: nothing changes a figure after it is built."""

    def __init__(self, built: go.Figure) -> None:
        super().__init__(built)
        self._plain = built.to_dict()

    def to_dict(self) -> dict:
        return self._plain


def stamp() -> tuple[str, tuple[int, ...]]:
    """The database's URL and its data stamp: the first two parts of every key here."""
    engine = db.get_engine()
    with db.read(engine) as session:
        return str(engine.url), stats.data_stamp(session=session)


def feedback(
    *, viewer: CurrentUser, organisation_id: int, start: dt.date, end: dt.date, today: dt.date
) -> terugkoppeling.Feedback:
    """terugkoppeling.feedback, once per change of the data."""
    return _feedback(*stamp(), viewer, organisation_id, start, end, today)


@st.cache_resource(max_entries=32, ttl=TTL_SECONDS, show_spinner=False)
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
    return _harvest(*stamp(), viewer, series_id, today)


@st.cache_resource(max_entries=32, ttl=TTL_SECONDS, show_spinner=False)
def _harvest(
    url: str, stamp: tuple[int, ...], viewer: CurrentUser, series_id: int, today: dt.date
) -> tuple[oogst.Harvest, go.Figure]:
    with db.read(db.engine_for(url)) as session:
        report = oogst.harvest(session=session, series_id=series_id, actor=viewer, today=today)
    return report, PreparedFigure(oogst.outcomes_figure(report))
