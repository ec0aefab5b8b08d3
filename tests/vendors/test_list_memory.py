"""Vendor lists and signed-in users answered from memory until the next commit, on both backends.

The answer a second identical request gets from memory must be the answer the database would give: any
commit, through this app or through another connection (another worker, a command), ends it.
"""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from tests.support.factories import vendor_payload
from tracker.lib.memory_cache import GenerationCache

LIST = "/api/vendors?limit=50"


async def _commit_elsewhere(database_url: str, statement: str, **params: object) -> None:
    """A change committed through a connection of its own, as another worker or a command makes it."""
    engine = create_async_engine(database_url, poolclass=NullPool)
    async with engine.begin() as conn:
        await conn.execute(text(statement), params)
    await engine.dispose()


async def test_the_same_list_is_answered_from_memory_until_a_registration(api, market) -> None:
    await api.taskforce.ok("POST", "/api/vendors", 201, json=vendor_payload(market["id"]))
    first = await api.taskforce.get(LIST)
    again = await api.taskforce.get(LIST)
    assert (first.status_code, again.status_code) == (200, 200)
    assert first.headers["x-cache"] == "miss"
    assert again.headers["x-cache"] == "hit"
    assert again.content == first.content
    assert again.headers["content-type"] == first.headers["content-type"]
    assert again.headers["x-content-type-options"] == "nosniff"  # the service's own headers still apply

    added = await api.taskforce.ok(
        "POST", "/api/vendors", 201, json=vendor_payload(market["id"], full_name="Lê Văn Tư")
    )
    after = await api.taskforce.get(LIST)
    assert after.headers["x-cache"] == "miss"
    assert after.json()["items"][0]["id"] == added["id"]
    assert after.json()["total"] == first.json()["total"] + 1


async def test_each_user_gets_only_answers_made_for_them(api, market) -> None:
    vendor = await api.taskforce.ok("POST", "/api/vendors", 201, json=vendor_payload(market["id"]))
    url = f"/api/vendors?market_id={market['id']}"
    full = await api.taskforce.ok("GET", url)
    assert full["items"][0]["phone"] == vendor["phone"]
    masked = await api.officer.get(url)
    assert masked.headers["x-cache"] == "miss"
    assert masked.json()["items"][0]["phone"] != vendor["phone"]
    assert "*" in masked.json()["items"][0]["phone"]
    outside = await api.taskforce_hn.get(url)
    assert outside.headers["x-cache"] == "miss"
    assert outside.json()["items"] == []
    english = await api.taskforce.english().get(url)
    assert english.headers["x-cache"] == "miss"  # the language is part of what was asked


async def test_no_cache_asks_the_database(api, market) -> None:
    await api.taskforce.ok("POST", "/api/vendors", 201, json=vendor_payload(market["id"]))
    await api.taskforce.ok("GET", LIST)
    fresh = await api.taskforce.get(LIST, headers={"Cache-Control": "no-cache"})
    assert fresh.headers["x-cache"] == "miss"
    assert (await api.taskforce.get(LIST)).headers["x-cache"] == "hit"


async def test_a_deactivated_user_is_refused_at_once(api, market) -> None:
    await api.taskforce.ok("GET", LIST)
    assert (await api.taskforce.get(LIST)).headers["x-cache"] == "hit"
    user_id = api.world.users["taskforce_np"]
    await api.admin.ok("PATCH", f"/api/users/{user_id}", json={"active": False})
    assert (await api.taskforce.get(LIST)).status_code == 401


async def test_signing_out_everywhere_ends_the_token_at_once(api) -> None:
    await api.taskforce.ok("GET", LIST)
    await api.taskforce.ok("GET", "/api/auth/me")
    await api.taskforce.ok("POST", "/api/auth/logout", 204)
    assert (await api.taskforce.get(LIST)).status_code == 401
    assert (await api.taskforce.get("/api/auth/me")).status_code == 401


