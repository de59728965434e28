"""One Document, every file format: the CSV holds the table the document names, else its first table."""

from __future__ import annotations

import datetime as dt

import pytest

from lib.exports.document import Document, Table
from lib.exports.files import FORMATS, file_name, render
from tests.readers import csv_rows


def two_tables(*, main: bool) -> Document:
    document = Document("Verslag")
    first = Table(["Onderdeel", "Aantal"], [["Sessies", 2]])
    actions = Table(["Actie", "Status"], [["=1+1", "open"]])
    document.section("Samenvatting").add(first)
    document.section("Vervolgacties").add(actions)
    if main:
        document.csv_table = actions
    return document


def test_the_csv_holds_the_named_table_with_formulas_made_inert():
    assert csv_rows(render(two_tables(main=True), "csv")) == [["Actie", "Status"], ["'=1+1", "open"]]


def test_without_a_named_table_the_csv_holds_the_first():
    assert csv_rows(render(two_tables(main=False), "csv")) == [["Onderdeel", "Aantal"], ["Sessies", "2"]]


def test_every_offered_format_renders_and_nothing_else_does():
    document = two_tables(main=True)
    assert all(render(document, kind) for kind in FORMATS)
    with pytest.raises(ValueError):
        render(document, "docx")


def test_file_names_are_plain_and_dated():
    assert file_name("Oogst: Proeftuin Ruwaard — Één", dt.date(2026, 3, 1), "pdf") == (
        "oogst-proeftuin-ruwaard-één-2026-03-01.pdf"
    )
