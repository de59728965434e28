"""A report as plain data: a title and sections of paragraphs, tables and chart images.

Each report (sessieverslag, oogst, terugkoppeling) is built once as a `Document`; each renderer (PDF,
Excel, Markdown, CSV) turns it into a file, so every format shows the same content.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

Cell = str | int | float | dt.date | dt.datetime | None


@dataclass(frozen=True)
class Paragraph:
    text: str
    bold: bool = False


@dataclass(frozen=True)
class Table:
    columns: Sequence[str]
    rows: Sequence[Sequence[Cell]]
    widths: Sequence[float] | None = None  # relative widths; None: equal
    empty_text: str = "Nog geen gegevens."


@dataclass(frozen=True)
class Chart:
    """A picture of figures that are also in a table: drawn (as PNG) only by the formats that show it."""

    title: str
    draw: Callable[[], bytes]
    caption: str = ""


Block = Paragraph | Table | Chart


@dataclass
class Section:
    heading: str
    blocks: list[Block] = field(default_factory=list)
    sheet: str | None = None  # the Excel sheet name; None: from the heading

    def add(self, block: Block) -> Section:
        self.blocks.append(block)
        return self

    def text(self, text: str, *, bold: bool = False) -> Section:
        return self.add(Paragraph(text, bold=bold))


@dataclass
class Document:
    title: str
    subtitle: str = ""
    sections: list[Section] = field(default_factory=list)
    # The one table a CSV file holds (a spreadsheet opens one table); None: the first table.
    csv_table: Table | None = None

    def section(self, heading: str, *, sheet: str | None = None) -> Section:
        section = Section(heading, sheet=sheet)
        self.sections.append(section)
        return section


def display(value: Any) -> str:
    """A cell as text for PDF and Markdown: Dutch day-month-year dates, no 'None'."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        from lib.core.dates import to_local

        # strftime, not Babel: a CSV of 50,000 rows formats 50,000 timestamps.
        return (to_local(value) if value.tzinfo else value).strftime("%d-%m-%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return str(value)
