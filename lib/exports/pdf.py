"""A Document as PDF (fpdf2), in DejaVu Sans embedded from matplotlib's own copy of the font, so
Dutch diacritics and the euro sign render on any machine, without internet or system fonts."""

from __future__ import annotations

import io
import logging
import re
import struct
from collections.abc import Sequence
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

from lib.exports.document import Chart, Document, Paragraph, Table, display

FONT = "DejaVu"
MAX_WORD = 60  # mm: a table column need not be wider than this to hold a word on one line
TABLE_FONT_SIZES = (9, 8, 7)  # a table that does not fit in the first gets the next
# Beyond the cell margins: fpdf2's own rounding and the cell border, so a word that just fits stays whole.
WORD_SLACK = 1.0  # mm
LINE = 0.55  # a table's line height per point of font size (mm)
# Characters a PDF text line cannot hold (control characters except tab and newline).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def font_folder() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


class _Pdf(FPDF):
    def __init__(self, title: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.report_title = title
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
    height = 0.0
    for style, row in (("B", header), ("", first)):
        pdf.set_font(FONT, style, size)
        lines = max(_line_count(pdf, w - 2 * pdf.c_margin, size * LINE, t) for w, t in zip(widths, row, strict=True))
        height += lines * size * LINE + 2
    return height


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
    pdf.set_font(FONT, size=size)
    with pdf.table(
        col_widths=widths,
        headings_style=FontFace(emphasis="BOLD", fill_color=(225, 232, 245)),
        line_height=size * LINE,
        text_align="LEFT",
        first_row_as_headings=True,
    ) as table:
        table.row(header)
        for values in cells:
            table.row(values)
    pdf.ln(3)


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
    pdf.set_font(FONT, "B", size)
    need = [pdf.get_string_width(_longest_word(text)) for text in header]
    pdf.set_font(FONT, size=size)
    for row in cells:
        for index, text in enumerate(row):
            need[index] = max(need[index], pdf.get_string_width(_longest_word(text)))
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
