"""Demonstration targets for Duy Xuyên, set by its economic office (part of ``tracker seed --demo``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tracker.accounts.actor import Actor
from tracker.lib import clock
from tracker.reports.schemas import TargetCreate
from tracker.reports.targets import TargetService
from vendors.models import Market, Vendor

# The last weeks' work at Chợ Nam Phước: vendors who started taking transfers, so that the targets
# have a pace to project.
RECENT_DAYS = (75, 61, 48, 33, 20, 9)

SET_ON = dt.datetime(2025, 8, 1, 2, 0, tzinfo=dt.UTC)
PLAN = "Kế hoạch 125/KH-UBND (chuyển đổi số chợ truyền thống)"


async def seed_report_demo(session: AsyncSession, users: dict[str, Any]) -> str:
    officer_user = users["canbo.duyxuyen"]
    officer = Actor(officer_user.id, officer_user.username, officer_user.role, officer_user.area_id)
    nam_phuoc = await session.scalar(select(Market.id).where(Market.code == "NP"))
    targets = [
        TargetCreate(
            indicator="active",
            measure="share",
            value=0.7,
            area_code="20599",
            market_id=nam_phuoc,
            deadline=dt.date(2026, 12, 31),
            legal_basis=PLAN,
            note="70% số quầy Chợ Nam Phước nhận chuyển khoản",
        ),
        TargetCreate(
            indicator="with_poster",
            measure="share",
            value=0.5,
            area_code="508",
            deadline=dt.date(2026, 12, 31),
            legal_basis=PLAN,
        ),
        TargetCreate(indicator="vendors", measure="count", value=40, area_code="20623", deadline=dt.date(2026, 6, 30)),
        TargetCreate(
            indicator="ocop_online",
            measure="share",
            value=0.8,
            area_code="508",
            deadline=dt.date(2026, 12, 31),
            legal_basis="Chương trình OCOP giai đoạn 2021–2025",
        ),
    ]
    service = TargetService(session)
    with clock.fixed_at(SET_ON):
        for target in targets:
            await service.add(officer, target)
    recent = await _recent_activity(session, users["tocns.namphuoc"])
    return f"Chỉ tiêu / targets: {len(targets)}; hoạt động gần đây / recent status changes: {recent}."


async def _recent_activity(session: AsyncSession, user: Any) -> int:
    from qr.banks import load_directory
    from vendors.schemas import StatusChange
    from vendors.services import VendorService

    actor = Actor(user.id, user.username, user.role, user.area_id, user.full_name)
    service = VendorService(session, load_directory(None))
    waiting = list(
        await session.scalars(
            select(Vendor.id)
            .join(Market, Market.id == Vendor.market_id)
            .where(Market.code == "NP", Vendor.status.in_(("qr_issued", "paused")))
            .order_by(Vendor.id)
            .limit(len(RECENT_DAYS))
        )
    )
    for vendor_id, days_ago in zip(waiting, RECENT_DAYS, strict=False):
        with clock.fixed_at(clock.now() - dt.timedelta(days=days_ago)):
            await service.change_status(actor, vendor_id, StatusChange(status="active"))
    return len(waiting)
