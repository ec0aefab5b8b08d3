"""The single poster endpoint: ``GET /api/vendors/{id}/poster.png|.pdf?size=A6``, p50/p95 in process.

A fresh SQLite database with the demo data (``tracker seed --demo``); the demo task force of Nam Phước
asks for its market's vendors' posters in turn, through the whole application (authentication, scope
query, rendering, the poster record and its commit), over ASGI in the same process.

    python -m bench.poster_endpoints [--requests 200]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from tracker.accounts.models import User
from tracker.accounts.security import issue_token
from tracker.app import create_app
from tracker.db.migrate import upgrade
from tracker.seed import seed_demo
from tracker.settings import Settings
from vendors.models import Market, PaymentAccount, Vendor

SECRET = "bench-secret-" + "x" * 40
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "benchmarks" / "poster_endpoints.md"


async def _prepare(settings: Settings) -> tuple[str, list[int]]:
    await seed_demo(settings)
    engine = create_async_engine(settings.database_url, poolclass=NullPool)
    async with engine.connect() as conn:
        user_id = (await conn.execute(select(User.id).where(User.username == "tocns.namphuoc"))).scalar_one()
        vendor_ids = list(
            (
                await conn.execute(
                    select(Vendor.id)
                    .join(Market, Market.id == Vendor.market_id)
                    .where(Market.code == "NP", Vendor.active)
                    .where(Vendor.id.in_(select(PaymentAccount.vendor_id).where(PaymentAccount.active)))
                    .order_by(Vendor.id)
                )
            ).scalars()
        )
    await engine.dispose()
    return issue_token(SECRET, user_id, 1, dt.timedelta(hours=1))[0], vendor_ids


async def _measure(settings: Settings, token: str, vendor_ids: list[int], fmt: str, n: int) -> list[float]:
    timings: list[float] = []
    headers = {"Authorization": f"Bearer {token}"}
    async with AsyncTestClient(create_app(settings), base_url="http://bench.local") as client:
        for _ in range(10):  # warm-up: imports, fonts, connections
            await client.get(f"/api/vendors/{vendor_ids[0]}/poster.{fmt}", headers=headers)
        for i in range(n):
            url = f"/api/vendors/{vendor_ids[i % len(vendor_ids)]}/poster.{fmt}"
            started = time.perf_counter()
            response = await client.get(url, params={"size": "A6"}, headers=headers)
            timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{url} → {response.status_code}: {response.text}")
    return timings


def _row(label: str, timings: list[float]) -> str:
    ordered = sorted(timings)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return f"| {label} | {statistics.median(ordered):.1f} | {p95:.1f} | {ordered[-1]:.1f} |"


async def _both(settings: Settings, requests: int) -> tuple[list[float], list[float]]:
    token, vendor_ids = await _prepare(settings)
    png = await _measure(settings, token, vendor_ids, "png", requests)
    pdf = await _measure(settings, token, vendor_ids, "pdf", requests)
    return png, pdf


def run(requests: int) -> str:
    with tempfile.TemporaryDirectory(prefix="bench-posters-") as tmp:
        settings = Settings(
            database_url=f"sqlite+aiosqlite:///{tmp}/bench.sqlite3", secret_key=SECRET, data_dir=Path(tmp)
        )
        upgrade(settings, "head")  # alembic runs its own event loop
        png, pdf = asyncio.run(_both(settings, requests))
    cpus = len(__import__("os").sched_getaffinity(0))
    ok = max(sorted(t)[round(0.95 * len(t)) - 1] for t in (png, pdf)) < 100
    return "\n".join(
        [
            "## Poster endpoint",
            "",
            f"`GET /api/vendors/{{id}}/poster.png|.pdf?size=A6`, {requests} requests each, in process (ASGI), "
            f"SQLite, the demo data; measured by `python -m bench.poster_endpoints` on {cpus} cores, "
            f"Python {platform.python_version()}, {platform.machine()}. Each request authenticates, reads the vendor "
            f"through the area scope, renders the poster and records it (the first download of each vendor's poster "
            f"creates its record and moves the vendor to `qr_issued`; later ones reuse it).",
            "",
            "| A6 poster | p50 (ms) | p95 (ms) | max (ms) |",
            "|---|---:|---:|---:|",
            _row("PNG, 200 dpi", png),
            _row("PDF, vector", pdf),
            "",
            f"Goal: p95 under 100 ms: {'met' if ok else 'NOT met'}.",
            "",
        ]
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    text = run(args.requests)
    OUT.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
