from __future__ import annotations


async def test_provinces_before_and_after_the_reform(api) -> None:
    now = await api.taskforce.ok("GET", "/api/areas", params={"limit": 200})
    assert now["total"] == 34
    assert {"01", "48"} <= {a["code"] for a in now["items"]}
    assert "49" not in {a["code"] for a in now["items"]}
    before = await api.taskforce.ok("GET", "/api/areas", params={"on": "2025-03-01", "limit": 200})
    assert before["total"] == 63
    assert "49" in {a["code"] for a in before["items"]}


async def test_children_of_a_district_on_a_date(api) -> None:
    page = await api.taskforce.ok("GET", "/api/areas", params={"parent": "508", "on": "2025-03-01"})
    names = [a["name"] for a in page["items"]]
    assert page["total"] == 13
    assert "Thị trấn Nam Phước" in names
    assert "Xã Duy Thu" not in names
    in_2024 = await api.taskforce.ok("GET", "/api/areas", params={"parent": "508", "on": "2024-12-31"})
    assert "Xã Duy Thu" in [a["name"] for a in in_2024["items"]]
    da_nang = await api.taskforce.ok("GET", "/api/areas", params={"parent": "48", "q": "nam phuoc"})
    assert [(a["code"], a["name"]) for a in da_nang["items"]] == [("20599", "Xã Nam Phước")]


async def test_unit_detail_shows_parents_successors_and_predecessors(api) -> None:
    new = await api.taskforce.ok("GET", "/api/areas/20599")
    assert (new["name"], new["level"], new["parent_code"]) == ("Xã Nam Phước", "commune", "48")
    assert [p["code"] for p in new["parents"]] == ["48"]
    assert {p["area"]["name"] for p in new["predecessors"]} == {"Thị trấn Nam Phước", "Xã Duy Phước", "Xã Duy Vinh"}
    old = await api.taskforce.ok("GET", "/api/areas/20599", params={"on": "2024-06-01"})
    assert old["name"] == "Thị trấn Nam Phước"
    assert [p["code"] for p in old["parents"]] == ["508", "49"]
    (successor,) = old["successors"]
    assert successor["area"]["name"] == "Xã Nam Phước"
    assert (successor["kind"], successor["effective_date"], successor["legal_basis"]) == (
        "full",
        "2025-07-01",
        "1659/NQ-UBTVQH15",
    )
    ended = await api.taskforce.ok("GET", "/api/areas/20617")  # Duy Trinh: no unit carries the code today
    assert ended["valid_to"] == "2025-07-01"
    assert ended["successors"][0]["area"]["name"] == "Xã Duy Xuyên"


async def test_unknown_code_and_bad_date(api) -> None:
    missing = await api.taskforce.get("/api/areas/99999")
    assert missing.status_code == 404
    assert "99999" in missing.json()["detail"]
    bad = await api.taskforce.english().get("/api/areas", params={"on": "2025-13-01"})
    assert bad.status_code == 400
    assert bad.json()["extra"][0]["field"] == "on"
    assert "date" in bad.json()["extra"][0]["message"]


async def test_officer_adds_a_village_which_joins_the_commune_reach(api) -> None:
    village = await api.officer.ok(
        "POST", "/api/areas", 201, json={"parent_code": "20599", "name": "Mỹ Hòa", "type": "Khối phố"}
    )
    assert (village["name"], village["level"], village["parent_code"]) == ("Khối phố Mỹ Hòa", "village", "20599")
    assert village["code"] == "20599-01"
    second = await api.officer.ok("POST", "/api/areas", 201, json={"parent_code": "20599", "name": "Thôn Long Xuyên"})
    assert second["code"] == "20599-02"
    assert second["name"] == "Thôn Long Xuyên"
    dup = await api.officer.post("/api/areas", json={"parent_code": "20599", "name": "mỹ hòa", "type": "Khối phố"})
    assert dup.status_code == 409
    # The Nam Phước task force can put a market in the village; the Hà Nội officer cannot add one there.
    market = await api.officer.ok(
        "POST",
        "/api/markets",
        201,
        json={"name": "Chợ Mỹ Hòa", "area_code": village["code"], "kind": "tam", "stall_count": 30},
    )
    assert market["area"]["level"] == "village"
    seen = await api.taskforce.ok("GET", f"/api/markets/{market['id']}")
    assert seen["id"] == market["id"]
    outside = await api.officer_hn.post("/api/areas", json={"parent_code": "20599", "name": "Thôn Mới"})
    assert outside.status_code == 403
    not_commune = await api.officer.post("/api/areas", json={"parent_code": "48", "name": "Thôn Mới"})
    assert not_commune.status_code == 400
    assert not_commune.json()["extra"][0]["field"] == "parent_code"
    by_taskforce = await api.taskforce.post("/api/areas", json={"parent_code": "20599", "name": "Thôn Khác"})
    assert by_taskforce.status_code == 403
