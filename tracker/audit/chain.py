"""The audit log as a hash chain: editing or deleting an entry breaks the chain, and ``verify`` says where.

Each entry stores ``prev_hash`` (the hash of the entry before it) and ``hash`` = SHA-256 of the previous
hash and the entry's canonical content. Entries are chained when they are flushed, in the order they
were recorded. On PostgreSQL a transaction-scoped advisory lock makes concurrent writers take their
turn between reading the last hash and inserting; on SQLite write transactions are already serialized
(``BEGIN IMMEDIATE``). A writer takes that turn before its first write, not only before its audit entry:
one that first locked rows (a market's vendor numbers, the summary tallies its triggers update) and then
waited for the turn would deadlock with one that holds the turn and waits for those rows.

Deleting the newest entries cannot be detected from inside the table: operators keep the head hash that
``tracker audit verify`` prints (for example in their daily log) to compare.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, UOWTransaction

from tracker.audit.models import AuditEntry

GENESIS = "0" * 64
# An arbitrary constant naming the audit chain's advisory lock.
AUDIT_LOCK_KEY = 7_001_142_025
_TURN_TAKEN = "audit_turn_taken"  # session.info: the transaction that holds the lock
_order = itertools.count()
_LAST_HASH = select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)  # built once: every write reads it

CONTENT_FIELDS = ("at", "actor_id", "actor_username", "action", "entity", "entity_id", "area_id", "before", "after")


def _canonical(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    return value


def digest(prev_hash: str, content: Mapping[str, Any]) -> str:
    body = json.dumps(
        {field: _canonical(content.get(field)) for field in CONTENT_FIELDS},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


def mark_recorded(entry: AuditEntry) -> AuditEntry:
    """Remembers the order entries were recorded in, which is the order they are chained in."""
    entry.__dict__["_audit_order"] = next(_order)
    return entry


def _take_turn_and_last_hash(session: Session) -> str:
    _take_turn_before_writing(session)  # usually taken already, by the transaction's first write
    last = session.connection().execute(_LAST_HASH).scalar()
    return last or GENESIS


def _take_turn_before_writing(session: Session) -> None:
    """On PostgreSQL, the audit chain's lock, once per transaction, before the transaction writes anything."""
    conn = session.connection()
    if conn.dialect.name != "postgresql":
        return
    transaction: SessionTransaction | None = session.get_transaction()
    if transaction is None or session.info.get(_TURN_TAKEN) is transaction:
        return
    session.info[_TURN_TAKEN] = transaction
    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": AUDIT_LOCK_KEY})


@event.listens_for(Session, "do_orm_execute")
def _turn_before_statement(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        _take_turn_before_writing(state.session)


def chain_rows(session: Session, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Fills ``prev_hash`` and ``hash`` of audit rows about to be inserted with Core (bulk writers)."""
    prev = _take_turn_and_last_hash(session)
    for row in rows:
        row["prev_hash"] = prev
        row["hash"] = prev = digest(prev, row)
    return rows


@event.listens_for(Session, "before_flush")
def _chain_new_entries(session: Session, _context: UOWTransaction, _instances: object) -> None:
    if session.new or session.dirty or session.deleted:
        _take_turn_before_writing(session)
    entries = sorted(
        (obj for obj in session.new if isinstance(obj, AuditEntry)),
        key=lambda entry: entry.__dict__.get("_audit_order", 0),
    )
    if not entries:
        return
    prev = _take_turn_and_last_hash(session)
    for entry in entries:
        entry.prev_hash = prev
        entry.hash = prev = digest(prev, {field: getattr(entry, field) for field in CONTENT_FIELDS})


@dataclass(frozen=True)
class Verification:
    checked: int
    head: str
    broken_at: int | None
    reason: str | None

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify_rows(rows: Iterable[Mapping[str, Any]]) -> Verification:
    """Walks entries in id order; the first entry whose link or hash does not hold is reported."""
    prev = GENESIS
    checked = 0
    for row in rows:
        if row["prev_hash"] != prev:
            return Verification(checked, prev, row["id"], "link")  # an entry before it was deleted or changed
        if digest(prev, row) != row["hash"]:
            return Verification(checked, prev, row["id"], "content")  # this entry was edited
        prev = row["hash"]
        checked += 1
    return Verification(checked, prev, None, None)


def iter_entries(conn: Connection, batch: int = 2000) -> Iterator[Mapping[str, Any]]:
    last_id = 0
    columns = [AuditEntry.id, AuditEntry.prev_hash, AuditEntry.hash] + [getattr(AuditEntry, f) for f in CONTENT_FIELDS]
    while True:
        rows = conn.execute(select(*columns).where(AuditEntry.id > last_id).order_by(AuditEntry.id).limit(batch))
        chunk: list[Mapping[str, Any]] = [dict(row._mapping) for row in rows]
        if not chunk:
            return
        yield from chunk
        last_id = chunk[-1]["id"]
