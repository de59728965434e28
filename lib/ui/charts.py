"""Plotly figures of the dashboard, built from the small frames of lib/stats, readable on a projector:
large type, a horizontal legend, the same colour for a status everywhere."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st

from lib.accounts import CurrentUser
from lib.core import db, policy, visibility
from lib.insight import stats
from lib.models import EVALUATION_SCORE_LABELS
from lib.ui import cached
from lib.ui.cached import PreparedFigure

FONT_SIZE = 18
HEIGHT = 440
MAX_POINTS = 60  # a chart per session with more sessions than this shows months instead

# The projector look, registered once: a template given per figure is validated again on every figure.
pio.templates["leersessie"] = go.layout.Template(
    pio.templates["plotly_white"],
    layout={
        "font": {"size": FONT_SIZE, "color": "#1f2328"},
        "hoverlabel": {"font": {"size": FONT_SIZE}},
        "margin": {"l": 10, "r": 10, "t": 30, "b": 10},
        "bargap": 0.25,
    },
)
px.defaults.template = "leersessie"


@dataclass
class DashboardView:
    """The dashboard's figures for one filter, shared read-only by every visitor, with each chart's
    plotly figure built at most once (the frames are the cached board's own objects)."""

    board: stats.Dashboard
    _figures: dict[str, go.Figure] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def figure(self, build: Callable[[pd.DataFrame], go.Figure], name: str, frame: pd.DataFrame) -> go.Figure:
        if not any(frame is value for value in vars(self.board).values()):
            return figure(build, name, frame)  # not one of the board's frames: cached by its content
        with self._lock:
            if name not in self._figures:
                self._figures[name] = PreparedFigure(build(frame))
            return self._figures[name]


def dashboard(*, viewer: CurrentUser, filters: stats.Filters, today: dt.date) -> DashboardView:
    """The dashboard for `filters`: computed once per change of the data (stats.data_stamp), not per rerun.

    The role check runs on every call; the cache is keyed on the database, the stamp, the filters and
    the day, so everyone allowed to see a filter shares one computation.
    """
    policy.require(viewer, "insight.view")
    view = _dashboard(*cached.stamp(), filters, today)
    if visibility.may_see_all_actions(viewer):
        return view
    # The counts are for everyone who may see the dashboard; the late list names actions, and those
    # follow the one visibility rule (a manager: the own organisation's, and the own).
    with db.read() as session:
        late = stats.late_actions(
            session=session,
            filters=filters,
            today=today,
            limit=stats.LATE_SHOWN,
            visible=visibility.action_clause(viewer),
        )
    return DashboardView(dataclasses.replace(view.board, late=late), view._figures, view._lock)


@st.cache_resource(max_entries=32, ttl=cached.TTL_SECONDS, show_spinner=False)
def _dashboard(url: str, stamp: tuple[int, ...], filters: stats.Filters, today: dt.date) -> DashboardView:
    with db.read(db.engine_for(url)) as session:
        return DashboardView(stats.compute_dashboard(session=session, filters=filters, today=today))


@st.cache_resource(max_entries=128, show_spinner=False)
def figure(_build: Callable[[pd.DataFrame], go.Figure], name: str, frame: pd.DataFrame) -> go.Figure:
    """The figure of `frame`, built once per distinct frame (the cache key is the frame's content).

    Built figures are shared read-only between visitors: Streamlit serialises them, never changes them.
    """
    return PreparedFigure(_build(frame))


def per_month(frame: pd.DataFrame, *, mean: tuple[str, ...] = (), sums: tuple[str, ...] = ("aantal",)) -> pd.DataFrame:
    """A frame with a point per session (`datum`, `sessie`) as one point per month once there are more
    than MAX_POINTS sessions: years of sessions stay a readable chart of a few kilobytes."""
    if frame.empty or frame["datum"].nunique() <= MAX_POINTS:
        return frame
    frame = frame.assign(datum=pd.to_datetime(frame["datum"]).dt.to_period("M").dt.to_timestamp())
    keys = [c for c in frame.columns if c not in ("sessie", *sums, *mean)]
    aggregations = {c: "mean" if c in mean else "sum" for c in (*sums, *mean) if c in frame.columns}
    aggregations["sessie"] = "nunique"
    monthly = frame.groupby(keys, as_index=False).agg(aggregations)
    monthly["sessie"] = monthly["sessie"].map(lambda n: f"{n} sessies")
    return monthly


def _layout(
    figure: go.Figure,
    *,
    height: int = HEIGHT,
    legend: bool = True,
    counts: str | None = "y",
    total: float = 0,
    dates: bool = False,
) -> go.Figure:
    """Projector defaults. `counts` names the axis of whole numbers (`total`: the sum of what is drawn, so
    a small chart gets a tick per unit), `dates` makes x a day-month-year axis."""
    figure.update_layout(
        height=height,
        legend={"orientation": "h", "y": -0.18, "x": 0, "title": None} if legend else None,
        showlegend=legend,
    )
    if counts:
        axis = figure.update_yaxes if counts == "y" else figure.update_xaxes
        axis(rangemode="tozero", tickformat=",d", **({"dtick": 1} if total <= 8 else {}))
    if dates:
        figure.update_xaxes(tickformat="%d-%m-%Y", hoverformat="%d-%m-%Y")
    return figure


def status_by_organisation(frame: pd.DataFrame) -> go.Figure:
    order = frame.groupby("organisatie")["aantal"].sum().sort_values(ascending=False).index.tolist()
    figure = px.bar(
        frame,
        y="organisatie",
        x="aantal",
        color="status",
        orientation="h",
        color_discrete_map=stats.STATUS_COLOURS,
        category_orders={"status": stats.STATUS_ORDER, "organisatie": order},
        labels={"aantal": "aantal acties", "organisatie": ""},
    )
    return _layout(figure, height=max(HEIGHT, 60 * len(order) + 120), counts="x", total=frame["aantal"].sum())


def status_by_session(frame: pd.DataFrame) -> go.Figure:
    frame = per_month(frame)
    figure = px.bar(
        frame,
        x="datum",
        y="aantal",
        color="status",
        color_discrete_map=stats.STATUS_COLOURS,
        category_orders={"status": stats.STATUS_ORDER},
        hover_data=["sessie"],
        labels={"datum": "sessie", "aantal": "aantal acties"},
    )
    return _layout(figure, dates=True, total=frame["aantal"].sum())


def on_time(frame: pd.DataFrame) -> go.Figure:
    figure = px.line(
        frame,
        x="maand",
        y="percentage",
        markers=True,
        hover_data=["afgesproken", "op_tijd"],
        labels={"maand": "maand van de streefdatum", "percentage": "% op tijd gerealiseerd"},
    )
    figure.update_traces(line={"width": 4, "color": stats.STATUS_COLOURS["gerealiseerd"]}, marker={"size": 12})
    figure.update_yaxes(range=[0, 105])
    return _layout(figure, legend=False, counts=None)


def realisation(frame: pd.DataFrame) -> go.Figure:
    figure = px.bar(frame, x="termijn", y="aantal", labels={"termijn": "", "aantal": "aantal acties"}, text="aantal")
    figure.update_traces(marker_color=stats.STATUS_COLOURS["gerealiseerd"], textposition="outside")
    return _layout(figure, legend=False, total=frame["aantal"].sum())


def perspectives(frame: pd.DataFrame) -> go.Figure:
    order = [p for p in stats.PERSPECTIVE_ORDER if p in set(frame["perspectief"])] + sorted(
        set(frame["perspectief"]) - set(stats.PERSPECTIVE_ORDER)
    )
    frame = per_month(frame)
    figure = px.bar(
        frame,
        x="datum",
        y="aantal",
        color="perspectief",
        facet_row="soort",
        hover_data=["sessie"],
        category_orders={"perspectief": order, "soort": ["belemmert", "helpt"]},
        labels={"datum": "sessie", "aantal": "aantal"},
    )
    figure.for_each_annotation(lambda a: a.update(text=a.text.split("=")[-1]))
    return _layout(figure, height=560, dates=True, total=frame["aantal"].sum())


def themes(frame: pd.DataFrame) -> go.Figure:
    figure = px.bar(
        frame,
        x="aantal",
        y="thema",
        orientation="h",
        text="aantal",
        labels={"aantal": "keer genoemd", "thema": ""},
        category_orders={"thema": frame["thema"].tolist()},
    )
    figure.update_traces(marker_color=stats.KIND_COLOURS["belemmert"], textposition="outside")
    height = max(HEIGHT, 34 * len(frame) + 100)
    return _layout(figure, height=height, legend=False, counts="x", total=frame["aantal"].max())


def attendance(frame: pd.DataFrame) -> go.Figure:
    frame = per_month(frame)
    figure = px.bar(
        frame,
        x="datum",
        y="aantal",
        color="rol",
        hover_data=["sessie"],
        labels={"datum": "sessie", "aantal": "deelnemers"},
    )
    return _layout(figure, dates=True, total=frame["aantal"].sum())


def attendance_organisations(frame: pd.DataFrame) -> go.Figure:
    figure = px.bar(
        frame,
        y="organisatie",
        x="aantal",
        color="rol",
        orientation="h",
        labels={"aantal": "aanwezigheden", "organisatie": ""},
    )
    height = max(HEIGHT, 60 * frame["organisatie"].nunique() + 120)
    return _layout(figure, height=height, counts="x", total=frame["aantal"].sum())


def evaluations(frame: pd.DataFrame) -> go.Figure:
    frame = per_month(frame, mean=("constructief", "to_the_point"), sums=("evaluaties", "te_kort", "goed", "te_lang"))
    long = frame.melt(
        id_vars=["datum", "sessie"], value_vars=["constructief", "to_the_point"], var_name="vraag", value_name="score"
    )
    long["vraag"] = long["vraag"].replace({"to_the_point": EVALUATION_SCORE_LABELS["to_the_point"].lower()})
    figure = px.line(
        long,
        x="datum",
        y="score",
        color="vraag",
        markers=True,
        hover_data=["sessie"],
        labels={"datum": "sessie", "score": "gemiddelde score (1–5)"},
    )
    figure.update_traces(line={"width": 4}, marker={"size": 11})
    figure.update_yaxes(range=[0.8, 5.2], dtick=1)
    return _layout(figure, counts=None, dates=True)
