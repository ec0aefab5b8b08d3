"""Backup and restore: a round trip gives back every table exactly, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from tests.support.factories import market_payload, vendor_payload
from tracker.cli import main
from tracker.ops.backup import BackupError, backup, restore
from tracker.settings import Settings


async def fingerprint(settings: Settings) -> dict[str, tuple[int, str]]:
    """Rows and a digest of their content, for every table of the database."""
    engine = create_async_engine(settings.database_url, poolclass=NullPool)
    result: dict[str, tuple[int, str]] = {}
    async with engine.connect() as conn:
        if settings.is_sqlite:
            names = (
                (
                    await conn.execute(
                        text(
                            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                            "AND name NOT LIKE 'vendor_search_%'"
                        )
                    )
                )
                .scalars()
                .all()
            )
        else:
            names = (
                (await conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")))
                .scalars()
                .all()
            )
        for name in sorted(names):
            rows = (await conn.execute(text(f'SELECT * FROM "{name}"'))).all()  # noqa: S608 (catalog names)
            digest = hashlib.sha256("\n".join(sorted(repr(tuple(r)) for r in rows)).encode()).hexdigest()
            result[name] = (len(rows), digest)
    await engine.dispose()
    return result


async def test_round_trip_gives_back_every_table(api, settings: Settings, tmp_path: Path) -> None:
    market = await api.officer.ok("POST", "/api/markets", 201, json=market_payload("20599"))
    vendor = await api.taskforce.ok("POST", "/api/vendors", 201, json=vendor_payload(market["id"]))
    await api.taskforce.ok("POST", f"/api/vendors/{vendor['id']}/status", json={"status": "qr_issued"})
    before = await fingerprint(settings)
    assert before["vendors"][0] >= 1
    assert before["area_units"][0] > 13_000

    archive = tmp_path / ("backup.sqlite" if settings.is_sqlite else "backup.dump")
    result = await asyncio.to_thread(backup, settings, archive)
    assert result.size > 0

    # Life goes on after the backup...
    await api.taskforce.ok("POST", "/api/vendors", 201, json=vendor_payload(market["id"]))
    await api.taskforce.ok("POST", f"/api/vendors/{vendor['id']}/deactivate", json={"reason": "Nghỉ bán hàng"})
    assert await fingerprint(settings) != before

    # ... and the restore brings back the state of the backup exactly.
    await asyncio.to_thread(restore, settings, archive)
    assert await fingerprint(settings) == before
    assert (await api.taskforce.ok("GET", f"/api/vendors/{vendor['id']}"))["active"] is True


async def test_restore_refuses_a_file_that_is_not_a_backup(settings: Settings, clean, tmp_path: Path) -> None:
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(BackupError):
        await asyncio.to_thread(restore, settings, junk)


def test_cli_backup_and_restore_need_confirmation(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("TRACKER_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert main(["db", "upgrade"]) == 0
    assert main(["backup", "-o", str(tmp_path / "b.sqlite")]) == 0
    assert "b.sqlite" in capsys.readouterr().out
    assert main(["restore", str(tmp_path / "b.sqlite")]) == 2
    assert "--yes" in capsys.readouterr().err
    assert main(["restore", str(tmp_path / "b.sqlite"), "--yes"]) == 0
