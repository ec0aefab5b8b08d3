"""HTTP endpoints of OCOP producers, products and certifications."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from litestar import Controller, Request
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK

from ocop.reference import (
    CERTIFICATION_STATUSES,
    CURRENT_TREE,
    LEVELS,
    PRODUCER_KINDS,
    TREE_LABELS,
    VALIDITY_MONTHS,
    score_range,
    tree,
)
from ocop.schemas import (
    Certification,
    CertificationCreate,
    Producer,
    ProducerCreate,
    ProducerKind,
    ProducerUpdate,
    Product,
    ProductCreate,
    ProductUpdate,
    Reference,
    ReferenceItem,
    Revocation,
    StarRule,
    TreeNode,
)
from ocop.services import ProducerService, ProductFilters, ProductService
from ocop.services.consent import withdraw_consent
from tracker.accounts.actor import OFFICER, PRODUCER, TASKFORCE, Actor
from tracker.accounts.auth import requires
from tracker.areas.services import AreaService
from tracker.audit.consent import ConsentWithdrawal
from tracker.lib.http_errors import request_lang
from tracker.lib.ids import MAX_ID, PathId
from tracker.lib.pagination import PageParams
from tracker.lib.routes import get, patch, post
from tracker.lib.schema import Page

ProductSort = Literal["id", "-id", "code", "-code", "name", "-name", "created_at", "-created_at"]
AreaCode = Annotated[str | None, QueryParameter(max_length=20, description="Mã địa bàn / area code")]
Search = Annotated[
    str | None, QueryParameter(max_length=100, description="Tìm theo tên, mã, không dấu cũng được / search")
]


class ProducerController(Controller):
    path = "/api/ocop/producers"
    tags = ["OCOP: chủ thể / producers"]
    guards = [requires(OFFICER, TASKFORCE, PRODUCER)]

    @get("/", operation_id="list_ocop_producers")
    async def list_producers(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        producer_service: NamedDependency[ProducerService],
        area_service: NamedDependency[AreaService],
        page: NamedDependency[PageParams],
        q: Search = None,
        area: AreaCode = None,
        kind: Annotated[ProducerKind | None, QueryParameter()] = None,
    ) -> Page[Producer]:
        """Chủ thể OCOP trong địa bàn. OCOP producers within one's area (a producer account: its own)."""
        area_id = (await area_service.resolve(area)).id if area else None
        producers, total = await producer_service.search(actor, page, area_id=area_id, kind=kind, q=q)
        items = await producer_service.present(actor, producers, request_lang(request))
        return Page(items=items, total=total, limit=page.limit, offset=page.offset)

    @post("/", operation_id="register_ocop_producer", guards=[requires(TASKFORCE)])
    async def register_producer(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[ProducerCreate],
        actor: NamedDependency[Actor],
        producer_service: NamedDependency[ProducerService],
    ) -> Producer:
        """Đăng ký chủ thể OCOP. Register an OCOP producer."""
        (out,) = await producer_service.present(actor, [await producer_service.add(actor, data)], request_lang(request))
        return out

    @get("/{producer_id:int}", operation_id="get_ocop_producer")
    async def get_producer(
        self,
        request: Request[Any, Any, Any],
        producer_id: FromPath[int],
        actor: NamedDependency[Actor],
        producer_service: NamedDependency[ProducerService],
    ) -> Producer:
        (out,) = await producer_service.present(
            actor, [await producer_service.one(actor, producer_id)], request_lang(request)
        )
        return out

    @patch("/{producer_id:int}", operation_id="update_ocop_producer", guards=[requires(TASKFORCE)])
    async def update_producer(
        self,
        request: Request[Any, Any, Any],
        producer_id: FromPath[int],
        data: JSONBody[ProducerUpdate],
        actor: NamedDependency[Actor],
        producer_service: NamedDependency[ProducerService],
    ) -> Producer:
        """Sửa thông tin (gửi kèm version). Update (send the version)."""
        (out,) = await producer_service.present(
            actor, [await producer_service.edit(actor, producer_id, data)], request_lang(request)
        )
        return out

    @post(
        "/{producer_id:int}/withdraw-consent",
        operation_id="withdraw_ocop_producer_consent",
        guards=[requires(TASKFORCE)],
        status_code=HTTP_200_OK,
    )
    async def withdraw_consent(
        self,
        request: Request[Any, Any, Any],
        producer_id: PathId,
        data: JSONBody[ConsentWithdrawal],
        actor: NamedDependency[Actor],
        producer_service: NamedDependency[ProducerService],
    ) -> Producer:
        """Chủ thể rút lại sự đồng ý: xóa thông tin cá nhân, giữ sản phẩm và số liệu. Withdraw consent: anonymise."""
        producer = await withdraw_consent(producer_service, actor, producer_id, data.reason)
        (out,) = await producer_service.present(actor, [producer], request_lang(request))
        return out


