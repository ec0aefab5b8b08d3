"""Report targets, and the indexes that serve the uptake reports

- ``report_targets``: what the economic office aims at (indicator, area or market, value, deadline,
  legal basis).
- ``ix_vendor_status_changes_reached``: "has this vendor ever reached ``qr_issued`` or beyond", asked
  for every vendor of an area, answered from the index alone.
- ``ix_vendors_area_market``: the uptake figures group an area's vendors by (area, market).
- ``vendor_uptake_tallies``: per market, how many active vendors have a payment account and how many
  have had a QR poster issued, kept exact by triggers on vendors, payment accounts and the status
  history (whatever writes them). With ``vendor_tallies`` (0003) they answer an area's uptake without
  reading its vendors. An insert adds one when it is a vendor's first active account or first poster; any
  other change recounts the one market it touched, under a lock on its tally row, so that concurrent
  writers in one market cannot leave a stale count.

Revision ID: 0011_reports
Revises: 0010_ocop_imports
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

from tracker.reports.posters import REACHED

revision: str = "0011_reports"
down_revision: str | Sequence[str] | None = "0010_ocop_imports"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC = advanced_alchemy.types.datetime.DateTimeUTC(timezone=True)

# The rule of tracker/reports/posters.py, as the triggers apply it.
_REACHED = ", ".join(f"'{status}'" for status in REACHED)
HAS_ACCOUNT = "EXISTS (SELECT 1 FROM payment_accounts pa WHERE pa.vendor_id = v.id AND pa.active)"
HAS_POSTER = (
    f"EXISTS (SELECT 1 FROM vendor_status_changes sc WHERE sc.vendor_id = v.id AND sc.to_status IN ({_REACHED}))"
)


def _recount(market: str) -> str:
    return f"""
    UPDATE vendor_uptake_tallies SET
        with_account = (SELECT count(*) FROM vendors v WHERE v.market_id = {market} AND v.active AND {HAS_ACCOUNT}),
        with_poster = (SELECT count(*) FROM vendors v WHERE v.market_id = {market} AND v.active AND {HAS_POSTER})
    WHERE market_id = {market}"""


def _ensure(market: str) -> str:
    # INSERT … SELECT … WHERE: a vendor gone (its market unknown) adds nothing, and SQLite needs the WHERE
    # to tell the upsert clause from a join.
    return (
        "INSERT INTO vendor_uptake_tallies (market_id, with_account, with_poster) "
        f"SELECT {market}, 0, 0 WHERE {market} IS NOT NULL ON CONFLICT (market_id) DO NOTHING"
    )


def _increment(column: str, condition: str) -> str:
    """Adds one for a vendor's first active account or first poster: an insert needs no recount, so a
    10,000-row import into one market stays linear."""
    return f"""
    UPDATE vendor_uptake_tallies SET {column} = {column} + 1
    WHERE market_id = (SELECT market_id FROM vendors WHERE id = NEW.vendor_id AND active) AND {condition}"""


FIRST_ACCOUNT = (
    "NEW.active AND NOT EXISTS (SELECT 1 FROM payment_accounts o "
    "WHERE o.vendor_id = NEW.vendor_id AND o.active AND o.id <> NEW.id)"
)
FIRST_POSTER = (
    f"NEW.to_status IN ({_REACHED}) AND NOT EXISTS (SELECT 1 FROM vendor_status_changes o "
    f"WHERE o.vendor_id = NEW.vendor_id AND o.to_status IN ({_REACHED}) AND o.id <> NEW.id)"
)


POSTGRES_FUNCTIONS = [
    f"""
    CREATE OR REPLACE FUNCTION vendor_uptake_recount(market bigint) RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
        IF market IS NULL THEN RETURN; END IF;
        {_ensure("market")};
        -- Wait for any other writer of this market; the recount below then sees its committed rows.
        PERFORM 1 FROM vendor_uptake_tallies WHERE market_id = market FOR UPDATE;
        {_recount("market")};
    END
    $$
    """,
    f"""
    CREATE OR REPLACE FUNCTION vendors_uptake_tally() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            -- A new vendor has no account or history yet: its market only needs a tally row.
            {_ensure("NEW.market_id")};
            RETURN NULL;
        END IF;
        PERFORM vendor_uptake_recount(OLD.market_id);
        IF TG_OP = 'UPDATE' AND NEW.market_id IS DISTINCT FROM OLD.market_id THEN
            PERFORM vendor_uptake_recount(NEW.market_id);
        END IF;
        RETURN NULL;
    END
    $$
    """,
    f"""
    CREATE OR REPLACE FUNCTION vendor_parts_uptake_tally() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            IF TG_TABLE_NAME = 'payment_accounts' THEN
                {_increment("with_account", FIRST_ACCOUNT)};
            ELSE
                {_increment("with_poster", FIRST_POSTER)};
            END IF;
            RETURN NULL;
        END IF;
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            PERFORM vendor_uptake_recount((SELECT market_id FROM vendors WHERE id = OLD.vendor_id));
        END IF;
        IF TG_OP = 'UPDATE' AND NEW.vendor_id IS DISTINCT FROM OLD.vendor_id THEN
            PERFORM vendor_uptake_recount((SELECT market_id FROM vendors WHERE id = NEW.vendor_id));
        END IF;
        RETURN NULL;
    END
    $$
    """,
]
POSTGRES_TRIGGERS = {
    "vendors_uptake_tally": "AFTER INSERT OR DELETE OR UPDATE OF market_id, active ON vendors "
    "FOR EACH ROW EXECUTE FUNCTION vendors_uptake_tally()",
    "payment_accounts_uptake_tally": "AFTER INSERT OR DELETE OR UPDATE OF vendor_id, active ON payment_accounts "
    "FOR EACH ROW EXECUTE FUNCTION vendor_parts_uptake_tally()",
    "status_changes_uptake_tally": "AFTER INSERT OR DELETE OR UPDATE OF vendor_id, to_status ON vendor_status_changes "
    "FOR EACH ROW EXECUTE FUNCTION vendor_parts_uptake_tally()",
}


def _sqlite_triggers() -> dict[str, str]:
    """SQLite serializes writers: an insert adds one when it is the first, other changes recount."""
    triggers: dict[str, str] = {}
    inserted = {
        "vendors": _ensure("NEW.market_id"),
        "payment_accounts": _increment("with_account", FIRST_ACCOUNT),
        "vendor_status_changes": _increment("with_poster", FIRST_POSTER),
    }
    vendor_market = "(SELECT market_id FROM vendors WHERE id = {row}.vendor_id)"
    for table, prefix, market, columns in (
        ("vendors", "vendors", "{row}.market_id", "market_id, active"),
        ("payment_accounts", "payment_accounts", vendor_market, "vendor_id, active"),
        ("vendor_status_changes", "status_changes", vendor_market, "vendor_id, to_status"),
    ):
        new, old = market.format(row="NEW"), market.format(row="OLD")
        triggers[f"{prefix}_uptake_insert"] = f"AFTER INSERT ON {table} BEGIN {inserted[table]}; END"
        triggers[f"{prefix}_uptake_delete"] = f"AFTER DELETE ON {table} BEGIN {_ensure(old)}; {_recount(old)}; END"
        triggers[f"{prefix}_uptake_update"] = (
            f"AFTER UPDATE OF {columns} ON {table} BEGIN {_ensure(old)}; {_recount(old)}; "
            f"{_ensure(new)}; {_recount(new)}; END"
        )
    return triggers


BACKFILL = f"""
INSERT INTO vendor_uptake_tallies (market_id, with_account, with_poster)
SELECT m.id,
    (SELECT count(*) FROM vendors v WHERE v.market_id = m.id AND v.active AND {HAS_ACCOUNT}),
    (SELECT count(*) FROM vendors v WHERE v.market_id = m.id AND v.active AND {HAS_POSTER})
