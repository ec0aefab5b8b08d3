"""Valid inputs for tests, unique within a test run."""

from __future__ import annotations

import itertools
from typing import Any

_counter = itertools.count(1)
# Assigned Vietnamese mobile blocks (Viettel 086/096/097/098/03x, VinaPhone 091/094/088/08x, MobiFone 090/093/089/07x).
_PREFIXES = ["090", "093", "097", "098", "091", "094", "086", "088", "032", "035", "077", "079", "083", "085"]


def unique_phone() -> str:
    n = next(_counter)
    return f"{_PREFIXES[n % len(_PREFIXES)]}{(n * 7919) % 10_000_000:07d}"


def unique_account() -> str:
    return f"{1_000_000_000 + next(_counter) * 104_729}"


def unique_personal_id() -> str:
    return f"049{(next(_counter) * 7_654_321) % 1_000_000_000:09d}"


def vendor_payload(market_id: int, **overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "full_name": "Nguyễn Thị Đào",
        "phone": unique_phone(),
        "market_id": market_id,
        "stall": f"A{next(_counter)}",
        "goods_category": "rau_cu_qua",
        "consent": True,
        "payment_accounts": [{"bank_bin": "970436", "account_number": unique_account()}],
    }
    payload.update(overrides)
    return payload


def market_payload(area_code: str = "20599", **overrides: Any) -> dict[str, Any]:
    n = next(_counter)
    payload: dict[str, Any] = {
        "name": f"Chợ Thử Nghiệm {n}",
        "code": f"T{n:05d}",
        "area_code": area_code,
        "kind": "hang_2",
        "stall_count": 100,
    }
    payload.update(overrides)
    return payload
