"""The audit hash chain detects an edited or a deleted entry, on both databases."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from tests.support.factories import vendor_payload
from tracker.audit.commands import verify_audit


async def test_chain_holds_then_breaks_where_tampered(api, settings) -> None:
    market = await api.officer.ok(
        "POST", "/api/markets", 201, json={"name": "Chợ Thử", "area_code": "20599", "kind": "tam", "stall_count": 5}
    )
    for _ in range(3):
        vendor = await api.taskforce.ok("POST", "/api/vendors", 201, json=vendor_payload(market["id"]))
        await api.taskforce.ok("POST", f"/api/vendors/{vendor['id']}/status", json={"status": "qr_issued"})
    intact = await verify_audit(settings)
    assert intact.ok
    assert intact.checked >= 7

    engine = create_async_engine(settings.database_url, poolclass=NullPool)
    async with engine.begin() as conn:
        ids = list((await conn.execute(text("SELECT id FROM audit_log ORDER BY id"))).scalars())
        edited, deleted = ids[2], ids[5]
        await conn.execute(text("UPDATE audit_log SET actor_username = 'someone' WHERE id = :id"), {"id": edited})
    broken = await verify_audit(settings)
    assert (broken.broken_at, broken.reason) == (edited, "content")

    async with engine.begin() as conn:
        await conn.execute(text("UPDATE audit_log SET actor_username = 'taskforce_np' WHERE id = :id"), {"id": edited})
    assert (await verify_audit(settings)).ok
    async with engine.begin() as conn:
        await conn.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": deleted})
    await engine.dispose()
    gap = await verify_audit(settings)
    assert (gap.broken_at, gap.reason) == (ids[6], "link")


async def test_concurrent_writers_keep_one_chain(api, settings) -> None:
    import asyncio

    market = await api.officer.ok(
        "POST",
        "/api/markets",
        201,
        json={"name": "Chợ Song Song", "area_code": "20599", "kind": "tam", "stall_count": 5},
    )
    results = await asyncio.gather(
        *[api.taskforce.post("/api/vendors", json=vendor_payload(market["id"])) for _ in range(8)]
    )
    assert [r.status_code for r in results] == [201] * 8
    assert (await verify_audit(settings)).ok


async def test_a_writer_that_locked_rows_first_does_not_deadlock_with_one_holding_the_audit_turn(api, settings) -> None:
    # A registration locks its market (the vendor number) before its audit entry; another writer may hold the
    # audit chain's turn and then need that market. Taking the turn at the first write keeps one order for both.
    import asyncio

    from sqlalchemy import select, update

    from tracker.accounts.actor import SYSTEM
    from tracker.audit.services import record
    from tracker.db.engine import create_database
    from vendors.models import Market

    market = await api.officer.ok(
        "POST", "/api/markets", 201, json={"name": "Chợ Khóa", "area_code": "20599", "kind": "tam", "stall_count": 5}
    )
    next_number = update(Market).where(Market.id == market["id"]).values(vendor_seq=Market.vendor_seq + 1)
    db = create_database(settings, null_pool=True)
    try:
        async with db.write() as first, db.write() as second:
            await first.execute(next_number)  # the market's row is now locked by the first writer

            async def other_writer() -> None:
                record(second, SYSTEM, "note", "market", market["id"], area_id=None, after={"step": 1})
                await second.flush()  # the audit turn (or, on SQLite, the write lock)
                await second.execute(next_number)
                await second.commit()

            other = asyncio.create_task(other_writer())
            await asyncio.sleep(0.5)
            record(first, SYSTEM, "note", "market", market["id"], area_id=None, after={"step": 2})
            await first.commit()
            await asyncio.wait_for(other, timeout=30)
        async with db.read() as session:
            assert await session.scalar(select(Market.vendor_seq).where(Market.id == market["id"])) == 2
    finally:
        await db.dispose()
    assert (await verify_audit(settings)).ok
