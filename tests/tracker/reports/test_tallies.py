"""The per-market uptake tallies kept by triggers equal the figures counted from the vendors themselves,
whatever the writes: accounts added and removed, statuses walked back, vendors deactivated, a market moved."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from tests.support.factories import unique_account, vendor_payload
from tests.tracker.reports.support import market, status, vendors
from tracker.db.base import table_of
from tracker.reports.figures import vendor_counts
from tracker.reports.models import UptakeTally
from vendors.models import PaymentAccount, Vendor, VendorStatusChange


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


async def test_rows_written_by_one_statement_count_their_vendor_once(api):
    """A registration inserts its accounts in one statement, and a batch of registrations or an import
    inserts everyone's together. On PostgreSQL row triggers run after the whole statement, when each of a
    vendor's new rows already sees the others: counted row by row, a vendor with two new accounts was
    counted by neither."""
    first = await market(api, "20599")
    accounts = [{"bank_bin": "970436", "account_number": unique_account()} for _ in range(2)]
    both = await api.taskforce.ok(
        "POST", "/api/vendors", 201, json=vendor_payload(first["id"], payment_accounts=accounts)
    )
    (other,) = await vendors(api, first["id"], 1)
    engine = create_async_engine(api.world.settings.database_url, poolclass=NullPool)
    try:
        async with engine.begin() as conn:
            step = {"vendor_id": other["id"], "from_status": None, "at": dt.datetime.now(dt.UTC), "by_id": None}
            await conn.execute(
                insert(table_of(VendorStatusChange)).values(
                    [{**step, "to_status": "qr_issued"}, {**step, "to_status": "active"}]
                )
            )
        kept, counted = await _tallies_and_counts(api)
        assert kept == counted == {first["id"]: (2, 1)}
        # More accounts, in one statement, for two vendors that already have one: neither counts again.
        async with engine.begin() as conn:
            await conn.execute(
                insert(table_of(PaymentAccount)).values(
                    [
                        {
                            "vendor_id": v["id"],
                            "bank_bin": "970415",
                            "account_number": unique_account(),
                            "account_name": "X",
                            "is_primary": False,
                            "active": True,
                            "created_at": dt.datetime.now(dt.UTC),
                            "updated_at": dt.datetime.now(dt.UTC),
                        }
                        for v in (both, other)
                    ]
                )
            )
    finally:
        await engine.dispose()
    kept, counted = await _tallies_and_counts(api)
    assert kept == counted == {first["id"]: (2, 1)}
