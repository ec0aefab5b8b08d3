"""Change notices name their table

The trigger function of 0012 sends ``pg_notify('tracker_changes', <table>)`` instead of an empty payload,
so that what depends on one table (the signed-in user on ``users``) is not read again after every change
to another (tracker/db/changes.py). PostgreSQL folds identical notices of a transaction: one per table
written. SQLite needs nothing.

Revision ID: 0013_change_notice_tables
Revises: 0012_change_notices
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0013_change_notice_tables"
down_revision: str | Sequence[str] | None = "0012_change_notices"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _notify_with(payload: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE OR REPLACE FUNCTION tracker_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN PERFORM pg_notify('tracker_changes', {payload}); RETURN NULL; END $$"
    )


def upgrade() -> None:
    _notify_with("TG_TABLE_NAME")


def downgrade() -> None:
    _notify_with("''")
