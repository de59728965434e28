"""The beheerder's data pages (auditlog, back-up and bewaartermijn, erasure) and Mijn gegevens."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from lib.cases import retention
from lib.core import db
from lib.models import AuditLog, Case, User
from tests.pages.conftest import texts, user_id


def button(at, key):
    return next(b for b in at.button if b.key == key)


def _log(engine, count: int, event: str = "login", username: str = "professional", day=dt.date(2026, 10, 1)) -> None:
    who = user_id(engine, username)
    with db.transaction(engine) as session:
        for number in range(count):
            moment = dt.datetime.combine(day, dt.time(9, 0), tzinfo=dt.UTC) + dt.timedelta(minutes=number)
            session.add(AuditLog(event=event, user_id=who, entity="user", entity_id=who, at=moment))


def _column(at, name: str) -> list:
    return list(at.dataframe[0].value[name])


# --- Auditlog -------------------------------------------------------------------------------------


def test_auditlog_shows_who_what_when_and_which_object_newest_first(app_as, sqlite_engine):
    _log(sqlite_engine, 3, event="case_read", username="aanjager", day=dt.date(2026, 10, 2))
    at = app_as("beheerder", "pages/auditlog.py")
    assert not at.exception
    assert "Auditlog" in texts(at)
    whats = _column(at, "Wat")
    assert "casus volledig gelezen" in whats and "demogegevens geladen" in whats
    assert _column(at, "Wie")[whats.index("casus volledig gelezen")] == "Annelies van der Heijden"
    assert any(obj.startswith("gebruiker ") for obj in _column(at, "Object"))


def test_auditlog_filters_by_kind_person_and_period_and_pages(app_as, sqlite_engine):
    _log(sqlite_engine, 60)  # 60 logins by the demo professional on 1 October 2026
    _log(sqlite_engine, 2, event="download", username="manager", day=dt.date(2026, 10, 5))
    at = app_as("beheerder", "pages/auditlog.py")
    at.selectbox(key="audit_event").select("login").run()
    assert set(_column(at, "Wat")) == {"ingelogd"}
    assert "Pagina 1 van 2 · 60 gebeurtenissen" in texts(at)
    button(at, "audit_next").click().run()
    assert "Pagina 2 van 2" in texts(at) and len(at.dataframe[0].value) == 10

    at.selectbox(key="audit_event").select(None).run()
    at.selectbox(key="audit_person").select(user_id(sqlite_engine, "manager")).run()
    assert _column(at, "Wat") == ["bestand gedownload", "bestand gedownload"]

    at.date_input(key="audit_start").set_value(dt.date(2026, 10, 6)).run()
    assert "Geen gebeurtenissen gevonden met deze filters." in texts(at)
    at.date_input(key="audit_end").set_value(dt.date(2026, 10, 1)).run()
    assert "De begindatum ligt na de einddatum." in [e.value for e in at.error]


def test_auditlog_offers_the_csv_export(app_as):
    at = app_as("beheerder", "pages/auditlog.py")
    assert [b.proto.label for b in at.get("download_button")] == ["Download als CSV (Excel)"]


# --- Back-up en bewaartermijn ---------------------------------------------------------------------


def test_backup_page_offers_the_download_and_says_restore_is_a_server_step(app_as):
    at = app_as("beheerder", "pages/gegevensbeheer.py")
    assert not at.exception
    assert [b.proto.label for b in at.get("download_button")] == ["Back-up downloaden (JSON)"]
    shown = texts(at)
    assert "Deze database is in gebruik" in shown
    assert "python -m lib.cli restore" in shown


def test_retention_shows_what_will_go_and_anonymises_only_after_confirmation(app_as, sqlite_engine):
    old = dt.datetime.now(dt.UTC) - dt.timedelta(days=3 * 365)
    with db.transaction(sqlite_engine) as session:
        author = session.scalar(select(User).where(User.username == "professional"))
        session.add(
            Case(
                title="Meneer Pietersen en zijn huur",
                description="Meneer P. woont aan de Dorpsstraat.",
                learning_question="Wie betaalt?",
                submitter_id=author.id,
                status="teruggelegd",
                created_at=old,
            )
        )
    at = app_as("beheerder", "pages/gegevensbeheer.py")
    shown = texts(at)
    assert "1 casus(sen) van vóór" in shown
    assert _column(at, "Titel") == ["Meneer Pietersen en zijn huur"]
    assert button(at, "retention_run").disabled
    at.checkbox(key="retention_checked").check().run()
    button(at, "retention_run").click().run()
    assert not at.exception
    assert "1 casus(sen) zijn geanonimiseerd." in texts(at)
    assert "Er zijn geen casussen van vóór" in texts(at)
    with db.read(sqlite_engine) as session:
        case = session.scalars(select(Case).where(Case.created_at == old)).one()
        assert case.description == retention.REMOVED_TEXT and case.title.startswith("Geanonimiseerde casus")
        run = session.scalars(select(AuditLog).where(AuditLog.event == "retention_run")).one()
        assert run.user_id == user_id(sqlite_engine, "beheerder")


# --- Gebruikers: erasure ----------------------------------------------------------------------------


def test_beheerder_erases_a_user_after_typing_the_username(app_as, sqlite_engine):
    target = user_id(sqlite_engine, "joost")
    at = app_as("beheerder", "pages/gebruikers.py")
    chosen = next(u for u in at.selectbox(key="manage_user").options if "(joost)" in u)
    at.selectbox(key="manage_user").select(chosen).run()
    assert button(at, f"erase_user_{target}").disabled
    at.text_input(key=f"erase_confirm_{target}").input("joost").run()
    button(at, f"erase_user_{target}").click().run()
    assert not at.exception
    assert "De persoonsgegevens zijn verwijderd" in texts(at)
    with db.read(sqlite_engine) as session:
        user = session.get(User, target)
        assert (user.display_name, user.username, user.active) == (
            "verwijderde gebruiker",
            f"verwijderd-{target}",
            False,
        )
        assert session.scalar(select(Case.id).where(Case.submitter_id == target)) is not None  # work stays


# --- Mijn gegevens --------------------------------------------------------------------------------


def test_mijn_gegevens_shows_my_account_and_offers_the_inzage(app_as):
    at = app_as("professional", "pages/mijn_gegevens.py")
    assert not at.exception
    shown = texts(at)
    assert "Mijn gegevens" in shown and "**Rol:** professional" in shown
    assert [b.proto.label for b in at.get("download_button")] == ["Download mijn gegevens (JSON)"]
