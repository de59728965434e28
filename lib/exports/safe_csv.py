"""CSV that Dutch Excel opens right and cannot be tricked by: UTF-8 with BOM, semicolons, and no
cell that Excel would run as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from lib.exports.document import Cell, Document, Table, display

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Prefix a cell that Excel (or LibreOffice) would read as a formula with an apostrophe."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def to_csv(columns: Sequence[str], rows: Iterable[Iterable[Cell]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([neutralise(c) for c in columns])
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def _cell(value: Cell) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return display(value)  # numbers are never neutralised: -3 stays a number
    return neutralise(display(value))


def render_csv(document: Document) -> bytes:
    """The document's CSV table (see `Document.csv_table`) as a safe CSV file: header row first."""
    table = document.csv_table or next(
        (block for section in document.sections for block in section.blocks if isinstance(block, Table)), None
    )
    if table is None:
        return to_csv([document.title], [])
    return to_csv(table.columns, table.rows)
