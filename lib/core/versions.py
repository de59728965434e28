"""Edit conflicts: every row people edit at the same time carries a version (SQLAlchemy's
`version_id_col`), and every change says which version the user saw when the screen was drawn.

`check(row, expected_version)` refuses a change made on a stale screen, with a Dutch message naming
what changed. The UPDATE itself also carries `WHERE version = <seen>`; when another transaction won
the race after the check, SQLAlchemy raises StaleDataError, which `db.transaction()` turns into the
same Conflict through `stale_conflict`.

Two clicks (or two people) that insert the same thing at once meet at a unique constraint instead:
`integrity_conflict` turns the database's IntegrityError into a Conflict with a Dutch message, specific
where the constraint says what it protects (a user name, a sign-up, an evaluation), generic otherwise;
so does a reference to a row somebody deleted meanwhile.
"""

from __future__ import annotations

import re

from sqlalchemy import UniqueConstraint

from lib.core.errors import Conflict
from lib.models import Action, Base, Case, LearningSession, PresenceConfirmation, Series, Template, Theme

# What a conflict is about, in the words of the screen.
NOUNS: dict[type[Action | Case | LearningSession | PresenceConfirmation | Series | Template | Theme], str] = {
    Action: "Deze vervolgactie",
    Case: "Deze casus",
    LearningSession: "Deze leersessie",
    Series: "Deze reeks",
    Template: "Deze werkvorm",
    PresenceConfirmation: "De aanwezigheidslijst",
    Theme: "Dit thema",
}
VERSIONED = tuple(NOUNS)
_NOUN_BY_TABLE = {model.__tablename__: noun for model, noun in NOUNS.items()}
_TABLE_IN_MESSAGE = re.compile(r"table '([^']+)'")

AFTER = "U ziet nu de actuele stand; probeer het zo nodig opnieuw."

# What a unique constraint protects, by (table, columns), in the words of the screen.
UNIQUE_MESSAGES: dict[tuple[str, tuple[str, ...]], str] = {
    ("app_user", ("username",)): "Deze gebruikersnaam bestaat al. Kies een andere gebruikersnaam.",
    ("organisation", ("name",)): "Er is al een organisatie met deze naam.",
    ("template", ("name",)): "Er is al een werkvorm met deze naam.",
    ("series", ("name",)): "Er is al een reeks met deze naam.",
    ("attendance", ("session_id", "user_id")): "Deze persoon is al aangemeld voor deze leersessie.",
    ("evaluation", ("session_id", "participant_key")): "Uw evaluatie voor deze leersessie is al ontvangen.",
    ("group_member", ("attendance_id",)): "Deze deelnemer zit intussen al in een groep.",
    ("session_group", ("session_id", "number")): "De groepen van deze leersessie zijn intussen gewijzigd.",
    ("session_group", ("session_id", "case_id")): "Deze casus is intussen al aan een groep gegeven.",
}
ALREADY = "Dit is intussen al vastgelegd (door een dubbele klik, of door iemand anders)."
GONE = "Iets wat u koos, is intussen verwijderd of gewijzigd."
_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: ([\w.,\s]+)")


def message(noun: str, now: str = "") -> str:
    """'Deze casus is intussen gewijzigd: de status is nu …. U ziet nu de actuele stand; …'"""
    return f"{noun} is intussen gewijzigd{': ' + now if now else ''}. {AFTER}"


def check(row: object, expected_version: int, *, now: str = "") -> None:
    """Refuse the change unless `row` is still at the version the user saw; `now` says what it is now.

    The version moves on by itself when the row is written (a change that only touches children, like
    the rounds of a werkvorm, must also touch the row, e.g. its `updated_at`).
    """
    if not isinstance(row, VERSIONED):
        raise TypeError(f"{type(row).__name__} has no version column")
    if not isinstance(expected_version, int) or isinstance(expected_version, bool):
        # Never "skip the check": a caller without the version the user saw is a bug.
        raise TypeError("expected_version must be the version the user saw (an int)")
    if row.version != expected_version:
        raise Conflict(message(NOUNS[type(row)], now))


def stale_conflict(error: Exception) -> Conflict:
    """The Conflict for SQLAlchemy's StaleDataError (the versioned UPDATE matched no row)."""
    found = _TABLE_IN_MESSAGE.search(str(error))
    noun = _NOUN_BY_TABLE.get(found.group(1) if found else "", "Dit")
    return Conflict(message(noun))


def _unique_key(error: Exception) -> tuple[str, tuple[str, ...]] | None:
    """(table, columns) of the unique constraint behind an IntegrityError, where the driver says so."""
    original = getattr(error, "orig", None)
    name = getattr(getattr(original, "diag", None), "constraint_name", None)  # psycopg (PostgreSQL)
    if name:
        for table in Base.metadata.tables.values():
            for constraint in table.constraints:
                if constraint.name == name and isinstance(constraint, UniqueConstraint):
                    return table.name, tuple(column.name for column in constraint.columns)
            for index in table.indexes:
                if index.name == name:
                    return table.name, tuple(column.name for column in index.columns)
        return None
    found = _SQLITE_UNIQUE.search(str(original or error))  # SQLite: "… failed: table.col, table.col"
    if not found:
        return None
    qualified = [part.strip() for part in found.group(1).split(",")]
    tables = {part.split(".", 1)[0] for part in qualified}
    if len(tables) != 1:
        return None
    return tables.pop(), tuple(part.split(".", 1)[1] for part in qualified)


def integrity_conflict(error: Exception) -> Conflict | None:
    """The Conflict for an IntegrityError a user can cause: a unique constraint (a Dutch message for
    what already exists) or a reference to a row deleted meanwhile. None for anything else (a check or
    trigger that refused: a bug, not a race), which the caller lets through."""
    original = getattr(error, "orig", None)
    state = getattr(original, "sqlstate", None)  # psycopg
    text = str(original or error)
    if state == "23505" or "UNIQUE constraint failed" in text:
        key = _unique_key(error)
        return Conflict(f"{UNIQUE_MESSAGES.get(key, ALREADY) if key else ALREADY} {AFTER}")
    if state == "23503" or "FOREIGN KEY constraint failed" in text:
        return Conflict(f"{GONE} {AFTER}")
    return None
