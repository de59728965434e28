"""Read a downloaded report back the way its user opens it, as rows of plain text: the PDF's text
lines (pypdf), every sheet of the workbook (openpyxl), the Markdown's lines with escapes undone, and
the CSV as Dutch Excel reads it (UTF-8 with BOM, semicolons)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import openpyxl
import pypdf


def flat(text: str) -> str:
    return " ".join(text.split())


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF-"), "not a PDF file"
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def _cell(value: object) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%d-%m-%Y")
    return "" if value is None else str(value)


def rows(kind: str, data: bytes) -> list[str]:
    """Each row of each table (each text line for PDF and Markdown) as one line, cells space-separated."""
    if kind == "pdf":
        lines = pdf_text(data).split("\n")
    elif kind == "xlsx":
        assert data.startswith(b"PK"), "not an xlsx (zip) file"
        book = openpyxl.load_workbook(io.BytesIO(data))
        lines = [" ".join(_cell(c) for c in row) for sheet in book for row in sheet.iter_rows(values_only=True)]
    elif kind == "md":
        text = data.decode("utf-8")
        lines = [re.sub(r"\\(.)", r"\1", line.strip().strip("|").replace(" | ", " ")) for line in text.split("\n")]
    elif kind == "csv":
        assert data.startswith(b"\xef\xbb\xbf"), "CSV without BOM: Excel would garble accents"
        lines = [" ".join(r) for r in csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";")]
    else:
        raise ValueError(kind)
    return [flat(line) for line in lines if line.strip()]


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def has_row(lines: list[str], *cells: str) -> bool:
    """Some row holds these cells in this order (other cells may lie between them)."""
    pattern = re.compile(r"(?:^| )" + r" (?:.* )?".join(re.escape(flat(c)) for c in cells) + r"(?: |$)")
    return any(pattern.search(line) for line in lines)
