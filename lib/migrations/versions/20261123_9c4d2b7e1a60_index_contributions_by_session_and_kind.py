"""index contributions by session and kind

The oogst, the terugkoppeling and the dashboard ask for one kind of contribution in a set of sessions;
without this index SQLite walked every contribution of that kind (a third of all) instead.

Revision ID: 9c4d2b7e1a60
Revises: 5e1f0c2a7b31
Create Date: 2026-11-23 04:20:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "9c4d2b7e1a60"
down_revision: str | None = "5e1f0c2a7b31"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_contribution_session_kind", "contribution", ["session_id", "kind"])


def downgrade() -> None:
    op.drop_index("ix_contribution_session_kind", table_name="contribution")
