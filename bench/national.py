"""A national-scale data set for the report benchmarks, loaded with COPY into a migrated PostgreSQL.

1,000,000 vendors in 8,000 markets across every commune in force, a year of status history, payment
accounts, 20,000 OCOP products with their certifications and 60,000 onboardings with their stage
events. A third of the markets were registered under the communes in force before the 2025 reform, so
that the reports roll them up through the crosswalk (and count those of split communes as unassigned).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg

from qr.text import fold_ascii
from tracker.lib.text import search_key

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"]
MIDDLE = ["Thị", "Văn", "Thị Kim", "Thị Thu", "Hữu", "Đức", "Ngọc", "Minh", "Thanh"]
GIVEN = ["An", "Bình", "Cúc", "Dung", "Đào", "Hoa", "Hồng", "Lan", "Mai", "Nga", "Phượng", "Tâm", "Thu", "Trang"]
PREFIXES = ["090", "093", "097", "098", "091", "094", "086", "088", "032", "035", "077", "079", "083", "085"]
BINS = ["970405", "970436", "970415", "970418", "970422", "970403", "970423", "970416"]
CATEGORIES = ["rau_cu_qua", "thit", "thuy_hai_san", "gao_hang_kho", "quan_ao_vai", "an_uong", "tap_hoa", "khac"]
WALK = ["planned", "account_created", "shop_active", "listing_submitted", "listing_live"]
BATCH = 50_000
TRIGGERS = [
    ("vendors", "vendors_tally"),
    ("vendors", "vendors_uptake_tally"),
    ("vendors", "vendors_inserted"),
    ("payment_accounts", "payment_accounts_uptake_tally"),
    ("payment_accounts", "payment_accounts_inserted"),
    ("vendor_status_changes", "status_changes_uptake_tally"),
    ("vendor_status_changes", "status_changes_inserted"),
]


@dataclass(frozen=True)
class Sizes:
    vendors: int = 1_000_000
    markets: int = 8_000
    producers: int = 8_000
    products: int = 20_000
    onboardings: int = 60_000
    old_share: float = 1 / 3


def _batches(rows: Iterator[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


async def _copy(conn: asyncpg.Connection, table: str, columns: Sequence[str], rows: Iterator[tuple[Any, ...]]) -> int:
    count = 0
    for batch in _batches(rows):
        await conn.copy_records_to_table(table, records=batch, columns=list(columns))
        count += len(batch)
    return count


async def generate(dsn: str, sizes: Sizes, seed: int = 2026) -> dict[str, int]:
    """Loads the data set; the vendor tally trigger is off during the load and the tallies rebuilt after."""
    rng = random.Random(seed)
    now = dt.datetime.now(dt.UTC)
    year_ago = now - dt.timedelta(days=365)
    conn = await asyncpg.connect(dsn)
    try:
        current = [
            r["id"]
            for r in await conn.fetch(
                "SELECT id FROM area_units WHERE level = 'commune' AND valid_to IS NULL "
                "AND (valid_from IS NULL OR valid_from <= now()::date) ORDER BY id"
            )
        ]
        old = [
            r["id"]
            for r in await conn.fetch(
                "SELECT id FROM area_units WHERE level = 'commune' AND valid_to = DATE '2025-07-01' ORDER BY id"
            )
        ]
        # The summary tables' triggers (row by row for updates, per statement for inserts) are off during
        # the bulk load; the tables are rebuilt once at the end.
        for table, trigger in TRIGGERS:
            await conn.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
        # The substring-search index serves the vendor list, not the reports; building it for a million
        # rows would double the load time on a two-core machine.
        await conn.execute("DROP INDEX IF EXISTS ix_vendors_search_text_trgm")

        markets: list[tuple[int, int]] = []  # (id, area_id)

        def market_rows() -> Iterator[tuple[Any, ...]]:
            for i in range(sizes.markets):
                area = rng.choice(old) if rng.random() < sizes.old_share else current[i % len(current)]
                name = f"Chợ {rng.choice(FAMILY)} {i + 1}"
                markets.append((i + 1, area))
                opened = year_ago - dt.timedelta(days=rng.randrange(30, 400))
                yield (
                    i + 1,
                    f"N{i + 1:05d}",
                    name,
                    search_key(name),
                    area,
                    rng.choice(["hang_1", "hang_2", "hang_3"]),
                    rng.randrange(60, 500),
                    True,
                    0,
                    1,
                    opened,
                    opened,
                )

        counts = {
            "markets": await _copy(
                conn,
                "markets",
                (
                    "id",
                    "code",
                    "name",
                    "name_search",
                    "area_id",
                    "kind",
                    "stall_count",
                    "active",
                    "vendor_seq",
                    "version",
                    "created_at",
                    "updated_at",
                ),
                market_rows(),
            )
        }
        statuses: list[str] = []
        registered_at: list[dt.datetime] = []

        def vendor_rows() -> Iterator[tuple[Any, ...]]:
            seq: dict[int, int] = {}
            for n in range(sizes.vendors):
                market_id, area_id = markets[rng.randrange(len(markets))]
                seq[market_id] = seq.get(market_id, 0) + 1
                code = f"N{market_id:05d}-{seq[market_id]:04d}"
                name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
                phone = f"{PREFIXES[n % len(PREFIXES)]}{n % 10_000_000:07d}"
                roll = rng.random()
                status = (
                    "registered" if roll < 0.35 else "qr_issued" if roll < 0.6 else "active" if roll < 0.9 else "paused"
                )
                created = year_ago + dt.timedelta(seconds=rng.randrange(365 * 86400))
                statuses.append(status)
                registered_at.append(created)
                yield (
                    n + 1,
                    code,
                    name,
                    search_key(name),
                    f"{search_key(name)} {code.lower()} {phone}",
                    phone,
                    False,
                    market_id,
                    area_id,
                    f"A{seq[market_id]}",
                    rng.choice(CATEGORIES),
                    created.date(),
                    status,
                    created,
                    True,
                    1,
                    created,
                    created,
                )

        counts["vendors"] = await _copy(
            conn,
            "vendors",
            (
                "id",
                "code",
                "full_name",
                "name_search",
                "search_text",
                "phone",
                "shares_phone",
                "market_id",
                "area_id",
                "stall",
                "goods_category",
                "consent_date",
                "status",
                "status_changed_at",
                "active",
                "version",
                "created_at",
                "updated_at",
            ),
            vendor_rows(),
        )

        def account_rows() -> Iterator[tuple[Any, ...]]:
            for n in range(sizes.vendors):
                if n % 20 < 17:  # 85% have an account
                    yield (
                        n + 1,
                        BINS[n % len(BINS)],
                        f"{10**11 + n}",
                        fold_ascii("NGUYEN VAN A"),
                        True,
                        True,
                        registered_at[n],
                        registered_at[n],
                    )

        counts["payment_accounts"] = await _copy(
            conn,
            "payment_accounts",
            (
                "vendor_id",
                "bank_bin",
                "account_number",
                "account_name",
                "is_primary",
                "active",
                "created_at",
                "updated_at",
            ),
            account_rows(),
        )

        def change_rows() -> Iterator[tuple[Any, ...]]:
            for n, status in enumerate(statuses):
                at = registered_at[n]
                yield (n + 1, None, "registered", at)
                path = {
                    "registered": [],
                    "qr_issued": ["qr_issued"],
                    "active": ["qr_issued", "active"],
                    "paused": ["qr_issued", "active", "paused"],
                }[status]
                previous = "registered"
                for step in path:
                    at = min(at + dt.timedelta(days=rng.randrange(1, 40)), now)
                    yield (n + 1, previous, step, at)
                    previous = step

        counts["vendor_status_changes"] = await _copy(
            conn, "vendor_status_changes", ("vendor_id", "from_status", "to_status", "at"), change_rows()
        )
        await conn.execute("DELETE FROM vendor_tallies")
        await conn.execute(
            "INSERT INTO vendor_tallies (area_id, market_id, status, active, n) "
            "SELECT area_id, market_id, status, active, count(*) FROM vendors GROUP BY 1, 2, 3, 4"
        )
        await conn.execute("SELECT vendor_uptake_recount(id) FROM markets")
        for table, trigger in TRIGGERS:
            await conn.execute(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")
        counts.update(await _ocop(conn, rng, sizes, current, now, year_ago))
        for table in ("markets", "vendors", "payment_accounts", "vendor_status_changes", "ocop_products"):
            await conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")  # noqa: S608
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
    return counts


async def _ocop(
    conn: asyncpg.Connection,
    rng: random.Random,
    sizes: Sizes,
    communes: list[int],
    now: dt.datetime,
    year_ago: dt.datetime,
) -> dict[str, int]:
    platforms = [r["id"] for r in await conn.fetch("SELECT id FROM platforms ORDER BY id")]
    producers: list[int] = []

    def producer_rows() -> Iterator[tuple[Any, ...]]:
        for i in range(sizes.producers):
            area = rng.choice(communes)
            producers.append(area)
            name = f"Hợp tác xã {rng.choice(GIVEN)} {i + 1}"
            yield (
                i + 1,
                f"CT{i + 1:05d}",
                name,
                search_key(name),
                search_key(name),
                "hop_tac_xa",
                "Nguyễn Văn An",
                f"0905{i:06d}",
                area,
                0,
                1,
                year_ago,
                year_ago,
            )

    counts = {
        "ocop_producers": await _copy(
            conn,
            "ocop_producers",
            (
                "id",
                "code",
                "name",
                "name_search",
                "search_text",
                "kind",
                "representative",
                "phone",
                "area_id",
                "product_seq",
                "version",
                "created_at",
                "updated_at",
            ),
            producer_rows(),
        )
    }
    products: list[int] = []  # producer id per product

    def product_rows() -> Iterator[tuple[Any, ...]]:
        for i in range(sizes.products):
            producer = rng.randrange(sizes.producers) + 1
            products.append(producer)
            name = f"Sản phẩm {rng.choice(GIVEN)} {i + 1}"
            yield (
                i + 1,
                f"CT{producer:05d}-{i + 1:05d}",
                producer,
                name,
                search_key(name),
                search_key(name),
                "148/QĐ-TTg",
                "1",
                "1.1",
                producers[producer - 1],
                1,
                year_ago,
                year_ago,
            )

    counts["ocop_products"] = await _copy(
        conn,
        "ocop_products",
        (
            "id",
            "code",
            "producer_id",
            "name",
            "name_search",
            "search_text",
            "tree_version",
            "group_code",
            "subgroup_code",
            "area_id",
            "version",
            "created_at",
            "updated_at",
        ),
        product_rows(),
    )

    def certification_rows() -> Iterator[tuple[Any, ...]]:
        for i in range(sizes.products):
            if rng.random() < 0.75:
                decided = (year_ago - dt.timedelta(days=rng.randrange(0, 700))).date()
                yield (
                    i + 1,
                    rng.choice([3, 4]),
                    60,
                    "province",
                    "148/QĐ-TTg",
                    f"{i + 1}/QĐ-UBND",
                    decided,
                    decided + dt.timedelta(days=1095),
                    "active",
                    year_ago,
                    year_ago,
                )

    counts["ocop_certifications"] = await _copy(
        conn,
        "ocop_certifications",
        (
            "product_id",
            "stars",
            "score",
            "level",
            "legal_basis",
            "decision_no",
            "decision_date",
            "valid_until",
            "status",
            "created_at",
            "updated_at",
        ),
        certification_rows(),
    )
    events: list[tuple[Any, ...]] = []

    def onboarding_rows() -> Iterator[tuple[Any, ...]]:
        pairs = set()
        n = 0
        while n < sizes.onboardings:
            product = rng.randrange(sizes.products) + 1
            platform = rng.choice(platforms)
            if (product, platform) in pairs:
                continue
            pairs.add((product, platform))
            n += 1
            steps = WALK[: rng.randrange(1, len(WALK) + 1)]
            at = year_ago + dt.timedelta(seconds=rng.randrange(300 * 86400))
            previous = None
            for step in steps:
                events.append((n, previous, step, at, "bench"))
                previous = step
                at = min(at + dt.timedelta(days=rng.randrange(1, 20)), now)
            yield (n, "product", product, products[product - 1], platform, steps[-1], at, False, False, 1, at, at)

    counts["onboardings"] = await _copy(
        conn,
        "onboardings",
        (
            "id",
            "subject_kind",
            "product_id",
            "producer_id",
            "platform_id",
            "stage",
            "stage_changed_at",
            "needs_resolution",
            "broken",
            "version",
            "created_at",
            "updated_at",
        ),
        onboarding_rows(),
    )
    counts["onboarding_events"] = await _copy(
        conn, "onboarding_events", ("onboarding_id", "from_stage", "to_stage", "at", "by_username"), iter(events)
    )
    for table in ("ocop_producers", "onboardings"):
        await conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")  # noqa: S608
    return counts
