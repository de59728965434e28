"""Every unique constraint a user can run into ends in a Dutch Conflict, never an IntegrityError
(issue 15: a double-tapped evaluation raised one on PostgreSQL), also with parallel requests."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import func, select

from lib import accounts
from lib.core import db
from lib.core.errors import Conflict, DomainError
from lib.models import Attendance, Organisation, Role, User
from lib.planning import attendance
from tests import factories as f


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (lambda: Organisation(name="Wijkteam Noord", kind="wijkteam"), "Er is al een organisatie met deze naam"),
        (
            lambda: User(username="dubbel", display_name="X", role="professional", password_hash="x"),
            "Deze gebruikersnaam bestaat al",
        ),
    ],
)
def test_a_duplicate_gets_the_dutch_message_of_its_constraint(engine, row, message):
    with db.transaction(engine) as session:
        f.organisation(session, "Wijkteam Noord", "wijkteam")
        f.user(session, Role.PROFESSIONAL, username="dubbel")
    with pytest.raises(Conflict, match=message) as caught, db.transaction(engine) as session:
        session.add(row())
    assert "U ziet nu de actuele stand" in str(caught.value)


def test_a_reference_to_a_row_that_is_gone_gets_a_dutch_message(engine):
    with pytest.raises(Conflict, match="intussen verwijderd"), db.transaction(engine) as session:
        session.add(Attendance(session_id=999_999, user_id=None, guest_name="Gast", role="guest"))  # no such session


def test_a_unique_constraint_without_its_own_message_gets_a_generic_one(engine):
    with db.transaction(engine) as session:
        meeting = f.learning_session(session, date=dt.date(2026, 9, 8))
        meeting.join_code = "ABCD2345"
        other = f.learning_session(session, date=dt.date(2026, 9, 15))
    with pytest.raises(Conflict, match="Dit is intussen al vastgelegd"), db.transaction(engine) as session:
        session.get(type(other), other.id).join_code = "ABCD2345"


def run_at_once(count: int, work) -> list[object]:
    """Run `work(i)` in `count` threads released together; each result or the exception it raised."""
    barrier = threading.Barrier(count)
    results: list[object] = [None] * count

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = work(index)
        except Exception as error:  # collected and checked by the test
            results[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_parallel_new_users_with_one_name_make_one_account_and_dutch_refusals(engine):
    with db.transaction(engine) as session:
        admin = f.current(f.user(session, Role.BEHEERDER, username="admin"))

    def create(index: int) -> int:
        data = accounts.NewUser("tweeling", f"Tweeling {index}", Role.PROFESSIONAL, "een-lang-wachtwoord")
        with db.transaction(engine) as session:
            return accounts.create_user(session=session, data=data, actor=admin).id

    results = run_at_once(6, create)
    assert sum(isinstance(r, int) for r in results) == 1
    refusals = [r for r in results if not isinstance(r, int)]
    assert all(isinstance(r, DomainError) and "bestaat al" in str(r) for r in refusals), refusals
    with db.read(engine) as session:
        assert session.scalar(select(func.count()).select_from(User).where(User.username == "tweeling")) == 1


def test_parallel_sign_ups_from_two_tabs_make_one_sign_up_and_no_crash(engine):
    today = dt.date(2026, 9, 1)
    with db.transaction(engine) as session:
        me = f.current(f.user(session, Role.PROFESSIONAL, username="priya"))
        meeting = f.learning_session(session, date=dt.date(2026, 9, 8))

    def sign_up(_index: int) -> int:
        with db.transaction(engine) as session:
            return attendance.sign_up(
                session=session, learning_session_id=meeting.id, actor=me, today=today, expected_version=meeting.version
            ).id

    results = run_at_once(6, sign_up)
    assert all(isinstance(r, int) or (isinstance(r, Conflict) and "al aangemeld" in str(r)) for r in results), results
    with db.read(engine) as session:
        assert session.scalar(select(func.count()).select_from(Attendance)) == 1
