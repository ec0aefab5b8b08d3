"""the import id of OCOP producers, products, certifications and onboardings; producers' anonymisation time

Revision ID: 0010_ocop_imports
Revises: 0008_posters
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "0010_ocop_imports"
down_revision: str | Sequence[str] | None = "0008_posters"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
STAMP = advanced_alchemy.types.datetime.DateTimeUTC(timezone=True)
TABLES = ("ocop_producers", "ocop_products", "ocop_certifications", "onboardings")


def upgrade() -> None:
    for table in TABLES:
        if op.get_bind().dialect.name == "sqlite":
            # SQLite adds a column with its reference in place; a batch migration would rebuild the table
            # (and its partial unique indexes) for nothing.
            op.execute(f"ALTER TABLE {table} ADD COLUMN import_id INTEGER REFERENCES imports (id)")
        else:
            op.add_column(table, sa.Column("import_id", BIGINT, nullable=True))
            op.create_foreign_key(op.f(f"fk_{table}_import_id_imports"), table, "imports", ["import_id"], ["id"])
        op.create_index(op.f(f"ix_{table}_import_id"), table, ["import_id"], unique=False)
    op.add_column("ocop_producers", sa.Column("anonymised_at", STAMP, nullable=True))


def downgrade() -> None:
    op.drop_column("ocop_producers", "anonymised_at")
    for table in reversed(TABLES):
        op.drop_index(op.f(f"ix_{table}_import_id"), table_name=table)
        if op.get_bind().dialect.name == "sqlite":
            op.execute(f"ALTER TABLE {table} DROP COLUMN import_id")
        else:
            op.drop_constraint(op.f(f"fk_{table}_import_id_imports"), table, type_="foreignkey")
            op.drop_column(table, "import_id")
