"""A Document as PDF (fpdf2), in DejaVu Sans embedded from matplotlib's own copy of the font, so
Dutch diacritics and the euro sign render on any machine, without internet or system fonts."""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

from lib.exports.document import Chart, Document, Paragraph, Table, display

FONT = "DejaVu"
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
    pdf.set_font(FONT, size=9)
    with pdf.table(
        col_widths=tuple(block.widths) if block.widths else None,
        headings_style=FontFace(emphasis="BOLD", fill_color=(225, 232, 245)),
        line_height=5,
        text_align="LEFT",
        first_row_as_headings=True,
    ) as table:
        table.row([_clean(c) for c in block.columns])
        for values in block.rows:
            table.row([_clean(display(v)) for v in values])
    pdf.ln(3)


def _chart(pdf: FPDF, block: Chart) -> None:
    width = pdf.epw
    if pdf.get_y() > pdf.h - 100:
        pdf.add_page()
    pdf.set_font(FONT, "B", 10)
    pdf.multi_cell(0, 5, _clean(block.title), new_x="LMARGIN", new_y="NEXT")
    pdf.image(io.BytesIO(block.png), w=width)
    if block.caption:
        pdf.set_font(FONT, size=9)
        pdf.multi_cell(0, 5, _clean(block.caption), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
