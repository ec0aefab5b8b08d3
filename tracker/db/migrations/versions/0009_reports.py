"""Report targets, and the indexes that serve the uptake reports

- ``report_targets``: what the economic office aims at (indicator, area or market, value, deadline,
  legal basis).
- ``ix_vendor_status_changes_reached``: "has this vendor ever reached ``qr_issued`` or beyond", asked
  for every vendor of an area, answered from the index alone.
- ``ix_vendors_area_market``: the uptake figures group an area's vendors by (area, market).

Revision ID: 0009_reports
Revises: 0007_onboarding
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "0009_reports"
down_revision: str | Sequence[str] | None = "0007_onboarding"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC = advanced_alchemy.types.datetime.DateTimeUTC(timezone=True)


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


def downgrade() -> None:
    op.drop_index("ix_vendors_area_market", table_name="vendors")
    op.drop_index("ix_vendor_status_changes_reached", table_name="vendor_status_changes")
    op.drop_index(op.f("ix_report_targets_market_id"), table_name="report_targets")
    op.drop_index("ix_report_targets_area_deadline", table_name="report_targets")
    op.drop_table("report_targets")
