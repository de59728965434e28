"""A Document as Markdown: user text escaped so it reads exactly as typed, tables as pipe tables."""

from __future__ import annotations

import re

from lib.exports.document import Chart, Document, Paragraph, Table, display

_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#!|~$])")
# A list marker, quote or heading at the start of a line ("- ", "+ ", "1. ", "3) ").
_LIST_MARKER = re.compile(r"^(\s*)([-+=])(?=\s|$|[-=])")
_NUMBERED = re.compile(r"^(\s*\d+)([.)])(?=\s|$)")


def _escape_line(line: str) -> str:
    line = _SPECIAL.sub(r"\\\1", line)
    line = _LIST_MARKER.sub(r"\1\\\2", line, count=1)
    return _NUMBERED.sub(r"\1\\\2", line, count=1)


def escape(text: str) -> str:
    """Markdown-inert text on one line (for table cells and headings, where no list can start)."""
    return _SPECIAL.sub(r"\\\1", text.replace("\r", " ").replace("\n", " "))


def _escape_block(text: str) -> str:
    return "  \n".join(_escape_line(line) for line in text.replace("\r", "").split("\n"))


def render_markdown(document: Document) -> str:
    lines = [f"# {escape(document.title)}", ""]
    if document.subtitle:
        lines += [_escape_block(document.subtitle), ""]
    for section in document.sections:
        lines += [f"## {escape(section.heading)}", ""]
        for block in section.blocks:
            if isinstance(block, Paragraph):
                text = _escape_block(block.text)
                lines += [f"**{text}**" if block.bold else text, ""]
            elif isinstance(block, Table):
                lines += [*_table(block), ""]
            elif isinstance(block, Chart):
                lines += [f"*Grafiek: {escape(block.title)}* (zie de PDF)", ""]
    return "\n".join(lines).rstrip() + "\n"


def _table(block: Table) -> list[str]:
    if not block.rows:
        return [escape(block.empty_text)]
    rows = [
        "| " + " | ".join(escape(c) for c in block.columns) + " |",
        "|" + "|".join(" --- " for _ in block.columns) + "|",
    ]
    rows += ["| " + " | ".join(escape(display(v)) for v in values) + " |" for values in block.rows]
    return rows
