"""Cashless uptake of an area: per child unit (or per market), with the unassigned rest and the total."""

from __future__ import annotations

from collections import defaultdict
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import ColumnElement, true
from sqlalchemy.ext.asyncio import AsyncSession

from tracker.accounts.actor import Actor
from tracker.areas.scope import visible_to, within
from tracker.lib import clock
from tracker.reports.figures import market_rows, vendor_counts
from tracker.reports.schemas import AreaInfo, Breakdown, Drilldown, UptakeFigures, UptakeReport, UptakeRow
from tracker.reports.units import Scope, Unit, child_of_units
from vendors.models import Market, Vendor

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


def _unit_row(unit: Unit, counts: dict[str, int], on: str | None) -> UptakeRow:
    return UptakeRow(
        **{f: getattr(figures(counts), f) for f in UptakeFigures.__struct_fields__},
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
        **{f: getattr(figures(counts), f) for f in UptakeFigures.__struct_fields__},
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


async def uptake(session: AsyncSession, actor: Actor, scope: Scope, by: Breakdown) -> UptakeReport:
    conn = await session.connection()
    markets = list(await conn.execute(market_rows(area_conditions(actor, scope, Market.area_id))))
    grouped = await conn.execute(
        vendor_counts(area_conditions(actor, scope, Vendor.area_id), [Vendor.area_id, Vendor.market_id])
    )
    per_market: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    per_unit: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for m in markets:
        if m.active:
            for counts in (per_market[m.id], per_unit[m.area_id]):
                counts["markets"] += 1
                counts["stalls"] += m.stall_count
    for row in grouped:
        for counts in (per_market[row.market_id], per_unit[row.area_id]):
            for name in ("vendors", "with_account", "with_poster", "active"):
                counts[name] += int(getattr(row, name))
    total: dict[str, int] = defaultdict(int)
    for counts in per_unit.values():
        for name in COUNTS:
            total[name] += counts[name]

    rows: list[UptakeRow] = []
    assigned: dict[str, int] = defaultdict(int)
    on = _on_param(scope)
    if by == "unit":
        child_of = await child_of_units(session, scope.children, per_unit)
        per_child: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for unit_id, counts in per_unit.items():
            if unit_id in child_of:
                for name in COUNTS:
                    per_child[child_of[unit_id]][name] += counts[name]
        for child in scope.children:
            counts = per_child.get(child.id, {})
            rows.append(_unit_row(child, dict(counts), on))
            for name in COUNTS:
                assigned[name] += counts.get(name, 0)
    else:
        codes = await _unit_codes(session, {m.area_id for m in markets})
        for m in sorted(markets, key=lambda m: m.code):
            counts = per_market.get(m.id, {})
            if not m.active and not counts.get("vendors"):
                continue
            rows.append(_market_row(m, codes.get(m.area_id), dict(counts)))
            for name in COUNTS:
                assigned[name] += counts.get(name, 0)
    unassigned = {name: total[name] - assigned[name] for name in COUNTS}
    return UptakeReport(
        area=area_info(scope.area),
        on=scope.on,
        by=by,
        rows=rows,
        unassigned=figures(unassigned),
        total=figures(dict(total)),
        targets=[],
    )


async def _unit_codes(session: AsyncSession, unit_ids: set[int]) -> dict[int, str]:
    from sqlalchemy import select

    from tracker.areas.models import AreaUnit

    if not unit_ids:
        return {}
    rows = await session.execute(select(AreaUnit.id, AreaUnit.code).where(AreaUnit.id.in_(unit_ids)))
    return {r.id: r.code for r in rows}


__all__ = ["area_conditions", "figures", "share", "true", "uptake"]
