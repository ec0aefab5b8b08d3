"""Importing markets (officers and admins): the API's ``MarketCreate`` checks, matched by code when the row
has one, else by commune + name."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from tracker.accounts.actor import OFFICER
from tracker.areas.models import AreaUnit
from tracker.areas.scope import actor_covers
from tracker.areas.services import AreaService
from tracker.audit.services import changed, record
from tracker.imports import Column, ImportKind, RowPlan, SourceRow, TemplateContext, convert_struct
from tracker.lib.exceptions import FieldProblem, NotFound
from tracker.lib.i18n import Text
from tracker.lib.text import search_key
from vendors.imports.lookups import MARKET_KIND_INDEX, from_choices
from vendors.models import Market, Vendor
from vendors.reference import MARKET_KINDS
from vendors.schemas import MarketCreate
from vendors.services.markets import (
    AREA_OUT_OF_SCOPE,
    BAD_CODE,
    MARKET_AREA_LEVELS,
    WRONG_AREA_LEVEL,
    code_from_name,
    code_taken,
    new_market_values,
    well_formed_code,
)

COLUMNS = (
    Column(
        "name",
        Text("Tên chợ", "Market name"),
        Text("Tên chợ, có dấu.", "The market's name."),
        required=True,
        aliases=("Chợ", "Tên", "Name"),
        example="Chợ Nam Phước",
        width=26,
    ),
    Column(
        "code",
        Text("Mã chợ", "Market code"),
        Text(
            "2–12 chữ cái in hoa hoặc chữ số, in trên mã QR của tiểu thương (NP → NP-001). Bỏ trống: tự đặt.",
            "2–12 capital letters or digits, printed in vendors' codes (NP → NP-001). Blank: made from the name.",
        ),
        aliases=("Mã", "Code"),
        example="NP",
        width=10,
    ),
    Column(
        "area_code",
        Text("Mã xã/phường", "Commune code"),
        Text(
            "Mã đơn vị hành chính của xã, phường (5 chữ số) hoặc thôn, khối phố nơi có chợ.",
            "The administrative code of the commune (5 digits) or village where the market is.",
        ),
        type="digits",
        required=True,
        aliases=("Mã xã", "Mã phường", "Mã địa bàn", "Địa bàn", "Xã/phường", "Mã ĐVHC", "Area code", "Area"),
        example="20599",
        pad=((1, 5), (2, 5), (3, 5), (4, 5)),
        width=14,
    ),
    Column(
        "kind",
        Text("Loại chợ", "Market kind"),
        Text(
            "Một trong: " + ", ".join(t.vi for t in MARKET_KINDS.values()) + ".",
            "One of: " + ", ".join(t.en for t in MARKET_KINDS.values()) + ".",
        ),
        required=True,
        aliases=("Hạng chợ", "Loại", "Kind"),
        example="Chợ hạng 1",
        choices="market_kinds",
        width=16,
    ),
    Column(
        "stall_count",
        Text("Số sạp/quầy", "Stalls"),
        Text("Tổng số điểm kinh doanh của chợ (1–20.000).", "The number of stalls (1–20,000)."),
        type="int",
        required=True,
        aliases=("Số sạp", "Số quầy", "Số điểm kinh doanh", "Số lô", "Stall count"),
        example=420,
        width=12,
    ),
    Column(
        "address",
        Text("Địa chỉ", "Address"),
        Text("Không bắt buộc.", "Optional."),
        example="Đường Hùng Vương, Thị trấn Nam Phước",
        width=36,
    ),
    Column("latitude", Text("Vĩ độ", "Latitude"), Text("Ví dụ 15.8336.", "For example 15.8336."), type="number"),
    Column("longitude", Text("Kinh độ", "Longitude"), Text("Ví dụ 108.2549.", "For example 108.2549."), type="number"),
)

FIELD_COLUMNS = {"area_code": "area_code"}
_TEMPLATE: dict[str, Any] = {"name": "A", "area_code": "1", "kind": "tam", "stall_count": 1}
REPEATED_ROW = Text("Dòng này lặp lại dòng {row} của tệp.", "This row repeats row {row} of the file.")
CHANGED_FIELDS = ("name", "area_id", "kind", "stall_count", "address", "latitude", "longitude")


class MarketImport(ImportKind):
    name = "markets"
    entity = "market"
    title = Text("Chợ", "Markets")
    roles = (OFFICER,)
    columns = COLUMNS

    @classmethod
    async def reference_lists(cls, ctx: TemplateContext) -> dict[str, list[str]]:
        return {"market_kinds": [t.vi for t in MARKET_KINDS.values()]}

    async def plan(self, rows: list[SourceRow]) -> list[RowPlan]:
        ctx = self.ctx
        areas = await self._areas({str(r.get("area_code")) for r in rows if r.get("area_code") is not None})
        existing = list(await ctx.session.scalars(select(Market)))
        by_code = {m.code: m for m in existing}
        by_name = {(m.area_id, m.name_search): m for m in existing}
        taken_codes = set(by_code)
        seen: dict[tuple[Any, ...], int] = {}
        plans = []
        for row in rows:
            plan = RowPlan(row=row, status="error", problems=list(row.problems))
            plans.append(plan)
            payload = {k: row.get(k) for k in ("name", "area_code", "code", "address", "latitude", "longitude")}
            payload = {k: (str(v) if k in ("name", "area_code", "code", "address") else v) for k, v in payload.items()}
            payload["stall_count"] = row.get("stall_count")
            if row.get("kind") is not None:
                payload["kind"] = from_choices(MARKET_KIND_INDEX, str(row.get("kind")))
            payload = {k: v for k, v in payload.items() if v is not None}
            data, problems, _ = convert_struct(MarketCreate, payload, _TEMPLATE)
            faulty = {p.field for p in plan.problems}
            plan.problems += [p for p in problems if p.field not in faulty]
            area = areas.get(str(row.get("area_code"))) if row.get("area_code") is not None else None
            if isinstance(area, FieldProblem):
                plan.problems.append(area)
                area = None
            code = str(row.get("code")).strip().upper() if row.get("code") is not None else None
            if code is not None and not well_formed_code(code):
                plan.problems.append(FieldProblem("code", BAD_CODE, "bad_format"))
            if plan.problems or data is None or area is None:
                continue
            name_search = search_key(data.name)
            target = by_code.get(code) if code else by_name.get((area.id, name_search))
            if target is not None and not await actor_covers(ctx.session, ctx.actor, target.area_id):
                plan.status = "duplicate"
                conflict = code_taken(target.code, target.id)
                plan.problems.append(FieldProblem("code", conflict.message, "duplicate", conflict.problems[0].details))
                continue
            key: tuple[Any, ...] = ("id", target.id) if target else ("new", code or (area.id, name_search))
            if key in seen:
                plan.status = "duplicate"
                plan.problems.append(FieldProblem("name", REPEATED_ROW.format(row=seen[key]), "repeated_row"))
                continue
            seen[key] = row.number
            ctx.areas.add(area.id)
            if target is None:
                if code is None:
                    code = _free_code(code_from_name(data.name), taken_codes)
                taken_codes.add(code)
                plan.status, plan.record_code, plan.work = "created", code, (data, code, area.id)
                continue
            plan.record_id, plan.record_code = target.id, target.code
            wanted = new_market_values(data, code=target.code, area_id=area.id)
            values = {
                k: wanted[k]
                for k in CHANGED_FIELDS
                if (k not in ("address", "latitude", "longitude") or row.get(k) is not None)
                and getattr(target, k) != wanted[k]
            }
            if "name" in values:
                values["name_search"] = wanted["name_search"]
            if values:
                plan.status, plan.work = "updated", (target, values)
            else:
                plan.status = "unchanged"
        return plans

    async def _areas(self, codes: set[str]) -> dict[str, AreaUnit | FieldProblem]:
        ctx = self.ctx
        service = AreaService(ctx.session)
        found: dict[str, AreaUnit | FieldProblem] = {}
        for code in codes:
            try:
                area = await service.resolve(code, field="area_code")
            except NotFound as exc:
                found[code] = exc.problems[0]
                continue
            if area.level not in MARKET_AREA_LEVELS:
                found[code] = FieldProblem("area_code", WRONG_AREA_LEVEL, "wrong_level")
            elif not await actor_covers(ctx.session, ctx.actor, area.id):
                found[code] = FieldProblem("area_code", AREA_OUT_OF_SCOPE, "out_of_scope")
            else:
                found[code] = area
        return found

    async def apply(self, plans: list[RowPlan]) -> None:
        ctx = self.ctx
        session = ctx.session
        for plan in plans:
            if plan.status == "created":
                data, code, area_id = plan.work
                market = Market(**new_market_values(data, code=code, area_id=area_id), import_id=ctx.import_id)
                session.add(market)
                await session.flush()
                plan.record_id = market.id
                after = {**_snapshot(market), "import_id": ctx.import_id}
                record(session, ctx.actor, "create", "market", market.id, area_id=area_id, after=after, at=ctx.now)
            elif plan.status == "updated":
                target, values = plan.work
                before = _snapshot(target)
                for key, value in values.items():
                    setattr(target, key, value)
                target.import_id = ctx.import_id
                if "area_id" in values:
                    await session.execute(
                        update(Vendor).where(Vendor.market_id == target.id).values(area_id=target.area_id)
                    )
                await session.flush()
                old, new = changed(before, _snapshot(target))
                record(
                    session,
                    ctx.actor,
                    "update",
                    "market",
                    target.id,
                    area_id=target.area_id,
                    before=old,
                    after={**new, "import_id": ctx.import_id},
                    at=ctx.now,
                )


def _snapshot(market: Market) -> dict[str, Any]:
    return {k: getattr(market, k) for k in ("code", *CHANGED_FIELDS)}


def _free_code(base: str, taken: set[str]) -> str:
    if base not in taken:
        return base
    n = 2
    while f"{base}{n}" in taken:
        n += 1
    return f"{base}{n}"


__all__ = ["MarketImport"]
