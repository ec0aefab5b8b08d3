"""Load: many clients at once against the running service, with a ledger of every acknowledged write.

The service runs as it is deployed (``tracker serve``): on SQLite with one worker process, as the product
runs it (SQLite has one writer at a time; ``tracker serve`` warns that several workers are for trials), and
on PostgreSQL with two workers (one per core of this machine). Each backend gets a fresh database with the
demonstration data (``tracker seed --demo``) and some thousand more vendors in Chợ Nam Phước's commune. The
users log in through ``POST /api/auth/login`` and the clients use their bearer tokens.

``--clients`` asyncio clients (one ``httpx.AsyncClient`` with a connection per client) each send one
request after another, without pause, for ``--seconds``; 80% reads (vendor list pages with filters,
searches, a vendor's detail, a VietQR poster PNG) and 20% writes (registrations with unique data, vendor
status changes and onboarding stage changes, both sent with the version the client last saw).

The ledger keeps every acknowledged write (2xx, with the id and version the service returned). Afterwards
the database is read directly: every acknowledged registration exists exactly once and no vendor was added
that was not acknowledged; every vendor and onboarding that was changed ends in the state of its last
acknowledged change, with one history row per acknowledged change; no other history row was written. A
write whose answer never came (client-side timeout, dropped connection) has an unknown outcome: it may have
committed. Those are counted apart and the check allows them either way. Any other difference fails the
run (exit status 1).

    python -m bench.load [--seconds 60] [--clients 200] [--backends sqlite,postgres] [--vendors 5000]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import math
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from bench.dataset import load_vendors
from tests.support.pg_cluster import ClusterUnavailable, PgCluster, free_port, start_cluster
from tracker.accounts.models import User
from tracker.audit.models import AuditEntry
from tracker.db.migrate import upgrade
from tracker.onboarding.models import Onboarding, OnboardingEvent
from tracker.onboarding.reference import TRANSITIONS
from tracker.seed import DEMO_PASSWORD, seed_demo
from tracker.settings import Settings
from vendors.models import Market, Vendor, VendorStatusChange
from vendors.reference import STATUS_TRANSITIONS

SECRET = "load-secret-" + "x" * 40
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "benchmarks" / "load.md"
WRITER = "tocns.namphuoc"  # task force of Nam Phước: registers, changes statuses and stages, prints posters
READER = "canbo.duyxuyen"  # the economic office of Duy Xuyên: reads the lists

# The mix: 80% reads, 20% writes.
MIX: dict[str, int] = {
    "list": 24,
    "search": 20,
    "detail": 28,
    "poster": 8,
    "register": 8,
    "status": 7,
    "stage": 5,
}
WRITES = {"register", "status", "stage"}
SEARCHES = ["nguyen thi", "tran van hung", "lan", "pham thi thu", "huynh", "B00003", "0905", "0977", "le minh"]
STATUSES = ["registered", "qr_issued", "active", "paused"]
CATEGORIES = ["rau_cu_qua", "thit", "thuy_hai_san", "gao_hang_kho", "tap_hoa", "an_uong"]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ"]
GIVEN = ["Thị Đào", "Văn Hùng", "Thị Hạnh", "Quốc Bảo", "Thị Thu Hường", "Đức Lộc", "Ngọc Ánh", "Minh Tuấn"]


@dataclass
class Fixture:
    """What the clients work on, and the database's state before the run."""

    markets: list[int]
    vendors: list[int]  # every vendor the clients may read
    status_pool: list[int]  # vendors whose status the clients change
    poster_pool: list[int]  # vendors whose posters the clients print (a first print moves one to qr_issued)
    onboardings: list[int]  # vendors' onboarding records whose stages the clients change
    phones_taken: set[str]
    max_vendor_id: int = 0
    max_history_id: int = 0
    max_event_id: int = 0
    vendor_state: dict[int, tuple[str, int, int]] = field(default_factory=dict)  # status, version, history rows
    onboarding_state: dict[int, tuple[str, int, int]] = field(default_factory=dict)  # stage, version, events


@dataclass
class Ledger:
    """Every write the clients sent, by what came back."""

    registered: dict[str, tuple[int, str]] = field(default_factory=dict)  # phone -> (id, code), acknowledged
    registrations_unknown: set[str] = field(default_factory=set)  # phones sent without an answer
    # id -> [(version sent, state returned, version returned)]
    status_acks: dict[int, list[tuple[int, str, int]]] = field(default_factory=lambda: defaultdict(list))
    status_unknown: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    stage_acks: dict[int, list[tuple[int, str, int]]] = field(default_factory=lambda: defaultdict(list))
    stage_unknown: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    # Writes the service answered with a server error (5xx): they must not have committed.
    registrations_refused: set[str] = field(default_factory=set)
    status_refused: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    stage_refused: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    outcomes: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))


