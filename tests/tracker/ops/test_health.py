from __future__ import annotations

import asyncio
from pathlib import Path

from litestar.testing import AsyncTestClient

from tests.conftest import make_settings
from tracker.app import create_app
from tracker.db.migrate import upgrade


async def test_ready_when_migrated(api) -> None:
    ready = await api.anonymous.ok("GET", "/ready")
    assert ready["status"] == "ready"
    assert await api.anonymous.ok("GET", "/health") == {"status": "ok", "database": "ok"}


async def test_not_ready_while_migrations_are_pending(tmp_path: Path) -> None:
    settings = make_settings(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}", tmp_path)
    await asyncio.to_thread(upgrade, settings, "0002")
    async with AsyncTestClient(create_app(settings), base_url="http://testserver.local") as client:
        health = await client.get("/health")
        ready = await client.get("/ready")
    assert health.status_code == 200
    assert ready.status_code == 503
    assert ready.json()["status"] == "migrations pending"
    assert ready.json()["database"] == ["0002"]
