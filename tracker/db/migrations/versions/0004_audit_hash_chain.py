"""Audit log hash chain: prev_hash and hash on every entry, existing entries chained in id order.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from advanced_alchemy.types import DateTimeUTC
from alembic import op

from tracker.audit.chain import CONTENT_FIELDS, GENESIS
from tracker.audit.chain import digest as entry_digest

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("prev_hash", sa.String(64), nullable=True))
        batch.add_column(sa.Column("hash", sa.String(64), nullable=True))
    bind = op.get_bind()
    # The table as this revision knows it, typed so that values read back as the ORM reads them.
    table = sa.table(
        "audit_log",
        sa.column("id", sa.Integer),
        sa.column("prev_hash", sa.String),
        sa.column("hash", sa.String),
        sa.column("at", DateTimeUTC(timezone=True)),
        sa.column("actor_id", sa.Integer),
        sa.column("actor_username", sa.String),
        sa.column("action", sa.String),
        sa.column("entity", sa.String),
        sa.column("entity_id", sa.Integer),
        sa.column("area_id", sa.Integer),
        sa.column("before", sa.JSON),
        sa.column("after", sa.JSON),
    )
    rows = bind.execute(sa.select(table.c.id, *(table.c[f] for f in CONTENT_FIELDS)).order_by(table.c.id))
    prev = GENESIS
    for row in [dict(r._mapping) for r in rows]:
        current = entry_digest(prev, row)
        bind.execute(sa.update(table).where(table.c.id == row["id"]).values(prev_hash=prev, hash=current))
        prev = current
    with op.batch_alter_table("audit_log") as batch:
        batch.alter_column("prev_hash", existing_type=sa.String(64), nullable=False)
        batch.alter_column("hash", existing_type=sa.String(64), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("hash")
        batch.drop_column("prev_hash")
