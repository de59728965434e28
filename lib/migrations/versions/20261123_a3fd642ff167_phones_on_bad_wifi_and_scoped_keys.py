"""phones on bad wifi: a submit key per contribution, device keys scoped to one session, the inbrenger's listening rounds

Revision ID: a3fd642ff167
Revises: 53b9b4482770
Create Date: 2026-11-23 03:40:00

- contribution.client_key, unique per session: a retried submit from a phone stores nothing new.
- The device keys stored with contributions, votes and evaluations become HMAC-SHA256(session id) under
  the phone's own key (lib/live/join.scoped_key, repeated here so this file never changes): the same
  phone still finds its own items in a running session, and two sessions' keys can no longer be linked.
- template_round.inbrenger_listens, set for the rounds of the shipped werkvormen in which the
  inbrenger only listens, also in the round plans of sessions that copied them.

Downgrade drops the new columns; the scoped keys stay scoped (the phones' own keys are not stored).
"""

import hashlib
import hmac
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a3fd642ff167"
down_revision: str | None = "53b9b4482770"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# werkvorm name -> the round names in which the inbrenger only listens (data/werkvormen.json)
LISTENING_ROUNDS = {
    "Intervisie (incidentmethode)": ("Wat zou ik doen?", "Adviezen en lessen"),
    "Oploskoffie": ("Meedenkers",),
}


def _scoped(device_key: str, session_id: int) -> str:
    return hmac.new(device_key.encode(), f"leersessie-session:{session_id}".encode(), hashlib.sha256).hexdigest()


def _rescope(table: str, column: str) -> None:
    conn = op.get_bind()
    rows = conn.execute(
        sa.text(f"SELECT id, session_id, {column} FROM {table} WHERE {column} IS NOT NULL AND {column} <> ''")
    ).all()
    for row_id, session_id, key in rows:
        conn.execute(
            sa.text(f"UPDATE {table} SET {column} = :key WHERE id = :id"),
            {"key": _scoped(key, session_id), "id": row_id},
        )


def upgrade() -> None:
    # Plain ALTER TABLE ADD COLUMN and a unique index: on SQLite a batch "move and copy" of contribution
    # would drop the old table, and its ON DELETE CASCADE would take every vote with it.
    op.add_column("contribution", sa.Column("client_key", sa.String(length=64), nullable=True))
    op.create_index("uq_contribution_client_key", "contribution", ["session_id", "client_key"], unique=True)
    op.add_column("template_round", sa.Column("inbrenger_listens", sa.Boolean(), server_default=sa.false(), nullable=False))

    _rescope("contribution", "author_key")
    _rescope("vote", "voter_key")
    _rescope("evaluation", "participant_key")

    conn = op.get_bind()
    template = sa.table("template", sa.column("id", sa.Integer), sa.column("name", sa.String))
    template_round = sa.table(
        "template_round",
        sa.column("template_id", sa.Integer),
        sa.column("name", sa.String),
        sa.column("inbrenger_listens", sa.Boolean),
    )
    learning_session = sa.table(
        "learning_session",
        sa.column("id", sa.Integer),
        sa.column("template_name", sa.String),
        sa.column("rounds", sa.JSON),
    )
    for name, rounds in LISTENING_ROUNDS.items():
        template_id = conn.scalar(sa.select(template.c.id).where(template.c.name == name))
        if template_id is not None:
            conn.execute(
                sa.update(template_round)
                .where(template_round.c.template_id == template_id, template_round.c.name.in_(rounds))
                .values(inbrenger_listens=True)
            )
        for session_id, plan in conn.execute(
            sa.select(learning_session.c.id, learning_session.c.rounds).where(learning_session.c.template_name == name)
        ).all():
            if not plan:
                continue
            changed = [dict(r, inbrenger_listens=r.get("name") in rounds) for r in plan]
            conn.execute(sa.update(learning_session).where(learning_session.c.id == session_id).values(rounds=changed))


def downgrade() -> None:
    op.drop_index("uq_contribution_client_key", table_name="contribution")
    for table, column in (("template_round", "inbrenger_listens"), ("contribution", "client_key")):
        # ALTER TABLE DROP COLUMN (SQLite 3.35+), never a batch copy (see upgrade)
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
