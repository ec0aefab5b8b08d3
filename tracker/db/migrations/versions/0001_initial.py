"""initial schema: areas, accounts, audit, markets and vendors

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "area_units",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("name_search", sa.String(length=120), nullable=False),
        sa.Column("type", sa.String(length=60), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("parent_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["parent_id"], ["area_units.id"], name=op.f("fk_area_units_parent_id_area_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_area_units")),
        sa.UniqueConstraint("code", "level", "valid_from", name="uq_area_units_code_level_from"),
    )
    with op.batch_alter_table("area_units", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_area_units_code"), ["code"], unique=False)
        batch_op.create_index(batch_op.f("ix_area_units_name_search"), ["name_search"], unique=False)
        batch_op.create_index("ix_area_units_parent_validity", ["parent_id", "valid_from", "valid_to"], unique=False)

    op.create_table(
        "login_throttle",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_start", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("blocked_until", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_throttle")),
        sa.UniqueConstraint("key", name=op.f("uq_login_throttle_key")),
    )
    op.create_table(
        "area_reach",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("ancestor_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("unit_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(["ancestor_id"], ["area_units.id"], name=op.f("fk_area_reach_ancestor_id_area_units")),
        sa.ForeignKeyConstraint(["unit_id"], ["area_units.id"], name=op.f("fk_area_reach_unit_id_area_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_area_reach")),
        sa.UniqueConstraint("ancestor_id", "unit_id", name="uq_area_reach_ancestor_unit"),
    )
    with op.batch_alter_table("area_reach", schema=None) as batch_op:
        batch_op.create_index("ix_area_reach_unit", ["unit_id", "ancestor_id"], unique=False)

    op.create_table(
        "area_successions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("old_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("new_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("legal_basis", sa.String(length=60), nullable=True),
        sa.ForeignKeyConstraint(["new_id"], ["area_units.id"], name=op.f("fk_area_successions_new_id_area_units")),
        sa.ForeignKeyConstraint(["old_id"], ["area_units.id"], name=op.f("fk_area_successions_old_id_area_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_area_successions")),
        sa.UniqueConstraint("old_id", "new_id", name="uq_area_successions_old_new"),
    )
    with op.batch_alter_table("area_successions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_area_successions_new_id"), ["new_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_area_successions_old_id"), ["old_id"], unique=False)

    op.create_table(
        "markets",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("name_search", sa.String(length=160), nullable=False),
        sa.Column("area_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("address", sa.String(length=255), nullable=True),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("stall_count", sa.Integer(), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("vendor_seq", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["area_id"], ["area_units.id"], name=op.f("fk_markets_area_id_area_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_markets")),
        sa.UniqueConstraint("code", name=op.f("uq_markets_code")),
    )
    with op.batch_alter_table("markets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_markets_area_id"), ["area_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_markets_name_search"), ["name_search"], unique=False)

    op.create_table(
        "teams",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("name_search", sa.String(length=120), nullable=False),
        sa.Column("area_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["area_id"], ["area_units.id"], name=op.f("fk_teams_area_id_area_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_teams")),
    )
    with op.batch_alter_table("teams", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_teams_area_id"), ["area_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_teams_name_search"), ["name_search"], unique=False)

    op.create_table(
        "users",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("username", sa.String(length=60), nullable=False),
        sa.Column("full_name", sa.String(length=120), nullable=False),
        sa.Column("phone", sa.String(length=10), nullable=True),
        sa.Column("role", sa.String(length=12), nullable=False),
        sa.Column("area_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("token_version", sa.Integer(), nullable=False),
        sa.Column("last_login_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["area_id"], ["area_units.id"], name=op.f("fk_users_area_id_area_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_users_area_id"), ["area_id"], unique=False)

    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("actor_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("actor_username", sa.String(length=60), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("area_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "before",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("after", sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"), nullable=True),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_audit_log_actor_id_users")),
        sa.ForeignKeyConstraint(["area_id"], ["area_units.id"], name=op.f("fk_audit_log_area_id_area_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index("ix_audit_log_area_at", ["area_id", "at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_at"), ["at"], unique=False)
        batch_op.create_index("ix_audit_log_entity", ["entity", "entity_id"], unique=False)

    op.create_table(
        "team_members",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("team_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_team_members_team_id_teams")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_team_members_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team_members")),
        sa.UniqueConstraint("team_id", "user_id", name="uq_team_members_team_user"),
    )
    with op.batch_alter_table("team_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_team_members_team_id"), ["team_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_team_members_user_id"), ["user_id"], unique=False)

    op.create_table(
        "vendors",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("code", sa.String(length=24), nullable=False),
        sa.Column("full_name", sa.String(length=120), nullable=False),
        sa.Column("name_search", sa.String(length=120), nullable=False),
        sa.Column("search_text", sa.String(length=200), nullable=False),
        sa.Column("phone", sa.String(length=10), nullable=True),
        sa.Column("shares_phone", sa.Boolean(), nullable=False),
        sa.Column("personal_id", sa.String(length=12), nullable=True),
        sa.Column("market_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("area_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("stall", sa.String(length=20), nullable=False),
        sa.Column("goods_category", sa.String(length=20), nullable=False),
        sa.Column("household_business_no", sa.String(length=30), nullable=True),
        sa.Column("consent_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("status_changed_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("status_changed_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("deactivated_reason", sa.Text(), nullable=True),
        sa.Column("deactivated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("team_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["area_id"], ["area_units.id"], name=op.f("fk_vendors_area_id_area_units")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_vendors_created_by_id_users")),
        sa.ForeignKeyConstraint(["market_id"], ["markets.id"], name=op.f("fk_vendors_market_id_markets")),
        sa.ForeignKeyConstraint(
            ["status_changed_by_id"], ["users.id"], name=op.f("fk_vendors_status_changed_by_id_users")
        ),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_vendors_team_id_teams")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vendors")),
        sa.UniqueConstraint("code", name=op.f("uq_vendors_code")),
        sa.UniqueConstraint("personal_id", name=op.f("uq_vendors_personal_id")),
    )
    with op.batch_alter_table("vendors", schema=None) as batch_op:
        batch_op.create_index("ix_vendors_area_id_id", ["area_id", "id"], unique=False)
        batch_op.create_index("ix_vendors_market_stall", ["market_id", "stall"], unique=False)
        batch_op.create_index(batch_op.f("ix_vendors_name_search"), ["name_search"], unique=False)
        batch_op.create_index(batch_op.f("ix_vendors_phone"), ["phone"], unique=False)
        batch_op.create_index("ix_vendors_status", ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_vendors_team_id"), ["team_id"], unique=False)
        batch_op.create_index(
            "uq_vendors_market_phone",
            ["market_id", "phone"],
            unique=True,
            sqlite_where=sa.text("active AND NOT shares_phone"),
            postgresql_where=sa.text("active AND NOT shares_phone"),
        )

    op.create_table(
        "payment_accounts",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("vendor_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("bank_bin", sa.String(length=6), nullable=False),
        sa.Column("account_number", sa.String(length=19), nullable=False),
        sa.Column("account_name", sa.String(length=60), nullable=False),
        sa.Column("is_primary", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["vendor_id"], ["vendors.id"], name=op.f("fk_payment_accounts_vendor_id_vendors")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_accounts")),
    )
    with op.batch_alter_table("payment_accounts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payment_accounts_vendor_id"), ["vendor_id"], unique=False)
        batch_op.create_index(
            "uq_payment_accounts_bank_account",
            ["bank_bin", "account_number"],
            unique=True,
            sqlite_where=sa.text("active"),
            postgresql_where=sa.text("active"),
        )

    op.create_table(
        "vendor_status_changes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("vendor_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("from_status", sa.String(length=12), nullable=True),
        sa.Column("to_status", sa.String(length=12), nullable=False),
        sa.Column("at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("team_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["by_id"], ["users.id"], name=op.f("fk_vendor_status_changes_by_id_users")),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_vendor_status_changes_team_id_teams")),
        sa.ForeignKeyConstraint(["vendor_id"], ["vendors.id"], name=op.f("fk_vendor_status_changes_vendor_id_vendors")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vendor_status_changes")),
    )
    with op.batch_alter_table("vendor_status_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vendor_status_changes_at"), ["at"], unique=False)
        batch_op.create_index("ix_vendor_status_changes_vendor_at", ["vendor_id", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("vendor_status_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_vendor_status_changes_vendor_at")
        batch_op.drop_index(batch_op.f("ix_vendor_status_changes_at"))

    op.drop_table("vendor_status_changes")
    with op.batch_alter_table("payment_accounts", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_payment_accounts_bank_account",
            sqlite_where=sa.text("active"),
            postgresql_where=sa.text("active"),
        )
        batch_op.drop_index(batch_op.f("ix_payment_accounts_vendor_id"))

    op.drop_table("payment_accounts")
    with op.batch_alter_table("vendors", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_vendors_market_phone",
            sqlite_where=sa.text("active AND NOT shares_phone"),
            postgresql_where=sa.text("active AND NOT shares_phone"),
        )
        batch_op.drop_index(batch_op.f("ix_vendors_team_id"))
        batch_op.drop_index("ix_vendors_status")
        batch_op.drop_index(batch_op.f("ix_vendors_phone"))
        batch_op.drop_index(batch_op.f("ix_vendors_name_search"))
        batch_op.drop_index("ix_vendors_market_stall")
        batch_op.drop_index("ix_vendors_area_id_id")

    op.drop_table("vendors")
    with op.batch_alter_table("team_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_team_members_user_id"))
        batch_op.drop_index(batch_op.f("ix_team_members_team_id"))

    op.drop_table("team_members")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_entity")
        batch_op.drop_index(batch_op.f("ix_audit_log_at"))
        batch_op.drop_index("ix_audit_log_area_at")
        batch_op.drop_index(batch_op.f("ix_audit_log_actor_id"))

    op.drop_table("audit_log")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_users_area_id"))

    op.drop_table("users")
    with op.batch_alter_table("teams", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_teams_name_search"))
        batch_op.drop_index(batch_op.f("ix_teams_area_id"))

    op.drop_table("teams")
    with op.batch_alter_table("markets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_markets_name_search"))
        batch_op.drop_index(batch_op.f("ix_markets_area_id"))

    op.drop_table("markets")
    with op.batch_alter_table("area_successions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_area_successions_old_id"))
        batch_op.drop_index(batch_op.f("ix_area_successions_new_id"))

    op.drop_table("area_successions")
    with op.batch_alter_table("area_reach", schema=None) as batch_op:
        batch_op.drop_index("ix_area_reach_unit")

    op.drop_table("area_reach")
    op.drop_table("login_throttle")
    with op.batch_alter_table("area_units", schema=None) as batch_op:
        batch_op.drop_index("ix_area_units_parent_validity")
        batch_op.drop_index(batch_op.f("ix_area_units_name_search"))
        batch_op.drop_index(batch_op.f("ix_area_units_code"))

    op.drop_table("area_units")
