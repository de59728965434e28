"""add retention and erasure markers to case_file and app_user

Revision ID: 7a1c3e5b9d20
Revises: 4f746db316fa
Create Date: 2026-11-23 00:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import lib.models

revision: str = "7a1c3e5b9d20"
down_revision: str | None = "4f746db316fa"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("erased_at", lib.models.UTCDateTime(), nullable=True))
    with op.batch_alter_table("case_file", schema=None) as batch_op:
        batch_op.add_column(sa.Column("retention_anonymised_at", lib.models.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("case_file", schema=None) as batch_op:
        batch_op.drop_column("retention_anonymised_at")
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_column("erased_at")
