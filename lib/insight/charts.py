"""The oogst's charts as PNG images for PDF and Excel, drawn offline by matplotlib (Agg, no browser).

Each function draws figures that the document also lists in a table; the same colour per status as on
the dashboard.
"""

from __future__ import annotations

import io
from typing import Any

import pandas as pd

from lib.core import dates
from lib.insight import stats
from lib.models import EVALUATION_SCORE_LABELS


def _figure(width: float = 9, height: float = 3.6) -> tuple[Any, Any]:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=110)
    figure.set_layout_engine("constrained")
    return figure, figure.add_subplot()


def _whole_numbers(axis: Any) -> None:
    """Counts have no quarters: ticks on whole numbers only (not 0.25, 0.5, …)."""
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True))


def _png(figure: Any) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def status_bars(counts: dict[str, dict[str, int]], *, axis_label: str = "aantal acties") -> bytes:
    """Horizontal stacked bars: per row (a session, an organisation) its actions by status label."""
    labels = list(counts)
    figure, axes = _figure(height=max(2.4, 0.5 * len(labels) + 1.4))
    left = [0] * len(labels)
    for status in stats.STATUS_ORDER:
        values = [counts[label].get(status, 0) for label in labels]
        if any(values):
            axes.barh(labels, values, left=left, label=status, color=stats.STATUS_COLOURS.get(status))
            left = [a + b for a, b in zip(left, values, strict=True)]
    axes.invert_yaxis()
    _whole_numbers(axes.xaxis)
    axes.set_xlabel(axis_label)
    axes.legend(loc="lower right", fontsize=8)
    return _png(figure)


def on_time_line(frame: pd.DataFrame) -> bytes:
    """maand, percentage: the share of actions realised by their due date, per month."""
    figure, axes = _figure()
    axes.plot(frame["maand"], frame["percentage"], marker="o", color=stats.STATUS_COLOURS["gerealiseerd"])
    axes.set_ylim(0, 100)
    axes.set_ylabel("% op tijd")
    axes.tick_params(axis="x", labelrotation=45)
    return _png(figure)


def perspective_bars(counts: list[tuple[str, int, int]]) -> bytes:
    """(perspective, obstacles, helpers): grouped bars per perspective."""
    figure, axes = _figure()
    positions = range(len(counts))
    width = 0.4
    for offset, (kind, index) in enumerate((("belemmert", 1), ("helpt", 2))):
        axes.bar(
            [p + offset * width for p in positions],
            [row[index] for row in counts],
            width=width,
            label=kind,
            color=stats.KIND_COLOURS[kind],
        )
    axes.set_xticks([p + width / 2 for p in positions], [row[0] for row in counts])
    _whole_numbers(axes.yaxis)
    axes.set_ylabel("aantal")
    axes.legend(fontsize=8)
    return _png(figure)


def attendance_bars(frame: pd.DataFrame) -> bytes:
    """datum, rol, aantal: stacked bars of who came to each session."""
    wide = frame.pivot_table(index="datum", columns="rol", values="aantal", aggfunc="sum", fill_value=0)
    figure, axes = _figure()
    labels = [dates.short_date(d) for d in wide.index]
    bottom = [0] * len(wide)
    for role in wide.columns:
        values = wide[role].tolist()
        axes.bar(labels, values, bottom=bottom, label=role)
        bottom = [a + b for a, b in zip(bottom, values, strict=True)]
    _whole_numbers(axes.yaxis)
    axes.set_ylabel("deelnemers")
    axes.tick_params(axis="x", labelrotation=45)
    axes.legend(fontsize=8)
    return _png(figure)


def evaluation_lines(frame: pd.DataFrame) -> bytes:
    """datum, constructief, to_the_point: average scores per session on the 1–5 scale."""
    figure, axes = _figure()
    labels = [dates.short_date(d) for d in frame["datum"]]
    axes.plot(labels, frame["constructief"], marker="o", label=EVALUATION_SCORE_LABELS["constructive"].lower())
    axes.plot(labels, frame["to_the_point"], marker="s", label=EVALUATION_SCORE_LABELS["to_the_point"].lower())
    axes.set_ylim(1, 5)
    axes.set_ylabel("gemiddelde score")
    axes.tick_params(axis="x", labelrotation=45)
    axes.legend(fontsize=8)
    return _png(figure)
