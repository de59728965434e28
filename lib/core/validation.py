"""Small checks shared by every service: required text, length limits, all with Dutch messages."""

from __future__ import annotations

from lib.core.errors import DomainError


def clean_text(value: str | None, *, field: str, max_length: int, required: bool = True) -> str:
    """Trim `value`; refuse it when required and empty after trimming, or longer than `max_length`.

    The text is otherwise stored exactly as typed: no escaping here, pages render it inert.
    """
    value = (value or "").strip()
    if "\x00" in value:
        raise DomainError(f"{field} bevat een ongeldig teken (NUL). Verwijder het en probeer opnieuw.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: no database can store it
        raise DomainError(f"{field} bevat een ongeldig teken. Verwijder het en probeer opnieuw.") from None
    if required and not value:
        raise DomainError(f"{field} is verplicht.")
    if len(value) > max_length:
        raise DomainError(f"{field} mag hoogstens {max_length} tekens lang zijn (nu {len(value)}).")
    return value


LIKE_ESCAPE = "\\"


def contains_pattern(search: str) -> str:
    """A LIKE pattern for 'contains `search`' where %, _ and the escape itself are plain characters
    (use with `escape=LIKE_ESCAPE`): a search for '50%' finds '50%', not everything."""
    plain = search.strip().replace(LIKE_ESCAPE, 2 * LIKE_ESCAPE).replace("%", r"\%").replace("_", r"\_")
    return f"%{plain}%"
