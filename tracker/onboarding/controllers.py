"""HTTP endpoints of platforms, onboarding records, listing checks and the producers' status views."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Controller, Request
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK

from tracker.accounts.actor import OFFICER, PRODUCER, TASKFORCE, Actor
from tracker.accounts.auth import requires
from tracker.accounts.controllers import client_address
from tracker.areas.services import AreaService
from tracker.lib.http_errors import request_lang
from tracker.lib.ids import MAX_ID
from tracker.lib.pagination import PageParams
from tracker.lib.routes import get, patch, post
from tracker.lib.schema import Page
from tracker.onboarding.reference import STAGES, SUBJECT_KINDS, TRANSITIONS, VERDICTS
from tracker.onboarding.schemas import (
    CheckResult,
    ListingCheck,
    Onboarding,
    OnboardingCreate,
    OnboardingUpdate,
    Platform,
    PlatformCreate,
    PlatformUpdate,
    ProducerOverview,
    PublicStatus,
    Reference,
    Stage,
    StageChange,
    StageEvent,
    SubjectKind,
)
from tracker.onboarding.services import (
    CheckService,
    OnboardingFilters,
    OnboardingService,
    PlatformService,
    StatusService,
)
from tracker.onboarding.services.checks import present_check

OnboardingSort = Literal["id", "-id", "stage_changed_at", "-stage_changed_at", "checked_at", "-checked_at"]


class PlatformController(Controller):
    path = "/api/platforms"
    tags = ["Sàn TMĐT / Platforms"]
    guards = [requires(OFFICER, TASKFORCE, PRODUCER)]

    @get("/", operation_id="list_platforms")
    async def list_platforms(
        self,
        platform_service: NamedDependency[PlatformService],
        page: NamedDependency[PageParams],
        kind: Annotated[Literal["marketplace", "portal"] | None, QueryParameter()] = None,
        active: Annotated[bool | None, QueryParameter()] = True,
        q: Annotated[str | None, QueryParameter(max_length=100)] = None,
    ) -> Page[Platform]:
        """Các sàn và cổng TMĐT của tỉnh. Marketplaces and provincial portals."""
        platforms, total = await platform_service.search(page, kind=kind, active=active, q=q)
        return Page(items=await platform_service.present(platforms), total=total, limit=page.limit, offset=page.offset)

    @post("/", operation_id="add_portal", guards=[requires(OFFICER)])
    async def add_portal(
        self,
        data: JSONBody[PlatformCreate],
        actor: NamedDependency[Actor],
        platform_service: NamedDependency[PlatformService],
    ) -> Platform:
        """Thêm sàn TMĐT của tỉnh (tên miền, dạng địa chỉ sản phẩm). Add a provincial portal."""
        (out,) = await platform_service.present([await platform_service.add(actor, data)])
        return out

    @get("/{platform_id:int}", operation_id="get_platform")
    async def get_platform(
        self, platform_id: FromPath[int], platform_service: NamedDependency[PlatformService]
    ) -> Platform:
        (out,) = await platform_service.present([await platform_service.one(platform_id)])
        return out

    @patch("/{platform_id:int}", operation_id="update_platform", guards=[requires(OFFICER)])
    async def update_platform(
        self,
        platform_id: FromPath[int],
        data: JSONBody[PlatformUpdate],
        actor: NamedDependency[Actor],
        platform_service: NamedDependency[PlatformService],
    ) -> Platform:
        (out,) = await platform_service.present([await platform_service.edit(actor, platform_id, data)])
        return out


class OnboardingController(Controller):
    path = "/api/onboardings"
    tags = ["Lên sàn TMĐT / Onboardings"]
    guards = [requires(OFFICER, TASKFORCE, PRODUCER)]

    @get("/", operation_id="list_onboardings")
    async def list_onboardings(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        onboarding_service: NamedDependency[OnboardingService],
        area_service: NamedDependency[AreaService],
        page: NamedDependency[PageParams],
        q: Annotated[
            str | None, QueryParameter(max_length=100, description="Tên, mã sản phẩm/chủ thể, không dấu cũng được")
        ] = None,
        platform: Annotated[str | None, QueryParameter(max_length=40, description="Mã sàn / platform key")] = None,
        stage: Annotated[Stage | None, QueryParameter()] = None,
        area: Annotated[str | None, QueryParameter(max_length=20, description="Mã địa bàn / area code")] = None,
        producer_id: Annotated[int | None, QueryParameter(ge=1, le=MAX_ID)] = None,
        product_id: Annotated[int | None, QueryParameter(ge=1, le=MAX_ID)] = None,
        vendor_id: Annotated[int | None, QueryParameter(ge=1, le=MAX_ID)] = None,
        subject_kind: Annotated[SubjectKind | None, QueryParameter()] = None,
        stars: Annotated[int | None, QueryParameter(ge=1, le=5)] = None,
        broken: Annotated[bool | None, QueryParameter(description="Chỉ liên kết hỏng / broken listings only")] = None,
        sort: Annotated[OnboardingSort, QueryParameter()] = "-id",
    ) -> Page[Onboarding]:
        """Hồ sơ lên sàn trong địa bàn (tài khoản chủ thể: của mình). Onboarding records within one's area."""
        area_id = (await area_service.resolve(area)).id if area else None
        filters = OnboardingFilters(
            platform=platform,
            stage=stage,
            area_id=area_id,
            producer_id=producer_id,
            product_id=product_id,
            vendor_id=vendor_id,
            subject_kind=subject_kind,
            stars=stars,
            broken=broken,
            q=q,
            sort=sort,
        )
        records, total = await onboarding_service.search(actor, filters, page)
        items = await onboarding_service.present(records, request_lang(request))
        return Page(items=items, total=total, limit=page.limit, offset=page.offset)

    @post("/", operation_id="create_onboarding", guards=[requires(TASKFORCE)])
    async def create_onboarding(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[OnboardingCreate],
        actor: NamedDependency[Actor],
        onboarding_service: NamedDependency[OnboardingService],
    ) -> Onboarding:
        """Mở hồ sơ đưa một sản phẩm (gian hàng, tiểu thương) lên một sàn. Open a record for one platform."""
        (out,) = await onboarding_service.present([await onboarding_service.add(actor, data)], request_lang(request))
        return out

    @get("/reference", operation_id="onboarding_reference")
    async def reference(self, request: Request[Any, Any, Any]) -> Reference:
        """Các bước, chuyển bước được phép, kết quả kiểm tra. Stages, allowed changes, check verdicts."""
        lang = request_lang(request)
        return Reference(
            subject_kinds={k: v(lang) for k, v in SUBJECT_KINDS.items()},
            stages={k: v(lang) for k, v in STAGES.items()},
            transitions={k: [s for s in STAGES if s in v] for k, v in TRANSITIONS.items()},
            verdicts={k: v(lang) for k, v in VERDICTS.items()},
        )

    @get("/overview", operation_id="producer_overview")
    async def overview(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        status_service: NamedDependency[StatusService],
        producer_id: Annotated[
            int | None,
            QueryParameter(ge=1, le=MAX_ID, description="Bỏ trống với tài khoản chủ thể / omit for a producer"),
        ] = None,
    ) -> ProducerOverview:
        """Sản phẩm của một chủ thể: chứng nhận, từng sàn, lần kiểm tra cuối, việc cần làm tiếp.

        A producer's products: certificates and, per platform, the stage, last check and what to do next.
        """
        return await status_service.overview(actor, producer_id, request_lang(request))

    @get("/{onboarding_id:int}", operation_id="get_onboarding")
    async def get_onboarding(
        self,
        request: Request[Any, Any, Any],
        onboarding_id: FromPath[int],
        actor: NamedDependency[Actor],
        onboarding_service: NamedDependency[OnboardingService],
    ) -> Onboarding:
        (out,) = await onboarding_service.present(
            [await onboarding_service.one(actor, onboarding_id)], request_lang(request)
        )
        return out

    @patch("/{onboarding_id:int}", operation_id="update_onboarding", guards=[requires(TASKFORCE)])
    async def update_onboarding(
        self,
        request: Request[Any, Any, Any],
        onboarding_id: FromPath[int],
        data: JSONBody[OnboardingUpdate],
        actor: NamedDependency[Actor],
        onboarding_service: NamedDependency[OnboardingService],
    ) -> Onboarding:
        """Sửa địa chỉ gian hàng, sản phẩm, ghi chú (gửi kèm version). Change addresses or the note."""
        (out,) = await onboarding_service.present(
            [await onboarding_service.edit(actor, onboarding_id, data)], request_lang(request)
        )
        return out

    @post(
        "/{onboarding_id:int}/stage",
        operation_id="change_onboarding_stage",
        guards=[requires(TASKFORCE)],
        status_code=HTTP_200_OK,
    )
    async def change_stage(
        self,
        request: Request[Any, Any, Any],
        onboarding_id: FromPath[int],
        data: JSONBody[StageChange],
        actor: NamedDependency[Actor],
        onboarding_service: NamedDependency[OnboardingService],
    ) -> Onboarding:
        """Chuyển bước, kèm minh chứng (và lý do khi bị từ chối). Move to a stage, with evidence."""
        (out,) = await onboarding_service.present(
            [await onboarding_service.change_stage(actor, onboarding_id, data)], request_lang(request)
        )
        return out

    @get("/{onboarding_id:int}/history", operation_id="onboarding_history")
    async def history(
        self,
        request: Request[Any, Any, Any],
        onboarding_id: FromPath[int],
        actor: NamedDependency[Actor],
        onboarding_service: NamedDependency[OnboardingService],
    ) -> list[StageEvent]:
        """Toàn bộ các bước đã qua. The whole path, oldest first."""
        return await onboarding_service.history(actor, onboarding_id, request_lang(request))

    @post(
        "/{onboarding_id:int}/check",
        operation_id="check_listing",
        guards=[requires(OFFICER, TASKFORCE)],
        status_code=HTTP_200_OK,
    )
    async def check(
        self,
        request: Request[Any, Any, Any],
        onboarding_id: FromPath[int],
        actor: NamedDependency[Actor],
        check_service: NamedDependency[CheckService],
        onboarding_service: NamedDependency[OnboardingService],
    ) -> CheckResult:
        """Mở địa chỉ sản phẩm ngay bây giờ và ghi kết quả. Fetch the listing now and keep the result."""
        lang = request_lang(request)
        onboarding, check = await check_service.check_one(actor, onboarding_id)
        (out,) = await onboarding_service.present([onboarding], lang)
        return CheckResult(check=present_check(check, lang), onboarding=out)

    @get("/{onboarding_id:int}/checks", operation_id="listing_check_history")
    async def checks(
        self,
        request: Request[Any, Any, Any],
        onboarding_id: FromPath[int],
        actor: NamedDependency[Actor],
        check_service: NamedDependency[CheckService],
        page: NamedDependency[PageParams],
    ) -> Page[ListingCheck]:
        """Các lần kiểm tra, mới nhất trước. The checks, newest first."""
        lang = request_lang(request)
        rows, total = await check_service.history(actor, onboarding_id, page)
        return Page(items=[present_check(c, lang) for c in rows], total=total, limit=page.limit, offset=page.offset)


class PublicProductStatusController(Controller):
    path = "/api/public/products"
    tags = ["Tra cứu công khai / Public lookup"]

    @get("/{code:str}/status", operation_id="public_product_status", exclude_from_auth=True, cache=False)
    async def status(
        self,
        request: Request[Any, Any, Any],
        code: FromPath[str],
        public_status_service: NamedDependency[StatusService],
        phone_last4: Annotated[
            str, QueryParameter(pattern=r"^\d{4}$", description="4 số cuối điện thoại của chủ thể / last 4 digits")
        ],
    ) -> PublicStatus:
        """Tra cứu tình trạng lên sàn của một sản phẩm OCOP bằng mã sản phẩm và 4 số cuối điện thoại.

        A product's stars and each platform's stage, for whoever holds its code and the producer's last
        four phone digits. A wrong pair answers as an unknown code does; lookups are rate limited.
        """
        return await public_status_service.public(code, phone_last4, client_address(request), request_lang(request))
