"""A write request's answer, read back after its commit, never queues for SQLite's write lock.

Under load, a read-back that began ``IMMEDIATE`` waited behind other writers for ``busy_timeout`` and then
answered 503 for a change that was already saved; it now begins deferred. A service that writes again
after committing asks for ``then="write"`` and keeps the immediate transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from tests.conftest import make_settings
from tracker.db import engine as engine_module
from tracker.db.engine import READ_BACK_AFTER_COMMIT, Database, WriteAfterCommit, begin_reads_only, create_database


@pytest.fixture
async def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Database]:
    # A short lock wait keeps the failing case quick; the behaviour does not depend on its length.
    monkeypatch.setattr(engine_module, "SQLITE_BUSY_TIMEOUT_MS", 300)
    settings = make_settings(f"sqlite+aiosqlite:///{tmp_path / 't.db'}", tmp_path)
    db = create_database(settings, null_pool=True)
    async with db.write() as session:
        await session.execute(text("CREATE TABLE things (id INTEGER PRIMARY KEY, name TEXT)"))
        await session.commit()
    yield db
    await db.write_engine.dispose()
    await db.read_engine.dispose()


@pytest.fixture
def other_writer(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    """Another process's writer: holds SQLite's write lock until the test ends."""
    conn = sqlite3.connect(tmp_path / "t.db", isolation_level=None, timeout=0.1)
    yield conn
    conn.close()


async def test_the_read_back_after_a_commit_does_not_wait_for_another_writer(
    database: Database, other_writer: sqlite3.Connection
) -> None:
    async with database.write() as session:
        session.info[READ_BACK_AFTER_COMMIT] = True
        await session.execute(text("INSERT INTO things (name) VALUES ('Chợ Nam Phước')"))
        await session.commit()
        await begin_reads_only(session)
        other_writer.execute("BEGIN IMMEDIATE")
        names = (await session.execute(text("SELECT name FROM things"))).scalars().all()
    assert names == ["Chợ Nam Phước"]


@pytest.mark.parametrize("request_session", [True, False], ids=["then-write", "command"])
async def test_a_transaction_meant_for_writing_still_takes_the_write_lock_first(
    database: Database, other_writer: sqlite3.Connection, request_session: bool
) -> None:
    """A request's service that commits with ``then="write"``, and a command's session, keep writing."""
    async with database.write() as session:
        session.info[READ_BACK_AFTER_COMMIT] = request_session
        await session.execute(text("INSERT INTO things (name) VALUES ('Chợ Nam Phước')"))
        await session.commit()
        if not request_session:
            await begin_reads_only(session)  # what Service.commit() does: nothing, for a command's session
        other_writer.execute("BEGIN IMMEDIATE")
        with pytest.raises(OperationalError, match="locked"):
            await session.execute(text("SELECT name FROM things"))


async def test_writing_in_a_read_back_is_named(database: Database) -> None:
    async with database.write() as session:
        session.info[READ_BACK_AFTER_COMMIT] = True
        await session.execute(text("INSERT INTO things (name) VALUES ('a')"))
        await session.commit()
        await begin_reads_only(session)
        with pytest.warns(WriteAfterCommit):
            await session.execute(text("INSERT INTO things (name) VALUES ('b')"))