FROM markets m
"""


def upgrade() -> None:
    op.create_table(
        "report_targets",
        sa.Column("id", BIGINT, nullable=False),
        sa.Column("indicator", sa.String(length=30), nullable=False),
        sa.Column("measure", sa.String(length=8), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("area_id", BIGINT, nullable=False),
        sa.Column("market_id", BIGINT, nullable=True),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("legal_basis", sa.String(length=200), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_by_id", BIGINT, nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["area_id"], ["area_units.id"], name=op.f("fk_report_targets_area_id_area_units")),
        sa.ForeignKeyConstraint(["market_id"], ["markets.id"], name=op.f("fk_report_targets_market_id_markets")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_report_targets_created_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_targets")),
    )
    op.create_index("ix_report_targets_area_deadline", "report_targets", ["area_id", "deadline"])
    op.create_index(op.f("ix_report_targets_market_id"), "report_targets", ["market_id"])
    op.create_index("ix_vendor_status_changes_reached", "vendor_status_changes", ["vendor_id", "to_status"])
    op.create_index("ix_vendors_area_market", "vendors", ["area_id", "market_id"])
    op.create_table(
        "vendor_uptake_tallies",
        sa.Column("id", BIGINT, nullable=False),
        sa.Column("market_id", BIGINT, nullable=False),
        sa.Column("with_account", sa.Integer(), nullable=False),
        sa.Column("with_poster", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vendor_uptake_tallies")),
        sa.UniqueConstraint("market_id", name="uq_vendor_uptake_tallies_market"),
    )
    if op.get_bind().dialect.name == "sqlite":
        for name, body in _sqlite_triggers().items():
            op.execute(f"CREATE TRIGGER {name} {body}")
    else:
        for function in POSTGRES_FUNCTIONS:
            op.execute(function)
        for name, body in POSTGRES_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")
    op.execute(BACKFILL)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in _sqlite_triggers():
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        for name, body in POSTGRES_TRIGGERS.items():
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {body.split(' ON ')[1].split()[0]}")
        for function in ("vendor_parts_uptake_tally()", "vendors_uptake_tally()", "vendor_uptake_recount(bigint)"):
            op.execute(f"DROP FUNCTION IF EXISTS {function}")
    op.drop_table("vendor_uptake_tallies")
    op.drop_index("ix_vendors_area_market", table_name="vendors")
    op.drop_index("ix_vendor_status_changes_reached", table_name="vendor_status_changes")
    op.drop_index(op.f("ix_report_targets_market_id"), table_name="report_targets")
    op.drop_index("ix_report_targets_area_deadline", table_name="report_targets")
    op.drop_table("report_targets")
