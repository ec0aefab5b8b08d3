"""Imports of spreadsheets and the result of each of their rows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from tracker.db.base import BigIntAuditBase, BigIntBase

JSONType = JSON().with_variant(JSONB(), "postgresql")

# What became of an import: a dry run (nothing but this report saved), rejected (all-or-none with failing
# rows: nothing saved), committed (its valid rows saved), failed (an error while saving: nothing saved).
IMPORT_STATUSES = ("dry_run", "rejected", "committed", "failed")
ROW_STATUSES = ("created", "updated", "unchanged", "duplicate", "error")


class Import(BigIntAuditBase):
    __tablename__ = "imports"
    __table_args__ = (Index("ix_imports_area_id_id", "area_id", "id"),)

    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(12))
    mode: Mapped[str] = mapped_column(String(12))
    file_name: Mapped[str] = mapped_column(String(255))
    file_format: Mapped[str] = mapped_column(String(8))
    encoding: Mapped[str | None] = mapped_column(String(20), nullable=True)
    delimiter: Mapped[str | None] = mapped_column(String(2), nullable=True)
    sheet: Mapped[str | None] = mapped_column(String(100), nullable=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size_bytes: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True, index=True)
    uploaded_by_username: Mapped[str] = mapped_column(String(60))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), nullable=True)
    # The market named for the whole file (``--market``/``?market=``); not a foreign key, so that markets
    # (which carry the id of the import that created them) and imports do not reference each other.
    market_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    market_code: Mapped[str | None] = mapped_column(String(20), nullable=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area_units.id"), nullable=True)
    # The file's header row as written, and the column each header was matched to (null: ignored).
    headers: Mapped[list[Any]] = mapped_column(JSONType)
    columns: Mapped[list[Any]] = mapped_column(JSONType)
    total_rows: Mapped[int] = mapped_column(Integer, default=0)
    skipped_rows: Mapped[int] = mapped_column(Integer, default=0)
    created_count: Mapped[int] = mapped_column(Integer, default=0)
    updated_count: Mapped[int] = mapped_column(Integer, default=0)
    unchanged_count: Mapped[int] = mapped_column(Integer, default=0)
    duplicate_count: Mapped[int] = mapped_column(Integer, default=0)
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    message_vi: Mapped[str | None] = mapped_column(Text, nullable=True)
    message_en: Mapped[str | None] = mapped_column(Text, nullable=True)


class ImportRow(BigIntBase):
    __tablename__ = "import_rows"
    __table_args__ = (Index("ix_import_rows_import_row", "import_id", "row_number"),)

    import_id: Mapped[int] = mapped_column(ForeignKey("imports.id"))
    row_number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12))
    record_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    record_code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    # [{"field", "code", "vi", "en", "warning"?, "existing"?}]
    problems: Mapped[list[Any] | None] = mapped_column(JSONType, nullable=True)
    # The row's cells as read, aligned with ``Import.headers`` (dates as {"date": ISO}, formulas as {"formula"}).
    values: Mapped[list[Any]] = mapped_column(JSONType)
