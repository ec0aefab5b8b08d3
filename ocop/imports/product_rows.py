"""Importing OCOP products with their certification (task forces): the API's ``ProductCreate`` and
``CertificationCreate`` checks, products matched by code, else producer + name; certificates by decision
number. A recorded decision is never rewritten: a row that differs from it is reported."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select

from ocop.imports.lookups import (
    IN_CHUNK,
    LEVEL_INDEX,
    LIST_SEPARATOR,
    REPEATED_ROW,
    UNKNOWN_PRODUCER,
    ProducerIndex,
    from_choices,
    text_of,
    tree_code,
    tree_lists,
)
from ocop.models import Certification, Producer, Product
from ocop.reference import CURRENT_TREE, LEVELS, tree
from ocop.schemas import CertificationCreate, ProductCreate
from ocop.scope import visible
from ocop.services.certifications import CertificationService
from ocop.services.producers import ProducerService
from ocop.services.products import classify, product_snapshot
from ocop.services.registration import check_valid_until, clean, decision_recorded, product_name_taken
from tracker.accounts.actor import TASKFORCE
from tracker.accounts.services import TeamService
from tracker.audit.services import changed, record
from tracker.imports import Column, ImportKind, RowPlan, SourceRow, TemplateContext, convert_struct
from tracker.lib.exceptions import FieldProblem, Problems, ValidationFailed
from tracker.lib.i18n import Text
from tracker.lib.pagination import PageParams
from tracker.lib.text import search_key

COLUMNS = (
    Column(
        "producer",
        Text("Chủ thể", "Producer"),
        Text("Mã chủ thể (CT00001), mã số thuế hoặc đúng tên chủ thể.", "The producer's code, tax code or name."),
        required=True,
        aliases=("Mã chủ thể", "Tên chủ thể", "Chủ thể OCOP", "Cơ sở sản xuất", "Producer"),
        example="CT00001 — HTX Nông nghiệp Duy Sơn",
        choices="producers",
        width=30,
    ),
    Column(
        "code",
        Text("Mã sản phẩm", "Product code"),
        Text("Mã do hệ thống cấp (CT00001-01). Bỏ trống khi thêm mới.", "The tracker's code. Blank: new."),
        aliases=("Mã SP", "Code"),
        width=14,
    ),
    Column(
        "name",
        Text("Tên sản phẩm", "Product name"),
        Text("Tên sản phẩm như trên quyết định công nhận.", "The product's name as in the decision."),
        required=True,
        aliases=("Sản phẩm", "Tên SP", "Tên sản phẩm OCOP", "Name"),
        example="Bánh tráng Phú Chiêm",
        width=30,
    ),
    Column(
        "group",
        Text("Nhóm", "Group"),
        Text("Nhóm sản phẩm OCOP (1–6). Không bắt buộc: suy ra từ phân nhóm.", "The OCOP group (1–6). Optional."),
        aliases=("Nhóm sản phẩm", "Nhóm OCOP", "Group"),
        example="1",
        choices="ocop_groups",
        width=22,
    ),
    Column(
        "subgroup",
        Text("Phân nhóm", "Subgroup"),
        Text("Phân nhóm trong bộ sản phẩm OCOP (ví dụ 1.3).", "The subgroup of the OCOP tree (for example 1.3)."),
        required=True,
        aliases=("Phân nhóm sản phẩm", "Subgroup"),
        example="1.3",
        choices="ocop_subgroups",
        width=26,
    ),
    Column(
        "product_set",
        Text("Bộ sản phẩm", "Product set"),
        Text("Bộ sản phẩm được chấm điểm (ví dụ 1.3.b). Không bắt buộc.", "The scored product set. Optional."),
        aliases=("Bộ SP", "Product set"),
        choices="ocop_sets",
        width=22,
    ),
    Column(
        "description",
        Text("Mô tả", "Description"),
        Text("Không bắt buộc.", "Optional."),
        aliases=("Ghi chú sản phẩm", "Description"),
        width=30,
    ),
    Column(
        "stars",
        Text("Số sao", "Stars"),
        Text("Hạng sao của quyết định công nhận, 1–5.", "The stars of the recognition, 1–5."),
        type="int",
        aliases=("Hạng sao", "Sao", "Xếp hạng", "Stars"),
        example=4,
        choices="stars",
        width=8,
    ),
    Column(
        "score",
        Text("Điểm", "Score"),
        Text("Điểm đánh giá 0–100, khớp với số sao. Không bắt buộc.", "The score, 0–100, agreeing with the stars."),
        type="int",
        aliases=("Điểm đánh giá", "Tổng điểm", "Score"),
        example=78,
        width=8,
    ),
    Column(
        "level",
        Text("Cấp công nhận", "Level"),
        Text("Cấp huyện, tỉnh hoặc trung ương. Bỏ trống: theo ngày và số sao.", "District, province or central."),
        aliases=("Cấp", "Cấp quyết định", "Level"),
        choices="levels",
        width=16,
    ),
    Column(
        "decision_no",
        Text("Số quyết định", "Decision number"),
        Text("Ví dụ 2919/QĐ-UBND.", "For example 2919/QĐ-UBND."),
        aliases=("Số QĐ", "Quyết định", "Quyết định công nhận", "Decision"),
        example="2919/QĐ-UBND",
        width=18,
    ),
    Column(
        "decision_date",
        Text("Ngày quyết định", "Decision date"),
        Text("Ngày ký quyết định (ngày/tháng/năm), không ở tương lai.", "The decision's date, not in the future."),
        type="date",
        aliases=("Ngày QĐ", "Ngày công nhận", "Ngày cấp"),
        example=dt.date(2025, 3, 5),
        width=14,
    ),
    Column(
        "valid_until",
        Text("Hiệu lực đến", "Valid until"),
        Text("Không bắt buộc; nếu ghi phải đúng ngày quyết định + 36 tháng.", "Optional; decision date + 36 months."),
        type="date",
        aliases=("Ngày hết hạn", "Có giá trị đến", "Hết hạn"),
        width=14,
    ),
)
CERTIFICATION_COLUMNS = ("stars", "score", "level", "decision_no", "decision_date", "valid_until")
_PRODUCT_TEMPLATE: dict[str, Any] = {"producer_id": 1, "name": "A", "subgroup": "1.1"}
_CERT_TEMPLATE: dict[str, Any] = {"stars": 3, "decision_no": "1/QĐ-UBND", "decision_date": dt.date(2024, 1, 1)}
UNKNOWN_CODE = Text("Không có sản phẩm mang mã này trong địa bàn của bạn.", "No product with this code in your area.")
OTHER_PRODUCER = Text("Sản phẩm mang mã này thuộc chủ thể khác.", "The product with this code has another producer.")


@dataclass
class Checked:
    producer: Producer
    name: str
    group: str
    subgroup: str
    product_set: str | None
    description: str | None
    code: str | None
    certification: CertificationCreate | None
    decision: dict[str, Any] | None  # the certificate's stored values, as the service computes them


class ProductImport(ImportKind):
    name = "products"
    entity = "ocop_product"
    title = Text("Sản phẩm OCOP", "OCOP products")
    roles = (TASKFORCE,)
    columns = COLUMNS

    @classmethod
    async def reference_lists(cls, ctx: TemplateContext) -> dict[str, list[str]]:
        producers, _ = await ProducerService(ctx.session).search(ctx.actor, PageParams(limit=500, offset=0))
        return {
            **tree_lists(),
            "producers": [f"{p.code}{LIST_SEPARATOR}{p.name}" for p in producers],
            "stars": ["1", "2", "3", "4", "5"],
            "levels": [t.vi for t in LEVELS.values()],
        }

    async def begin(self) -> None:
        ctx = self.ctx
        ctx.team_id = await TeamService(ctx.session).team_for_registration(ctx.actor, ctx.options.team_id)

    def _check(self, row: SourceRow, producers: ProducerIndex, plan: RowPlan) -> Checked | None:
        current = tree(CURRENT_TREE)
        producer: Producer | None = None
        if text_of(row.get("producer")) is not None:
            producer = producers.find(str(row.get("producer")))
            if producer is None:
                plan.problems.append(UNKNOWN_PRODUCER)
        payload: dict[str, Any] = {"producer_id": producer.id if producer else 1}
        for key, nodes in (("group", current.groups), ("subgroup", current.subgroups), ("product_set", current.sets)):
            value = text_of(row.get(key))
            if value is not None:
                payload[key] = tree_code(value, nodes)
        for key in ("name", "description"):
            value = text_of(row.get(key))
            if value is not None:
                payload[key] = value
        data, struct_problems, _ = convert_struct(ProductCreate, payload, _PRODUCT_TEMPLATE)
        self._add(plan, struct_problems)
        problems = Problems()
        found = classify(data.group, data.subgroup, data.product_set, problems) if data else None
        self._add(plan, problems.items)
        certification, decision = self._certification(row, plan)
        if plan.problems or data is None or found is None or producer is None:
            return None
        group, subgroup, product_set = found
        code = text_of(row.get("code"))
        return Checked(
            producer=producer,
            name=clean(data.name),
            group=group,
            subgroup=subgroup,
            product_set=product_set,
            description=(data.description or "").strip() or None,
            code=code.upper() if code else None,
            certification=certification,
            decision=decision,
        )

    def _certification(self, row: SourceRow, plan: RowPlan) -> tuple[CertificationCreate | None, dict[str, Any] | None]:
        if all(row.get(k) is None for k in CERTIFICATION_COLUMNS):
            return None, None
        payload: dict[str, Any] = {}
        for key in ("stars", "score", "decision_no", "decision_date"):
            value = row.get(key)
            if value is not None:
                payload[key] = str(value).strip() if key == "decision_no" else value
        if text_of(row.get("level")) is not None:
            payload["level"] = from_choices(LEVEL_INDEX, str(row.get("level")))
        data, struct_problems, refused = convert_struct(CertificationCreate, payload, _CERT_TEMPLATE)
        self._add(plan, struct_problems)
        if data is None or refused:
            return None, None
        try:
            values = CertificationService.validated(data, self.ctx.today)
        except ValidationFailed as exc:
            self._add(plan, exc.problems)
            return None, None
        given = row.get("valid_until")
        if isinstance(given, dt.date):
            problems = Problems()
            check_valid_until(data.decision_date, given, problems)
            self._add(plan, problems.items)
        return data, values

    @staticmethod
    def _add(plan: RowPlan, problems: list[FieldProblem]) -> None:
        faulty = {p.field for p in plan.problems}
        plan.problems += [p for p in problems if p.field not in faulty]

    async def _stored(self, checked: list[Checked]) -> tuple[list[Product], dict[tuple[int, str], Certification]]:
        session = self.ctx.session
        codes = sorted({c.code for c in checked if c.code})
        pairs = sorted({(c.producer.id, search_key(c.name)) for c in checked})
        found: dict[int, Product] = {}
        for start in range(0, max(len(codes), len(pairs)), IN_CHUNK):
            code_chunk = codes[start : start + IN_CHUNK]
            pair_chunk = pairs[start : start + IN_CHUNK]
            rows = await session.scalars(
                select(Product).where(
                    or_(
                        Product.code.in_(code_chunk),
                        Product.producer_id.in_({p for p, _ in pair_chunk})
                        & Product.name_search.in_({n for _, n in pair_chunk}),
                    )
                )
            )
            found.update({p.id: p for p in rows})
        products = list(found.values())
        certifications: dict[tuple[int, str], Certification] = {}
        ids = sorted(found)
        for start in range(0, len(ids), IN_CHUNK):
            for c in await session.scalars(
                select(Certification).where(Certification.product_id.in_(ids[start : start + IN_CHUNK]))
            ):
                certifications[(c.product_id, c.decision_no)] = c
        return products, certifications

    async def plan(self, rows: list[SourceRow]) -> list[RowPlan]:
        ctx = self.ctx
        producers = await ProducerIndex.load(
            ctx.session, ctx.actor, [str(r.get("producer")) for r in rows if text_of(r.get("producer"))]
        )
        plans: list[RowPlan] = []
        checked: list[Checked | None] = []
        for row in rows:
            plan = RowPlan(row=row, status="error", problems=list(row.problems))
            plans.append(plan)
            checked.append(self._check(row, producers, plan))
        products, certifications = await self._stored([c for c in checked if c is not None])
        visible_ids = set(
            await ctx.session.scalars(
                select(Product.id).where(
                    Product.id.in_([p.id for p in products]), visible(ctx.actor, Product.producer_id, Product.area_id)
                )
            )
        )
        by_code = {p.code: p for p in products}
        by_name = {(p.producer_id, p.name_search): p for p in products}
        seen: dict[tuple[Any, ...], int] = {}
        for plan, item in zip(plans, checked, strict=True):
            if item is None:
                continue
            name_search = search_key(item.name)
            target: Product | None
            if item.code is not None:
                target = by_code.get(item.code)
                if target is None or target.id not in visible_ids:
                    plan.problems.append(FieldProblem("code", UNKNOWN_CODE, "not_found"))
                    continue
                if target.producer_id != item.producer.id:
                    plan.problems.append(FieldProblem("producer", OTHER_PRODUCER, "other_producer"))
                    continue
                namesake = by_name.get((item.producer.id, name_search))
                if namesake is not None and namesake.id != target.id:
                    conflict = product_name_taken(namesake.id, namesake.code)
                    plan.status = "duplicate"
                    plan.problems.append(
                        FieldProblem("name", conflict.message, "duplicate", conflict.problems[0].details)
                    )
                    continue
            else:
                target = by_name.get((item.producer.id, name_search))
            key: tuple[Any, ...] = ("id", target.id) if target else ("new", item.producer.id, name_search)
            if key in seen:
                plan.status = "duplicate"
                plan.problems.append(FieldProblem("name", REPEATED_ROW.format(row=seen[key]), "repeated_row"))
                continue
            seen[key] = plan.row.number
            new_certificate = item.certification is not None
            if target is not None and item.decision is not None:
                recorded = certifications.get((target.id, item.decision["decision_no"]))
                if recorded is not None:
                    same = all(
                        getattr(recorded, k) == item.decision[k] for k in ("stars", "level", "decision_date")
                    ) and (item.decision["score"] is None or recorded.score == item.decision["score"])
                    if not same:
                        conflict = decision_recorded(recorded.id, recorded.decision_no)
                        plan.status = "duplicate"
                        plan.problems.append(
                            FieldProblem("decision_no", conflict.message, "duplicate", conflict.problems[0].details)
                        )
                        continue
                    new_certificate = False
            ctx.areas.add(item.producer.area_id)
            if target is None:
                plan.status, plan.work = "created", (item, None, {})
                continue
            plan.record_id, plan.record_code = target.id, target.code
            wanted: dict[str, Any] = {
                "name": item.name,
                "group_code": item.group,
                "subgroup_code": item.subgroup,
            }
            if item.product_set is not None or text_of(plan.row.get("subgroup")) is not None:
                # A subgroup given without a product set drops the old set, as the API's update does.
                wanted["set_code"] = item.product_set if item.product_set is not None else target.set_code
                if target.subgroup_code != item.subgroup and item.product_set is None:
                    wanted["set_code"] = None
            if item.description is not None:
                wanted["description"] = item.description
            values = {k: v for k, v in wanted.items() if getattr(target, k) != v}
            if values or new_certificate:
                plan.status, plan.work = "updated", (item if new_certificate else None, target, values)
            else:
                plan.status = "unchanged"
        return plans

    async def apply(self, plans: list[RowPlan]) -> None:
        ctx = self.ctx
        session = ctx.session
        producers = ProducerService(session)
        certifications = CertificationService(session)
        for plan in plans:
            if plan.status == "created":
                item, _, _ = plan.work
                code = await producers.next_product_code(item.producer)
                name_search = search_key(item.name)
                product = Product(
                    code=code,
                    producer_id=item.producer.id,
                    name=item.name,
                    name_search=name_search,
                    search_text=" ".join((name_search, code.lower(), item.producer.name_search)),
                    tree_version=CURRENT_TREE,
                    group_code=item.group,
                    subgroup_code=item.subgroup,
                    set_code=item.product_set,
                    description=item.description,
                    area_id=item.producer.area_id,
                    created_by_id=ctx.actor.user_id,
                    team_id=ctx.team_id,
                    import_id=ctx.import_id,
                )
                session.add(product)
                await session.flush()
                plan.record_id, plan.record_code = product.id, product.code
                after = {**product_snapshot(product), "import_id": ctx.import_id}
                record(session, ctx.actor, "create", "ocop_product", product.id, area_id=product.area_id, after=after)
                if item.certification is not None:
                    await certifications.add(ctx.actor, product, item.certification, import_id=ctx.import_id)
            elif plan.status == "updated":
                certified, target, values = plan.work
                before = product_snapshot(target)
                for key, value in values.items():
                    setattr(target, key, value)
                if "name" in values:
                    target.name_search = search_key(target.name)
                    producer = await session.get(Producer, target.producer_id)
                    assert producer is not None
                    target.search_text = " ".join((target.name_search, target.code.lower(), producer.name_search))
                if "group_code" in values or "subgroup_code" in values or "set_code" in values:
                    target.tree_version = CURRENT_TREE
                target.import_id = ctx.import_id
                target.updated_at = ctx.now
                if certified is not None and certified.certification is not None:
                    await certifications.add(ctx.actor, target, certified.certification, import_id=ctx.import_id)
                await session.flush()
                old, new = changed(before, product_snapshot(target))
                record(
                    session,
                    ctx.actor,
                    "update",
                    "ocop_product",
                    target.id,
                    area_id=target.area_id,
                    before=old,
                    after={**new, "import_id": ctx.import_id},
                )


__all__ = ["ProductImport"]
