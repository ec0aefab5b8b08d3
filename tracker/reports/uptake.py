"""Cashless uptake of an area: per child unit (or per market), with the unassigned rest and the total."""

from __future__ import annotations

from collections import defaultdict
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import ColumnElement, case, func, null, select
from sqlalchemy.ext.asyncio import AsyncSession

from tracker.accounts.actor import Actor
from tracker.areas.models import AreaReach, AreaUnit
from tracker.areas.scope import visible_to, within
from tracker.lib import clock
from tracker.reports.models import UptakeTally
from tracker.reports.schemas import AreaInfo, Breakdown, Drilldown, UptakeFigures, UptakeReport, UptakeRow
from tracker.reports.units import Scope, Unit
from vendors.models import Market, VendorTally

COUNTS = ("markets", "stalls", "vendors", "with_account", "with_poster", "active")


def share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def figures(counts: dict[str, int]) -> UptakeFigures:
    stalls = counts.get("stalls", 0)
    return UptakeFigures(
        markets=counts.get("markets", 0),
        stalls=stalls,
        vendors=counts.get("vendors", 0),
        with_account=counts.get("with_account", 0),
        with_poster=counts.get("with_poster", 0),
        active=counts.get("active", 0),
        vendors_share=share(counts.get("vendors", 0), stalls),
        with_account_share=share(counts.get("with_account", 0), stalls),
        with_poster_share=share(counts.get("with_poster", 0), stalls),
        active_share=share(counts.get("active", 0), stalls),
    )


def list_url(path: str, **params: Any) -> str:
    query = urlencode({k: v for k, v in params.items() if v is not None})
    return f"{path}?{query}" if query else path


def area_conditions(actor: Actor, scope: Scope, column: Any) -> list[ColumnElement[bool]]:
    conditions = [visible_to(actor, column)]
    if scope.area is not None:
        conditions.append(within(column, scope.area.id))
    return conditions


def area_info(unit: Unit | None) -> AreaInfo | None:
    return AreaInfo(code=unit.code, name=unit.name, level=unit.level) if unit else None


def _on_param(scope: Scope) -> str | None:
    return scope.on.isoformat() if scope.on != clock.today() else None


def _figure_fields(counts: dict[str, int]) -> dict[str, Any]:
    computed = figures(counts)
    return {f: getattr(computed, f) for f in UptakeFigures.__struct_fields__}


def _unit_row(unit: Unit, counts: dict[str, int], on: str | None) -> UptakeRow:
    return UptakeRow(
        **_figure_fields(counts),
        kind="unit",
        code=unit.code,
        name=unit.name,
        market_id=None,
        area_code=unit.code,
        drilldown=Drilldown(
            vendors=list_url("/api/vendors", area=unit.code, on=on),
            active=list_url("/api/vendors", area=unit.code, on=on, status="active"),
            markets=list_url("/api/markets", area=unit.code, on=on),
        ),
    )


def _market_row(market: Any, area_code: str | None, counts: dict[str, int]) -> UptakeRow:
    return UptakeRow(
        **_figure_fields(counts),
        kind="market",
        code=market.code,
        name=market.name,
        market_id=market.id,
        area_code=area_code,
        drilldown=Drilldown(
            vendors=list_url("/api/vendors", market_id=market.id),
            active=list_url("/api/vendors", market_id=market.id, status="active"),
            markets=None,
        ),
    )


def _figures_query(actor: Actor, scope: Scope, by: Breakdown) -> Any:
    """Every market of the area with its vendors' counts, its unit's code and the child that covers it.

    One statement over summary tables kept exact by triggers: ``vendor_tallies`` (vendors per area,
    market and status) and ``vendor_uptake_tallies`` (per market, vendors with an account and with a
    poster). A vendor's area is its market's (copied on registration, moved with the market), so counting
    by market and attributing each market to the child covering its unit gives the same numbers as the
    list endpoint's ``area=`` filter on the vendors themselves.
    """
    counts = (
        select(
            VendorTally.market_id,
            func.sum(VendorTally.n).label("vendors"),
            func.sum(case((VendorTally.status == "active", VendorTally.n), else_=0)).label("active"),
        )
        .where(VendorTally.active.is_(True), *area_conditions(actor, scope, VendorTally.area_id))
        .group_by(VendorTally.market_id)
        .subquery()
    )
    child: Any = null()
    if by == "unit" and scope.children:
        child = (
            select(func.min(AreaReach.ancestor_id))
            .where(AreaReach.unit_id == Market.area_id, AreaReach.ancestor_id.in_([c.id for c in scope.children]))
            .scalar_subquery()
        )
    return (
        select(
            Market.id,
            Market.code,
            Market.name,
            Market.stall_count,
            Market.active,
            AreaUnit.code.label("area_code"),
            child.label("child"),
            counts.c.vendors,
            UptakeTally.with_account,
            UptakeTally.with_poster,
            counts.c.active.label("active_vendors"),
        )
        .join(AreaUnit, AreaUnit.id == Market.area_id)
        .outerjoin(counts, counts.c.market_id == Market.id)
        .outerjoin(UptakeTally, UptakeTally.market_id == Market.id)
        .where(*area_conditions(actor, scope, Market.area_id))
    )


def _counts_of(market: Any) -> dict[str, int]:
    return {
        "markets": 1 if market.active else 0,
        "stalls": market.stall_count if market.active else 0,
        "vendors": int(market.vendors or 0),
        "with_account": int(market.with_account or 0),
        "with_poster": int(market.with_poster or 0),
        "active": int(market.active_vendors or 0),
    }


async def uptake(session: AsyncSession, actor: Actor, scope: Scope, by: Breakdown) -> UptakeReport:
    conn = await session.connection()
    markets = sorted(await conn.execute(_figures_query(actor, scope, by)), key=lambda m: m.code)
    total: dict[str, int] = defaultdict(int)
    per_child: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    rows: list[UptakeRow] = []
    for m in markets:
        counts = _counts_of(m)
        for name in COUNTS:
            total[name] += counts[name]
            if m.child is not None:
                per_child[m.child][name] += counts[name]
        if by == "market" and (m.active or counts["vendors"]):
            rows.append(_market_row(m, m.area_code, counts))
    if by == "unit":
        on = _on_param(scope)
        rows = [_unit_row(child, dict(per_child.get(child.id, {})), on) for child in scope.children]
    assigned = {name: sum(getattr(r, name) for r in rows) for name in COUNTS}
    return UptakeReport(
        area=area_info(scope.area),
        on=scope.on,
        by=by,
        rows=rows,
        unassigned=figures({name: total[name] - assigned[name] for name in COUNTS}),
        total=figures(dict(total)),
        targets=[],
    )


__all__ = ["area_conditions", "figures", "share", "uptake"]
