"""Terugkoppeling per organisatie: what concerns one organisation in a period, and safe downloads."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from lib.core import db
from lib.core.errors import DomainError, NotAllowed
from lib.insight import terugkoppeling
from lib.models import ActionStatus, ContributionKind, Role
from tests import factories
from tests.corpus import blns

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


def test_csv_is_utf8_with_bom_semicolons_and_formula_safe(world):
    raw = terugkoppeling.to_csv(report_for(world))
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == terugkoppeling.CSV_HEADER
    action = next(r for r in rows if r[0] == "actie")
    assert action[4] == '\'=HYPERLINK("x")' and action[8] == "'-geen tijd"
    raw = terugkoppeling.csv_bytes(["kolom"] * 8, [["=1+1", "+1", "-1", "@x", "\tx", "\rx", "gewoon", None]])
    cells = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))[1]
    assert [c[0] for c in cells[:6]] == ["'"] * 6 and cells[6:] == ["gewoon", ""]


def test_markdown_download_keeps_every_blns_string_inert():
    for text in blns():
        line = terugkoppeling.md_escape(text)
        assert "\n" not in line
        for active in ("[", "<", "*", "`"):
            assert line.count(active) == line.count("\\" + active)


def test_markdown_download_lists_actions_with_reasons(world):
    markdown = terugkoppeling.to_markdown(report_for(world))
    assert markdown.startswith("# Terugkoppeling Wijkteam")
    assert "Waarom niet: -geen tijd" in markdown and "Gedeelde oplossing (casus: Gedeelde casus)" in markdown
