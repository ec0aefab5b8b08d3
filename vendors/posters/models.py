"""Issued VietQR posters: which payload was printed for which vendor and account, and its fate."""

from __future__ import annotations

import datetime as dt

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from tracker.db.base import BigIntAuditBase


class PosterRecord(BigIntAuditBase):
    __tablename__ = "posters"
    __table_args__ = (
        Index("ix_posters_vendor_id_id", "vendor_id", "id"),
        # Re-downloading the same poster finds its live record through this index.
        Index(
            "ix_posters_live",
            "vendor_id",
            "account_id",
            "format",
            "size",
            sqlite_where=text("revoked_at IS NULL"),
            postgresql_where=text("revoked_at IS NULL"),
        ),
    )

    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id"))
    account_id: Mapped[int] = mapped_column(ForeignKey("payment_accounts.id"), index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area_units.id"), index=True)
    payload: Mapped[str] = mapped_column(String(512))
    format: Mapped[str] = mapped_column(String(4))
    size: Mapped[str] = mapped_column(String(4))
    amount: Mapped[int | None] = mapped_column(Integer, nullable=True)
    issued_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    downloads: Mapped[int] = mapped_column(Integer, default=1)
    posted_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
    posted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
    revoked_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
