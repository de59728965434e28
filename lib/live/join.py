"""Joining a live session from a phone: join codes, their format, and limited guessing."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from lib.core import audit, throttle
from lib.core.errors import DomainError
from lib.models import Case, Group, LearningSession, Phase, SessionStatus

# 31 symbols without look-alikes (no 0/O, 1/I/L): 8 of them give 31**8 ≈ 8.5e11 codes (≈ 40 bits).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
MAX_JOIN_FAILURES = 10
MAX_NETWORK_FAILURES = 100

WRONG_CODE = "Deze code kennen we niet. Controleer de code op het scherm en probeer het opnieuw."
CLOSED_CODE = "Deze leersessie is afgelopen: de code werkt niet meer."
TOO_MANY_TRIES = "Te veel onjuiste codes geprobeerd. Probeer het over {wait} opnieuw."


def new_join_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str | None) -> str:
    """What a person typed, as a stored code: upper case, without spaces or dashes."""
    return re.sub(r"[^0-9A-Za-z]", "", text or "").upper()[:16]


def format_code(code: str) -> str:
    """'K7QM4XPA' → 'K7QM 4XPA', easier to read aloud and copy."""
    return f"{code[:4]} {code[4:]}" if len(code) == CODE_LENGTH else code


def scoped_key(device_key: str, learning_session_id: int) -> str:
    """What the database keeps of a phone's device key: a key for this one session only.

    HMAC-SHA256 of the session id under the phone's random device key (64 hex characters). The phone
    derives it again from its cookie, so it finds its own contributions, votes and evaluation; the
    stored keys of two sessions cannot be linked to each other or to the phone without that cookie.
    An empty device key stays empty (no device).
    """
    if not device_key:
        return ""
    return hmac.new(
        device_key.encode(), f"leersessie-session:{learning_session_id}".encode(), hashlib.sha256
    ).hexdigest()


# --- joining with the code ----------------------------------------------------------------------


def join(
    *, session: Session, code: str, attempt_key: str, network_key: str | None = None, now: dt.datetime | None = None
) -> int:
    """The id of the open session with this code.

    Wrong codes are counted per `attempt_key` (the visitor's browser: MAX_JOIN_FAILURES free) and per
    `network_key` (the address, which a fresh cookie does not reset: MAX_NETWORK_FAILURES free, a higher
    number because a whole room of phones on one wifi shares an address); beyond them each attempt waits
    a growing delay (lib/core/throttle.py). Commit the transaction also when this raises, so the failed
    attempt is kept.
    """
    limits = [throttle.Limit(f"device:{attempt_key or 'onbekend'}", MAX_JOIN_FAILURES)]
    if network_key:
        limits.append(throttle.Limit(f"net:{network_key}", MAX_NETWORK_FAILURES))
    throttle.check(session=session, scope="join", limits=limits, message=TOO_MANY_TRIES, now=now)
    wanted = normalise_code(code)
    if not wanted:
        raise DomainError("Vul de code in die op het scherm staat.")
    row = session.execute(
        select(LearningSession.id, LearningSession.status, LearningSession.phase).where(
            LearningSession.join_code == wanted
        )
    ).first()
    if row is None:
        throttle.record_failure(session=session, scope="join", keys=[limit.key for limit in limits], now=now)
        wait = throttle.remaining(session=session, scope="join", limits=limits, now=now)
        audit.record(session=session, event="join_failed", user_id=None, backoff_seconds=int(wait.total_seconds()))
        raise DomainError(WRONG_CODE)
    learning_session_id, status, phase = row
    if status != SessionStatus.RUNNING or phase == Phase.CLOSED:
        raise DomainError(CLOSED_CODE)
    audit.record(
        session=session, event="joined", user_id=None, entity="learning_session", entity_id=learning_session_id
    )
    return learning_session_id


# --- the inbrenger on the phone -----------------------------------------------------------------

YOUR_CASE = "Dit is uw casus: uw groep bespreekt de casus die u inbracht."
YOU_LISTEN = "Dit is uw casus. In deze ronde luistert u alleen: de groep bespreekt uw casus, u reageert daarna."


def inbrenger_group(*, session: Session, learning_session_id: int, user_id: int | None) -> int | None:
    """The group of this session that discusses the casus `user_id` submitted (None: not an inbrenger)."""
    if user_id is None:
        return None
    return session.scalar(
        select(Group.id)
        .join(Case, Case.id == Group.case_id)
        .where(Group.session_id == learning_session_id, Case.submitter_id == user_id)
        .order_by(Group.number)
        .limit(1)
    )


def inbrenger_notice(round_plan: dict | None, *, is_inbrenger: bool) -> str | None:
    """What the inbrenger's phone says: that it is their casus, and in a round of a werkvorm that asks
    for it (`inbrenger_listens`: intervisie, oploskoffie) that they only listen now."""
    if not is_inbrenger:
        return None
    if round_plan and round_plan.get("inbrenger_listens"):
        return YOU_LISTEN
    return YOUR_CASE
