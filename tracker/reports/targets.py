"""Targets as data: officers set them within their area; reports track them."""

from __future__ import annotations

from typing import Any

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from tracker.accounts.actor import Actor
from tracker.areas.models import AreaReach, AreaUnit
from tracker.areas.scope import actor_covers, visible_to
from tracker.areas.services import AreaService
from tracker.audit.services import changed, record
from tracker.lib.exceptions import NotFound, PermissionDenied, Problems, StaleWrite
from tracker.lib.i18n import Text
from tracker.lib.schema import UnsetType
from tracker.lib.service import Service
from tracker.reports.models import Target
from tracker.reports.schemas import Target as TargetOut
from tracker.reports.schemas import TargetCreate, TargetUpdate
from vendors.models import Market

FIELDS = ("indicator", "measure", "value", "area_id", "market_id", "deadline", "legal_basis", "note")


def _snapshot(target: Target) -> dict[str, Any]:
    return {f: getattr(target, f) for f in FIELDS}


def _check_value(problems: Problems, measure: str, value: float) -> None:
    if measure == "share" and value > 1:
        problems.add(
            "value",
            Text("Tỷ lệ là số từ 0 đến 1 (0.7 là 70%).", "A share is a number from 0 to 1 (0.7 is 70%)."),
            "share_out_of_range",
        )
    if measure == "count" and value != int(value):
        problems.add("value", Text("Chỉ tiêu số lượng là số nguyên.", "A count target is a whole number."), "not_whole")


class TargetService(Service[Target, "TargetService.Repo"]):
    class Repo(SQLAlchemyAsyncRepository[Target]):
        model_type = Target

    repository_type = Repo

    async def one(self, actor: Actor, target_id: int) -> Target:
        target = await self.session.get(Target, target_id)
        if target is None or not await actor_covers(self.session, actor, target.area_id):
            raise NotFound(Text(f"Không tìm thấy chỉ tiêu {target_id}.", f"Target {target_id} not found."))
        return target

    async def search(self, actor: Actor, area_id: int | None = None) -> list[Target]:
        query = select(Target).where(visible_to(actor, Target.area_id))
        if area_id is not None:
            query = query.where(Target.area_id.in_(select(AreaReach.unit_id).where(AreaReach.ancestor_id == area_id)))
        return list(await self.session.scalars(query.order_by(Target.deadline, Target.id)))

    async def add(self, actor: Actor, data: TargetCreate) -> Target:
        problems = Problems()
        _check_value(problems, data.measure, data.value)
        area_id: int | None = None
        try:
            area_id = (await AreaService(self.session).resolve(data.area_code, field="area_code")).id
        except NotFound:
            problems.add("area_code", Text("Mã địa bàn không tồn tại.", "Unknown area code."), "unknown_area")
        if data.market_id is not None:
            market = await self.session.get(Market, data.market_id)
            if market is None or (area_id is not None and not await actor_covers(self.session, actor, market.area_id)):
                problems.add("market_id", Text("Không có chợ này.", "No such market."), "unknown_market")
            elif area_id is not None:
                area_id = market.area_id
        if data.indicator == "ocop_online" and data.market_id is not None:
            problems.add(
                "market_id",
                Text(
                    "Chỉ tiêu OCOP đặt cho địa bàn, không cho chợ.", "OCOP targets are set for an area, not a market."
                ),
                "not_allowed",
            )
        problems.raise_if_any()
        assert area_id is not None
        if not await actor_covers(self.session, actor, area_id):
            raise PermissionDenied(Text("Địa bàn này nằm ngoài phạm vi của bạn.", "This area is outside your scope."))
        target = Target(
            indicator=data.indicator,
            measure=data.measure,
            value=data.value,
            area_id=area_id,
            market_id=data.market_id,
            deadline=data.deadline,
            legal_basis=data.legal_basis,
            note=data.note,
            created_by_id=actor.user_id,
        )
        self.session.add(target)
        await self.session.flush()
        record(self.session, actor, "create", "target", target.id, area_id=area_id, after=_snapshot(target))
        await self.commit()
        return target

    async def edit(self, actor: Actor, target_id: int, data: TargetUpdate) -> Target:
        target = await self.one(actor, target_id)
        if target.version != data.version:
            raise StaleWrite()
        before = _snapshot(target)
        for field in ("value", "deadline", "legal_basis", "note"):
            value = getattr(data, field)
            if not isinstance(value, UnsetType):
                setattr(target, field, value)
        problems = Problems()
        _check_value(problems, target.measure, target.value)
        problems.raise_if_any()
        old, new = changed(before, _snapshot(target))
        record(self.session, actor, "update", "target", target.id, area_id=target.area_id, before=old, after=new)
        try:
            await self.commit()
        except StaleDataError:
            await self.session.rollback()
            raise StaleWrite() from None
        return target

    async def remove(self, actor: Actor, target_id: int) -> None:
        target = await self.one(actor, target_id)
        record(self.session, actor, "delete", "target", target.id, area_id=target.area_id, before=_snapshot(target))
        await self.session.delete(target)
        await self.commit()

    async def present(self, targets: list[Target]) -> list[TargetOut]:
        ids = {t.area_id for t in targets}
        units = {u.id: u for u in await self.session.scalars(select(AreaUnit).where(AreaUnit.id.in_(ids)))}
        return [
            TargetOut(
                id=t.id,
                indicator=t.indicator,  # type: ignore[arg-type]
                measure=t.measure,  # type: ignore[arg-type]
                value=t.value,
                area_code=units[t.area_id].code,
                area_name=units[t.area_id].name,
                market_id=t.market_id,
                deadline=t.deadline,
                legal_basis=t.legal_basis,
                note=t.note,
                version=t.version,
                created_at=t.created_at,
            )
            for t in targets
        ]
