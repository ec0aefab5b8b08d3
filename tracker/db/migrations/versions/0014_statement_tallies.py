"""Tallies kept once per INSERT statement on PostgreSQL

PostgreSQL runs AFTER ROW triggers once the whole statement is done, so each new row already sees the
statement's other rows. The uptake triggers of 0011 counted a vendor's first account (or first poster)
row by row: a vendor given two accounts in one INSERT, as one registration with two banks does, was
counted by neither row. Inserts now have statement triggers that read the statement's new rows as one
table (``REFERENCING NEW TABLE``): a vendor counts once when none of its rows from before was there.
The tally rows of a batch of vendors are updated once per key rather than once per vendor.

Updates and deletes keep their row triggers (a transition table cannot follow ``UPDATE OF`` columns).
Every market is counted again, to correct what the row triggers missed. SQLite runs row triggers as
each row is written, and needs nothing.

Revision ID: 0014_statement_tallies
Revises: 0013_change_notice_tables
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from tracker.reports.posters import REACHED

revision: str = "0014_statement_tallies"
down_revision: str | Sequence[str] | None = "0013_change_notice_tables"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_REACHED = ", ".join(f"'{status}'" for status in REACHED)
_TALLY_KEY = "area_id, market_id, status, active"


def _first_of_vendor(column: str, table: str, condition: str) -> str:
    """Adds one per active vendor whose rows of the kind are all new: it had none before this statement.
    Counted per vendor through its index, so a statement of a thousand rows costs a thousand lookups."""
    return f"""
    UPDATE vendor_uptake_tallies t SET {column} = t.{column} + f.n
    FROM (
        SELECT v.market_id, count(*) AS n
        FROM (SELECT n.vendor_id, count(*) AS added FROM new_rows n WHERE {condition.format(row="n")}
              GROUP BY n.vendor_id) a
        JOIN vendors v ON v.id = a.vendor_id AND v.active
        WHERE (SELECT count(*) FROM {table} o WHERE o.vendor_id = a.vendor_id AND {condition.format(row="o")})
              = a.added
        GROUP BY v.market_id
    ) f
    WHERE t.market_id = f.market_id"""


_FUNCTIONS = {
    "vendors_inserted": f"""
        INSERT INTO vendor_tallies ({_TALLY_KEY}, n)
        SELECT {_TALLY_KEY}, count(*) FROM new_rows GROUP BY {_TALLY_KEY} ORDER BY {_TALLY_KEY}
        ON CONFLICT ({_TALLY_KEY}) DO UPDATE SET n = vendor_tallies.n + EXCLUDED.n;
        -- A new vendor has no account or history yet: its market only needs a tally row.
        INSERT INTO vendor_uptake_tallies (market_id, with_account, with_poster)
        SELECT DISTINCT market_id, 0, 0 FROM new_rows WHERE market_id IS NOT NULL ORDER BY market_id
        ON CONFLICT (market_id) DO NOTHING""",
    "payment_accounts_inserted": _first_of_vendor("with_account", "payment_accounts", "{row}.active"),
    "status_changes_inserted": _first_of_vendor(
        "with_poster", "vendor_status_changes", f"{{row}}.to_status IN ({_REACHED})"
    ),
}

# name: (table, its function, the columns whose updates it follows)
_ROW_TRIGGERS = {
    "vendors_tally": ("vendors", "vendors_tally", "area_id, market_id, status, active"),
    "vendors_uptake_tally": ("vendors", "vendors_uptake_tally", "market_id, active"),
    "payment_accounts_uptake_tally": ("payment_accounts", "vendor_parts_uptake_tally", "vendor_id, active"),
    "status_changes_uptake_tally": ("vendor_status_changes", "vendor_parts_uptake_tally", "vendor_id, to_status"),
}

_STATEMENT_TRIGGERS = {
    "vendors_inserted": "vendors",
    "payment_accounts_inserted": "payment_accounts",
    "status_changes_inserted": "vendor_status_changes",
}


def _row_triggers(*, on_insert: bool) -> None:
    for name, (table, function, columns) in _ROW_TRIGGERS.items():
        events = f"{'INSERT OR ' if on_insert else ''}DELETE OR UPDATE OF {columns}"
        op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        op.execute(f"CREATE TRIGGER {name} AFTER {events} ON {table} FOR EACH ROW EXECUTE FUNCTION {function}()")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, body in _FUNCTIONS.items():
        op.execute(
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {body}; RETURN NULL; END $$"
        )
    for name, table in _STATEMENT_TRIGGERS.items():
        op.execute(
            f"CREATE TRIGGER {name} AFTER INSERT ON {table} REFERENCING NEW TABLE AS new_rows "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
        )
    _row_triggers(on_insert=False)
    op.execute("SELECT vendor_uptake_recount(market_id) FROM vendor_uptake_tallies")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    _row_triggers(on_insert=True)
    for name, table in _STATEMENT_TRIGGERS.items():
        op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {name}()")
