"""Change notices: on PostgreSQL every table tells listeners when a transaction that wrote to it commits

A statement trigger on each table calls ``pg_notify('tracker_changes', '')``. PostgreSQL delivers the
notice at commit, once per transaction (identical notices are folded), and not at all on rollback. The
application's listening connection turns the notices into its change generation (tracker/db/changes.py),
which decides whether an answer kept in memory may be given again. SQLite needs nothing: it keeps
``PRAGMA data_version`` itself.

A later migration that creates a table adds the trigger with ``notify_changes(table)``; a test checks
that every table has it.

Revision ID: 0012_change_notices
Revises: 0011_reports
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_change_notices"
down_revision: str | Sequence[str] | None = "0011_reports"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRIGGER = "tracker_change_notice"


def notify_changes(table: str) -> None:
    """Adds the change-notice trigger to ``table`` (PostgreSQL; nothing on SQLite)."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        f"CREATE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION tracker_notify_change()"
    )


def _tables() -> list[str]:
    rows = op.get_bind().execute(
        sa.text(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
            "AND tablename <> 'alembic_version' ORDER BY tablename"
        )
    )
    return [str(r[0]) for r in rows]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE FUNCTION tracker_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN PERFORM pg_notify('tracker_changes', ''); RETURN NULL; END $$"
    )
    for table in _tables():
        notify_changes(table)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in _tables():
        op.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {table}")
    op.execute("DROP FUNCTION tracker_notify_change()")
