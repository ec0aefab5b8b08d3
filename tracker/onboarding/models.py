"""E-commerce platforms, onboarding records (one per subject and platform), their stage history and
the results of listing checks.

A subject is an OCOP product, an OCOP producer (for its shop) or a market vendor; the record points at it
with one of ``product_id``/``producer_id``/``vendor_id`` (a product's record also carries its producer).
An onboarding has no area of its own: it is seen by whoever sees its subject, so it follows the subject
when that moves.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, SmallInteger, String, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from tracker.db.base import BigIntAuditBase, BigIntBase

JSONType = JSON().with_variant(JSONB(), "postgresql")


class Platform(BigIntAuditBase):
    """A marketplace shipped with the application, or a provincial portal added by an officer."""

    __tablename__ = "platforms"

    key: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    operator: Mapped[str | None] = mapped_column(String(160), nullable=True)
    kind: Mapped[str] = mapped_column(String(12))  # marketplace | portal
    hosts: Mapped[list[str]] = mapped_column(JSONType)
    short_link_hosts: Mapped[list[str]] = mapped_column(JSONType)
    product_paths: Mapped[list[str]] = mapped_column(JSONType)
    shop_paths: Mapped[list[str]] = mapped_column(JSONType)
    keep_params: Mapped[list[str]] = mapped_column(JSONType)
    confidence: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # A portal belongs to the area of the office that added it; marketplaces to none.
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area_units.id"), nullable=True, index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class Onboarding(BigIntAuditBase):
    __tablename__ = "onboardings"
    __table_args__ = (
        # One record per subject and platform.
        Index(
            "uq_onboardings_product_platform",
            "product_id",
            "platform_id",
            unique=True,
            sqlite_where=text("subject_kind = 'product'"),
            postgresql_where=text("subject_kind = 'product'"),
        ),
        Index(
            "uq_onboardings_producer_platform",
            "producer_id",
            "platform_id",
            unique=True,
            sqlite_where=text("subject_kind = 'producer'"),
            postgresql_where=text("subject_kind = 'producer'"),
        ),
        Index(
            "uq_onboardings_vendor_platform",
            "vendor_id",
            "platform_id",
            unique=True,
            sqlite_where=text("subject_kind = 'vendor'"),
            postgresql_where=text("subject_kind = 'vendor'"),
        ),
        # The same item on the same platform is recorded once.
        Index(
            "uq_onboardings_platform_item",
            "platform_id",
            "item_key",
            unique=True,
            sqlite_where=text("item_key IS NOT NULL"),
            postgresql_where=text("item_key IS NOT NULL"),
        ),
        Index("ix_onboardings_stage", "stage", "platform_id"),
    )

    subject_kind: Mapped[str] = mapped_column(String(10))
    product_id: Mapped[int | None] = mapped_column(ForeignKey("ocop_products.id"), nullable=True)
    producer_id: Mapped[int | None] = mapped_column(ForeignKey("ocop_producers.id"), nullable=True, index=True)
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendors.id"), nullable=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("platforms.id"), index=True)
    stage: Mapped[str] = mapped_column(String(20))
    stage_changed_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
    shop_url: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    listing_url: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    # The item's identity on its platform ("<shopid>.<itemid>" on Shopee); NULL for a short link.
    item_key: Mapped[str | None] = mapped_column(String(80), nullable=True)
    needs_resolution: Mapped[bool] = mapped_column(Boolean, default=False)
    rejection_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), nullable=True, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    # The last listing check, and whether it found the live listing gone (for the task force to fix).
    checked_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
    check_verdict: Mapped[str | None] = mapped_column(String(14), nullable=True)
    check_status: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    check_final_url: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    broken: Mapped[bool] = mapped_column(Boolean, default=False)
    broken_since: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id"), nullable=True, index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class OnboardingEvent(BigIntBase):
    """One stage change: when, who, for which team, with what evidence and, for a rejection, why."""

    __tablename__ = "onboarding_events"
    __table_args__ = (Index("ix_onboarding_events_onboarding_at", "onboarding_id", "at"),)

    onboarding_id: Mapped[int] = mapped_column(ForeignKey("onboardings.id"))
    from_stage: Mapped[str | None] = mapped_column(String(20), nullable=True)
    to_stage: Mapped[str] = mapped_column(String(20))
    at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), index=True)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    by_username: Mapped[str] = mapped_column(String(60))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), nullable=True)
    evidence_url: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)


class ListingCheck(BigIntBase):
    """One fetch of a listing's address: the answer, the redirects followed and the verdict."""

    __tablename__ = "listing_checks"
    __table_args__ = (Index("ix_listing_checks_onboarding_at", "onboarding_id", "checked_at"),)

    onboarding_id: Mapped[int] = mapped_column(ForeignKey("onboardings.id"))
    checked_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    reachable: Mapped[bool] = mapped_column(Boolean)
    status_code: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    final_url: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    redirects: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)
    error: Mapped[str | None] = mapped_column(String(300), nullable=True)
    elapsed_ms: Mapped[int | None] = mapped_column(Integer, nullable=True)
    verdict: Mapped[str] = mapped_column(String(14))
    # The stage the record was in when checked: only a live listing is flagged broken.
    stage: Mapped[str] = mapped_column(String(20))
