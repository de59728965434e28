"""This wave's migrations on a database that is in use: rows that other tables reference survive them.

An upgrade that copies a table (Alembic's batch mode on SQLite) fails on such a database, or, when the
foreign keys cascade, deletes the referencing rows; an empty test database would never show it."""

from __future__ import annotations

from alembic import command
from sqlalchemy import func, select

from lib import accounts
from lib.core import db
from lib.models import Action, AuthToken, Contribution, LearningSession, User, Vote
from tests import factories

BEFORE_THIS_WAVE = "5e1f0c2a7b31"


def test_upgrading_a_filled_database_keeps_every_row(sqlite_url):
    engine = db.engine_for(sqlite_url)
    with db.transaction(engine) as session:
        person = factories.user(session)
        meeting = factories.learning_session(session)
        group = factories.group(session, meeting, 1)
        row = factories.contribution(session, meeting, group)
        session.add(Vote(session_id=meeting.id, contribution_id=row.id, voter_key="telefoon"))
        factories.action(session, meeting, person)
        accounts.issue_token(session=session, user_id=person.id, days=1)
    models = (User, AuthToken, LearningSession, Contribution, Vote, Action)

    def counts() -> dict[str, int]:
        with db.read(engine) as session:
            return {m.__name__: session.scalar(select(func.count()).select_from(m)) for m in models}

    before = counts()
    config = db.alembic_config(sqlite_url)
    command.downgrade(config, BEFORE_THIS_WAVE)
    command.upgrade(config, "head")
    db.dispose_all()
    assert counts() == before
    assert all(before.values())
