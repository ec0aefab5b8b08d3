"""spreadsheet imports: imports, import_rows, and the import id of vendors and markets

Revision ID: 0005_imports
Revises: 0004
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

revision: str = "0005_imports"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql")
STAMP = advanced_alchemy.types.datetime.DateTimeUTC(timezone=True)


def upgrade() -> None:
    op.create_table(
        "imports",
        sa.Column("id", BIGINT, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("mode", sa.String(length=12), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("file_format", sa.String(length=8), nullable=False),
        sa.Column("encoding", sa.String(length=20), nullable=True),
        sa.Column("delimiter", sa.String(length=2), nullable=True),
        sa.Column("sheet", sa.String(length=100), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("uploaded_by_id", BIGINT, nullable=True),
        sa.Column("uploaded_by_username", sa.String(length=60), nullable=False),
        sa.Column("team_id", BIGINT, nullable=True),
        sa.Column("market_id", sa.Integer(), nullable=True),
        sa.Column("market_code", sa.String(length=20), nullable=True),
        sa.Column("area_id", BIGINT, nullable=True),
        sa.Column("headers", JSON, nullable=False),
        sa.Column("columns", JSON, nullable=False),
        sa.Column("total_rows", sa.Integer(), nullable=False),
        sa.Column("skipped_rows", sa.Integer(), nullable=False),
        sa.Column("created_count", sa.Integer(), nullable=False),
        sa.Column("updated_count", sa.Integer(), nullable=False),
        sa.Column("unchanged_count", sa.Integer(), nullable=False),
        sa.Column("duplicate_count", sa.Integer(), nullable=False),
        sa.Column("error_count", sa.Integer(), nullable=False),
        sa.Column("message_vi", sa.Text(), nullable=True),
        sa.Column("message_en", sa.Text(), nullable=True),
        sa.Column("created_at", STAMP, nullable=False),
        sa.Column("updated_at", STAMP, nullable=False),
        sa.ForeignKeyConstraint(["area_id"], ["area_units.id"], name=op.f("fk_imports_area_id_area_units")),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_imports_team_id_teams")),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["users.id"], name=op.f("fk_imports_uploaded_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imports")),
    )
    op.create_index("ix_imports_area_id_id", "imports", ["area_id", "id"], unique=False)
    op.create_index(op.f("ix_imports_sha256"), "imports", ["sha256"], unique=False)
    op.create_index(op.f("ix_imports_uploaded_by_id"), "imports", ["uploaded_by_id"], unique=False)

    op.create_table(
        "import_rows",
        sa.Column("id", BIGINT, nullable=False),
        sa.Column("import_id", BIGINT, nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("record_code", sa.String(length=40), nullable=True),
        sa.Column("problems", JSON, nullable=True),
        sa.Column("values", JSON, nullable=False),
        sa.ForeignKeyConstraint(["import_id"], ["imports.id"], name=op.f("fk_import_rows_import_id_imports")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_rows")),
    )
    op.create_index("ix_import_rows_import_row", "import_rows", ["import_id", "row_number"], unique=False)

    for table in ("vendors", "markets"):
        if op.get_bind().dialect.name == "sqlite":
            # SQLite adds a column with its reference in place; a batch migration would rebuild the table
            # (and its partial unique indexes) for nothing.
            op.execute(f"ALTER TABLE {table} ADD COLUMN import_id INTEGER REFERENCES imports (id)")
        else:
            op.add_column(table, sa.Column("import_id", BIGINT, nullable=True))
            op.create_foreign_key(op.f(f"fk_{table}_import_id_imports"), table, "imports", ["import_id"], ["id"])
        op.create_index(op.f(f"ix_{table}_import_id"), table, ["import_id"], unique=False)


def downgrade() -> None:
    for table in ("markets", "vendors"):
        op.drop_index(op.f(f"ix_{table}_import_id"), table_name=table)
        if op.get_bind().dialect.name == "sqlite":
            op.execute(f"ALTER TABLE {table} DROP COLUMN import_id")
        else:
            op.drop_constraint(op.f(f"fk_{table}_import_id_imports"), table, type_="foreignkey")
            op.drop_column(table, "import_id")
    op.drop_index("ix_import_rows_import_row", table_name="import_rows")
    op.drop_table("import_rows")
    op.drop_index(op.f("ix_imports_uploaded_by_id"), table_name="imports")
    op.drop_index(op.f("ix_imports_sha256"), table_name="imports")
    op.drop_index("ix_imports_area_id_id", table_name="imports")
    op.drop_table("imports")
