"""Markets: the officer-managed list whose stall counts are the denominator of every uptake figure."""

from __future__ import annotations

import re
from typing import NamedTuple

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm.exc import StaleDataError

from tracker.accounts.actor import Actor
from tracker.areas.models import AreaUnit
from tracker.areas.scope import actor_covers, covers_expression, visible_to, within
from tracker.areas.services import AreaService
from tracker.audit.services import changed, record
from tracker.lib.exceptions import (
    Conflict,
    FieldProblem,
    NotFound,
    PermissionDenied,
    Problems,
    StaleWrite,
    ValidationFailed,
)
from tracker.lib.i18n import Text
from tracker.lib.pagination import PageParams
from tracker.lib.schema import UnsetType
from tracker.lib.service import Service
from tracker.lib.text import like_escape, search_key
from vendors.models import Market
from vendors.schemas import MarketCreate, MarketUpdate

_CODE = re.compile(r"^[A-Z0-9]{2,12}$")
MARKET_AREA_LEVELS = ("commune", "village")
UNKNOWN_MARKET = Text("Chợ không tồn tại hoặc ngoài địa bàn.", "No such market in your area.")
MARKET_CLOSED = Text("Chợ này đã ngừng hoạt động.", "This market is closed.")
WRONG_AREA_LEVEL = Text(
    "Chợ phải thuộc một xã, phường (hoặc thôn, khối phố).",
    "A market belongs to a commune (or a village).",
)
# Built once: every registration takes a number.
_TAKE_VENDOR_NUMBERS = (
    update(Market)
    .where(Market.id == bindparam("market_id"))
    .values(vendor_seq=Market.vendor_seq + bindparam("count"))
    # The area's code comes along: a registration's answer names it, and this saves it a round trip.
    .returning(Market.vendor_seq, select(AreaUnit.code).where(AreaUnit.id == Market.area_id).scalar_subquery())
    .execution_options(synchronize_session=False)
)


class VendorCodes(NamedTuple):
    """Vendor codes just taken in a market, and the code of the market's area."""

    codes: list[str]
    area_code: str


AREA_OUT_OF_SCOPE = Text("Địa bàn này nằm ngoài địa bàn của bạn.", "This area is outside yours.")
BAD_CODE = Text(
    "Mã chợ gồm 2–12 chữ cái in hoa hoặc chữ số.",
    "A market code has 2–12 capital letters or digits.",
)


def _snapshot(market: Market) -> dict[str, object]:
    return {
        "code": market.code,
        "name": market.name,
        "area_id": market.area_id,
        "address": market.address,
        "kind": market.kind,
        "stall_count": market.stall_count,
        "latitude": market.latitude,
        "longitude": market.longitude,
        "active": market.active,
    }


def code_taken(code: str, existing_id: int) -> Conflict:
    return Conflict(
        Text(f"Mã chợ {code} đã được dùng.", f"The market code {code} is taken."),
        [
            FieldProblem(
                "code",
                Text("Mã đã được dùng.", "Already taken."),
                "duplicate",
                {"existing": {"id": existing_id, "code": code}},
            )
        ],
    )


def well_formed_code(code: str) -> bool:
    return _CODE.match(code) is not None


def new_market_values(data: MarketCreate, *, code: str, area_id: int) -> dict[str, object]:
    """The column values of a market created from ``data`` (the API's and the import's)."""
    name = " ".join(data.name.split())
    return {
        "code": code,
        "name": name,
        "name_search": search_key(name),
        "area_id": area_id,
        "address": data.address,
        "kind": data.kind,
        "stall_count": data.stall_count,
        "latitude": data.latitude,
        "longitude": data.longitude,
        "active": True,
        "vendor_seq": 0,
    }


def code_from_name(name: str) -> str:
    """Initials of the name without the word "Chợ": "Chợ Nam Phước" → "NP"."""
    words = [w for w in search_key(name).replace("-", " ").split() if w.isalnum()]
    if words and words[0] == "cho":
        words = words[1:]
    initials = "".join(w[0] for w in words).upper()
    if len(initials) < 2:
        initials = "".join(words).upper()[:3] or "CHO"
    return initials[:8]


