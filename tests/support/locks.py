"""Waiting, in a test, until a PostgreSQL transaction is blocked on another one's lock."""

from __future__ import annotations

import asyncio
import time

from sqlalchemy import text

from tracker.db.engine import Database

WAITING_ON_A_LOCK = text(
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
)


async def until_waiting_on_a_lock(db: Database, task: asyncio.Future[object], seconds: float = 30) -> None:
    """Returns once some session of the database waits on a lock; fails if ``task`` ends first or none does."""
    deadline = time.monotonic() + seconds
    async with db.read_engine.connect() as conn:
        while time.monotonic() < deadline:
            if task.done():
                raise AssertionError(f"finished without waiting on a lock ({task.exception()!r})")
            if await conn.scalar(WAITING_ON_A_LOCK):
                return
            await asyncio.sleep(0.02)
    raise AssertionError("no session waited on a lock")
