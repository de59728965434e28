"""Own password changes, the forced change after the beheerder set a password, and logins that end."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lib import accounts
from lib.core import db
from lib.core.errors import DomainError, NotAllowed
from lib.models import AuditLog, Role, User
from tests import factories

NEW = "een-nieuw-eigen-wachtwoord"


@pytest.fixture
def people(engine):
    with db.transaction(engine) as session:
        admin = factories.user(session, Role.BEHEERDER, username="admin")
        pro = factories.user(session, Role.PROFESSIONAL, username="pro")
        return {"admin": factories.current(admin), "pro": factories.current(pro)}


def tokens(engine, user_id: int, count: int) -> list[str]:
    with db.transaction(engine) as session:
        return [accounts.issue_token(session=session, user_id=user_id, days=1)[0] for _ in range(count)]


def alive(engine, token: str) -> bool:
    with db.read(engine) as session:
        return accounts.user_for_token(session=session, token=token) is not None


def change(engine, user, *, current=factories.PASSWORD, new=NEW, repeated=NEW, keep=None) -> bool:
    with db.transaction(engine) as session:
        return accounts.change_own_password(
            session=session, user=user, current_password=current, new_password=new, repeated=repeated, keep_token=keep
        )


def login(engine, username, password):
    with db.transaction(engine) as session:
        return accounts.authenticate(session=session, username=username, password=password)


def test_own_change_keeps_this_login_ends_the_others_and_is_audited(engine, people):
    here, elsewhere = tokens(engine, people["pro"].id, 2)
    assert change(engine, people["pro"], keep=here)
    assert alive(engine, here) and not alive(engine, elsewhere)
    assert login(engine, "pro", NEW) is not None
    assert login(engine, "pro", factories.PASSWORD) is None
    with db.read(engine) as session:
        assert "password_changed" in session.scalars(select(AuditLog.event)).all()


def test_a_wrong_current_password_changes_nothing_and_counts_as_a_failed_login(engine, people):
    (here,) = tokens(engine, people["pro"].id, 1)
    for _ in range(accounts.MAX_FAILED_LOGINS):
        assert not change(engine, people["pro"], current="niet-het-wachtwoord", keep=here)
    assert alive(engine, here)
    with pytest.raises(DomainError, match="Te veel mislukte pogingen"):
        change(engine, people["pro"], keep=here)  # no guessing the current password through this form


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"new": "kort", "repeated": "kort"}, "minstens 10 tekens"),
        ({"repeated": NEW + "x"}, "niet gelijk"),
        ({"current": ""}, "Vul uw huidige wachtwoord"),
        ({"new": factories.PASSWORD, "repeated": factories.PASSWORD}, "ander wachtwoord"),
    ],
)
def test_a_bad_new_password_gets_a_dutch_message(engine, people, fields, message):
    with pytest.raises(DomainError, match=message):
        change(engine, people["pro"], **fields)
    assert login(engine, "pro", factories.PASSWORD) is not None


def test_a_password_the_beheerder_chose_must_be_changed_by_its_owner(engine, people):
    with db.transaction(engine) as session:
        accounts.create_user(
            session=session,
            data=accounts.NewUser("nieuw", "Nieuwe Collega", Role.PROFESSIONAL, "tijdelijk-wachtwoord"),
            actor=people["admin"],
        )
    user = login(engine, "nieuw", "tijdelijk-wachtwoord")
    assert user.must_change_password
    assert change(engine, user, current="tijdelijk-wachtwoord")
    assert not login(engine, "nieuw", NEW).must_change_password

    with db.transaction(engine) as session:
        accounts.reset_password(session=session, user_id=user.id, password="weer-tijdelijk-1", actor=people["admin"])
    assert login(engine, "nieuw", "weer-tijdelijk-1").must_change_password


def test_the_beheerders_own_reset_and_the_command_line_need_no_forced_change(engine, people):
    with db.transaction(engine) as session:
        accounts.reset_password(session=session, user_id=people["admin"].id, password=NEW, actor=people["admin"])
        accounts.create_user(
            session=session, data=accounts.NewUser("eerste", "Eerste Beheerder", Role.BEHEERDER, NEW), actor=None
        )
    assert not login(engine, "admin", NEW).must_change_password
    assert not login(engine, "eerste", NEW).must_change_password


def test_only_the_beheerder_resets_a_password(engine, people):
    with pytest.raises(NotAllowed), db.transaction(engine) as session:
        accounts.reset_password(session=session, user_id=people["pro"].id, password=NEW, actor=people["pro"])


@pytest.mark.parametrize("how", ["reset", "deactivate"])
def test_reset_and_deactivation_end_every_login_of_the_user(engine, people, how):
    logins = tokens(engine, people["pro"].id, 3)
    (admins,) = tokens(engine, people["admin"].id, 1)
    with db.transaction(engine) as session:
        if how == "reset":
            accounts.reset_password(session=session, user_id=people["pro"].id, password=NEW, actor=people["admin"])
        else:
            accounts.set_active(session=session, user_id=people["pro"].id, active=False, actor=people["admin"])
    assert not any(alive(engine, token) for token in logins)
    assert alive(engine, admins)


def test_logging_out_ends_that_login_only(engine, people):
    browser, phone = tokens(engine, people["pro"].id, 2)
    with db.transaction(engine) as session:
        accounts.revoke_token(session=session, token=browser)
    assert not alive(engine, browser) and alive(engine, phone)


def test_the_login_check_reads_the_must_change_flag(engine, people):
    (token,) = tokens(engine, people["pro"].id, 1)
    with db.transaction(engine) as session:
        session.get(User, people["pro"].id).must_change_password = True
    with db.read(engine) as session:
        assert accounts.user_for_token(session=session, token=token).must_change_password
