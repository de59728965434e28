"""Limits a client cannot reset: back-off per user name and per address (no hard lock-out of the real
user), checked and counted atomically so parallel guesses are not all tried, and logged."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from lib import accounts
from lib.core import db, throttle
from lib.core.errors import DomainError
from lib.live import join
from lib.models import AuditLog, LoginAttempt, Role, utcnow
from tests import factories

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def pro(engine):
    with db.transaction(engine) as session:
        return factories.current(factories.user(session, Role.PROFESSIONAL, username="pro"))


def _login(engine, password, *, address=None, now=NOW, username="pro"):
    with db.transaction(engine) as session:
        return accounts.authenticate(session=session, username=username, password=password, address=address, now=now)


def _events(engine, event):
    with db.read(engine) as session:
        return session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.event == event))


def test_the_delay_doubles_after_the_free_failures_up_to_the_cap():
    steps = [throttle.delay(n, free=5, cap=dt.timedelta(minutes=15)).total_seconds() for n in range(4, 17)]
    assert steps == [0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900]


def test_after_the_free_failures_a_login_waits_and_then_may_try_again(engine, pro):
    for _ in range(throttle.LOGIN_FREE_PER_NAME):
        assert _login(engine, "fout-wachtwoord") is None
    with pytest.raises(throttle.Throttled, match="Probeer het over 1 seconde opnieuw") as refused:
        _login(engine, factories.PASSWORD)
    assert refused.value.wait == dt.timedelta(seconds=1)
    # Once the delay is over the right password works: the account was slowed down, never locked.
    assert _login(engine, factories.PASSWORD, now=NOW + dt.timedelta(seconds=1)).username == "pro"


def test_an_attacker_cannot_lock_the_real_user_out_from_elsewhere(engine, pro):
    with db.transaction(engine) as session:  # twelve guesses in the last minutes: a back-off of 128 s
        for minute in range(12):
            throttle.record_login_failure(
                session=session, username="pro", address="203.0.113.66", now=NOW - dt.timedelta(seconds=11 - minute)
            )
    last_failure = NOW
    with pytest.raises(DomainError, match="Te veel mislukte pogingen"):
        _login(engine, factories.PASSWORD, address="203.0.113.66", now=last_failure + dt.timedelta(seconds=31))
    # The colleague at her own desk (an address without failures) waits at most half a minute.
    with pytest.raises(throttle.Throttled) as refused:
        _login(engine, factories.PASSWORD, address="198.51.100.7", now=last_failure + dt.timedelta(seconds=5))
    assert refused.value.wait <= throttle.CLEAN_ADDRESS_WAIT
    user = _login(engine, factories.PASSWORD, address="198.51.100.7", now=last_failure + dt.timedelta(seconds=31))
    assert user is not None and user.username == "pro"


def test_one_address_guessing_many_user_names_is_slowed_down(engine, pro):
    for number in range(throttle.LOGIN_FREE_PER_ADDRESS):
        _login(engine, "geraden", username=f"naam{number}", address="203.0.113.9")
    with pytest.raises(throttle.Throttled):
        _login(engine, "geraden", username="nog-een-naam", address="203.0.113.9")


def test_failed_logins_back_offs_and_logins_are_in_the_audit_log(engine, pro):
    for _ in range(throttle.LOGIN_FREE_PER_NAME):
        _login(engine, "fout-wachtwoord", address="local")
    _login(engine, "fout-wachtwoord", username="onbekend", address="local")
    assert _events(engine, "login_failed") == throttle.LOGIN_FREE_PER_NAME + 1
    assert _events(engine, "login_backoff") == 1
    with db.read(engine) as session:
        details = session.scalars(select(AuditLog.detail).where(AuditLog.event == "login_failed")).all()
    assert {d["known_user"] for d in details} == {True, False}
    assert not any("onbekend" in str(d) or "fout" in str(d) for d in details)  # no typed names or passwords


def _parallel(count, attempt):
    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(attempt, range(count)))


def test_parallel_wrong_passwords_are_not_all_tried(engine, pro):
    """The count-then-insert is atomic: 25 simultaneous guesses try no more than the free failures."""

    def attempt(_number):
        try:
            return _login(engine, "parallel-geraden")
        except DomainError:
            return "refused"

    results = _parallel(25, attempt)
    tried = _events(engine, "login_failed")
    assert tried == throttle.LOGIN_FREE_PER_NAME
    assert results.count("refused") == 25 - tried


def test_parallel_wrong_join_codes_are_not_all_tried(engine):
    """30 simultaneous wrong codes from one phone: only the free ones are tried; from 30 fresh browsers on
    one address (a cookie the client can reset) no more than the address allows."""

    def attempt_from(device):
        def attempt(number):
            with db.transaction(engine) as session:
                try:
                    join.join(
                        session=session,
                        code=f"FOUT{number:04d}",
                        attempt_key=device(number),
                        network_key="192.0.2.5",
                        now=NOW,
                    )
                except throttle.Throttled:
                    return "refused"
                except DomainError:
                    return "wrong"
            return "joined"

        return attempt

    results = _parallel(30, attempt_from(lambda _n: "een-telefoon"))
    assert results.count("wrong") == join.MAX_JOIN_FAILURES
    assert _events(engine, "join_failed") == join.MAX_JOIN_FAILURES


def test_fresh_cookies_do_not_reset_the_address_limit(engine, monkeypatch):
    monkeypatch.setattr(join, "MAX_NETWORK_FAILURES", 12)

    def attempt(number):
        with db.transaction(engine) as session:
            try:
                join.join(
                    session=session, code="FOUTCODE", attempt_key=f"vers-{number}", network_key="192.0.2.5", now=NOW
                )
            except throttle.Throttled:
                return "refused"
            except DomainError:
                return "wrong"
        return "joined"

    results = _parallel(30, attempt)
    assert results.count("wrong") == 12
    with db.read(engine) as session:
        assert (
            session.scalar(select(func.count()).select_from(LoginAttempt).where(LoginAttempt.key == "net:192.0.2.5"))
            == 12
        )


def test_the_wait_is_said_in_dutch():
    assert throttle.wait_text(dt.timedelta(seconds=1)) == "1 seconde"
    assert throttle.wait_text(dt.timedelta(seconds=16)) == "16 seconden"
    assert throttle.wait_text(dt.timedelta(seconds=61)) == "2 minuten"
    assert throttle.wait_text(dt.timedelta(minutes=15)) == "15 minuten"


def test_attempts_now_are_counted_against_real_time(engine, pro):
    assert _login(engine, "fout-wachtwoord", now=None) is None
    with db.read(engine) as session:
        at = session.scalar(select(LoginAttempt.at))
    at = at if at.tzinfo else at.replace(tzinfo=dt.UTC)
    assert abs(at - utcnow()) < dt.timedelta(minutes=1)
