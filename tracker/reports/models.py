"""Targets set by the economic office: an indicator, for an area or one market, by a deadline."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tracker.db.base import BigIntAuditBase, BigIntBase, BigIntType
from vendors.models import Vendor, VendorStatusChange


class Target(BigIntAuditBase):
    """ "70% of stalls in Chợ Nam Phước active by 2026-12-31 (Kế hoạch 125/KH-UBND)" as data."""

    __tablename__ = "report_targets"
    __table_args__ = (Index("ix_report_targets_area_deadline", "area_id", "deadline"),)

    indicator: Mapped[str] = mapped_column(String(30))
    # ``share`` (0–1, of stalls or of certified products) or ``count``.
    measure: Mapped[str] = mapped_column(String(8))
    value: Mapped[float] = mapped_column(Float)
    area_id: Mapped[int] = mapped_column(ForeignKey("area_units.id"))
    market_id: Mapped[int | None] = mapped_column(ForeignKey("markets.id"), nullable=True, index=True)
    deadline: Mapped[dt.date] = mapped_column(Date)
    legal_basis: Mapped[str | None] = mapped_column(String(200), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class UptakeTally(BigIntBase):
    """Per market: active vendors with a payment account, and with a QR poster issued.

    Written only by the triggers of migration 0011_reports (they recount the market a write touched,
    applying the rule of ``tracker/reports/posters.py``); read by the uptake report.
    """

    __tablename__ = "vendor_uptake_tallies"
    __table_args__ = (UniqueConstraint("market_id", name="uq_vendor_uptake_tallies_market"),)

    market_id: Mapped[int] = mapped_column(BigIntType)
    with_account: Mapped[int] = mapped_column(Integer)
    with_poster: Mapped[int] = mapped_column(Integer)


# Indexes the reports need on other domains' tables (created by migration 0011_reports).
Index("ix_vendor_status_changes_reached", VendorStatusChange.vendor_id, VendorStatusChange.to_status)
Index("ix_vendors_area_market", Vendor.area_id, Vendor.market_id)
