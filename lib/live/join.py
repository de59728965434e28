"""Joining a live session from a phone: join codes, their format, and limited guessing."""

from __future__ import annotations

import datetime as dt
import re
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from lib.core import throttle
from lib.core.errors import DomainError
from lib.models import LearningSession, Phase, SessionStatus

# 31 symbols without look-alikes (no 0/O, 1/I/L): 8 of them give 31**8 ≈ 8.5e11 codes (≈ 40 bits).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
MAX_JOIN_FAILURES = 10
MAX_NETWORK_FAILURES = 100

WRONG_CODE = "Deze code kennen we niet. Controleer de code op het scherm en probeer het opnieuw."
CLOSED_CODE = "Deze leersessie is afgelopen: de code werkt niet meer."
TOO_MANY_TRIES = "Te veel onjuiste codes geprobeerd. Wacht een kwartier en probeer het dan opnieuw."


def new_join_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str | None) -> str:
    """What a person typed, as a stored code: upper case, without spaces or dashes."""
    return re.sub(r"[^0-9A-Za-z]", "", text or "").upper()[:16]


def format_code(code: str) -> str:
    """'K7QM4XPA' → 'K7QM 4XPA', easier to read aloud and copy."""
    return f"{code[:4]} {code[4:]}" if len(code) == CODE_LENGTH else code


# --- joining with the code ----------------------------------------------------------------------


def join(
    *, session: Session, code: str, attempt_key: str, network_key: str | None = None, now: dt.datetime | None = None
) -> int:
    """The id of the open session with this code.

    Wrong codes are counted per `attempt_key` (the visitor's browser) and refused after MAX_JOIN_FAILURES
    in throttle.WINDOW; and per `network_key` (the address) after MAX_NETWORK_FAILURES, a higher limit because
    a whole room of phones on one wifi shares an address. Commit the transaction also when this raises,
    so the failed attempt is kept.
    """
    limits = [(f"device:{attempt_key or 'onbekend'}", MAX_JOIN_FAILURES)]
    if network_key:
        limits.append((f"net:{network_key}", MAX_NETWORK_FAILURES))
    throttle.refuse_if_exceeded(session=session, scope="join", limits=limits, message=TOO_MANY_TRIES, now=now)
    wanted = normalise_code(code)
    if not wanted:
        raise DomainError("Vul de code in die op het scherm staat.")
    row = session.execute(
        select(LearningSession.id, LearningSession.status, LearningSession.phase).where(
            LearningSession.join_code == wanted
        )
    ).first()
    if row is None:
        throttle.record_failure(session=session, scope="join", keys=[key for key, _limit in limits], now=now)
        raise DomainError(WRONG_CODE)
    learning_session_id, status, phase = row
    if status != SessionStatus.RUNNING or phase == Phase.CLOSED:
        raise DomainError(CLOSED_CODE)
    return learning_session_id
