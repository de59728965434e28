"""One row of download buttons for a report (sessieverslag, oogst, terugkoppeling): the same Document
in every format, built from the database and rendered by lib/exports only when the user clicks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import streamlit as st
from sqlalchemy.orm import Session

from lib.core import db
from lib.exports.document import Document
from lib.exports.files import FORMATS, file_name, render

KINDS = ("pdf", "xlsx", "md", "csv")
CSV_HELP = "Eén tabel om in Excel verder te rekenen: de vervolgacties. Alle onderdelen staan in het Excel-bestand."


def report_buttons(
    label: str, build: Callable[[Session], Document], *, stem: str, key: str, day: dt.date | None = None
) -> None:
    """'{label} als PDF', '… als Excel', '… als Markdown', '… als CSV', side by side. `build` makes
    the document from a read-only session; the keys are `{key}_pdf`, `{key}_xlsx`, ..."""
    for column, kind in zip(st.columns(len(KINDS)), KINDS, strict=True):
        column.download_button(
            f"{label} als {FORMATS[kind].label}",
            data=_file(build, kind),
            on_click="ignore",
            file_name=file_name(stem, day, kind),
            mime=FORMATS[kind].mime,
            key=f"{key}_{kind}",
            icon="⬇️",
            help=CSV_HELP if kind == "csv" else None,
            width="stretch",
        )


def _file(build: Callable[[Session], Document], kind: str) -> Callable[[], bytes]:
    def make() -> bytes:
        with db.read() as session:
            document = build(session)
        return render(document, kind)

    return make
