"""The download buttons of Oogst, Terugkoppeling and Rapporten give real files (a PDF that pypdf reads,
a workbook that openpyxl opens), and every format of one report tells the same: each action with its
status and why not."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import or_, select

from lib.core import db
from lib.models import Action, LearningSession, User, action_status_label
from tests.readers import flat, has_row, pdf_text, rows

FORMATS = {"pdf": "PDF", "xlsx": "Excel", "md": "Markdown", "csv": "CSV"}


def files_of(at, downloads, prefix: str) -> dict[str, tuple[str | None, bytes]]:
    """(file name, bytes) of each format in the row of buttons whose labels start with `prefix`."""
    found = {}
    for kind, label in FORMATS.items():
        matching = [b for b in at.get("download_button") if b.label.startswith(prefix) and f"als {label}" in b.label]
        assert len(matching) == 1, f"no single '{prefix}… als {label}' button: {[b.label for b in matching]}"
        download = downloads(matching[0])
        found[kind] = (download.file_name, download.data)
    return found


def actions_where(engine, *conditions) -> list[tuple[str, str, str]]:
    """(title, status label, reason) of the actions agreed in the sessions that match."""
    with db.read(engine) as session:
        found = session.execute(
            select(Action.title, Action.status, Action.reason)
            .join(LearningSession, LearningSession.id == Action.session_id)
            .where(*conditions)
        ).all()
    assert found, "the demo data should have actions here"
    return [(title, action_status_label(status), reason) for title, status, reason in found]


def assert_every_format_lists(files, expected: list[tuple[str, str, str]], *, counts: bool = True) -> None:
    for kind, (file_name, data) in files.items():
        assert file_name and file_name.endswith(f".{kind}"), file_name
        lines = rows(kind, data)  # fails unless the bytes are a real file of this kind
        if kind == "pdf":
            # A PDF table wraps long cells over lines, cell by cell: each text is found as a phrase.
            text = flat(pdf_text(data))
            for title, _status, reason in expected:
                assert flat(title) in text and flat(reason) in text, (kind, title)
        else:
            for title, status, reason in expected:
                assert has_row(lines, title, status, *[reason] * bool(reason)), (kind, title)
        if counts and kind != "csv":
            for status, number in Counter(status for _t, status, _r in expected).items():
                assert has_row(lines, f"Vervolgacties {status}", str(number)), (kind, status)


def visible_to_manager(engine):
    """The actions the demo manager may see (lib/core/visibility.py): their own organisation's and their own."""
    with db.read(engine) as session:
        manager = session.scalar(select(User).where(User.username == "manager"))
        return or_(Action.organisation_id == manager.organisation_id, Action.owner_user_id == manager.id)


def test_every_oogst_download_lists_every_action_with_status_and_reason(app_as, downloads, sqlite_engine):
    at = app_as("manager", "pages/oogst.py")
    assert not at.exception, at.exception
    series_id = at.selectbox(key="harvest_series").value
    files = files_of(at, downloads, "")
    expected = actions_where(sqlite_engine, LearningSession.series_id == series_id, visible_to_manager(sqlite_engine))
    assert_every_format_lists(files, expected)


def test_every_terugkoppeling_download_lists_the_actions_on_the_page(app_as, downloads):
    at = app_as("manager", "pages/terugkoppeling.py")
    assert not at.exception, at.exception
    shown = at.dataframe[0].value
    expected = [
        (title, status.removesuffix(" (te laat)"), reason)
        for title, status, reason in zip(shown["Actie"], shown["Status"], shown["Waarom niet"], strict=True)
    ]
    assert any(reason for _t, _s, reason in expected)
    files = files_of(at, downloads, "Terugkoppeling")
    assert_every_format_lists(files, expected, counts=False)
    assert "## Oplossingen" in rows("md", files["md"][1])


def test_rapporten_gives_the_sessieverslag_and_the_oogst_in_every_format(app_as, downloads, sqlite_engine):
    at = app_as("manager", "pages/rapporten.py")
    assert not at.exception, at.exception
    session_id = at.selectbox(key="report_session").value
    verslag = files_of(at, downloads, "Sessieverslag")
    visible = visible_to_manager(sqlite_engine)
    assert_every_format_lists(
        verslag, actions_where(sqlite_engine, Action.session_id == session_id, visible), counts=False
    )
    series_id = at.selectbox(key="harvest_series").value
    harvest = files_of(at, downloads, "Oogst")
    assert_every_format_lists(harvest, actions_where(sqlite_engine, LearningSession.series_id == series_id, visible))
