"""E-commerce platforms (with the shipped marketplaces), onboarding records, their stage history and
listing checks

Revision ID: 0007_onboarding
Revises: 0006_ocop
Create Date: 2026-11-28
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from tracker.onboarding.platforms import shipped

revision: str = "0007_onboarding"
down_revision: str | Sequence[str] | None = "0006_ocop"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
UTC = advanced_alchemy.types.datetime.DateTimeUTC(timezone=True)


def _load_platforms() -> None:
    """The marketplaces shipped as package data, as they are in this revision's columns."""
    platforms = sa.table(
        "platforms",
        sa.column("key", sa.String),
        sa.column("name", sa.String),
        sa.column("operator", sa.String),
        sa.column("kind", sa.String),
        sa.column("hosts", JSON),
        sa.column("short_link_hosts", JSON),
        sa.column("product_paths", JSON),
        sa.column("shop_paths", JSON),
        sa.column("keep_params", JSON),
        sa.column("confidence", sa.String),
        sa.column("area_id", BIGINT),
        sa.column("active", sa.Boolean),
        sa.column("version", sa.Integer),
        sa.column("created_at", UTC),
        sa.column("updated_at", UTC),
    )
    now = dt.datetime.now(dt.UTC)
    rows = [{**row, "version": 1, "created_at": now, "updated_at": now} for row in shipped()]
    op.bulk_insert(platforms, rows)


