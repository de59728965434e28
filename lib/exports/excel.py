"""A Document as an Excel workbook (openpyxl): a sheet per section, a bold frozen header row,
column widths that fit, dates as real dates, and user text that Excel never runs as a formula."""

from __future__ import annotations

import datetime as dt
import io
import re

from openpyxl import Workbook
from openpyxl.drawing.image import Image
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from lib.core.dates import to_local
from lib.exports.document import Cell, Chart, Document, Paragraph, Table

_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
# Characters that are not allowed in an XML (xlsx) cell.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
HEADER_FILL = PatternFill("solid", fgColor="E1E8F5")
MAX_WIDTH = 60


def _sheet_name(name: str, used: set[str]) -> str:
    base = _BAD_SHEET_CHARS.sub(" ", name).strip()[:31] or "Blad"
    candidate, number = base, 2
    while candidate.lower() in used:
        suffix = f" ({number})"
        candidate, number = base[: 31 - len(suffix)] + suffix, number + 1
    used.add(candidate.lower())
    return candidate


def render_xlsx(document: Document) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    for section in document.sections or []:
        sheet = workbook.create_sheet(_sheet_name(section.sheet or section.heading, used))
        _fill(sheet, section.heading, section.blocks)
    if not workbook.sheetnames:
        workbook.create_sheet("Overzicht")["A1"] = _text(document.title)
    workbook.properties.title = document.title[:200]
    workbook.properties.creator = "Leersessie"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _fill(sheet: Worksheet, heading: str, blocks: list) -> None:
    """Tables start at row 1 (header row, frozen) so the sheet sorts and filters; text comes after."""
    widths: dict[int, int] = {}
    row = 1
    tables = [b for b in blocks if isinstance(b, Table)]
    others = [b for b in blocks if not isinstance(b, Table)]
    for index, table in enumerate(tables):
        if index == 0:
            sheet.freeze_panes = "A2"
        row = _table(sheet, table, row, widths) + 1
    if not tables:
        _put(sheet, row, 1, heading, widths).font = Font(bold=True, size=13)
        row += 2
    for block in others:
        if isinstance(block, Paragraph):
            cell = _put(sheet, row, 1, block.text, widths, wrap_at=100)
            cell.font = Font(bold=block.bold)
            row += 1
        elif isinstance(block, Chart):
            _put(sheet, row, 1, block.title, widths).font = Font(bold=True)
            image = Image(io.BytesIO(block.draw()))
            image.width, image.height = image.width * 0.6, image.height * 0.6
            sheet.add_image(image, f"A{row + 1}")
            row += int(image.height / 20) + 3
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = min(MAX_WIDTH, max(8, width + 2))


def _table(sheet: Worksheet, table: Table, row: int, widths: dict[int, int]) -> int:
    for column, title in enumerate(table.columns, start=1):
        cell = _put(sheet, row, column, title, widths)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    if table.rows:
        sheet.auto_filter.ref = sheet.auto_filter.ref or (
            f"A{row}:{get_column_letter(len(table.columns))}{row + len(table.rows)}"
        )
    if not table.rows:
        row += 1
        _put(sheet, row, 1, table.empty_text, widths)
    for values in table.rows:
        row += 1
        for column, value in enumerate(values, start=1):
            _put(sheet, row, column, value, widths)
    return row + 1


def _text(value: str) -> str:
    return _ILLEGAL.sub(" ", value)


def _put(sheet: Worksheet, row: int, column: int, value: Cell, widths: dict[int, int], wrap_at: int = MAX_WIDTH):
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, dt.datetime):
        local = to_local(value) if value.tzinfo else value
        cell.value = local.replace(tzinfo=None)
        cell.number_format = "DD-MM-YYYY HH:MM"
        length = 16
    elif isinstance(value, dt.date):
        cell.value = value
        cell.number_format = "DD-MM-YYYY"
        length = 10
    elif isinstance(value, int | float) and not isinstance(value, bool):
        cell.value = value
        length = len(str(value))
    elif value is None:
        length = 0
    else:
        text = _text(str(value))
        cell.value = text
        # openpyxl treats a string starting with "=" as a formula: store every text as plain text.
        cell.data_type = "s"
        length = max((len(line) for line in text.split("\n")), default=0)
        if length > wrap_at or "\n" in text:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths[column] = max(widths.get(column, 0), min(length, wrap_at))
    return cell
