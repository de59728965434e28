"""Show user text inert: Markdown and HTML in a casus or contribution are displayed, never interpreted."""

from __future__ import annotations

import html
import re

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~>$:])")


def md_escape(text: str) -> str:
    """Escape `text` for st.markdown so it shows exactly as typed (no links, HTML, emphasis, LaTeX)."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    return escaped.replace("\n", "  \n")


def html_escape(text: str) -> str:
    """Escape `text` for custom HTML (st.html, iframes): quotes included."""
    return html.escape(text, quote=True)


_MESSAGE_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#!|~$@])|(?<=[A-Za-z0-9])([.:])(?=[A-Za-z0-9/])")


def message_escape(text: str) -> str:
    """Escape a message that may quote user text (a DomainError naming a session or case) for st.error,
    st.success and the like: no link, image, HTML, emphasis or autolinked address can form, while an
    ordinary sentence ("gewijzigd: de status is nu …") stays as written in the source."""
    escaped = _MESSAGE_SPECIAL.sub(lambda m: "\\" + (m.group(1) or m.group(2)), text)
    return escaped.replace("\n", "  \n")
