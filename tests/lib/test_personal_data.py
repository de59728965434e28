"""Inzage and erasure (AVG): a user downloads what the app holds about them; erasure keeps their work."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from lib import accounts, personal_data
from lib.core import db
from lib.core.errors import DomainError, NotAllowed
from lib.models import Action, AuditLog, AuthToken, Case, Contribution, LoginAttempt, Role, User
from tests import factories


@pytest.fixture
def people(engine):
    with db.transaction(engine) as session:
        org = factories.organisation(session, name="Wijkteam Oost")
        anna = factories.user(
            session, username="anna", display_name="Anna de Vries", email="anna@example.org", organisation=org
        )
        beheerder = factories.user(session, Role.BEHEERDER, username="beheer")
        other = factories.user(session, username="bert", display_name="Bert Bakker")
        meeting = factories.learning_session(session, title="Sessie april")
        factories.attendance(session, meeting, anna, present=True)
        case = factories.case(session, anna, title="Casus van Anna", description="Wat er speelde.")
        table = factories.group(session, meeting, 1, case)
        factories.contribution(
            session, meeting, table, text="Anna's inbreng", author_user_id=anna.id, author_label="Anna"
        )
        factories.action(session, meeting, anna, title="Anna belt het loket")
        factories.action(session, meeting, other, title="Bert doet iets")
        accounts.issue_token(session=session, user_id=anna.id, days=14)
        session.add(LoginAttempt(scope="login", key="anna"))
    return {
        "anna": anna.id,
        "beheerder": factories.current(beheerder),
        "other": factories.current(other),
        "case": case.id,
    }


def _current(engine, user_id):
    with db.read(engine) as session:
        return factories.current(session.get(User, user_id))


def test_inzage_holds_my_account_cases_attendance_contributions_and_actions(engine, people):
    anna = _current(engine, people["anna"])
    with db.transaction(engine) as session:
        data = json.loads(personal_data.personal_data_json(session=session, user_id=anna.id, actor=anna))
    assert data["account"]["naam"] == "Anna de Vries"
    assert data["account"]["e-mailadres"] == "anna@example.org"
    assert data["account"]["organisatie"] == "Wijkteam Oost"
    assert [c["titel"] for c in data["casussen"]] == ["Casus van Anna"]
    assert data["casussen"][0]["beschrijving"] == "Wat er speelde."
    assert [a["leersessie"] for a in data["aanwezigheid"]] == ["Sessie april"]
    assert [c["tekst"] for c in data["inbreng"]] == ["Anna's inbreng"]
    assert [a["titel"] for a in data["acties"]] == ["Anna belt het loket"]
    with db.read(engine) as session:
        event = session.scalars(select(AuditLog).where(AuditLog.event == "inzage_downloaded")).one()
        assert (event.user_id, event.entity_id) == (anna.id, anna.id)


def test_nobody_else_reads_my_data_except_a_beheerder(engine, people):
    with pytest.raises(NotAllowed), db.transaction(engine) as session:
        personal_data.personal_data(session=session, user_id=people["anna"], actor=people["other"])
    with db.transaction(engine) as session:
        data = personal_data.personal_data(session=session, user_id=people["anna"], actor=people["beheerder"])
    assert data["account"]["gebruikersnaam"] == "anna"


def test_erasing_removes_personal_data_and_keeps_the_work(engine, people):
    with db.transaction(engine) as session:
        personal_data.erase_user(session=session, user_id=people["anna"], actor=people["beheerder"])
    with db.read(engine) as session:
        user = session.get(User, people["anna"])
        assert user.display_name == "verwijderde gebruiker"
        assert user.username == f"verwijderd-{user.id}"
        assert user.email is None and user.last_login_at is None and not user.active
        assert user.erased_at is not None
        assert session.scalars(select(AuthToken).where(AuthToken.user_id == user.id)).all() == []
        assert session.scalars(select(LoginAttempt.key)).all() == []
        assert session.get(Case, people["case"]).submitter_id == user.id  # the case stays, attributed
        assert session.scalars(select(Contribution.author_label)).all() == ["verwijderde gebruiker"]
        action = session.scalars(select(Action).where(Action.title == "Anna belt het loket")).one()
        assert action.owner_label == "verwijderde gebruiker"
        assert session.scalars(select(AuditLog.event).where(AuditLog.entity_id == user.id)).all()[-1] == "user_erased"
    with db.transaction(engine) as session:  # nobody can log in as her any more
        assert accounts.authenticate(session=session, username="anna", password=factories.PASSWORD) is None


def test_only_a_beheerder_erases_and_not_themselves_or_twice(engine, people):
    with pytest.raises(NotAllowed), db.transaction(engine) as session:
        personal_data.erase_user(session=session, user_id=people["anna"], actor=people["other"])
    with pytest.raises(DomainError, match="eigen gegevens"), db.transaction(engine) as session:
        beheerder = people["beheerder"]
        personal_data.erase_user(session=session, user_id=beheerder.id, actor=beheerder)
    with db.transaction(engine) as session:
        personal_data.erase_user(session=session, user_id=people["anna"], actor=people["beheerder"])
    with pytest.raises(DomainError, match="al verwijderd"), db.transaction(engine) as session:
        personal_data.erase_user(session=session, user_id=people["anna"], actor=people["beheerder"])
