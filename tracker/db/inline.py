"""Reads of one row by its key on SQLite, answered on the event loop's own thread.

aiosqlite runs every statement on a thread of its connection, and each round trip wakes that thread and
then the event loop: on a busy two-core machine 0.5–1 ms of waiting, and more CPU than the read itself,
which takes SQLite about 10 µs for a row found by its primary key. For those reads alone a connection
used from the loop's thread costs less than the round trip it saves.

It never makes the loop wait: ``busy_timeout`` is 0, so a read that would have to wait (rare in WAL mode,
where readers do not wait for the writer) raises ``InlineUnavailable``, as any error does, and the caller
asks the usual way. It is query-only: nothing can write through it.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import Select
from sqlalchemy.dialects import sqlite


class InlineUnavailable(Exception):
    """The read would have had to wait, or failed: ask through the asynchronous engine instead."""


def query_only_connection(path: str) -> sqlite3.Connection:
    """A connection used from the event loop's thread: it never waits for a lock (``timeout`` 0) and never
    writes. Usable from whichever thread runs the loop (a test client runs it on one of its own)."""
    conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=0)
    conn.execute("PRAGMA query_only=ON")
    return conn


def inline_sql(statement: Select[Any]) -> str:
    """The SQLite text of a statement whose parameters are given by position (``?``)."""
    return str(statement.compile(dialect=sqlite.dialect()))


class InlineReader:
    def __init__(self, path: str) -> None:
        self.path = path
        self._conn: sqlite3.Connection | None = None

    def first(self, sql: str, parameters: tuple[Any, ...]) -> tuple[Any, ...] | None:
        """The first row of a statement that reads a few rows through an index."""
        try:
            if self._conn is None:
                self._conn = query_only_connection(self.path)
            row: tuple[Any, ...] | None = self._conn.execute(sql, parameters).fetchone()
        except sqlite3.Error as exc:
            raise InlineUnavailable(str(exc)) from exc
        return row

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
