"""Registrations that arrive together are written in one transaction, each keeping the answer it would
have had alone. The queue is driven directly: the test client hands requests to the app one at a time."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

import msgspec
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from qr.banks import load_directory
from tests.support.factories import unique_account, unique_personal_id, unique_phone, vendor_payload
from tests.support.locks import until_waiting_on_a_lock
from tracker.accounts.actor import OFFICER, TASKFORCE, Actor
from tracker.audit.commands import verify_audit
from tracker.db.engine import Database, create_database
from tracker.lib.exceptions import Conflict, PermissionDenied, ValidationFailed
from vendors.schemas import VendorCreate
from vendors.services.registration import Registration
from vendors.services.registration_queue import RegistrationQueue
from vendors.services.vendors import VendorService


@dataclass
class CountedSessions:
    """The write sessions of a database, counted: one per transaction the queue writes. On SQLite the queue
    first tries the connection used on the event loop's thread, as the application's does (``inline``)."""

    db: Database
    opened: int = 0
    inline_opened: int = 0

    def __call__(self) -> AsyncSession:
        self.opened += 1
        return self.db.write()

    def inline(self) -> AsyncSession:
        assert self.db.inline_write is not None
        self.opened += 1
        self.inline_opened += 1
        return self.db.inline_write()


@pytest.fixture
async def sessions(api) -> AsyncIterator[CountedSessions]:
    db = create_database(api.world.settings, null_pool=True)
    try:
        yield CountedSessions(db)
    finally:
        await db.dispose()


@pytest.fixture
def queue(sessions: CountedSessions) -> RegistrationQueue:
    inline = sessions.inline if sessions.db.inline_write is not None else None
    return RegistrationQueue(sessions, load_directory(), inline_sessions=inline)  # type: ignore[arg-type]


def taskforce(api) -> Actor:
    world = api.world
    return Actor(world.users["taskforce_np"], "taskforce_np", TASKFORCE, world.area_ids["20599"])


def officer(api) -> Actor:
    world = api.world
    return Actor(world.users["officer_dx"], "officer_dx", OFFICER, world.area_ids["508"])


def ask(actor: Actor, market_id: int, lang: str = "vi", **overrides: object) -> Registration:
    data = msgspec.convert(vendor_payload(market_id, **overrides), VendorCreate)
    return Registration(actor, data, lang)  # type: ignore[arg-type]


async def outcomes(queue: RegistrationQueue, asks: list[Registration]) -> list[object]:
    """Every ask submitted in the same moment; each one's answer or error, in order."""
    return await asyncio.gather(*[queue.register(a) for a in asks], return_exceptions=True)


async def test_registrations_that_arrive_together_share_one_transaction(api, market, queue, sessions, backend) -> None:
    actor = taskforce(api)
    names = [f"Nguyễn Thị Mai {i}" for i in range(8)]
    answers = await outcomes(queue, [ask(actor, market["id"], full_name=name) for name in names])
    assert sessions.opened == 1
    assert sessions.inline_opened == (1 if backend == "sqlite" else 0)  # SQLite: on the loop's thread
    assert [a.full_name for a in answers] == names  # type: ignore[attr-defined]
    assert [a.code for a in answers] == [f"NP-{n:03d}" for n in range(1, 9)]  # type: ignore[attr-defined]
    assert all(len(a.payment_accounts) == 1 for a in answers)  # type: ignore[attr-defined]
    for answer in answers:
        stored = await api.taskforce.ok("GET", f"/api/vendors/{answer.id}")  # type: ignore[attr-defined]
        assert stored["code"] == answer.code  # type: ignore[attr-defined]
        assert stored["payment_accounts"][0]["account_number"] == answer.payment_accounts[0].account_number  # type: ignore[attr-defined]
        history = await api.taskforce.ok("GET", f"/api/vendors/{answer.id}/history")  # type: ignore[attr-defined]
        assert [(h["from_status"], h["to_status"]) for h in history] == [(None, "registered")]
    audit = await api.officer.ok("GET", "/api/audit", params={"entity": "vendor", "limit": 50})
    assert sorted(e["entity_id"] for e in audit["items"]) == sorted(a.id for a in answers)  # type: ignore[attr-defined]
    assert (await verify_audit(api.world.settings)).ok
    # One at a time afterwards: a batch of one.
    alone = await queue.register(ask(actor, market["id"]))
    assert (alone.code, sessions.opened) == ("NP-009", 2)


