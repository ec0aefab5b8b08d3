"""Building a small Duy Xuyên through the API: markets under today's and the former communes, vendors."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from tests.conftest import Clients
from tests.support.factories import market_payload, vendor_payload
from vendors.models import Vendor, VendorStatusChange


async def market(api: Clients, area_code: str, stalls: int = 100, **extra: Any) -> dict[str, Any]:
    result: dict[str, Any] = await api.officer.ok(
        "POST", "/api/markets", 201, json=market_payload(area_code, stall_count=stalls, **extra)
    )
    return result


async def vendors(api: Clients, market_id: int, count: int, *, taskforce: str = "taskforce") -> list[dict[str, Any]]:
    client = getattr(api, taskforce)
    return [await client.ok("POST", "/api/vendors", 201, json=vendor_payload(market_id)) for _ in range(count)]


async def status(api: Clients, vendor_id: int, *steps: str, taskforce: str = "taskforce") -> None:
    client = getattr(api, taskforce)
    for step in steps:
        await client.ok("POST", f"/api/vendors/{vendor_id}/status", json={"status": step})


async def backdate(api: Clients, vendor_ids: list[int], at: dt.datetime) -> None:
    """Moves vendors' registration and history back in time, as if they had been registered then."""
    engine = create_async_engine(api.world.settings.database_url, poolclass=NullPool)
    async with engine.begin() as conn:
        await conn.execute(update(Vendor).where(Vendor.id.in_(vendor_ids)).values(created_at=at, status_changed_at=at))
        await conn.execute(update(VendorStatusChange).where(VendorStatusChange.vendor_id.in_(vendor_ids)).values(at=at))
    await engine.dispose()


def row(report: dict[str, Any], code: str) -> dict[str, Any]:
    (found,) = [r for r in report["rows"] if r["code"] == code]
    return found
