"""audit log refuses TRUNCATE on PostgreSQL; the app role may only read and append

Revision ID: 9a3ee92e5fb6
Revises: a26773c58491
Create Date: 2026-11-23 04:00:00

The append-only triggers (UPDATE, DELETE) of the first migration do not fire on TRUNCATE. A statement
trigger BEFORE TRUNCATE does, also for the table's owner (only dropping the trigger, which needs the
owner, gets round it). Where the deployment's roles exist (deploy/postgresql.sql), the app role keeps
only SELECT and INSERT on the table. SQLite has no TRUNCATE (a DELETE without WHERE hits the trigger).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "9a3ee92e5fb6"
down_revision: str | None = "a26773c58491"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APP_ROLE = "leersessie_app"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE FUNCTION audit_log_no_truncate() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$"
    )
    op.execute(
        "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_no_truncate()"
    )
    op.execute(
        f"DO $$ BEGIN IF EXISTS (SELECT FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN "
        f"REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM {APP_ROLE}; END IF; END $$"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
    op.execute("DROP FUNCTION IF EXISTS audit_log_no_truncate()")
