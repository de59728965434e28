"""add action_effect and presence_confirmation

Revision ID: 53b9b4482770
Revises: 9c4d2b7e1a60
Create Date: 2026-11-23 03:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import lib.models

revision: str = "53b9b4482770"
down_revision: str | None = "9c4d2b7e1a60"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "action_effect",
        sa.Column("action_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", lib.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"], ["action.id"], name=op.f("fk_action_effect_action_id_action"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["app_user.id"], name=op.f("fk_action_effect_recorded_by_id_app_user")
        ),
        sa.PrimaryKeyConstraint("action_id", name=op.f("pk_action_effect")),
    )
    op.create_table(
        "presence_confirmation",
        sa.Column("session_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("confirmed_by_id", sa.Integer(), nullable=True),
        sa.Column("confirmed_at", lib.models.UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["learning_session.id"],
            name=op.f("fk_presence_confirmation_session_id_learning_session"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["confirmed_by_id"], ["app_user.id"], name=op.f("fk_presence_confirmation_confirmed_by_id_app_user")
        ),
        sa.PrimaryKeyConstraint("session_id", name=op.f("pk_presence_confirmation")),
    )


def downgrade() -> None:
    op.drop_table("presence_confirmation")
    op.drop_table("action_effect")
