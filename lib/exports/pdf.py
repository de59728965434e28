"""A Document as PDF (fpdf2), in DejaVu Sans embedded from matplotlib's own copy of the font, so
Dutch diacritics and the euro sign render on any machine, without internet or system fonts."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Sequence
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

from lib.exports.document import Chart, Document, Paragraph, Table, display

FONT = "DejaVu"
MAX_WORD = 40  # mm: a table column need not be wider than this to hold a word on one line
TABLE_FONT_SIZES = (9, 8, 7)  # a table that does not fit in the first gets the next
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
    for section in document.sections:
        pdf.ln(4)
        if pdf.get_y() > pdf.h - 40:
            pdf.add_page()
        pdf.set_font(FONT, "B", 13)
        pdf.multi_cell(0, 7, _clean(section.heading), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
        for block in section.blocks:
            if isinstance(block, Paragraph):
                _paragraph(pdf, block)
            elif isinstance(block, Table):
                _table(pdf, block)
            elif isinstance(block, Chart):
                _chart(pdf, block)
    return bytes(pdf.output())


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
    size, widths = _fit(pdf, header, cells, block.widths)
    pdf.set_font(FONT, size=size)
    with pdf.table(
        col_widths=widths,
        headings_style=FontFace(emphasis="BOLD", fill_color=(225, 232, 245)),
        line_height=size * 0.55,
        text_align="LEFT",
        first_row_as_headings=True,
    ) as table:
        table.row(header)
        for values in cells:
            table.row(values)
    pdf.ln(3)


def _fit(
    pdf: FPDF, header: list[str], cells: list[list[str]], relative: Sequence[float] | None
) -> tuple[float, tuple[float, ...]]:
    """A font size and column widths (mm) in the proportions asked, but each column at least as wide as
    its longest word, so that a date or a status is never broken in two ('gerealise erd'). A wide table
    gets a smaller font; a word longer than MAX_WORD mm may still break."""
    count = len(header)
    share = list(relative or [1] * count)
    for size in TABLE_FONT_SIZES:
        pdf.set_font(FONT, "B", size)
        need = [pdf.get_string_width(_longest_word(text)) for text in header]
        pdf.set_font(FONT, size=size)
        for row in cells:
            for index, text in enumerate(row):
                need[index] = max(need[index], pdf.get_string_width(_longest_word(text)))
        need = [min(MAX_WORD, width) + 2 * pdf.c_margin + 0.5 for width in need]
        if sum(need) < pdf.epw:
            break
    else:
        return size, tuple(need)  # as good as it gets: the full width in these proportions
    fixed: set[int] = set()
    while True:
        room = pdf.epw - sum(need[i] for i in fixed)
        free = [i for i in range(count) if i not in fixed]
        total = sum(share[i] for i in free)
        widths = {i: room * share[i] / total for i in free}
        narrow = {i for i, width in widths.items() if width < need[i]}
        if not narrow:
            return size, tuple(need[i] if i in fixed else widths[i] for i in range(count))
        fixed |= narrow


def _longest_word(text: str) -> str:
    return max(text.split(), key=len, default="")


def _chart(pdf: FPDF, block: Chart) -> None:
    width = pdf.epw
    if pdf.get_y() > pdf.h - 100:
        pdf.add_page()
    pdf.set_font(FONT, "B", 10)
    pdf.multi_cell(0, 5, _clean(block.title), new_x="LMARGIN", new_y="NEXT")
    pdf.image(io.BytesIO(block.draw()), w=width)
    if block.caption:
        pdf.set_font(FONT, size=9)
        pdf.multi_cell(0, 5, _clean(block.caption), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
