"""Download builders shared by pages, and the audit trail of downloads and reads.

A file is built only when the user clicks the button; `audited` records that click in the audit log
(who downloaded which file), so every export and download is in it.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from lib.accounts import CurrentUser
from lib.core import audit, dates, db
from lib.insight import reports

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


def harvest_file(viewer: CurrentUser, series_id: int, organisation_id: int | None, kind: str) -> Callable[[], bytes]:
    """The oogst of a series as `kind` (pdf or xlsx), for st.download_button(data=...)."""

    def build() -> bytes:
        with db.read() as session:
            document = reports.harvest_report(
                session=session,
                viewer=viewer,
                series_id=series_id,
                organisation_id=organisation_id,
                today=dates.local_today(),
            )
        return reports.render(document, kind)

    return build
