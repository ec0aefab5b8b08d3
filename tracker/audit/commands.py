"""``tracker audit verify``: walks the audit hash chain and reports the first broken entry."""

from __future__ import annotations

from tracker.audit.chain import Verification, iter_entries, verify_rows
from tracker.db.engine import create_database
from tracker.settings import Settings


async def verify_audit(settings: Settings) -> Verification:
    db = create_database(settings, null_pool=True)
    try:
        async with db.read_engine.connect() as conn:
            return await conn.run_sync(lambda sync_conn: verify_rows(iter_entries(sync_conn)))
    finally:
        await db.dispose()
