"""The dashboard figures on a small known data set (exact numbers), per filter, and on empty data."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from lib.core import db
from lib.core.errors import NotAllowed
from lib.insight import stats
from lib.models import ActionStatus, ContributionKind, Role, SessionStatus
from tests import factories as f

TODAY = dt.date(2026, 3, 1)


def utc(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), dt.UTC)


@pytest.fixture
def known(engine):
    """Two organisations, series S (two held sessions, one planned) and series T (one held session)."""
    with db.transaction(engine) as session:
        org_a = f.organisation(session, "Gemeente Åsten")
        org_b = f.organisation(session, "Wijkteam Zuid")
        manager_a = f.user(session, Role.MANAGER, organisation=org_a, display_name="Manon Ärts")
        pro_a = f.user(session, Role.PROFESSIONAL, organisation=org_a)
        pro_b = f.user(session, Role.PROFESSIONAL, organisation=org_b)
        pro_b2 = f.user(session, Role.PROFESSIONAL, organisation=org_b)
        series_s = f.series(session, name="Reeks S")
        series_t = f.series(session, name="Reeks T")
        s1 = f.learning_session(session, series_row=series_s, date=dt.date(2026, 1, 10), status=SessionStatus.FINISHED)
        s2 = f.learning_session(session, series_row=series_s, date=dt.date(2026, 2, 10), status=SessionStatus.FINISHED)
        s3 = f.learning_session(session, series_row=series_s, date=dt.date(2026, 4, 10))
        t1 = f.learning_session(session, series_row=series_t, date=dt.date(2026, 1, 20), status=SessionStatus.FINISHED)

        def action(meeting, org, due, status, created, finished=None, **fields):
            return f.action(
                session,
                meeting,
                manager_a,
                organisation_id=org.id,
                due_date=dt.date.fromisoformat(due),
                status=status,
                created_at=utc(created),
                finished_at=utc(finished) if finished else None,
                **fields,
            )

        action(s1, org_a, "2026-02-10", ActionStatus.DONE, "2026-01-10", "2026-01-20", title="a1")
        action(s1, org_a, "2026-02-10", ActionStatus.OPEN, "2026-01-10", title="a2")
        action(s1, org_b, "2026-02-10", ActionStatus.DONE, "2026-01-10", "2026-02-15", title="a3")
        action(s2, org_b, "2026-04-10", ActionStatus.IN_PROGRESS, "2026-02-10", title="a4")
        action(
            s2, org_a, "2026-02-20", ActionStatus.FAILED, "2026-02-10", "2026-02-18", title="a5", reason="Geen budget"
        )
        action(t1, org_b, "2026-02-01", ActionStatus.IN_PROGRESS, "2026-01-20", title="a6")

        case_a = f.case(session, pro_a)
        case_b = f.case(session, pro_b)
        g1 = f.group(session, s1, 1, case_a)
        g2 = f.group(session, s2, 1, case_b)
        f.contribution(session, s1, g1, ContributionKind.OBSTACLE, 0, "Lange wachtlijst voor schuldhulp")
        f.contribution(session, s1, g1, ContributionKind.HELPER, 0, "Korte lijnen")
        f.contribution(session, s1, g1, ContributionKind.OBSTACLE, 1, "De wachtlijst schuldhulp is te lang")
        f.contribution(session, s1, g1, ContributionKind.SOLUTION, 2, "Spoedloket")
        f.contribution(session, s2, g2, ContributionKind.OBSTACLE, 0, "Wachtlijst schuldhulp blijft")
        f.contribution(session, s2, g2, ContributionKind.OBSTACLE, 0, "verborgen wachtlijst", hidden=True)

        f.attendance(session, s1, manager_a)
        f.attendance(session, s1, pro_a, present=True)
        f.attendance(session, s1, pro_b)
        f.attendance(session, s1, pro_b2, present=False)
        f.attendance(session, s2, manager_a)
        f.attendance(session, s2, pro_b)
        f.attendance(session, s3, pro_a)  # planned: does not count yet

        f.evaluation(session, s1, length="goed", constructive=5, to_the_point=4)
        f.evaluation(session, s1, length="te_lang", constructive=3, to_the_point=3)
        f.evaluation(session, s2, length="te_kort", constructive=4, to_the_point=5)
        return {
            "org_a": org_a.id,
            "org_b": org_b.id,
            "series_s": series_s.id,
            "manager_a": f.current(manager_a),
            "pro_a": f.current(pro_a),
        }


def records(frame) -> list[tuple]:
    return [tuple(row) for row in frame.itertuples(index=False)]


def test_headline_counts_open_late_done_and_the_on_time_share(engine, known):
    with db.read(engine) as session:
        everything = stats.headline(session=session, filters=stats.Filters(), today=TODAY)
        series_s = stats.headline(session=session, filters=stats.Filters(series_id=known["series_s"]), today=TODAY)
        org_a = stats.headline(session=session, filters=stats.Filters(organisation_id=known["org_a"]), today=TODAY)
    assert everything == stats.Headline(total=6, open=3, late=2, done=2, on_time_percentage=20.0)
    assert series_s == stats.Headline(total=5, open=2, late=1, done=2, on_time_percentage=25.0)
    assert org_a == stats.Headline(total=3, open=1, late=1, done=1, on_time_percentage=33.3)


def test_action_status_per_organisation_and_per_session(engine, known):
    with db.read(engine) as session:
        by_org = stats.action_status_by_organisation(session=session, filters=stats.Filters())
        by_session = stats.action_status_by_session(session=session, filters=stats.Filters(series_id=known["series_s"]))
    assert sorted(records(by_org)) == [
        ("Gemeente Åsten", "gerealiseerd", 1),
        ("Gemeente Åsten", "niet gelukt", 1),
        ("Gemeente Åsten", "open", 1),
        ("Wijkteam Zuid", "bezig", 2),
        ("Wijkteam Zuid", "gerealiseerd", 1),
    ]
    per_date = sorted((d, s, n) for _title, d, s, n in records(by_session))
    assert per_date == [
        (dt.date(2026, 1, 10), "gerealiseerd", 2),
        (dt.date(2026, 1, 10), "open", 1),
        (dt.date(2026, 2, 10), "bezig", 1),
        (dt.date(2026, 2, 10), "niet gelukt", 1),
    ]


def test_period_filter_keeps_the_actions_of_sessions_in_that_period(engine, known):
    period = stats.Filters(start=dt.date(2026, 2, 1), end=dt.date(2026, 2, 28))
    with db.read(engine) as session:
        head = stats.headline(session=session, filters=period, today=TODAY)
        evaluations = stats.evaluation_scores(session=session, filters=period)
    assert (head.total, head.open, head.done) == (2, 1, 0)
    assert list(evaluations["datum"]) == [dt.date(2026, 2, 10)]


def test_on_time_share_per_month_of_the_due_date(engine, known):
    with db.read(engine) as session:
        frame = stats.on_time_share(session=session, filters=stats.Filters(), today=TODAY)
    assert records(frame) == [("2026-02", 5, 1, 20.0)]


def test_time_to_realisation_median_and_distribution(engine, known):
    with db.read(engine) as session:
        result = stats.realisation(session=session, filters=stats.Filters())
    assert result.count == 2
    assert result.median_days == 23.0  # 10 and 36 days
    buckets = dict(records(result.buckets))
    assert buckets["1–2 weken"] == 1 and buckets["1–2 maanden"] == 1
    assert sum(buckets.values()) == 2


def test_late_actions_list_owner_organisation_and_days_late_longest_first(engine, known):
    with db.read(engine) as session:
        frame = stats.late_actions(session=session, filters=stats.Filters(), today=TODAY)
    assert [(r.actie, r.trekker, r.organisatie, r.dagen_te_laat) for r in frame.itertuples()] == [
        ("a6", "Manon Ärts", "Wijkteam Zuid", 28),
        ("a2", "Manon Ärts", "Gemeente Åsten", 19),
    ]


def test_obstacles_and_helpers_per_perspective_per_session_without_hidden_ones(engine, known):
    with db.read(engine) as session:
        frame = stats.contributions_per_perspective(session=session, filters=stats.Filters())
    assert sorted((d, p, k, n) for _t, d, p, k, n in records(frame)) == [
        (dt.date(2026, 1, 10), "professional", "belemmert", 1),
        (dt.date(2026, 1, 10), "systeem", "belemmert", 1),
        (dt.date(2026, 1, 10), "systeem", "helpt", 1),
        (dt.date(2026, 2, 10), "systeem", "belemmert", 1),
    ]


def test_recurring_themes_prefer_a_repeated_phrase_and_drop_stop_words(engine, known):
    with db.read(engine) as session:
        everything = stats.recurring_themes(session=session, filters=stats.Filters())
        org_a = stats.recurring_themes(session=session, filters=stats.Filters(organisation_id=known["org_a"]))
    assert records(everything) == [("wachtlijst schuldhulp", 3)]
    assert records(org_a) == [("wachtlijst schuldhulp", 2)]


def test_count_themes_counts_a_word_once_per_text():
    frame = stats.count_themes(["Geld, geld en nog eens GELD", "Het geld is op"])
    assert records(frame) == [("geld", 2)]
    assert records(stats.count_themes(["Één regel blokkeert"])) == [("blokkeert", 1), ("regel", 1), ("één", 1)]


def test_attendance_per_session_by_role_and_per_organisation(engine, known):
    with db.read(engine) as session:
        by_role = stats.attendance_by_role(session=session, filters=stats.Filters())
        org_a = stats.attendance_by_role(session=session, filters=stats.Filters(organisation_id=known["org_a"]))
        by_org = stats.attendance_by_organisation(session=session, filters=stats.Filters())
    assert [(d, r, n) for _t, d, r, n in records(by_role)] == [
        (dt.date(2026, 1, 10), "manager", 1),
        (dt.date(2026, 1, 10), "professional", 2),
        (dt.date(2026, 2, 10), "manager", 1),
        (dt.date(2026, 2, 10), "professional", 1),
    ]
    assert [(d, r, n) for _t, d, r, n in records(org_a)] == [
        (dt.date(2026, 1, 10), "manager", 1),
        (dt.date(2026, 1, 10), "professional", 1),
        (dt.date(2026, 2, 10), "manager", 1),
    ]
    assert records(by_org) == [
        ("Gemeente Åsten", "manager", 2),
        ("Gemeente Åsten", "professional", 1),
        ("Wijkteam Zuid", "professional", 2),
    ]


def test_evaluation_scores_per_session(engine, known):
    with db.read(engine) as session:
        frame = stats.evaluation_scores(session=session, filters=stats.Filters())
    assert [row[1:] for row in records(frame)] == [
        (dt.date(2026, 1, 10), 2, 4.0, 3.5, 0, 1, 1),
        (dt.date(2026, 2, 10), 1, 4.0, 5.0, 1, 0, 0),
    ]


def test_a_manager_starts_with_their_own_organisation_and_a_professional_is_refused(engine, known):
    assert stats.default_filters(known["manager_a"]) == stats.Filters(organisation_id=known["org_a"])
    with db.read(engine) as session, pytest.raises(NotAllowed):
        stats.dashboard(session=session, viewer=known["pro_a"], filters=stats.Filters(), today=TODAY)


def test_empty_database_gives_empty_frames_and_no_percentages(engine):
    with db.transaction(engine) as session:
        viewer = f.current(f.user(session, Role.AANJAGER))
    with db.read(engine) as session:
        board = stats.dashboard(session=session, viewer=viewer, filters=stats.Filters(), today=TODAY)
    assert board.headline == stats.Headline(0, 0, 0, 0, None)
    assert board.realisation.count == 0 and board.realisation.median_days is None
    frames = [
        board.status_by_organisation,
        board.status_by_session,
        board.on_time,
        board.late,
        board.perspectives,
        board.themes,
        board.attendance,
        board.attendance_organisations,
        board.evaluations,
        board.realisation.buckets,
    ]
    assert all(frame.empty for frame in frames)
    assert list(board.late.columns) == [
        "nr",
        "actie",
        "trekker",
        "organisatie",
        "streefdatum",
        "dagen_te_laat",
        "status",
    ]


def test_the_data_stamp_moves_with_every_change_the_dashboard_shows(engine, known):
    """The page's cache is keyed on it: an action's status, a hidden contribution, a sign-up undone."""
    from lib.followup import actions
    from lib.live import capture
    from lib.models import Action, Attendance, Contribution, User

    def stamp():
        with db.read(engine) as session:
            return stats.data_stamp(session=session)

    first = stamp()
    assert stamp() == first  # reading changes nothing
    with db.transaction(engine) as session:
        a2 = session.query(Action).filter(Action.title == "a2").one()
        actions.change_status(
            session=session,
            action_id=a2.id,
            to_status=ActionStatus.IN_PROGRESS,
            note="",
            expected_version=a2.version,
            actor=known["manager_a"],
        )
    second = stamp()
    assert second != first
    with db.transaction(engine) as session:
        shown = session.query(Contribution).filter(Contribution.text == "Korte lijnen").one()
        aanjager = f.current(f.user(session, Role.AANJAGER))
        capture.set_hidden(session=session, contribution_id=shown.id, hidden=True, actor=aanjager)
    third = stamp()
    assert third != second
    with db.transaction(engine) as session:
        pro_a = session.query(User).filter(User.id == known["pro_a"].id).one()
        session.query(Attendance).filter(Attendance.user_id == pro_a.id).delete()
    assert stamp() != third


def test_the_late_list_follows_the_visibility_rule_for_a_manager(engine, known):
    """The dashboard's counts cover every organisation; its late list names actions, so a manager sees
    the own organisation's there (as in Opvolging and every export), the aanjager all of them."""
    from lib.core import visibility
    from lib.models import Organisation

    with db.transaction(engine) as session:  # a colleague of Manon's: trekker of none of these actions
        colleague = f.current(f.user(session, Role.MANAGER, organisation=session.get(Organisation, known["org_a"])))
    with db.read(engine) as session:
        everyone = stats.late_actions(session=session, filters=stats.Filters(), today=TODAY)
        mine = stats.late_actions(
            session=session,
            filters=stats.Filters(),
            today=TODAY,
            visible=visibility.action_clause(colleague),
        )
    assert set(everyone["actie"]) == {"a2", "a6"}
    assert list(mine["actie"]) == ["a2"]


