"""Uptake reports at national scale, next to the floor: the same figures from one hand-written GROUP BY.

A throwaway PostgreSQL cluster gets the national data set (``bench.national``: 1,000,000 vendors in
8,000 markets across every commune, a year of history, 20,000 OCOP products, 60,000 onboardings). The
province-level report (every commune of a province) and the commune-level one (every market of a
commune) are computed by ``ReportService.uptake`` for an officer of that area, as the API and the
pages call it, and timed next to one SQL statement computing the same figures.

    python -m bench.reports [--runs 15] [--keep] [--url postgresql+asyncpg://...]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import platform
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

from bench.national import Sizes, generate
from tests.support.pg_cluster import PgCluster, start_cluster
from tracker.accounts.actor import Actor
from tracker.areas.services import AreaService
from tracker.db.migrate import upgrade
from tracker.reports.service import ReportService
from tracker.reports.units import children_of
from tracker.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "benchmarks" / "reports.md"
SECRET = "bench-secret-" + "x" * 40
PROVINCE = "01"  # Hà Nội: the province with the most communes since 2025-07-01

# The floor: the per-child figures in one statement, nothing else (no scope check, no unit lookup).
FLOOR_UNITS = """
WITH kids AS (SELECT unnest(CAST(:children AS bigint[])) AS child),
m AS (
  SELECT r.ancestor_id AS child, count(*) AS markets, sum(mk.stall_count) AS stalls
  FROM markets mk JOIN area_reach r ON r.unit_id = mk.area_id AND r.ancestor_id = ANY(CAST(:children AS bigint[]))
  WHERE mk.active GROUP BY r.ancestor_id),
v AS (
  SELECT r.ancestor_id AS child, count(*) AS vendors,
    count(*) FILTER (WHERE EXISTS (SELECT 1 FROM payment_accounts pa WHERE pa.vendor_id = v.id AND pa.active))
      AS with_account,
    count(*) FILTER (WHERE EXISTS (SELECT 1 FROM vendor_status_changes s
      WHERE s.vendor_id = v.id AND s.to_status IN ('qr_issued', 'active'))) AS with_poster,
    count(*) FILTER (WHERE v.status = 'active') AS active
  FROM vendors v JOIN area_reach r ON r.unit_id = v.area_id AND r.ancestor_id = ANY(CAST(:children AS bigint[]))
  WHERE v.active GROUP BY r.ancestor_id)
SELECT kids.child, m.markets, m.stalls, v.vendors, v.with_account, v.with_poster, v.active
FROM kids LEFT JOIN m USING (child) LEFT JOIN v USING (child)
"""
FLOOR_MARKETS = """
SELECT mk.id, mk.stall_count, count(v.id) AS vendors,
  count(v.id) FILTER (WHERE EXISTS (SELECT 1 FROM payment_accounts pa WHERE pa.vendor_id = v.id AND pa.active))
    AS with_account,
  count(v.id) FILTER (WHERE EXISTS (SELECT 1 FROM vendor_status_changes s
    WHERE s.vendor_id = v.id AND s.to_status IN ('qr_issued', 'active'))) AS with_poster,
  count(v.id) FILTER (WHERE v.status = 'active') AS active
FROM markets mk LEFT JOIN vendors v ON v.market_id = mk.id AND v.active
WHERE mk.area_id IN (SELECT unit_id FROM area_reach WHERE ancestor_id = :area)
GROUP BY mk.id, mk.stall_count
"""

# The same figures from the summary tables the report reads, in one statement: what remains of the
# report's cost beyond its arithmetic is scope, units, targets and building the rows.
SUMMARY_UNITS = """
WITH kids AS (SELECT unnest(CAST(:children AS bigint[])) AS child),
per_market AS (
  SELECT mk.id, mk.stall_count, mk.active, u.with_account, u.with_poster,
    (SELECT min(r.ancestor_id) FROM area_reach r
     WHERE r.unit_id = mk.area_id AND r.ancestor_id = ANY(CAST(:children AS bigint[]))) AS child,
    (SELECT sum(t.n) FROM vendor_tallies t WHERE t.market_id = mk.id AND t.active) AS vendors,
    (SELECT sum(t.n) FROM vendor_tallies t WHERE t.market_id = mk.id AND t.active AND t.status = 'active') AS active_n
  FROM markets mk LEFT JOIN vendor_uptake_tallies u ON u.market_id = mk.id
  WHERE mk.area_id IN (SELECT unit_id FROM area_reach WHERE ancestor_id = :area))
SELECT kids.child, count(per_market.id) FILTER (WHERE per_market.active) AS markets,
  sum(per_market.stall_count) FILTER (WHERE per_market.active) AS stalls, sum(per_market.vendors) AS vendors,
  sum(per_market.with_account) AS with_account, sum(per_market.with_poster) AS with_poster,
  sum(per_market.active_n) AS active
