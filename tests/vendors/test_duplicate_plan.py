"""How SQLite reads a registration's duplicate checks: through the unique indexes, never the whole table.

SQLite uses a partial index only when the query repeats the index's WHERE terms as written; a bank-account
check written ``active = 1`` against the index ``WHERE active`` scanned every payment account (about 14 ms
a registration with 100,000 vendors). The plan is read, not timed.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from tracker.db.migrate import upgrade
from tracker.settings import Settings
from vendors.services.registration import _holders_statement


async def test_every_duplicate_check_of_a_registration_is_an_index_search(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'plan.db'}", secret_key="p" * 40)
    await asyncio.to_thread(upgrade, settings)
    engine = create_async_engine(settings.database_url, poolclass=NullPool)
    statement = _holders_statement(("personal_id", "account", "phone"))
    sql = re.sub(r"__\[POSTCOMPILE_\w+\]", "?", str(statement.compile(dialect=engine.dialect)))
    try:
        async with engine.connect() as conn:
            rows = await conn.exec_driver_sql(
                f"EXPLAIN QUERY PLAN {sql}", ("079123456789", "970436", "0123456789", 1, "0901234567")
            )
            plan = "\n".join(str(row[-1]) for row in rows)
    finally:
        await engine.dispose()
    assert "SCAN" not in plan, plan
    assert "USING INDEX uq_payment_accounts_bank_account" in plan, plan
    assert "SEARCH vendors USING INDEX sqlite_autoindex_vendors" in plan, plan  # the personal ID's unique index
