"""Failed logins and join-code guesses (with user names and network addresses) are forgotten after the
lock-out window: on every new failure, and by `python -m lib.cli purge`."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from lib import accounts, cli
from lib.core import db, throttle
from lib.core.errors import DomainError
from lib.live import join
from lib.models import LoginAttempt, utcnow

LONG_AGO = dt.timedelta(minutes=16)


def _old_and_recent_attempts(engine) -> None:
    now = utcnow()
    with db.transaction(engine) as session:
        session.add_all(
            [
                LoginAttempt(scope="login", key="j.jansen", at=now - throttle.WINDOW - LONG_AGO),
                LoginAttempt(scope="join", key="net:192.0.2.17", at=now - throttle.WINDOW - LONG_AGO),
                LoginAttempt(scope="join", key="device:oude-browser", at=now - dt.timedelta(days=400)),
                LoginAttempt(scope="login", key="p.devries", at=now - dt.timedelta(minutes=5)),
            ]
        )


def _kept(engine) -> set[str]:
    with db.read(engine) as session:
        return set(session.scalars(select(LoginAttempt.key)))


def test_a_failed_login_forgets_attempts_older_than_the_window(engine):
    _old_and_recent_attempts(engine)
    with db.transaction(engine) as session:
        assert accounts.authenticate(session=session, username="onbekend", password="fout-wachtwoord") is None
    assert _kept(engine) == {"p.devries", "onbekend"}


def test_a_wrong_join_code_forgets_attempts_older_than_the_window(engine):
    _old_and_recent_attempts(engine)
    with db.transaction(engine) as session, pytest.raises(DomainError):
        join.join(session=session, code="ZZZZZZZZ", attempt_key="telefoon", network_key="198.51.100.4")
    assert _kept(engine) == {"p.devries", "device:telefoon", "net:198.51.100.4"}


def test_the_purge_command_removes_old_attempts_and_keeps_recent_ones(engine, capsys):
    _old_and_recent_attempts(engine)
    assert cli.main(["purge"]) == 0
    assert "3 old login and join-code attempt(s) removed." in capsys.readouterr().out
    assert _kept(engine) == {"p.devries"}


def test_recent_failures_still_lock_a_user_name(engine):
    with db.transaction(engine) as session:
        for _ in range(accounts.MAX_FAILED_LOGINS):
            throttle.record_failure(session=session, scope="login", keys=["j.jansen"])
    with db.transaction(engine) as session, pytest.raises(DomainError, match="Te veel mislukte pogingen"):
        accounts.authenticate(session=session, username="j.jansen", password="wat-dan-ook-1")
