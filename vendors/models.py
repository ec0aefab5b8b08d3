"""Markets, market vendors (tiểu thương), their payment accounts and status history."""

from __future__ import annotations

import datetime as dt

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Boolean, Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db.base import BigIntAuditBase, BigIntBase, BigIntType


class Market(BigIntAuditBase):
    __tablename__ = "markets"

    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    name_search: Mapped[str] = mapped_column(String(160), index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area_units.id"), index=True)
    address: Mapped[str | None] = mapped_column(String(255), nullable=True)
    kind: Mapped[str] = mapped_column(String(12))
    stall_count: Mapped[int] = mapped_column(Integer)
    latitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    longitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The last sequence number used in this market's vendor codes (NPH-001, NPH-002, ...).
    vendor_seq: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # The spreadsheet import that created or last changed the market (tracker.imports).
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id"), nullable=True, index=True)

    __mapper_args__ = {"version_id_col": version}


class Vendor(BigIntAuditBase):
    __tablename__ = "vendors"
    __table_args__ = (
        # The same phone twice in one market only when explicitly allowed (a family sharing a phone).
        Index(
            "uq_vendors_market_phone",
            "market_id",
            "phone",
            unique=True,
            sqlite_where=text("active AND NOT shares_phone"),
            postgresql_where=text("active AND NOT shares_phone"),
        ),
        Index("ix_vendors_area_id_id", "area_id", "id"),
        Index("ix_vendors_market_stall", "market_id", "stall"),
        Index("ix_vendors_status", "status"),
    )

    code: Mapped[str] = mapped_column(String(24), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    name_search: Mapped[str] = mapped_column(String(120), index=True)
    # name + code + phone, folded: what ``q`` searches.
    search_text: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(10), nullable=True, index=True)
    shares_phone: Mapped[bool] = mapped_column(Boolean, default=False)
    personal_id: Mapped[str | None] = mapped_column(String(12), nullable=True, unique=True)
    market_id: Mapped[int] = mapped_column(ForeignKey("markets.id"))
    area_id: Mapped[int] = mapped_column(ForeignKey("area_units.id"))
    stall: Mapped[str] = mapped_column(String(20))
    goods_category: Mapped[str] = mapped_column(String(20))
    household_business_no: Mapped[str | None] = mapped_column(String(30), nullable=True)
    consent_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(12), default="registered")
    status_changed_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
    status_changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    deactivated_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    deactivated_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), nullable=True, index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # The spreadsheet import that created or last changed the vendor (tracker.imports).
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id"), nullable=True, index=True)

    payment_accounts: Mapped[list[PaymentAccount]] = relationship(
        lazy="raise",
        order_by="(PaymentAccount.is_primary.desc(), PaymentAccount.id)",
        primaryjoin="and_(Vendor.id == PaymentAccount.vendor_id, PaymentAccount.active)",
        viewonly=True,
    )

    __mapper_args__ = {"version_id_col": version}


class PaymentAccount(BigIntAuditBase):
    __tablename__ = "payment_accounts"
    __table_args__ = (
        # One bank account belongs to one vendor; removed accounts keep their row but block nothing.
        Index(
            "uq_payment_accounts_bank_account",
            "bank_bin",
            "account_number",
            unique=True,
            sqlite_where=text("active"),
            postgresql_where=text("active"),
        ),
    )

    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id"), index=True)
    bank_bin: Mapped[str] = mapped_column(String(6))
    account_number: Mapped[str] = mapped_column(String(19))
    account_name: Mapped[str] = mapped_column(String(60))
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class VendorStatusChange(BigIntBase):
    """Every cashless-status change, so that figures can be computed as they stood on any date."""

    __tablename__ = "vendor_status_changes"
    __table_args__ = (Index("ix_vendor_status_changes_vendor_at", "vendor_id", "at"),)

    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id"))
    from_status: Mapped[str | None] = mapped_column(String(12), nullable=True)
    to_status: Mapped[str] = mapped_column(String(12))
    at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), index=True)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)


class VendorTally(BigIntBase):
    """Vendors per (area, market, status, active), kept exact by database triggers.

    Written only by the triggers of migration 0003; read by list totals and reports.
    """

    __tablename__ = "vendor_tallies"
    __table_args__ = (
        UniqueConstraint("area_id", "market_id", "status", "active", name="uq_vendor_tallies_key"),
        Index("ix_vendor_tallies_market", "market_id"),
    )

    area_id: Mapped[int] = mapped_column(BigIntType)
    market_id: Mapped[int] = mapped_column(BigIntType)
    status: Mapped[str] = mapped_column(String(12))
    active: Mapped[bool] = mapped_column(Boolean)
    n: Mapped[int] = mapped_column(Integer)
