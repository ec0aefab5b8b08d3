"""The per-market uptake tallies kept by triggers equal the figures counted from the vendors themselves,
whatever the writes: accounts added and removed, statuses walked back, vendors deactivated, a market moved."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from tests.support.factories import unique_account
from tests.tracker.reports.support import market, status, vendors
from tracker.reports.figures import vendor_counts
from tracker.reports.models import UptakeTally
from vendors.models import Vendor


async def _tallies_and_counts(api) -> tuple[dict[int, tuple[int, int]], dict[int, tuple[int, int]]]:
    engine = create_async_engine(api.world.settings.database_url, poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            kept = {
                r.market_id: (r.with_account, r.with_poster)
                for r in await conn.execute(select(UptakeTally))
                if r.with_account or r.with_poster
            }
            counted = {
                r.market_id: (int(r.with_account), int(r.with_poster))
                for r in await conn.execute(vendor_counts([], [Vendor.market_id]))
                if r.with_account or r.with_poster
            }
    finally:
        await engine.dispose()
    return kept, counted


async def test_tallies_follow_every_write(api):
    first = await market(api, "20599")
    second = await market(api, "20599")
    a, b, c = await vendors(api, first["id"], 3)
    (d,) = await vendors(api, second["id"], 1)
    kept, counted = await _tallies_and_counts(api)
    assert kept == counted == {first["id"]: (3, 0), second["id"]: (1, 0)}

    await status(api, a["id"], "qr_issued", "active", "paused", "registered")  # a poster stays issued
    await status(api, b["id"], "paused")  # never had one
    await status(api, d["id"], "active")
    tf = api.taskforce
    await tf.ok("DELETE", f"/api/vendors/{c['id']}/payment-accounts/{c['payment_accounts'][0]['id']}", 200)
    await tf.ok(
        "POST",
        f"/api/vendors/{b['id']}/payment-accounts",
        200,
        json={"bank_bin": "970415", "account_number": unique_account()},
    )
    await tf.ok("POST", f"/api/vendors/{d['id']}/deactivate", json={"reason": "Nghỉ bán"})
    kept, counted = await _tallies_and_counts(api)
    assert kept == counted == {first["id"]: (2, 1)}

    third = await market(api, "20623")
    await api.officer.ok("PATCH", f"/api/markets/{first['id']}", json={"area_code": "20623", "version": 1})
    (e,) = await vendors(api, third["id"], 1, taskforce="taskforce_dx")
    await status(api, e["id"], "qr_issued", taskforce="taskforce_dx")
    kept, counted = await _tallies_and_counts(api)
    assert kept == counted == {first["id"]: (2, 1), third["id"]: (1, 1)}
    report = await api.officer.ok("GET", "/api/reports/uptake?area=20623&by=market")
    assert {r["market_id"]: (r["with_account"], r["with_poster"]) for r in report["rows"]} == {
        first["id"]: (2, 1),
        third["id"]: (1, 1),
    }