class ProductController(Controller):
    path = "/api/ocop/products"
    tags = ["OCOP: sản phẩm / products"]
    guards = [requires(OFFICER, TASKFORCE, PRODUCER)]

    @get("/", operation_id="list_ocop_products")
    async def list_products(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        product_service: NamedDependency[ProductService],
        area_service: NamedDependency[AreaService],
        page: NamedDependency[PageParams],
        q: Search = None,
        area: AreaCode = None,
        producer_id: Annotated[int | None, QueryParameter(ge=1, le=MAX_ID)] = None,
        stars: Annotated[int | None, QueryParameter(ge=1, le=5, description="Số sao hiện tại / current stars")] = None,
        group: Annotated[str | None, QueryParameter(max_length=4)] = None,
        subgroup: Annotated[str | None, QueryParameter(max_length=8)] = None,
        expiring_within: Annotated[
            int | None,
            QueryParameter(
                ge=0,
                le=3650,
                description="Chứng nhận hết hạn trong số ngày tới / certificates running out within N days",
            ),
        ] = None,
        certification: Annotated[Literal["active", "expired", "none"] | None, QueryParameter()] = None,
        sort: Annotated[ProductSort, QueryParameter()] = "-id",
        on: Annotated[
            dt.date | None, QueryParameter(description="Mã địa bàn theo đơn vị có hiệu lực ngày này / area as on")
        ] = None,
    ) -> Page[Product]:
        """Sản phẩm OCOP; ``expiring_within=90`` liệt kê chứng nhận sắp hết hạn (sớm nhất trước).

        OCOP products; ``expiring_within=90`` lists certificates that run out soon, soonest first.
        """
        area_id = (await area_service.resolve(area, on)).id if area else None
        filters = ProductFilters(
            producer_id=producer_id,
            area_id=area_id,
            stars=stars,
            group=group,
            subgroup=subgroup,
            expiring_within=expiring_within,
            certification=certification,
            q=q,
            sort=sort,
        )
        products, total = await product_service.search(actor, filters, page)
        items = await product_service.present(products, request_lang(request))
        return Page(items=items, total=total, limit=page.limit, offset=page.offset)

    @post("/", operation_id="register_ocop_product", guards=[requires(TASKFORCE)])
    async def register_product(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[ProductCreate],
        actor: NamedDependency[Actor],
        product_service: NamedDependency[ProductService],
    ) -> Product:
        """Đăng ký sản phẩm OCOP của một chủ thể. Register a producer's OCOP product."""
        (out,) = await product_service.present([await product_service.add(actor, data)], request_lang(request))
        return out

    @get("/{product_id:int}", operation_id="get_ocop_product")
    async def get_product(
        self,
        request: Request[Any, Any, Any],
        product_id: FromPath[int],
        actor: NamedDependency[Actor],
        product_service: NamedDependency[ProductService],
    ) -> Product:
        """Sản phẩm và toàn bộ lịch sử chứng nhận. A product with its whole certification history."""
        (out,) = await product_service.present(
            [await product_service.one(actor, product_id)], request_lang(request), with_history=True
        )
        return out

    @patch("/{product_id:int}", operation_id="update_ocop_product", guards=[requires(TASKFORCE)])
    async def update_product(
        self,
        request: Request[Any, Any, Any],
        product_id: FromPath[int],
        data: JSONBody[ProductUpdate],
        actor: NamedDependency[Actor],
        product_service: NamedDependency[ProductService],
    ) -> Product:
        (out,) = await product_service.present(
            [await product_service.edit(actor, product_id, data)], request_lang(request), with_history=True
        )
        return out

    @get("/{product_id:int}/certifications", operation_id="list_ocop_certifications")
    async def list_certifications(
        self,
        request: Request[Any, Any, Any],
        product_id: FromPath[int],
        actor: NamedDependency[Actor],
        product_service: NamedDependency[ProductService],
    ) -> list[Certification]:
        """Lịch sử chứng nhận, mới nhất trước. Certification history, newest first."""
        return await product_service.certifications(actor, product_id, request_lang(request))

    @post(
        "/{product_id:int}/certifications",
        operation_id="certify_ocop_product",
        guards=[requires(TASKFORCE)],
        status_code=HTTP_200_OK,
    )
    async def certify(
        self,
        request: Request[Any, Any, Any],
        product_id: FromPath[int],
        data: JSONBody[CertificationCreate],
        actor: NamedDependency[Actor],
        product_service: NamedDependency[ProductService],
    ) -> Product:
        """Ghi quyết định công nhận (lần đầu, nâng hạng, công nhận lại).

        Record a recognition decision (first, upgrade or re-recognition); the earlier one is superseded.
        """
        (out,) = await product_service.present(
            [await product_service.certify(actor, product_id, data)], request_lang(request), with_history=True
        )
        return out

    @post(
        "/{product_id:int}/certifications/{certification_id:int}/revoke",
        operation_id="revoke_ocop_certification",
        guards=[requires(TASKFORCE)],
        status_code=HTTP_200_OK,
    )
    async def revoke(
        self,
        request: Request[Any, Any, Any],
        product_id: FromPath[int],
        certification_id: FromPath[int],
        data: JSONBody[Revocation],
        actor: NamedDependency[Actor],
        product_service: NamedDependency[ProductService],
    ) -> Product:
        (out,) = await product_service.present(
            [await product_service.revoke(actor, product_id, certification_id, data)],
            request_lang(request),
            with_history=True,
        )
        return out


