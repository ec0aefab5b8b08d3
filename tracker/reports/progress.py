"""A target's actual value now, its pace over the last months and whether it will be met in time."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ocop.models import Product
from tracker.areas.models import AreaUnit
from tracker.areas.scope import within
from tracker.lib import clock
from tracker.reports.figures import market_counts, vendor_counts
from tracker.reports.models import Target
from tracker.reports.ocop import product_counts
from tracker.reports.schemas import TargetProgress
from vendors.models import Market, Vendor

# The pace is the average monthly change over this many months.
PACE_MONTHS = 3
DAYS_PER_MONTH = 30.44

LABELS = {
    "vendors": "Tiểu thương đã đăng ký",
    "with_account": "Tiểu thương có tài khoản thanh toán",
    "with_poster": "Tiểu thương đã được cấp áp phích QR",
    "active": "Tiểu thương đang nhận chuyển khoản",
    "ocop_online": "Sản phẩm OCOP được chứng nhận đang bán trực tuyến",
}


async def measure(session: AsyncSession, target: Target, as_of: dt.datetime | None = None) -> float:
    """The target's indicator in its area (or market), as a count or a share, now or at ``as_of``."""
    conn = await session.connection()
    if target.indicator == "ocop_online":
        products = (await conn.execute(product_counts([within(Product.area_id, target.area_id)], [], as_of))).one()
        part, whole = int(products.certified_live), int(products.certified)
    else:
        vendor_where: list[ColumnElement[bool]]
        market_where: list[ColumnElement[bool]]
        if target.market_id is not None:
            vendor_where = [Vendor.market_id == target.market_id]
            market_where = [Market.id == target.market_id]
        else:
            vendor_where = [within(Vendor.area_id, target.area_id)]
            market_where = [within(Market.area_id, target.area_id)]
        vendors = (await conn.execute(vendor_counts(vendor_where, [], as_of))).one()
        part = int(getattr(vendors, target.indicator))
        if as_of is None:
            stalls = await conn.scalar(
                select(func.coalesce(func.sum(Market.stall_count), 0)).where(Market.active.is_(True), *market_where)
            )
            whole = int(stalls or 0)
        else:
            whole = int((await conn.execute(market_counts(market_where, as_of))).one().stalls)
    if target.measure == "count":
        return float(part)
    return round(part / whole, 4) if whole else 0.0


async def progress(session: AsyncSession, target: Target) -> TargetProgress:
    now = clock.now()
    actual = await measure(session, target)
    earlier = await measure(session, target, now - dt.timedelta(days=PACE_MONTHS * DAYS_PER_MONTH))
    pace = (actual - earlier) / PACE_MONTHS
    months_left = max((target.deadline - clock.today()).days, 0) / DAYS_PER_MONTH
    projected = actual + pace * months_left
    met = actual >= target.value
    area_code = await session.scalar(select(AreaUnit.code).where(AreaUnit.id == target.area_id))
    return TargetProgress(
        target_id=target.id,
        indicator=target.indicator,  # type: ignore[arg-type]
        measure=target.measure,  # type: ignore[arg-type]
        area_code=area_code or "",
        market_id=target.market_id,
        label=LABELS[target.indicator],
        value=target.value,
        deadline=target.deadline,
        legal_basis=target.legal_basis,
        actual=actual,
        gap=round(max(target.value - actual, 0.0), 4),
        monthly_pace=round(pace, 4),
        projected=round(projected, 4),
        on_track=met or projected >= target.value,
        met=met,
    )
