"""The registration writer's SQLite connection: statements on the awaiting thread, never a wait for a lock."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import create_async_engine

from tracker.db.inline_writes import loop_thread_connector, waits_for_lock


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "writes.db"
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT)")
    return path


async def test_statements_run_on_the_thread_that_awaits_them(database: Path) -> None:
    engine = create_async_engine("sqlite+aiosqlite://", async_creator=loop_thread_connector(str(database)))
    seen: list[int] = []
    try:
        async with engine.begin() as conn:
            raw = await conn.get_raw_connection()
            await raw.driver_connection.create_function("thread_id", 0, lambda: seen.append(threading.get_ident()) or 1)
            await conn.execute(text("INSERT INTO people (name) VALUES ('Đặng Thị Thu')"))
            assert (await conn.execute(text("SELECT thread_id()"))).scalar() == 1
    finally:
        await engine.dispose()
    assert seen == [threading.get_ident()]
    with sqlite3.connect(database) as check:
        assert check.execute("SELECT name FROM people").fetchall() == [("Đặng Thị Thu",)]


async def test_a_locked_database_is_reported_at_once_and_told_apart(database: Path) -> None:
    holder = sqlite3.connect(database, isolation_level=None)
    engine = create_async_engine("sqlite+aiosqlite://", async_creator=loop_thread_connector(str(database)))
    try:
        holder.execute("BEGIN IMMEDIATE")
        async with engine.connect() as conn:
            with pytest.raises(OperationalError) as locked:
                await conn.exec_driver_sql("BEGIN IMMEDIATE")
            assert waits_for_lock(locked.value)
            await conn.rollback()
            with pytest.raises(OperationalError) as wrong:
                await conn.exec_driver_sql("SELECT * FROM nowhere")
            assert not waits_for_lock(wrong.value)
    finally:
        holder.close()
        await engine.dispose()
