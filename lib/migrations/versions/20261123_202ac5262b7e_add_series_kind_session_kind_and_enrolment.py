"""add series kind, session kind (Oogstdag) and leercirkel enrolment

Existing series become a leersessie reeks and existing sessions a leersessie (server defaults).

Revision ID: 202ac5262b7e
Revises: 5318733ada0e
Create Date: 2026-11-23 03:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "202ac5262b7e"
down_revision: str | None = "5318733ada0e"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("series", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=20), server_default="reeks", nullable=False))
        batch_op.add_column(sa.Column("max_participants", sa.Integer(), nullable=True))
    with op.batch_alter_table("learning_session", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=20), server_default="leersessie", nullable=False))
    op.create_table(
        "enrolment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("promoted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["series_id"], ["series.id"], name=op.f("fk_enrolment_series_id_series"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name=op.f("fk_enrolment_user_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrolment")),
        sa.UniqueConstraint("series_id", "user_id", name="uq_enrolment_series_user"),
    )
    with op.batch_alter_table("enrolment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_enrolment_series_id"), ["series_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_enrolment_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("enrolment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enrolment_user_id"))
        batch_op.drop_index(batch_op.f("ix_enrolment_series_id"))
    op.drop_table("enrolment")
    # Plain DROP COLUMN, not a batch copy: on SQLite copying a table that others reference with
    # ON DELETE CASCADE deletes their rows (foreign keys are on during migrations).
    op.drop_column("learning_session", "kind")
    op.drop_column("series", "max_participants")
    op.drop_column("series", "kind")
