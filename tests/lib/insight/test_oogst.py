"""The oogst of a series: exact figures on a known data set, the reasons together, and one document
that tells the same in every download format."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pypdf
import pytest

from lib.core import db
from lib.core.errors import NotAllowed
from lib.exports.files import render
from lib.insight import oogst
from lib.models import ActionStatus, CaseStatus, ContributionKind, LearningSession, Role, SessionStatus
from tests import factories
from tests.readers import csv_rows, flat, has_row, pdf_text, rows

TODAY = dt.date.today()
OBS, HELP, SOL = ContributionKind.OBSTACLE, ContributionKind.HELPER, ContributionKind.SOLUTION


@pytest.fixture
def known(engine):
    """Two sessions that ran, one planned one, one cancelled; another series that must not count."""
    with db.transaction(engine) as session:
        aanjager = factories.current(factories.user(session, Role.AANJAGER))
        org = factories.organisation(session, "Gemeente Oss")
        submitter = factories.user(session)
        reeks = factories.series(session, name="Proeftuin")
        s1 = factories.learning_session(
            session,
            series_row=reeks,
            date=TODAY - dt.timedelta(weeks=8),
            title="Sessie 1",
            status=SessionStatus.FINISHED,
        )
        s2 = factories.learning_session(
            session,
            series_row=reeks,
            date=TODAY - dt.timedelta(weeks=4),
            title="Sessie 2",
            status=SessionStatus.FINISHED,
        )
        planned = factories.learning_session(
            session, series_row=reeks, date=TODAY + dt.timedelta(weeks=4), title="Sessie 3"
        )
        factories.learning_session(
            session,
            series_row=reeks,
            date=TODAY - dt.timedelta(weeks=6),
            title="Afgelast",
            status=SessionStatus.CANCELLED,
        )
        other = factories.learning_session(
            session, series_row=factories.series(session), title="Elders", status=SessionStatus.FINISHED
        )
        c1 = factories.case(session, submitter, title="Schulden", status=CaseStatus.DISCUSSED, session_id=s1.id)
        c2 = factories.case(session, submitter, title="Zorgmijder")
        c3 = factories.case(session, submitter, title="Jongere 18")
        g1 = factories.group(session, s1, 1, c1)
        g2 = factories.group(session, s1, 2, c2)
        g3 = factories.group(session, s2, 1, c3)
        factories.group(session, planned, 1, factories.case(session, submitter, title="Nog niet besproken"))
        for meeting, group, kind, round_index, text in [
            (s1, g1, OBS, 0, "Intake duurt lang"),
            (s1, g1, HELP, 0, "Convenant"),
            (s1, g2, OBS, 0, "Geen grond"),
            (s1, g1, OBS, 1, "Alleen staan"),
            (s1, g2, HELP, 1, "Wijkagent"),
            (s1, g1, SOL, 2, "Spoedprocedure"),
            (s1, g2, SOL, 2, "Casusoverleg"),
            (s2, g3, OBS, 0, "Twee wetten"),
            (s2, g3, SOL, 2, "Gesprek op 17,5"),
            (other, None, OBS, 0, "Telt niet"),
        ]:
            factories.contribution(session, meeting, group, kind, round_index, text)
        factories.contribution(session, s1, g1, OBS, 0, "Verborgen", hidden=True)
        statuses = [
            (s1, ActionStatus.DONE, ""),
            (s1, ActionStatus.FAILED, "Geen capaciteit"),
            (s1, ActionStatus.DROPPED, "Landelijk opgepakt"),
            (s1, ActionStatus.IN_PROGRESS, ""),
            (s2, ActionStatus.OPEN, ""),
            (s2, ActionStatus.FAILED, "Geen budget"),
            (other, ActionStatus.FAILED, "Telt niet"),
        ]
        for number, (meeting, status, reason) in enumerate(statuses):
            factories.action(
                session,
                meeting,
                None,
                owner_name=f"Trekker {number}",
                organisation_id=org.id,
                title=f"Actie {number}",
                status=status,
                reason=reason,
            )
        return {"engine": engine, "series_id": reeks.id, "aanjager": aanjager}


def test_exact_figures_of_a_known_series(known):
    with db.read(known["engine"]) as session:
        report = oogst.harvest(session=session, series_id=known["series_id"], actor=known["aanjager"])
    assert [s.title for s in report.sessions] == ["Sessie 1", "Sessie 2"]
    assert report.case_count == 3
    assert report.contributions == {"obstacle": 4, "helper": 2, "solution": 3}
    assert report.totals == {"gerealiseerd": 1, "niet_gelukt": 2, "vervallen": 1, "bezig": 1, "open": 1}
    assert report.summary == "6 acties afgesproken: 1 gerealiseerd, 1 bezig, 1 open, 2 niet gelukt, 1 vervallen"
    first, second = report.sessions
    assert first.cases == ["Schulden", "Zorgmijder"] and second.cases == ["Jongere 18"]
    assert [(p.perspective, p.obstacles, p.helpers) for p in first.perspectives] == [
        ("systeem", ["Intake duurt lang", "Geen grond"], ["Convenant"]),
        ("professional", ["Alleen staan"], ["Wijkagent"]),
    ]
    assert first.solutions == ["Spoedprocedure", "Casusoverleg"]
    assert first.counts == {"gerealiseerd": 1, "niet_gelukt": 1, "vervallen": 1, "bezig": 1}
    assert second.counts == {"open": 1, "niet_gelukt": 1}
    # The reasons together: niet gelukt first, then vervallen.
    assert [(r.title, r.reason) for r in report.reasons] == [
        ("Actie 1", "Geen capaciteit"),
        ("Actie 5", "Geen budget"),
        ("Actie 2", "Landelijk opgepakt"),
    ]


def harvest_of(known, **options):
    with db.read(known["engine"]) as session:
        return oogst.harvest(session=session, series_id=known["series_id"], actor=known["aanjager"], **options)


def test_the_page_chart_shows_the_outcomes_per_session(known):
    figure = oogst.outcomes_figure(harvest_of(known))
    by_name = {trace.name: list(trace.y) for trace in figure.data}
    assert by_name["niet gelukt"] == [1, 1] and by_name["gerealiseerd"] == [1, 0]


# What every download of one oogst must tell: (session, action, owner, status, why not) ...
ACTIONS = [
    ("Sessie 1", "Actie 0", "Trekker 0", "gerealiseerd", ""),
    ("Sessie 1", "Actie 1", "Trekker 1", "niet gelukt", "Geen capaciteit"),
    ("Sessie 1", "Actie 2", "Trekker 2", "vervallen", "Landelijk opgepakt"),
    ("Sessie 1", "Actie 3", "Trekker 3", "bezig", ""),
    ("Sessie 2", "Actie 4", "Trekker 4", "open", ""),
    ("Sessie 2", "Actie 5", "Trekker 5", "niet gelukt", "Geen budget"),
]
# ... and (perspective, belemmert, helpt, total) over the series.
PERSPECTIVES = [("systeem", "3", "1", "4"), ("professional", "1", "1", "2")]


@pytest.mark.parametrize("kind", ["pdf", "xlsx", "md", "csv"])
def test_every_format_shows_every_action_with_its_status_and_why_not(known, kind):
    """One oogst, four files: each lists every action of the series in one row with its status and
    reason; PDF, Excel and Markdown also the reasons together, the status counts and the counts per
    perspective. The CSV is the actions table and nothing else."""
    data = render(oogst.document(harvest_of(known)), kind)
    lines = rows(kind, data)
    for session_title, title, owner, status, reason in ACTIONS:
        assert has_row(lines, session_title, title, owner, "Gemeente Oss", status, *[reason] * bool(reason)), title
    assert not any("Telt niet" in line for line in lines)  # another series
    if kind == "csv":
        table = csv_rows(data)
        assert table[0] == oogst.ACTION_COLUMNS and len(table) == 1 + len(ACTIONS)
        return
    for title, status, reason in [
        ("Actie 1", "niet gelukt", "Geen capaciteit"),
        ("Actie 5", "niet gelukt", "Geen budget"),
        ("Actie 2", "vervallen", "Landelijk opgepakt"),
    ]:
        assert has_row(lines, title, status, "Gemeente Oss", reason, "Sessie")  # the reasons together
    for perspective, obstacles, helpers, total in PERSPECTIVES:
        assert has_row(lines, perspective, obstacles, helpers, total), perspective
    for label, number in [("gerealiseerd", 1), ("bezig", 1), ("open", 1), ("niet gelukt", 2), ("vervallen", 1)]:
        assert has_row(lines, f"Vervolgacties {label}", str(number))
    assert has_row(lines, "Casussen besproken", "3") and has_row(lines, "Oplossingen", "3")


def test_pdf_and_excel_have_charts_and_a_sheet_per_part(known):
    document = oogst.document(harvest_of(known))
    data = render(document, "pdf")
    assert flat(pdf_text(data)).startswith("Oogst: Proeftuin")
    images = sum(len(page.images) for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    assert images >= 3  # outcomes per session, per organisation, per perspective
    book = openpyxl.load_workbook(io.BytesIO(render(document, "xlsx")))
    assert {"Samenvatting", "Vervolgacties", "Waarom niet", "Per perspectief", "Inbreng"} <= set(book.sheetnames)
    assert [c.value for c in book["Vervolgacties"][1]] == oogst.ACTION_COLUMNS
    assert book["Waarom niet"]["D2"].value == "Geen capaciteit"


def test_markdown_and_csv_need_no_charts(known, monkeypatch):
    monkeypatch.setattr(oogst.charts, "status_bars", lambda *a, **k: pytest.fail("drew a chart"))
    document = oogst.document(harvest_of(known))
    assert "Grafiek: Wat werd er van de acties" in render(document, "md").decode()
    assert render(document, "csv")


def test_the_oogst_for_one_organisation_counts_only_its_actions(known):
    with db.transaction(known["engine"]) as session:
        other = factories.organisation(session, "Corporatie")
        s1 = session.get(LearningSession, harvest_of(known).sessions[0].id)
        factories.action(session, s1, None, organisation_id=other.id, title="Van de corporatie")
        other_id = other.id
    everything = harvest_of(known)
    assert everything.action_count == 7 and everything.organisation is None
    report = harvest_of(known, organisation_id=other_id)
    assert oogst.title(report) == "Oogst: Proeftuin — Corporatie"
    assert [a.title for a in report.actions] == ["Van de corporatie"]
    lines = rows("md", render(oogst.document(report), "md"))
    assert has_row(lines, "Van de corporatie") and not has_row(lines, "Actie 1")


def test_an_empty_series_gives_a_friendly_oogst_in_every_format(engine):
    with db.transaction(engine) as session:
        viewer = factories.current(factories.user(session, Role.BEHEERDER))
        series = factories.series(session, name="Lege reeks")
        factories.learning_session(session, series_row=series, title="Nog niets")
    with db.read(engine) as session:
        document = oogst.document(oogst.harvest(session=session, series_id=series.id, actor=viewer))
    assert "In deze reeks zijn nog geen vervolgacties afgesproken." in flat(pdf_text(render(document, "pdf")))
    openpyxl.load_workbook(io.BytesIO(render(document, "xlsx")))
    assert "In deze reeks is nog geen leersessie gehouden." in render(document, "md").decode()
    assert csv_rows(render(document, "csv")) == [oogst.ACTION_COLUMNS]


def test_a_professional_may_not_see_the_oogst(known):
    with db.transaction(known["engine"]) as session:
        professional = factories.current(factories.user(session))
        with pytest.raises(NotAllowed):
            oogst.harvest(session=session, series_id=known["series_id"], actor=professional)
