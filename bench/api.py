"""API speed: vendor list/search with 100,000 vendors and vendor registration, against a bare endpoint.

Each backend gets a fresh database (SQLite file; PostgreSQL in a throwaway cluster), 100,000 vendors,
and the tracker served by uvicorn with one worker, exactly like the bare Litestar app it is compared
with. wrk drives both from a second process over loopback.

    python -m bench.api [--vendors 100000] [--seconds 15] [--backends sqlite,postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from bench import wrk
from bench.dataset import commune_ids, load_vendors
from tests.support.pg_cluster import ClusterUnavailable, PgCluster, start_cluster
from tracker.accounts.models import Team, TeamMember, User
from tracker.accounts.security import hash_password, issue_token
from tracker.db.migrate import upgrade
from tracker.settings import Settings
from vendors.models import Market

SECRET = "bench-secret-" + "x" * 40
FRESH = " (no-cache)"
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "benchmarks" / "api.md"

REGISTER_LUA = r"""
local counter = 0
local prefixes = {"090", "093", "097", "098", "091", "094", "086", "088", "032", "035", "077", "079", "083", "085"}
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  counter = counter + 1
  local n = counter * 9973 + math.random(0, 9972)
  local phone = prefixes[(counter % #prefixes) + 1] .. string.format("%07d", (n * 31) % 10000000)
  local body = string.format('{"full_name": "Trần Thị Bích %d", "phone": "%s", "market_id": %d, ' ..
    '"stall": "Z%d", "goods_category": "tap_hoa", "consent": true, ' ..
    '"payment_accounts": [{"bank_bin": "970436", "account_number": "7%011d"}]}',
    counter, phone, MARKET_ID, counter, n)
  return wrk.format(nil, nil, nil, body)
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(args: list[str], env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", *args, "--port", str(port), "--no-access-log", "--log-level", "warning"],
        env=env,
        cwd=ROOT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
            return process
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("server did not start")


async def prepare(settings: Settings, vendors: int) -> tuple[str, int]:
    """Migrates, loads the data set; returns a task-force token for a whole province and a market id."""
    await asyncio.to_thread(upgrade, settings)
    engine = create_async_engine(settings.database_url, poolclass=NullPool)
    # Quảng Nam before the reform: 241 communes, the markets spread over them.
    communes = await commune_ids(engine, "49", dt.date(2025, 3, 1))
    async with engine.begin() as conn:
        province = (await conn.execute(select(User.area_id).limit(0))).first()  # noqa: F841 (warm-up)
    from tracker.areas.models import AreaUnit

    async with engine.begin() as conn:
        area_id = (await conn.execute(select(AreaUnit.id).where(AreaUnit.code == "49"))).scalar_one()
        user_id = (
            await conn.execute(
                User.__table__.insert().returning(User.__table__.c.id),
                [
                    {
                        "username": "bench",
                        "full_name": "Bench",
                        "role": "taskforce",
                        "area_id": area_id,
                        "active": True,
                        "password_hash": hash_password("Bench-2026-x"),
                        "token_version": 1,
                        "created_at": dt.datetime.now(dt.UTC),
                        "updated_at": dt.datetime.now(dt.UTC),
                    }
                ],
            )
        ).scalar_one()
        team_id = (
            await conn.execute(
                Team.__table__.insert().returning(Team.__table__.c.id),
                [
                    {
                        "name": "Bench",
                        "name_search": "bench",
                        "area_id": area_id,
                        "active": True,
                        "created_at": dt.datetime.now(dt.UTC),
                        "updated_at": dt.datetime.now(dt.UTC),
                    }
                ],
            )
        ).scalar_one()
        await conn.execute(TeamMember.__table__.insert(), [{"team_id": team_id, "user_id": user_id}])
    started = time.perf_counter()
    await load_vendors(engine, vendors=vendors, markets=max(1, vendors // 250), communes=communes, created_by=user_id)
    print(f"  loaded {vendors} vendors in {time.perf_counter() - started:.1f} s", flush=True)
    async with engine.connect() as conn:
        market_id = (await conn.execute(select(Market.id).order_by(Market.id).limit(1))).scalar_one()
    await engine.dispose()
    token, _ = issue_token(SECRET, user_id, 1, dt.timedelta(hours=4))
    return token, market_id


def measure(
    backend: str, settings: Settings, token: str, market_id: int, seconds: int, workdir: Path, bare_port: int
) -> dict[str, wrk.Result]:
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "SECRET_KEY": SECRET,
        "TRACKER_DATA_DIR": str(settings.data_dir),
    }
    port = free_port()
    server = serve(["--factory", "tracker.app:asgi_factory"], env, port)
    auth = {"Authorization": f"Bearer {token}"}
    base = f"http://127.0.0.1:{port}"
    try:
        results = {}
        reads = [
            ("list", "/api/vendors?limit=50"),
            ("search", "/api/vendors?q=nguyen%20thi%20lan&limit=50"),
            ("search_phone", "/api/vendors?q=0905&limit=50"),
        ]
        # Repeated requests (answered from memory after the first), then the same with every request
        # asking the database (``Cache-Control: no-cache``).
        for suffix, headers in [("", auth), (FRESH, {**auth, "Cache-Control": "no-cache"})]:
            for op, path in reads:
                name = op + suffix
                wrk.run(base + path, seconds=2, connections=16, headers=headers, workdir=workdir)  # warm-up
                results[name] = wrk.run(base + path, seconds=seconds, connections=16, headers=headers, workdir=workdir)
                r = results[name]
                print(f"  {backend} {name}: {r.rps:.0f} req/s, p95 {r.p95_ms:.1f} ms", flush=True)
        lua = REGISTER_LUA.replace("MARKET_ID", str(market_id))
        results["register"] = wrk.run(
            base + "/api/vendors", seconds=seconds, connections=16, headers=auth, lua=lua, workdir=workdir
        )
        print(
            f"  {backend} register: {results['register'].rps:.0f} req/s, non-2xx {results['register'].non2xx}",
            flush=True,
        )
        return results
    finally:
        server.terminate()
        server.wait(timeout=30)


def report(bare: wrk.Result, results: dict[str, dict[str, wrk.Result]], vendors: int, seconds: int) -> str:
    goals = {"list": 0.25, "search": 0.25, "search_phone": 0.25, "register": 0.10}
    goals.update({op + FRESH: goals[op] for op in ("list", "search", "search_phone")})
    lines = [
        "## API: vendor list, search and registration",
        "",
        f"Measured {dt.date.today().isoformat()} on {platform.machine()} with {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}; {vendors:,} vendors loaded; uvicorn with one worker for the tracker "
        f"and for the bare Litestar endpoint alike; wrk with 1 thread and 16 connections for {seconds} s per row "
        "(after a 2 s warm-up), over loopback on the same machine. `python -m bench.api` reproduces it.",
        "",
        f"Reference, bare Litestar JSON endpoint: **{bare.rps:,.0f} req/s**, p95 {bare.p95_ms:.1f} ms.",
        "",
        "| backend | operation | req/s | share of bare | goal | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for backend, rows in results.items():
        for name, r in rows.items():
            share = r.rps / bare.rps if bare.rps else 0
            ok = share >= goals[name] and (name == "register" or r.p95_ms < 50)
            lines.append(
                f"| {backend} | {name} | {r.rps:,.0f} | {share:.1%} | ≥ {goals[name]:.0%}"
                f"{'' if name == 'register' else ', p95 < 50 ms'} {'✅' if ok else '❌'} | "
                f"{r.p50_ms:.1f} | {r.p95_ms:.1f} | {r.p99_ms:.1f} | {r.errors + r.non2xx} |"
            )
    lines += [
        "",
        "Operations: `list` = `GET /api/vendors?limit=50` for a task force whose area covers the whole province "
        "(all 100,000 vendors in scope); `search` = the same with `q=nguyen thi lan` (accent-insensitive, several "
        "words); `search_phone` = `q=0905` (part of a phone number); `register` = `POST /api/vendors` with a "
        "payment account, duplicate checks and the audit entry, every body unique. The first three are the same "
        "request over and over, as a task force pages and searches between registrations: after the first, the "
        'answer comes from memory until the next commit to the database (docs/architecture.md, "Answers kept in '
        f'memory"). The rows marked{FRESH} send `Cache-Control: no-cache`: every request reads the database. '
        "The 16 registrations in flight are written in batches, one transaction for those that arrive together "
        '(docs/architecture.md, "Registrations written in batches").',
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--vendors", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--backends", default="sqlite,postgres")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="cho-so-bench-"))
    bare_port = free_port()
    bare_server = serve(["bench.bare_app:app"], dict(os.environ), bare_port)
    cluster: PgCluster | None = None
    try:
        wrk.run(f"http://127.0.0.1:{bare_port}/bare", seconds=2, connections=16, workdir=workdir)
        bare = wrk.run(f"http://127.0.0.1:{bare_port}/bare", seconds=args.seconds, connections=16, workdir=workdir)
        print(f"bare: {bare.rps:.0f} req/s, p95 {bare.p95_ms:.1f} ms", flush=True)
        bare_server.terminate()
        results: dict[str, dict[str, wrk.Result]] = {}
        for backend in args.backends.split(","):
            print(f"{backend}:", flush=True)
            data_dir = workdir / backend
            data_dir.mkdir()
            if backend == "sqlite":
                url = f"sqlite+aiosqlite:///{data_dir / 'tracker.db'}"
            else:
                try:
                    cluster = start_cluster("cho-so-bench-pg-")
                except ClusterUnavailable as exc:
                    print(f"  skipped: {exc}")
                    continue
                url = cluster.create_database("bench")
            settings = Settings(database_url=url, secret_key=SECRET, data_dir=data_dir)
            token, market_id = asyncio.run(prepare(settings, args.vendors))
            results[backend] = measure(backend, settings, token, market_id, args.seconds, workdir, bare_port)
        OUT.parent.mkdir(parents=True, exist_ok=True)
        OUT.write_text(report(bare, results, args.vendors, args.seconds))
        print(f"written {OUT.relative_to(ROOT)}")
    finally:
        bare_server.kill()
        if cluster is not None:
            cluster.remove()


if __name__ == "__main__":
    main()
