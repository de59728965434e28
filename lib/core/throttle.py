"""Attempt limiting for everything that can be guessed (passwords, join codes), in one place.

Failed attempts are counted per key (a user name, a browser, a network address) within WINDOW. After
that window an attempt has no purpose left, and it holds personal data (a user name or an address): it
is deleted whenever a new failure is written, and by `python -m lib.cli purge` (cron) for quiet times.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, select
from sqlalchemy.orm import Session

from lib.core.errors import DomainError
from lib.models import LoginAttempt, utcnow

WINDOW = dt.timedelta(minutes=15)
KEY_LENGTH = 120  # LoginAttempt.key


def _key(key: str) -> str:
    return key[:KEY_LENGTH]


def _failures(*, session: Session, scope: str, key: str, now: dt.datetime | None = None) -> int:
    """How many failed attempts `key` made in `scope` within the window."""
    since = (now or utcnow()) - WINDOW
    return (
        session.scalar(
            select(func.count())
            .select_from(LoginAttempt)
            .where(LoginAttempt.scope == scope, LoginAttempt.key == _key(key), LoginAttempt.at >= since)
        )
        or 0
    )


def refuse_if_exceeded(
    *, session: Session, scope: str, limits: Iterable[tuple[str, int]], message: str, now: dt.datetime | None = None
) -> None:
    """Raise DomainError(message) when any key has reached its limit of failures within the window."""
    for key, limit in limits:
        if _failures(session=session, scope=scope, key=key, now=now) >= limit:
            raise DomainError(message)


def record_failure(*, session: Session, scope: str, keys: Iterable[str], now: dt.datetime | None = None) -> None:
    """Count a failed attempt for each key, and forget the attempts that have left the window.

    Commit the transaction also when the caller goes on to raise, so the failure is kept.
    """
    now = now or utcnow()
    purge(session=session, now=now)
    session.add_all([LoginAttempt(scope=scope, key=_key(key), at=now) for key in keys])


def purge(*, session: Session, now: dt.datetime | None = None) -> int:
    """Delete every attempt older than the window; returns how many."""
    # A bulk DELETE returns a CursorResult (with its rowcount); Session.execute is typed as a plain Result.
    result = cast(
        CursorResult[Any],
        session.execute(
            delete(LoginAttempt)
            .where(LoginAttempt.at < (now or utcnow()) - WINDOW)
            .execution_options(synchronize_session=False)
        ),
    )
    return result.rowcount or 0
