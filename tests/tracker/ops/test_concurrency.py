"""Simultaneous writers: one wins, the others get a 409, nothing is silently overwritten."""

from __future__ import annotations

import asyncio

from tests.support.factories import market_payload, unique_account, unique_personal_id, unique_phone, vendor_payload


async def test_the_same_vendor_registered_at_once_is_created_once(api) -> None:
    market = await api.officer.ok("POST", "/api/markets", 201, json=market_payload("20599"))
    for _ in range(3):
        same = vendor_payload(
            market["id"],
            personal_id=unique_personal_id(),
            phone=unique_phone(),
            payment_accounts=[{"bank_bin": "970418", "account_number": unique_account()}],
        )
        responses = await asyncio.gather(
            api.taskforce.post("/api/vendors", json=same),
            api.admin.post("/api/vendors", json={**same, "team_id": api.world.teams["team_np"]}),
            api.taskforce.post("/api/vendors", json=same),
        )
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [201, 409, 409], [r.text for r in responses]
        winner = next(r.json() for r in responses if r.status_code == 201)
        for loser in (r for r in responses if r.status_code == 409):
            assert loser.json()["extra"][0]["existing"] == {"id": winner["id"], "code": winner["code"]}
        found = await api.taskforce.ok("GET", "/api/vendors", params={"q": same["phone"]})
        assert found["total"] == 1


async def test_two_officers_editing_one_market_one_wins(api) -> None:
    market = await api.officer.ok("POST", "/api/markets", 201, json=market_payload("20599"))
    first, second = await asyncio.gather(
        api.officer.patch(f"/api/markets/{market['id']}", json={"version": 1, "stall_count": 111}),
        api.officer_qn.patch(f"/api/markets/{market['id']}", json={"version": 1, "stall_count": 222}),
    )
    assert sorted([first.status_code, second.status_code]) == [200, 409]
    kept = await api.officer.ok("GET", f"/api/markets/{market['id']}")
    winner = first if first.status_code == 200 else second
    assert kept["stall_count"] == winner.json()["stall_count"]
    assert kept["version"] == 2


async def test_two_task_forces_editing_one_vendor_one_wins(api) -> None:
    market = await api.officer.ok("POST", "/api/markets", 201, json=market_payload("20599"))
    vendor = await api.taskforce.ok("POST", "/api/vendors", 201, json=vendor_payload(market["id"]))
    url = f"/api/vendors/{vendor['id']}"
    first, second = await asyncio.gather(
        api.taskforce.patch(url, json={"version": 1, "stall": "K1"}),
        api.admin.patch(url, json={"version": 1, "stall": "K2"}),
    )
    assert sorted([first.status_code, second.status_code]) == [200, 409]
    winner = first if first.status_code == 200 else second
    assert (await api.taskforce.ok("GET", url))["stall"] == winner.json()["stall"]
