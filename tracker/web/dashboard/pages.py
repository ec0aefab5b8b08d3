"""The officer dashboard: uptake and OCOP figures with charts, targets, drill-down, exports and watch lists.

Charts and files are served under ``/dashboard/`` with the page's cookie (the API takes bearer tokens
only); they are made by the same report service, chart and export functions as ``/api/reports``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Controller, Request, Response
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from tracker.accounts.actor import OFFICER, Actor
from tracker.accounts.auth import requires
from tracker.lib.exceptions import FieldProblem, ValidationFailed
from tracker.lib.i18n import Text
from tracker.lib.routes import get
from tracker.reports import charts
from tracker.reports.controllers import answer, chart
from tracker.reports.schemas import Breakdown
from tracker.reports.service import ReportService
from tracker.web.dashboard.views import CHART_MAX_ROWS, dashboard
from tracker.web.render import lang_of, page

AreaParam = Annotated[str | None, QueryParameter(max_length=20, description="Mã địa bàn / area code")]
ByParam = Annotated[Breakdown | None, QueryParameter(description="unit: theo đơn vị; market: theo chợ")]
FileFormat = Literal["csv", "xlsx"]
TOO_MANY_ROWS = Text(
    "Biểu đồ vẽ tối đa {n} dòng: hãy chọn địa bàn nhỏ hơn hoặc chia theo đơn vị.",
    "The chart draws at most {n} rows: choose a smaller area or break down by unit.",
)


def _filters(code: str | None, by: str | None = None) -> dict[str, str]:
    return {k: v for k, v in {"area": code, "by": by}.items() if v}


class DashboardPages(Controller):
    path = "/dashboard"
    guards = [requires(OFFICER)]
    include_in_schema = False

    @get("/", name="dashboard")
    async def show(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        db_session: NamedDependency[AsyncSession],
        report_service: NamedDependency[ReportService],
        area: AreaParam = None,
        by: ByParam = None,
    ) -> Response[Any]:
        view = await dashboard(db_session, actor, area or None, by, lang_of(request), report_service)
        return page(request, "dashboard/index.html", view=view)

    @get("/uptake.png", media_type="image/png")
    async def uptake_chart(
        self,
        actor: NamedDependency[Actor],
        report_service: NamedDependency[ReportService],
        area: AreaParam = None,
        by: ByParam = None,
    ) -> Response[bytes]:
        report = await report_service.uptake(actor, area or None, None, by)
        if len(report.rows) > CHART_MAX_ROWS:
            raise ValidationFailed([FieldProblem("area", TOO_MANY_ROWS.format(n=CHART_MAX_ROWS), "too_many_rows")])
        return chart(charts.uptake_chart(report, "png"), "png")

    @get("/ocop.png", media_type="image/png")
    async def ocop_chart(
        self, actor: NamedDependency[Actor], report_service: NamedDependency[ReportService], area: AreaParam = None
    ) -> Response[bytes]:
        return chart(charts.platforms_chart(await report_service.ocop(actor, area or None, None), "png"), "png")

    @get("/uptake.csv")
    async def uptake_csv(
        self,
        actor: NamedDependency[Actor],
        report_service: NamedDependency[ReportService],
        area: AreaParam = None,
        by: ByParam = None,
    ) -> Response[Any]:
        return await _uptake_file(report_service, actor, area, by, "csv")

    @get("/uptake.xlsx")
    async def uptake_xlsx(
        self,
        actor: NamedDependency[Actor],
        report_service: NamedDependency[ReportService],
        area: AreaParam = None,
        by: ByParam = None,
    ) -> Response[Any]:
        return await _uptake_file(report_service, actor, area, by, "xlsx")

    @get("/ocop.csv")
    async def ocop_csv(
        self, actor: NamedDependency[Actor], report_service: NamedDependency[ReportService], area: AreaParam = None
    ) -> Response[Any]:
        return await _ocop_file(report_service, actor, area, "csv")

    @get("/ocop.xlsx")
    async def ocop_xlsx(
        self, actor: NamedDependency[Actor], report_service: NamedDependency[ReportService], area: AreaParam = None
    ) -> Response[Any]:
        return await _ocop_file(report_service, actor, area, "xlsx")


async def _uptake_file(
    reports: ReportService, actor: Actor, area: str | None, by: Breakdown | None, fmt: FileFormat
) -> Response[Any]:
    report = await reports.uptake(actor, area or None, None, by)
    return answer(report, fmt, "uptake", _filters(report.area.code if report.area else None, report.by))


async def _ocop_file(reports: ReportService, actor: Actor, area: str | None, fmt: FileFormat) -> Response[Any]:
    report = await reports.ocop(actor, area or None, None)
    return answer(report, fmt, "ocop", _filters(report.area.code if report.area else None))
