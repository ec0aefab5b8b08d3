"""HTTP endpoints of the reports: JSON, CSV and XLSX of the same report, and its charts."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Response
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import JSONBody, QueryParameter
from litestar.status_codes import HTTP_204_NO_CONTENT

from tracker.accounts.actor import OFFICER, TASKFORCE, Actor
from tracker.accounts.auth import requires
from tracker.areas.services import AreaService
from tracker.lib.ids import PathId
from tracker.lib.routes import delete, get, patch, post
from tracker.reports import charts, exports
from tracker.reports.schemas import (
    Breakdown,
    OcopReport,
    Target,
    TargetCreate,
    TargetProgress,
    TargetUpdate,
    TeamsReport,
    TrendReport,
    UptakeReport,
)
from tracker.reports.service import ReportService
from tracker.reports.targets import TargetService

Format = Literal["json", "csv", "xlsx"]
AreaParam = Annotated[
    str | None, QueryParameter(max_length=20, description="Mã địa bàn (mặc định: địa bàn của bạn) / area code")
]
OnParam = Annotated[
    dt.date | None, QueryParameter(description="Theo đơn vị hành chính có hiệu lực ngày này / units in force on")
]
FormatParam = Annotated[Format, QueryParameter(description="json, csv (UTF-8 có BOM) hoặc xlsx")]
SinceParam = Annotated[dt.date | None, QueryParameter(description="Từ ngày / from (inclusive)")]
UntilParam = Annotated[dt.date | None, QueryParameter(description="Đến ngày / until (inclusive, default today)")]
ByParam = Annotated[Breakdown | None, QueryParameter(description="unit: theo đơn vị; market: theo chợ")]
CHART_SPEC = {200: ResponseSpec(data_container=bytes, description="Biểu đồ / chart", generate_examples=False)}


def _spec(container: type[Any]) -> dict[int, ResponseSpec]:
    return {
        200: ResponseSpec(
            data_container=container,
            description="Báo cáo (JSON; CSV hoặc XLSX với format=csv|xlsx) / the report",
            generate_examples=False,
        )
    }


def answer(report: msgspec.Struct, fmt: Format, name: str, filters: dict[str, str]) -> Response[Any]:
    if fmt == "json":
        return Response(content=msgspec.json.encode(report), media_type="application/json")
    content, media_type, suffix = exports.render(report, fmt, filters)
    return Response(
        content=content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}.{suffix}"'},
    )


def chart(content: bytes, fmt: charts.ChartFormat) -> Response[bytes]:
    return Response(content=content, media_type=charts.MEDIA_TYPES[fmt])


def _filters(**values: object) -> dict[str, str]:
    return {k: str(v) for k, v in values.items() if v is not None}


class ReportController(Controller):
    path = "/api/reports"
    tags = ["Báo cáo / Reports"]
    guards = [requires(OFFICER, TASKFORCE)]

    @get("/uptake", operation_id="report_uptake", responses=_spec(UptakeReport))
    async def uptake(
        self,
        actor: NamedDependency[Actor],
        report_service: NamedDependency[ReportService],
        area: AreaParam = None,
        on: OnParam = None,
        by: ByParam = None,
        format: FormatParam = "json",
    ) -> Response[Any]:
        """Mức độ phủ thanh toán không tiền mặt theo đơn vị hoặc theo chợ. Cashless uptake by unit or market."""
        report = await report_service.uptake(actor, area, on, by)
        filters = _filters(area=report.area.code if report.area else None, on=report.on, by=report.by)
        return answer(report, format, "uptake", filters)

    @get("/uptake/chart.png", operation_id="report_uptake_chart_png", media_type="image/png", responses=CHART_SPEC)
    async def uptake_png(
        self,
        actor: NamedDependency[Actor],
        report_service: NamedDependency[ReportService],
        area: AreaParam = None,
        on: OnParam = None,
        by: ByParam = None,
    ) -> Response[bytes]:
        """Biểu đồ mức độ phủ so với chỉ tiêu (PNG). Uptake by child unit against target."""
        return chart(charts.uptake_chart(await report_service.uptake(actor, area, on, by), "png"), "png")

    @get("/uptake/chart.svg", operation_id="report_uptake_chart_svg", media_type="image/svg+xml", responses=CHART_SPEC)
    async def uptake_svg(
        self,
        actor: NamedDependency[Actor],
        report_service: NamedDependency[ReportService],
        area: AreaParam = None,
        on: OnParam = None,
        by: ByParam = None,
    ) -> Response[bytes]:
        """Biểu đồ mức độ phủ so với chỉ tiêu (SVG). Uptake by child unit against target."""
        return chart(charts.uptake_chart(await report_service.uptake(actor, area, on, by), "svg"), "svg")

    @get("/ocop", operation_id="report_ocop", responses=_spec(OcopReport))
    async def ocop(
        self,
        actor: NamedDependency[Actor],
        report_service: NamedDependency[ReportService],
        area: AreaParam = None,
        on: OnParam = None,
        format: FormatParam = "json",
    ) -> Response[Any]:
        """Sản phẩm OCOP và thương mại điện tử. OCOP products and e-commerce."""
        report = await report_service.ocop(actor, area, on)
        return answer(report, format, "ocop", _filters(area=report.area.code if report.area else None, on=report.on))

    @get("/ocop/chart.png", operation_id="report_ocop_chart_png", media_type="image/png", responses=CHART_SPEC)
    async def ocop_png(
        self,
        actor: NamedDependency[Actor],
        report_service: NamedDependency[ReportService],
        area: AreaParam = None,
        on: OnParam = None,
    ) -> Response[bytes]:
        """Sản phẩm đang bán theo sàn (PNG). Live products by platform."""
        return chart(charts.platforms_chart(await report_service.ocop(actor, area, on), "png"), "png")

    @get("/ocop/chart.svg", operation_id="report_ocop_chart_svg", media_type="image/svg+xml", responses=CHART_SPEC)
    async def ocop_svg(
        self,
        actor: NamedDependency[Actor],
        report_service: NamedDependency[ReportService],
        area: AreaParam = None,
        on: OnParam = None,
    ) -> Response[bytes]:
        """Sản phẩm đang bán theo sàn (SVG). Live products by platform."""
        return chart(charts.platforms_chart(await report_service.ocop(actor, area, on), "svg"), "svg")

    @get("/teams", operation_id="report_teams", responses=_spec(TeamsReport))
    async def teams(
        self,
        actor: NamedDependency[Actor],
        report_service: NamedDependency[ReportService],
        area: AreaParam = None,
        since: SinceParam = None,
        until: UntilParam = None,
        format: FormatParam = "json",
    ) -> Response[Any]:
        """Hoạt động của các tổ theo tuần. Team activity per week."""
        report = await report_service.teams(actor, area, since, until)
        filters = _filters(area=report.area.code if report.area else None, since=report.since, until=report.until)
        return answer(report, format, "teams", filters)

    @get("/trend", operation_id="report_trend", responses=_spec(TrendReport))
    async def trend(
        self,
        actor: NamedDependency[Actor],
        report_service: NamedDependency[ReportService],
        area: AreaParam = None,
        on: OnParam = None,
        since: SinceParam = None,
        until: UntilParam = None,
        format: FormatParam = "json",
    ) -> Response[Any]:
        """Từng chỉ số theo tháng, tính đến cuối mỗi tháng. Each figure month by month, as of each month end."""
        report = await report_service.trend(actor, area, since, until, on)
        filters = _filters(area=report.area.code if report.area else None, since=report.since, until=report.until)
        return answer(report, format, "trend", filters)

    @get("/trend/chart.png", operation_id="report_trend_chart_png", media_type="image/png", responses=CHART_SPEC)
    async def trend_png(
        self,
        actor: NamedDependency[Actor],
        report_service: NamedDependency[ReportService],
        area: AreaParam = None,
        on: OnParam = None,
        since: SinceParam = None,
        until: UntilParam = None,
    ) -> Response[bytes]:
        """Đường diễn biến theo tháng (PNG). Trend lines."""
        return chart(charts.trend_chart(await report_service.trend(actor, area, since, until, on), "png"), "png")

    @get("/trend/chart.svg", operation_id="report_trend_chart_svg", media_type="image/svg+xml", responses=CHART_SPEC)
    async def trend_svg(
        self,
        actor: NamedDependency[Actor],
        report_service: NamedDependency[ReportService],
        area: AreaParam = None,
        on: OnParam = None,
        since: SinceParam = None,
        until: UntilParam = None,
    ) -> Response[bytes]:
        """Đường diễn biến theo tháng (SVG). Trend lines."""
        return chart(charts.trend_chart(await report_service.trend(actor, area, since, until, on), "svg"), "svg")


class TargetController(Controller):
    path = "/api/targets"
    tags = ["Chỉ tiêu / Targets"]
    guards = [requires(OFFICER, TASKFORCE)]

    @get("/", operation_id="list_targets")
    async def list_targets(
        self,
        actor: NamedDependency[Actor],
        target_service: NamedDependency[TargetService],
        area_service: NamedDependency[AreaService],
        area: AreaParam = None,
    ) -> list[Target]:
        """Chỉ tiêu trong địa bàn. Targets within one's area."""
        area_id = (await area_service.resolve(area)).id if area else None
        return await target_service.present(await target_service.search(actor, area_id))

    @post("/", operation_id="create_target", guards=[requires(OFFICER)])
    async def create_target(
        self,
        data: JSONBody[TargetCreate],
        actor: NamedDependency[Actor],
        target_service: NamedDependency[TargetService],
    ) -> Target:
        """Đặt chỉ tiêu (cán bộ phòng kinh tế). Set a target (officers)."""
        (target,) = await target_service.present([await target_service.add(actor, data)])
        return target

    @get("/{target_id:int}", operation_id="get_target")
    async def get_target(
        self, target_id: PathId, actor: NamedDependency[Actor], target_service: NamedDependency[TargetService]
    ) -> Target:
        (target,) = await target_service.present([await target_service.one(actor, target_id)])
        return target

    @get("/{target_id:int}/progress", operation_id="get_target_progress")
    async def get_progress(
        self, target_id: PathId, actor: NamedDependency[Actor], report_service: NamedDependency[ReportService]
    ) -> TargetProgress:
        """Thực hiện so với chỉ tiêu, khoảng cách, tốc độ. Actual against target, gap and pace."""
        return await report_service.target_progress(actor, target_id)

    @patch("/{target_id:int}", operation_id="update_target", guards=[requires(OFFICER)])
    async def update_target(
        self,
        target_id: PathId,
        data: JSONBody[TargetUpdate],
        actor: NamedDependency[Actor],
        target_service: NamedDependency[TargetService],
    ) -> Target:
        (target,) = await target_service.present([await target_service.edit(actor, target_id, data)])
        return target

    @delete(
        "/{target_id:int}", operation_id="delete_target", guards=[requires(OFFICER)], status_code=HTTP_204_NO_CONTENT
    )
    async def delete_target(
        self, target_id: PathId, actor: NamedDependency[Actor], target_service: NamedDependency[TargetService]
    ) -> None:
        await target_service.remove(actor, target_id)
