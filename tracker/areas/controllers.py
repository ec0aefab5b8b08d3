"""HTTP endpoints of administrative units."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from litestar import Controller
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from tracker.accounts.actor import OFFICER, Actor
from tracker.accounts.auth import requires
from tracker.areas.schemas import Area, AreaDetail, VillageCreate
from tracker.areas.services import AreaService
from tracker.lib.pagination import PageParams
from tracker.lib.routes import get, post
from tracker.lib.schema import Page

Level = Literal["province", "district", "commune", "village"]


class AreaController(Controller):
    path = "/api/areas"
    tags = ["Đơn vị hành chính / Administrative units"]

    @get("/", operation_id="list_areas")
    async def list_areas(
        self,
        area_service: NamedDependency[AreaService],
        page: NamedDependency[PageParams],
        parent: Annotated[
            str | None,
            QueryParameter(max_length=20, description="Mã đơn vị cha (bỏ trống: cấp tỉnh) / parent code"),
        ] = None,
        on: Annotated[
            dt.date | None, QueryParameter(description="Hiệu lực vào ngày (mặc định hôm nay) / in force on")
        ] = None,
        level: Annotated[Level | None, QueryParameter()] = None,
        q: Annotated[str | None, QueryParameter(max_length=100, description="Tìm theo tên / search by name")] = None,
    ) -> Page[Area]:
        """Các đơn vị con có hiệu lực vào một ngày. Child units in force on a date."""
        items, total = await area_service.children(parent, on, page, level=level, q=q)
        return Page(items=items, total=total, limit=page.limit, offset=page.offset)

    @get("/{code:str}", operation_id="get_area")
    async def get_area(
        self,
        code: FromPath[str],
        area_service: NamedDependency[AreaService],
        on: Annotated[dt.date | None, QueryParameter()] = None,
    ) -> AreaDetail:
        """Một đơn vị, các cấp trên và đơn vị kế thừa sau sáp nhập. One unit, its parents and successors."""
        return await area_service.detail(code, on)

    @post("/", operation_id="create_village", guards=[requires(OFFICER)])
    async def create_village(
        self,
        data: JSONBody[VillageCreate],
        actor: NamedDependency[Actor],
        area_service: NamedDependency[AreaService],
    ) -> Area:
        """Thêm thôn, khối phố dưới một xã, phường. Add a village under a commune."""
        village = await area_service.add_village(actor, data)
        (area,) = await area_service.present([village])
        return area
