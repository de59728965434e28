"""The one terugblik count that Start, Sessie voorbereiden and the projector all show."""

from __future__ import annotations

import datetime as dt

from lib.core import db
from lib.followup import terugblik
from lib.models import ActionStatus, Role
from tests import factories

TODAY = dt.date.today()


def test_open_means_not_finished_and_the_total_is_what_the_terugblik_walks_through(engine):
    with db.transaction(engine) as session:
        owner = factories.user(session, Role.PROFESSIONAL)
        reeks = factories.series(session)
        earlier = factories.learning_session(session, series_row=reeks, date=TODAY - dt.timedelta(weeks=4))
        coming = factories.learning_session(session, series_row=reeks, date=TODAY + dt.timedelta(days=1))
        finished = dt.datetime.now(dt.UTC) - dt.timedelta(days=3)
        for status in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ActionStatus.OPEN):
            factories.action(session, earlier, owner, status=status, due_date=coming.date)
        for status in (ActionStatus.DONE, ActionStatus.FAILED, ActionStatus.DROPPED):
            factories.action(session, earlier, owner, status=status, due_date=coming.date, finished_at=finished)
        coming_id = coming.id
    with db.read(engine) as session:
        count = terugblik.review_count(session=session, learning_session_id=coming_id)
        listed = terugblik.actions_for_review(session=session, learning_session_id=coming_id)
    assert (count.total, count.open) == (len(listed), 3) == (6, 3)
    assert count.text == "3 open vervolgacties in de terugblik (van 6)"


def test_the_last_agreed_action_comes_first(engine):
    with db.transaction(engine) as session:
        owner = factories.user(session, Role.PROFESSIONAL)
        reeks = factories.series(session)
        first = factories.learning_session(session, series_row=reeks, date=TODAY - dt.timedelta(weeks=8))
        second = factories.learning_session(session, series_row=reeks, date=TODAY - dt.timedelta(weeks=4))
        coming = factories.learning_session(session, series_row=reeks, date=TODAY + dt.timedelta(days=1))
        for meeting, title in ((first, "oud"), (second, "eerder"), (second, "zojuist")):
            factories.action(session, meeting, owner, title=title, status=ActionStatus.OPEN)
        coming_id = coming.id
    with db.read(engine) as session:
        titles = [a.title for a in terugblik.actions_for_review(session=session, learning_session_id=coming_id)]
    assert titles == ["zojuist", "eerder", "oud"]


def test_no_terugblik_says_so(engine):
    with db.transaction(engine) as session:
        meeting_id = factories.learning_session(session, series_row=factories.series(session), date=TODAY).id
    with db.read(engine) as session:
        count = terugblik.review_count(session=session, learning_session_id=meeting_id)
    assert (count.total, count.open) == (0, 0)
    assert "geen vervolgacties" in count.text
