"""A cheap answer to "has anything been committed since?", for answers kept in memory between requests.

``ChangeSignal.generation()`` returns a number that differs from any earlier one once any connection, of
this process or another, has committed a change to the database; ``None`` means "unknown" and nothing
may be answered from memory then. It costs no round trip, so a request can ask it before deciding to
read at all.

- SQLite: ``PRAGMA data_version`` on a connection of its own that never writes. SQLite changes the value
  whenever another connection commits, and reads it from the shared WAL index: a few microseconds, no
  lock, no thread hop. Exact: a commit that has returned to its writer is seen by the next call.
- PostgreSQL: every table has a statement trigger that calls ``pg_notify('tracker_changes', <table>)``
  (migrations 0012, 0013); PostgreSQL delivers the notice when the transaction commits, to a connection
  of this process that listens. The process also counts its own commits at once, so that a client of
  this process reads its own writes. A change made through another process is seen as soon as its
  notice arrives (a fraction of a millisecond on one host). While the listening connection is down the
  signal answers ``None`` and every request reads the database. At start the listener checks that a
  notice sent through the application's pool reaches it (a transaction-mode pooler would drop them all).

``generation(table)`` changes only with that table: the signed-in user, kept in memory, depends on
``users`` alone and need not be read again after every registration. PostgreSQL knows the table from the
notice; a commit of this process counts for every table unless its session names the tables it wrote
(``WRITES_ONLY``). SQLite knows no tables: there it is the same number as ``generation()``.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import sqlite3
import weakref
from collections.abc import Iterable
from typing import Any, Protocol

from sqlalchemy import event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Session

from tracker.db.inline import query_only_connection

CHANNEL = "tracker_changes"
# Session info: the tables a transaction writes (its triggers included), when it writes no others; its
# commit then ends only what depends on them. Without it a commit counts for every table.
WRITES_ONLY = "writes_only"
PROBE = "probe"
PROBE_SECONDS = 5
log = logging.getLogger(__name__)


class ChangeSignal(Protocol):
    def generation(self, table: str | None = None) -> int | None: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class NoSignal:
    """Nothing is ever answered from memory (in-memory SQLite, or caching turned off)."""

    def generation(self, table: str | None = None) -> int | None:
        return None

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None


class SqliteChangeSignal:
    def __init__(self, path: str) -> None:
        self.path = path
        self._conn: sqlite3.Connection | None = None
        self._cursor: sqlite3.Cursor | None = None

    async def start(self) -> None:
        # Query-only: its own commits would not change the value it reads.
        self._conn = query_only_connection(self.path)
        # Read on every request (twice for a GET): one cursor for all, 4 µs a read instead of 7.
        self._cursor = self._conn.cursor()

    def generation(self, table: str | None = None) -> int | None:
        if self._cursor is None:
            return None
        try:
            return int(self._cursor.execute("PRAGMA data_version").fetchone()[0])
        except sqlite3.Error:
            return None

    async def stop(self) -> None:
        if self._conn is not None:
            self._cursor = None
            self._conn.close()
            self._conn = None


class PostgresChangeSignal:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._counter = itertools.count(1)
        self._generation: int | None = None
        # The generation at which each table last changed, and at which every table may have.
        self._table_changed: dict[str, int] = {}
        self._all_changed = 0
        self._conn: Any = None
        self._reconnect: asyncio.Task[None] | None = None
        self._probe: asyncio.Event | None = None
        self._stopped = False
        _LOCAL[engine.sync_engine] = self

    def generation(self, table: str | None = None) -> int | None:
        if self._generation is None or table is None:
            return self._generation
        return max(self._table_changed.get(table, 0), self._all_changed)

    def count_change(self, tables: Iterable[str] | None = None) -> None:
        """A commit of the given tables; None: of any table."""
        if self._conn is None:
            return
        generation = self._generation = next(self._counter)
        if tables is None:
            self._all_changed = generation
        else:
            for table in tables:
                self._table_changed[table] = generation

    def _on_lost(self, _conn: Any) -> None:
        self._conn = None
        self._generation = None
        if not self._stopped:
            self._reconnect = asyncio.get_running_loop().create_task(self._connect_with_retry())

    def _on_notice(self, _conn: Any, _pid: int, _channel: str, payload: str) -> None:
        if payload == PROBE and self._probe is not None:
            self._probe.set()
        # The table's name; a notice without one (an older trigger, a probe) counts for every table.
        self.count_change([payload] if payload and payload != PROBE else None)

    async def _connect(self) -> None:
        import asyncpg  # the PostgreSQL driver is only needed with a PostgreSQL database

        url = make_url(self.engine.url.render_as_string(hide_password=False)).set(drivername="postgresql")
        conn = await asyncpg.connect(url.render_as_string(hide_password=False))
        self._probe = asyncio.Event()
        await conn.add_listener(CHANNEL, self._on_notice)
        # A notice sent through the application's own pool must come back: a transaction-mode pooler
        # between the two would drop every notice, and answers kept in memory would never end.
        async with self.engine.connect() as sender:
            await sender.execute(text("SELECT pg_notify(:channel, :payload)"), {"channel": CHANNEL, "payload": PROBE})
            await sender.commit()
        try:
            await asyncio.wait_for(self._probe.wait(), PROBE_SECONDS)
        except TimeoutError:
            await conn.close()
            raise RuntimeError("a change notice sent through the pool did not arrive") from None
        conn.add_termination_listener(self._on_lost)
        self._conn = conn
        self.count_change()  # anything may have changed while no one listened

    async def _connect_with_retry(self) -> None:
        delay = 0.5
        while not self._stopped and self._conn is None:
            try:
                await self._connect()
            except Exception as exc:  # the database is down: requests read it (and fail) directly meanwhile
                log.warning("change notices unavailable: %s", exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30)

    async def start(self) -> None:
        try:
            await self._connect()
        except Exception as exc:
            log.warning("change notices unavailable: %s", exc)
            self._reconnect = asyncio.get_running_loop().create_task(self._connect_with_retry())

    async def stop(self) -> None:
        self._stopped = True
        if self._reconnect is not None:
            self._reconnect.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reconnect
        conn, self._conn, self._generation = self._conn, None, None
        if conn is not None:
            with contextlib.suppress(Exception):
                await conn.close(timeout=5)
        _LOCAL.pop(self.engine.sync_engine, None)


_LOCAL: weakref.WeakKeyDictionary[Engine, PostgresChangeSignal] = weakref.WeakKeyDictionary()


@event.listens_for(Session, "after_commit")
def _count_local_commit(session: Session) -> None:
    """This process's own commits count once done, before their notice comes back: a client reads its own
    write at once. (Counting before the commit would let a concurrent read store the old answer under the
    new number.)"""
    bind = session.bind
    signal = _LOCAL.get(bind) if isinstance(bind, Engine) else None
    if signal is not None:
        signal.count_change(session.info.get(WRITES_ONLY))
