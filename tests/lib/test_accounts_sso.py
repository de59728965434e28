"""Single sign-on: the provider's claims matched to an account by verified e-mail address only."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from lib import accounts
from lib.core import db
from lib.core.errors import DomainError
from lib.models import AuditLog, Role, User
from tests import factories


@pytest.fixture
def aanjager(engine):
    with db.transaction(engine) as session:
        user = factories.user(session, Role.AANJAGER, username="fatima")
        user.email = "Fatima.Amrani@Wijkteam.example.nl"
        return factories.current(user)


def sso(engine, new_users="refuse", **claims):
    with db.transaction(engine) as session:
        return accounts.user_for_sso(session=session, claims=claims, new_users=new_users)


def test_a_verified_email_signs_in_to_its_account_with_its_role_ignoring_case(engine, aanjager):
    user = sso(engine, email="fatima.amrani@wijkteam.example.nl", email_verified=True, sub="x1")
    assert (user.id, user.role) == (aanjager.id, Role.AANJAGER)
    with db.read(engine) as session:
        assert session.execute(select(AuditLog.event, AuditLog.detail)).all() == [("login", {"via": "sso"})]


def test_entra_ids_domain_verified_claim_counts_as_verified(engine, aanjager):
    assert sso(engine, email="fatima.amrani@wijkteam.example.nl", xms_edov="true").id == aanjager.id


@pytest.mark.parametrize("verified", [None, False, "false", 1])
def test_an_unverified_email_is_refused_even_when_it_matches(engine, aanjager, verified):
    claims = {"email": "fatima.amrani@wijkteam.example.nl"} | ({} if verified is None else {"email_verified": verified})
    with pytest.raises(DomainError, match="niet als bevestigd"):
        sso(engine, **claims)


def test_no_email_claim_is_refused(engine, aanjager):
    with pytest.raises(DomainError, match="niet als bevestigd"):
        sso(engine, sub="x1", email_verified=True)


def test_an_unknown_email_gets_a_dutch_message_and_no_account(engine, aanjager):
    with pytest.raises(DomainError, match="geen account met dit e-mailadres") as error:
        sso(engine, email="onbekend@example.nl", email_verified=True)
    assert "onbekend@example.nl" in str(error.value)
    with db.read(engine) as session:
        assert session.scalar(select(User).where(User.email == "onbekend@example.nl")) is None


def test_an_unknown_email_gets_a_professional_account_when_so_configured(engine, aanjager):
    user = sso(engine, "professional", email="Piet.Jansen@example.nl", email_verified=True, name="Piet Jansen")
    assert (user.role, user.display_name, user.username) == (Role.PROFESSIONAL, "Piet Jansen", "piet.jansen")
    again = sso(engine, "professional", email="piet.jansen@example.nl", email_verified=True)
    assert again.id == user.id
    with db.read(engine) as session:
        events = session.scalars(select(AuditLog.event).order_by(AuditLog.id)).all()
        stored = session.get(User, user.id)
        assert events == ["user_created", "login", "login"]
        assert stored.email == "piet.jansen@example.nl"


def test_a_new_account_never_takes_an_existing_username(engine, aanjager):
    user = sso(engine, "professional", email="fatima@elders.example.nl", email_verified=True)
    assert user.username == "fatima2" and user.id != aanjager.id


def test_a_deactivated_account_is_refused(engine, aanjager):
    with db.transaction(engine) as session:
        session.execute(update(User).where(User.id == aanjager.id).values(active=False))
    with pytest.raises(DomainError, match="uitgeschakeld"):
        sso(engine, "professional", email="fatima.amrani@wijkteam.example.nl", email_verified=True)


def test_two_accounts_with_one_email_are_refused_rather_than_guessed(engine, aanjager):
    with db.transaction(engine) as session:
        other = factories.user(session, Role.BEHEERDER, username="fatima-beheer")
        other.email = "fatima.amrani@wijkteam.example.nl"
    with pytest.raises(DomainError, match="meer accounts"):
        sso(engine, email="fatima.amrani@wijkteam.example.nl", email_verified=True)
