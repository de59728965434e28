"""The oogst of a series: exact figures on a known data set, the reasons together, the downloads."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from lib.core import db
from lib.core.errors import NotAllowed
from lib.insight import oogst
from lib.models import ActionStatus, CaseStatus, ContributionKind, Role, SessionStatus
from tests import factories

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
        factories.learning_session(session, series_row=reeks, date=TODAY + dt.timedelta(weeks=4), title="Sessie 3")
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
    assert [(r.action_title, r.reason) for r in report.reasons] == [
        ("Actie 1", "Geen capaciteit"),
        ("Actie 5", "Geen budget"),
        ("Actie 2", "Landelijk opgepakt"),
    ]


def test_chart_and_downloads_show_the_outcomes(known):
    with db.read(known["engine"]) as session:
        report = oogst.harvest(session=session, series_id=known["series_id"], actor=known["aanjager"])
    figure = oogst.outcomes_figure(report)
    by_name = {trace.name: list(trace.y) for trace in figure.data}
    assert by_name["niet gelukt"] == [1, 1] and by_name["gerealiseerd"] == [1, 0]
    markdown = oogst.to_markdown(report)
    assert "## Waarom niet?" in markdown and "Geen capaciteit" in markdown and "Sessie 2" in markdown
    raw = oogst.to_csv(report)
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == oogst.CSV_HEADER and len(rows) == 7
    assert [
        "Sessie 2",
        (TODAY - dt.timedelta(weeks=4)).strftime("%d-%m-%Y"),
        "Actie 5",
        "Trekker 5",
        "Gemeente Oss",
        "niet gelukt",
        "",
        "Geen budget",
    ] in rows


def test_a_professional_may_not_see_the_oogst(known):
    with db.transaction(known["engine"]) as session:
        professional = factories.current(factories.user(session))
        with pytest.raises(NotAllowed):
            oogst.harvest(session=session, series_id=known["series_id"], actor=professional)
