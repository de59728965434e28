"""Accounts: password hashing, one login failure message, lock-out, refresh tokens, user admin rules."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from lib import accounts
from lib.core import db
from lib.core.errors import DomainError, NotAllowed
from lib.models import AuditLog, AuthToken, Role, User
from tests import factories


@pytest.fixture
def people(engine):
    with db.transaction(engine) as session:
        admin = factories.user(session, Role.BEHEERDER, username="admin")
        pro = factories.user(session, Role.PROFESSIONAL, username="pro")
        org = factories.organisation(session, "Wijkteam Noord", "wijkteam")
        return {"admin": factories.current(admin), "pro": factories.current(pro), "org_id": org.id}


def login(engine, username, password):
    with db.transaction(engine) as session:
        return accounts.authenticate(session=session, username=username, password=password)


def test_right_password_logs_in_and_is_audited(engine, people):
    user = login(engine, " PRO ", factories.PASSWORD)
    assert user is not None and user.username == "pro" and user.role == Role.PROFESSIONAL
    with db.read(engine) as session:
        assert session.scalars(select(AuditLog.event)).all() == ["login"]


def test_wrong_password_and_unknown_user_look_the_same(engine, people):
    assert login(engine, "pro", "wrong-password") is None
    assert login(engine, "nobody", "wrong-password") is None


@pytest.mark.parametrize(("username", "password"), [("", "x"), ("pro", ""), ("   ", "   ")])
def test_empty_fields_get_a_clear_message(engine, people, username, password):
    with pytest.raises(DomainError, match="Vul uw gebruikersnaam en wachtwoord in"):
        login(engine, username, password)


def test_too_many_failures_lock_the_account_for_a_while(engine, people):
    for _ in range(accounts.MAX_FAILED_LOGINS):
        assert login(engine, "pro", "wrong-password") is None
    with pytest.raises(DomainError, match="Te veel mislukte pogingen"):
        login(engine, "pro", factories.PASSWORD)


def test_deactivated_user_cannot_log_in(engine, people):
    with db.transaction(engine) as session:
        accounts.set_active(session=session, user_id=people["pro"].id, active=False, actor=people["admin"])
    assert login(engine, "pro", factories.PASSWORD) is None


def test_token_survives_and_is_stored_only_as_a_hash(engine, people):
    with db.transaction(engine) as session:
        token, expires = accounts.issue_token(session=session, user_id=people["pro"].id, days=14)
    assert expires > dt.datetime.now(dt.UTC) + dt.timedelta(days=13)
    with db.read(engine) as session:
        assert accounts.user_for_token(session=session, token=token).username == "pro"
        stored = session.scalars(select(AuthToken.token_hash)).all()
    assert token not in stored and len(stored[0]) == 64


def test_expired_revoked_and_forged_tokens_are_refused(engine, people):
    with db.transaction(engine) as session:
        expired, _ = accounts.issue_token(session=session, user_id=people["pro"].id, days=1)
        revoked, _ = accounts.issue_token(session=session, user_id=people["pro"].id, days=1)
    with db.transaction(engine) as session:
        session.execute(
            update(AuthToken)
            .where(AuthToken.token_hash == accounts._token_hash(expired))
            .values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
        )
        accounts.revoke_token(session=session, token=revoked)
    with db.read(engine) as session:
        for token in (expired, revoked, "forged", "", None, "x" * 500):
            assert accounts.user_for_token(session=session, token=token) is None


def test_deactivating_a_user_ends_their_logins(engine, people):
    with db.transaction(engine) as session:
        token, _ = accounts.issue_token(session=session, user_id=people["pro"].id, days=14)
    with db.transaction(engine) as session:
        accounts.set_active(session=session, user_id=people["pro"].id, active=False, actor=people["admin"])
    with db.read(engine) as session:
        assert accounts.user_for_token(session=session, token=token) is None


def new_user(**overrides):
    fields = {
        "username": "nieuw",
        "display_name": "Nieuwe Collega",
        "role": Role.PROFESSIONAL,
        "password": "een-lang-wachtwoord",
    }
    return accounts.NewUser(**{**fields, **overrides})


def test_beheerder_creates_a_user_who_can_log_in(engine, people):
    with db.transaction(engine) as session:
        accounts.create_user(session=session, data=new_user(), actor=people["admin"])
    assert login(engine, "nieuw", "een-lang-wachtwoord").display_name == "Nieuwe Collega"


def test_only_a_beheerder_creates_users(engine, people):
    with pytest.raises(NotAllowed), db.transaction(engine) as session:
        accounts.create_user(session=session, data=new_user(), actor=people["pro"])


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"username": "   "}, "Gebruikersnaam is verplicht"),
        ({"username": "met spatie"}, "Gebruikersnaam: gebruik"),
        ({"username": "<script>"}, "Gebruikersnaam: gebruik"),
        ({"display_name": ""}, "Naam is verplicht"),
        ({"display_name": "x" * 121}, "Naam mag hoogstens 120 tekens"),
        ({"password": "kort"}, "minstens 10 tekens"),
        ({"role": "koning"}, "geldige rol"),
        ({"email": "geen-adres"}, "E-mailadres is ongeldig"),
        ({"role": Role.MANAGER}, "Een manager hoort bij een organisatie"),
        ({"organisation_id": 99999}, "organisatie bestaat niet"),
    ],
)
def test_bad_new_user_gets_a_clear_message_and_nothing_is_stored(engine, people, overrides, message):
    with pytest.raises(DomainError, match=message), db.transaction(engine) as session:
        accounts.create_user(session=session, data=new_user(**overrides), actor=people["admin"])
    with db.read(engine) as session:
        assert session.scalar(select(User).where(User.display_name == "Nieuwe Collega")) is None


def test_duplicate_username_is_refused(engine, people):
    with pytest.raises(DomainError, match="bestaat al"), db.transaction(engine) as session:
        accounts.create_user(session=session, data=new_user(username="pro"), actor=people["admin"])


def test_password_reset_ends_existing_logins(engine, people):
    with db.transaction(engine) as session:
        token, _ = accounts.issue_token(session=session, user_id=people["pro"].id, days=14)
        accounts.reset_password(
            session=session, user_id=people["pro"].id, password="nog-een-wachtwoord", actor=people["admin"]
        )
    with db.read(engine) as session:
        assert accounts.user_for_token(session=session, token=token) is None
    assert login(engine, "pro", "nog-een-wachtwoord") is not None


def test_professional_cannot_reset_someone_elses_password(engine, people):
    with pytest.raises(NotAllowed), db.transaction(engine) as session:
        accounts.reset_password(
            session=session, user_id=people["admin"].id, password="nog-een-wachtwoord", actor=people["pro"]
        )


def test_beheerder_cannot_lock_themselves_out(engine, people):
    with pytest.raises(DomainError, match="eigen account"), db.transaction(engine) as session:
        accounts.set_active(session=session, user_id=people["admin"].id, active=False, actor=people["admin"])


def test_organisation_names_are_unique_ignoring_case(engine, people):
    with pytest.raises(DomainError, match="bestaat al"), db.transaction(engine) as session:
        accounts.create_organisation(session=session, name="wijkteam noord", kind="wijkteam", actor=people["admin"])


def test_find_users_searches_name_user_name_and_email_and_counts_all(engine):
    with db.transaction(engine) as session:
        factories.user(session, display_name="Özlem Jansen", username="ozlem.j")
        factories.user(session, display_name="Piet Bakker", username="piet_b", email="p.bakker@wijk.example")
        factories.user(session, display_name="Korting 50% Kees", username="kees")
        for number in range(5):
            factories.user(session, display_name=f"Zz Collega {number}", username=f"collega{number}")
    with db.read(engine) as session:
        by_name, one = accounts.find_users(session=session, search="jansen")
        by_mail, _ = accounts.find_users(session=session, search="BAKKER@")
        percent, _ = accounts.find_users(session=session, search="50%")
        underscore, _ = accounts.find_users(session=session, search="_")  # a plain character, not "any"
        page, total = accounts.find_users(session=session, search="collega", limit=3)
        nothing, none = accounts.find_users(session=session, search="<script>")
    assert [u.username for u in by_name] == ["ozlem.j"] and one == 1
    assert [u.username for u in by_mail] == ["piet_b"]
    assert [u.username for u in percent] == ["kees"]
    assert [u.username for u in underscore] == ["piet_b"]
    assert [u.username for u in page] == ["collega0", "collega1", "collega2"] and total == 5
    assert nothing == [] and none == 0
