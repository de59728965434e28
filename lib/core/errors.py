"""Domain errors: raised in lib/, shown by pages as a clear Dutch message."""


class DomainError(ValueError):
    """A rule was broken by the input; `str(error)` is the Dutch message for the user."""


class NotAllowed(DomainError):
    """The user may not read or change this."""


class NotFound(DomainError):
    """The thing asked for does not exist (or is not visible to this user)."""


class Conflict(DomainError):
    """Somebody else changed this in the meantime (version check)."""
