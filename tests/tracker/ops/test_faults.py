"""Faults: the database going away, a read-only or full SQLite file. Clear 503s, nothing half-written,
and the service recovers by itself."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from tests.conftest import build_world, make_settings
from tests.support.factories import market_payload, vendor_payload
from tests.support.pg_cluster import ClusterUnavailable, start_cluster
from tracker.app import create_app
from tracker.db.migrate import upgrade


async def vendor_ids(url: str) -> set[int]:
    engine = create_async_engine(url, poolclass=NullPool)
    async with engine.connect() as conn:
        ids = set((await conn.execute(text("SELECT id FROM vendors"))).scalars())
    await engine.dispose()
    return ids


async def counts(url: str) -> dict[str, int]:
    engine = create_async_engine(url, poolclass=NullPool)
    async with engine.connect() as conn:
        result = {
            "vendors": (await conn.execute(text("SELECT count(*) FROM vendors"))).scalar_one(),
            "accounts": (await conn.execute(text("SELECT count(*) FROM payment_accounts"))).scalar_one(),
            "histories": (await conn.execute(text("SELECT count(*) FROM vendor_status_changes"))).scalar_one(),
            "audits": (
                await conn.execute(text("SELECT count(*) FROM audit_log WHERE entity = 'vendor' AND action = 'create'"))
            ).scalar_one(),
        }
    await engine.dispose()
    return result


async def test_postgres_going_away_mid_load_gives_503_and_recovers(tmp_path: Path) -> None:
    try:
        cluster = start_cluster("cho-so-fault-pg-", durable=True)
    except ClusterUnavailable as exc:
        pytest.skip(f"PostgreSQL is not available: {exc}")  # the conftest cluster fixture fails under CI first
    try:
        settings = make_settings(cluster.create_database("faults"), tmp_path)
        await asyncio.to_thread(upgrade, settings)
        world = await build_world(settings)
        headers = {"Authorization": f"Bearer {world.tokens['taskforce_np']}"}
        officer = {"Authorization": f"Bearer {world.tokens['officer_dx']}"}
        async with AsyncTestClient(create_app(settings), base_url="http://testserver.local") as client:
            market = (await client.post("/api/markets", json=market_payload("20599"), headers=officer)).json()
            acknowledged: list[int] = []
            statuses: list[int] = []

            async def register() -> None:
                response = await client.post("/api/vendors", json=vendor_payload(market["id"]), headers=headers)
                statuses.append(response.status_code)
                if response.status_code == 201:
                    acknowledged.append(response.json()["id"])
                else:
                    assert response.status_code == 503, response.text
                    assert "thử lại" in response.json()["detail"]

            async def load(seconds: float) -> None:
                end = asyncio.get_running_loop().time() + seconds
                while asyncio.get_running_loop().time() < end:
                    await asyncio.gather(*(register() for _ in range(4)))

            loader = asyncio.create_task(load(6))
            await asyncio.sleep(1.5)
            await asyncio.to_thread(cluster.stop, "immediate")  # the server is killed, connections drop
            await asyncio.sleep(1.5)
            await asyncio.to_thread(cluster.start)
            await loader
            assert 503 in statuses
            assert 201 in statuses
            # Recovered without a restart: the next registrations succeed.
            recovered = [
                await client.post("/api/vendors", json=vendor_payload(market["id"]), headers=headers) for _ in range(3)
            ]
            assert [r.status_code for r in recovered][-1] == 201
            acknowledged += [r.json()["id"] for r in recovered if r.status_code == 201]
            health = await client.get("/health")
            assert health.status_code == 200
        found = await counts(settings.database_url)
        saved = await vendor_ids(settings.database_url)
        # Every acknowledged registration is there exactly once, with its account, history and audit entry;
        # nothing was half written by the requests that failed.
        assert set(acknowledged) <= saved
        assert found == {k: len(saved) for k in found}
        # A commit that reached the server just before it died is saved though its answer was lost (503,
        # "try again": the retry is answered 409 naming the vendor). At most the requests then in flight.
        assert len(saved - set(acknowledged)) <= 4
    finally:
        cluster.remove()


async def _sqlite_client(tmp_path: Path):
    settings = make_settings(f"sqlite+aiosqlite:///{tmp_path / 'tracker.db'}", tmp_path)
    await asyncio.to_thread(upgrade, settings)
    world = await build_world(settings)
    return settings, world


async def test_a_read_only_sqlite_file_gives_a_clear_503(tmp_path: Path) -> None:
    _, world = await _sqlite_client(tmp_path)
    read_only = make_settings(f"sqlite+aiosqlite:///file:{tmp_path / 'tracker.db'}?mode=ro&uri=true", tmp_path)
    async with AsyncTestClient(create_app(read_only), base_url="http://testserver.local") as client:
        response = await client.post(
            "/api/markets",
            json=market_payload("20599"),
            headers={"Authorization": f"Bearer {world.tokens['officer_dx']}"},
        )
        listing = await client.get("/api/markets", headers={"Authorization": f"Bearer {world.tokens['officer_dx']}"})
    assert response.status_code == 503
    assert "chỉ đọc" in response.json()["detail"]
    assert listing.status_code == 200  # reading still works


async def test_a_full_disk_gives_a_clear_503_and_saves_nothing(tmp_path: Path) -> None:
    settings, world = await _sqlite_client(tmp_path)
    app = create_app(settings)
    headers = {"Authorization": f"Bearer {world.tokens['taskforce_np']}"}
    async with AsyncTestClient(app, base_url="http://testserver.local") as client:
        market = (
            await client.post(
                "/api/markets",
                json=market_payload("20599"),
                headers={"Authorization": f"Bearer {world.tokens['officer_dx']}"},
            )
        ).json()

        # Simulate a full disk: the database file may not grow by a single page any more, through any of
        # the connections that write (registrations are written on the event loop's thread's own).
        def _full(dbapi_connection: object, _record: object) -> None:
            cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
            cursor.execute("PRAGMA page_count")
            pages = cursor.fetchone()[0]
            cursor.execute(f"PRAGMA max_page_count = {pages}")
            cursor.close()

        db = app.state.db
        for engine in (db.write_engine, db.inline_write_engine):
            event.listen(engine.sync_engine, "connect", _full)
            await engine.dispose()  # new connections get the limit
        before = await counts(settings.database_url)
        responses = [
            await client.post("/api/vendors", json=vendor_payload(market["id"]), headers=headers) for _ in range(40)
        ]
    full = [r for r in responses if r.status_code == 503]
    assert full, [r.status_code for r in responses]
    assert "đầy" in full[0].json()["detail"]
    assert all(r.status_code in (201, 503) for r in responses)
    created = sum(r.status_code == 201 for r in responses)
    after = await counts(settings.database_url)
    assert after == {k: before[k] + created for k in before}
