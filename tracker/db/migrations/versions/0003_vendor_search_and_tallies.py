"""Vendor search index and per-market tallies kept by triggers.

- ``vendor_tallies``: how many vendors each (area, market, status, active) has. Lists read
  their ``total`` from it instead of counting the vendors table on every request; reports use it too.
  Triggers keep it exact whatever writes the vendors (API, imports, seeding, bulk loads).
- Search over ``vendors.search_text`` (folded name, code and phone) with an index that serves substring
  matches: an FTS5 trigram table on SQLite, a pg_trgm GIN index on PostgreSQL.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY = "area_id, market_id, status, active"

SQLITE_TRIGGERS = [
    f"""
    CREATE TRIGGER vendors_tally_insert AFTER INSERT ON vendors BEGIN
        INSERT INTO vendor_tallies ({KEY}, n)
        VALUES (NEW.area_id, NEW.market_id, NEW.status, NEW.active, 1)
        ON CONFLICT ({KEY}) DO UPDATE SET n = n + 1;
        INSERT INTO vendor_search (rowid, search_text) VALUES (NEW.id, NEW.search_text);
    END
    """,
    """
    CREATE TRIGGER vendors_tally_delete AFTER DELETE ON vendors BEGIN
        UPDATE vendor_tallies SET n = n - 1
        WHERE area_id = OLD.area_id AND market_id = OLD.market_id AND status = OLD.status
          AND active = OLD.active;
        INSERT INTO vendor_search (vendor_search, rowid, search_text) VALUES ('delete', OLD.id, OLD.search_text);
    END
    """,
    f"""
    CREATE TRIGGER vendors_tally_update AFTER UPDATE OF area_id, market_id, status, active
    ON vendors BEGIN
        UPDATE vendor_tallies SET n = n - 1
        WHERE area_id = OLD.area_id AND market_id = OLD.market_id AND status = OLD.status
          AND active = OLD.active;
        INSERT INTO vendor_tallies ({KEY}, n)
        VALUES (NEW.area_id, NEW.market_id, NEW.status, NEW.active, 1)
        ON CONFLICT ({KEY}) DO UPDATE SET n = n + 1;
    END
    """,
    """
    CREATE TRIGGER vendors_search_update AFTER UPDATE OF search_text ON vendors BEGIN
        INSERT INTO vendor_search (vendor_search, rowid, search_text) VALUES ('delete', OLD.id, OLD.search_text);
        INSERT INTO vendor_search (rowid, search_text) VALUES (NEW.id, NEW.search_text);
    END
    """,
]

POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION vendors_tally() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE vendor_tallies SET n = n - 1
        WHERE area_id = OLD.area_id AND market_id = OLD.market_id AND status = OLD.status
          AND active = OLD.active;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO vendor_tallies ({KEY}, n)
        VALUES (NEW.area_id, NEW.market_id, NEW.status, NEW.active, 1)
        ON CONFLICT ({KEY}) DO UPDATE SET n = vendor_tallies.n + 1;
    END IF;
    RETURN NULL;
END
$$
"""

BACKFILL = f"""
INSERT INTO vendor_tallies ({KEY}, n)
SELECT {KEY}, count(*) FROM vendors GROUP BY {KEY}
"""


def upgrade() -> None:
    op.create_table(
        "vendor_tallies",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
        sa.Column("area_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("market_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vendor_tallies")),
        sa.UniqueConstraint("area_id", "market_id", "status", "active", name="uq_vendor_tallies_key"),
    )
    op.create_index("ix_vendor_tallies_market", "vendor_tallies", ["market_id"])
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE vendor_search USING fts5("
            "search_text, content='vendors', content_rowid='id', tokenize='trigram')"
        )
        op.execute("INSERT INTO vendor_search (vendor_search) VALUES ('rebuild')")
        for trigger in SQLITE_TRIGGERS:
            op.execute(trigger)
    else:
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX ix_vendors_search_text_trgm ON vendors USING gin (search_text gin_trgm_ops)")
        op.execute(POSTGRES_FUNCTION)
        op.execute(
            "CREATE TRIGGER vendors_tally AFTER INSERT OR DELETE OR UPDATE OF "
            "area_id, market_id, status, active ON vendors "
            "FOR EACH ROW EXECUTE FUNCTION vendors_tally()"
        )
    op.execute(BACKFILL)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for name in ("vendors_tally_insert", "vendors_tally_delete", "vendors_tally_update", "vendors_search_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS vendor_search")
    else:
        op.execute("DROP TRIGGER IF EXISTS vendors_tally ON vendors")
        op.execute("DROP FUNCTION IF EXISTS vendors_tally()")
        op.execute("DROP INDEX IF EXISTS ix_vendors_search_text_trgm")
    op.drop_index("ix_vendor_tallies_market", table_name="vendor_tallies")
    op.drop_table("vendor_tallies")