class Workload:
    """The shared state of the clients: what each vendor and onboarding looked like in its last answer."""

    def __init__(self, fixture: Fixture, tokens: dict[str, str], seed: int) -> None:
        self.fixture = fixture
        self.rng = random.Random(seed)
        self.writer = {"Authorization": f"Bearer {tokens[WRITER]}"}
        self.reader = {"Authorization": f"Bearer {tokens[READER]}"}
        self.known_status = {v: (s, ver) for v, (s, ver, _) in fixture.vendor_state.items()}
        self.known_stage = {o: (s, ver) for o, (s, ver, _) in fixture.onboarding_state.items()}
        self.tainted: set[tuple[str, int]] = set()  # changed without an answer: the clients leave them alone
        self.ledger = Ledger()
        self.stats = Stats()
        self._serial = 0
        self._phones = self._free_phones()

    def next_phone(self) -> str:
        return next(self._phones)

    def _free_phones(self) -> Iterator[str]:
        # 0387xxxxxx: a Viettel block that neither the demonstration data nor the bulk loader uses.
        for n in range(1_000_000):
            phone = f"0387{n:06d}"
            if phone not in self.fixture.phones_taken:
                yield phone

    def serial(self) -> int:
        self._serial += 1
        return self._serial

    def kind(self) -> str:
        kind = self.rng.choices(list(MIX), weights=list(MIX.values()))[0]
        # Records changed without an answer are left alone; should every one be, the client reads instead.
        pools = {"status": self.fixture.status_pool, "stage": self.fixture.onboardings}
        if kind in pools and all((kind, key) in self.tainted for key in pools[kind]):
            return "detail"
        return kind


def _update_known(known: dict[int, tuple[str, int]], key: int, state: str, version: int) -> None:
    if version > known[key][1]:
        known[key] = (state, version)


async def one_request(client: httpx.AsyncClient, work: Workload, kind: str) -> None:
    rng, fx = work.rng, work.fixture
    method, url, body, headers = "GET", "", None, work.reader
    target = ""
    key = 0
    sent_version = 0
    phone = ""
    if kind == "list":
        params = [f"limit=50&offset={50 * rng.randrange(10)}"]
        choice = rng.randrange(4)
        if choice == 1:
            params.append(f"status={rng.choice(STATUSES)}")
        elif choice == 2:
            params.append(f"market_id={rng.choice(fx.markets)}")
        elif choice == 3:
            params.append(f"goods_category={rng.choice(CATEGORIES)}&sort=full_name")
        url = "/api/vendors?" + "&".join(params)
        if rng.random() < 0.5:
            headers = work.writer
    elif kind == "search":
        url = f"/api/vendors?limit=50&q={rng.choice(SEARCHES)}"
        headers = work.writer if rng.random() < 0.5 else work.reader
    elif kind == "detail":
        url = f"/api/vendors/{rng.choice(fx.vendors)}"
    elif kind == "poster":
        url, headers = f"/api/vendors/{rng.choice(fx.poster_pool)}/poster.png?size=A6", work.writer
    elif kind == "register":
        n = work.serial()
        phone = work.next_phone()
        method, url, headers = "POST", "/api/vendors", work.writer
        body = {
            "full_name": f"{rng.choice(FAMILY)} {rng.choice(GIVEN)}",
            "phone": phone,
            "market_id": rng.choice(fx.markets),
            "stall": f"L{n}",
            "goods_category": rng.choice(CATEGORIES),
            "consent": True,
            "payment_accounts": [{"bank_bin": "970436", "account_number": f"88{int(phone):010d}"}],
        }
    elif kind == "status":
        key = rng.choice([v for v in fx.status_pool if ("status", v) not in work.tainted])
        current, sent_version = work.known_status[key]
        target = rng.choice(sorted(STATUS_TRANSITIONS[current]))
        method, url, headers = "POST", f"/api/vendors/{key}/status", work.writer
        body = {"status": target, "version": sent_version}
    elif kind == "stage":
        key = rng.choice([o for o in fx.onboardings if ("stage", o) not in work.tainted])
        current, sent_version = work.known_stage[key]
        target = rng.choice(sorted(TRANSITIONS[current]))
        method, url, headers = "POST", f"/api/onboardings/{key}/stage", work.writer
        body = {"stage": target, "version": sent_version}
        if target == "listing_rejected":
            body["reason"] = "Ảnh sản phẩm chưa đạt yêu cầu của sàn."
    started = time.perf_counter()
    try:
        response = await client.request(method, url, json=body, headers=headers)
    except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout):
        work.stats.outcomes[kind]["not sent"] += 1  # never reached the service
        return
    except httpx.TransportError:
        work.stats.outcomes[kind]["no answer"] += 1
        if kind == "register":
            work.ledger.registrations_unknown.add(phone)
        elif kind == "status":
            work.ledger.status_unknown[key].append(target)
            work.tainted.add(("status", key))
        elif kind == "stage":
            work.ledger.stage_unknown[key].append(target)
            work.tainted.add(("stage", key))
        return
    elapsed = time.perf_counter() - started
    work.stats.latencies[kind].append(elapsed)
    code = response.status_code
    work.stats.outcomes[kind]["2xx" if 200 <= code < 300 else str(code)] += 1
    if code >= 500:
        if kind == "register":
            work.ledger.registrations_refused.add(phone)
        elif kind == "status":
            work.ledger.status_refused[key].append(target)
        elif kind == "stage":
            work.ledger.stage_refused[key].append(target)
    if not 200 <= code < 300:
        return
    if kind == "register":
        data = response.json()
        work.ledger.registered[phone] = (int(data["id"]), str(data["code"]))
    elif kind == "status":
        data = response.json()
        work.ledger.status_acks[key].append((sent_version, str(data["status"]), int(data["version"])))
        _update_known(work.known_status, key, str(data["status"]), int(data["version"]))
    elif kind == "stage":
        data = response.json()
        work.ledger.stage_acks[key].append((sent_version, str(data["stage"]), int(data["version"])))
        _update_known(work.known_stage, key, str(data["stage"]), int(data["version"]))
    elif kind == "poster" and response.headers.get("content-type") != "image/png":
        work.stats.outcomes[kind]["2xx not PNG"] += 1


