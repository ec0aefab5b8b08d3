"""Running an import (dry run or commit) and reading imports back.

An import is one transaction: the data, the import record and its rows, and the audit entries are
committed together or not at all. When writing fails, the transaction is rolled back and the import is
recorded afterwards with status ``failed``. A dry run and a rejected all-or-none import save their report
(the import and its rows), never data, so that their error file can be downloaded.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Any

import anyio.to_thread
from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from sqlalchemy import ColumnElement, func, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from qr.banks import BankDirectory
from tracker.accounts.actor import Actor
from tracker.accounts.visibility import shown
from tracker.areas.scope import visible_to
from tracker.audit.services import record
from tracker.db.base import table_of
from tracker.imports.cells import coerce
from tracker.imports.columns import Column, match_headers
from tracker.imports.errorfile import build_csv, build_xlsx, error_text
from tracker.imports.files import MAX_UPLOAD_BYTES, Table, bad_file, display, read_table, to_json, too_large_file
from tracker.imports.kinds import (
    FAILS,
    WRITES,
    ImportContext,
    ImportKind,
    ImportOptions,
    KindRegistry,
    Progress,
    RowPlan,
    SourceRow,
    TemplateContext,
    no_progress,
)
from tracker.imports.models import Import, ImportRow
from tracker.imports.schemas import (
    ImportCounts,
    ImportDetail,
    ImportReport,
    ImportRowResult,
    ImportRows,
    ImportSummary,
    RowProblem,
    UserRef,
)
from tracker.imports.templates import build_template
from tracker.lib import clock
from tracker.lib.exceptions import NotFound, PermissionDenied, StaleWrite, TrackerError
from tracker.lib.http_errors import to_tracker_error
from tracker.lib.i18n import Lang, Text
from tracker.lib.pagination import PageParams
from tracker.lib.service import Service

REPORTED_FAILURES = 1000
ROW_INSERT_CHUNK = 1000


class ImportService(Service[Import, "ImportService.Repo"]):
    class Repo(SQLAlchemyAsyncRepository[Import]):
        model_type = Import

    repository_type = Repo

    def __init__(self, session: AsyncSession, kinds: KindRegistry, banks: BankDirectory, **kwargs: Any) -> None:
        super().__init__(session, **kwargs)
        self.kinds = kinds
        self.banks = banks

    # ----- templates ----------------------------------------------------------------------------------

    async def template(self, actor: Actor, kind_name: str) -> bytes:
        kind = self.kinds.get(kind_name)
        lists = await kind.reference_lists(TemplateContext(self.session, actor, self.banks))
        return await anyio.to_thread.run_sync(build_template, kind, lists)

    async def template_file(self, actor: Actor, file_name: str) -> tuple[bytes, str]:
        """The template asked for by its file name (``vendors.xlsx``), and the name to download it as."""
        kind, _, suffix = file_name.rpartition(".")
        if suffix != "xlsx":
            raise NotFound(Text("Tệp mẫu có dạng {loại}.xlsx.", "Templates are named {kind}.xlsx."))
        return await self.template(actor, kind), f"mau-nhap-{kind}.xlsx"

    # ----- running ------------------------------------------------------------------------------------

    def _kind_for(self, actor: Actor, kind_name: str) -> type[ImportKind]:
        kind = self.kinds.get(kind_name)
        if not actor.has_role(*kind.roles):
            raise PermissionDenied(
                Text(
                    f"Vai trò của bạn không được nhập “{kind.title.vi}”.",
                    f"Your role may not import “{kind.title.en}”.",
                )
            )
        return kind

    async def run(
        self,
        actor: Actor,
        kind_name: str,
        *,
        file_name: str,
        content: bytes,
        options: ImportOptions,
        progress: Progress | None = None,
    ) -> tuple[Import, list[RowPlan]]:
        tick = progress or no_progress
        kind_cls = self._kind_for(actor, kind_name)
        if len(content) > MAX_UPLOAD_BYTES:
            raise too_large_file()
        tick("read", 0, 0)
        table = await anyio.to_thread.run_sync(read_table, content)
        ctx = ImportContext(
            session=self.session,
            actor=actor,
            banks=self.banks,
            options=options,
            now=clock.now(),
            today=clock.today(),
            progress=tick,
        )
        kind = kind_cls(ctx)
        keys = match_headers(kind.columns, table.headers, kind.required_columns())
        await kind.begin()
        rows, examples = await anyio.to_thread.run_sync(_source_rows, kind_cls, table, keys, tick)
        if not rows:
            raise bad_file(
                "Tệp chỉ có dòng ví dụ của tệp mẫu, chưa có dữ liệu.",
                "The file holds only the template's example row, no data.",
                "no_rows",
            )
        plans = await kind.plan(rows)
        counts = Counter(p.status for p in plans)
        failing = any(p.status in FAILS for p in plans)
        if options.dry_run:
            status = "dry_run"
        elif options.mode == "all" and failing:
            status = "rejected"
        else:
            status = "committed"
        values = {
            "kind": kind_cls.name,
            "status": status,
            "mode": options.mode,
            "file_name": (file_name or "upload")[:255],
            "file_format": table.file_format,
            "encoding": table.encoding,
            "delimiter": table.delimiter,
            "sheet": table.sheet[:100] if table.sheet else None,
            "sha256": hashlib.sha256(content).hexdigest(),
            "size_bytes": len(content),
            "uploaded_by_id": actor.user_id,
            "uploaded_by_username": actor.username,
            "team_id": ctx.team_id,
            "market_id": ctx.market_id,
            "market_code": ctx.market_code,
            "area_id": next(iter(ctx.areas)) if len(ctx.areas) == 1 else actor.area_id,
            "headers": list(table.headers),
            "columns": list(keys),
            "total_rows": len(plans),
            "skipped_rows": table.skipped + examples,
            "created_count": counts["created"],
            "updated_count": counts["updated"],
            "unchanged_count": counts["unchanged"],
            "duplicate_count": counts["duplicate"],
            "error_count": counts["error"],
        }
        imported = Import(**values)
        try:
            self.session.add(imported)
            await self.session.flush()
            ctx.import_id = imported.id
            if status == "committed":
                to_write = [p for p in plans if p.status in WRITES]
                tick("save", 0, len(to_write))
                if to_write:
                    await kind.apply(to_write)
                tick("save", len(to_write), len(to_write))
                record(
                    self.session,
                    actor,
                    "import",
                    "import",
                    imported.id,
                    area_id=imported.area_id,
                    after={
                        "kind": kind_cls.name,
                        "file_name": imported.file_name,
                        "sha256": imported.sha256,
                        "mode": options.mode,
                        **{s: counts[s] for s in ("created", "updated", "unchanged", "duplicate", "error")},
                    },
                    at=ctx.now,
                )
            await self._save_rows(imported.id, table, plans)
            await self.commit()
        except Exception as exc:
            await self.session.rollback()
            error = StaleWrite() if isinstance(exc, StaleDataError) else to_tracker_error(exc)
            await self._record_failure(values, error)
            if error is not None and error is not exc:
                raise error from exc
            raise
        return imported, plans

    async def _save_rows(self, import_id: int, table: Table, plans: list[RowPlan]) -> None:
        originals = dict(table.rows)
        batch: list[dict[str, Any]] = []
        for plan in plans:
            problems = [_problem_json(p, warning=False) for p in plan.problems]
            problems += [_problem_json(p, warning=True) for p in plan.warnings]
            batch.append(
                {
                    "import_id": import_id,
                    "row_number": plan.row.number,
                    "status": plan.status,
                    "record_id": plan.record_id,
                    "record_code": plan.record_code,
                    "problems": problems or None,
                    "values": [to_json(v) for v in originals.get(plan.row.number, [])],
                }
            )
            if len(batch) >= ROW_INSERT_CHUNK:
                await self.session.execute(insert(table_of(ImportRow)), batch)
                batch = []
        if batch:
            await self.session.execute(insert(table_of(ImportRow)), batch)

    async def _record_failure(self, values: dict[str, Any], error: TrackerError | None) -> None:
        message = error.message if error is not None else Text("Lỗi máy chủ khi lưu.", "A server error while saving.")
        try:
            self.session.add(
                Import(
                    **{**values, "status": "failed"},
                    message_vi=message.vi,
                    message_en=message.en,
                )
            )
            await self.commit()
        except Exception:  # the database itself may be what failed: the original error is what matters
            await self.session.rollback()

    # ----- reading ------------------------------------------------------------------------------------

    def _visible(self, actor: Actor) -> ColumnElement[bool]:
        if actor.user_id is None:
            return visible_to(actor, Import.area_id)
        return or_(visible_to(actor, Import.area_id), Import.uploaded_by_id == actor.user_id)

    async def one(self, actor: Actor, import_id: int) -> Import:
        found = await self.session.scalar(select(Import).where(Import.id == import_id, self._visible(actor)))
        if found is None:
            raise NotFound(Text(f"Không tìm thấy lần nhập {import_id}.", f"Import {import_id} not found."))
        return found

    async def search(
        self, actor: Actor, page: PageParams, *, kind: str | None = None, status: str | None = None
    ) -> tuple[list[Import], int]:
        query = select(Import).where(self._visible(actor))
        if kind:
            query = query.where(Import.kind == kind)
        if status:
            query = query.where(Import.status == status)
        total = await self.session.scalar(select(func.count()).select_from(query.subquery()))
        found = await self.session.scalars(query.order_by(Import.id.desc()).limit(page.limit).offset(page.offset))
        return list(found), int(total or 0)

    async def rows(
        self, imported: Import, page: PageParams | None = None, *, status: str | None = None
    ) -> tuple[list[ImportRow], int]:
        query = select(ImportRow).where(ImportRow.import_id == imported.id)
        if status:
            query = query.where(ImportRow.status == status)
        total = await self.session.scalar(select(func.count()).select_from(query.subquery()))
        query = query.order_by(ImportRow.row_number, ImportRow.id)
        if page is not None:
            query = query.limit(page.limit).offset(page.offset)
        return list(await self.session.scalars(query)), int(total or 0)

    # ----- presenting ---------------------------------------------------------------------------------

    def _columns_of(self, imported: Import) -> dict[str, Column]:
        try:
            kind = self.kinds.get(imported.kind)
        except NotFound:
            return {}
        return {c.key: c for c in kind.columns}

    def summary(self, imported: Import, lang: Lang) -> ImportSummary:
        return ImportSummary(**_summary_fields(imported, lang))

    def _row_result(self, actor: Actor, imported: Import, row: ImportRow, lang: Lang) -> ImportRowResult:
        columns = self._columns_of(imported)
        headers_by_key = {k: h for h, k in zip(imported.headers, imported.columns, strict=False) if k}
        values: dict[str, str] = {}
        for index, header in enumerate(imported.headers):
            if not header or index >= len(row.values):
                continue
            key = imported.columns[index] if index < len(imported.columns) else None
            text = display(row.values[index])
            column = columns.get(key) if key else None
            values[header] = (shown(actor, text) or "") if column is not None and column.personal and text else text
        problems = [
            RowProblem(
                field=str(p.get("field", "")),
                column=headers_by_key.get(str(p.get("field"))),
                code=str(p.get("code", "invalid")),
                message=str(p.get(lang) or p.get("vi") or ""),
                warning=bool(p.get("warning", False)),
                existing=p.get("existing"),
            )
            for p in row.problems or []
        ]
        return ImportRowResult(
            row=row.row_number,
            status=row.status,  # type: ignore[arg-type]
            record_id=row.record_id,
            record_code=row.record_code,
            problems=problems,
            values=values,
        )

    async def report(self, actor: Actor, imported: Import, lang: Lang) -> ImportReport:
        query = (
            select(ImportRow)
            .where(ImportRow.import_id == imported.id, ImportRow.status.in_(sorted(FAILS)))
            .order_by(ImportRow.row_number)
            .limit(REPORTED_FAILURES + 1)
        )
        failed = list(await self.session.scalars(query))
        return ImportReport(
            **_summary_fields(imported, lang),
            failed_rows=[self._row_result(actor, imported, r, lang) for r in failed[:REPORTED_FAILURES]],
            failed_rows_truncated=len(failed) > REPORTED_FAILURES,
        )

    async def detail(
        self, actor: Actor, import_id: int, page: PageParams, lang: Lang, status: str | None = None
    ) -> ImportDetail:
        imported = await self.one(actor, import_id)
        rows, total = await self.rows(imported, page, status=status)
        return ImportDetail(
            **_summary_fields(imported, lang),
            rows=ImportRows(
                items=[self._row_result(actor, imported, r, lang) for r in rows],
                total=total,
                limit=page.limit,
                offset=page.offset,
            ),
        )

    async def error_file(
        self, actor: Actor, import_id: int, file_format: str, lang: Lang, *, only_failed: bool = False
    ) -> tuple[bytes, str]:
        """The file's rows as uploaded with an error column added (personal data masked per role)."""
        imported = await self.one(actor, import_id)
        rows, _ = await self.rows(imported)
        if only_failed:
            rows = [r for r in rows if r.status in FAILS]
        columns = self._columns_of(imported)
        headers_by_key = {k: h for h, k in zip(imported.headers, imported.columns, strict=False) if k}
        masked = {
            index
            for index, key in enumerate(imported.columns)
            if key and key in columns and columns[key].personal and shown(actor, "0000") != "0000"
        }
        lines: list[tuple[list[Any], str, bool]] = []
        for row in rows:
            cells = list(row.values)
            for index in masked:
                if index < len(cells) and cells[index] not in (None, ""):
                    cells[index] = shown(actor, display(cells[index]))
            lines.append((cells, error_text(row.problems or [], headers_by_key, lang), row.status in FAILS))
        stem = f"loi-nhap-{imported.kind}-{imported.id}"
        if file_format == "csv":
            content = build_csv(
                imported.headers, lines, imported.encoding or "utf-8-sig", imported.delimiter or ",", lang
            )
            return content, f"{stem}.csv"
        return await anyio.to_thread.run_sync(build_xlsx, imported.headers, lines, lang), f"{stem}.xlsx"


