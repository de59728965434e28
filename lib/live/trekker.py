"""Who a typed trekker is: a name typed in the projector's trekker box prefers an existing user.

"Marco" + Enter means the user "Marco de Bruijn (Woonstede)" when he is the only one that fits, so the
action reaches his Mijn acties and his reminders; a name that fits nobody (or several) stays free text.
"""

from __future__ import annotations

from collections.abc import Mapping


def _words(text: str) -> list[str]:
    return text.casefold().replace("(", " ").replace(")", " ").split()


def match_trekker(typed: str | None, choices: Mapping[str, int]) -> str | None:
    """The choice (a label of `choices`) that `typed` means, or None when it means nobody in particular.

    A choice fits when every typed word starts a word of its label ("marco", "m de bruijn",
    "bruijn woonstede"); exactly one fitting choice is taken, also for a label typed in full.
    """
    text = (typed or "").strip()
    if not text:
        return None
    if text in choices:
        return text
    wanted = _words(text)
    fitting = [label for label in choices if all(any(word.startswith(w) for word in _words(label)) for w in wanted)]
    return fitting[0] if len(fitting) == 1 else None