async def test_each_registration_of_a_batch_keeps_its_own_answer(api, market, market_hn, queue, sessions) -> None:
    actor = taskforce(api)
    existing = await api.taskforce.ok("POST", "/api/vendors", 201, json=vendor_payload(market["id"]))
    shared_phone, shared_id = unique_phone(), unique_personal_id()
    asks = [
        ask(actor, market["id"], full_name="Trần Văn Một", phone=shared_phone),
        ask(actor, market["id"], phone="0236 381 234"),  # a landline: 400
        ask(actor, market_hn["id"]),  # outside the task force's area: 403
        ask(actor, market["id"], phone=existing["phone"]),  # held by a vendor registered before: 409
        ask(actor, market["id"], phone=shared_phone),  # held by the first ask of this batch: 409 naming it
        ask(actor, market["id"], full_name="Lê Thị Hai", personal_id=shared_id),
        ask(actor, market["id"], personal_id=shared_id, phone=unique_phone()),  # the same ID as the ask before
        ask(actor, market["id"], phone=shared_phone, allow_duplicate_phone=True),  # a family: allowed
    ]
    first, landline, outside, taken, repeated, second, same_id, family = await outcomes(queue, asks)
    assert first.full_name == "Trần Văn Một"  # type: ignore[attr-defined]
    assert isinstance(landline, ValidationFailed)
    assert [p.field for p in landline.problems] == ["phone"]
    assert isinstance(outside, PermissionDenied)
    assert isinstance(taken, Conflict)
    assert taken.problems[0].details == {"existing": {"id": existing["id"], "code": existing["code"]}}
    assert isinstance(repeated, Conflict)
    assert repeated.problems[0].field == "phone"
    assert repeated.problems[0].details == {"existing": {"id": first.id, "code": first.code}}  # type: ignore[attr-defined]
    assert second.full_name == "Lê Thị Hai"  # type: ignore[attr-defined]
    assert isinstance(same_id, Conflict)
    assert same_id.problems[0].details == {"existing": {"id": second.id, "code": second.code}}  # type: ignore[attr-defined]
    assert family.phone == shared_phone  # type: ignore[attr-defined]
    # The batch, then each repeat alone; nothing of a refused ask was saved.
    assert sessions.opened == 3
    listed = await api.taskforce.ok("GET", "/api/vendors", params={"market_id": market["id"], "limit": 50})
    assert sorted(v["id"] for v in listed["items"]) == sorted([existing["id"], first.id, second.id, family.id])  # type: ignore[attr-defined]
    assert (await verify_audit(api.world.settings)).ok


async def test_each_answer_is_shaped_for_its_own_user_and_language(api, market, queue) -> None:
    phone, number = "0905123487", unique_account()
    accounts = [{"bank_bin": "970436", "account_number": number}]
    seen_by_officer, seen_by_taskforce = await outcomes(
        queue,
        [
            ask(officer(api), market["id"], "en", phone=phone, personal_id="201234567", payment_accounts=accounts),
            ask(taskforce(api), market["id"], "vi", personal_id="201234568"),
        ],
    )
    assert seen_by_officer.phone == "09******87"  # type: ignore[attr-defined]
    assert seen_by_officer.payment_accounts[0].account_number != number  # type: ignore[attr-defined]
    assert seen_by_officer.warnings[0].message.startswith("Old 9-digit ID card")  # type: ignore[attr-defined]
    assert "*" not in seen_by_taskforce.phone  # type: ignore[attr-defined]
    assert seen_by_taskforce.warnings[0].message.startswith("Số CMND cũ")  # type: ignore[attr-defined]
    # Each is credited to its own user; the officer belongs to no team.
    officers = await api.officer.ok("GET", f"/api/vendors/{seen_by_officer.id}")  # type: ignore[attr-defined]
    assert officers["team_id"] is None
    mine = await api.taskforce.ok("GET", f"/api/vendors/{seen_by_taskforce.id}")  # type: ignore[attr-defined]
    assert mine["team_id"] == api.world.teams["team_np"]