FROM kids LEFT JOIN per_market USING (child) GROUP BY kids.child
"""
SUMMARY_MARKETS = """
SELECT mk.id, mk.stall_count, u.with_account, u.with_poster,
  (SELECT sum(t.n) FROM vendor_tallies t WHERE t.market_id = mk.id AND t.active) AS vendors,
  (SELECT sum(t.n) FROM vendor_tallies t WHERE t.market_id = mk.id AND t.active AND t.status = 'active') AS active
FROM markets mk LEFT JOIN vendor_uptake_tallies u ON u.market_id = mk.id
WHERE mk.area_id IN (SELECT unit_id FROM area_reach WHERE ancestor_id = :area)
"""


def settings_for(url: str) -> Settings:
    return Settings(database_url=url, secret_key=SECRET, data_dir=Path("/tmp"), db_pool_size=5, db_max_overflow=5)


async def timed(runs: int, call: Callable[[], Awaitable[Any]]) -> tuple[float, float, Any]:
    for _ in range(2):
        result = await call()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        result = await call()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.9)], result


async def measure(engine: AsyncEngine, runs: int) -> list[dict[str, Any]]:
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    async with sessions() as session:
        province = await AreaService(session).resolve(PROVINCE)
        children = [c.id for c in await children_of(session, province, dt.date.today())]
        # A commune of ordinary size: the median of the province's communes by vendors.
        sizes = (
            await session.execute(
                text(
                    "SELECT r.ancestor_id, count(*) FROM vendors v JOIN area_reach r ON r.unit_id = v.area_id "
                    "WHERE r.ancestor_id = ANY(CAST(:c AS bigint[])) GROUP BY 1 ORDER BY 2"
                ),
                {"c": children},
            )
        ).all()
        commune_id, commune_vendors = sizes[len(sizes) // 2]
        commune = await AreaService(session).by_id(commune_id)
    results = []
    for level, unit, floor_sql, summary_sql, params in (
        ("province", province, FLOOR_UNITS, SUMMARY_UNITS, {"children": children, "area": province.id}),
        ("commune", commune, FLOOR_MARKETS, SUMMARY_MARKETS, {"area": commune.id}),
    ):
        officer = Actor(user_id=None, username="bench", role="officer", area_id=unit.id)

        async def report(code: str = unit.code, actor: Actor = officer) -> Any:
            async with sessions() as s:
                return await ReportService(s).uptake(actor, code)

        async def floor(sql: str = floor_sql, values: dict[str, Any] = params) -> Any:
            async with engine.connect() as conn:
                return (await conn.execute(text(sql), {k: v for k, v in values.items() if f":{k}" in sql})).all()

        async def summary(sql: str = summary_sql, values: dict[str, Any] = params) -> Any:
            async with engine.connect() as conn:
                return (await conn.execute(text(sql), {k: v for k, v in values.items() if f":{k}" in sql})).all()

        # Interleaved, so that both see the same machine load.
        report_ms, report_p90, result = await timed(runs, report)
        floor_ms, floor_p90, rows = await timed(runs, floor)
        report_ms2, report_p90_2, _ = await timed(runs, report)
        floor_ms2, floor_p90_2, _ = await timed(runs, floor)
        summary_ms, _, summary_rows = await timed(runs, summary)
        assert sum(int(r.vendors or 0) for r in summary_rows) == sum(int(r.vendors or 0) for r in rows)
        floor_vendors = sum(int(r.vendors or 0) for r in rows)
        assigned = sum(r.vendors for r in result.rows)
        assert assigned == floor_vendors, (assigned, floor_vendors)
        results.append(
            {
                "level": level,
                "area": f"{unit.name} ({unit.code})",
                "rows": len(result.rows),
                "by": result.by,
                "vendors": result.total.vendors,
                "unassigned": result.unassigned.vendors,
                "report_ms": min(report_ms, report_ms2),
                "report_p90": min(report_p90, report_p90_2),
                "floor_ms": min(floor_ms, floor_ms2),
                "floor_p90": min(floor_p90, floor_p90_2),
                "summary_ms": summary_ms,
            }
        )
        print(results[-1], flush=True)
    _ = commune_vendors
    return results


def write(results: list[dict[str, Any]], counts: dict[str, int], load_s: float | None, runs: int) -> None:
    goals = {"province": 500, "commune": 100}
    lines = [
        "## Reports: uptake at national scale",
        "",
        f"Measured {dt.date.today().isoformat()} on {platform.machine()} with 2 CPUs (shared), Python "
        f"{platform.python_version()}, PostgreSQL in a throwaway cluster (`tests/support/pg_cluster.py`); "
        f"median (and 90th percentile) of {runs} runs after two warm-ups, report and floor interleaved. "
        "`python -m bench.reports` reproduces it.",
        "",
        "Data set (`bench/national.py`, loaded with COPY"
        + (f" in {load_s:.0f} s" if load_s else "")
        + "): "
        + ", ".join(f"{n:,} {table}" for table, n in counts.items())
        + ". A third of the markets are registered under the communes in force before the 2025 reform.",
        "",
        "| level | area | rows | vendors | unassigned | report ms (p90) | floor ms (p90) | report / floor | goal "
        "| same GROUP BY on the summary tables ms |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    for r in results:
        ratio = r["report_ms"] / r["floor_ms"]
        ok = r["report_ms"] < goals[r["level"]] and ratio <= 2
        lines.append(
            f"| {r['level']} | {r['area']} | {r['rows']} ({r['by']}) | {r['vendors']:,} | {r['unassigned']:,} | "
            f"{r['report_ms']:.1f} ({r['report_p90']:.1f}) | {r['floor_ms']:.1f} ({r['floor_p90']:.1f}) | "
            f"{ratio:.2f}× | < {goals[r['level']]} ms, ≤ 2× {'✅' if ok else '❌'} | {r['summary_ms']:.1f} |"
        )
    lines += [
        "",
        "The report is `ReportService.uptake(officer, area)` as the API and the pages call it: it resolves the "
        "area on the date, checks the officer's scope, finds the child units, reads the area's markets with "
        "their counts in one statement and tracks the area's targets. The floor is one hand-written GROUP BY "
        "over the vendors, their accounts and their status history computing only the figures (`FLOOR_UNITS`, "
        "`FLOOR_MARKETS` in `bench/reports.py`); the last column is the same figures by one statement over the "
        "summary tables the report reads (`SUMMARY_UNITS`, `SUMMARY_MARKETS`): the rest of the report's time "
        "is the scope check, the child units, the targets and building the rows.",
        "",
        "What makes them:",
        "",
        "- `vendor_uptake_tallies` (migration `0011_reports`): per market, the active vendors with a payment "
        "account and with a QR poster issued, kept exact by triggers on vendors, payment accounts and the status "
        "history (a first account or poster adds one, other changes recount their market under a lock). "
        "With the per-(area, "
        "market, status) `vendor_tallies` of migration 0003, an area's uptake reads a few hundred summary rows "
        "instead of its vendors; without them the report costs what the floor costs (0.7–2.9 s for the province on "
        "this machine depending on its load, mostly random reads of the vendors and their accounts).",
        "- `ix_vendors_area_market (area_id, market_id)` and `ix_vendor_status_changes_reached (vendor_id, "
        "to_status)` serve the trend and the targets, which count the history as of each month's end.",
        "- During the bulk load the summary triggers are off; the tallies are rebuilt once at the end.",
    ]
    OUT.write_text("\n".join(lines) + "\n")
    print(f"written {OUT.relative_to(ROOT)}")


TABLES = (
    "markets",
    "vendors",
    "payment_accounts",
    "vendor_status_changes",
    "ocop_producers",
    "ocop_products",
    "ocop_certifications",
    "onboardings",
    "onboarding_events",
)


async def run(url: str, runs: int, counts: dict[str, int], load_s: float | None) -> None:
    engine = create_async_engine(url, pool_size=2)
    try:
        if not counts:
            async with engine.connect() as conn:
                for table in TABLES:
                    counts[table] = int((await conn.execute(text(f"SELECT count(*) FROM {table}"))).scalar() or 0)  # noqa: S608
        results = await measure(engine, runs)
    finally:
        await engine.dispose()
    write(results, counts, load_s, runs)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--vendors", type=int, default=Sizes.vendors)
    parser.add_argument("--url", help="an already loaded database (skips generating)")
    parser.add_argument("--loaded-in", type=float, default=None, help="with --url: how long the load took (s)")
    parser.add_argument("--keep", action="store_true", help="leave the cluster running and print its URL")
    args = parser.parse_args(argv if argv is not None else sys.argv[1:])
    cluster: PgCluster | None = None
    counts: dict[str, int] = {}
    load_s = None
    try:
        url = args.url
        if url is None:
            cluster = start_cluster("cho-so-bench-reports-")
            url = cluster.create_database("national")
            upgrade(settings_for(url))
            started = time.perf_counter()
            sizes = Sizes(vendors=args.vendors)
            counts = asyncio.run(generate(cluster.url("national", driver="postgresql"), sizes))
            load_s = time.perf_counter() - started
            print(f"loaded in {load_s:.0f} s: {counts}", flush=True)
        else:
            load_s = args.loaded_in
        asyncio.run(run(url, args.runs, counts, load_s))
    finally:
        if cluster is not None:
            if args.keep:
                print(f"kept: {url} ({cluster.root})")
            else:
                cluster.remove()


if __name__ == "__main__":
    main()
