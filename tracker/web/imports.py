"""The import page (``/imports``): templates, a dry run that shows each row's errors, then the commit.

The page calls the import service exactly as ``/api/imports`` does (the same kinds, roles, size limit,
row checks and masking of personal data); only the answer is a page instead of JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from litestar import Controller, Request, Response
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter

from tracker.accounts.actor import OFFICER, TASKFORCE, Actor
from tracker.accounts.auth import requires
from tracker.imports.controllers import CSV, UPLOAD_BODY_LIMIT, XLSX, attachment
from tracker.imports.files import MAX_UPLOAD_BYTES
from tracker.imports.kinds import ImportOptions, KindRegistry
from tracker.imports.schemas import ImportReport, ImportSummary
from tracker.imports.service import ImportService
from tracker.lib.exceptions import FieldProblem, TrackerError, ValidationFailed
from tracker.lib.i18n import Lang, Text
from tracker.lib.pagination import PageParams
from tracker.lib.routes import get, post
from tracker.web.csrf import csrf_protect
from tracker.web.render import lang_of, page, redirect_to

# The roles that open the page: the economic office (and admins). Each sees the kinds its role may import.
IMPORT_PAGE_ROLES = (OFFICER, TASKFORCE)
RECENT = 20
SAVED = Text("Đã nhập xong tệp.", "The file has been imported.")
MODES: dict[str, Text] = {
    "all": Text("Tất cả hoặc không: có dòng lỗi thì không lưu dòng nào", "All or nothing: any failing row saves none"),
    "valid_only": Text("Chỉ lưu các dòng hợp lệ", "Save the valid rows only"),
}
STATUSES: dict[str, Text] = {
    "dry_run": Text("Kiểm tra thử (chưa lưu)", "Dry run (nothing saved)"),
    "rejected": Text("Bị từ chối (không lưu gì)", "Rejected (nothing saved)"),
    "committed": Text("Đã lưu", "Saved"),
    "failed": Text("Lỗi khi lưu (không lưu gì)", "Failed (nothing saved)"),
}


@dataclass(frozen=True, slots=True)
class KindChoice:
    name: str
    title: str
    template_href: str


def kinds_for(actor: Actor, registry: KindRegistry, lang: Lang) -> list[KindChoice]:
    """The kinds of spreadsheet this actor's role may import (the service refuses the others)."""
    return [
        KindChoice(kind.name, kind.title(lang), f"/imports/templates/{kind.name}.xlsx")
        for kind in registry
        if actor.has_role(*kind.roles)
    ]


async def recent_imports(service: ImportService, actor: Actor, lang: Lang) -> list[ImportSummary]:
    found, _ = await service.search(actor, PageParams(limit=RECENT, offset=0))
    return [service.summary(i, lang) for i in found]


def _form_problem(field: str, vi: str, en: str) -> ValidationFailed:
    return ValidationFailed([FieldProblem(field, Text(vi, en), "required")])


async def run_upload(
    service: ImportService, actor: Actor, form: Any, lang: Lang
) -> tuple[ImportReport | None, TrackerError | None]:
    """Runs one upload of the page's form; a refused file comes back as the error to show, nothing saved."""
    kind = str(form.get("kind") or "")
    upload = form.get("file")
    action = str(form.get("action") or "dry_run")
    mode = str(form.get("mode") or "all")
    market = str(form.get("market") or "").strip() or None
    try:
        if not kind:
            raise _form_problem("kind", "Chọn loại dữ liệu cần nhập.", "Choose what to import.")
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise _form_problem(
                "file", "Chọn tệp bảng tính (.xlsx hoặc .csv).", "Choose a spreadsheet (.xlsx or .csv)."
            )
        if mode not in MODES:
            raise _form_problem("mode", "Cách lưu không hợp lệ.", "Unknown saving mode.")
        if action not in ("dry_run", "commit"):
            raise _form_problem("action", "Thao tác không hợp lệ.", "Unknown action.")
        if market is not None and len(market) > 160:
            raise _form_problem("market", "Mã chợ quá dài.", "The market code is too long.")
        try:
            content = await upload.read()
        finally:
            await upload.close()
        options = ImportOptions(dry_run=action == "dry_run", mode=mode, market=market)  # type: ignore[arg-type]
        imported, _ = await service.run(actor, kind, file_name=upload.filename, content=content, options=options)
    except TrackerError as error:
        return None, error
    return await service.report(actor, imported, lang), None


