"""Short write transactions on SQLite, run on the event loop's own thread.

A batch of registrations is a dozen statements of well under a millisecond each. Through aiosqlite every
one of them is a round trip to the connection's thread and back, and the way back waits its turn behind
everything else the event loop has to do: under load the batch spent most of its time waiting, not
writing. On a connection whose statements run where they are awaited, the batch is as long as its SQL.

It never makes the loop wait for a lock: ``busy_timeout`` is 0, so when another connection holds the
write lock (the registration page, an import, another worker process) ``BEGIN IMMEDIATE`` fails at once
(``waits_for_lock``) and the caller writes through the usual engine, which waits on its own thread.
Only callers whose transactions are short and bounded use it: the registration writer.

It overrides aiosqlite's private ``Connection._execute``: pyproject.toml keeps aiosqlite below 0.23, and
tests/tracker/test_inline_writes.py checks that the statements still run on the awaiting thread.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

import aiosqlite
from sqlalchemy.exc import OperationalError


class LoopThreadConnection(aiosqlite.Connection):
    """An aiosqlite connection whose statements run on the thread that awaits them.

    Opening and closing still go through aiosqlite's thread, as SQLAlchemy's adapter expects."""

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        return fn(*args, **kwargs)


def loop_thread_connector(path: str) -> Callable[[], Awaitable[aiosqlite.Connection]]:
    """An ``async_creator`` for SQLAlchemy: connections to ``path`` used from the event loop's thread."""

    async def connect() -> aiosqlite.Connection:
        # Opened on aiosqlite's thread, used on the loop's; timeout 0: a locked database answers at once.
        connector = partial(sqlite3.connect, path, check_same_thread=False, timeout=0)
        return await LoopThreadConnection(connector, iter_chunk_size=64)

    return connect


def waits_for_lock(exc: BaseException) -> bool:
    """Whether SQLite refused a statement because another connection holds the lock it needs."""
    return isinstance(exc, OperationalError) and "database is locked" in str(exc.orig).lower()