async def _until(predicate, seconds: float = 5.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        if await predicate():
            return True
        if asyncio.get_running_loop().time() > deadline:
            return False
        await asyncio.sleep(0.02)


async def test_a_change_committed_by_another_connection_ends_the_answer(api, market, backend) -> None:
    vendor = await api.taskforce.ok("POST", "/api/vendors", 201, json=vendor_payload(market["id"]))
    await api.taskforce.ok("GET", LIST)
    assert (await api.taskforce.get(LIST)).headers["x-cache"] == "hit"
    await _commit_elsewhere(
        api.world.settings.database_url,
        "UPDATE vendors SET full_name = :name WHERE id = :id",
        name="Phạm Thị Mới",
        id=vendor["id"],
    )

    async def renamed() -> bool:
        return (await api.taskforce.ok("GET", LIST))["items"][0]["full_name"] == "Phạm Thị Mới"

    if backend == "sqlite":
        # SQLite: exact, the next request sees it.
        assert await renamed()
    else:
        # PostgreSQL: as soon as the commit's notice has come back to this process.
        assert await _until(renamed)


async def test_a_user_deactivated_by_another_connection_is_refused(api, backend) -> None:
    await api.taskforce.ok("GET", "/api/auth/me")
    await _commit_elsewhere(
        api.world.settings.database_url,
        "UPDATE users SET active = :off WHERE id = :id",
        off=False,
        id=api.world.users["taskforce_np"],
    )

    async def refused() -> bool:
        return (await api.taskforce.get("/api/auth/me")).status_code == 401

    assert await refused() if backend == "sqlite" else await _until(refused)


async def test_every_postgres_table_sends_change_notices(api, backend) -> None:
    if backend != "postgres":
        pytest.skip("SQLite keeps its own data_version; there are no notices to send")
    engine = create_async_engine(api.world.settings.database_url, poolclass=NullPool)
    async with engine.connect() as conn:
        missing = (
            await conn.execute(
                text(
                    "SELECT t.tablename FROM pg_tables t WHERE t.schemaname = current_schema() "
                    "AND t.tablename <> 'alembic_version' AND NOT EXISTS (SELECT 1 FROM pg_trigger g "
                    "JOIN pg_class c ON c.oid = g.tgrelid WHERE c.relname = t.tablename "
                    "AND g.tgname = 'tracker_change_notice')"
                )
            )
        ).all()
    await engine.dispose()
    assert missing == [], "tables created after 0012 need notify_changes(table) in their migration"


def test_entries_hold_only_for_their_generation_and_the_newest_stay() -> None:
    cache: GenerationCache[str] = GenerationCache(entries=2)
    cache.put("a", 1, "A")
    assert cache.get("a", 1) == "A"
    assert cache.get("a", 2) is None
    assert cache.get("a", 1) is None  # a dead entry is dropped, not kept for later
    cache.put("a", 2, "A")
    cache.put("b", 2, "B")
    cache.get("a", 2)  # used: "b" is now the least recently used
    cache.put("c", 2, "C")
    assert (cache.get("a", 2), cache.get("b", 2), cache.get("c", 2)) == ("A", None, "C")
    assert len(cache) == 2
    cache.put("d", None, "D")  # the generation is unknown: nothing is kept
    assert cache.get("d", None) is None
    assert GenerationCache[str](entries=0).get("x", 1) is None


def test_kept_answers_stay_within_their_byte_budget() -> None:
    cache: GenerationCache[bytes] = GenerationCache(entries=10, max_bytes=10, size=len)
    cache.put("a", 1, b"aaaa")
    cache.put("b", 1, b"bbbb")
    cache.put("a", 1, b"aaaa")  # replaced, not counted twice
    assert cache.bytes == 8
    cache.put("c", 1, b"cccc")  # over the budget: the least recently used goes
    assert (cache.get("b", 1), cache.get("a", 1), cache.get("c", 1)) == (None, b"aaaa", b"cccc")
    assert cache.bytes == 8
    cache.put("huge", 1, b"x" * 11)  # larger than the whole budget: not kept, nothing evicted for it
    assert cache.get("huge", 1) is None
    assert cache.bytes == 8
    assert cache.get("a", 2) is None  # a dead entry frees its bytes
    assert cache.bytes == 4


async def test_a_registration_leaves_the_signed_in_users_in_memory(api, app_client, market, backend) -> None:
    """The signed-in user depends on the users table alone. PostgreSQL's change notices name their table,
    so a registration ends the lists kept in memory but not the users; SQLite counts every commit alike."""
    changes = app_client.app.state.db.changes
    await api.taskforce.ok("GET", "/api/auth/me")
    users, vendors = changes.generation("users"), changes.generation("vendors")
    await api.taskforce.ok("POST", "/api/vendors", 201, json=vendor_payload(market["id"]))
    if backend == "sqlite":
        assert changes.generation("users") != users
        return
    # A notice sent after the registration's commit arrives after the registration's own notices.
    probe = changes.generation("probe_after_registration")
    await _commit_elsewhere(
        api.world.settings.database_url, "SELECT pg_notify('tracker_changes', 'probe_after_registration')"
    )

    async def notices_arrived() -> bool:
        return changes.generation("probe_after_registration") != probe

    assert await _until(notices_arrived)
    assert changes.generation("users") == users
    assert changes.generation("vendors") != vendors
    await api.admin.ok("PATCH", f"/api/users/{api.world.users['producer_np']}", json={"full_name": "Hồ Thị Lan"})
    assert changes.generation("users") != users


async def test_a_registration_batch_writes_only_the_tables_it_names(api, market, backend) -> None:
    """The registration writer tells the change signal which tables its commits touch (``BATCH_WRITES``),
    triggers included; PostgreSQL's notices of a real batch are the judge."""
    if backend != "postgres":
        pytest.skip("SQLite keeps its own data_version; there are no notices to send")
    import asyncpg

    from tracker.db.changes import CHANNEL
    from vendors.services.registration_queue import BATCH_WRITES

    url = api.world.settings.database_url.replace("postgresql+asyncpg://", "postgresql://")
    listener = await asyncpg.connect(url)
    tables: set[str] = set()
    try:
        await listener.add_listener(CHANNEL, lambda *args: tables.add(args[-1]))
        await api.taskforce.ok("POST", "/api/vendors", 201, json=vendor_payload(market["id"]))

        async def all_arrived() -> bool:
            return {"vendors", "payment_accounts", "vendor_status_changes", "audit_log"} <= tables

        assert await _until(all_arrived)
        await asyncio.sleep(0.1)  # any straggler of the same commit
    finally:
        await listener.close()
    assert tables <= BATCH_WRITES, tables - BATCH_WRITES
