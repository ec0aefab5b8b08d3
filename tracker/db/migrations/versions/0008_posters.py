"""Issued VietQR posters

Revision ID: 0008_posters
Revises: 0007_onboarding
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "0008_posters"
down_revision: str | Sequence[str] | None = "0007_onboarding"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC = advanced_alchemy.types.datetime.DateTimeUTC(timezone=True)


def upgrade() -> None:
    op.create_table(
        "posters",
        sa.Column("id", BIGINT, nullable=False),
        sa.Column("vendor_id", BIGINT, nullable=False),
        sa.Column("account_id", BIGINT, nullable=False),
        sa.Column("area_id", BIGINT, nullable=False),
        sa.Column("payload", sa.String(length=512), nullable=False),
        sa.Column("format", sa.String(length=4), nullable=False),
        sa.Column("size", sa.String(length=4), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=True),
        sa.Column("issued_at", UTC, nullable=False),
        sa.Column("issued_by_id", BIGINT, nullable=True),
        sa.Column("downloads", sa.Integer(), nullable=False),
        sa.Column("posted_at", UTC, nullable=True),
        sa.Column("posted_by_id", BIGINT, nullable=True),
        sa.Column("revoked_at", UTC, nullable=True),
        sa.Column("revoked_reason", sa.Text(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["vendor_id"], ["vendors.id"], name=op.f("fk_posters_vendor_id_vendors")),
        sa.ForeignKeyConstraint(
            ["account_id"], ["payment_accounts.id"], name=op.f("fk_posters_account_id_payment_accounts")
        ),
        sa.ForeignKeyConstraint(["area_id"], ["area_units.id"], name=op.f("fk_posters_area_id_area_units")),
        sa.ForeignKeyConstraint(["issued_by_id"], ["users.id"], name=op.f("fk_posters_issued_by_id_users")),
        sa.ForeignKeyConstraint(["posted_by_id"], ["users.id"], name=op.f("fk_posters_posted_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_posters")),
    )
    with op.batch_alter_table("posters", schema=None) as batch_op:
        batch_op.create_index("ix_posters_vendor_id_id", ["vendor_id", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_posters_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_posters_area_id"), ["area_id"], unique=False)
        batch_op.create_index(
            "ix_posters_live",
            ["vendor_id", "account_id", "format", "size"],
            unique=False,
            sqlite_where=sa.text("revoked_at IS NULL"),
            postgresql_where=sa.text("revoked_at IS NULL"),
        )


def downgrade() -> None:
    with op.batch_alter_table("posters", schema=None) as batch_op:
        batch_op.drop_index("ix_posters_live")
        batch_op.drop_index(batch_op.f("ix_posters_area_id"))
        batch_op.drop_index(batch_op.f("ix_posters_account_id"))
        batch_op.drop_index("ix_posters_vendor_id_id")
    op.drop_table("posters")
