"""OCOP and e-commerce: certified products, products live on platforms, the onboarding funnel."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from ocop.models import Certification, Producer, Product
from tracker.accounts.actor import Actor
from tracker.lib import clock
from tracker.onboarding.models import Onboarding, OnboardingEvent, Platform
from tracker.onboarding.reference import LIVE, STAGES
from tracker.reports.schemas import OcopFigures, OcopReport, OcopRow, PlatformFigure, StageFigure
from tracker.reports.units import Scope, child_of_units
from tracker.reports.uptake import area_conditions, area_info, list_url, share

COUNTS = ("producers", "products", "certified", "live", "certified_live", "producers_live_shop")
EXPIRY_WINDOW = 90


def certified(product_id: Any, as_of: dt.datetime | None = None) -> ColumnElement[bool]:
    """A certificate in force (today, or at the moment ``as_of``: decided before it, valid after it)."""
    if as_of is None:
        today = clock.today()
        return exists().where(
            Certification.product_id == product_id,
            Certification.status == "active",
            Certification.valid_until >= today,
        )
    day = clock.local_date(as_of)
    return exists().where(
        Certification.product_id == product_id,
        Certification.status.in_(("active", "superseded")),
        Certification.decision_date < day,
        Certification.valid_until >= day,
    )


def live(product_id: Any, as_of: dt.datetime | None = None) -> ColumnElement[bool]:
    """Listed live on at least one platform (now, or by the last stage change before ``as_of``)."""
    if as_of is None:
        return exists().where(
            Onboarding.product_id == product_id, Onboarding.subject_kind == "product", Onboarding.stage == LIVE
        )
    last_stage = (
        select(OnboardingEvent.to_stage)
        .where(OnboardingEvent.onboarding_id == Onboarding.id, OnboardingEvent.at < as_of)
        .order_by(OnboardingEvent.at.desc(), OnboardingEvent.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    return exists().where(Onboarding.product_id == product_id, Onboarding.subject_kind == "product", last_stage == LIVE)


def _count(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def product_counts(
    conditions: list[ColumnElement[bool]], group_by: list[Any], as_of: dt.datetime | None = None
) -> Select[Any]:
    present = Product.created_at < as_of if as_of is not None else Product.id.is_not(None)
    return (
        select(
            *group_by,
            func.count().label("products"),
            _count(certified(Product.id, as_of)).label("certified"),
            _count(live(Product.id, as_of)).label("live"),
            _count(and_(certified(Product.id, as_of), live(Product.id, as_of))).label("certified_live"),
        )
        .where(present, *conditions)
        .group_by(*group_by)
    )


def _live_shop(producer_id: Any) -> ColumnElement[bool]:
    return exists().where(
        Onboarding.producer_id == producer_id,
        or_(
            and_(Onboarding.subject_kind == "producer", Onboarding.stage == "shop_active"),
            and_(Onboarding.subject_kind == "product", Onboarding.stage == LIVE),
        ),
    )


def ocop_figures(counts: dict[str, int]) -> OcopFigures:
    return OcopFigures(
        producers=counts.get("producers", 0),
        products=counts.get("products", 0),
        certified=counts.get("certified", 0),
        live=counts.get("live", 0),
        certified_live=counts.get("certified_live", 0),
        online_share=share(counts.get("certified_live", 0), counts.get("certified", 0)),
        producers_live_shop=counts.get("producers_live_shop", 0),
    )


def _subject_area() -> tuple[Any, Any]:
    """Onboardings of OCOP subjects with the area of their subject (an onboarding has none of its own)."""
    area = func.coalesce(Product.area_id, Producer.area_id)
    joined = (
        select(Onboarding.id)
        .outerjoin(Product, and_(Product.id == Onboarding.product_id, Onboarding.subject_kind == "product"))
        .outerjoin(Producer, and_(Producer.id == Onboarding.producer_id, Onboarding.subject_kind == "producer"))
        .where(Onboarding.subject_kind.in_(("product", "producer")))
    )
    return joined, area


async def ocop(session: AsyncSession, actor: Actor, scope: Scope) -> OcopReport:
    conn = await session.connection()
    per_unit: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in await conn.execute(product_counts(area_conditions(actor, scope, Product.area_id), [Product.area_id])):
        for name in ("products", "certified", "live", "certified_live"):
            per_unit[row.area_id][name] += int(getattr(row, name))
    producers = (
        select(Producer.area_id, func.count().label("producers"), _count(_live_shop(Producer.id)).label("shops"))
        .where(*area_conditions(actor, scope, Producer.area_id))
        .group_by(Producer.area_id)
    )
    for row in await conn.execute(producers):
        per_unit[row.area_id]["producers"] += int(row.producers)
        per_unit[row.area_id]["producers_live_shop"] += int(row.shops)
    total: dict[str, int] = defaultdict(int)
    for counts in per_unit.values():
        for name in COUNTS:
            total[name] += counts[name]
    child_of = await child_of_units(session, scope.children, per_unit)
    per_child: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for unit_id, counts in per_unit.items():
        if unit_id in child_of:
            for name in COUNTS:
                per_child[child_of[unit_id]][name] += counts[name]
    on = scope.on.isoformat() if scope.on != clock.today() else None
    rows = []
    assigned: dict[str, int] = defaultdict(int)
    for child in scope.children:
        counts = per_child.get(child.id, {})
        figures = ocop_figures(dict(counts))
        rows.append(
            OcopRow(
                **{f: getattr(figures, f) for f in OcopFigures.__struct_fields__},
                code=child.code,
                name=child.name,
                drilldown=list_url("/api/ocop/products", area=child.code, on=on),
            )
        )
        for name in COUNTS:
            assigned[name] += counts.get(name, 0)

    joined, area = _subject_area()
    in_area = [c for c in area_conditions(actor, scope, area)]
    platforms = await conn.execute(
        select(Platform.key, Platform.name, func.count(func.distinct(Onboarding.product_id)).label("live"))
        .select_from(Onboarding)
        .join(Platform, Platform.id == Onboarding.platform_id)
        .where(
            Onboarding.id.in_(joined.where(*in_area)), Onboarding.subject_kind == "product", Onboarding.stage == LIVE
        )
        .group_by(Platform.key, Platform.name)
        .order_by(Platform.key)
    )
    stages: dict[str, int] = dict(
        (
            await conn.execute(
                select(Onboarding.stage, func.count())
                .where(Onboarding.id.in_(joined.where(*in_area)))
                .group_by(Onboarding.stage)
            )
        )
        .tuples()
        .all()
    )
    broken = await conn.scalar(
        select(func.count()).where(Onboarding.id.in_(joined.where(*in_area)), Onboarding.broken.is_(True))
    )
    today = clock.today()
    expiring = await conn.scalar(
        select(func.count(func.distinct(Certification.product_id)))
        .join(Product, Product.id == Certification.product_id)
        .where(
            Certification.status == "active",
            Certification.valid_until >= today,
            Certification.valid_until <= today + dt.timedelta(days=EXPIRY_WINDOW),
            *area_conditions(actor, scope, Product.area_id),
        )
    )
    return OcopReport(
        area=area_info(scope.area),
        on=scope.on,
        rows=rows,
        unassigned=ocop_figures({n: total[n] - assigned[n] for n in COUNTS}),
        total=ocop_figures(dict(total)),
        platforms=[PlatformFigure(platform=r.key, name=r.name, live=int(r.live)) for r in platforms],
        funnel=[StageFigure(stage=s, label=STAGES[s].vi, count=int(stages.get(s, 0))) for s in STAGES],
        median_days_to_live=await _median_days(session, joined.where(*in_area)),
        broken_listings=int(broken or 0),
        expiring_90_days=int(expiring or 0),
        targets=[],
    )


async def _median_days(session: AsyncSession, onboarding_ids: Select[Any]) -> float | None:
    """Median days from an onboarding's start (``planned``) to its first ``listing_live``."""
    conn = await session.connection()
    rows = await conn.execute(
        select(OnboardingEvent.onboarding_id, OnboardingEvent.to_stage, OnboardingEvent.at)
        .where(
            OnboardingEvent.onboarding_id.in_(onboarding_ids),
            OnboardingEvent.to_stage.in_(("planned", LIVE)),
        )
        .order_by(OnboardingEvent.at)
    )
    started: dict[int, dt.datetime] = {}
    lived: dict[int, dt.datetime] = {}
    for row in rows:
        target = started if row.to_stage == "planned" else lived
        target.setdefault(row.onboarding_id, row.at)
    days = [(lived[i] - started[i]).total_seconds() / 86400 for i in lived if i in started]
    return round(statistics.median(days), 1) if days else None
