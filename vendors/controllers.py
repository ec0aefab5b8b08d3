"""HTTP endpoints of markets and vendors."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from litestar import Controller, Request
from litestar.di import NamedDependency
from litestar.params import JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK

from tracker.accounts.actor import OFFICER, TASKFORCE, Actor
from tracker.accounts.auth import requires
from tracker.areas.schemas import AreaRef
from tracker.areas.services import AreaService
from tracker.audit.consent import ConsentWithdrawal
from tracker.lib.http_errors import request_lang
from tracker.lib.ids import MAX_ID, PathId
from tracker.lib.memory_cache import cached_answers
from tracker.lib.pagination import PageParams
from tracker.lib.routes import delete, get, patch, post
from tracker.lib.schema import Page
from vendors.models import Market as MarketModel
from vendors.reference import GOODS_CATEGORIES, MARKET_KINDS, STATUS_TRANSITIONS, VENDOR_STATUSES
from vendors.schemas import (
    Deactivation,
    GoodsCategory,
    Market,
    MarketCreate,
    MarketKind,
    MarketUpdate,
    PaymentAccountInput,
    Reference,
    ReferenceItem,
    StatusChange,
    StatusHistoryItem,
    Vendor,
    VendorCreate,
    VendorStatus,
    VendorUpdate,
)
from vendors.services import MarketService, VendorFilters, VendorService
from vendors.services.consent import withdraw_consent
from vendors.services.registration import Registration
from vendors.services.registration_queue import RegistrationQueue

ActiveFilter = Literal["true", "false", "all"]
ACTIVE: dict[str, bool | None] = {"true": True, "false": False, "all": None}
ON_HELP = "Mã địa bàn hiểu theo đơn vị có hiệu lực ngày này / the area code as in force on this date"
ACTIVE_HELP = "true: đang hoạt động (mặc định), false: đã ngừng, all: tất cả / active, deactivated or all"
VendorSort = Literal[
    "id",
    "-id",
    "code",
    "-code",
    "full_name",
    "-full_name",
    "stall",
    "-stall",
    "created_at",
    "-created_at",
    "status",
    "-status",
    "status_changed_at",
    "-status_changed_at",
]


async def markets_out(area_service: AreaService, markets: list[MarketModel]) -> list[Market]:
    areas = {a.id: a for a in await area_service.present(await area_service.by_ids(m.area_id for m in markets))}
    return [
        Market(
            id=m.id,
            code=m.code,
            name=m.name,
            area_code=areas[m.area_id].code,
            area=AreaRef(
                id=m.area_id,
                code=areas[m.area_id].code,
                name=areas[m.area_id].name,
                level=areas[m.area_id].level,
            ),
            address=m.address,
            kind=m.kind,  # type: ignore[arg-type]
            stall_count=m.stall_count,
            latitude=m.latitude,
            longitude=m.longitude,
            active=m.active,
            version=m.version,
            import_id=m.import_id,
        )
        for m in markets
    ]


class MarketController(Controller):
    path = "/api/markets"
    tags = ["Chợ / Markets"]
    guards = [requires(OFFICER, TASKFORCE)]

    @get("/", operation_id="list_markets")
    async def list_markets(
        self,
        actor: NamedDependency[Actor],
        market_service: NamedDependency[MarketService],
        area_service: NamedDependency[AreaService],
        page: NamedDependency[PageParams],
        area: Annotated[str | None, QueryParameter(max_length=20, description="Mã địa bàn / area code")] = None,
        kind: Annotated[MarketKind | None, QueryParameter()] = None,
        active: Annotated[ActiveFilter, QueryParameter(description=ACTIVE_HELP)] = "true",
        q: Annotated[str | None, QueryParameter(max_length=100)] = None,
        on: Annotated[dt.date | None, QueryParameter(description=ON_HELP)] = None,
    ) -> Page[Market]:
        area_id = (await area_service.resolve(area, on)).id if area else None
        markets, total = await market_service.search(
            actor, page, area_id=area_id, kind=kind, q=q, active=ACTIVE[active]
        )
        return Page(items=await markets_out(area_service, markets), total=total, limit=page.limit, offset=page.offset)

    @post("/", operation_id="create_market", guards=[requires(OFFICER)])
    async def create_market(
        self,
        data: JSONBody[MarketCreate],
        actor: NamedDependency[Actor],
        market_service: NamedDependency[MarketService],
        area_service: NamedDependency[AreaService],
    ) -> Market:
        (market,) = await markets_out(area_service, [await market_service.add(actor, data)])
        return market

    @get("/{market_id:int}", operation_id="get_market")
    async def get_market(
        self,
        market_id: PathId,
        actor: NamedDependency[Actor],
        market_service: NamedDependency[MarketService],
        area_service: NamedDependency[AreaService],
    ) -> Market:
        (market,) = await markets_out(area_service, [await market_service.one(actor, market_id)])
        return market

    @patch("/{market_id:int}", operation_id="update_market", guards=[requires(OFFICER)])
    async def update_market(
        self,
        market_id: PathId,
        data: JSONBody[MarketUpdate],
        actor: NamedDependency[Actor],
        market_service: NamedDependency[MarketService],
        area_service: NamedDependency[AreaService],
    ) -> Market:
        (market,) = await markets_out(area_service, [await market_service.edit(actor, market_id, data)])
        return market


class VendorController(Controller):
    path = "/api/vendors"
    tags = ["Tiểu thương / Vendors"]
    guards = [requires(OFFICER, TASKFORCE)]

    # Task forces page through and search the same lists over and over between registrations.
    @get("/", operation_id="list_vendors", middleware=[cached_answers])
    async def list_vendors(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        vendor_service: NamedDependency[VendorService],
        area_service: NamedDependency[AreaService],
        page: NamedDependency[PageParams],
        q: Annotated[
            str | None,
            QueryParameter(max_length=100, description="Tên, mã hoặc số điện thoại, không dấu cũng được"),
        ] = None,
        market_id: Annotated[int | None, QueryParameter(ge=1, le=MAX_ID)] = None,
        area: Annotated[str | None, QueryParameter(max_length=20, description="Mã địa bàn / area code")] = None,
        status: Annotated[VendorStatus | None, QueryParameter()] = None,
        bank: Annotated[str | None, QueryParameter(max_length=6, description="BIN ngân hàng / bank BIN")] = None,
        goods_category: Annotated[GoodsCategory | None, QueryParameter()] = None,
        team_id: Annotated[int | None, QueryParameter(ge=1, le=MAX_ID)] = None,
        active: Annotated[ActiveFilter, QueryParameter(description=ACTIVE_HELP)] = "true",
        sort: Annotated[VendorSort, QueryParameter()] = "-id",
        on: Annotated[dt.date | None, QueryParameter(description=ON_HELP)] = None,
    ) -> Page[Vendor]:
        """Danh sách, tìm kiếm tiểu thương trong địa bàn. List and search vendors within one's area."""
        area_id = (await area_service.resolve(area, on)).id if area else None
        filters = VendorFilters(
            market_id=market_id,
            area_id=area_id,
            status=status,
            bank_bin=bank,
            goods_category=goods_category,
            team_id=team_id,
            active=ACTIVE[active],
            q=q,
            sort=sort,
        )
        items, total = await vendor_service.search(actor, filters, page, request_lang(request))
        return Page(items=items, total=total, limit=page.limit, offset=page.offset)

    @post("/", operation_id="register_vendor", guards=[requires(TASKFORCE)])
    async def register_vendor(self, request: Request[Actor, Any, Any], data: JSONBody[VendorCreate]) -> Vendor:
        """Đăng ký tiểu thương và tài khoản nhận tiền. Register a vendor and payment accounts."""
        # No dependencies to resolve: Litestar resolves several at once in an anyio task group, a tenth of
        # this path's CPU. The user is the one authentication found, and the registration is written by the
        # process's batch writer, in a session of its own (the request opens none).
        registrations: RegistrationQueue = request.app.state.registrations
        return await registrations.register(Registration(request.user, data, request_lang(request)))

    @get("/reference", operation_id="vendor_reference", guards=[])
    async def reference(self, request: Request[Any, Any, Any]) -> Reference:
        """Các danh mục cố định: loại chợ, nhóm hàng, trạng thái. Fixed lists with their labels."""
        lang = request_lang(request)
        return Reference(
            market_kinds=[ReferenceItem(key=k, label=v(lang)) for k, v in MARKET_KINDS.items()],
            goods_categories=[ReferenceItem(key=k, label=v(lang)) for k, v in GOODS_CATEGORIES.items()],
            vendor_statuses=[ReferenceItem(key=k, label=v(lang)) for k, v in VENDOR_STATUSES.items()],
            status_transitions={k: sorted(v) for k, v in STATUS_TRANSITIONS.items()},
        )

    @get("/{vendor_id:int}", operation_id="get_vendor")
    async def get_vendor(
        self,
        request: Request[Any, Any, Any],
        vendor_id: PathId,
        actor: NamedDependency[Actor],
        vendor_service: NamedDependency[VendorService],
    ) -> Vendor:
        vendor = await vendor_service.one(actor, vendor_id)
        (out,) = await vendor_service.present(actor, [vendor.id], request_lang(request))
        return out

    @patch("/{vendor_id:int}", operation_id="update_vendor", guards=[requires(TASKFORCE)])
    async def update_vendor(
        self,
        request: Request[Any, Any, Any],
        vendor_id: PathId,
        data: JSONBody[VendorUpdate],
        actor: NamedDependency[Actor],
        vendor_service: NamedDependency[VendorService],
    ) -> Vendor:
        """Sửa thông tin (gửi kèm version để tránh ghi đè). Update (send the version to avoid overwrites)."""
        vendor, warnings = await vendor_service.edit(actor, vendor_id, data)
        (out,) = await vendor_service.present(actor, [vendor.id], request_lang(request), warnings)
        return out

    @post(
        "/{vendor_id:int}/status",
        operation_id="change_vendor_status",
        guards=[requires(TASKFORCE)],
        status_code=HTTP_200_OK,
    )
    async def change_status(
        self,
        request: Request[Any, Any, Any],
        vendor_id: PathId,
        data: JSONBody[StatusChange],
        actor: NamedDependency[Actor],
        vendor_service: NamedDependency[VendorService],
    ) -> Vendor:
        vendor = await vendor_service.change_status(actor, vendor_id, data)
        (out,) = await vendor_service.present(actor, [vendor.id], request_lang(request))
        return out

    @get("/{vendor_id:int}/history", operation_id="vendor_status_history")
    async def history(
        self,
        vendor_id: PathId,
        actor: NamedDependency[Actor],
        vendor_service: NamedDependency[VendorService],
    ) -> list[StatusHistoryItem]:
        return await vendor_service.history(actor, vendor_id)

    @post(
        "/{vendor_id:int}/deactivate",
        operation_id="deactivate_vendor",
        guards=[requires(TASKFORCE)],
        status_code=HTTP_200_OK,
    )
    async def deactivate(
        self,
        request: Request[Any, Any, Any],
        vendor_id: PathId,
        data: JSONBody[Deactivation],
        actor: NamedDependency[Actor],
        vendor_service: NamedDependency[VendorService],
    ) -> Vendor:
        vendor = await vendor_service.deactivate(actor, vendor_id, data)
        (out,) = await vendor_service.present(actor, [vendor.id], request_lang(request))
        return out

    @post(
        "/{vendor_id:int}/withdraw-consent",
        operation_id="withdraw_vendor_consent",
        guards=[requires(TASKFORCE)],
        status_code=HTTP_200_OK,
    )
    async def withdraw_consent(
        self,
        request: Request[Any, Any, Any],
        vendor_id: PathId,
        data: JSONBody[ConsentWithdrawal],
        actor: NamedDependency[Actor],
        vendor_service: NamedDependency[VendorService],
    ) -> Vendor:
        """Tiểu thương rút lại sự đồng ý: xóa thông tin cá nhân, giữ số liệu. Withdraw consent: anonymise."""
        vendor = await withdraw_consent(vendor_service, actor, vendor_id, data.reason)
        (out,) = await vendor_service.present(actor, [vendor.id], request_lang(request))
        return out

    @post(
        "/{vendor_id:int}/payment-accounts",
        operation_id="add_payment_account",
        guards=[requires(TASKFORCE)],
        status_code=HTTP_200_OK,
    )
    async def add_account(
        self,
        request: Request[Any, Any, Any],
        vendor_id: PathId,
        data: JSONBody[PaymentAccountInput],
        actor: NamedDependency[Actor],
        vendor_service: NamedDependency[VendorService],
    ) -> Vendor:
        vendor = await vendor_service.add_account(actor, vendor_id, data)
        (out,) = await vendor_service.present(actor, [vendor.id], request_lang(request))
        return out

    @delete(
        "/{vendor_id:int}/payment-accounts/{account_id:int}",
        operation_id="remove_payment_account",
        guards=[requires(TASKFORCE)],
        status_code=HTTP_200_OK,
    )
    async def remove_account(
        self,
        request: Request[Any, Any, Any],
        vendor_id: PathId,
        account_id: PathId,
        actor: NamedDependency[Actor],
        vendor_service: NamedDependency[VendorService],
    ) -> Vendor:
        vendor = await vendor_service.remove_account(actor, vendor_id, account_id)
        (out,) = await vendor_service.present(actor, [vendor.id], request_lang(request))
        return out
