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
