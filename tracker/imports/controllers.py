"""HTTP endpoints of spreadsheet imports."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response
from litestar.di import NamedDependency
from litestar.params import FromPath, MultipartBody, QueryParameter
from litestar.status_codes import HTTP_201_CREATED

from tracker.accounts.actor import OFFICER, TASKFORCE, Actor
from tracker.accounts.auth import requires
from tracker.imports.files import MAX_UPLOAD_BYTES
from tracker.imports.kinds import ImportOptions
from tracker.imports.schemas import (
    ImportDetail,
    ImportReport,
    ImportStatus,
    ImportSummary,
    ImportUpload,
    ModeName,
    RowStatusName,
)
from tracker.imports.service import ImportService
from tracker.lib.http_errors import request_lang
from tracker.lib.pagination import PageParams
from tracker.lib.routes import get, post
from tracker.lib.schema import Page

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv"
# The multipart envelope around the file: a little over the file limit, so that the service's own check
# (with its message naming the limit) answers files just above it.
UPLOAD_BODY_LIMIT = MAX_UPLOAD_BYTES + 1024 * 1024


def attachment(content: bytes, file_name: str, media_type: str) -> Response[bytes]:
    """A file to save (the API's and the import page's downloads)."""
    return Response(
        content=content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{file_name}"'},
    )


class ImportController(Controller):
    path = "/api/imports"
    tags = ["Nhập từ bảng tính / Spreadsheet imports"]
    guards = [requires(OFFICER, TASKFORCE)]

    @get("/templates/{file_name:str}", operation_id="import_template", media_type=XLSX)
    async def template(
        self,
        file_name: FromPath[str],
        actor: NamedDependency[Actor],
        import_service: NamedDependency[ImportService],
    ) -> Response[bytes]:
        """Tệp mẫu để nhập (vendors.xlsx, markets.xlsx…). The template of a kind of import."""
        return attachment(*await import_service.template_file(actor, file_name), XLSX)

    @post(
        "/{kind:str}",
        operation_id="run_import",
        status_code=HTTP_201_CREATED,
        request_max_body_size=UPLOAD_BODY_LIMIT,
    )
    async def run_import(
        self,
        request: Request[Any, Any, Any],
        kind: FromPath[str],
        data: MultipartBody[ImportUpload],
        actor: NamedDependency[Actor],
        import_service: NamedDependency[ImportService],
        dry_run: Annotated[bool, QueryParameter(description="Chỉ kiểm tra, không lưu / check only")] = False,
        mode: Annotated[
            ModeName, QueryParameter(description="all: tất cả hoặc không; valid_only: chỉ dòng hợp lệ")
        ] = "all",
        market: Annotated[str | None, QueryParameter(max_length=160, description="Mã chợ / market code")] = None,
        team_id: Annotated[int | None, QueryParameter(ge=1)] = None,
    ) -> ImportReport:
        """Nhập một tệp (multipart, trường `file`). Import a spreadsheet (multipart, field `file`).

        Kiểm tra thử bằng `dry_run=true`. Trả về kết quả từng dòng lỗi và đường dẫn tệp lỗi.
        """
        content = await data.file.read()
        options = ImportOptions(dry_run=dry_run, mode=mode, market=market, team_id=team_id)
        imported, _ = await import_service.run(
            actor, kind, file_name=data.file.filename or "upload", content=content, options=options
        )
        return await import_service.report(actor, imported, request_lang(request))

    @get("/", operation_id="list_imports")
    async def list_imports(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        import_service: NamedDependency[ImportService],
        page: NamedDependency[PageParams],
        kind: Annotated[str | None, QueryParameter(max_length=20)] = None,
        status: Annotated[ImportStatus | None, QueryParameter()] = None,
    ) -> Page[ImportSummary]:
        """Các lần nhập trong địa bàn. Imports within one's area (and one's own)."""
        found, total = await import_service.search(actor, page, kind=kind, status=status)
        lang = request_lang(request)
        return Page(
            items=[import_service.summary(i, lang) for i in found], total=total, limit=page.limit, offset=page.offset
        )

    @get("/{import_id:int}", operation_id="get_import")
    async def get_import(
        self,
        request: Request[Any, Any, Any],
        import_id: FromPath[int],
        actor: NamedDependency[Actor],
        import_service: NamedDependency[ImportService],
        page: NamedDependency[PageParams],
        status: Annotated[RowStatusName | None, QueryParameter(description="Lọc theo kết quả dòng")] = None,
    ) -> ImportDetail:
        """Một lần nhập và kết quả từng dòng (phân trang). One import with its per-row results (paginated)."""
        return await import_service.detail(actor, import_id, page, request_lang(request), status)

    @get("/{import_id:int}/errors.xlsx", operation_id="import_errors_xlsx", media_type=XLSX)
    async def errors_xlsx(
        self,
        request: Request[Any, Any, Any],
        import_id: FromPath[int],
        actor: NamedDependency[Actor],
        import_service: NamedDependency[ImportService],
        only_failed: Annotated[bool, QueryParameter(description="Chỉ các dòng lỗi")] = False,
    ) -> Response[bytes]:
        """Tệp lỗi: các dòng như đã gửi, thêm cột “Lỗi”. The rows as uploaded, with an error column."""
        content, name = await import_service.error_file(
            actor, import_id, "xlsx", request_lang(request), only_failed=only_failed
        )
        return attachment(content, name, XLSX)

    @get("/{import_id:int}/errors.csv", operation_id="import_errors_csv", media_type=CSV)
    async def errors_csv(
        self,
        request: Request[Any, Any, Any],
        import_id: FromPath[int],
        actor: NamedDependency[Actor],
        import_service: NamedDependency[ImportService],
        only_failed: Annotated[bool, QueryParameter(description="Chỉ các dòng lỗi")] = False,
    ) -> Response[bytes]:
        """Tệp lỗi dạng CSV, cùng bảng mã và dấu phân cách với tệp đã gửi. The error file as CSV."""
        content, name = await import_service.error_file(
            actor, import_id, "csv", request_lang(request), only_failed=only_failed
        )
        return attachment(content, name, CSV)
