"""Valid OCOP inputs and short walks through the API, shared by the OCOP and onboarding tests."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from tests.support.api import Api
from tests.support.factories import unique_phone
from tracker.lib import clock

_counter = itertools.count(1)
TODAY = clock.today()


def producer_payload(area_code: str = "20599", **overrides: Any) -> dict[str, Any]:
    n = next(_counter)
    payload: dict[str, Any] = {
        "name": f"Hợp tác xã Nông nghiệp Thử Nghiệm {n}",
        "kind": "hop_tac_xa",
        "representative": "Nguyễn Văn Bình",
        "phone": unique_phone(),
        "area_code": area_code,
        "address": "Thôn Mỹ Hòa",
    }
    payload.update(overrides)
    return payload


def product_payload(producer_id: int, **overrides: Any) -> dict[str, Any]:
    n = next(_counter)
    payload: dict[str, Any] = {
        "producer_id": producer_id,
        "name": f"Bánh tráng Thử Nghiệm {n}",
        "group": "1",
        "subgroup": "1.3",
        "product_set": "1.3.b",
    }
    payload.update(overrides)
    return payload


def certification_payload(**overrides: Any) -> dict[str, Any]:
    n = next(_counter)
    payload: dict[str, Any] = {
        "stars": 4,
        "score": 78,
        "decision_no": f"{2900 + n}/QĐ-UBND",
        "decision_date": (TODAY - dt.timedelta(days=200)).isoformat(),
    }
    payload.update(overrides)
    return payload


async def producer_with_product(api: Api, area_code: str = "20599", stars: int | None = 4) -> tuple[dict, dict]:
    """A registered producer and one product (certified with ``stars`` stars unless None), by the API."""
    producer = await api.ok("POST", "/api/ocop/producers", 201, json=producer_payload(area_code))
    product = await api.ok("POST", "/api/ocop/products", 201, json=product_payload(producer["id"]))
    if stars is not None:
        score = {1: 20, 2: 40, 3: 60, 4: 78, 5: 95}[stars]
        level = {5: "central"}.get(stars, "province")
        product = await api.ok(
            "POST",
            f"/api/ocop/products/{product['id']}/certifications",
            json=certification_payload(stars=stars, score=score, level=level),
        )
    return producer, product
