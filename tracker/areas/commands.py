"""``tracker areas load``: (re)load the shipped administrative units into an existing database."""

from __future__ import annotations

from tracker.areas.loader import load_units
from tracker.db.engine import create_database
from tracker.settings import Settings


async def load_areas(settings: Settings) -> dict[str, int]:
    db = create_database(settings, null_pool=True)
    try:
        async with db.write_engine.begin() as conn:
            return await conn.run_sync(load_units)
    finally:
        await db.dispose()