def test_the_dashboard_names_the_longest_late_and_the_csv_holds_every_one_the_viewer_may_see(engine, monkeypatch):
    """More late actions than the dashboard lists: the list has the LATE_SHOWN longest late, the CSV
    (built when clicked) every one, and a manager's CSV only the own organisation's."""
    from lib.insight import reports

    monkeypatch.setattr(stats, "LATE_SHOWN", 3)
    with db.transaction(engine) as session:
        own, other = f.organisation(session, "Gemeente Ëde"), f.organisation(session, "Wijkteam West")
        manager = f.user(session, Role.MANAGER, organisation=own)
        trekker = f.user(session, Role.PROFESSIONAL, organisation=own)
        meeting = f.learning_session(session, series_row=f.series(session), date=dt.date(2026, 1, 5))
        for days in range(1, 6):
            for org in (own, other):
                f.action(
                    session,
                    meeting,
                    trekker,
                    organisation_id=org.id,
                    due_date=TODAY - dt.timedelta(days=days),
                    title=f"{org.name} {days}",
                )
        viewer, aanjager = f.current(manager), f.current(f.user(session, Role.AANJAGER))
    with db.read(engine) as session:
        board = stats.compute_dashboard(session=session, filters=stats.Filters(), today=TODAY)
        everything = reports.late_actions_file(session=session, viewer=aanjager, filters=stats.Filters(), today=TODAY)
        own_only = reports.late_actions_file(session=session, viewer=viewer, filters=stats.Filters(), today=TODAY)
    assert list(board.late["dagen_te_laat"]) == [5, 5, 4]
    rows = list(csv.reader(io.StringIO(everything.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 1 + 10
    mine = list(csv.reader(io.StringIO(own_only.decode("utf-8-sig")), delimiter=";"))
    assert [r[1] for r in mine[1:]] == [f"Gemeente Ëde {d}" for d in (5, 4, 3, 2, 1)]
