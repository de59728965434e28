"""Leercirkels and the Oogstdag as their users see them: the aanjager picks the kind of series and manages
enrolments on Reeksen, professionals enrol (or wait) on Mijn sessies, the Oogstdag shows the oogst on the
projector."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from lib.core import db
from lib.models import Enrolment, LearningSession, Role, Series, SeriesKind, SessionKind
from lib.planning import enrolment
from tests import factories as f
from tests.pages.conftest import texts, user_id
from tests.pages.test_projector_pages import open_demo_session

REEKSEN = "pages/reeksen.py"
MIJN = "pages/mijn_sessies.py"
PROJECTOR = "pages/projector.py"


def html(at) -> str:
    return "".join(element.proto.body for element in at.get("html"))


def button(at, label):
    return next(b for b in at.button if b.label == label)


def make_circle(engine, places: int = 1) -> int:
    """A leercirkel with three coming sessions, made as the aanjager would."""
    with db.transaction(engine) as s:
        series = f.series(s, name="Leercirkel Schulden", kind=SeriesKind.LEERCIRKEL, max_participants=places)
        for weeks in (1, 3, 5):
            f.learning_session(
                s, series_row=series, date=dt.date.today() + dt.timedelta(weeks=weeks), title=f"Cirkel {weeks}"
            )
        return series.id


def test_aanjager_creates_a_leercirkel_with_a_maximum(app_as, sqlite_engine):
    at = app_as("aanjager", REEKSEN)
    at.selectbox(key="series_choice").set_value(0).run()
    at.text_input(key="new_series_name").input("Leercirkel Wonen")
    at.radio(key="new_series_kind").set_value(SeriesKind.LEERCIRKEL)
    at.number_input(key="new_series_places").set_value(8)
    button(at, "Reeks aanmaken").click().run()
    assert not at.exception, at.exception
    with db.read(sqlite_engine) as s:
        series = s.scalar(select(Series).where(Series.name == "Leercirkel Wonen"))
    assert (series.kind, series.max_participants) == (SeriesKind.LEERCIRKEL, 8)
    assert "Inschrijvingen — 0 van 8 plaatsen bezet" in texts(at)
    assert "leercirkel" in texts(at)


def test_a_leertraject_is_reminded_of_its_oogstdag_and_gets_one(app_as, sqlite_engine):
    at = app_as("aanjager", REEKSEN)
    at.selectbox(key="series_choice").set_value(0).run()
    at.text_input(key="new_series_name").input("Leertraject Jeugd")
    at.radio(key="new_series_kind").set_value(SeriesKind.LEERTRAJECT)
    button(at, "Reeks aanmaken").click().run()
    assert "sluit af met een Oogstdag" in texts(at)
    assert at.checkbox(key="add_oogstdag").value is True
    at.date_input(key="add_first").set_value(dt.date.today() + dt.timedelta(days=14))
    button(at, "Sessies toevoegen").click().run()
    assert not at.exception, at.exception
    assert "sluit af met een Oogstdag" not in texts(at)
    assert list(at.dataframe[0].value["Soort"]) == ["leersessie", "leersessie", "leersessie", "Oogstdag"]


def test_aanjager_makes_a_planned_session_the_oogstdag(app_as, sqlite_engine, demo_db):
    at = app_as("aanjager", REEKSEN)
    at.selectbox(key="change_session").set_value(demo_db["next_session_id"]).run()
    button(at, "🌾 Maak er de Oogstdag van").click().run()
    assert not at.exception, at.exception
    assert "De sessie is nu een Oogstdag." in texts(at)
    with db.read(sqlite_engine) as s:
        assert s.get(LearningSession, demo_db["next_session_id"]).kind == SessionKind.OOGSTDAG


def test_professional_enrols_and_the_next_one_waits_then_moves_up(app_as, sqlite_engine, demo_db):
    series_id = make_circle(sqlite_engine, places=1)
    with db.transaction(sqlite_engine) as s:
        f.user(s, Role.PROFESSIONAL, username="bram", display_name="Bram Visser")

    first = app_as("professional", MIJN)
    assert "Leercirkel Schulden" in texts(first)
    assert "0 van 1 plaatsen bezet." in texts(first)
    first.button(key=f"circle_{series_id}").click().run()
    assert not first.exception, first.exception
    assert "U bent ingeschreven voor Leercirkel Schulden" in texts(first)
    assert "U staat ingeschreven voor de hele cyclus." in texts(first)

    second = app_as("bram", MIJN)
    assert second.button(key=f"circle_{series_id}").label == "Op de wachtlijst"
    second.button(key=f"circle_{series_id}").click().run()
    assert "U staat op de wachtlijst, plaats 1." in texts(second)
    assert "is vol: u staat op de wachtlijst" in texts(second)

    first.button(key=f"circle_{series_id}").click().run()  # Uitschrijven
    assert "U bent uitgeschreven voor Leercirkel Schulden." in texts(first)
    second = app_as("bram", MIJN)
    assert "van de wachtlijst doorgeschoven" in texts(second)
    with db.read(sqlite_engine) as s:
        rows = s.scalars(select(Enrolment)).all()
    assert [(r.user_id, r.status) for r in rows] == [(user_id(sqlite_engine, "bram"), "ingeschreven")]


def test_aanjager_takes_somebody_out_and_sees_who_moved_up(app_as, sqlite_engine, demo_db):
    series_id = make_circle(sqlite_engine, places=1)
    with db.transaction(sqlite_engine) as s:
        anna = f.current(f.user(s, Role.PROFESSIONAL, display_name="Anna de Vries"))
        bram = f.current(f.user(s, Role.PROFESSIONAL, display_name="Bram Visser"))
        for person in (anna, bram):
            enrolment.enrol(session=s, series_id=series_id, actor=person, today=dt.date.today())
        anna_row = s.scalar(select(Enrolment.id).where(Enrolment.user_id == anna.id))
    at = app_as("aanjager", REEKSEN)
    at.selectbox(key="series_choice").set_value(series_id).run()
    shown = texts(at)
    assert "Inschrijvingen — 1 van 1 plaatsen bezet" in shown
    assert "Bram Visser — plaats 1" in shown
    at.button(key=f"unenrol_{anna_row}").click().run()
    assert not at.exception, at.exception
    shown = texts(at)
    assert "Bram Visser is van de wachtlijst doorgeschoven" in shown
    assert "Bram Visser — doorgeschoven van de wachtlijst" in shown


def test_the_oogstdag_projector_shows_the_oogst_grouped_by_reason(app_as, sqlite_engine, demo_db):
    with db.transaction(sqlite_engine) as s:
        s.get(LearningSession, demo_db["next_session_id"]).kind = SessionKind.OOGSTDAG
    open_demo_session(sqlite_engine, demo_db, steps=1)  # the terugblik
    at = app_as("aanjager", PROJECTOR)
    assert not at.exception, at.exception
    shown = html(at)
    assert "Oogst van Proeftuin Ruwaard" in shown
    assert "Van de grond gekomen (2)" in shown  # one gerealiseerd, one bezig in the demo
    assert "Geen capaciteit in het wijkteam" in shown and "Niet van de grond" in shown
    assert "open vervolgacties in de terugblik" in texts(at)  # the open actions can still be updated


def test_an_ordinary_session_shows_no_oogst(app_as, sqlite_engine, demo_db):
    open_demo_session(sqlite_engine, demo_db, steps=1)
    at = app_as("aanjager", PROJECTOR)
    assert "open vervolgacties in de terugblik" in texts(at)
    assert "Oogst van" not in html(at)
