"""add live_version to learning_session

Revision ID: 5e1f0c2a7b31
Revises: 7a1c3e5b9d20
Create Date: 2026-11-23 00:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5e1f0c2a7b31"
down_revision: str | None = "7a1c3e5b9d20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("learning_session", schema=None) as batch_op:
        batch_op.add_column(sa.Column("live_version", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("learning_session", schema=None) as batch_op:
        batch_op.drop_column("live_version")