class MarketService(Service[Market, "MarketService.Repo"]):
    class Repo(SQLAlchemyAsyncRepository[Market]):
        model_type = Market

    repository_type = Repo

    async def one(self, actor: Actor, market_id: int) -> Market:
        market = await self.session.get(Market, market_id)
        if market is None or not await actor_covers(self.session, actor, market.area_id):
            raise NotFound(
                Text(f"Không tìm thấy chợ {market_id}.", f"Market {market_id} not found."),
                [FieldProblem("market_id", UNKNOWN_MARKET, "unknown_market")],
            )
        return market

    async def for_write(self, actor: Actor, market_id: int, field: str = "market_id") -> Market:
        """A market the actor may write into: unknown → 400 naming the field; outside its area → 403."""
        # One round trip: the market and whether the actor's area covers it.
        row = (
            await self.session.execute(
                select(Market, covers_expression(actor, Market.area_id)).where(Market.id == market_id)
            )
        ).first()
        if row is None:
            raise ValidationFailed(
                [FieldProblem(field, Text(f"Không có chợ {market_id}.", f"No market {market_id}."), "unknown_market")]
            )
        market: Market = row[0]
        if not row[1]:
            raise PermissionDenied(Text("Chợ này nằm ngoài địa bàn của bạn.", "This market is outside your area."))
        return market

    async def search(
        self,
        actor: Actor,
        page: PageParams,
        *,
        area_id: int | None = None,
        kind: str | None = None,
        q: str | None = None,
        active: bool | None = True,
    ) -> tuple[list[Market], int]:
        query = select(Market).where(visible_to(actor, Market.area_id))
        if area_id is not None:
            query = query.where(within(Market.area_id, area_id))
        if kind:
            query = query.where(Market.kind == kind)
        if active is not None:
            query = query.where(Market.active.is_(active))
        if q:
            term = like_escape(search_key(q))
            query = query.where(
                Market.name_search.like(f"%{term}%", escape="\\") | Market.code.like(f"%{term.upper()}%", escape="\\")
            )
        total = await self.session.scalar(select(func.count()).select_from(query.subquery()))
        rows = await self.session.scalars(
            query.order_by(Market.name_search, Market.id).limit(page.limit).offset(page.offset)
        )
        return list(rows), int(total or 0)

    async def _area_for_market(self, actor: Actor, code: str, problems: Problems) -> int | None:
        try:
            area = await AreaService(self.session).resolve(code, field="area_code")
        except NotFound as exc:
            problems.extend(exc.problems)
            return None
        if area.level not in MARKET_AREA_LEVELS:
            problems.add("area_code", WRONG_AREA_LEVEL, "wrong_level")
            return None
        if not await actor_covers(self.session, actor, area.id):
            raise PermissionDenied(AREA_OUT_OF_SCOPE)
        return area.id

    async def _unique_code(self, wanted: str | None, name: str, problems: Problems) -> str:
        if wanted is not None:
            code = wanted.strip().upper()
            if not well_formed_code(code):
                problems.add("code", BAD_CODE, "bad_format")
                return code
            existing = await self.session.scalar(select(Market.id).where(Market.code == code))
            if existing is not None:
                raise code_taken(code, existing)
            return code
        base = code_from_name(name)
        taken = set(await self.session.scalars(select(Market.code).where(Market.code.like(f"{base}%"))))
        if base not in taken:
            return base
        n = 2
        while f"{base}{n}" in taken:
            n += 1
        return f"{base}{n}"

    async def add(self, actor: Actor, data: MarketCreate) -> Market:
        problems = Problems()
        name = " ".join(data.name.split())
        area_id = await self._area_for_market(actor, data.area_code, problems)
        code = await self._unique_code(data.code, name, problems)
        problems.raise_if_any()
        assert area_id is not None
        market = Market(**new_market_values(data, code=code, area_id=area_id))
        self.session.add(market)
        await self.session.flush()
        record(self.session, actor, "create", "market", market.id, area_id=area_id, after=_snapshot(market))
        await self.commit()
        return market

    async def edit(self, actor: Actor, market_id: int, data: MarketUpdate) -> Market:
        market = await self.one(actor, market_id)
        if market.version != data.version:
            raise StaleWrite()
        before = _snapshot(market)
        problems = Problems()
        if not isinstance(data.name, UnsetType):
            market.name = " ".join(data.name.split())
            market.name_search = search_key(market.name)
        if not isinstance(data.area_code, UnsetType):
            area_id = await self._area_for_market(actor, data.area_code, problems)
            if area_id is not None:
                market.area_id = area_id
        for field in ("kind", "stall_count", "address", "latitude", "longitude", "active"):
            value = getattr(data, field)
            if not isinstance(value, UnsetType):
                setattr(market, field, value)
        problems.raise_if_any()
        if market.area_id != before["area_id"]:
            from sqlalchemy import update

            from vendors.models import Vendor

            await self.session.execute(
                update(Vendor).where(Vendor.market_id == market.id).values(area_id=market.area_id)
            )
        old, new = changed(before, _snapshot(market))
        record(self.session, actor, "update", "market", market.id, area_id=market.area_id, before=old, after=new)
        try:
            await self.commit()
        except StaleDataError:
            await self.session.rollback()
            raise StaleWrite() from None
        return market

    async def next_vendor_code(self, market: Market) -> str:
        """Takes the market's next vendor number atomically (a row lock on PostgreSQL, the write lock on SQLite)."""
        (code,) = (await self.take_vendor_codes(market, 1)).codes
        return code

    async def take_vendor_codes(self, market: Market, count: int) -> VendorCodes:
        """Takes the market's next ``count`` (at least 1) vendor numbers in one UPDATE (atomic as
        ``next_vendor_code``)."""
        seq, area_code = (
            await self.session.execute(_TAKE_VENDOR_NUMBERS, {"market_id": market.id, "count": count})
        ).one()
        last = int(seq or 0)
        return VendorCodes([f"{market.code}-{n:03d}" for n in range(last - count + 1, last + 1)], area_code)


__all__ = ["MarketService", "ValidationFailed", "VendorCodes"]
