"""The printed reports read like a document: no word broken over two lines in a table, a heading never
alone at the foot of a page, counts on whole numbers. Checked on the rendered pages (pdftotext and
pdftoppm from poppler-utils, pypdf where poppler is missing)."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
from pathlib import Path

import pypdf
import pytest

from lib.exports.document import Chart, Document, Table
from lib.exports.pdf import render_pdf
from lib.insight import charts
from tests.corpus import blns

STATUSES = ["belemmert", "gerealiseerd", "vervallen", "niet gelukt", "oplossing", "casuïstiekaanjager"]
LONG = ["ontruimingsprocedure", "schuldhulpverlening", "jeugdconsulent", "Wmo-consulent", "huisuitzetting"]


def page_texts(data: bytes) -> list[str]:
    """Each page's text, in reading order, the way a reader copies it."""
    count = len(pypdf.PdfReader(io.BytesIO(data)).pages)
    if shutil.which("pdftotext"):
        return [
            subprocess.run(
                ["pdftotext", "-raw", "-f", str(n), "-l", str(n), "-", "-"], input=data, capture_output=True, check=True
            ).stdout.decode()
            for n in range(1, count + 1)
        ]
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def words_of(text: str) -> set[str]:
    return set(re.findall(r"\S+", text))


def narrow_and_wide_tables() -> Document:
    """The sessieverslag's narrow status columns beside long texts, and a table too wide for portrait."""
    document = Document("Sessieverslag: Proeftuin Ruwaard")
    rows = [
        ["Groep 1", "3", "veranderproces", STATUSES[i % 4], " ".join(LONG[i % 5 :] + LONG[: i % 5]) * 2]
        for i in range(30)
    ]
    document.section("Inbreng per groep en ronde").add(
        Table(["Groep", "Ronde", "Perspectief", "Soort", "Tekst"], rows, widths=[1, 1, 2, 1, 6])
    )
    actions = [
        [f"{LONG[i % 5]} aanpakken", "Marco de Bruijn", "Gemeente Oss", "24-11-2026", STATUSES[i % 3], LONG[i % 5]]
        for i in range(12)
    ]
    document.section("Vervolgacties").add(
        Table(
            ["Actie", "Trekker", "Organisatie", "Streefdatum", "Status", "Waarom niet"],
            actions,
            widths=[5, 2, 2, 2, 2, 4],
        )
    )
    document.section("Heel breed").add(
        Table([f"Kolom {n}" for n in range(8)], [[f"{LONG[n % 5]}{n}" for n in range(8)]] * 3)
    )
    document.section("Daarna weer staand").text("Een gewone alinea.")
    return document