class ImportPages(Controller):
    path = "/imports"
    guards = [requires(*IMPORT_PAGE_ROLES)]
    include_in_schema = False

    async def _show(
        self,
        request: Request[Any, Any, Any],
        actor: Actor,
        import_service: ImportService,
        *,
        report: ImportReport | None = None,
        error: TrackerError | None = None,
        chosen: dict[str, str] | None = None,
        status_code: int = 200,
    ) -> Response[Any]:
        lang = lang_of(request)
        return page(
            request,
            "imports/index.html",
            kinds=kinds_for(actor, request.app.state.import_kinds, lang),
            recent=await recent_imports(import_service, actor, lang),
            report=report,
            error=error,
            error_message=error.message(lang) if error is not None else None,
            error_fields=[(p.field, p.message(lang)) for p in error.problems] if error is not None else [],
            chosen=chosen or {},
            modes=MODES,
            statuses=STATUSES,
            max_mb=MAX_UPLOAD_BYTES // (1024 * 1024),
            status_code=status_code,
        )

    @get("/", name="imports")
    async def index(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        import_service: NamedDependency[ImportService],
    ) -> Response[Any]:
        return await self._show(request, actor, import_service)

    @post("/", name="imports_run", guards=[csrf_protect], request_max_body_size=UPLOAD_BODY_LIMIT, status_code=200)
    async def run(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        import_service: NamedDependency[ImportService],
    ) -> Response[Any]:
        form = await request.form()
        lang = lang_of(request)
        report, error = await run_upload(import_service, actor, form, lang)
        chosen = {k: str(form.get(k) or "") for k in ("kind", "mode", "market")}
        if error is not None:
            return await self._show(
                request, actor, import_service, error=error, chosen=chosen, status_code=error.status_code
            )
        assert report is not None
        if report.status == "committed":
            return redirect_to(request, f"/imports/{report.id}", SAVED)
        return await self._show(request, actor, import_service, report=report, chosen=chosen)

    @get("/{import_id:int}", name="import_result")
    async def result(
        self,
        request: Request[Any, Any, Any],
        import_id: FromPath[int],
        actor: NamedDependency[Actor],
        import_service: NamedDependency[ImportService],
    ) -> Response[Any]:
        imported = await import_service.one(actor, import_id)
        report = await import_service.report(actor, imported, lang_of(request))
        chosen = {"kind": report.kind, "mode": report.mode, "market": report.market_code or ""}
        return await self._show(request, actor, import_service, report=report, chosen=chosen)

    @get("/templates/{file_name:str}", name="import_template")
    async def template(
        self,
        file_name: FromPath[str],
        actor: NamedDependency[Actor],
        import_service: NamedDependency[ImportService],
    ) -> Response[bytes]:
        return attachment(*await import_service.template_file(actor, file_name), XLSX)

    @get("/{import_id:int}/errors.xlsx", name="import_errors_xlsx")
    async def errors_xlsx(
        self,
        request: Request[Any, Any, Any],
        import_id: FromPath[int],
        actor: NamedDependency[Actor],
        import_service: NamedDependency[ImportService],
        only_failed: Annotated[bool, QueryParameter()] = False,
    ) -> Response[bytes]:
        return await _error_file(request, import_service, actor, import_id, "xlsx", only_failed)

    @get("/{import_id:int}/errors.csv", name="import_errors_csv")
    async def errors_csv(
        self,
        request: Request[Any, Any, Any],
        import_id: FromPath[int],
        actor: NamedDependency[Actor],
        import_service: NamedDependency[ImportService],
        only_failed: Annotated[bool, QueryParameter()] = False,
    ) -> Response[bytes]:
        return await _error_file(request, import_service, actor, import_id, "csv", only_failed)


async def _error_file(
    request: Request[Any, Any, Any],
    service: ImportService,
    actor: Actor,
    import_id: int,
    file_format: Literal["xlsx", "csv"],
    only_failed: bool,
) -> Response[bytes]:
    """The import's rows as uploaded with an error column, personal data masked per role (as the API's)."""
    content, name = await service.error_file(actor, import_id, file_format, lang_of(request), only_failed=only_failed)
    return attachment(content, name, XLSX if file_format == "xlsx" else CSV)
