"""add recurring themes

Revision ID: 5318733ada0e
Revises: a3fd642ff167
Create Date: 2026-11-23 03:17:19.698319
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import lib.models

revision: str = "5318733ada0e"
down_revision: str | None = "a3fd642ff167"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "theme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("perspective", sa.String(length=60), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("series_id", sa.Integer(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", lib.models.UTCDateTime(), nullable=False),
        sa.Column("updated_at", lib.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["app_user.id"], name=op.f("fk_theme_created_by_id_app_user")),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_theme_organisation_id_organisation")
        ),
        sa.ForeignKeyConstraint(["series_id"], ["series.id"], name=op.f("fk_theme_series_id_series")),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["learning_session.id"],
            name=op.f("fk_theme_session_id_learning_session"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_theme")),
    )
    with op.batch_alter_table("theme", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_theme_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_theme_series_id"), ["series_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_theme_session_id"), ["session_id"], unique=False)

    op.create_table(
        "theme_rejection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("contribution_ids", sa.JSON(), nullable=False),
        sa.Column("signature", sa.String(length=64), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", lib.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["app_user.id"], name=op.f("fk_theme_rejection_created_by_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["learning_session.id"],
            name=op.f("fk_theme_rejection_session_id_learning_session"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_theme_rejection")),
        sa.UniqueConstraint("session_id", "signature", name="uq_theme_rejection_signature"),
    )
    with op.batch_alter_table("theme_rejection", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_theme_rejection_session_id"), ["session_id"], unique=False)

    op.create_table(
        "theme_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("contribution_id", sa.Integer(), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", lib.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["added_by_id"], ["app_user.id"], name=op.f("fk_theme_member_added_by_id_app_user")),
        sa.ForeignKeyConstraint(
            ["contribution_id"],
            ["contribution.id"],
            name=op.f("fk_theme_member_contribution_id_contribution"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"], ["theme.id"], name=op.f("fk_theme_member_theme_id_theme"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_theme_member")),
        sa.UniqueConstraint("contribution_id", name=op.f("uq_theme_member_contribution_id")),
    )
    with op.batch_alter_table("theme_member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_theme_member_theme_id"), ["theme_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("theme_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_theme_member_theme_id"))

    op.drop_table("theme_member")
    with op.batch_alter_table("theme_rejection", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_theme_rejection_session_id"))

    op.drop_table("theme_rejection")
    with op.batch_alter_table("theme", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_theme_session_id"))
        batch_op.drop_index(batch_op.f("ix_theme_series_id"))
        batch_op.drop_index(batch_op.f("ix_theme_organisation_id"))

    op.drop_table("theme")
