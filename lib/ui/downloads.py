"""Downloads, and the audit trail of downloads and reads.

`report_buttons` draws one row of download buttons for a report (sessieverslag, oogst,
terugkoppeling): the same Document in every format, built from the database and rendered by
lib/exports only when the user clicks. `audited` records such a click in the audit log (who
downloaded which file), so every export and download is in it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import streamlit as st
from sqlalchemy.orm import Session

from lib.accounts import CurrentUser
from lib.core import audit, db
from lib.exports.document import Document
from lib.exports.files import FORMATS, file_name, render

KINDS = ("pdf", "xlsx", "md", "csv")
CSV_HELP = "Eén tabel om in Excel verder te rekenen: de vervolgacties. Alle onderdelen staan in het Excel-bestand."

Data = bytes | str


def audited(data: Data | Callable[[], Data], user: CurrentUser, file_name: str) -> Callable[[], Data]:
    """`data` for st.download_button, recorded in the audit log when the user downloads it."""

    def build() -> Data:
        content = data() if callable(data) else data
        with db.transaction() as session:
            audit.record(session=session, event="download", user_id=user.id, file=file_name)
        return content

    return build


def record_opened(user: CurrentUser, entity: str, entity_id: int, key: str) -> None:
    """An on_change callback for a keyed st.expander: opening it to read in full is recorded."""
    if st.session_state.get(key):
        with db.transaction() as session:
            audit.record(session=session, event=f"{entity}_read", user_id=user.id, entity=entity, entity_id=entity_id)


def report_buttons(
    label: str,
    build: Callable[[Session], Document],
    *,
    user: CurrentUser,
    stem: str,
    key: str,
    day: dt.date | None = None,
) -> None:
    """'{label} als PDF', '… als Excel', '… als Markdown', '… als CSV', side by side. `build` makes
    the document from a read-only session; the keys are `{key}_pdf`, `{key}_xlsx`, ... Each download
    is recorded in the audit log."""
    for column, kind in zip(st.columns(len(KINDS)), KINDS, strict=True):
        name = file_name(stem, day, kind)
        column.download_button(
            f"{label} als {FORMATS[kind].label}",
            data=audited(_file(build, kind), user, name),
            on_click="ignore",
            file_name=name,
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
