"""Engines and session factories.

Two session factories share one database: ``read`` for GET requests and ``write`` for the rest. On
SQLite the write factory opens its transactions with ``BEGIN IMMEDIATE``: a deferred transaction that
first reads and then writes fails at once with "database is locked" when another writer committed in
between, whereas an immediate one waits its turn (``busy_timeout``). On PostgreSQL both factories use the
same engine; a read replica can later be given to ``read`` alone.
"""

from __future__ import annotations

import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool

from tracker.db.changes import ChangeSignal, NoSignal, PostgresChangeSignal, SqliteChangeSignal
from tracker.db.inline import InlineReader
from tracker.db.inline_writes import loop_thread_connector
from tracker.settings import Settings

SQLITE_BUSY_TIMEOUT_MS = 10_000
# Execution option naming how a write session's next SQLite transaction begins (see ``begin_reads_only``).
SQLITE_BEGIN = "sqlite_begin"


def _sqlite_engine(
    url: str,
    *,
    immediate: bool,
    null_pool: bool,
    pool_size: int,
    busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS,
    async_creator: Callable[[], Awaitable[Any]] | None = None,
) -> AsyncEngine:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    kwargs: dict[str, Any] = {"connect_args": {"timeout": busy_timeout_ms / 1000}}
    if async_creator is not None:
        kwargs = {"async_creator": async_creator}
    if null_pool:
        kwargs["poolclass"] = NullPool
    else:
        # Connections beyond the pool are closed after use; opening one (a thread and the pragmas) costs
        # more than the queries of a request, so the pool holds as many as requests run at once.
        kwargs.update(pool_size=pool_size, max_overflow=pool_size)
    engine = create_async_engine(url, **kwargs)

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's implicit BEGIN is deferred).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        cursor.close()

    begin = "BEGIN IMMEDIATE" if immediate else "BEGIN"

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        deferred = connection.get_execution_options().get(SQLITE_BEGIN) == "deferred"
        connection.exec_driver_sql("BEGIN" if deferred else begin)

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _no_write_in_read_back(connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        # A deferred transaction that reads and then writes fails at once when another writer committed in
        # between; a service that writes again after its commit says so (``Service.commit(then="write")``).
        if connection.get_execution_options().get(SQLITE_BEGIN) == "deferred" and _writes(statement):
            warnings.warn(WriteAfterCommit(statement[:60]), stacklevel=2)

    return engine


class WriteAfterCommit(RuntimeWarning):
    """A write in a transaction that was begun deferred, for reading back a committed answer."""


def _writes(statement: str) -> bool:
    return statement.lstrip()[:6].upper() in {"INSERT", "UPDATE", "DELETE", "REPLAC"}


# Set on a write request's session (tracker.db.session): after its commit, the request reads back its answer.
READ_BACK_AFTER_COMMIT = "read_back_after_commit"


async def begin_reads_only(session: AsyncSession) -> None:
    """After a commit, the rest of a write request only reads back its answer: on SQLite its next transaction
    begins deferred, so the read-back does not queue for the write lock behind other writers (an answer that
    waited out ``busy_timeout`` would report a 503 for a change that was saved). Sessions of commands and
    seeding, which go on writing, and other databases are left as they are."""
    if session.info.get(READ_BACK_AFTER_COMMIT) and session.bind.dialect.name == "sqlite":
        await session.connection(execution_options={SQLITE_BEGIN: "deferred"})


def _postgres_engine(settings: Settings, *, null_pool: bool, url: str | None = None) -> AsyncEngine:
    # No pre-ping (a round trip per request): a connection that the server dropped fails its request
    # with 503, SQLAlchemy then discards the whole pool, and the next requests connect afresh.
    kwargs: dict[str, Any] = {}
    if null_pool:
        kwargs["poolclass"] = NullPool
    else:
        kwargs.update(pool_size=settings.db_pool_size, max_overflow=settings.db_max_overflow, pool_recycle=1800)
    engine = create_async_engine(url or settings.database_url, **kwargs)
    # An INSERT of many rows without RETURNING (status history, audit entries) is one multi-row statement,
    # as psycopg2's dialect sends it, rather than asyncpg's one execution per row on the server: one round of
    # statement triggers and change notices instead of one per row.
    engine.dialect.use_insertmanyvalues_wo_returning = True
    return engine


@dataclass
class Database:
    """The engines of one application instance and the session factories built on them."""

    read_engine: AsyncEngine
    write_engine: AsyncEngine
    read: async_sessionmaker[AsyncSession]
    write: async_sessionmaker[AsyncSession]
    dialect: str
    # Reports may read from a streaming replica (REPORTS_DATABASE_URL); everything else reads the primary,
    # so that a task force sees its own registration at once.
    reports_engine: AsyncEngine | None = None
    reports: async_sessionmaker[AsyncSession] | None = None
    # Whether anything was committed since: answers kept in memory are given again only while it holds.
    changes: ChangeSignal = field(default_factory=NoSignal)
    # SQLite (a file): reads of one row by key, answered without leaving the event loop's thread.
    inline: InlineReader | None = None
    # SQLite (a file): the registration writer's short transactions, run on the event loop's thread
    # (tracker.db.inline_writes); elsewhere it writes through ``write``.
    inline_write_engine: AsyncEngine | None = None
    inline_write: async_sessionmaker[AsyncSession] | None = None

    def reports_sessions(self) -> async_sessionmaker[AsyncSession]:
        return self.reports or self.read

    async def dispose(self) -> None:
        await self.changes.stop()
        if self.inline is not None:
            self.inline.close()
        await self.read_engine.dispose()
        if self.write_engine is not self.read_engine:
            await self.write_engine.dispose()
        if self.inline_write_engine is not None:
            await self.inline_write_engine.dispose()
        if self.reports_engine is not None:
            await self.reports_engine.dispose()


def create_database(settings: Settings, *, null_pool: bool = False) -> Database:
    if settings.is_sqlite:
        read_engine = _sqlite_engine(
            settings.database_url, immediate=False, null_pool=null_pool, pool_size=settings.db_pool_size
        )
        # SQLite has one writer at a time: a few connections queue on its lock as well as many would.
        write_engine = _sqlite_engine(settings.database_url, immediate=True, null_pool=null_pool, pool_size=5)
        dialect = "sqlite"
    else:
        read_engine = write_engine = _postgres_engine(settings, null_pool=null_pool)
        dialect = "postgresql"
    factory_kwargs: dict[str, Any] = {"expire_on_commit": False, "autoflush": False}
    inline_write_engine = _inline_write_engine(settings, null_pool=null_pool)
    reports_engine = None
    if settings.reports_database_url and not settings.is_sqlite:
        reports_engine = _postgres_engine(settings, null_pool=null_pool, url=settings.reports_database_url)
    return Database(
        changes=_change_signal(settings, write_engine),
        inline=_inline_reader(settings),
        inline_write_engine=inline_write_engine,
        inline_write=async_sessionmaker(inline_write_engine, **factory_kwargs) if inline_write_engine else None,
        reports_engine=reports_engine,
        reports=async_sessionmaker(reports_engine, **factory_kwargs) if reports_engine else None,
        read_engine=read_engine,
        write_engine=write_engine,
        read=async_sessionmaker(read_engine, **factory_kwargs),
        write=async_sessionmaker(write_engine, **factory_kwargs),
        dialect=dialect,
    )


def _sqlite_file(settings: Settings) -> str | None:
    """The file of a SQLite database; None for PostgreSQL and for ``:memory:`` (a database per connection)."""
    if not settings.is_sqlite:
        return None
    database = make_url(settings.database_url).database
    return database if database and database != ":memory:" else None


def _inline_reader(settings: Settings) -> InlineReader | None:
    path = _sqlite_file(settings)
    return InlineReader(path) if path else None


def _inline_write_engine(settings: Settings, *, null_pool: bool) -> AsyncEngine | None:
    path = _sqlite_file(settings)
    if not path:
        return None
    # One writer task uses it, one transaction at a time; a locked database answers at once.
    return _sqlite_engine(
        settings.database_url,
        immediate=True,
        null_pool=null_pool,
        pool_size=1,
        busy_timeout_ms=0,
        async_creator=loop_thread_connector(path),
    )


def _change_signal(settings: Settings, engine: AsyncEngine) -> ChangeSignal:
    if settings.memory_cache_entries <= 0:
        return NoSignal()
    if settings.is_sqlite:
        path = _sqlite_file(settings)
        # In memory, each connection has a database of its own: nothing to watch.
        return SqliteChangeSignal(path) if path else NoSignal()
    return PostgresChangeSignal(engine)
