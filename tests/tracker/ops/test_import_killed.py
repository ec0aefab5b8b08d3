"""The server killed (SIGKILL) while an import is writing: after a restart no row of the import is there,
nor its import record, the rows committed before are untouched, the audit chain verifies, and the same
file imports in full.

An import is one transaction (the data, the import record, its rows and the audit entries), so a process
that dies before the commit leaves nothing behind: there is no "running" import to clean up. The kill is
timed on the database itself: on PostgreSQL when the server's connection is inserting vendors
(``pg_stat_activity``), on SQLite when the uncommitted transaction has spilled pages into the write-ahead
log (which a transaction only does while writing, and which the test empties before the import).
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from tests.conftest import SECRET, build_world, make_settings
from tests.support.factories import market_payload, vendor_payload
from tests.support.pg_cluster import PgCluster, free_port
from tests.tracker.imports.sheets import csv_bytes, table, vendor_rows
from tracker.audit.commands import verify_audit
from tracker.db.migrate import upgrade
from tracker.settings import Settings

ROWS = 4000
BEFORE = 12
WAL_SPILL_BYTES = 256 * 1024


def _environment(settings: Settings) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "SECRET_KEY": SECRET,
        "TRACKER_DATA_DIR": str(settings.data_dir),
        "TRACKER_ENV": "test",
    }


class Server:
    """``tracker serve`` in its own process, on a free port."""

    def __init__(self, settings: Settings, log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = _environment(settings)
        tracker = Path(sys.executable).with_name("tracker")
        self.log = log.open("ab")
        self.process = subprocess.Popen(
            [str(tracker), "serve", "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning"],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, log.read_text(errors="replace")
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise AssertionError("the server did not start: " + log.read_text(errors="replace"))

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)
        self.log.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)
        self.log.close()


@pytest.fixture(params=["sqlite", "postgres"])
def backend_settings(
    request: pytest.FixtureRequest, tmp_path: Path, pg_cluster: PgCluster | None
) -> Iterator[Settings]:
    if request.param == "sqlite":
        yield make_settings(f"sqlite+aiosqlite:///{tmp_path / 'tracker.db'}", tmp_path)
        return
    if pg_cluster is None:
        pytest.skip("PostgreSQL is not available on this machine")
    name = f"import_killed_{os.getpid()}"
    yield make_settings(pg_cluster.create_database(name), tmp_path)
    pg_cluster.drop_database(name)


async def _scalar(settings: Settings, sql: str, **params: Any) -> Any:
    engine = create_async_engine(settings.database_url, poolclass=NullPool)
    async with engine.connect() as conn:
        value = (await conn.execute(text(sql), params)).scalar()
    await engine.dispose()
    return value


async def _vendors(settings: Settings) -> list[tuple[Any, ...]]:
    """Every vendor with what a write would change, and its accounts."""
    engine = create_async_engine(settings.database_url, poolclass=NullPool)
    async with engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT v.id, v.code, v.phone, v.version, v.status, v.import_id, p.account_number "
                "FROM vendors v LEFT JOIN payment_accounts p ON p.vendor_id = v.id ORDER BY v.id, p.id"
            )
        )
        found = [tuple(r) for r in rows]
    await engine.dispose()
    return found


async def _empty_the_wal(settings: Settings) -> None:
    engine = create_async_engine(settings.database_url, poolclass=NullPool)
    async with engine.connect() as conn:
        await conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    await engine.dispose()


def _wal_spilled(wal: Path) -> bool:
    return wal.exists() and wal.stat().st_size > WAL_SPILL_BYTES


async def _writing(settings: Settings) -> bool:
    """Whether the server's import transaction is writing vendors (uncommitted)."""
    if settings.is_sqlite:
        wal = Path(settings.database_url.removeprefix("sqlite+aiosqlite:///") + "-wal")
        return await asyncio.to_thread(_wal_spilled, wal)
    inserting = await _scalar(
        settings,
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND pid <> pg_backend_pid() AND state IN ('active', 'idle in transaction') "
        "AND query ILIKE 'INSERT INTO vendors%'",
    )
    return bool(inserting)