async def drive(
    base: str, work: Workload, clients: int, seconds: float, request_timeout: float, database_url: str
) -> dict[str, Any]:
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=request_timeout) as client:
        # Warm-up, outside the figures: one read of each kind.
        for url, headers in [
            ("/api/vendors?limit=50", work.reader),
            (f"/api/vendors?limit=50&q={SEARCHES[0]}", work.writer),
            (f"/api/vendors/{work.fixture.vendors[0]}", work.reader),
            (f"/api/vendors/{work.fixture.poster_pool[0]}/poster.png", work.writer),
        ]:
            (await client.get(url, headers=headers)).raise_for_status()
        deadline = time.monotonic() + seconds

        async def loop() -> None:
            while time.monotonic() < deadline:
                await one_request(client, work, work.kind())

        connections: list[tuple[int, int]] = []
        sampler = asyncio.create_task(_sample_connections(database_url, connections))
        cpu_before, stat_before, started = time.process_time(), _cpu_times(), time.perf_counter()
        load_before = os.getloadavg()
        await asyncio.gather(*(loop() for _ in range(clients)))
        elapsed = time.perf_counter() - started
        sampler.cancel()
        await asyncio.gather(sampler, return_exceptions=True)
        busy, total = (b - a for a, b in zip(stat_before, _cpu_times(), strict=True))
        return {
            "elapsed_s": elapsed,
            "client_cpu": (time.process_time() - cpu_before) / elapsed,
            "machine_busy": busy / total if total else 0.0,
            "load_before": load_before[0],
            "load_after": os.getloadavg()[0],
            # PostgreSQL: the most server connections open, and the most running a statement, at one time.
            "db_connections_peak": max((open_ for open_, _ in connections), default=None),
            "db_connections_active_peak": max((active for _, active in connections), default=None),
        }


