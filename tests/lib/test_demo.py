"""The demo series: complete, relative to today, and only ever loaded into an empty database."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from lib import demo, home
from lib.accounts import CurrentUser
from lib.core import db
from lib.models import Action, ActionStatus, Contribution, LearningSession, Role, SessionStatus, User

TODAY = dt.date(2026, 11, 22)  # a Sunday


@pytest.fixture
def loaded(engine):
    with db.transaction(engine) as session:
        return demo.load(session=session, today=TODAY)


def test_demo_has_one_past_and_upcoming_sessions_relative_to_today(engine, loaded):
    with db.read(engine) as session:
        sessions = session.scalars(select(LearningSession).order_by(LearningSession.date)).all()
    assert [s.status for s in sessions] == ["afgerond", "voorbereid", "gepland", "gepland"]
    assert sessions[0].date < TODAY < sessions[1].date
    assert sessions[1].date == dt.date(2026, 11, 24)  # the coming Tuesday
    assert all((s.start_time, s.end_time) == (dt.time(9), dt.time(10, 30)) for s in sessions)


def test_past_session_has_all_three_perspectives_and_actions_in_every_status(engine, loaded):
    with db.read(engine) as session:
        perspectives = set(session.scalars(select(Contribution.perspective).distinct()))
        statuses = set(session.scalars(select(Action.status).distinct()))
        failed = session.scalar(select(Action).where(Action.status == ActionStatus.FAILED))
        assert failed.reason and len(failed.updates) == 2
    assert perspectives == {"systeem", "professional", "veranderproces"}
    assert statuses == set(ActionStatus)


def test_one_demo_account_per_role(engine, loaded):
    with db.read(engine) as session:
        accounts = dict(
            session.execute(
                select(User.username, User.role).where(
                    User.username.in_(["aanjager", "professional", "manager", "beheerder"])
                )
            ).all()
        )
    assert set(accounts.values()) == set(Role)


def test_demo_refuses_a_database_with_users(engine, loaded):
    with pytest.raises(RuntimeError), db.transaction(engine) as session:
        demo.load(session=session, today=TODAY)
    with db.read(engine) as session:
        assert session.scalar(select(func.count()).select_from(LearningSession)) == 4


def test_home_overview_of_the_demo_aanjager(engine, loaded):
    with db.read(engine) as session:
        aanjager = CurrentUser.of(session.scalar(select(User).where(User.username == "aanjager")))
        overview = home.overview(session=session, user=aanjager, today=TODAY)
    assert overview.next_session.date == dt.date(2026, 11, 24)
    assert overview.next_session.status == SessionStatus.PREPARED
    assert any("ingediende casus" in line for line in overview.todo)
    assert any("open vervolgactie" in line for line in overview.todo)


def test_home_lists_only_the_managers_own_unfinished_actions_late_ones_marked(engine, loaded):
    with db.read(engine) as session:
        manager = CurrentUser.of(session.scalar(select(User).where(User.username == "manager")))
        actions = home.my_open_actions(session=session, user=manager, today=dt.date(2026, 12, 1))
    assert [a.status for a in actions] == ["bezig"]
    assert actions[0].late
