"""What the officer dashboard shows, from the report, target, onboarding and OCOP services.

Plain functions of a session and an actor: the page controller renders what they return and the
tests read it directly. Every figure comes from the services the API uses (``ReportService`` for the
uptake and OCOP reports and their targets, ``OnboardingService`` for broken listings, ``ProductService``
for certificates that run out), so the page and the API never disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode

from sqlalchemy.ext.asyncio import AsyncSession

from ocop.schemas import Product as ProductOut
from ocop.services import ProductService
from ocop.services.products import ProductFilters
from tracker.accounts.actor import Actor
from tracker.areas.scope import actor_covers
from tracker.areas.services import AreaService
from tracker.lib import clock
from tracker.lib.i18n import Lang
from tracker.lib.pagination import PageParams
from tracker.onboarding.schemas import Onboarding as OnboardingOut
from tracker.onboarding.services import OnboardingFilters, OnboardingService
from tracker.reports.schemas import Breakdown, OcopReport, TargetProgress, UptakeReport, UptakeRow
from tracker.reports.service import ReportService
from tracker.reports.units import resolve_scope

# Certificates that run out within this many days are listed (as the OCOP report counts them).
EXPIRY_WINDOW_DAYS = 90
# How many broken listings and certificates the page lists; the rest are counted, and the API lists them all.
LIST_LIMIT = 50
# The uptake chart draws one group of bars per row; past this many rows it would be unreadable (and huge).
CHART_MAX_ROWS = 40
VENDORS_PAGE = "/vendors"
DASHBOARD = "/dashboard"


def url(path: str, **params: object) -> str:
    query = urlencode({k: v for k, v in params.items() if v is not None and v != ""})
    return f"{path}?{query}" if query else path


@dataclass(frozen=True, slots=True)
class Crumb:
    code: str | None
    name: str
    href: str


@dataclass(frozen=True, slots=True)
class DrillRow:
    """One child unit or market of the breakdown, with where its figures lead."""

    row: UptakeRow
    # The same dashboard one level down (units only: a market is the bottom of the drill-down).
    dashboard_href: str | None
    # The vendor list page filtered to the records the row counts, and to those taking transfers.
    vendors_href: str
    active_href: str


@dataclass(frozen=True, slots=True)
class Headline:
    """One of the big figures at the top of the page: a count and, when it has one, its share of the stalls."""

    key: str
    label_vi: str
    label_en: str
    count: int
    share: float | None


@dataclass(frozen=True, slots=True)
class ExpiringCertificate:
    product: ProductOut
    valid_until: dt.date
    days_left: int

    @property
    def expired(self) -> bool:
        return self.days_left < 0


@dataclass
class DashboardView:
    area_code: str | None
    by: Breakdown
    uptake: UptakeReport
    ocop: OcopReport
    headlines: list[Headline]
    rows: list[DrillRow]
    targets: list[TargetProgress]
    broken: list[OnboardingOut]
    broken_total: int
    certificates: list[ExpiringCertificate]
    expiring_total: int
    expired_total: int
    trail: list[Crumb] = field(default_factory=list)
    # The units one level down, for the drill-down selector (whatever the breakdown of the table).
    children: list[Crumb] = field(default_factory=list)

    def link(self, path: str, **extra: object) -> str:
        """``path`` with this view's area and breakdown (chart, export and page links agree on them)."""
        return url(path, area=self.area_code, by=self.by, **extra)

    @property
    def uptake_chart(self) -> bool:
        return 0 < len(self.rows) <= CHART_MAX_ROWS

    @property
    def broken_more(self) -> int:
        return max(self.broken_total - len(self.broken), 0)


def vendors_href(row: UptakeRow, status: str | None = None) -> str:
    """The vendor list page (its ``area``, ``market_id`` and ``status`` filters) of the records a row counts."""
    if row.kind == "market":
        return url(VENDORS_PAGE, market_id=row.market_id, status=status)
    return url(VENDORS_PAGE, area=row.code, status=status)


def drill_rows(report: UptakeReport) -> list[DrillRow]:
    return [
        DrillRow(
            row=row,
            dashboard_href=url(DASHBOARD, area=row.code) if row.kind == "unit" else None,
            vendors_href=vendors_href(row),
            active_href=vendors_href(row, "active"),
        )
        for row in report.rows
    ]


def headlines(uptake: UptakeReport, ocop: OcopReport) -> list[Headline]:
    t = uptake.total
    return [
        Headline("vendors", "Tiểu thương đã đăng ký", "Vendors registered", t.vendors, t.vendors_share),
        Headline(
            "with_account", "Có tài khoản thanh toán", "With a payment account", t.with_account, t.with_account_share
        ),
        Headline("with_poster", "Đã cấp áp phích QR", "QR poster issued", t.with_poster, t.with_poster_share),
        Headline("active", "Đang nhận chuyển khoản", "Taking transfers", t.active, t.active_share),
        Headline(
            "ocop_live", "Sản phẩm OCOP đang bán trực tuyến", "OCOP products listed online", ocop.total.live, None
        ),
    ]


