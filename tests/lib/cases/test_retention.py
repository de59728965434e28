"""Retention (AVG): expired cases are shown first, then anonymised; counts, kinds and actions stay."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from lib import cli
from lib.cases import retention
from lib.core import db
from lib.core.config import get_settings
from lib.core.errors import NotAllowed
from lib.models import Action, AuditLog, Case, CaseStatus, Contribution, ContributionKind, Role, Vote
from tests import factories

TODAY = dt.date(2026, 11, 23)


@pytest.mark.parametrize(
    ("today", "months", "expected"),
    [
        (dt.date(2026, 3, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2026, 3, 31), 24, dt.date(2024, 3, 31)),
        (dt.date(2024, 2, 29), 12, dt.date(2023, 2, 28)),
        (dt.date(2026, 1, 15), 1, dt.date(2025, 12, 15)),
        (TODAY, 24, dt.date(2024, 11, 23)),
    ],
)
def test_cutoff_counts_calendar_months(today, months, expected):
    assert retention.cutoff(today, months) == expected


def test_retention_months_come_from_the_environment(monkeypatch):
    monkeypatch.delenv("LEERSESSIE_RETENTION_MONTHS", raising=False)
    assert get_settings().retention_months == 24
    monkeypatch.setenv("LEERSESSIE_RETENTION_MONTHS", "6")
    assert get_settings().retention_months == 6
    monkeypatch.setenv("LEERSESSIE_RETENTION_MONTHS", "nul")
    with pytest.raises(ValueError, match="LEERSESSIE_RETENTION_MONTHS moet een geheel getal zijn"):
        get_settings()


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12, 0), tzinfo=dt.UTC)


@pytest.fixture
def world(engine):
    """Cases on both sides of the 24-month line, discussed and never discussed."""
    with db.transaction(engine) as session:
        author = factories.user(session, username="indiener")
        old_meeting = factories.learning_session(session, date=dt.date(2024, 10, 1), title="Oude sessie")
        recent_meeting = factories.learning_session(session, date=dt.date(2025, 1, 10), title="Recente sessie")
        made = {
            "old_discussed": factories.case(
                session,
                author,
                title="Mevrouw Jansen en de schulden",
                description="Mevrouw J. (82) uit de Kruisstraat.",
                tried="Schuldhulp gebeld.",
                status=CaseStatus.DISCUSSED,
                session_id=old_meeting.id,
                created_at=_at(dt.date(2024, 9, 1)),
            ),
            "recent_discussed": factories.case(
                session,
                author,
                title="Recent besproken",
                status=CaseStatus.DISCUSSED,
                session_id=recent_meeting.id,
                created_at=_at(dt.date(2024, 6, 1)),  # submitted long ago, but discussed recently
            ),
            "old_returned": factories.case(
                session,
                author,
                title="Nooit besproken",
                status=CaseStatus.RETURNED,
                created_at=_at(dt.date(2024, 11, 1)),
            ),
            "new_submitted": factories.case(
                session, author, title="Net ingediend", created_at=_at(dt.date(2026, 11, 1))
            ),
        }
        table = factories.group(session, old_meeting, 1, made["old_discussed"])
        obstacle = factories.contribution(session, old_meeting, table, text="De regels van de schuldhulp")
        solution = factories.contribution(
            session, old_meeting, table, kind=ContributionKind.SOLUTION, text="Eén loket voor mevrouw J."
        )
        session.add(Vote(session_id=old_meeting.id, contribution_id=solution.id, voter_key="v1"))
        factories.action(session, old_meeting, author, title="Eén loket inrichten", contribution_id=solution.id)
        other_table = factories.group(session, recent_meeting, 1, made["recent_discussed"])
        factories.contribution(session, recent_meeting, other_table, text="Blijft staan")
        ids = {name: case.id for name, case in made.items()} | {"obstacle": obstacle.id}
    return ids


def test_preview_lists_what_will_go_and_changes_nothing(engine, world):
    with db.read(engine) as session:
        plan = retention.preview(session=session, today=TODAY, months=24)
    assert plan.cutoff == dt.date(2024, 11, 23)
    assert plan.total == 2
    assert plan.contributions == 2
    assert [(c.id, c.discussed, c.reference_date) for c in plan.cases] == [
        (world["old_discussed"], True, dt.date(2024, 10, 1)),
        (world["old_returned"], False, dt.date(2024, 11, 1)),
    ]
    assert plan.cases[0].title == "Mevrouw Jansen en de schulden"
    assert plan.cases[0].contributions == 2
    with db.read(engine) as session:
        assert session.scalar(select(func.count()).where(Case.retention_anonymised_at.is_not(None))) == 0


def test_anonymising_replaces_texts_and_keeps_counts_kinds_and_actions(engine, world):
    with db.transaction(engine) as session:
        count = retention.anonymise_expired(session=session, today=TODAY, months=24, actor=None)
    assert count == 2
    with db.read(engine) as session:
        case = session.get(Case, world["old_discussed"])
        assert case.title == "Geanonimiseerde casus (oktober 2024)"
        assert case.description == retention.REMOVED_TEXT
        assert case.tried == ""
        assert "Jansen" not in case.learning_question
        assert case.status == CaseStatus.DISCUSSED
        assert case.retention_anonymised_at is not None
        kinds = session.execute(
            select(Contribution.kind, Contribution.text).where(Contribution.session_id == case.session_id)
        ).all()
        assert sorted(kinds) == [
            ("obstacle", retention.REMOVED_CONTRIBUTION),
            ("solution", retention.REMOVED_CONTRIBUTION),
        ]
        assert session.scalar(select(func.count()).select_from(Vote)) == 1
        assert session.scalars(select(Action.title)).all() == ["Eén loket inrichten"]
        assert session.get(Case, world["recent_discussed"]).title == "Recent besproken"
        assert session.get(Case, world["new_submitted"]).title == "Net ingediend"
        assert "Blijft staan" in session.scalars(select(Contribution.text)).all()
        entry = session.scalars(select(AuditLog).where(AuditLog.event == "retention_run")).one()
        assert entry.detail["cases"] == 2
        assert sorted(entry.detail["case_ids"]) == sorted([world["old_discussed"], world["old_returned"]])
    with db.transaction(engine) as session:  # a second run finds nothing new
        assert retention.anonymise_expired(session=session, today=TODAY, months=24, actor=None) == 0


def test_a_shorter_retention_period_takes_more(engine, world):
    with db.read(engine) as session:
        assert retention.preview(session=session, today=TODAY, months=12).total == 3


def test_only_a_beheerder_may_run_retention(engine, world):
    with db.transaction(engine) as session:
        aanjager = factories.current(factories.user(session, Role.AANJAGER))
        beheerder = factories.current(factories.user(session, Role.BEHEERDER))
    with pytest.raises(NotAllowed), db.transaction(engine) as session:
        retention.anonymise_expired(session=session, today=TODAY, months=24, actor=aanjager)
    with db.transaction(engine) as session:
        assert retention.anonymise_expired(session=session, today=TODAY, months=24, actor=beheerder) == 2


def test_cli_dry_run_shows_and_the_real_run_anonymises(engine, world, monkeypatch, capsys):
    monkeypatch.setattr(cli.dates, "local_today", lambda: TODAY)
    assert cli.main(["retention", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Bewaartermijn 24 maanden: 2 casus(sen)" in out
    assert "Mevrouw Jansen en de schulden" in out
    assert "Proefdraai: er is niets gewijzigd." in out
    with db.read(engine) as session:
        assert session.get(Case, world["old_discussed"]).title == "Mevrouw Jansen en de schulden"
    assert cli.main(["retention"]) == 0
    assert "2 casus(sen) geanonimiseerd." in capsys.readouterr().out
    with db.read(db.engine_for(engine.url.render_as_string(hide_password=False))) as session:
        assert session.get(Case, world["old_discussed"]).title.startswith("Geanonimiseerde casus")