def test_no_word_in_a_table_is_broken_over_two_lines():
    document = narrow_and_wide_tables()
    data = render_pdf(document)
    found = words_of("\n".join(page_texts(data)))
    expected = {
        word
        for section in document.sections
        for block in section.blocks
        if isinstance(block, Table)
        for row in block.rows
        for cell in row
        for word in str(cell).split()
    }
    assert expected - found == set()


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils (pdftoppm) is not installed")
def test_a_table_too_wide_for_portrait_gets_a_landscape_page_and_the_next_section_stands_again(tmp_path: Path):
    data = render_pdf(narrow_and_wide_tables())
    subprocess.run(["pdftoppm", "-r", "20", "-png", "-", str(tmp_path / "page")], input=data, check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    sizes = [_png_size(p.read_bytes()) for p in pages]
    texts = page_texts(data)
    wide = next(i for i, text in enumerate(texts) if "Heel breed" in text)
    after = next(i for i, text in enumerate(texts) if "Daarna weer staand" in text)
    assert sizes[wide][0] > sizes[wide][1]  # landscape: wider than high
    assert sizes[after][0] < sizes[after][1]
    assert "Kolom 7" in texts[wide]  # the heading and its table on the same page


def _png_size(png: bytes) -> tuple[int, int]:
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def test_a_heading_stays_with_its_chart_and_its_table():
    """Fill a page almost to its foot, then start a section with a chart and one with a table: each heading
    moves to the next page with its content instead of ending the page alone."""
    document = Document("Oogst")
    filler = document.section("Samenvatting")
    filler.add(Table(["Onderdeel", "Aantal"], [[f"Regel {n}", n] for n in range(48)], widths=[3, 1]))
    chart = document.section("Vervolgacties per organisatie")
    picture = charts.status_bars({"Gemeente Oss": {"open": 1, "bezig": 2}})
    chart.add(Chart("Status", lambda: picture))
    document.section("Redenen").add(Table(["Reden", "Aantal"], [[f"Reden {n}", 1] for n in range(3)]))
    for extra in range(0, 12, 2):  # wherever the page ends, the rule holds
        filler.blocks[0] = Table(["Onderdeel", "Aantal"], [[f"Regel {n}", n] for n in range(40 + extra)], widths=[3, 1])
        texts = page_texts(render_pdf(document))
        for heading, content in (("Vervolgacties per organisatie", "Status"), ("Redenen", "Reden 0")):
            page = next(t for t in texts if heading in t)
            assert content in page, (extra, heading)


def test_count_axes_show_whole_numbers(monkeypatch):
    drawn = []
    monkeypatch.setattr(charts, "_png", lambda figure: drawn.append(figure) or b"")
    charts.status_bars({"Sessie 1": {"open": 1}, "Sessie 2": {"bezig": 2}})
    charts.perspective_bars([("systeem", 1, 0), ("professional", 0, 1)])
    import pandas as pd

    charts.attendance_bars(pd.DataFrame({"datum": [dt.date(2026, 10, 27)], "rol": ["manager"], "aantal": [1]}))
    ticks = [
        drawn[0].axes[0].get_xticks(),
        drawn[1].axes[0].get_yticks(),
        drawn[2].axes[0].get_yticks(),
    ]
    for values in ticks:
        assert len(values) >= 2
        assert all(float(v).is_integer() for v in values), values


def test_a_long_table_repeats_its_heading_on_every_page_and_keeps_every_row():
    """An oogst lists hundreds of contributions: each printed page starts with the column names, and every
    row is there once, in order."""
    texts = [f"Inbreng {n:03} over de wachtlijst bij schuldhulpverlening" for n in range(300)]
    document = Document("Oogst")
    document.section("Wat de groepen inbrachten").add(
        Table(["Leersessie", "Soort", "Tekst"], [["Sessie 1", "belemmert", t] for t in texts], widths=[2, 1, 6])
    )
    pages = page_texts(render_pdf(document))
    assert len(pages) > 3
    assert all("Leersessie Soort Tekst" in page for page in pages)
    found = re.findall(r"Inbreng (\d{3})", "\n".join(pages))
    assert found == [f"{n:03}" for n in range(300)]


def test_a_cell_taller_than_a_page_continues_on_the_next_and_loses_no_word():
    words = [f"woord{n}" for n in range(2500)]
    document = Document("Verslag")
    document.section("Lang").add(Table(["Groep", "Tekst"], [["Groep 1", " ".join(words)], ["Groep 2", "kort"]]))
    pages = page_texts(render_pdf(document))
    assert len(pages) > 2
    assert re.findall(r"woord\d+", "\n".join(pages)) == words
    assert "kort" in pages[-1]


def test_every_naughty_string_prints_in_a_table():
    """Odd unicode, control characters, right-to-left text and HTML-like strings neither crash the PDF nor
    shift the rows: each row's number is still there."""
    strings = blns()
    document = Document("Naughty")
    document.section("Tabel").add(
        Table(["Nr", "Tekst"], [[f"rij{n}", s] for n, s in enumerate(strings)], widths=[1, 6])
    )
    text = "\n".join(page_texts(render_pdf(document)))
    assert set(re.findall(r"rij\d+", text)) == {f"rij{n}" for n in range(len(strings))}