def _problem_json(problem: Any, *, warning: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "field": problem.field,
        "code": problem.code,
        "vi": problem.message.vi,
        "en": problem.message.en,
    }
    if warning:
        out["warning"] = True
    existing = problem.details.get("existing") if problem.details else None
    if existing:
        out["existing"] = existing
    return out


def _summary_fields(imported: Import, lang: Lang) -> dict[str, Any]:
    message = imported.message_en if lang == "en" else imported.message_vi
    suffix = "csv" if imported.file_format == "csv" else "xlsx"
    return {
        "id": imported.id,
        "kind": imported.kind,
        "status": imported.status,
        "dry_run": imported.status == "dry_run",
        "mode": imported.mode,
        "file_name": imported.file_name,
        "file_format": imported.file_format,
        "encoding": imported.encoding,
        "sheet": imported.sheet,
        "sha256": imported.sha256,
        "size_bytes": imported.size_bytes,
        "uploaded_by": UserRef(id=imported.uploaded_by_id, username=imported.uploaded_by_username),
        "team_id": imported.team_id,
        "market_id": imported.market_id,
        "market_code": imported.market_code,
        "area_id": imported.area_id,
        "counts": ImportCounts(
            rows=imported.total_rows,
            created=imported.created_count,
            updated=imported.updated_count,
            unchanged=imported.unchanged_count,
            duplicate=imported.duplicate_count,
            error=imported.error_count,
            skipped=imported.skipped_rows,
        ),
        "message": message,
        "created_at": imported.created_at,
        "error_file": f"/api/imports/{imported.id}/errors.{suffix}",
    }


def _source_rows(
    kind: type[ImportKind], table: Table, keys: list[str | None], tick: Progress
) -> tuple[list[SourceRow], int]:
    """Typed rows, without the template's example row (returned: how many example rows were dropped)."""
    columns = {c.key: c for c in kind.columns}
    present = [(index, columns[key]) for index, key in enumerate(keys) if key is not None]
    example = {
        key: coerce(value, columns[key])[0]
        for key, value in kind.example().items()
        if key in columns and key in set(keys)
    }
    rows: list[SourceRow] = []
    examples = 0
    total = len(table.rows)
    for position, (number, cells) in enumerate(table.rows, start=1):
        values: dict[str, Any] = {}
        problems = []
        for index, column in present:
            value, problem = coerce(cells[index], column)
            values[column.key] = value
            if problem is not None:
                problems.append(problem)
        if example and not problems and {k: v for k, v in values.items() if v is not None} == example:
            examples += 1
            continue
        rows.append(SourceRow(number=number, values=values, problems=problems))
        if position % 500 == 0 or position == total:
            tick("read", position, total)
    return rows, examples