class OcopReferenceController(Controller):
    path = "/api/ocop/reference"
    tags = ["OCOP: danh mục / reference"]

    @get("/", operation_id="ocop_reference")
    async def reference(self, request: Request[Any, Any, Any]) -> Reference:
        """Loại chủ thể, bộ sản phẩm OCOP (148/QĐ-TTg), cấp công nhận, số sao theo điểm.

        Producer kinds, the OCOP product tree (148/QĐ-TTg), recognition levels and stars by score.
        """
        lang = request_lang(request)
        current = tree(CURRENT_TREE)
        groups = []
        for group in current.groups.values():
            subgroups = []
            for sub in (s for s in current.subgroups.values() if s.parent == group.code):
                sets = [
                    TreeNode(code=n.code, name=n.name)
                    for n in current.sets.values()
                    if n.parent == sub.code and n.code != sub.code
                ]
                subgroups.append(TreeNode(code=sub.code, name=sub.name, children=sets))
            groups.append(TreeNode(code=group.code, name=current.group_name(group.code, lang), children=subgroups))
        return Reference(
            producer_kinds=[ReferenceItem(key=k, label=v(lang)) for k, v in PRODUCER_KINDS.items()],
            levels=[ReferenceItem(key=k, label=v(lang)) for k, v in LEVELS.items()],
            certification_statuses=[ReferenceItem(key=k, label=v(lang)) for k, v in CERTIFICATION_STATUSES.items()],
            tree_version=current.version,
            tree_label=TREE_LABELS[current.version](lang),
            groups=groups,
            stars=[StarRule(stars=s, min_score=score_range(s)[0], max_score=score_range(s)[1]) for s in range(1, 6)],
            validity_months=VALIDITY_MONTHS,
        )
