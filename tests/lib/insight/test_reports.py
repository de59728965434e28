"""Reports read back the way a user opens them: PDF text extracted, Excel opened with openpyxl, CSV as
Dutch Excel reads it; accents and € survive, formulas never run, empty data gives a clear text."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest

from lib.core import db
from lib.core.errors import NotAllowed
from lib.exports.document import Document, Table
from lib.exports.excel import render_xlsx
from lib.exports.files import render
from lib.exports.markdown import render_markdown
from lib.exports.pdf import render_pdf
from lib.exports.safe_csv import neutralise, to_csv
from lib.insight import reports, stats
from lib.models import ActionStatus, ContributionKind, Role, SessionStatus
from tests import factories as f
from tests.corpus import blns
from tests.readers import csv_rows, flat, pdf_text

TODAY = dt.date(2026, 3, 1)
ACCENTS = "Café Één — ‘ruïne’ à € 12,50 für Ærø"


@pytest.fixture
def meeting(engine):
    """A held session with a case, contributions, an action, a terugblik update and evaluations."""
    with db.transaction(engine) as session:
        org = f.organisation(session, "Welzijn Één")
        manager = f.user(session, Role.MANAGER, organisation=org, display_name="Zoë Café")
        pro = f.user(session, Role.PROFESSIONAL, organisation=org, display_name="Jürgen Müller")
        aanjager = f.user(session, Role.AANJAGER)
        series = f.series(session, name="Reeks Noord")
        earlier = f.learning_session(
            session, series_row=series, date=dt.date(2026, 1, 5), status=SessionStatus.FINISHED, title="Eerste sessie"
        )
        held = f.learning_session(
            session, series_row=series, date=dt.date(2026, 2, 2), status=SessionStatus.FINISHED, title="Tweede sessie"
        )
        case = f.case(session, pro, title="Schulden bij één gezin", learning_question=f"Hoe verder? {ACCENTS}")
        group = f.group(session, held, 1, case)
        f.attendance(session, held, manager)
        f.attendance(session, held, pro)
        f.contribution(session, held, group, ContributionKind.OBSTACLE, 0, f"Belemmering: {ACCENTS}")
        f.contribution(session, held, group, ContributionKind.HELPER, 1, '=HYPERLINK("http://x","klik")')
        f.contribution(session, held, group, ContributionKind.SOLUTION, 2, "Spoedloket openen")
        f.contribution(session, held, group, ContributionKind.OBSTACLE, 0, "Verborgen tekst", hidden=True)
        f.action(session, held, manager, title="Spoedloket openen", due_date=dt.date(2026, 3, 2))
        old = f.action(
            session,
            earlier,
            manager,
            title="Budget regelen",
            due_date=dt.date(2026, 2, 2),
            status=ActionStatus.FAILED,
            reason="Geen € 5.000 over",
            finished_at=dt.datetime(2026, 2, 2, 9, 30, tzinfo=dt.UTC),
        )
        f.action_update(
            session,
            old,
            ActionStatus.FAILED,
            from_status=ActionStatus.OPEN,
            session_id=held.id,
            note="Waarom niet: geen € 5.000 over",
        )
        f.evaluation(session, held, length="goed", constructive=5, to_the_point=4, remark="Fijn, één keer per maand")
        f.evaluation(session, held, length="te_lang", constructive=3, to_the_point=3)
        return {"id": held.id, "series": series.id, "viewer": f.current(aanjager), "pro": f.current(pro), "org": org.id}


def test_session_report_pdf_shows_every_part_with_accents_and_euro(engine, meeting):
    with db.read(engine) as session:
        document = reports.session_report(session=session, viewer=meeting["viewer"], learning_session_id=meeting["id"])
    text = flat(pdf_text(render(document, "pdf")))
    assert "Sessieverslag: Tweede sessie" in text
    assert "maandag 2 februari 2026" in text
    assert "Zoë Café" in text and "Jürgen Müller" in text  # attendees
    assert "Schulden bij één gezin" in text
    assert flat(f"Belemmering: {ACCENTS}") in text
    assert "Verborgen tekst" not in text
    assert "Spoedloket openen" in text and "02-03-2026" in text  # action with due date
    assert "Budget regelen" in text and "Waarom niet: geen € 5.000 over" in text  # terugblik
    assert "Fijn, één keer per maand" in text and "Ingevulde evaluaties 2" in text


def test_session_report_excel_has_a_sheet_per_part_with_headers_dates_and_inert_formulas(engine, meeting):
    with db.read(engine) as session:
        document = reports.session_report(session=session, viewer=meeting["viewer"], learning_session_id=meeting["id"])
    book = openpyxl.load_workbook(io.BytesIO(render(document, "xlsx")))
    assert book.sheetnames == [
        "Overzicht",
        "Deelnemers",
        "Casussen",
        "Inbreng",
        "Vervolgacties",
        "Terugblik",
        "Evaluatie",
    ]
    actions = book["Vervolgacties"]
    assert [c.value for c in actions[1]] == ["Actie", "Trekker", "Organisatie", "Streefdatum", "Status", "Waarom niet"]
    assert actions["A1"].font.bold and actions.freeze_panes == "A2"
    assert actions["D2"].value == dt.datetime(2026, 3, 2)  # a real date, shown day-month-year
    assert actions["D2"].number_format == "DD-MM-YYYY"
    assert actions.column_dimensions["A"].width > actions.column_dimensions["D"].width
    contributions = book["Inbreng"]
    texts = [row[4].value for row in contributions.iter_rows(min_row=2)]
    assert f"Belemmering: {ACCENTS}" in texts
    formula = next(row[4] for row in contributions.iter_rows(min_row=2) if str(row[4].value).startswith("="))
    assert formula.data_type == "s"  # stored as text: Excel shows it, never runs it


def test_session_report_markdown_escapes_user_text(engine, meeting):
    with db.read(engine) as session:
        document = reports.session_report(session=session, viewer=meeting["viewer"], learning_session_id=meeting["id"])
    markdown = render(document, "md").decode("utf-8")
    assert markdown.startswith("# Sessieverslag: Tweede sessie")
    assert "## Terugblik" in markdown
    assert "Zoë Café" in markdown and "€ 12,50" in markdown
    assert '=HYPERLINK\\("http://x","klik"\\)' in markdown  # brackets escaped: no link


def test_only_managers_aanjagers_and_beheerders_get_reports(engine, meeting):
    with db.read(engine) as session, pytest.raises(NotAllowed):
        reports.session_report(session=session, viewer=meeting["pro"], learning_session_id=meeting["id"])
    with db.read(engine) as session, pytest.raises(NotAllowed):
        reports.actions_csv(session=session, viewer=meeting["pro"], filters=stats.Filters())


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_neutralises_cells_that_excel_would_run(start):
    payload = f"{start}cmd|' /C calc'!A0"
    data = to_csv(["Tekst"], [[payload], [-3]])
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[1] == ["'" + payload]
    assert rows[2] == ["-3"]  # our own numbers stay numbers
    assert neutralise("gewoon") == "gewoon"


def test_actions_csv_has_bom_semicolons_and_accents_round_trip(engine, meeting):
    with db.read(engine) as session:
        data = reports.actions_csv(session=session, viewer=meeting["viewer"], filters=stats.Filters())
        contributions = reports.contributions_csv(session=session, viewer=meeting["viewer"], filters=stats.Filters())
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Nr", "Actie", "Trekker"]
    assert {r[1] for r in rows[1:]} == {"Spoedloket openen", "Budget regelen"}
    assert "Zoë Café" in {r[2] for r in rows[1:]} and "Geen € 5.000 over" in {r[7] for r in rows[1:]}
    lines = list(csv.reader(io.StringIO(contributions.decode("utf-8-sig")), delimiter=";"))
    texts = [r[6] for r in lines[1:]]
    assert f"Belemmering: {ACCENTS}" in texts
    assert '\'=HYPERLINK("http://x","klik")' in texts
    assert "Verborgen tekst" not in texts


def test_empty_session_gives_a_friendly_report(engine):
    with db.transaction(engine) as session:
        viewer = f.current(f.user(session, Role.BEHEERDER))
        series = f.series(session, name="Lege reeks")
        empty = f.learning_session(session, series_row=series, title="Nog niets")
    with db.read(engine) as session:
        verslag = reports.session_report(session=session, viewer=viewer, learning_session_id=empty.id)
        csv_data = reports.actions_csv(session=session, viewer=viewer, filters=stats.Filters(series_id=series.id))
    text = flat(pdf_text(render(verslag, "pdf")))
    assert "Er is geen inbreng vastgelegd." in text and "Er zijn geen evaluaties ingevuld." in text
    assert csv_data.decode("utf-8-sig").count("\r\n") == 1  # the header only
    assert render(verslag, "csv").decode("utf-8-sig").count("\r\n") == 1


def test_session_report_csv_is_its_actions_with_status_and_why_not(engine, meeting):
    with db.read(engine) as session:
        document = reports.session_report(session=session, viewer=meeting["viewer"], learning_session_id=meeting["id"])
    table = csv_rows(render(document, "csv"))
    assert table == [
        ["Actie", "Trekker", "Organisatie", "Streefdatum", "Status", "Waarom niet"],
        ["Spoedloket openen", "Zoë Café", "Welzijn Één", "02-03-2026", "open", ""],
    ]


def test_every_naughty_string_renders_in_each_format():
    document = Document("BLNS", "")
    document.section("Teksten").add(Table(["Tekst"], [[s] for s in blns()]))
    assert pdf_text(render_pdf(document))
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(document)))
    assert book["Teksten"].max_row == len(blns()) + 1
    assert render_markdown(document).count("\n|") >= len(blns())
