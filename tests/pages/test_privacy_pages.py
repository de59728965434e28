"""Opvolging: a note with personal data is refused with a clear message and kept in its field; with the
confirmation ticked it is saved; a BSN is never saved."""

from __future__ import annotations

from sqlalchemy import select

from lib.core import db
from lib.models import Action, ActionUpdate
from lib.ui.privacy import CONFIRM_LABEL
from tests.pages.conftest import texts


def _spoed(engine) -> Action:
    with db.read(engine) as session:
        return session.scalar(select(Action).where(Action.title.startswith("Spoedprocedure")))


def _notes(engine, action_id) -> list[str]:
    with db.read(engine) as session:
        return list(session.scalars(select(ActionUpdate.note).where(ActionUpdate.action_id == action_id)))


def test_a_note_with_a_phone_number_asks_for_confirmation_and_keeps_the_text(app_as, sqlite_engine):
    spoed = _spoed(sqlite_engine)
    at = app_as("manager", "pages/opvolging.py")
    at.selectbox(key="mine_pick").set_value(spoed.id).run()
    note = "Gebeld met de moeder op 06-12345678, ze komt langs."
    at.text_area(key=f"mine_note_{spoed.id}").input(note).run()
    at.button(key=f"mine_save_{spoed.id}").click().run()
    assert "lijkt persoonsgegevens te bevatten (telefoonnummer)" in texts(at)
    assert at.text_area(key=f"mine_note_{spoed.id}").value == note  # nothing typed is lost
    assert note not in _notes(sqlite_engine, spoed.id)
    assert at.checkbox(key=f"mine_privacy_{spoed.id}").label == CONFIRM_LABEL
    at.checkbox(key=f"mine_privacy_{spoed.id}").check().run()
    at.button(key=f"mine_save_{spoed.id}").click().run()
    assert note in _notes(sqlite_engine, spoed.id)


def test_a_bsn_is_never_saved_even_when_confirmed(app_as, sqlite_engine):
    spoed = _spoed(sqlite_engine)
    at = app_as("manager", "pages/opvolging.py")
    at.selectbox(key="mine_pick").set_value(spoed.id).run()
    at.text_area(key=f"mine_note_{spoed.id}").input("BSN 111222333 gevonden").run()
    at.checkbox(key=f"mine_privacy_{spoed.id}").check().run()
    at.button(key=f"mine_save_{spoed.id}").click().run()
    assert "bevat een BSN" in texts(at)
    assert "BSN 111222333 gevonden" not in _notes(sqlite_engine, spoed.id)
