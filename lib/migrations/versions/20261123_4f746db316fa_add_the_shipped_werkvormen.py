"""add the shipped werkvormen

A data migration: the werkvormen of data/werkvormen.json are in the database from the start, instead of
being added when somebody first views a page. Names already present are skipped, so a database that got
them the old way is left as it is. When data/werkvormen.json gains a werkvorm, add a migration like this
one.

Revision ID: 4f746db316fa
Revises: d0ea580a0645
Create Date: 2026-11-23 00:55:00
"""

from collections.abc import Sequence

from alembic import op

from lib.planning import werkvormen

revision: str = "4f746db316fa"
down_revision: str | None = "d0ea580a0645"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    werkvormen.add_builtin(op.get_bind())


def downgrade() -> None:
    # The werkvormen stay: series and a beheerder's edits may refer to them.
    pass
