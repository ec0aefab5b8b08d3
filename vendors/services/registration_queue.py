"""Registrations that arrive together are written together.

A task force at a market opening registers a stall every few seconds per phone, and a commune's teams do
so at once. Each ``POST /api/vendors`` waits here; one writer per process takes every registration that
is waiting and writes them in one transaction: one duplicate lookup, one INSERT per table, one audit
chain read, one commit. While it writes, the next ones gather. On SQLite, where one connection writes at
a time, this replaces a queue of transactions that each held the write lock across a dozen round trips.

Before it takes a batch the writer lets the event loop read the requests already received. On PostgreSQL,
under load, it also lets the batch gather for a moment (``GATHER_SECONDS``): the loop answers and reads
requests while a batch is written, so the clients answered by one batch come back just after the next
was taken, and 16 task-force phones split into two alternating batches of 8, where a batch costs about
the same dozen round trips whatever its size. On SQLite the batch runs on the loop's thread
(tracker.db.inline_writes): whoever arrived meanwhile is all there when it ends, and waiting would only
leave the processor idle. A registration that arrives alone is written at once. Each request checks its
own fields (``Registration.with_own_fields``, no database) as it arrives, so a batch holds only the work
that needs the database.

Each registration keeps the answer it would have had alone (``VendorService.register_many``):
- its own 400, 403 or 409;
- one that repeats a value of an earlier one in the same batch is written after it, alone, and answered
  409 naming it;
- when a concurrent writer (another process) wins a race on a unique index, the batch is rolled back and
  each of its registrations is written again alone.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from qr.banks import BankDirectory
from tracker.db.changes import WRITES_ONLY
from tracker.db.inline_writes import waits_for_lock
from tracker.lib import clock
from vendors.schemas import Vendor as VendorOut
from vendors.services.registration import WRITE_ALONE, Outcome, Registration, WriteAlone
from vendors.services.vendors import VendorService

# Enough to take every request of a busy worker at once; small enough for one short transaction.
LARGEST_BATCH = 64
# How long the next batch gathers after a batch of several, when batches are not written on the loop's
# thread: about the time a client takes to send its next request once answered. Measured in pairs with 16
# clients on PostgreSQL: 423, 431, 379 registrations/s without; 475, 484, 388 with. On SQLite, where the
# batch already holds every client, it only idled the processor (780–960 without, 700–760 with).
GATHER_SECONDS = 0.002
# Every table a batch writes, its triggers' included: its commit leaves what depends on other tables
# (the signed-in users kept in memory) as it is (tracker.db.changes).
BATCH_WRITES = frozenset(
    {
        "vendors",
        "payment_accounts",
        "vendor_status_changes",
        "audit_log",
        "markets",
        "vendor_tallies",
        "vendor_uptake_tallies",
    }
)


@dataclass(slots=True)
class _Waiting:
    ask: Registration
    answer: asyncio.Future[VendorOut] = field(default_factory=lambda: asyncio.get_running_loop().create_future())

    def settle(self, outcome: VendorOut | BaseException) -> None:
        if self.answer.done():  # the client went away
            return
        if isinstance(outcome, asyncio.CancelledError):
            self.answer.cancel()
        elif isinstance(outcome, BaseException):
            self.answer.set_exception(outcome)
        else:
            self.answer.set_result(outcome)


class RegistrationQueue:
    """The registrations of one process, written in batches by one writer task."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        banks: BankDirectory,
        *,
        inline_sessions: async_sessionmaker[AsyncSession] | None = None,
        largest: int = LARGEST_BATCH,
    ) -> None:
        self.sessions = sessions
        # SQLite: sessions whose statements run on the loop's thread, tried first (tracker.db.inline_writes).
        self.inline_sessions = inline_sessions
        self.gather_seconds = 0.0 if inline_sessions is not None else GATHER_SECONDS
        self.banks = banks
        self.largest = largest
        self._waiting: list[_Waiting] = []
        self._writer: asyncio.Task[None] | None = None
        self._crowded = False  # the last batch had several registrations

    async def register(self, ask: Registration) -> VendorOut:
        """Registers a vendor and answers it in the API shape, once its batch is committed."""
        waiting = _Waiting(ask.with_own_fields(self.banks, clock.today()))
        self._waiting.append(waiting)
        loop = asyncio.get_running_loop()
        if self._writer is None or self._writer.done() or self._writer.get_loop() is not loop:
            self._writer = loop.create_task(self._drain())
        return await waiting.answer

    async def _drain(self) -> None:
        loop = asyncio.get_running_loop()
        while self._waiting:
            # Let those already received, and under load those about to come, join this batch.
            await asyncio.sleep(self.gather_seconds if self._crowded else 0)
            # Those of another event loop (a test's, now closed) have nobody awaiting them.
            batch = [w for w in self._waiting[: self.largest] if w.answer.get_loop() is loop]
            del self._waiting[: self.largest]
            self._crowded = len(batch) > 1
            for waiting in await self._write(batch):
                for unwritten in await self._write([waiting]):  # alone, an ask is always settled
                    unwritten.settle(RuntimeError("registration left unwritten"))

    async def _write(self, batch: list[_Waiting]) -> list[_Waiting]:
        """Writes a batch and settles its answers; returns those to be written again, each alone."""
        batch = [w for w in batch if not w.answer.done()]
        if not batch:
            return []
        try:
            outcomes = await self._outcomes(batch)
        except BaseException as exc:  # the database failed the whole batch (locked, gone): each request says so
            for waiting in batch:
                waiting.settle(exc)
            if isinstance(exc, asyncio.CancelledError):
                raise
            return []
        again: list[_Waiting] = []
        for waiting, outcome in zip(batch, outcomes, strict=True):
            if isinstance(outcome, WriteAlone):
                again.append(waiting)
            else:
                waiting.settle(outcome)
        return again

    async def _outcomes(self, batch: list[_Waiting]) -> list[VendorOut | Outcome]:
        if self.inline_sessions is not None:
            try:
                return await self._outcomes_in(self.inline_sessions, batch)
            except OperationalError as exc:
                if not waits_for_lock(exc):  # another connection writes: wait for it on aiosqlite's thread
                    raise
        return await self._outcomes_in(self.sessions, batch)

    async def _outcomes_in(
        self, sessions: async_sessionmaker[AsyncSession], batch: list[_Waiting]
    ) -> list[VendorOut | Outcome]:
        """The batch written and committed; its session closed before anyone is answered, so that nothing
        of it is left open when the last request has its answer (and the application may stop)."""
        session = sessions()
        session.info[WRITES_ONLY] = BATCH_WRITES
        try:
            outcomes = await VendorService(session, self.banks).register_many([w.ask for w in batch])
            if any(isinstance(outcome, VendorOut) for outcome in outcomes):
                try:
                    await session.commit()
                except IntegrityError as exc:  # a constraint checked only at commit
                    await session.rollback()
                    if len(batch) == 1:
                        return [exc]
                    return [WRITE_ALONE if isinstance(o, VendorOut) else o for o in outcomes]
            return outcomes
        finally:
            # Once committed the answers stand: a connection lost while it is given back changes none.
            with contextlib.suppress(Exception):
                await session.close()

    async def stop(self) -> None:
        """Waits for the batch being written (at shutdown, before the engines are closed)."""
        writer = self._writer
        if writer is not None and not writer.done() and writer.get_loop() is asyncio.get_running_loop():
            with contextlib.suppress(Exception):
                await asyncio.shield(writer)
