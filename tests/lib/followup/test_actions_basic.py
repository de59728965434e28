"""The action contract other areas build on: create from a solution, change status, terugblik."""

from __future__ import annotations

import datetime as dt

import pytest

from lib.core import db
from lib.core.errors import Conflict, DomainError
from lib.followup import actions, terugblik
from lib.models import ActionStatus, ContributionKind, Role
from tests import factories


def test_solution_becomes_action_reviewed_at_the_next_session(engine):
    with db.transaction(engine) as session:
        aanjager = factories.current(factories.user(session, Role.AANJAGER))
        owner = factories.user(session, Role.MANAGER)
        reeks = factories.series(session)
        first = factories.learning_session(session, series_row=reeks, date=dt.date.today())
        second = factories.learning_session(session, series_row=reeks, date=dt.date.today() + dt.timedelta(weeks=4))
        solution = factories.contribution(session, first, None, ContributionKind.SOLUTION, 2, "Vast loket")
        due = actions.default_due_date(session=session, learning_session_id=first.id)
        action = actions.create_action(
            session=session,
            actor=aanjager,
            data=actions.NewAction(
                title=solution.text,
                due_date=due,
                owner_user_id=owner.id,
                session_id=first.id,
                contribution_id=solution.id,
            ),
        )
        ids = (action.id, second.id)
    assert due == dt.date.today() + dt.timedelta(weeks=4)
    with db.transaction(engine) as session:
        review = terugblik.actions_for_review(session=session, learning_session_id=ids[1])
        assert [a.id for a in review] == [ids[0]]
        with pytest.raises(DomainError, match="Waarom niet"):
            actions.change_status(
                session=session,
                action_id=ids[0],
                to_status=ActionStatus.FAILED,
                note=" ",
                actor=aanjager,
                expected_version=1,
            )
        actions.change_status(
            session=session,
            action_id=ids[0],
            to_status=ActionStatus.FAILED,
            note="Geen budget",
            actor=aanjager,
            expected_version=1,
            in_session_id=ids[1],
        )
    with db.transaction(engine) as session:
        # Still in this session's terugblik (updated in it), even though finished.
        assert [a.status for a in terugblik.actions_for_review(session=session, learning_session_id=ids[1])] == [
            "niet_gelukt"
        ]
        with pytest.raises(Conflict):
            actions.change_status(
                session=session,
                action_id=ids[0],
                to_status=ActionStatus.OPEN,
                note="x",
                actor=aanjager,
                expected_version=1,
            )
