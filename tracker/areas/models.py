"""Administrative units as data: provinces, (pre-2025) districts, communes and local villages."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tracker.db.base import BigIntBase

LEVELS = ("province", "district", "commune", "village")


class AreaUnit(BigIntBase):
    """One unit for the period it was in force. The reform reused codes, so (code, valid_from) is the key."""

    __tablename__ = "area_units"
    __table_args__ = (
        UniqueConstraint("code", "level", "valid_from", name="uq_area_units_code_level_from"),
        Index("ix_area_units_parent_validity", "parent_id", "valid_from", "valid_to"),
    )

    code: Mapped[str] = mapped_column(String(20), index=True)
    name: Mapped[str] = mapped_column(String(120))
    name_search: Mapped[str] = mapped_column(String(120), index=True)
    type: Mapped[str] = mapped_column(String(60))
    level: Mapped[str] = mapped_column(String(10))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("area_units.id"), nullable=True)
    valid_from: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    valid_to: Mapped[dt.date | None] = mapped_column(Date, nullable=True)


class AreaSuccession(BigIntBase):
    """Old → new crosswalk: ``full`` when the whole old unit went into the new one, else ``partial``."""

    __tablename__ = "area_successions"
    __table_args__ = (UniqueConstraint("old_id", "new_id", name="uq_area_successions_old_new"),)

    old_id: Mapped[int] = mapped_column(ForeignKey("area_units.id"), index=True)
    new_id: Mapped[int] = mapped_column(ForeignKey("area_units.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    effective_date: Mapped[dt.date] = mapped_column(Date)
    legal_basis: Mapped[str | None] = mapped_column(String(60), nullable=True)


class AreaReach(BigIntBase):
    """Precomputed reach: ``ancestor_id`` covers ``unit_id`` (itself, below it, or merged into it).

    This closure is the single area-scope mechanism: lists, reports and exports all filter with
    ``area_id IN (SELECT unit_id FROM area_reach WHERE ancestor_id = :scope)``.
    """

    __tablename__ = "area_reach"
    __table_args__ = (
        UniqueConstraint("ancestor_id", "unit_id", name="uq_area_reach_ancestor_unit"),
        Index("ix_area_reach_unit", "unit_id", "ancestor_id"),
    )

    ancestor_id: Mapped[int] = mapped_column(ForeignKey("area_units.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("area_units.id"))