async def _wait_until_gone(settings: Settings) -> None:
    """PostgreSQL ends the killed server's transaction when it notices the connection is gone."""
    if settings.is_sqlite:
        return
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        others = await _scalar(
            settings,
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
        )
        if not others:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the killed server's connections are still open")


async def test_killing_the_server_mid_import_leaves_no_partial_import(
    backend_settings: Settings, tmp_path: Path
) -> None:
    settings = backend_settings
    await asyncio.to_thread(upgrade, settings)
    world = await build_world(settings)
    taskforce = {"Authorization": f"Bearer {world.tokens['taskforce_np']}"}
    officer = {"Authorization": f"Bearer {world.tokens['officer_dx']}"}
    log = tmp_path / "server.log"

    server = await asyncio.to_thread(Server, settings, log)
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=120) as client:
            market = (
                await client.post("/api/markets", json=market_payload("20599", stall_count=9000), headers=officer)
            ).json()
            for _ in range(BEFORE):
                made = await client.post("/api/vendors", json=vendor_payload(market["id"]), headers=taskforce)
                assert made.status_code == 201, made.text
    finally:
        await asyncio.to_thread(server.stop)
    before = await _vendors(settings)
    audits_before = await _scalar(settings, "SELECT count(*) FROM audit_log")
    assert len({r[0] for r in before}) == BEFORE
    content = csv_bytes(*table(vendor_rows(market["code"], ROWS)))
    if settings.is_sqlite:
        await _empty_the_wal(settings)

    server = await asyncio.to_thread(Server, settings, log)
    killed_while_writing = False
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=120) as client:
            upload = asyncio.create_task(
                client.post(
                    "/api/imports/vendors",
                    params={"mode": "all"},
                    files={"file": ("tieu-thuong.csv", content)},
                    headers=taskforce,
                )
            )
            deadline = time.monotonic() + 120
            while not upload.done() and time.monotonic() < deadline:
                if await _writing(settings):
                    await asyncio.to_thread(server.kill)
                    killed_while_writing = True
                    break
                await asyncio.sleep(0.01)
            with pytest.raises(httpx.TransportError):
                await upload
    finally:
        await asyncio.to_thread(server.stop)
    assert killed_while_writing, "the import finished before it was seen writing"
    await _wait_until_gone(settings)

    # Nothing of the import: no vendor, no import record, no import row, no audit entry.
    assert await _vendors(settings) == before
    assert await _scalar(settings, "SELECT count(*) FROM imports") == 0
    assert await _scalar(settings, "SELECT count(*) FROM import_rows") == 0
    assert await _scalar(settings, "SELECT count(*) FROM audit_log") == audits_before
    verified = await verify_audit(settings)
    assert verified.ok, verified
    cli = await asyncio.to_thread(
        subprocess.run,
        [str(Path(sys.executable).with_name("tracker")), "audit", "verify"],
        env=_environment(settings),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert cli.returncode == 0, cli.stderr
    assert "audit chain intact" in cli.stdout

    # The service comes back and the same file goes in whole.
    server = await asyncio.to_thread(Server, settings, log)
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=300) as client:
            listed = (await client.get("/api/imports", headers=taskforce)).json()
            assert listed["total"] == 0
            report = await client.post(
                "/api/imports/vendors",
                params={"mode": "all"},
                files={"file": ("tieu-thuong.csv", content)},
                headers=taskforce,
            )
            assert report.status_code == 201, report.text
            assert report.json()["counts"]["created"] == ROWS
    finally:
        await asyncio.to_thread(server.stop)
    after = await _vendors(settings)
    assert after[: len(before)] == before
    assert len({r[0] for r in after}) == BEFORE + ROWS
    assert await _scalar(settings, "SELECT count(*) FROM vendors WHERE import_id IS NOT NULL") == ROWS
    verified = await verify_audit(settings)
    assert verified.ok, verified
