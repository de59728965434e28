"""Download builders shared by pages: the file is built only when the user clicks the button."""

from __future__ import annotations

from collections.abc import Callable

from lib.accounts import CurrentUser
from lib.core import dates, db
from lib.insight import reports


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