async def trail(session: AsyncSession, actor: Actor, area_code: str | None) -> list[Crumb]:
    """The way from the actor's own area (or the country, for an admin) down to the area shown."""
    areas = AreaService(session)
    crumbs: list[Crumb] = []
    own = await areas.by_id(actor.area_id) if actor.area_id is not None else None
    if own is None:
        crumbs.append(Crumb(None, "", DASHBOARD))  # the whole country: the page names it in its language
    else:
        crumbs.append(Crumb(own.code, own.name, url(DASHBOARD, area=own.code)))
    if not area_code or (own is not None and area_code == own.code):
        return crumbs
    detail = await areas.detail(area_code, None)
    between = []
    for parent in detail.parents:  # nearest first
        if own is not None and parent.id == own.id:
            break
        if not await actor_covers(session, actor, parent.id):
            break
        between.append(Crumb(parent.code, parent.name, url(DASHBOARD, area=parent.code)))
    crumbs.extend(reversed(between))
    crumbs.append(Crumb(detail.code, detail.name, url(DASHBOARD, area=detail.code)))
    return crumbs


async def broken_listings(
    session: AsyncSession, actor: Actor, area_id: int | None, lang: Lang, limit: int = LIST_LIMIT
) -> tuple[list[OnboardingOut], int]:
    """Onboardings whose listing the last check found gone (``broken``), within the area, oldest check first."""
    service = OnboardingService(session)
    found, total = await service.search(
        actor,
        OnboardingFilters(area_id=area_id, broken=True, sort="checked_at"),
        PageParams(limit=limit, offset=0),
    )
    return await service.present(found, lang), total


async def running_out(
    session: AsyncSession, actor: Actor, area_id: int | None, lang: Lang, limit: int = LIST_LIMIT
) -> tuple[list[ExpiringCertificate], int, int]:
    """Certificates that run out within the window (soonest first), then those already expired (latest first).

    Returns the certificates shown and the totals of each kind.
    """
    service = ProductService(session)
    today = clock.today()
    page = PageParams(limit=limit, offset=0)
    soon, soon_total = await service.search(
        actor, ProductFilters(area_id=area_id, expiring_within=EXPIRY_WINDOW_DAYS), page
    )
    gone, gone_total = await service.search(actor, ProductFilters(area_id=area_id, certification="expired"), page)
    certificates: list[ExpiringCertificate] = []
    for product in await service.present(soon, lang):
        if product.certification is not None:
            until = product.certification.valid_until
            certificates.append(ExpiringCertificate(product, until, (until - today).days))
    expired: list[ExpiringCertificate] = []
    for product in await service.present(gone, lang, with_history=True):
        history = [c for c in product.certifications or [] if c.valid_until < today]
        if history:
            until = max(c.valid_until for c in history)
            expired.append(ExpiringCertificate(product, until, (until - today).days))
    expired.sort(key=lambda c: c.valid_until, reverse=True)
    return certificates + expired, soon_total, gone_total


async def dashboard(
    session: AsyncSession,
    actor: Actor,
    area_code: str | None,
    by: Breakdown | None,
    lang: Lang = "vi",
    reports: ReportService | None = None,
) -> DashboardView:
    """Everything the dashboard shows for ``area_code`` (default: the actor's own area); 403 outside it."""
    reports = reports or ReportService(session)
    uptake = await reports.uptake(actor, area_code, None, by)
    ocop = await reports.ocop(actor, area_code, None)
    scope = await resolve_scope(session, actor, area_code, None)
    area_id = scope.area.id if area_code and scope.area else None
    broken, broken_total = await broken_listings(session, actor, area_id, lang)
    certificates, expiring_total, expired_total = await running_out(session, actor, area_id, lang)
    seen: set[int] = set()
    targets = []
    for target in [*uptake.targets, *ocop.targets]:
        if target.target_id not in seen:
            seen.add(target.target_id)
            targets.append(target)
    return DashboardView(
        area_code=uptake.area.code if uptake.area and area_code else None,
        by=uptake.by,
        uptake=uptake,
        ocop=ocop,
        headlines=headlines(uptake, ocop),
        rows=drill_rows(uptake),
        targets=sorted(targets, key=lambda t: (t.deadline, t.target_id)),
        broken=broken,
        broken_total=broken_total,
        certificates=certificates,
        expiring_total=expiring_total,
        expired_total=expired_total,
        trail=await trail(session, actor, area_code),
        children=[Crumb(c.code, c.name, url(DASHBOARD, area=c.code)) for c in scope.children],
    )