def upgrade() -> None:
    op.create_table(
        "platforms",
        sa.Column("id", BIGINT, nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("operator", sa.String(length=160), nullable=True),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("hosts", JSON, nullable=False),
        sa.Column("short_link_hosts", JSON, nullable=False),
        sa.Column("product_paths", JSON, nullable=False),
        sa.Column("shop_paths", JSON, nullable=False),
        sa.Column("keep_params", JSON, nullable=False),
        sa.Column("confidence", sa.String(length=200), nullable=True),
        sa.Column("area_id", BIGINT, nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["area_id"], ["area_units.id"], name=op.f("fk_platforms_area_id_area_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_platforms")),
        sa.UniqueConstraint("key", name=op.f("uq_platforms_key")),
    )
    with op.batch_alter_table("platforms", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_platforms_area_id"), ["area_id"], unique=False)

    op.create_table(
        "onboardings",
        sa.Column("id", BIGINT, nullable=False),
        sa.Column("subject_kind", sa.String(length=10), nullable=False),
        sa.Column("product_id", BIGINT, nullable=True),
        sa.Column("producer_id", BIGINT, nullable=True),
        sa.Column("vendor_id", BIGINT, nullable=True),
        sa.Column("platform_id", BIGINT, nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("stage_changed_at", UTC, nullable=False),
        sa.Column("shop_url", sa.String(length=2000), nullable=True),
        sa.Column("listing_url", sa.String(length=2000), nullable=True),
        sa.Column("item_key", sa.String(length=80), nullable=True),
        sa.Column("needs_resolution", sa.Boolean(), nullable=False),
        sa.Column("rejection_reason", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("team_id", BIGINT, nullable=True),
        sa.Column("created_by_id", BIGINT, nullable=True),
        sa.Column("checked_at", UTC, nullable=True),
        sa.Column("check_verdict", sa.String(length=14), nullable=True),
        sa.Column("check_status", sa.SmallInteger(), nullable=True),
        sa.Column("check_final_url", sa.String(length=2000), nullable=True),
        sa.Column("broken", sa.Boolean(), nullable=False),
        sa.Column("broken_since", UTC, nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_onboardings_created_by_id_users")),
        sa.ForeignKeyConstraint(["platform_id"], ["platforms.id"], name=op.f("fk_onboardings_platform_id_platforms")),
        sa.ForeignKeyConstraint(
            ["producer_id"], ["ocop_producers.id"], name=op.f("fk_onboardings_producer_id_ocop_producers")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["ocop_products.id"], name=op.f("fk_onboardings_product_id_ocop_products")
        ),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_onboardings_team_id_teams")),
        sa.ForeignKeyConstraint(["vendor_id"], ["vendors.id"], name=op.f("fk_onboardings_vendor_id_vendors")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_onboardings")),
    )
    with op.batch_alter_table("onboardings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_onboardings_platform_id"), ["platform_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_onboardings_producer_id"), ["producer_id"], unique=False)
        batch_op.create_index("ix_onboardings_stage", ["stage", "platform_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_onboardings_team_id"), ["team_id"], unique=False)
        batch_op.create_index(
            "uq_onboardings_platform_item",
            ["platform_id", "item_key"],
            unique=True,
            sqlite_where=sa.text("item_key IS NOT NULL"),
            postgresql_where=sa.text("item_key IS NOT NULL"),
        )
        for kind, column in (("product", "product_id"), ("producer", "producer_id"), ("vendor", "vendor_id")):
            batch_op.create_index(
                f"uq_onboardings_{kind}_platform",
                [column, "platform_id"],
                unique=True,
                sqlite_where=sa.text(f"subject_kind = '{kind}'"),
                postgresql_where=sa.text(f"subject_kind = '{kind}'"),
            )

    op.create_table(
        "listing_checks",
        sa.Column("id", BIGINT, nullable=False),
        sa.Column("onboarding_id", BIGINT, nullable=False),
        sa.Column("checked_at", UTC, nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("reachable", sa.Boolean(), nullable=False),
        sa.Column("status_code", sa.SmallInteger(), nullable=True),
        sa.Column("final_url", sa.String(length=2000), nullable=True),
        sa.Column("redirects", JSON, nullable=False),
        sa.Column("error", sa.String(length=300), nullable=True),
        sa.Column("elapsed_ms", sa.Integer(), nullable=True),
        sa.Column("verdict", sa.String(length=14), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["onboarding_id"], ["onboardings.id"], name=op.f("fk_listing_checks_onboarding_id_onboardings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_listing_checks")),
    )
    with op.batch_alter_table("listing_checks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_listing_checks_checked_at"), ["checked_at"], unique=False)
        batch_op.create_index("ix_listing_checks_onboarding_at", ["onboarding_id", "checked_at"], unique=False)

    op.create_table(
        "onboarding_events",
        sa.Column("id", BIGINT, nullable=False),
        sa.Column("onboarding_id", BIGINT, nullable=False),
        sa.Column("from_stage", sa.String(length=20), nullable=True),
        sa.Column("to_stage", sa.String(length=20), nullable=False),
        sa.Column("at", UTC, nullable=False),
        sa.Column("by_id", BIGINT, nullable=True),
        sa.Column("by_username", sa.String(length=60), nullable=False),
        sa.Column("team_id", BIGINT, nullable=True),
        sa.Column("evidence_url", sa.String(length=2000), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["by_id"], ["users.id"], name=op.f("fk_onboarding_events_by_id_users")),
        sa.ForeignKeyConstraint(
            ["onboarding_id"], ["onboardings.id"], name=op.f("fk_onboarding_events_onboarding_id_onboardings")
        ),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_onboarding_events_team_id_teams")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_onboarding_events")),
    )
    with op.batch_alter_table("onboarding_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_onboarding_events_at"), ["at"], unique=False)
        batch_op.create_index("ix_onboarding_events_onboarding_at", ["onboarding_id", "at"], unique=False)

    _load_platforms()


def downgrade() -> None:
    with op.batch_alter_table("onboarding_events", schema=None) as batch_op:
        batch_op.drop_index("ix_onboarding_events_onboarding_at")
        batch_op.drop_index(batch_op.f("ix_onboarding_events_at"))
    op.drop_table("onboarding_events")

    with op.batch_alter_table("listing_checks", schema=None) as batch_op:
        batch_op.drop_index("ix_listing_checks_onboarding_at")
        batch_op.drop_index(batch_op.f("ix_listing_checks_checked_at"))
    op.drop_table("listing_checks")

    with op.batch_alter_table("onboardings", schema=None) as batch_op:
        for kind in ("vendor", "producer", "product"):
            batch_op.drop_index(
                f"uq_onboardings_{kind}_platform",
                sqlite_where=sa.text(f"subject_kind = '{kind}'"),
                postgresql_where=sa.text(f"subject_kind = '{kind}'"),
            )
        batch_op.drop_index(
            "uq_onboardings_platform_item",
            sqlite_where=sa.text("item_key IS NOT NULL"),
            postgresql_where=sa.text("item_key IS NOT NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_onboardings_team_id"))
        batch_op.drop_index("ix_onboardings_stage")
        batch_op.drop_index(batch_op.f("ix_onboardings_producer_id"))
        batch_op.drop_index(batch_op.f("ix_onboardings_platform_id"))
    op.drop_table("onboardings")

    with op.batch_alter_table("platforms", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_platforms_area_id"))
    op.drop_table("platforms")
