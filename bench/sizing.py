"""Disk sizes on PostgreSQL: rows and bytes per table for a loaded data set, and what the country would take.

Loads ``bench/national.py``'s data set at ``--vendors`` (default 100,000; markets, producers, products and
onboardings scaled with it) into a migrated database in a throwaway cluster, rebuilds the substring-search
index the loader leaves out, runs VACUUM ANALYZE and reads ``pg_relation_size`` / ``pg_indexes_size`` per
table. The national figures are these bytes per row times the country's counts: an estimate, labelled so.

    python -m bench.sizing [--vendors 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import time
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from bench.national import Sizes, generate
from tests.support.pg_cluster import PgCluster, start_cluster
from tracker.db.migrate import upgrade
from tracker.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "benchmarks" / "sizing.md"
# The data tables that grow with the country; everything else (administrative units, platforms, users,
# summary tallies) is summed apart.
TABLES = [
    "vendors",
    "payment_accounts",
    "vendor_status_changes",
    "markets",
    "vendor_tallies",
    "vendor_uptake_tallies",
    "ocop_producers",
    "ocop_products",
    "ocop_certifications",
    "onboardings",
    "onboarding_events",
]
# The country, for the projection: ~8,500 traditional markets, up to ~1.5 million market vendors, ~10,000
# OCOP producers with ~17,000 products. Rows of the other tables grow in the measured proportion.
COUNTRY = {"vendors": 1_500_000, "markets": 8_500, "ocop_producers": 10_000, "ocop_products": 17_000}
GROWS_WITH = {
    "payment_accounts": "vendors",
    "vendor_status_changes": "vendors",
    "vendor_tallies": "markets",
    "vendor_uptake_tallies": "markets",
    "ocop_certifications": "ocop_products",
    "onboardings": "ocop_products",
    "onboarding_events": "ocop_products",
}


@dataclass(frozen=True)
class TableSize:
    name: str
    rows: int
    heap: int
    indexes: int

    @property
    def total(self) -> int:
        return self.heap + self.indexes


async def measure(dsn: str) -> tuple[list[TableSize], int]:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(
            "CREATE INDEX IF NOT EXISTS ix_vendors_search_text_trgm ON vendors USING gin (search_text gin_trgm_ops)"
        )
        await conn.execute("VACUUM ANALYZE")
        sizes = []
        for table in TABLES:
            rows = await conn.fetchval(f"SELECT count(*) FROM {table}")  # noqa: S608 (fixed names)
            heap = await conn.fetchval("SELECT pg_table_size($1::regclass)", table)
            indexes = await conn.fetchval("SELECT pg_indexes_size($1::regclass)", table)
            sizes.append(TableSize(table, int(rows), int(heap), int(indexes)))
        database = int(await conn.fetchval("SELECT pg_database_size(current_database())"))
    finally:
        await conn.close()
    return sizes, database


def mb(n: float) -> str:
    return f"{n / 1024 / 1024:,.1f}"


def report(sizes: list[TableSize], database: int, vendors: int, load_s: float) -> str:
    by_name = {s.name: s for s in sizes}
    rest = database - sum(s.total for s in sizes)
    lines = [
        "## Disk sizes on PostgreSQL",
        "",
        f"Measured {dt.date.today().isoformat()} on {platform.machine()} with {os.cpu_count()} CPUs, PostgreSQL in a "
        f"throwaway cluster; `python -m bench.sizing` reproduces it. `bench/national.py`'s data set at {vendors:,} "
        f"vendors (loaded with COPY in {load_s:.0f} s), with every index of the migrations (the substring-search "
        "index rebuilt after the load), after VACUUM ANALYZE. Table = `pg_table_size` (heap and TOAST), indexes = "
        "`pg_indexes_size`.",
        "",
        "| table | rows | table MB | indexes MB | total MB | bytes per row | country: rows (estimate) | "
        "country: GB (estimate) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    country_total = 0.0
    for s in sizes:
        per_row = s.total / s.rows if s.rows else 0.0
        if s.name in COUNTRY:
            rows = float(COUNTRY[s.name])
        else:
            base = by_name[GROWS_WITH[s.name]]
            rows = s.rows * COUNTRY[base.name] / base.rows if base.rows else 0.0
        country_total += rows * per_row
        lines.append(
            f"| {s.name} | {s.rows:,} | {mb(s.heap)} | {mb(s.indexes)} | {mb(s.total)} | {per_row:,.0f} | "
            f"{rows:,.0f} | {rows * per_row / 1024**3:,.2f} |"
        )
    lines += [
        f"| everything else (administrative units, crosswalk, platforms, users, …) | | | | {mb(rest)} | | | "
        f"{rest / 1024**3:,.2f} |",
        f"| **database** | | | | **{mb(database)}** | | | **{(country_total + rest) / 1024**3:,.2f}** |",
        "",
        "The country's rows: "
        + ", ".join(f"{n:,} {name}" for name, n in COUNTRY.items())
        + "; the other tables in the measured proportion to the table they grow with. Not included: the audit "
        "log (one entry per write; see the load figures for its size per entry) and the imports' stored files.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--vendors", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    scale = args.vendors / Sizes.vendors
    sizes = Sizes(
        vendors=args.vendors,
        markets=max(10, round(Sizes.markets * scale)),
        producers=max(10, round(Sizes.producers * scale)),
        products=max(20, round(Sizes.products * scale)),
        onboardings=max(20, round(Sizes.onboardings * scale)),
    )
    cluster: PgCluster | None = None
    try:
        cluster = start_cluster("cho-so-bench-sizing-")
        url = cluster.create_database("sizing")
        upgrade(Settings(database_url=url, secret_key="sizing-" + "x" * 40, data_dir=cluster.root))
        started = time.perf_counter()
        dsn = cluster.url("sizing", driver="postgresql")
        counts = asyncio.run(generate(dsn, sizes))
        load_s = time.perf_counter() - started
        print(f"loaded in {load_s:.0f} s: {counts}", flush=True)
        tables, database = asyncio.run(measure(dsn))
    finally:
        if cluster is not None:
            cluster.remove()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report(tables, database, args.vendors, load_s))
    print(f"written {args.out}")


if __name__ == "__main__":
    main()
