"""Edit conflicts: every row people edit at the same time carries a version (SQLAlchemy's
`version_id_col`), and every change says which version the user saw when the screen was drawn.

`check(row, expected_version)` refuses a change made on a stale screen, with a Dutch message naming
what changed. The UPDATE itself also carries `WHERE version = <seen>`; when another transaction won
the race after the check, SQLAlchemy raises StaleDataError, which `db.transaction()` turns into the
same Conflict through `stale_conflict`.
"""

from __future__ import annotations

import re

from lib.core.errors import Conflict
from lib.models import Action, Case, LearningSession, PresenceConfirmation, Series, Template, Theme

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