async def test_a_batch_that_loses_a_race_is_written_again_one_by_one(api, market, queue, sessions, backend) -> None:
    """Another process registers the same person between the batch's duplicate check and its insert: the
    unique index refuses the batch, which is rolled back and written again alone. The one that clashes is
    answered 409 naming the other process's vendor; the others are saved."""
    if backend != "postgres":
        pytest.skip("SQLite writers take the write lock before their first read: the two cannot interleave")
    actor = taskforce(api)
    personal_id = unique_personal_id()
    other = sessions.db.write()
    batch: asyncio.Future[list[object]] | None = None
    try:
        rival, _ = await VendorService(other, load_directory()).register(
            actor, msgspec.convert(vendor_payload(market["id"], personal_id=personal_id), VendorCreate), commit=False
        )
        batch = asyncio.ensure_future(
            outcomes(
                queue,
                [
                    ask(actor, market["id"], full_name="Phan Thị Ba"),
                    ask(actor, market["id"], personal_id=personal_id),
                    ask(actor, market["id"], full_name="Phan Thị Bốn"),
                ],
            )
        )
        await until_waiting_on_a_lock(sessions.db, batch)
        await other.commit()
        three, clash, four = await batch
    finally:
        await other.close()  # on a failure, lets the batch end before the database is closed
        if batch is not None:
            await asyncio.gather(batch, return_exceptions=True)
    assert isinstance(clash, Conflict)
    assert clash.problems[0].details == {"existing": {"id": rival.id, "code": rival.code}}
    assert (three.full_name, four.full_name) == ("Phan Thị Ba", "Phan Thị Bốn")  # type: ignore[attr-defined]
    assert sessions.opened == 1 + 3  # the batch, then each of its asks alone
    assert (await verify_audit(api.world.settings)).ok


async def test_a_batch_that_finds_the_database_locked_waits_off_the_loop(api, market, queue, sessions, backend) -> None:
    """SQLite: another connection holds the write lock (the registration page, an import, another worker).
    The batch's attempt on the loop's thread gives way at once, without making the loop wait, and the batch
    is written through aiosqlite's thread as soon as the lock is free."""
    if backend != "sqlite":
        pytest.skip("PostgreSQL has no database-wide write lock; its batches never run on the loop's thread")
    holder = sqlite3.connect(api.world.settings.database_url.split("///", 1)[1], isolation_level=None)
    batch: asyncio.Future[list[object]] | None = None
    try:
        holder.execute("BEGIN IMMEDIATE")
        batch = asyncio.ensure_future(outcomes(queue, [ask(taskforce(api), market["id"], full_name="Võ Thị Hạnh")]))
        started = time.monotonic()
        while sessions.opened < 2:  # the attempt on the loop's thread, then the one through aiosqlite
            await asyncio.sleep(0.01)
            # The loop went on running: nothing waited out SQLite's busy timeout (10 s) on its thread.
            assert time.monotonic() - started < 2
        assert not batch.done()  # waiting for the lock, on aiosqlite's thread
        holder.execute("COMMIT")
        (answer,) = await batch
    finally:
        holder.close()
        if batch is not None:
            await asyncio.gather(batch, return_exceptions=True)
    assert answer.full_name == "Võ Thị Hạnh"  # type: ignore[attr-defined]
    assert (sessions.inline_opened, sessions.opened) == (1, 2)
    found = await api.taskforce.ok("GET", f"/api/vendors/{answer.id}")  # type: ignore[attr-defined]
    assert found["full_name"] == "Võ Thị Hạnh"
