"""A Document as a downloadable file: the formats offered, their file names, and one `render` for all."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from lib.exports.document import Document
from lib.exports.excel import render_xlsx
from lib.exports.markdown import render_markdown
from lib.exports.pdf import render_pdf
from lib.exports.safe_csv import render_csv


@dataclass(frozen=True)
class Format:
    label: str
    mime: str


FORMATS = {
    "pdf": Format("PDF", "application/pdf"),
    "xlsx": Format("Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "md": Format("Markdown", "text/markdown"),
    "csv": Format("CSV", "text/csv"),
}


def render(document: Document, kind: str) -> bytes:
    """The document as a file of `kind` (a key of FORMATS). The CSV holds one table: `csv_table`."""
    if kind == "pdf":
        return render_pdf(document)
    if kind == "xlsx":
        return render_xlsx(document)
    if kind == "md":
        return render_markdown(document).encode("utf-8")
    if kind == "csv":
        return render_csv(document)
    raise ValueError(f"unknown report format {kind!r}")


def file_name(stem: str, day: dt.date | None, kind: str) -> str:
    """'oogst-proeftuin-ruwaard-2026-03-01.pdf': lower case, only letters, digits and dashes."""
    safe = "".join(c if c.isalnum() else "-" for c in stem.lower()).strip("-")
    while "--" in safe:
        safe = safe.replace("--", "-")
    return f"{safe[:60]}{'-' + day.isoformat() if day else ''}.{kind}"
