"""add must_change_password to app_user

A password set by the beheerder (a new account, a reset) must be changed by its owner at first login.

Revision ID: a26773c58491
Revises: 202ac5262b7e
Create Date: 2026-11-23 03:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a26773c58491"
down_revision: str | None = "202ac5262b7e"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN, not a batch copy: on SQLite a copy of app_user fails (and would cascade) once other
    # tables reference its rows, as every real database's do.
    op.add_column(
        "app_user", sa.Column("must_change_password", sa.Boolean(), server_default=sa.false(), nullable=False)
    )


def downgrade() -> None:
    # Plain DROP COLUMN: a batch copy of app_user would cascade-delete its login tokens on SQLite.
    op.drop_column("app_user", "must_change_password")
