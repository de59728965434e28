"""Attempt limiting for everything that can be guessed (passwords, join codes), in one place.

Failed attempts are counted per key (a user name, a browser, a network address) within WINDOW. A key
gets a number of free failures; after that every further attempt must wait an exponentially growing
delay since that key's last failure (1 s, 2 s, 4 s, … up to its cap). There is no hard lock: an attacker
slows himself down, but cannot lock the real user out for good (see SECURITY.md, "Limits").

Checking and counting are atomic: `check` first takes a lock per key that is held until the transaction
ends (PostgreSQL: a transaction-level advisory lock; SQLite: the write transaction's BEGIN IMMEDIATE
already serialises writers), so parallel guesses are counted one after the other and none slips through.

After the window an attempt has no purpose left, and it holds personal data (a user name or an address):
it is deleted whenever a new failure is written, and by `python -m lib.cli purge` (cron) for quiet times.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, select, text
from sqlalchemy.orm import Session

from lib.core.errors import DomainError
from lib.models import LoginAttempt, utcnow

WINDOW = dt.timedelta(minutes=15)
KEY_LENGTH = 120  # LoginAttempt.key
FIRST_DELAY = dt.timedelta(seconds=1)


@dataclass(frozen=True)
class Limit:
    """`free` failures of `key` pass without delay; then each attempt waits 1 s, 2 s, 4 s … (at most `cap`)
    after the key's last failure."""

    key: str
    free: int
    cap: dt.timedelta = WINDOW


class Throttled(DomainError):
    """Too many recent failures: try again after `wait` (a Dutch message says how long)."""

    def __init__(self, message: str, wait: dt.timedelta) -> None:
        super().__init__(message)
        self.wait = wait


def _key(key: str) -> str:
    return key[:KEY_LENGTH]


def delay(failures: int, *, free: int, cap: dt.timedelta) -> dt.timedelta:
    """The back-off after `failures` failures within the window: none up to `free`, then doubling."""
    if failures < free:
        return dt.timedelta(0)
    exponent = min(failures - free, 40)  # 2**40 s is far beyond any cap
    return min(FIRST_DELAY * (2**exponent), cap)


def wait_text(wait: dt.timedelta) -> str:
    """'10 seconden', '2 minuten': how long to wait, rounded up, in Dutch."""
    seconds = max(1, math.ceil(wait.total_seconds()))
    if seconds < 60:
        return "1 seconde" if seconds == 1 else f"{seconds} seconden"
    minutes = math.ceil(seconds / 60)
    return "1 minuut" if minutes == 1 else f"{minutes} minuten"


def _lock_id(scope: str, key: str) -> int:
    """A stable signed 64-bit number for an advisory lock (the same in every process)."""
    digest = hashlib.sha256(f"{scope}\x00{_key(key)}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def lock(*, session: Session, scope: str, keys: Iterable[str]) -> None:
    """Serialise attempts on these keys until the transaction ends (sorted: two callers never deadlock)."""
    if session.get_bind().dialect.name != "postgresql":
        return  # SQLite: lib.core.db.transaction() begins with BEGIN IMMEDIATE, one writer at a time
    for lock_id in sorted({_lock_id(scope, key) for key in keys}):
        session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": lock_id})


@dataclass(frozen=True)
class Record:
    failures: int
    last: dt.datetime | None


def failures(*, session: Session, scope: str, key: str, now: dt.datetime | None = None) -> Record:
    """How many failed attempts `key` made in `scope` within the window, and the last one's time."""
    since = (now or utcnow()) - WINDOW
    count, last = session.execute(
        select(func.count(), func.max(LoginAttempt.at)).where(
            LoginAttempt.scope == scope, LoginAttempt.key == _key(key), LoginAttempt.at >= since
        )
    ).one()
    return Record(count or 0, last)


def remaining(*, session: Session, scope: str, limits: Sequence[Limit], now: dt.datetime | None = None) -> dt.timedelta:
    """How long the caller must still wait before the next attempt (zero: go ahead)."""
    now = now or utcnow()
    longest = dt.timedelta(0)
    for limit in limits:
        record = failures(session=session, scope=scope, key=limit.key, now=now)
        if record.last is None:
            continue
        last = record.last if record.last.tzinfo else record.last.replace(tzinfo=dt.UTC)
        left = last + delay(record.failures, free=limit.free, cap=limit.cap) - now
        longest = max(longest, left)
    return longest


def check(
    *, session: Session, scope: str, limits: Sequence[Limit], message: str, now: dt.datetime | None = None
) -> None:
    """Lock the keys, then raise Throttled when any must still wait. `message` may use {wait}."""
    lock(session=session, scope=scope, keys=[limit.key for limit in limits])
    left = remaining(session=session, scope=scope, limits=limits, now=now)
    if left > dt.timedelta(0):
        raise Throttled(message.format(wait=wait_text(left)), left)


def record_failure(*, session: Session, scope: str, keys: Iterable[str], now: dt.datetime | None = None) -> None:
    """Count a failed attempt for each key, and forget the attempts that have left the window.

    Commit the transaction also when the caller goes on to raise, so the failure is kept.
    """
    now = now or utcnow()
    purge(session=session, now=now)
    session.add_all([LoginAttempt(scope=scope, key=_key(key), at=now) for key in keys])
    session.flush()


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


# --- logins ---------------------------------------------------------------------------------------
# Per user name: 5 free failures, then back-off up to the window. Per address: 20 free (an office
# shares one address), then back-off up to the window. A login from an address without failures in the
# window waits at most CLEAN_ADDRESS_WAIT for the user name: someone guessing a colleague's password
# slows down that name, but the colleague at her own desk is only briefly held up.

LOGIN_FREE_PER_NAME = 5
LOGIN_FREE_PER_ADDRESS = 20
CLEAN_ADDRESS_WAIT = dt.timedelta(seconds=30)
LOGIN_THROTTLED = "Te veel mislukte pogingen. Probeer het over {wait} opnieuw."


def _login_keys(username: str, address: str | None) -> tuple[str, str | None]:
    return username, (f"net:{address}" if address else None)


def check_login(*, session: Session, username: str, address: str | None, now: dt.datetime | None = None) -> None:
    """Lock and check the limits of a login attempt; raises Throttled (with how long to wait)."""
    name_key, address_key = _login_keys(username, address)
    lock(session=session, scope="login", keys=[k for k in (name_key, address_key) if k])
    clean = address_key is not None and failures(session=session, scope="login", key=address_key, now=now).failures == 0
    limits = [Limit(name_key, LOGIN_FREE_PER_NAME, CLEAN_ADDRESS_WAIT if clean else WINDOW)]
    if address_key:
        limits.append(Limit(address_key, LOGIN_FREE_PER_ADDRESS))
    check(session=session, scope="login", limits=limits, message=LOGIN_THROTTLED, now=now)


def record_login_failure(
    *, session: Session, username: str, address: str | None, now: dt.datetime | None = None
) -> dt.timedelta:
    """Count a failed login; returns the back-off the user name now has (zero while failures are free)."""
    name_key, address_key = _login_keys(username, address)
    record_failure(session=session, scope="login", keys=[k for k in (name_key, address_key) if k], now=now)
    return delay(
        failures(session=session, scope="login", key=name_key, now=now).failures, free=LOGIN_FREE_PER_NAME, cap=WINDOW
    )
