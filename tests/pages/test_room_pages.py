"""The projector's opening in the room (AppTest): which table lacks a casus, and the QR code's alt text."""

from __future__ import annotations

from lib.core import db
from lib.models import Group
from lib.ui.text import md_escape
from tests.pages.conftest import texts
from tests.pages.test_projector_pages import PROJECTOR, open_demo_session


def test_the_opening_names_a_table_without_a_casus(app_as, sqlite_engine, demo_db):
    """The aanjager sees before the terugblik that Groep 4 has no casus to discuss."""
    view = open_demo_session(sqlite_engine, demo_db)
    at = app_as("aanjager", PROJECTOR)
    assert not any("geen casus" in w.value for w in at.warning)
    with db.transaction(sqlite_engine) as session:
        session.add(Group(session_id=view.id, number=4, name="Groep 4"))
    at.run()
    assert not at.exception
    assert any(w.value.startswith(md_escape("Groep 4 heeft geen casus.")) for w in at.warning)


def test_the_qr_code_has_a_dutch_alt_text(app_as, sqlite_engine, demo_db):
    """A screen reader announces the QR code in Dutch, with the code to type."""
    view = open_demo_session(sqlite_engine, demo_db)
    at = app_as("aanjager", PROJECTOR)
    markup = " ".join(h.proto.body for h in at.get("html"))
    assert 'alt="QR-code om mee te doen met code' in markup
    assert "/deelnemen?code=" + (view.join_code or "") in texts(at)
