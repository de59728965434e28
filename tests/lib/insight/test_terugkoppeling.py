"""Terugkoppeling per organisatie: what concerns one organisation in a period, and safe downloads."""

from __future__ import annotations

import datetime as dt

import pytest

from lib.core import db
from lib.core.errors import DomainError, NotAllowed
from lib.exports.files import render
from lib.insight import terugkoppeling
from lib.models import ActionStatus, ContributionKind, Role
from tests import factories
from tests.readers import csv_rows, has_row, rows

TODAY = dt.date.today()


@pytest.fixture
def world(engine):
    with db.transaction(engine) as session:
        ours, theirs = factories.organisation(session, "Wijkteam"), factories.organisation(session, "Corporatie")
        aanjager = factories.user(session, Role.AANJAGER)
        manager = factories.user(session, Role.MANAGER, organisation=ours)
        other_manager = factories.user(session, Role.MANAGER, organisation=theirs)
        our_person = factories.user(session, organisation=ours)
        their_person = factories.user(session, organisation=theirs)
        inside = factories.learning_session(session, date=TODAY - dt.timedelta(days=20), title="Binnen")
        outside = factories.learning_session(session, date=TODAY - dt.timedelta(days=400), title="Buiten")
        our_case = factories.case(session, our_person, title="Onze casus")
        involving = factories.case(session, their_person, title="Gedeelde casus")
        involving.involved.append(ours)
        foreign = factories.case(session, their_person, title="Hun casus")
        groups = [factories.group(session, inside, n, c) for n, c in enumerate([our_case, involving, foreign], 1)]
        sol = ContributionKind.SOLUTION
        factories.contribution(session, inside, groups[0], sol, 2, "Eigen oplossing")
        factories.contribution(session, inside, groups[1], sol, 2, "Gedeelde oplossing")
        foreign_solution = factories.contribution(session, inside, groups[2], sol, 2, "Hun oplossing met onze actie")
        factories.contribution(session, inside, groups[2], sol, 2, "Hun oplossing")
        factories.contribution(session, outside, None, sol, 2, "Te oud")
        factories.action(
            session,
            inside,
            our_person,
            title='=HYPERLINK("x")',
            status=ActionStatus.FAILED,
            reason="-geen tijd",
            contribution_id=foreign_solution.id,
            due_date=TODAY - dt.timedelta(1),
        )
        factories.action(session, inside, their_person, title="Van de corporatie")
        factories.action(session, outside, our_person, title="Te oude actie")
        return {
            "engine": engine,
            "ours": ours.id,
            "theirs": theirs.id,
            **{
                k: factories.current(v)
                for k, v in {
                    "aanjager": aanjager,
                    "manager": manager,
                    "other_manager": other_manager,
                    "professional": our_person,
                }.items()
            },
        }


def report_for(world, who="manager", organisation="ours", start=TODAY - dt.timedelta(days=90), end=TODAY):
    with db.read(world["engine"]) as session:
        return terugkoppeling.feedback(
            session=session, organisation_id=world[organisation], start=start, end=end, actor=world[who], today=TODAY
        )


def test_the_solutions_and_actions_that_concern_one_organisation_in_the_period(world):
    report = report_for(world)
    assert report.organisation == "Wijkteam"
    assert [s.text for s in report.solutions] == [
        "Eigen oplossing",
        "Gedeelde oplossing",
        "Hun oplossing met onze actie",
    ]
    assert report.solutions[2].action_titles == ('=HYPERLINK("x")',)
    [action] = report.actions
    assert (action.status_label, action.reason, action.late) == ("niet gelukt", "-geen tijd", False)
    assert report.summary == "1 actie voor deze organisatie: 1 niet gelukt"


def test_a_manager_sees_only_the_own_organisation_and_a_professional_none(world):
    with pytest.raises(NotAllowed):
        report_for(world, who="other_manager", organisation="ours")
    with pytest.raises(NotAllowed):
        report_for(world, who="professional")
    assert report_for(world, who="aanjager", organisation="theirs").actions[0].title == "Van de corporatie"
    with db.read(world["engine"]) as session:
        assert [name for _id, name in terugkoppeling.organisations_for(session=session, actor=world["manager"])] == [
            "Wijkteam"
        ]


def test_a_period_that_ends_before_it_starts_is_refused(world):
    with pytest.raises(DomainError, match="einddatum ligt vóór de begindatum"):
        report_for(world, start=TODAY, end=TODAY - dt.timedelta(days=1))


def test_csv_is_the_actions_table_utf8_with_bom_semicolons_and_formula_safe(world):
    table = csv_rows(render(terugkoppeling.document(report_for(world)), "csv"))
    assert table[0] == terugkoppeling.ACTION_COLUMNS and len(table) == 2
    assert table[1][0] == '\'=HYPERLINK("x")' and table[1][5] == "'-geen tijd"


@pytest.mark.parametrize("kind", ["pdf", "xlsx", "md", "csv"])
def test_every_format_shows_the_action_with_status_and_why_not(world, kind):
    """PDF, Excel, Markdown and CSV of one terugkoppeling: the action in one row with its status and
    reason; all but the CSV also the solutions."""
    lines = rows(kind, render(terugkoppeling.document(report_for(world)), kind))
    inert = "'" if kind == "csv" else ""  # the CSV keeps Excel from running a formula
    assert has_row(lines, f'{inert}=HYPERLINK("x")', "niet gelukt", f"{inert}-geen tijd", "Binnen"), lines
    assert not any("Van de corporatie" in line for line in lines)
    if kind != "csv":
        assert has_row(lines, "Gedeelde oplossing", "Gedeelde casus", "Binnen")
        assert has_row(lines, "Hun oplossing met onze actie", "Hun casus", "Binnen", '=HYPERLINK("x")')
        assert any("1 actie voor deze organisatie: 1 niet gelukt" in line for line in lines)


def test_markdown_keeps_user_text_inert(world):
    markdown = render(terugkoppeling.document(report_for(world)), "md").decode()
    assert markdown.startswith("# Terugkoppeling Wijkteam")
    assert '=HYPERLINK\\("x"\\)' in markdown  # brackets escaped: no link
