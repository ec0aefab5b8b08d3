"""Each figure month by month, as it stood at the end of each month (from the recorded history).

The state at a month's end comes from the status history (``vendor_status_changes``), the records'
timestamps (registration, deactivation, accounts added) and the onboarding events, never from today's
state painted backwards. The current month stands as of now.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from ocop.models import Product
from tracker.accounts.actor import Actor
from tracker.lib import clock
from tracker.reports.figures import market_counts, vendor_counts
from tracker.reports.ocop import product_counts
from tracker.reports.schemas import TrendPoint, TrendReport
from tracker.reports.units import Scope
from tracker.reports.uptake import area_conditions, area_info, share
from vendors.models import Market, Vendor

MAX_MONTHS = 60


def month_key(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def parse_month(text: str) -> dt.date:
    year, month = text.split("-")
    return dt.date(int(year), int(month), 1)


def next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def months_between(since: dt.date, until: dt.date) -> list[dt.date]:
    months: list[dt.date] = []
    current = since.replace(day=1)
    while current <= until and len(months) < MAX_MONTHS:
        months.append(current)
        current = next_month(current)
    return months


def month_end(month: dt.date) -> dt.datetime:
    """The first instant of the next month, Vietnam time (or now, for the month under way)."""
    end = dt.datetime.combine(next_month(month), dt.time(), clock.VIETNAM)
    return min(end, clock.now())


async def point(session: AsyncSession, actor: Actor, scope: Scope, month: dt.date) -> TrendPoint:
    as_of = month_end(month)
    conn = await session.connection()
    vendors = (await conn.execute(vendor_counts(area_conditions(actor, scope, Vendor.area_id), [], as_of))).one()
    markets = (await conn.execute(market_counts(area_conditions(actor, scope, Market.area_id), as_of))).one()
    products = (await conn.execute(product_counts(area_conditions(actor, scope, Product.area_id), [], as_of))).one()
    return TrendPoint(
        month=month_key(month),
        as_of=clock.local_date(as_of - dt.timedelta(microseconds=1)),
        markets=int(markets.markets),
        stalls=int(markets.stalls),
        vendors=int(vendors.vendors),
        with_account=int(vendors.with_account),
        with_poster=int(vendors.with_poster),
        active=int(vendors.active),
        active_share=share(int(vendors.active), int(markets.stalls)),
        certified=int(products.certified),
        live_products=int(products.live),
    )


async def trend(session: AsyncSession, actor: Actor, scope: Scope, since: dt.date, until: dt.date) -> TrendReport:
    points = [await point(session, actor, scope, m) for m in months_between(since, until)]
    return TrendReport(area=area_info(scope.area), since=month_key(since), until=month_key(until), points=points)
