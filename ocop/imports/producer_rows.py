"""Importing OCOP producers (task forces): the API's ``ProducerCreate`` and registration checks, matched by
the producer's code, else its tax code, else commune + name."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select

from ocop.imports.lookups import IN_CHUNK, PRODUCER_KIND_INDEX, REPEATED_ROW, from_choices, text_of
from ocop.models import Producer
from ocop.reference import PRODUCER_KINDS
from ocop.schemas import ProducerCreate
from ocop.scope import visible
from ocop.services.producers import ProducerService, search_text, snapshot
from ocop.services.registration import (
    AREA_OUT_OF_SCOPE,
    ProducerFields,
    check_producer,
    checked_tax_code,
    producer_area,
    tax_code_taken,
)
from tracker.accounts.actor import TASKFORCE
from tracker.accounts.services import TeamService
from tracker.audit.services import changed, record, record_many
from tracker.imports import Column, ImportKind, RowPlan, SourceRow, TemplateContext, convert_struct
from tracker.lib.exceptions import FieldProblem, NotFound, PermissionDenied, Problems, ValidationFailed
from tracker.lib.i18n import Text
from tracker.lib.text import search_key

COLUMNS = (
    Column(
        "code",
        Text("Mã chủ thể", "Producer code"),
        Text("Mã do hệ thống cấp (CT00001). Bỏ trống khi đăng ký mới.", "The tracker's code (CT00001). Blank: new."),
        aliases=("Mã", "Code"),
        width=12,
    ),
    Column(
        "name",
        Text("Tên chủ thể", "Producer name"),
        Text("Tên hợp tác xã, doanh nghiệp, tổ hợp tác hoặc hộ kinh doanh, có dấu.", "The producer's name."),
        required=True,
        aliases=("Chủ thể", "Tên cơ sở", "Tên chủ thể OCOP", "Tên đơn vị", "Name"),
        example="HTX Nông nghiệp Duy Sơn",
        width=32,
    ),
    Column(
        "kind",
        Text("Loại hình", "Kind"),
        Text(
            "Một trong: " + "; ".join(t.vi for t in PRODUCER_KINDS.values()) + ".",
            "One of: " + "; ".join(t.en for t in PRODUCER_KINDS.values()) + ".",
        ),
        required=True,
        aliases=("Loại hình chủ thể", "Loại chủ thể", "Loại"),
        example="Hợp tác xã",
        choices="producer_kinds",
        width=22,
    ),
    Column(
        "representative",
        Text("Người đại diện", "Representative"),
        Text("Họ và tên người đại diện theo pháp luật hoặc chủ hộ.", "The legal representative or household head."),
        required=True,
        aliases=("Đại diện", "Người đại diện pháp luật", "Chủ cơ sở", "Giám đốc"),
        example="Nguyễn Văn Bình",
        width=24,
    ),
    Column(
        "phone",
        Text("Số điện thoại", "Phone"),
        Text("Số di động 10 chữ số (0905123456); +84 được chấp nhận.", "A 10-digit mobile (0905123456)."),
        type="digits",
        required=True,
        aliases=("SĐT", "Điện thoại", "Số ĐT", "Di động"),
        example="0905123456",
        personal=True,
        pad=((9, 10),),
        width=14,
    ),
    Column(
        "tax_code",
        Text("Mã số thuế", "Tax code"),
        Text(
            "10 chữ số, 13 chữ số dạng NNNNNNNNNN-NNN cho chi nhánh, hoặc số định danh cá nhân 12 chữ số của hộ "
            "kinh doanh. Không bắt buộc.",
            "10 digits, NNNNNNNNNN-NNN for a branch, or a household business's 12-digit personal ID. Optional.",
        ),
        type="digits",
        aliases=("MST", "Mã số doanh nghiệp", "Mã số hộ kinh doanh", "Tax code"),
        example="0300588569",
        # A household's tax code is its owner's personal ID.
        personal=True,
        pad=((9, 10), (11, 12)),
        width=18,
    ),
    Column(
        "area_code",
        Text("Mã xã/phường", "Commune code"),
        Text("Mã đơn vị hành chính của xã, phường (5 chữ số) hoặc thôn.", "The commune's code (5 digits)."),
        type="digits",
        required=True,
        aliases=("Mã xã", "Mã phường", "Mã địa bàn", "Địa bàn", "Mã ĐVHC", "Area code", "Area"),
        example="20599",
        pad=((1, 5), (2, 5), (3, 5), (4, 5)),
        width=14,
    ),
    Column(
        "address",
        Text("Địa chỉ", "Address"),
        Text("Số nhà, đường, thôn. Không bắt buộc.", "Street and village. Optional."),
        aliases=("Địa chỉ trụ sở", "Địa chỉ sản xuất"),
        example="Thôn Mỹ Hòa",
        width=30,
    ),
)

_TEMPLATE: dict[str, Any] = {
    "name": "A",
    "kind": "hop_tac_xa",
    "representative": "A",
    "phone": "0905123456",
    "area_code": "1",
}
CHANGED_FIELDS = ("name", "kind", "representative", "phone", "tax_code", "address", "area_id")
ANONYMISED = Text(
    "Chủ thể này đã rút lại sự đồng ý lưu thông tin cá nhân; không nhập lại được.",
    "This producer withdrew consent to keep personal data; it cannot be imported again.",
)
UNKNOWN_CODE = Text("Không có chủ thể mang mã này trong địa bàn của bạn.", "No producer with this code in your area.")


@dataclass
class Checked:
    fields: ProducerFields
    area_id: int
    code: str | None


class ProducerImport(ImportKind):
    name = "producers"
    entity = "ocop_producer"
    title = Text("Chủ thể OCOP", "OCOP producers")
    roles = (TASKFORCE,)
    columns = COLUMNS

    @classmethod
    async def reference_lists(cls, ctx: TemplateContext) -> dict[str, list[str]]:
        return {"producer_kinds": [t.vi for t in PRODUCER_KINDS.values()]}

    async def begin(self) -> None:
        ctx = self.ctx
        ctx.team_id = await TeamService(ctx.session).team_for_registration(ctx.actor, ctx.options.team_id)

    async def _areas(self, codes: set[str]) -> dict[str, int | FieldProblem]:
        found: dict[str, int | FieldProblem] = {}
        for code in codes:
            try:
                found[code] = (await producer_area(self.ctx.session, self.ctx.actor, code)).id
            except (NotFound, ValidationFailed) as exc:
                found[code] = exc.problems[0] if exc.problems else FieldProblem("area_code", exc.message, "not_found")
            except PermissionDenied:
                found[code] = FieldProblem("area_code", AREA_OUT_OF_SCOPE, "out_of_scope")
        return found

    def _check(self, row: SourceRow, areas: dict[str, int | FieldProblem], plan: RowPlan) -> Checked | None:
        payload: dict[str, Any] = {}
        for key in ("name", "representative", "phone", "tax_code", "address", "area_code"):
            value = text_of(row.get(key))
            if value is not None:
                payload[key] = value
        if text_of(row.get("kind")) is not None:
            payload["kind"] = from_choices(PRODUCER_KIND_INDEX, str(row.get("kind")))
        data, struct_problems, _ = convert_struct(ProducerCreate, payload, _TEMPLATE)
        faulty = {p.field for p in plan.problems}
        plan.problems += [p for p in struct_problems if p.field not in faulty]
        if data is None:
            return None
        problems = Problems()
        fields = check_producer(data, problems)
        faulty = {p.field for p in plan.problems}
        plan.problems += [p for p in problems.items if p.field not in faulty]
        area = areas.get(data.area_code) if "area_code" in payload else None
        if isinstance(area, FieldProblem):
            plan.problems.append(area)
            area = None
        if plan.problems or fields is None or area is None:
            return None
        code = text_of(row.get("code"))
        return Checked(fields, area, code.upper() if code else None)

    async def _stored(self, checked: list[Checked]) -> list[Producer]:
        codes = sorted({c.code for c in checked if c.code})
        taxes = sorted({c.fields.tax_code for c in checked if c.fields.tax_code})
        names = sorted({search_key(c.fields.name) for c in checked})
        found: dict[int, Producer] = {}
        for values, column in ((codes, Producer.code), (taxes, Producer.tax_code), (names, Producer.name_search)):
            for start in range(0, len(values), IN_CHUNK):
                rows = await self.ctx.session.scalars(
                    select(Producer).where(or_(column.in_(values[start : start + IN_CHUNK])))
                )
                found.update({p.id: p for p in rows})
        return list(found.values())

    async def plan(self, rows: list[SourceRow]) -> list[RowPlan]:
        ctx = self.ctx
        areas = await self._areas({str(r.get("area_code")) for r in rows if text_of(r.get("area_code"))})
        plans: list[RowPlan] = []
        checked: list[Checked | None] = []
        for row in rows:
            plan = RowPlan(row=row, status="error", problems=list(row.problems))
            plans.append(plan)
            checked.append(self._check(row, areas, plan))
        stored = await self._stored([c for c in checked if c is not None])
        by_code = {p.code: p for p in stored}
        by_tax = {p.tax_code: p for p in stored if p.tax_code}
        by_name = {(p.area_id, p.name_search): p for p in stored}
        visible_ids = set(
            await ctx.session.scalars(
                select(Producer.id).where(
                    Producer.id.in_([p.id for p in stored]), visible(ctx.actor, Producer.id, Producer.area_id)
                )
            )
        )
        seen: dict[tuple[Any, ...], int] = {}
        seen_tax: dict[str, int] = {}
        for plan, item in zip(plans, checked, strict=True):
            if item is None:
                continue
            fields = item.fields
            if item.code is not None:
                target = by_code.get(item.code)
                if target is None or target.id not in visible_ids:
                    plan.problems.append(FieldProblem("code", UNKNOWN_CODE, "not_found"))
                    continue
            else:
                target = by_tax.get(fields.tax_code) if fields.tax_code else None
                target = target or by_name.get((item.area_id, search_key(fields.name)))
            if target is not None and target.id not in visible_ids:
                # Another area's producer holds this tax code (or name): the API's 409, naming it.
                conflict = tax_code_taken(target.id, target.code)
                plan.status = "duplicate"
                plan.problems.append(
                    FieldProblem("tax_code", conflict.message, "duplicate", conflict.problems[0].details)
                )
                continue
            holder = by_tax.get(fields.tax_code) if fields.tax_code else None
            if holder is not None and target is not None and holder.id != target.id:
                conflict = tax_code_taken(holder.id, holder.code)
                plan.status = "duplicate"
                plan.problems.append(
                    FieldProblem("tax_code", conflict.message, "duplicate", conflict.problems[0].details)
                )
                continue
            key: tuple[Any, ...] = (
                ("id", target.id) if target else ("new", fields.tax_code or (item.area_id, search_key(fields.name)))
            )
            earlier = seen.get(key) or (seen_tax.get(fields.tax_code) if fields.tax_code else None)
            if earlier is not None:
                plan.status = "duplicate"
                plan.problems.append(FieldProblem("name", REPEATED_ROW.format(row=earlier), "repeated_row"))
                continue
            seen[key] = plan.row.number
            if fields.tax_code:
                seen_tax[fields.tax_code] = plan.row.number
            ctx.areas.add(item.area_id)
            if target is None:
                plan.status, plan.work = "created", item
                continue
            plan.record_id, plan.record_code = target.id, target.code
            if target.anonymised_at is not None:
                # An old list imported again must not bring back what the producer asked to remove.
                plan.problems.append(FieldProblem("representative", ANONYMISED, "anonymised"))
                continue
            wanted = {
                "name": fields.name,
                "kind": fields.kind,
                "representative": fields.representative,
                "phone": fields.phone,
                "tax_code": fields.tax_code if fields.tax_code is not None else target.tax_code,
                "address": fields.address if fields.address is not None else target.address,
                "area_id": item.area_id,
            }
            if fields.tax_code is None and target.tax_code and fields.kind != target.kind:
                # A new kind may no longer fit the tax code already recorded (a personal ID for an enterprise).
                problems = Problems()
                checked_tax_code(target.tax_code, fields.kind, problems)
                if problems:
                    plan.status = "error"
                    plan.problems += problems.items
                    continue
            values = {k: v for k, v in wanted.items() if getattr(target, k) != v}
            if values:
                plan.status, plan.work = "updated", (target, values)
            else:
                plan.status = "unchanged"
        return plans

    async def apply(self, plans: list[RowPlan]) -> None:
        ctx = self.ctx
        session = ctx.session
        service = ProducerService(session)
        next_number = int((await service.next_code())[2:])
        created: list[tuple[RowPlan, Producer]] = []
        for plan in plans:
            if plan.status != "created":
                continue
            item: Checked = plan.work
            fields = item.fields
            producer = Producer(
                code=f"CT{next_number:05d}",
                name=fields.name,
                name_search=search_key(fields.name),
                search_text="",
                kind=fields.kind,
                representative=fields.representative,
                phone=fields.phone,
                tax_code=fields.tax_code,
                address=fields.address,
                area_id=item.area_id,
                team_id=ctx.team_id,
                product_seq=0,
                import_id=ctx.import_id,
            )
            next_number += 1
            producer.search_text = search_text(producer)
            created.append((plan, producer))
        # One flush inserts them all in a few multi-row statements.
        session.add_all([producer for _, producer in created])
        await session.flush()
        for plan, producer in created:
            plan.record_id, plan.record_code = producer.id, producer.code
        await record_many(
            session,
            ctx.actor,
            "create",
            "ocop_producer",
            [(p.id, p.area_id, None, {**snapshot(p), "import_id": ctx.import_id}) for _, p in created],
            at=ctx.now,
        )
        for plan in plans:
            if plan.status != "updated":
                continue
            target, values = plan.work
            before = snapshot(target)
            for key, value in values.items():
                setattr(target, key, value)
            target.name_search = search_key(target.name)
            target.search_text = search_text(target)
            target.import_id = ctx.import_id
            if "area_id" in values:
                await service.move_products(target)
            await session.flush()
            old, new = changed(before, snapshot(target))
            record(
                session,
                ctx.actor,
                "update",
                "ocop_producer",
                target.id,
                area_id=target.area_id,
                before=old,
                after={**new, "import_id": ctx.import_id},
                at=ctx.now,
            )


__all__ = ["ProducerImport"]
