"""OCOP producers (chủ thể OCOP), their products and the products' certification history."""

from __future__ import annotations

import datetime as dt

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Date, ForeignKey, Index, Integer, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tracker.db.base import BigIntAuditBase


class Producer(BigIntAuditBase):
    """A cooperative, an enterprise, a cooperative group or a registered household that makes OCOP products."""

    __tablename__ = "ocop_producers"
    __table_args__ = (Index("ix_ocop_producers_area_id_id", "area_id", "id"),)

    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_search: Mapped[str] = mapped_column(String(200), index=True)
    # name + code + representative + tax code + phone, folded: what ``q`` searches.
    search_text: Mapped[str] = mapped_column(String(400))
    kind: Mapped[str] = mapped_column(String(16))
    representative: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str] = mapped_column(String(10), index=True)
    # 10 digits, ``NNNNNNNNNN-NNN`` for a branch, or a household business's 12-digit personal ID.
    tax_code: Mapped[str | None] = mapped_column(String(14), nullable=True, unique=True)
    address: Mapped[str | None] = mapped_column(String(255), nullable=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area_units.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), nullable=True, index=True)
    # The last sequence number used in this producer's product codes (CT00001-01, CT00001-02, ...).
    product_seq: Mapped[int] = mapped_column(Integer, default=0)
    # Set when the producer withdrew consent: the representative, phone, a personal-ID tax code and the
    # address were cleared; the records and figures stay.
    anonymised_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
    # ``use_alter``: users point at producers and imports at users, so this reference closes a cycle.
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id", use_alter=True), nullable=True, index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class Product(BigIntAuditBase):
    """An OCOP product, classified in the official tree of the version it was classified under."""

    __tablename__ = "ocop_products"
    __table_args__ = (
        Index("ix_ocop_products_area_id_id", "area_id", "id"),
        Index("ix_ocop_products_group", "group_code", "subgroup_code"),
    )

    code: Mapped[str] = mapped_column(String(24), unique=True)
    producer_id: Mapped[int] = mapped_column(ForeignKey("ocop_producers.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    name_search: Mapped[str] = mapped_column(String(200), index=True)
    # name + code + the producer's name, folded.
    search_text: Mapped[str] = mapped_column(String(400))
    # The tree the classification refers to ("148/QĐ-TTg"), then its group, subgroup and product set.
    tree_version: Mapped[str] = mapped_column(String(20))
    group_code: Mapped[str] = mapped_column(String(4))
    subgroup_code: Mapped[str] = mapped_column(String(8))
    set_code: Mapped[str | None] = mapped_column(String(10), nullable=True)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    # The producer's area, copied so that scope queries need no join.
    area_id: Mapped[int] = mapped_column(ForeignKey("area_units.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), nullable=True, index=True)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id"), nullable=True, index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class Certification(BigIntAuditBase):
    """One recognition decision. An upgrade or a re-recognition adds a row; rows are never overwritten.

    ``status`` stores only what a person decided (active, revoked, superseded); whether an active
    certificate has expired is computed from ``valid_until`` when it is read, so nothing drifts.
    """

    __tablename__ = "ocop_certifications"
    __table_args__ = (
        UniqueConstraint("product_id", "decision_no", name="uq_ocop_certifications_product_decision"),
        Index("ix_ocop_certifications_status_valid", "status", "valid_until"),
    )

    product_id: Mapped[int] = mapped_column(ForeignKey("ocop_products.id"), index=True)
    stars: Mapped[int] = mapped_column(SmallInteger)
    score: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    level: Mapped[str] = mapped_column(String(10))
    legal_basis: Mapped[str] = mapped_column(String(20))
    decision_no: Mapped[str] = mapped_column(String(60))
    decision_date: Mapped[dt.date] = mapped_column(Date)
    valid_until: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="active")
    status_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id"), nullable=True, index=True)
