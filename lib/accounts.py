"""Accounts and logins: argon2 password hashes, login tokens, user admin, changing a password.

Every login is a token: 32 random bytes kept by the browser tab (and in a cookie with "Ingelogd
blijven", shared by the browser's tabs); only its SHA-256 is stored, with an expiry. Every run of a
page checks it (`user_for_token`, one indexed lookup), so deleting it ends the login in every tab at
its next action: logging out deletes the browser's token; a password reset, a deactivation or an
erasure deletes all of the user's tokens.

A password the beheerder chose (a new account, a reset) must be changed by its owner first
(`must_change_password`); `change_own_password` asks for the current one.

Single sign-on (OpenID Connect, st.login) ends here too: `user_for_sso` matches the provider's claims
to an account by verified e-mail address, without Streamlit, so the rule is tested on its own.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from lib.core import audit, policy, throttle
from lib.core.errors import DomainError, NotAllowed
from lib.core.validation import LIKE_ESCAPE, clean_text, contains_pattern
from lib.models import AuthToken, Organisation, Role, User, utcnow

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("timing-equaliser-for-unknown-users")

LOGIN_FAILED = "Onbekende gebruikersnaam of onjuist wachtwoord."
MAX_FAILED_LOGINS = throttle.LOGIN_FREE_PER_NAME  # then each attempt waits longer (lib/core/throttle.py)
MIN_PASSWORD_LENGTH = 10
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,59}$")

SSO_UNVERIFIED = (
    "Uw organisatie heeft uw e-mailadres niet als bevestigd doorgegeven, dus wij kunnen u niet aan een "
    "account koppelen. Vraag uw ICT-afdeling om het e-mailadres te laten bevestigen."
)
SSO_UNKNOWN = (
    "U bent aangemeld als {email}, maar er is in Leersessie geen account met dit e-mailadres. "
    "Vraag de beheerder van Leersessie om een account voor u aan te maken; daarna kunt u hier inloggen."
)
SSO_INACTIVE = "Het account met het e-mailadres {email} is uitgeschakeld. Neem contact op met de beheerder."
SSO_AMBIGUOUS = (
    "Er zijn meer accounts met het e-mailadres {email}. Vraag de beheerder om dit op te lossen; "
    "tot dan kunt u niet via uw organisatie inloggen."
)


@dataclass(frozen=True)
class CurrentUser:
    """The logged-in user as plain data: safe to keep in a page between reruns."""

    id: int
    username: str
    display_name: str
    role: Role
    organisation_id: int | None
    must_change_password: bool = False

    @classmethod
    def of(cls, user: User) -> CurrentUser:
        return cls(
            user.id,
            user.username,
            user.display_name,
            Role(user.role),
            user.organisation_id,
            bool(user.must_change_password),
        )


@dataclass(frozen=True)
class NewUser:
    username: str
    display_name: str
    role: Role | str
    password: str
    organisation_id: int | None = None
    email: str | None = None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def authenticate(
    *, session: Session, username: str, password: str, address: str | None = None, now: dt.datetime | None = None
) -> CurrentUser | None:
    """The user for these credentials, or None (the failure is recorded: commit the transaction).

    Empty fields and too many recent failures (per user name and per network `address`: lib/core/throttle.py)
    raise a DomainError; a wrong password and an unknown user look the same to the caller (show LOGIN_FAILED).
    """
    username = (username or "").strip().lower()
    if not username or not password:
        raise DomainError("Vul uw gebruikersnaam en wachtwoord in.")
    throttle.check_login(session=session, username=username, address=address, now=now)
    user = session.scalar(select(User).where(User.username == username))
    # Verify against a dummy hash for unknown users so the answer takes as long either way.
    ok = _verify(user.password_hash if user else _DUMMY_HASH, password)
    if not user or not ok or not user.active:
        wait = throttle.record_login_failure(session=session, username=username, address=address, now=now)
        audit.record(session=session, event="login_failed", user_id=user.id if user else None, known_user=bool(user))
        if wait:
            audit.record(
                session=session,
                event="login_backoff",
                user_id=user.id if user else None,
                seconds=int(wait.total_seconds()),
            )
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    audit.record(session=session, event="login", user_id=user.id, entity="user", entity_id=user.id)
    return CurrentUser.of(user)


def _claim_true(value: object) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def verified_email(claims: Mapping[str, object]) -> str | None:
    """The e-mail address from an ID token's claims, only if the provider vouches for it.

    Standard OpenID Connect says so with `email_verified`; Microsoft Entra ID with the optional claim
    `xms_edov` (the domain owner verified it). Anything else is not trusted: an address a user typed
    in at the provider would let them take over someone else's account.
    """
    email = claims.get("email")
    if not isinstance(email, str) or not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email.strip()):
        return None
    if not (_claim_true(claims.get("email_verified")) or _claim_true(claims.get("xms_edov"))):
        return None
    return email.strip().lower()


def _username_from_email(session: Session, email: str) -> str:
    base = re.sub(r"[^a-z0-9._-]", "", email.split("@", 1)[0].lower()).strip("._-")[:50] or "gebruiker"
    if len(base) < 2:
        base = f"{base}-sso"
    candidate, number = base, 1
    while session.scalar(select(User.id).where(User.username == candidate)) is not None:
        number += 1
        candidate = f"{base}{number}"
    return candidate


def user_for_sso(*, session: Session, claims: Mapping[str, object], new_users: str = "refuse") -> CurrentUser:
    """The account for someone the OpenID provider signed in (commit the transaction: it is audited).

    Matched by verified e-mail address, ignoring case. An unknown address raises a DomainError with a
    Dutch message, or (new_users="professional") gets a new professional account without a password.
    """
    email = verified_email(claims)
    if email is None:
        raise DomainError(SSO_UNVERIFIED)
    users = list(session.scalars(select(User).where(func.lower(func.trim(User.email)) == email)))
    if len(users) > 1:
        raise DomainError(SSO_AMBIGUOUS.format(email=email))
    if users:
        user = users[0]
        if not user.active:
            raise DomainError(SSO_INACTIVE.format(email=email))
    elif new_users == "professional":
        name = claims.get("name")
        display_name = clean_text(
            name if isinstance(name, str) and name.strip() else email, field="Naam", max_length=120
        )
        user = User(
            username=_username_from_email(session, email),
            display_name=display_name,
            role=str(Role.PROFESSIONAL),
            email=email,
            # Nobody knows this password: the account signs in through the organisation only.
            password_hash=hash_password(secrets.token_urlsafe(32)),
        )
        session.add(user)
        session.flush()
        audit.record(session=session, event="user_created", user_id=None, entity="user", entity_id=user.id, via="sso")
    else:
        raise DomainError(SSO_UNKNOWN.format(email=email))
    user.last_login_at = utcnow()
    audit.record(session=session, event="login", user_id=user.id, entity="user", entity_id=user.id, via="sso")
    return CurrentUser.of(user)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(*, session: Session, user_id: int, days: int) -> tuple[str, dt.datetime]:
    """A new login token for the cookie, and when it expires."""
    token = secrets.token_urlsafe(32)
    expires = utcnow() + dt.timedelta(days=days)
    session.add(AuthToken(user_id=user_id, token_hash=_token_hash(token), expires_at=expires))
    session.execute(delete(AuthToken).where(AuthToken.expires_at < utcnow()))
    return token, expires


def user_for_token(*, session: Session, token: str | None) -> CurrentUser | None:
    """The user whose login this token is, if it still is one: one indexed query, every run of a page."""
    if not isinstance(token, str) or not token or len(token) > 200:
        return None
    row = session.execute(
        select(User, AuthToken.expires_at)
        .join(AuthToken, AuthToken.user_id == User.id)
        .where(AuthToken.token_hash == _token_hash(token))
    ).first()
    if row is None:
        return None
    user, expires_at = row
    if expires_at <= utcnow() or not user.active:
        return None
    return CurrentUser.of(user)


def revoke_token(*, session: Session, token: str | None) -> None:
    """Log out: the login of this browser ends, in each of its tabs at its next action."""
    if token:
        session.execute(delete(AuthToken).where(AuthToken.token_hash == _token_hash(token)))


def end_logins(*, session: Session, user_id: int, keep_token: str | None = None) -> None:
    """End every login of this user (every device, every tab), except the one holding `keep_token`."""
    query = delete(AuthToken).where(AuthToken.user_id == user_id)
    if keep_token:
        query = query.where(AuthToken.token_hash != _token_hash(keep_token))
    session.execute(query)


def get_user(*, session: Session, user_id: int) -> CurrentUser | None:
    user = session.get(User, user_id)
    return CurrentUser.of(user) if user and user.active else None


def check_password_strength(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise DomainError(f"Het wachtwoord moet minstens {MIN_PASSWORD_LENGTH} tekens lang zijn.")
    if len(password) > 200:
        raise DomainError("Het wachtwoord mag hoogstens 200 tekens lang zijn.")


def _validated(session: Session, data: NewUser) -> NewUser:
    username = clean_text(data.username, field="Gebruikersnaam", max_length=60).lower()
    if not USERNAME_PATTERN.match(username):
        raise DomainError(
            "Gebruikersnaam: gebruik 2 tot 60 kleine letters, cijfers, punt, streepje of liggend streepje."
        )
    display_name = clean_text(data.display_name, field="Naam", max_length=120)
    try:
        role = Role(data.role)
    except ValueError:
        raise DomainError("Kies een geldige rol.") from None
    email = clean_text(data.email, field="E-mailadres", max_length=254, required=False) or None
    if email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        raise DomainError("E-mailadres is ongeldig.")
    if data.organisation_id is not None and session.get(Organisation, data.organisation_id) is None:
        raise DomainError("Die organisatie bestaat niet.")
    if role == Role.MANAGER and data.organisation_id is None:
        raise DomainError("Een manager hoort bij een organisatie: kies er een.")
    check_password_strength(data.password)
    return NewUser(username, display_name, role, data.password, data.organisation_id, email)


def create_user(*, session: Session, data: NewUser, actor: CurrentUser | None) -> User:
    """Create an account. Only a beheerder may (actor None is the command line)."""
    if actor is not None:
        policy.require(actor, "user.manage")
    data = _validated(session, data)
    if session.scalar(select(User.id).where(User.username == data.username)) is not None:
        raise DomainError(f"De gebruikersnaam '{data.username}' bestaat al.")
    user = User(
        username=data.username,
        display_name=data.display_name,
        role=str(data.role),
        organisation_id=data.organisation_id,
        email=data.email,
        password_hash=hash_password(data.password),
        # The beheerder chose this password (the command line's beheerder chose their own).
        must_change_password=actor is not None,
    )
    session.add(user)
    session.flush()
    audit.record(
        session=session,
        event="user_created",
        user_id=actor.id if actor else None,
        entity="user",
        entity_id=user.id,
        role=str(data.role),
    )
    return user


def set_active(*, session: Session, user_id: int, active: bool, actor: CurrentUser) -> None:
    policy.require(actor, "user.manage")
    if user_id == actor.id and not active:
        raise DomainError("U kunt uw eigen account niet uitschakelen.")
    user = session.get(User, user_id)
    if user is None:
        raise DomainError("Die gebruiker bestaat niet.")
    user.active = active
    if not active:
        end_logins(session=session, user_id=user_id)
    audit.record(
        session=session, event="user_active", user_id=actor.id, entity="user", entity_id=user_id, active=active
    )


def reset_password(*, session: Session, user_id: int, password: str, actor: CurrentUser) -> None:
    """The beheerder sets a user's password: every login of that user ends, and the user must choose a
    new password at the next login (unless the beheerder reset their own)."""
    policy.require(actor, "user.manage")
    check_password_strength(password)
    user = session.get(User, user_id)
    if user is None:
        raise DomainError("Die gebruiker bestaat niet.")
    user.password_hash = hash_password(password)
    user.must_change_password = user_id != actor.id
    end_logins(session=session, user_id=user_id)
    audit.record(session=session, event="password_reset", user_id=actor.id, entity="user", entity_id=user_id)


WRONG_CURRENT_PASSWORD = "Uw huidige wachtwoord klopt niet."


def change_own_password(
    *,
    session: Session,
    user: CurrentUser,
    current_password: str,
    new_password: str,
    repeated: str,
    keep_token: str | None,
) -> bool:
    """The user changes their own password: the current one, the new one twice. False (and nothing
    changed) when the current password is wrong: that counts as a failed login, so commit either way.

    Every other login of the user ends (a stolen session does not outlive the change); the login
    holding `keep_token` (this browser) goes on.
    """
    policy.require(user, "user.own_password")
    if not current_password or not new_password:
        raise DomainError("Vul uw huidige wachtwoord en het nieuwe wachtwoord in.")
    if new_password != repeated:
        raise DomainError("De twee nieuwe wachtwoorden zijn niet gelijk.")
    check_password_strength(new_password)
    row = session.get(User, user.id)
    if row is None or not row.active:
        raise NotAllowed("Uw account is niet (meer) actief.")
    throttle.check_login(session=session, username=row.username, address=None)
    if not _verify(row.password_hash, current_password):
        throttle.record_login_failure(session=session, username=row.username, address=None)
        audit.record(session=session, event="login_failed", user_id=row.id, known_user=True, form="own_password")
        return False
    if new_password == current_password:
        raise DomainError("Kies een ander wachtwoord dan het huidige.")
    row.password_hash = hash_password(new_password)
    row.must_change_password = False
    end_logins(session=session, user_id=row.id, keep_token=keep_token)
    audit.record(session=session, event="password_changed", user_id=row.id, entity="user", entity_id=row.id)
    return True


def list_users(*, session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.display_name)))


USERS_SHOWN = 50  # the beheerder's list: a search narrows it, however many accounts there are


def find_users(*, session: Session, search: str = "", limit: int = USERS_SHOWN) -> tuple[list[User], int]:
    """Accounts whose name, user name or e-mail address contains `search` (any case), by name, at most
    `limit` of them, and how many match in all."""
    query = select(User)
    if search.strip():
        pattern = contains_pattern(search)
        query = query.where(
            or_(
                User.display_name.ilike(pattern, escape=LIKE_ESCAPE),
                User.username.ilike(pattern, escape=LIKE_ESCAPE),
                User.email.ilike(pattern, escape=LIKE_ESCAPE),
            )
        )
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    return list(session.scalars(query.order_by(User.display_name, User.id).limit(limit))), total


def list_organisations(*, session: Session, include_inactive: bool = False) -> list[Organisation]:
    query = select(Organisation).order_by(Organisation.name)
    if not include_inactive:
        query = query.where(Organisation.active.is_(True))
    return list(session.scalars(query))


def create_organisation(*, session: Session, name: str, kind: str, actor: CurrentUser) -> Organisation:
    policy.require(actor, "user.manage")
    name = clean_text(name, field="Naam van de organisatie", max_length=120)
    kind = clean_text(kind, field="Soort organisatie", max_length=40, required=False) or "overig"
    if session.scalar(select(Organisation.id).where(func.lower(Organisation.name) == name.lower())):
        raise DomainError(f"De organisatie '{name}' bestaat al.")
    organisation = Organisation(name=name, kind=kind)
    session.add(organisation)
    session.flush()
    audit.record(
        session=session,
        event="organisation_created",
        user_id=actor.id,
        entity="organisation",
        entity_id=organisation.id,
    )
    return organisation
