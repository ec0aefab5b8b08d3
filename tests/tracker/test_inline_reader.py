"""The SQLite reads answered on the event loop's thread never wait and never write."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest
from sqlalchemy import bindparam, column, select, table

from tracker.db.inline import InlineReader, InlineUnavailable, inline_sql

PEOPLE = table("people", column("id"), column("name"))
BY_ID = inline_sql(select(PEOPLE.c.name).where(PEOPLE.c.id == bindparam("id")))


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "inline.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT)")
        conn.execute("INSERT INTO people VALUES (1, 'Nguyễn Thị Đào')")
    return path


def test_reads_the_latest_committed_row(database: Path) -> None:
    reader = InlineReader(str(database))
    try:
        assert BY_ID.endswith("WHERE people.id = ?")
        assert reader.first(BY_ID, (1,)) == ("Nguyễn Thị Đào",)
        assert reader.first(BY_ID, (2,)) is None
        with sqlite3.connect(database) as writer:
            writer.execute("UPDATE people SET name = 'Trần Văn An' WHERE id = 1")
        assert reader.first(BY_ID, (1,)) == ("Trần Văn An",)
    finally:
        reader.close()


def test_a_read_that_would_wait_gives_way_at_once(database: Path) -> None:
    """A database locked by a writer (here in rollback-journal mode, where readers must wait) is not
    waited for: the caller asks through the asynchronous engine instead."""
    holder = sqlite3.connect(database, isolation_level=None)
    reader = InlineReader(str(database))
    try:
        holder.execute("BEGIN EXCLUSIVE")
        holder.execute("UPDATE people SET name = 'x' WHERE id = 1")
        started = time.monotonic()
        with pytest.raises(InlineUnavailable):
            reader.first(BY_ID, (1,))
        assert time.monotonic() - started < 1  # no busy_timeout: well under any wait SQLite would do
        holder.execute("ROLLBACK")
        assert reader.first(BY_ID, (1,)) == ("Nguyễn Thị Đào",)
    finally:
        reader.close()
        holder.close()


def test_nothing_can_be_written_through_it(database: Path) -> None:
    reader = InlineReader(str(database))
    try:
        with pytest.raises(InlineUnavailable):
            reader.first("DELETE FROM people RETURNING id", ())
        assert reader.first(BY_ID, (1,)) == ("Nguyễn Thị Đào",)
    finally:
        reader.close()