async def _sample_connections(database_url: str, samples: list[tuple[int, int]]) -> None:
    """Every half second, the service's connections to PostgreSQL (this sampler's own not counted)."""
    if database_url.startswith("sqlite"):
        return
    engine = create_async_engine(database_url, poolclass=NullPool)
    query = text(
        "SELECT count(*), count(*) FILTER (WHERE state = 'active') FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )
    try:
        async with engine.connect() as conn:
            while True:
                row = (await conn.execute(query)).one()
                samples.append((int(row[0]), int(row[1])))
                await conn.rollback()
                await asyncio.sleep(0.5)
    finally:
        await engine.dispose()


def _cpu_times() -> tuple[int, int]:
    """Busy and total jiffies of the whole machine (every core), from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


async def prepare(settings: Settings, vendors: int) -> Fixture:
    """Migrates, seeds the demonstration data and ``vendors`` more in Nam Phước's commune."""
    await asyncio.to_thread(upgrade, settings)
    await seed_demo(settings)
    engine = create_async_engine(settings.database_url, poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            np_market = (await conn.execute(select(Market.id, Market.area_id).where(Market.code == "NP"))).one()
            writer = (await conn.execute(select(User.id).where(User.username == WRITER))).scalar_one()
            demo_vendors = list((await conn.execute(select(Vendor.id).order_by(Vendor.id))).scalars())
        # Markets of the task force's commune, 250 vendors each, all with a payment account.
        await load_vendors(
            engine, vendors=vendors, markets=max(1, vendors // 250), communes=[np_market.area_id], created_by=writer
        )
        async with engine.connect() as conn:
            markets = [np_market.id, *(await conn.execute(select(Market.id).where(Market.code.like("B%")))).scalars()]
            bulk = list(
                (
                    await conn.execute(select(Vendor.id).where(Vendor.id.not_in(demo_vendors)).order_by(Vendor.id))
                ).scalars()
            )
            phones = set((await conn.execute(select(Vendor.phone).where(Vendor.phone.is_not(None)))).scalars())
    finally:
        await engine.dispose()
    tenth = max(10, len(bulk) // 10)
    return Fixture(
        markets=markets,
        vendors=demo_vendors + bulk,
        status_pool=bulk[:tenth],
        onboardings=bulk[tenth : tenth + tenth // 2],  # vendor ids for now; records made through the API
        poster_pool=bulk[-tenth:],  # all with a payment account
        phones_taken={p for p in phones if p},
    )


async def open_onboardings(base: str, token: str, fixture: Fixture) -> None:
    """One Shopee listing per vendor of the onboarding pool, submitted for review (through the API)."""
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        sem = asyncio.Semaphore(8)

        async def create(vendor_id: int) -> int:
            async with sem:
                response = await client.post(
                    "/api/onboardings",
                    headers=headers,
                    json={
                        "platform": "shopee",
                        "vendor_id": vendor_id,
                        "stage": "listing_submitted",
                        "listing_url": f"https://shopee.vn/hang-cho-i.90210999.{8_000_000_000 + vendor_id}",
                    },
                )
                response.raise_for_status()
                return int(response.json()["id"])

        fixture.onboardings = list(await asyncio.gather(*(create(v) for v in fixture.onboardings)))


async def snapshot(settings: Settings, fixture: Fixture) -> None:
    """The state before the run: ids reached so far, and each changed record's state and history length."""
    engine = create_async_engine(settings.database_url, poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            fixture.max_vendor_id = int((await conn.scalar(select(func.max(Vendor.id)))) or 0)
            fixture.max_history_id = int((await conn.scalar(select(func.max(VendorStatusChange.id)))) or 0)
            fixture.max_event_id = int((await conn.scalar(select(func.coalesce(func.max(OnboardingEvent.id), 0)))) or 0)
            fixture.vendor_state = await _vendor_state(conn, fixture.status_pool)
            fixture.onboarding_state = await _onboarding_state(conn, fixture.onboardings)
    finally:
        await engine.dispose()


async def _vendor_state(conn: Any, ids: list[int]) -> dict[int, tuple[str, int, int]]:
    history = dict(
        (
            await conn.execute(
                select(VendorStatusChange.vendor_id, func.count())
                .where(VendorStatusChange.vendor_id.in_(ids))
                .group_by(VendorStatusChange.vendor_id)
            )
        ).all()
    )
    rows = await conn.execute(select(Vendor.id, Vendor.status, Vendor.version).where(Vendor.id.in_(ids)))
    return {r.id: (r.status, r.version, int(history.get(r.id, 0))) for r in rows}


async def _onboarding_state(conn: Any, ids: list[int]) -> dict[int, tuple[str, int, int]]:
    events = dict(
        (
            await conn.execute(
                select(OnboardingEvent.onboarding_id, func.count())
                .where(OnboardingEvent.onboarding_id.in_(ids))
                .group_by(OnboardingEvent.onboarding_id)
            )
        ).all()
    )
    rows = await conn.execute(select(Onboarding.id, Onboarding.stage, Onboarding.version).where(Onboarding.id.in_(ids)))
    return {r.id: (r.stage, r.version, int(events.get(r.id, 0))) for r in rows}


def _compare(
    name: str,
    before: dict[int, tuple[str, int, int]],
    after: dict[int, tuple[str, int, int]],
    acks: dict[int, list[tuple[int, str, int]]],
    unknown: dict[int, list[str]],
    problems: list[str],
    refused: dict[int, list[str]] | None = None,
) -> dict[str, int]:
    """Each record ends in the state of its last acknowledged change, with one history row per change.

    A record that does not is named; when it holds the state of a change the service answered with a
    server error, that change is named as committed although it was reported as failed.
    """
    changed = 0
    refused_committed = 0
    for key, (state0, version0, rows0) in before.items():
        state, version, rows = after[key]
        mine = sorted(acks.get(key, []), key=lambda a: a[2])
        lost = unknown.get(key, [])
        versions = [a[2] for a in mine]
        if len(set(versions)) != len(versions):
            problems.append(f"{name} {key}: two acknowledged changes returned the same version {versions}")
        for sent, _, returned in mine:
            if returned != sent + 1:
                problems.append(f"{name} {key}: change sent with version {sent} came back with version {returned}")
        expected_state = mine[-1][1] if mine else state0
        added = rows - rows0
        if not lost:
            if added != len(mine) or version != version0 + len(mine) or state != expected_state:
                if state != expected_state and state in (refused or {}).get(key, []):
                    refused_committed += 1
                    problems.append(
                        f"{name} {key}: a change to {state!r} was answered with a server error, yet it committed"
                    )
                else:
                    problems.append(
                        f"{name} {key}: {len(mine)} acknowledged change(s) → expected {expected_state!r} "
                        f"v{version0 + len(mine)} with {len(mine)} new history row(s), "
                        f"found {state!r} v{version} with {added}"
                    )
        elif not (len(mine) <= added <= len(mine) + len(lost) and state in {expected_state, *lost}):
            problems.append(
                f"{name} {key}: {len(mine)} acknowledged and {len(lost)} unanswered change(s), found {state!r} "
                f"with {added} new history row(s)"
            )
        changed += bool(mine)
    return {
        "records_changed": changed,
        "acknowledged": sum(len(a) for a in acks.values()),
        "refused_committed": refused_committed,
    }


async def verify(settings: Settings, fixture: Fixture, ledger: Ledger) -> dict[str, Any]:
    """Reads the database directly and compares it with the ledger."""
    problems: list[str] = []
    engine = create_async_engine(settings.database_url, poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            new = {
                r.id: r.phone
                for r in await conn.execute(select(Vendor.id, Vendor.phone).where(Vendor.id > fixture.max_vendor_id))
            }
            sent = [*ledger.registered, *sorted(ledger.registrations_unknown), *sorted(ledger.registrations_refused)]
            counts: Counter[str] = Counter()
            for start in range(0, len(sent), 500):
                chunk = sent[start : start + 500]
                rows = await conn.execute(
                    select(Vendor.phone, func.count()).where(Vendor.phone.in_(chunk)).group_by(Vendor.phone)
                )
                counts.update({str(phone): int(n) for phone, n in rows})
            for phone, (vendor_id, code) in ledger.registered.items():
                if counts[phone] != 1:
                    problems.append(f"registration {code} (id {vendor_id}) is in the database {counts[phone]} times")
                elif new.get(vendor_id) != phone:
                    problems.append(
                        f"registration {code}: id {vendor_id} does not hold the phone it was registered with"
                    )
            acknowledged_ids = {v for v, _ in ledger.registered.values()}
            unknown_committed = refused_committed = 0
            for vendor_id, phone in new.items():
                if vendor_id in acknowledged_ids:
                    continue
                if phone in ledger.registrations_unknown:
                    unknown_committed += 1
                elif phone in ledger.registrations_refused:
                    refused_committed += 1
                    problems.append(f"vendor id {vendor_id}: a registration answered with a server error committed")
                else:
                    problems.append(f"vendor id {vendor_id} was added but never acknowledged")
            for phone in ledger.registrations_unknown:
                if counts[phone] > 1:
                    problems.append(f"an unanswered registration ({phone}) is in the database {counts[phone]} times")
            # Each new vendor has its one "registered" history row.
            new_rows = (
                await conn.execute(
                    select(VendorStatusChange.vendor_id, VendorStatusChange.to_status).where(
                        VendorStatusChange.id > fixture.max_history_id
                    )
                )
            ).all()
            pool, posters = set(fixture.status_pool), set(fixture.poster_pool)
            firsts = Counter(v for v, to in new_rows if v in new)
            for vendor_id in new:
                if firsts[vendor_id] != 1:
                    problems.append(f"new vendor {vendor_id} has {firsts[vendor_id]} history rows instead of 1")
            strays = [
                (v, to)
                for v, to in new_rows
                if v not in new and v not in pool and not (v in posters and to == "qr_issued")
            ]
            if strays:
                problems.append(
                    f"{len(strays)} status history row(s) not written by any acknowledged change: {strays[:5]}"
                )
            vendors_after = await _vendor_state(conn, fixture.status_pool)
            onboardings_after = await _onboarding_state(conn, fixture.onboardings)
            stray_events = await conn.scalar(
                select(func.count()).where(
                    OnboardingEvent.id > fixture.max_event_id, OnboardingEvent.onboarding_id.not_in(fixture.onboardings)
                )
            )
            if stray_events:
                problems.append(f"{stray_events} onboarding event(s) outside the records the clients changed")
            audit_entries = int(await conn.scalar(select(func.count()).select_from(AuditEntry)) or 0)
            audit_bytes = None
            if conn.dialect.name == "postgresql":
                audit_bytes = int(await conn.scalar(select(func.pg_total_relation_size("audit_log"))) or 0)
    finally:
        await engine.dispose()
    status = _compare(
        "vendor",
        fixture.vendor_state,
        vendors_after,
        ledger.status_acks,
        ledger.status_unknown,
        problems,
        ledger.status_refused,
    )
    stage = _compare(
        "onboarding",
        fixture.onboarding_state,
        onboardings_after,
        ledger.stage_acks,
        ledger.stage_unknown,
        problems,
        ledger.stage_refused,
    )
    return {
        "ok": not problems,
        "problems": problems,
        "registrations_acknowledged": len(ledger.registered),
        "registrations_unknown": len(ledger.registrations_unknown),
        "registrations_unknown_committed": unknown_committed,
        "vendors_added": len(new),
        "status_changes_acknowledged": status["acknowledged"],
        "status_changes_unknown": sum(len(v) for v in ledger.status_unknown.values()),
        "vendors_changed": status["records_changed"],
        "stage_changes_acknowledged": stage["acknowledged"],
        "stage_changes_unknown": sum(len(v) for v in ledger.stage_unknown.values()),
        "onboardings_changed": stage["records_changed"],
        "writes_answered_5xx": len(ledger.registrations_refused)
        + sum(len(v) for v in ledger.status_refused.values())
        + sum(len(v) for v in ledger.stage_refused.values()),
        "writes_answered_5xx_committed": refused_committed + status["refused_committed"] + stage["refused_committed"],
        "audit_entries": audit_entries,
        "audit_bytes": audit_bytes,
    }


def start_server(settings: Settings, workers: int, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "SECRET_KEY": SECRET,
        "TRACKER_DATA_DIR": str(settings.data_dir),
        "WEB_CONCURRENCY": str(workers),
    }
    command = [sys.executable, "-m", "tracker.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    with log.open("ab") as sink:
        process = subprocess.Popen(
            [*command, "--workers", str(workers), "--log-level", "warning"],
            env=env,
            cwd=settings.data_dir,
            stdout=sink,
            stderr=sink,
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the service stopped at start-up; see {log}")
        try:
            if httpx.get(base + "/health", timeout=2).status_code == 200:
                return process, base
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    process.kill()
    raise RuntimeError("the service did not start")


async def login(base: str, usernames: list[str]) -> dict[str, str]:
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        tokens = {}
        for name in usernames:
            response = await client.post("/api/auth/login", json={"username": name, "password": DEMO_PASSWORD})
            response.raise_for_status()
            tokens[name] = str(response.json()["access_token"])
        return tokens


def run_backend(backend: str, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    data_dir = workdir / backend
    data_dir.mkdir(parents=True)
    cluster: PgCluster | None = None
    workers = 1 if backend == "sqlite" else args.workers
    try:
        if backend == "sqlite":
            url = f"sqlite+aiosqlite:///{data_dir / 'tracker.db'}"
        else:
            # Durable, as in production: every commit is flushed to disk.
            cluster = start_cluster("cho-so-load-pg-", durable=True)
            url = cluster.create_database("load")
        settings = Settings(database_url=url, secret_key=SECRET, data_dir=data_dir)
        started = time.perf_counter()
        fixture = asyncio.run(prepare(settings, args.vendors))
        print(f"  {backend}: data set ready in {time.perf_counter() - started:.0f} s", flush=True)
        server, base = start_server(settings, workers, data_dir / "service.log")
        try:
            tokens = asyncio.run(login(base, [WRITER, READER]))
            asyncio.run(open_onboardings(base, tokens[WRITER], fixture))
            asyncio.run(snapshot(settings, fixture))
            work = Workload(fixture, tokens, seed=args.seed)
            print(f"  {backend}: {args.clients} clients for {args.seconds} s", flush=True)
            machine = asyncio.run(drive(base, work, args.clients, args.seconds, args.timeout, url))
        finally:
            server.terminate()
            server.wait(timeout=60)
        ledger = asyncio.run(verify(settings, fixture, work.ledger))
    finally:
        if cluster is not None:
            # The server's log (deadlocks, slow statements) stays with the service's log in the work directory.
            log = cluster.root / "server.log"
            if log.exists():
                (data_dir / "postgres.log").write_bytes(log.read_bytes())
            cluster.remove()
    kinds = {}
    elapsed = machine["elapsed_s"]
    for kind in MIX:
        values = work.stats.latencies.get(kind, [])
        outcomes = work.stats.outcomes.get(kind, Counter())
        kinds[kind] = {
            "requests": sum(outcomes.values()),
            "rps": len(values) / elapsed,
            "p50_ms": percentile(values, 0.50) * 1000,
            "p95_ms": percentile(values, 0.95) * 1000,
            "p99_ms": percentile(values, 0.99) * 1000,
            "outcomes": dict(outcomes),
        }
    answered = sum(len(v) for v in work.stats.latencies.values())
    errors: Counter[str] = Counter()
    for kind, outcomes in work.stats.outcomes.items():
        for outcome, count in outcomes.items():
            if outcome == "2xx":
                continue
            if outcome == "409" and kind in {"status", "stage"}:
                errors["409 conflict (stale version, expected)"] += count
            else:
                errors[outcome] += count
    return {
        "backend": backend,
        "workers": workers,
        "clients": args.clients,
        "seconds": args.seconds,
        "vendors": len(fixture.vendors),
        "markets": len(fixture.markets),
        "requests": answered,
        "rps": answered / elapsed,
        "kinds": kinds,
        "errors": dict(errors),
        "failures": sum(n for name, n in errors.items() if not name.startswith("409 conflict")),
        "machine": machine,
        "ledger": ledger,
    }


def report(results: list[dict[str, Any]], args: argparse.Namespace) -> str:
    lines = [
        f"## Load: {args.clients} clients, reads and writes at once",
        "",
        f"Measured {dt.date.today().isoformat()} on {platform.machine()} with {os.cpu_count()} CPUs shared with other "
        f"work, Python {platform.python_version()}; `python -m bench.load` reproduces it. The service runs as "
        "deployed (`tracker serve`): SQLite with one worker process, as the product runs it (one writer at a time; "
        f"`tracker serve` calls several workers on SQLite a trial setting), PostgreSQL with {args.workers} workers "
        "(one per core; pools of `DB_POOL_SIZE` 20 + `DB_MAX_OVERFLOW` 20 connections each) in a throwaway cluster "
        "with durable commits (`fsync` on). The data: the demonstration data plus "
        f"{args.vendors:,} vendors in {max(1, args.vendors // 250)} markets of Nam Phước's commune.",
        "",
        f"{args.clients} clients (asyncio tasks sharing one `httpx.AsyncClient` with a connection each, in one "
        f"process on the same machine) send requests one after another, without pause, for {args.seconds} s, "
        f"over loopback, with a {args.timeout:.0f} s client timeout. The mix: "
        + ", ".join(f"{share}% {kind}" for kind, share in MIX.items())
        + " (80% reads, 20% writes). Reads: `list` = `GET /api/vendors` pages of 50 with an offset up to 450 and a "
        "status, market or goods filter; `search` = `q` with names, codes or phone digits; `detail` = "
        "`GET /api/vendors/{id}`; `poster` = `GET /api/vendors/{id}/poster.png` (A6, 200 dpi). Writes: `register` = "
        "`POST /api/vendors` with a unique phone and account; `status` = `POST /api/vendors/{id}/status` and "
        "`stage` = `POST /api/onboardings/{id}/stage`, both with the version the clients last saw, so that two "
        "clients changing one record at once get one 200 and one 409 (counted as an expected conflict).",
        "",
        "| backend | kind | requests | req/s | p50 ms | p95 ms | p99 ms | outcomes |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        for kind, k in r["kinds"].items():
            outcomes = ", ".join(f"{name}: {n:,}" for name, n in sorted(k["outcomes"].items()))
            lines.append(
                f"| {r['backend']} | {kind} | {k['requests']:,} | {k['rps']:.1f} | {k['p50_ms']:,.0f} | "
                f"{k['p95_ms']:,.0f} | {k['p99_ms']:,.0f} | {outcomes} |"
            )
        lines.append(
            f"| **{r['backend']}** | **all** | **{r['requests']:,}** | **{r['rps']:.1f}** | | | | "
            f"failures: {r['failures']:,} |"
        )
    lines += [
        "",
        "| backend | workers | load average before → after | machine CPU busy | client process CPU | "
        "database connections (most open / most busy) | ledger |",
        "|---|---:|---|---:|---:|---|---|",
    ]
    for r in results:
        m, led = r["machine"], r["ledger"]
        verdict = "✅ agrees" if led["ok"] else f"❌ {len(led['problems'])} difference(s)"
        lines.append(
            f"| {r['backend']} | {r['workers']} | {m['load_before']:.2f} → {m['load_after']:.2f} | "
            f"{m['machine_busy']:.0%} | {m['client_cpu']:.0%} of a core | "
            + (
                f"{m['db_connections_peak']} / {m['db_connections_active_peak']}"
                if m.get("db_connections_peak") is not None
                else "—"
            )
            + f" | {verdict} |"
        )
    lines += ["", "The ledger, per backend:", ""]
    for r in results:
        led = r["ledger"]
        lines.append(
            f"- {r['backend']}: registrations: {led['registrations_acknowledged']:,} acknowledged, "
            f"{led['vendors_added']:,} vendors added ({led['registrations_unknown']} unanswered, "
            f"{led['registrations_unknown_committed']} of them committed); status changes: "
            f"{led['status_changes_acknowledged']:,} acknowledged on {led['vendors_changed']:,} vendors; stage "
            f"changes: {led['stage_changes_acknowledged']:,} acknowledged on {led['onboardings_changed']:,} "
            f"onboardings ({led['status_changes_unknown'] + led['stage_changes_unknown']} changes unanswered); "
            f"writes answered with a server error: {led['writes_answered_5xx']}, of which committed all the same: "
            f"{led['writes_answered_5xx_committed']}. "
            + (
                "✅ Every acknowledged registration is in the database exactly once, every changed record holds "
                "its last acknowledged state with one history row per acknowledged change, and nothing else was "
                "written."
                if led["ok"]
                else f"❌ {len(led['problems'])} difference(s), for example: " + "; ".join(led["problems"][:5]) + "."
            )
        )
    for r in results:
        led = r["ledger"]
        if led.get("audit_bytes"):
            lines.append(
                f"- {r['backend']} audit log afterwards (the demonstration data's entries and one per write of the "
                f"run): {led['audit_entries']:,} entries, {led['audit_bytes'] / 1024 / 1024:,.1f} MB with its "
                f"indexes, {led['audit_bytes'] / led['audit_entries']:,.0f} bytes per entry."
            )
    lines += [
        "",
        "An unanswered write (the client gave up waiting, or the connection dropped) may have committed: the "
        "service cannot tell the client, so the ledger counts it apart and accepts it either way; the record it "
        "touched is left alone for the rest of the run. Any other difference between the ledger and the database "
        "fails the run.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--vendors", type=int, default=5_000, help="vendors loaded besides the demonstration data")
    parser.add_argument("--workers", type=int, default=2, help="worker processes on PostgreSQL")
    parser.add_argument("--timeout", type=float, default=60.0, help="client timeout per request, seconds")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", type=Path, default=OUT, help="the Markdown fragment")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    parser.add_argument("--render", type=Path, help="only write the fragment again from figures saved with --json")
    args = parser.parse_args(argv)
    results: list[dict[str, Any]] = json.loads(args.render.read_text()) if args.render else []
    workdir = None if args.render else Path(tempfile.mkdtemp(prefix="cho-so-load-"))
    for backend in args.backends.split(",") if workdir else []:
        assert workdir is not None
        print(f"{backend}:", flush=True)
        try:
            results.append(run_backend(backend, args, workdir))
        except ClusterUnavailable as exc:
            print(f"  skipped: {exc}", flush=True)
            continue
        r = results[-1]
        print(
            f"  {backend}: {r['rps']:.1f} req/s, failures {r['failures']}, ledger ok: {r['ledger']['ok']}", flush=True
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report(results, args))
    print(f"written {args.out}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str))
    bad = [r["backend"] for r in results if not r["ledger"]["ok"]]
    if bad:
        for r in results:
            for problem in r["ledger"]["problems"][:20]:
                print(f"  {r['backend']}: {problem}", file=sys.stderr)
        # The databases and the service's logs stay for a look at what went wrong.
        kept = f"; see {workdir}" if workdir else ""
        raise SystemExit(f"the ledger and the database disagree on {', '.join(bad)}{kept}")
    if workdir:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
