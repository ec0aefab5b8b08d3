"""Migrations: they match the models, go down and up again, and carry data across (the audit chain)."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from tests.conftest import make_settings
from tests.support.pg_cluster import PgCluster
from tracker.audit.commands import verify_audit
from tracker.db.all_models import metadata
from tracker.db.base import include_in_migrations
from tracker.db.migrate import downgrade, upgrade
from tracker.settings import Settings

_names = itertools.count()


@pytest.fixture(params=["sqlite", "postgres"])
def scratch(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    if request.param == "sqlite":
        return make_settings(f"sqlite+aiosqlite:///{tmp_path / 'scratch.db'}", tmp_path)
    cluster: PgCluster | None = request.getfixturevalue("pg_cluster")
    if cluster is None:
        pytest.skip("PostgreSQL is not available on this machine")
    return make_settings(cluster.create_database(f"scratch_{next(_names)}"), tmp_path)


async def _diff(settings: Settings) -> list[object]:
    engine = create_async_engine(settings.database_url, poolclass=NullPool)

    def compare(sync_conn: object) -> list[object]:
        context = MigrationContext.configure(
            sync_conn,  # type: ignore[arg-type]
            opts={"compare_type": True, "include_object": include_in_migrations},
        )
        return list(compare_metadata(context, metadata))

    async with engine.connect() as conn:
        diff = await conn.run_sync(compare)
    await engine.dispose()
    return diff


async def test_models_match_the_migrations_and_downgrade_works(scratch: Settings) -> None:
    await asyncio.to_thread(upgrade, scratch)
    assert await _diff(scratch) == []
    await asyncio.to_thread(downgrade, scratch, "base")
    await asyncio.to_thread(upgrade, scratch)
    assert await _diff(scratch) == []


async def test_existing_audit_entries_are_chained_by_the_upgrade(scratch: Settings) -> None:
    await asyncio.to_thread(upgrade, scratch, "0003")
    engine = create_async_engine(scratch.database_url, poolclass=NullPool)
    async with engine.begin() as conn:
        for n in range(5):
            await conn.execute(
                text(
                    "INSERT INTO audit_log (at, actor_username, action, entity, entity_id, after) "
                    "VALUES (:at, 'system', 'create', 'market', :n, :after)"
                ),
                {"at": dt.datetime(2025, 1, 1, 8, n, tzinfo=dt.UTC), "n": n, "after": '{"name": "Chợ"}'},
            )
    await engine.dispose()
    await asyncio.to_thread(upgrade, scratch)
    result = await verify_audit(scratch)
    assert result.ok
    assert result.checked == 5
