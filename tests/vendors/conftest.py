from __future__ import annotations

import pytest

from tests.support.factories import market_payload


@pytest.fixture
async def market(api) -> dict:
    """A market in today's Xã Nam Phước, where the ``taskforce`` client works."""
    return await api.officer.ok("POST", "/api/markets", 201, json=market_payload("20599", code="NP"))


@pytest.fixture
async def market_hn(api) -> dict:
    return await api.officer_hn.ok("POST", "/api/markets", 201, json=market_payload("00004", code="BD"))
