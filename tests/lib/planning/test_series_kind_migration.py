"""The migration that brings series kinds: series planned before it become a leersessie reeks, and their
sessions ordinary leersessies (not Oogstdagen)."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from lib.core import db

BEFORE = "5e1f0c2a7b31"  # the revision before series kinds


def test_existing_series_become_a_reeks(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = db.engine_for(url)
    config = db.alembic_config(url)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, BEFORE)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO series (name, description, location, default_start, default_end, archived, version, "
                "created_at) VALUES ('Oude reeks', '', '', '09:00:00', '10:30:00', 0, 1, '2026-01-01 00:00:00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO learning_session (series_id, title, date, start_time, end_time, location, status, "
                "template_name, rounds, group_count, votes_per_participant, phase, current_round, paused_seconds, "
                "added_seconds, version, created_at) VALUES (1, 'Oude sessie', '2026-02-01', '09:00:00', "
                "'10:30:00', '', 'gepland', '', '[]', 3, 3, 'opening', 0, 0, 0, 1, '2026-01-01 00:00:00')"
            )
        )
    db.upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT kind, max_participants FROM series")).one() == ("reeks", None)
        assert conn.execute(text("SELECT kind FROM learning_session")).scalar_one() == "leersessie"
        assert conn.execute(text("SELECT count(*) FROM enrolment")).scalar_one() == 0
    db.dispose_all()
