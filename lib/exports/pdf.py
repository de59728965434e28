"""A Document as PDF (fpdf2), in DejaVu Sans embedded from matplotlib's own copy of the font, so
Dutch diacritics and the euro sign render on any machine, without internet or system fonts."""

from __future__ import annotations

import io
import logging
import re
import struct
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from fpdf import FPDF

from lib.exports.document import Chart, Document, Paragraph, Table, display

FONT = "DejaVu"
MAX_WORD = 60  # mm: a table column need not be wider than this to hold a word on one line
TABLE_FONT_SIZES = (9, 8, 7)  # a table that does not fit in the first gets the next
# Beyond the cell margins: fpdf2's own rounding and the cell border, so a word that just fits stays whole.
WORD_SLACK = 1.0  # mm
LINE = 0.55  # a table's line height per point of font size (mm)
ROW_PADDING = 1.0  # mm above and below the text of a table row
HEADING_FILL = (225, 232, 245)
# Characters a PDF text line cannot hold (control characters except tab and newline).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def font_folder() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


class _Pdf(FPDF):
    def __init__(self, title: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.report_title = title
        self.measures: dict[tuple[str, float], Callable[[str], float]] = {}  # see _measurer
        folder = font_folder()
        self.add_font(FONT, "", str(folder / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(folder / "DejaVuSans-Bold.ttf"))
        self.set_auto_page_break(auto=True, margin=15)
        self.set_title(title)
        self.set_creator("Leersessie")

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.set_text_color(90)
        self.cell(0, 6, _clean(f"{self.report_title} — pagina {self.page_no()}/{{nb}}"), align="C")
        self.set_text_color(0)


def _clean(text: str) -> str:
    return _CONTROL.sub(" ", text)


def render_pdf(document: Document) -> bytes:
    # fpdf2 logs every glyph the font lacks (emoji, rare scripts); they are left out, which is fine.
    logging.getLogger("fpdf").setLevel(logging.ERROR)
    pdf = _Pdf(document.title)
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.set_font(FONT, "B", 18)
    pdf.multi_cell(0, 9, _clean(document.title), new_x="LMARGIN", new_y="NEXT")
    if document.subtitle:
        pdf.set_font(FONT, size=11)
        pdf.multi_cell(0, 6, _clean(document.subtitle), new_x="LMARGIN", new_y="NEXT")
    images: dict[int, bytes] = {}  # each chart drawn once: measured for keep-with-next, then placed
    for section in document.sections:
        pdf.ln(4)
        # Keep-with-next: a heading starts a page rather than end one without its first block under it.
        pdf.set_font(FONT, "B", 13)
        heading = _clean(section.heading)
        wide = bool(section.blocks) and _needs_landscape(pdf, section.blocks[0])
        if wide != (pdf.w > pdf.h):  # a section of a too-wide table starts on a landscape page, and back
            pdf.add_page(orientation="L" if wide else "P")
        first = _block_height(pdf, section.blocks[0], images) if section.blocks else 0
        if pdf.get_y() + _text_height(pdf, heading, 7) + 1 + first > pdf.page_break_trigger:
            pdf.add_page()
        pdf.set_font(FONT, "B", 13)
        pdf.multi_cell(0, 7, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
        for block in section.blocks:
            if isinstance(block, Paragraph):
                _paragraph(pdf, block)
            elif isinstance(block, Table):
                _table(pdf, block)
            elif isinstance(block, Chart):
                _chart(pdf, block, images)
    return bytes(pdf.output())


def _text_height(pdf: FPDF, text: str, line_height: float, width: float = 0) -> float:
    """The height `text` takes as a multi_cell in the current font (nothing is drawn)."""
    return _line_count(pdf, width, line_height, text) * line_height


def _line_count(pdf: FPDF, width: float, line_height: float, text: str) -> int:
    lines = pdf.multi_cell(width, line_height, text, dry_run=True, output="LINES")
    return len(lines) if isinstance(lines, list) else 1


def _block_height(pdf: FPDF, block: Paragraph | Table | Chart, images: dict[int, bytes]) -> float:
    """How much of a page the start of `block` needs: a paragraph, a table's heading row and first row,
    or a chart's title and picture."""
    if isinstance(block, Paragraph):
        pdf.set_font(FONT, "B" if block.bold else "", 10)
        return _text_height(pdf, _clean(block.text), 5) + 1
    if isinstance(block, Chart):
        pdf.set_font(FONT, "B", 10)
        return _text_height(pdf, _clean(block.title), 5) + _image_height(pdf, _drawn(block, images))
    if not block.rows:
        pdf.set_font(FONT, size=10)
        return _text_height(pdf, _clean(block.empty_text), 5) + 1
    header = [_clean(c) for c in block.columns]
    first = [_clean(display(v)) for v in block.rows[0]]
    size, widths, _fits = _fit(pdf, header, [first], block.widths)
    grid = _Grid(pdf, size, widths, header)
    return grid._height(grid.header) + grid._height(grid._lines(first, ""))


def _needs_landscape(pdf: FPDF, block: Paragraph | Table | Chart) -> bool:
    """Whether a table's longest words do not fit side by side on a portrait page."""
    if not isinstance(block, Table) or not block.rows:
        return False
    header = [_clean(c) for c in block.columns]
    cells = [[_clean(display(v)) for v in values] for values in block.rows]
    portrait_width = min(pdf.w, pdf.h) - pdf.l_margin - pdf.r_margin
    size = TABLE_FONT_SIZES[-1]
    need = _word_widths(pdf, header, cells, size)
    return sum(need) > portrait_width


def _drawn(block: Chart, images: dict[int, bytes]) -> bytes:
    if id(block) not in images:
        images[id(block)] = block.draw()
    return images[id(block)]


def _image_height(pdf: FPDF, png: bytes) -> float:
    """The height (mm) of a PNG placed over the full text width (its size is in the IHDR header)."""
    width, height = struct.unpack(">II", png[16:24])
    return pdf.epw * height / width if width else 0


def _paragraph(pdf: FPDF, block: Paragraph) -> None:
    pdf.set_font(FONT, "B" if block.bold else "", 10)
    pdf.multi_cell(0, 5, _clean(block.text), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def _table(pdf: FPDF, block: Table) -> None:
    if not block.rows:
        pdf.set_font(FONT, size=10)
        pdf.multi_cell(0, 5, _clean(block.empty_text), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
        return
    header = [_clean(c) for c in block.columns]
    cells = [[_clean(display(v)) for v in values] for values in block.rows]
    size, widths, fits = _fit(pdf, header, cells, block.widths)
    if not fits and pdf.w < pdf.h:  # portrait
        # Too many columns for the longest words side by side: the table gets a landscape page.
        pdf.add_page(orientation="L")
        size, widths, fits = _fit(pdf, header, cells, block.widths)
    _Grid(pdf, size, widths, header).draw(cells)
    pdf.ln(3)


class _Grid:
    """A table drawn with fpdf2's plain text and rectangles: each cell's text wrapped at word boundaries
    from the font's own character widths, the heading row repeated on every page, a row that does not fit
    under the previous one moved to the next page whole (only a row taller than a page is split).
    fpdf2's `table()` lays out every cell with its full line-breaking machinery, twice: an oogst of 800
    contributions took seconds that way."""

    def __init__(self, pdf: FPDF, size: float, widths: Sequence[float], header: list[str]) -> None:
        self.pdf, self.size, self.widths = pdf, size, widths
        self.line = size * LINE
        self.header = self._lines(header, "B")
        self.top = 0.0  # where the rows of the current page begin, under its heading row

    def draw(self, rows: list[list[str]]) -> None:
        pdf = self.pdf
        lines = [self._lines(values, "") for values in rows]
        if pdf.get_y() + self._height(self.header) + self._height(lines[0]) > pdf.page_break_trigger:
            pdf.add_page(same=True)  # the heading row stays with the first row
        self._heading()
        for row in lines:
            while row:
                room = int((pdf.page_break_trigger - pdf.get_y() - 2 * ROW_PADDING) // self.line)
                tallest = max(len(cell) for cell in row)
                if tallest > room and pdf.get_y() > self.top:
                    self._next_page()
                    continue
                room = max(1, room)  # at the top of a page: a line at least, so nothing can stall the drawing
                self._cells([cell[:room] for cell in row], heading=False)
                row = [cell[room:] for cell in row] if tallest > room else []
                if row:
                    self._next_page()

    def _lines(self, texts: list[str], style: str) -> list[list[str]]:
        margin = 2 * self.pdf.c_margin
        return [
            _wrap(self.pdf, style, self.size, text, width - margin)
            for text, width in zip(texts, self.widths, strict=True)
        ]

    def _height(self, row: list[list[str]]) -> float:
        return max(len(cell) for cell in row) * self.line + 2 * ROW_PADDING

    def _heading(self) -> None:
        self._cells(self.header, heading=True)
        self.top = self.pdf.get_y()

    def _next_page(self) -> None:
        self.pdf.add_page(same=True)
        self._heading()

    def _cells(self, row: list[list[str]], *, heading: bool) -> None:
        pdf = self.pdf
        height = self._height(row)
        y, x = pdf.get_y(), pdf.l_margin
        pdf.set_font(FONT, "B" if heading else "", self.size)
        pdf.set_fill_color(*HEADING_FILL)
        lines = max(len(cell) for cell in row)
        for cell, width in zip(row, self.widths, strict=True):
            pdf.rect(x, y, width, height, style="DF" if heading else "D")
            top = y + ROW_PADDING + (lines - len(cell)) * self.line / 2  # centred in the row, as fpdf2 does
            for number, text in enumerate(cell):
                if text:
                    pdf.text(x + pdf.c_margin, top + (number + 0.5) * self.line + 0.3 * pdf.font_size, text)
            x += width
        pdf.set_xy(pdf.l_margin, y + height)


def _wrap(pdf: FPDF, style: str, size: float, text: str, width: float) -> list[str]:
    """`text` as the lines a cell `width` mm wide holds: broken at spaces and at its own line breaks; a
    word wider than the cell (only one beyond MAX_WORD, see `_fit`) broken where it must."""
    measure = _measurer(pdf, style, size)
    space = measure(" ")
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, used = "", 0.0
        for word in paragraph.split():
            need = measure(word)
            while need > width:  # a word longer than the cell: as many characters as fit, then the rest
                if line:
                    lines.append(line)
                    line, used = "", 0.0
                cut = _fitting_prefix(measure, word, width)
                lines.append(word[:cut])
                word = word[cut:]
                need = measure(word)
            if line and used + space + need > width:
                lines.append(line)
                line, used = "", 0.0
            line, used = (f"{line} {word}", used + space + need) if line else (word, need)
        lines.append(line)
    return lines


def _fitting_prefix(measure: Callable[[str], float], word: str, width: float) -> int:
    cut = 1
    while cut < len(word) and measure(word[: cut + 1]) <= width:
        cut += 1
    return cut


def _measurer(pdf: FPDF, style: str, size: float) -> Callable[[str], float]:
    """The width (mm) of a text in FONT at `size` points: from the font's character widths, remembered per
    word (a report repeats its words; fpdf2's get_string_width goes through bidirectional text runs)."""
    cache = pdf.measures if isinstance(pdf, _Pdf) else {}
    key = (style, size)
    if key not in cache:
        pdf.set_font(FONT, style, size)
        assert pdf.current_font is not None
        font_widths: Any = pdf.current_font.cw  # a TTF font's: code point → width in 1/1000 of the size
        scale = size * 0.001 / pdf.k
        words: dict[str, float] = {}

        def measure(text: str) -> float:
            if text not in words:
                words[text] = sum(font_widths[ord(c)] for c in text) * scale
            return words[text]

        cache[key] = measure
    return cache[key]


def _fit(
    pdf: FPDF, header: list[str], cells: list[list[str]], relative: Sequence[float] | None
) -> tuple[float, tuple[float, ...], bool]:
    """A font size and column widths (mm) in the proportions asked, but each column at least as wide as
    its longest word, so that a word is never broken in two ('belemme rt', 'gerealis eerd'). A wide
    table gets a smaller font; `fits` is False when even the smallest does not hold every longest word
    side by side (the caller then turns the page). A word longer than MAX_WORD mm may still break."""
    count = len(header)
    share = list(relative or [1] * count)
    for size in TABLE_FONT_SIZES:
        need = _word_widths(pdf, header, cells, size)
        if sum(need) <= pdf.epw:
            break
    else:
        return size, tuple(need), False  # as good as it gets: the full width in these proportions
    fixed: set[int] = set()
    while True:
        room = pdf.epw - sum(need[i] for i in fixed)
        free = [i for i in range(count) if i not in fixed]
        if not free:
            return size, tuple(need), True
        total = sum(share[i] for i in free)
        widths = {i: room * share[i] / total for i in free}
        narrow = {i for i, width in widths.items() if width < need[i]}
        if not narrow:
            return size, tuple(need[i] if i in fixed else widths[i] for i in range(count)), True
        fixed |= narrow


def _word_widths(pdf: FPDF, header: list[str], cells: list[list[str]], size: float) -> list[float]:
    """Per column, the width (mm) its longest word needs at `size` points, margins included."""
    bold, plain = _measurer(pdf, "B", size), _measurer(pdf, "", size)
    need = [bold(_longest_word(text)) for text in header]
    for row in cells:
        for index, text in enumerate(row):
            need[index] = max(need[index], plain(_longest_word(text)))
    return [min(MAX_WORD, width) + 2 * pdf.c_margin + WORD_SLACK for width in need]


def _longest_word(text: str) -> str:
    return max(text.split(), key=len, default="")


def _chart(pdf: FPDF, block: Chart, images: dict[int, bytes]) -> None:
    png = _drawn(block, images)
    pdf.set_font(FONT, "B", 10)
    if pdf.get_y() + _text_height(pdf, _clean(block.title), 5) + _image_height(pdf, png) > pdf.page_break_trigger:
        pdf.add_page()  # the title stays with its picture
    pdf.multi_cell(0, 5, _clean(block.title), new_x="LMARGIN", new_y="NEXT")
    pdf.image(io.BytesIO(png), w=pdf.epw)
    if block.caption:
        pdf.set_font(FONT, size=9)
        pdf.multi_cell(0, 5, _clean(block.caption), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
