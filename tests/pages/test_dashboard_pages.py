"""The dashboard and the reports page as each role sees them on the demo data."""

from __future__ import annotations

import pytest

from tests.pages.conftest import texts

CHART_TITLES = [
    "Status per organisatie",
    "Status per sessie",
    "Op tijd gerealiseerd",
    "Van afspraak tot realisatie",
    "Belemmert en helpt per perspectief",
    "Terugkerende thema's",
    "Deelname per sessie",
    "Evaluatie per sessie",
]


def plotly_count(at) -> int:
    return len(at.get("plotly_chart"))


@pytest.mark.parametrize("role", ["aanjager", "beheerder"])
def test_aanjager_and_beheerder_see_every_organisation_and_the_charts(app_as, role):
    at = app_as(role, "pages/dashboard.py")
    assert not at.exception
    assert at.selectbox(key="dash_organisation").value is None  # alle organisaties
    shown = texts(at)
    for title in CHART_TITLES:
        assert title in shown
    assert plotly_count(at) >= 6
    assert [m.value for m in at.metric][:1] == ["6"]  # the six demo actions


def test_a_manager_sees_only_their_own_organisation_by_default(app_as):
    at = app_as("manager", "pages/dashboard.py")
    assert not at.exception
    assert at.selectbox(key="dash_organisation").value is not None
    assert "Gemeente Oss" in at.selectbox(key="dash_organisation").format_func(
        at.selectbox(key="dash_organisation").value
    )
    assert at.metric[0].value == "2"  # the two actions of Gemeente Oss, not all six
    late = at.dataframe[0].value if at.dataframe else None
    organisations = set(late["organisatie"]) if late is not None else set()
    assert organisations <= {"Gemeente Oss"}


def test_a_manager_can_widen_the_view_to_all_organisations(app_as):
    at = app_as("manager", "pages/dashboard.py")
    at.selectbox(key="dash_organisation").select_index(0).run()
    assert not at.exception
    assert at.metric[0].value == "6"
    # The counts cover every organisation; the late list names actions, and a manager sees only the
    # own organisation's (and the own) there, as in Opvolging and the exports (lib/core/visibility.py).
    late = at.dataframe[0].value if at.dataframe else None
    assert late is None or set(late["organisatie"]) <= {"Gemeente Oss"}


def test_an_empty_selection_says_nog_geen_gegevens(app_as):
    at = app_as("aanjager", "pages/dashboard.py")
    at.selectbox(key="dash_period").set_value("Vorig kalenderjaar").run()
    assert not at.exception
    assert "Nog geen gegevens." in texts(at)
    assert plotly_count(at) == 0


def test_reports_page_offers_the_three_downloads_per_report(app_as):
    at = app_as("manager", "pages/rapporten.py")
    assert not at.exception
    shown = texts(at)
    assert "Sessieverslag" in shown and "Oogst van een reeks" in shown and "Gegevens als CSV" in shown
    labels = [b.label for b in at.get("download_button")]
    assert {
        "Sessieverslag als PDF",
        "Sessieverslag als Excel",
        "Sessieverslag als Markdown",
        "Oogst als PDF",
        "Oogst als Excel",
        "Vervolgacties (CSV)",
        "Inbreng van de groepen (CSV)",
    } <= set(labels)
