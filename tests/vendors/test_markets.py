from __future__ import annotations

from tests.support.factories import market_payload


async def test_officer_creates_a_market_with_a_generated_code(api) -> None:
    market = await api.officer.ok(
        "POST",
        "/api/markets",
        201,
        json={
            "name": "Chợ Nam Phước",
            "area_code": "20599",
            "kind": "hang_1",
            "stall_count": 420,
            "address": "Hùng Vương",
            "latitude": 15.83,
            "longitude": 108.25,
        },
    )
    assert (market["code"], market["area_code"], market["stall_count"], market["version"]) == ("NP", "20599", 420, 1)
    again = await api.officer.ok(
        "POST",
        "/api/markets",
        201,
        json={"name": "Chợ  nam phước ", "area_code": "20599", "kind": "tam", "stall_count": 10},
    )
    assert (again["code"], again["name"]) == ("NP2", "Chợ nam phước")


async def test_market_rules(api) -> None:
    taken = await api.officer.ok("POST", "/api/markets", 201, json=market_payload(code="DX1"))
    dup = await api.officer.post("/api/markets", json=market_payload(code="dx1"))
    assert dup.status_code == 409
    assert dup.json()["extra"][0]["existing"]["id"] == taken["id"]
    province = await api.officer.post("/api/markets", json=market_payload(area_code="48"))
    assert province.status_code == 400
    assert province.json()["extra"][0]["field"] == "area_code"
    bad = await api.officer.english().post("/api/markets", json=market_payload(stall_count=0, kind="sieu_thi"))
    assert bad.status_code == 400
    assert bad.json()["extra"][0]["field"] in {"stall_count", "kind"}
    outside = await api.officer.post("/api/markets", json=market_payload(area_code="00004"))
    assert outside.status_code == 403
    by_taskforce = await api.taskforce.post("/api/markets", json=market_payload())
    assert by_taskforce.status_code == 403
    assert (await api.producer.get("/api/markets")).status_code == 403


async def test_market_update_uses_the_version(api) -> None:
    market = await api.officer.ok("POST", "/api/markets", 201, json=market_payload())
    updated = await api.officer.ok("PATCH", f"/api/markets/{market['id']}", json={"version": 1, "stall_count": 150})
    assert (updated["stall_count"], updated["version"]) == (150, 2)
    stale = await api.officer.patch(f"/api/markets/{market['id']}", json={"version": 1, "stall_count": 99})
    assert stale.status_code == 409
    assert (await api.officer.ok("GET", f"/api/markets/{market['id']}"))["stall_count"] == 150


async def test_market_lists_are_scoped_and_searchable(api) -> None:
    np = await api.officer.ok("POST", "/api/markets", 201, json=market_payload(name="Chợ Trà Kiệu"))
    hn = await api.officer_hn.ok("POST", "/api/markets", 201, json=market_payload(area_code="00004"))
    seen = await api.taskforce.ok("GET", "/api/markets", params={"q": "tra kieu"})
    assert [m["id"] for m in seen["items"]] == [np["id"]]
    assert hn["id"] not in [m["id"] for m in (await api.taskforce.ok("GET", "/api/markets"))["items"]]
    assert (await api.taskforce.get(f"/api/markets/{hn['id']}")).status_code == 404
    province_wide = await api.officer_qn.ok("GET", "/api/markets")
    assert [m["id"] for m in province_wide["items"]] == [np["id"]]
