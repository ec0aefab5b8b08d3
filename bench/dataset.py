"""Generates a realistic vendor data set in bulk (Core inserts, bypassing the API for speed)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from sqlalchemy import insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine

from qr.text import fold_ascii
from tracker.areas.models import AreaUnit
from tracker.lib.text import search_key
from vendors.models import Market, PaymentAccount, Vendor, VendorStatusChange

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"]
MIDDLE = ["Thị", "Văn", "Thị Kim", "Thị Thu", "Hữu", "Đức", "Ngọc", "Minh", "Thanh"]
GIVEN = [
    "An",
    "Bình",
    "Cúc",
    "Dung",
    "Đào",
    "Hoa",
    "Hồng",
    "Lan",
    "Mai",
    "Nga",
    "Phượng",
    "Sương",
    "Tâm",
    "Thu",
    "Trang",
    "Tuấn",
    "Hùng",
    "Hải",
    "Sơn",
    "Quang",
    "Yến",
    "Xuân",
    "Lộc",
    "Phúc",
]
PREFIXES = ["090", "093", "097", "098", "091", "094", "086", "088", "032", "035", "077", "079", "083", "085"]
BINS = ["970405", "970436", "970415", "970418", "970422", "970403", "970423", "970416"]
STATUSES = ["registered", "qr_issued", "active", "paused"]
CATEGORIES = ["rau_cu_qua", "thit", "thuy_hai_san", "gao_hang_kho", "quan_ao_vai", "an_uong", "tap_hoa", "khac"]


async def commune_ids(engine: AsyncEngine, province_code: str, on: dt.date) -> list[int]:
    """Communes in force on ``on`` under the province (directly, or through a district before the reform)."""
    async with engine.connect() as conn:
        province = (
            await conn.execute(
                select(AreaUnit.id).where(
                    AreaUnit.code == province_code,
                    AreaUnit.level == "province",
                    (AreaUnit.valid_from.is_(None)) | (AreaUnit.valid_from <= on),
                    (AreaUnit.valid_to.is_(None)) | (AreaUnit.valid_to > on),
                )
            )
        ).scalar_one()
        parents = [province, *(await conn.execute(select(AreaUnit.id).where(AreaUnit.parent_id == province))).scalars()]
        rows = await conn.execute(
            select(AreaUnit.id).where(AreaUnit.parent_id.in_(parents), AreaUnit.level == "commune")
        )
        return list(rows.scalars())


async def load_vendors(
    engine: AsyncEngine,
    *,
    vendors: int,
    markets: int,
    communes: list[int],
    seed: int = 7,
    created_by: int | None = None,
    market_code_prefix: str = "B",
) -> dict[str, Any]:
    rng = random.Random(seed)
    now = dt.datetime.now(dt.UTC)
    market_rows = []
    for i in range(markets):
        name = f"Chợ {rng.choice(FAMILY)} {i + 1}"
        market_rows.append(
            {
                "code": f"{market_code_prefix}{i + 1:05d}",
                "name": name,
                "name_search": search_key(name),
                "area_id": communes[i % len(communes)],
                "kind": rng.choice(["hang_1", "hang_2", "hang_3"]),
                "stall_count": rng.randrange(60, 500),
                "active": True,
                "vendor_seq": 0,
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
        )
    async with engine.begin() as conn:
        for start in range(0, len(market_rows), 1000):
            await conn.execute(insert(Market), market_rows[start : start + 1000])
        market_list = list(
            (
                await conn.execute(
                    select(Market.id, Market.code, Market.area_id).where(Market.code.like(f"{market_code_prefix}%"))
                )
            ).all()
        )
    per_market = {m.id: 0 for m in market_list}
    chunk: list[dict[str, Any]] = []
    accounts: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    next_id = 1
    async with engine.connect() as conn:
        next_id = int((await conn.execute(select(Vendor.id).order_by(Vendor.id.desc()).limit(1))).scalar() or 0) + 1

    async def flush() -> None:
        async with engine.begin() as conn:
            if chunk:
                await conn.execute(insert(Vendor), chunk)
            if accounts:
                await conn.execute(insert(PaymentAccount), accounts)
            if changes:
                await conn.execute(insert(VendorStatusChange), changes)
        chunk.clear()
        accounts.clear()
        changes.clear()

    for n in range(vendors):
        market = market_list[n % len(market_list)]
        per_market[market.id] += 1
        code = f"{market.code}-{per_market[market.id]:03d}"
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        phone = f"{PREFIXES[n % len(PREFIXES)]}{(n * 7919 + seed) % 10_000_000:07d}"
        status = rng.choice(STATUSES)
        created = now - dt.timedelta(days=rng.randrange(700))
        vendor_id = next_id + n
        chunk.append(
            {
                "id": vendor_id,
                "code": code,
                "full_name": name,
                "name_search": search_key(name),
                "search_text": f"{search_key(name)} {code.lower()} {phone}",
                "phone": phone,
                "shares_phone": False,
                "personal_id": None,
                "market_id": market.id,
                "area_id": market.area_id,
                "stall": f"A{per_market[market.id]}",
                "goods_category": rng.choice(CATEGORIES),
                "consent_date": created.date(),
                "status": status,
                "status_changed_at": created,
                "active": True,
                "created_by_id": created_by,
                "version": 1,
                "created_at": created,
                "updated_at": created,
            }
        )
        accounts.append(
            {
                "vendor_id": vendor_id,
                "bank_bin": BINS[n % len(BINS)],
                "account_number": f"{10**11 + n}",
                "account_name": fold_ascii(name).upper(),
                "is_primary": True,
                "active": True,
                "created_at": created,
                "updated_at": created,
            }
        )
        changes.append({"vendor_id": vendor_id, "from_status": None, "to_status": "registered", "at": created})
        if len(chunk) >= 2000:
            await flush()
    await flush()
    async with engine.begin() as conn:
        for market_id, count in per_market.items():
            await conn.execute(update(Market).where(Market.id == market_id).values(vendor_seq=count))
        if conn.dialect.name == "postgresql":  # ids were given explicitly: move the sequence past them
            await conn.execute(text("SELECT setval('vendors_id_seq', (SELECT max(id) FROM vendors))"))
    return {"markets": len(market_list), "vendors": vendors}
