"""API shapes of imports."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from litestar.datastructures import UploadFile

from tracker.lib.schema import Schema

ImportStatus = Literal["dry_run", "rejected", "committed", "failed"]
RowStatusName = Literal["created", "updated", "unchanged", "duplicate", "error"]
ModeName = Literal["all", "valid_only"]


@dataclass
class ImportUpload:
    """The multipart form of an upload: the spreadsheet in the field ``file``."""

    file: UploadFile


class ImportCounts(Schema):
    rows: int
    created: int
    updated: int
    unchanged: int
    duplicate: int
    error: int
    skipped: int


class UserRef(Schema):
    id: int | None
    username: str


class RowProblem(Schema):
    field: str
    column: str | None
    code: str
    message: str
    warning: bool = False
    existing: dict[str, Any] | None = None


class ImportRowResult(Schema):
    row: int
    status: RowStatusName
    record_id: int | None
    record_code: str | None
    problems: list[RowProblem]
    values: dict[str, str]


class ImportSummary(Schema):
    id: int
    kind: str
    status: ImportStatus
    dry_run: bool
    mode: ModeName
    file_name: str
    file_format: str
    encoding: str | None
    sheet: str | None
    sha256: str
    size_bytes: int
    uploaded_by: UserRef
    team_id: int | None
    market_id: int | None
    market_code: str | None
    area_id: int | None
    counts: ImportCounts
    message: str | None
    created_at: dt.datetime
    error_file: str


class ImportReport(ImportSummary):
    """The answer to an upload: the summary and every row that failed (all rows: ``GET /api/imports/{id}``)."""

    failed_rows: list[ImportRowResult]
    failed_rows_truncated: bool


class ImportRows(Schema):
    items: list[ImportRowResult]
    total: int
    limit: int
    offset: int


class ImportDetail(ImportSummary):
    rows: ImportRows
