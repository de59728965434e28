"""Download builders shared by pages: the file is built only when the user clicks the button."""

from __future__ import annotations

from collections.abc import Callable

from lib import dates, db, reports
from lib.auth import CurrentUser


def harvest_file(viewer: CurrentUser, series_id: int, organisation_id: int | None, kind: str) -> Callable[[], bytes]:
    """The oogst of a series as `kind` (pdf or xlsx), for st.download_button(data=...)."""

    def build() -> bytes:
        with db.read() as session:
            document = reports.harvest_report(session=session, viewer=viewer, series_id=series_id,
                                              organisation_id=organisation_id, today=dates.local_today())
        return reports.render(document, kind)

    return build
