"""The audit log cannot be rewritten by the app: on PostgreSQL TRUNCATE is refused by a trigger (also for
the owner), and with deploy/postgresql.sql the app's role may only read and append."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from lib.core import audit, db
from lib.core.config import ROOT

SCRIPT = ROOT / "deploy" / "postgresql.sql"


@pytest.fixture
def pg(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("TRUNCATE and roles: PostgreSQL only")
    with db.transaction(engine) as session:
        audit.record(session=session, event="login", user_id=None)
    return engine


def test_truncate_of_the_audit_log_is_refused_even_for_the_owner(pg):
    with pytest.raises(DBAPIError, match="append-only"), pg.begin() as conn:
        conn.execute(text("TRUNCATE audit_log"))
    with pg.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_log")).scalar() == 1


def _script_for(suffix: str) -> str:
    """The shipped script, with role names of this test run (roles are shared by the whole server)."""
    script = Path(SCRIPT).read_text(encoding="utf-8")
    return script.replace("leersessie_owner", f"lsowner_{suffix}").replace("leersessie_app", f"lsapp_{suffix}")


def test_the_app_role_of_the_deploy_script_may_only_read_and_append(pg):
    suffix = hashlib.sha1(str(pg.url).encode()).hexdigest()[:8]
    app_role = f"lsapp_{suffix}"
    with pg.begin() as conn:
        conn.connection.cursor().execute(_script_for(suffix))  # as psql would: no parameter parsing

    def as_app(statement: str) -> None:
        with pg.connect() as conn:
            conn.execute(text(f"SET LOCAL ROLE {app_role}"))  # transaction-scoped: the pool stays clean
            conn.execute(text(statement))
            conn.commit()

    try:
        as_app("INSERT INTO audit_log (at, event, entity, detail) VALUES (now(), 'probe', '', '{}')")
        as_app("SELECT count(*) FROM audit_log")
        for statement in ("UPDATE audit_log SET event = 'x'", "DELETE FROM audit_log", "TRUNCATE audit_log"):
            with pytest.raises(DBAPIError, match="permission denied"):
                as_app(statement)
        as_app("DELETE FROM login_attempt")  # the domain tables stay writable for the app
        with pg.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM audit_log")).scalar() == 2
    finally:
        with pg.begin() as conn:
            for role in (app_role, f"lsowner_{suffix}"):
                conn.execute(text(f"DROP OWNED BY {role}"))
                conn.execute(text(f"DROP ROLE {role}"))
