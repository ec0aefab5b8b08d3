"""OCOP producers, products and their certification history; users.producer_id for producer accounts

Revision ID: 0006_ocop
Revises: 0005_imports
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "0006_ocop"
down_revision: str | Sequence[str] | None = "0005_imports"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "ocop_producers",
        sa.Column("id", BIGINT, nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_search", sa.String(length=200), nullable=False),
        sa.Column("search_text", sa.String(length=400), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("representative", sa.String(length=120), nullable=False),
        sa.Column("phone", sa.String(length=10), nullable=False),
        sa.Column("tax_code", sa.String(length=14), nullable=True),
        sa.Column("address", sa.String(length=255), nullable=True),
        sa.Column("area_id", BIGINT, nullable=False),
        sa.Column("team_id", BIGINT, nullable=True),
        sa.Column("product_seq", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["area_id"], ["area_units.id"], name=op.f("fk_ocop_producers_area_id_area_units")),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_ocop_producers_team_id_teams")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ocop_producers")),
        sa.UniqueConstraint("code", name=op.f("uq_ocop_producers_code")),
        sa.UniqueConstraint("tax_code", name=op.f("uq_ocop_producers_tax_code")),
    )
    with op.batch_alter_table("ocop_producers", schema=None) as batch_op:
        batch_op.create_index("ix_ocop_producers_area_id_id", ["area_id", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_ocop_producers_name_search"), ["name_search"], unique=False)
        batch_op.create_index(batch_op.f("ix_ocop_producers_phone"), ["phone"], unique=False)
        batch_op.create_index(batch_op.f("ix_ocop_producers_team_id"), ["team_id"], unique=False)

    op.create_table(
        "ocop_products",
        sa.Column("id", BIGINT, nullable=False),
        sa.Column("code", sa.String(length=24), nullable=False),
        sa.Column("producer_id", BIGINT, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_search", sa.String(length=200), nullable=False),
        sa.Column("search_text", sa.String(length=400), nullable=False),
        sa.Column("tree_version", sa.String(length=20), nullable=False),
        sa.Column("group_code", sa.String(length=4), nullable=False),
        sa.Column("subgroup_code", sa.String(length=8), nullable=False),
        sa.Column("set_code", sa.String(length=10), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("area_id", BIGINT, nullable=False),
        sa.Column("created_by_id", BIGINT, nullable=True),
        sa.Column("team_id", BIGINT, nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["area_id"], ["area_units.id"], name=op.f("fk_ocop_products_area_id_area_units")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_ocop_products_created_by_id_users")),
        sa.ForeignKeyConstraint(
            ["producer_id"], ["ocop_producers.id"], name=op.f("fk_ocop_products_producer_id_ocop_producers")
        ),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_ocop_products_team_id_teams")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ocop_products")),
        sa.UniqueConstraint("code", name=op.f("uq_ocop_products_code")),
    )
    with op.batch_alter_table("ocop_products", schema=None) as batch_op:
        batch_op.create_index("ix_ocop_products_area_id_id", ["area_id", "id"], unique=False)
        batch_op.create_index("ix_ocop_products_group", ["group_code", "subgroup_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_ocop_products_name_search"), ["name_search"], unique=False)
        batch_op.create_index(batch_op.f("ix_ocop_products_producer_id"), ["producer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_ocop_products_team_id"), ["team_id"], unique=False)

    op.create_table(
        "ocop_certifications",
        sa.Column("id", BIGINT, nullable=False),
        sa.Column("product_id", BIGINT, nullable=False),
        sa.Column("stars", sa.SmallInteger(), nullable=False),
        sa.Column("score", sa.SmallInteger(), nullable=True),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("legal_basis", sa.String(length=20), nullable=False),
        sa.Column("decision_no", sa.String(length=60), nullable=False),
        sa.Column("decision_date", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_by_id", BIGINT, nullable=True),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_ocop_certifications_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["ocop_products.id"], name=op.f("fk_ocop_certifications_product_id_ocop_products")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ocop_certifications")),
        sa.UniqueConstraint("product_id", "decision_no", name="uq_ocop_certifications_product_decision"),
    )
    with op.batch_alter_table("ocop_certifications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ocop_certifications_product_id"), ["product_id"], unique=False)
        batch_op.create_index("ix_ocop_certifications_status_valid", ["status", "valid_until"], unique=False)

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("producer_id", BIGINT, nullable=True))
        batch_op.create_index(batch_op.f("ix_users_producer_id"), ["producer_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_users_producer_id_ocop_producers"), "ocop_producers", ["producer_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_users_producer_id_ocop_producers"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_users_producer_id"))
        batch_op.drop_column("producer_id")

    with op.batch_alter_table("ocop_certifications", schema=None) as batch_op:
        batch_op.drop_index("ix_ocop_certifications_status_valid")
        batch_op.drop_index(batch_op.f("ix_ocop_certifications_product_id"))
    op.drop_table("ocop_certifications")

    with op.batch_alter_table("ocop_products", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ocop_products_team_id"))
        batch_op.drop_index(batch_op.f("ix_ocop_products_producer_id"))
        batch_op.drop_index(batch_op.f("ix_ocop_products_name_search"))
        batch_op.drop_index("ix_ocop_products_group")
        batch_op.drop_index("ix_ocop_products_area_id_id")
    op.drop_table("ocop_products")

    with op.batch_alter_table("ocop_producers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ocop_producers_team_id"))
        batch_op.drop_index(batch_op.f("ix_ocop_producers_phone"))
        batch_op.drop_index(batch_op.f("ix_ocop_producers_name_search"))
        batch_op.drop_index("ix_ocop_producers_area_id_id")
    op.drop_table("ocop_producers")
