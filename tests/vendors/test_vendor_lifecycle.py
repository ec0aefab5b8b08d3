from __future__ import annotations

from tests.support.factories import unique_account, vendor_payload


async def register(api, market_id: int, **fields) -> dict:
    return await api.taskforce.ok("POST", "/api/vendors", 201, json=vendor_payload(market_id, **fields))


async def test_search_ignores_accents_and_case_and_matches_code_and_phone(api, market) -> None:
    an = await register(api, market["id"], full_name="Nguyễn Văn An", phone="0905000111")
    await register(api, market["id"], full_name="Trần Thị Ánh")
    await register(api, market["id"], full_name="Đặng Thị Đào")

    async def ids(**params) -> list[int]:
        return [v["id"] for v in (await api.taskforce.ok("GET", "/api/vendors", params=params))["items"]]

    assert await ids(q="nguyen van an") == [an["id"]]
    assert await ids(q="NGUYỄN VĂN") == [an["id"]]
    assert await ids(q="van an") == [an["id"]]
    assert len(await ids(q="dao")) == 1
    assert len(await ids(q="đào")) == 1
    assert await ids(q=an["code"].lower()) == [an["id"]]
    assert await ids(q="0905000") == [an["id"]]
    assert await ids(q="100%_") == []


async def test_filters_sort_and_pagination(api, market) -> None:
    other = await api.officer.ok(
        "POST",
        "/api/markets",
        201,
        json={"name": "Chợ Chiêm Sơn", "area_code": "20623", "kind": "hang_3", "stall_count": 9},
    )
    made = [await register(api, market["id"], stall=f"B{i}") for i in range(5)]
    in_other = await api.taskforce_dx.ok(
        "POST",
        "/api/vendors",
        201,
        json=vendor_payload(other["id"], payment_accounts=[{"bank_bin": "970405", "account_number": unique_account()}]),
    )

    everything = await api.officer.ok("GET", "/api/vendors", params={"limit": 2, "offset": 2, "sort": "code"})
    assert everything["total"] == 6
    assert (everything["limit"], everything["offset"]) == (2, 2)
    assert [v["code"] for v in everything["items"]] == ["NP-002", "NP-003"]  # after CS-001, NP-001
    newest = await api.officer.ok("GET", "/api/vendors", params={"limit": 1})
    assert newest["items"][0]["id"] == in_other["id"]
    by_market = await api.officer.ok("GET", "/api/vendors", params={"market_id": market["id"], "sort": "-stall"})
    assert [v["stall"] for v in by_market["items"]] == ["B4", "B3", "B2", "B1", "B0"]
    by_area = await api.officer.ok("GET", "/api/vendors", params={"area": "20623"})
    assert [v["id"] for v in by_area["items"]] == [in_other["id"]]
    by_bank = await api.officer.ok("GET", "/api/vendors", params={"bank": "970405"})
    assert [v["id"] for v in by_bank["items"]] == [in_other["id"]]
    assert (await api.officer.ok("GET", "/api/vendors", params={"status": "active"}))["total"] == 0
    assert {v["id"] for v in made} <= {v["id"] for v in (await api.taskforce.ok("GET", "/api/vendors"))["items"]}
    # The Nam Phước task force does not see the Duy Xuyên vendor.
    assert in_other["id"] not in [v["id"] for v in (await api.taskforce.ok("GET", "/api/vendors"))["items"]]


async def test_out_of_range_list_parameters_are_400(api) -> None:
    for params in (
        {"limit": 0},
        {"limit": 201},
        {"offset": -1},
        {"offset": 1_000_001},
        {"limit": "x"},
        {"limit": 10**30},
        {"sort": "phone"},
        {"status": "rich"},
        {"market_id": 0},
    ):
        response = await api.taskforce.get("/api/vendors", params=params)
        assert response.status_code == 400, params
        assert response.json()["extra"][0]["field"] == next(iter(params))


async def test_personal_data_is_masked_for_officers(api, market) -> None:
    vendor = await register(
        api,
        market["id"],
        phone="0905123489",
        personal_id="049185000123",
        payment_accounts=[{"bank_bin": "970436", "account_number": "1012345678"}],
    )
    seen = await api.officer.ok("GET", f"/api/vendors/{vendor['id']}")
    assert (seen["phone"], seen["personal_id"]) == ("09******89", "04********23")
    assert seen["payment_accounts"][0]["account_number"] == "10*****678"
    full = await api.taskforce.ok("GET", f"/api/vendors/{vendor['id']}")
    assert (full["phone"], full["personal_id"]) == ("0905123489", "049185000123")
    listed = await api.officer.ok("GET", "/api/vendors")
    assert listed["items"][0]["phone"] == "09******89"


async def test_reads_outside_the_area_are_404(api, market) -> None:
    vendor = await register(api, market["id"])
    assert (await api.taskforce_hn.get(f"/api/vendors/{vendor['id']}")).status_code == 404
    assert (await api.officer_hn.get(f"/api/vendors/{vendor['id']}/history")).status_code == 404
    assert (
        await api.taskforce_hn.patch(f"/api/vendors/{vendor['id']}", json={"version": 1, "stall": "Z1"})
    ).status_code == 404
    assert (await api.taskforce.get("/api/vendors/999999")).status_code == 404


async def test_updates_need_the_current_version(api, market) -> None:
    vendor = await register(api, market["id"], full_name="Lê Thị Hoa")
    updated = await api.taskforce.ok(
        "PATCH", f"/api/vendors/{vendor['id']}", json={"version": 1, "full_name": "Lê Thị Hoa Mai", "stall": "c3"}
    )
    assert (updated["full_name"], updated["stall"], updated["version"]) == ("Lê Thị Hoa Mai", "C3", 2)
    stale = await api.taskforce.patch(f"/api/vendors/{vendor['id']}", json={"version": 1, "stall": "D9"})
    assert stale.status_code == 409
    assert (await api.taskforce.ok("GET", f"/api/vendors/{vendor['id']}"))["stall"] == "C3"
    found = await api.taskforce.ok("GET", "/api/vendors", params={"q": "hoa mai"})
    assert [v["id"] for v in found["items"]] == [vendor["id"]]
    bad = await api.taskforce.patch(f"/api/vendors/{vendor['id']}", json={"version": 2, "phone": "123"})
    assert bad.status_code == 400
    assert bad.json()["extra"][0]["field"] == "phone"
    assert (await api.taskforce.ok("GET", f"/api/vendors/{vendor['id']}"))["version"] == 2
    missing_version = await api.taskforce.patch(f"/api/vendors/{vendor['id']}", json={"stall": "D9"})
    assert missing_version.status_code == 400
    assert missing_version.json()["extra"][0]["field"] == "version"


async def test_status_transitions(api, market) -> None:
    vendor = await register(api, market["id"])
    url = f"/api/vendors/{vendor['id']}/status"
    issued = await api.taskforce.ok("POST", url, json={"status": "qr_issued"})
    assert issued["status"] == "qr_issued"
    back = await api.taskforce.english().post(url, json={"status": "registered"})
    assert back.status_code == 409
    assert back.json()["detail"] == "Cannot change from “QR issued” to “Registered”."
    assert back.json()["extra"][0]["allowed"] == ["active", "paused"]
    active = await api.taskforce.ok("POST", url, json={"status": "active", "note": "Khách đầu tiên chuyển khoản"})
    assert active["status"] == "active"
    await api.taskforce.ok("POST", url, json={"status": "paused"})
    history = await api.officer.ok("GET", f"/api/vendors/{vendor['id']}/history")
    assert [h["to_status"] for h in history] == ["registered", "qr_issued", "active", "paused"]
    assert history[2]["note"] == "Khách đầu tiên chuyển khoản"
    assert all(h["by_id"] == api.world.users["taskforce_np"] for h in history)
    stale = await api.taskforce.post(url, json={"status": "active", "version": 1})
    assert stale.status_code == 409
    assert (await api.officer.post(url, json={"status": "active"})).status_code == 403


async def test_a_vendor_without_an_account_cannot_become_active(api, market) -> None:
    vendor = await register(api, market["id"], payment_accounts=[])
    response = await api.taskforce.post(f"/api/vendors/{vendor['id']}/status", json={"status": "active"})
    assert response.status_code == 409
    assert response.json()["extra"][0]["code"] == "no_account"


async def test_deactivation_keeps_the_record(api, market) -> None:
    vendor = await register(api, market["id"])
    short = await api.taskforce.post(f"/api/vendors/{vendor['id']}/deactivate", json={"reason": "x"})
    assert short.status_code == 400
    done = await api.taskforce.ok(
        "POST", f"/api/vendors/{vendor['id']}/deactivate", json={"reason": "Nghỉ bán, trả sạp"}
    )
    assert (done["active"], done["deactivated_reason"]) == (False, "Nghỉ bán, trả sạp")
    assert vendor["id"] not in [v["id"] for v in (await api.taskforce.ok("GET", "/api/vendors"))["items"]]
    gone = await api.taskforce.ok("GET", "/api/vendors", params={"active": "false"})
    assert [v["id"] for v in gone["items"]] == [vendor["id"]]
    again = await api.taskforce.post(f"/api/vendors/{vendor['id']}/deactivate", json={"reason": "Nghỉ bán"})
    assert again.status_code == 409
    assert (await api.taskforce.delete(f"/api/vendors/{vendor['id']}")).status_code == 405


async def test_payment_accounts_are_added_and_removed(api, market) -> None:
    vendor = await register(api, market["id"])
    (first,) = vendor["payment_accounts"]
    added = await api.taskforce.ok(
        "POST",
        f"/api/vendors/{vendor['id']}/payment-accounts",
        json={"bank_bin": "970422", "account_number": "0901234567", "is_primary": True},
    )
    assert [(a["bank_short_name"], a["is_primary"]) for a in added["payment_accounts"]] == [
        ("MBBank", True),
        ("Vietcombank", False),
    ]
    assert added["version"] == 2
    removed = await api.taskforce.ok(
        "DELETE", f"/api/vendors/{vendor['id']}/payment-accounts/{added['payment_accounts'][0]['id']}"
    )
    assert [(a["id"], a["is_primary"]) for a in removed["payment_accounts"]] == [(first["id"], True)]
    # A removed account can be registered again, by anyone.
    other = await register(api, market["id"], payment_accounts=[{"bank_bin": "970422", "account_number": "0901234567"}])
    assert other["payment_accounts"][0]["account_number"] == "0901234567"
    unknown_bank = await api.taskforce.post(
        f"/api/vendors/{vendor['id']}/payment-accounts", json={"bank_bin": "123456", "account_number": "0901234567"}
    )
    assert unknown_bank.status_code == 400
    assert unknown_bank.json()["extra"][0]["field"] == "payment_account[0].bank_bin"


async def test_every_write_is_audited_with_personal_data_masked(api, market) -> None:
    vendor = await register(api, market["id"], phone="0905123489", personal_id="049185000123")
    await api.taskforce.ok("PATCH", f"/api/vendors/{vendor['id']}", json={"version": 1, "stall": "Q1"})
    await api.taskforce.ok("POST", f"/api/vendors/{vendor['id']}/status", json={"status": "qr_issued"})
    log = await api.officer.ok("GET", "/api/audit", params={"entity": "vendor", "entity_id": vendor["id"]})
    assert [e["action"] for e in log["items"]] == ["status", "update", "create"]
    created = log["items"][-1]
    assert created["actor_username"] == "taskforce_np"
    assert created["after"]["phone"] == "09******89"
    assert created["after"]["personal_id"] == "04********23"
    assert "0905123489" not in str(log)
    assert log["items"][1]["before"] == {"stall": vendor["stall"]}
    assert log["items"][1]["after"] == {"stall": "Q1"}
    assert (await api.officer_hn.ok("GET", "/api/audit", params={"entity": "vendor"}))["total"] == 0
    assert (await api.taskforce.get("/api/audit")).status_code == 403


async def test_reference_lists_follow_the_language(api) -> None:
    vi = await api.taskforce.ok("GET", "/api/vendors/reference")
    en = await api.taskforce.english().ok("GET", "/api/vendors/reference")
    assert {"key": "thuy_hai_san", "label": "Thủy hải sản"} in vi["goods_categories"]
    assert {"key": "thuy_hai_san", "label": "Fish and seafood"} in en["goods_categories"]
    assert vi["status_transitions"]["registered"] == ["active", "paused", "qr_issued"]


async def test_totals_equal_what_the_list_holds_for_every_filter(api, market) -> None:
    other = await api.officer.ok(
        "POST",
        "/api/markets",
        201,
        json={"name": "Chợ Duy Vinh", "area_code": "20599", "kind": "hang_3", "stall_count": 9},
    )
    made = []
    for i, (full_name, category) in enumerate(
        [
            ("Nguyễn Văn An", "thit"),
            ("Trần Thị Ánh", "thit"),
            ("Lê Văn Sơn", "rau_cu_qua"),
            ("Võ Thị An", "khac"),
            ("Phan Anh Tú", "thit"),
        ]
    ):
        where = market["id"] if i % 2 == 0 else other["id"]
        made.append(await register(api, where, full_name=full_name, goods_category=category))
    await api.taskforce.ok("POST", f"/api/vendors/{made[0]['id']}/status", json={"status": "qr_issued"})
    await api.taskforce.ok("POST", f"/api/vendors/{made[1]['id']}/status", json={"status": "qr_issued"})
    await api.taskforce.ok("POST", f"/api/vendors/{made[2]['id']}/deactivate", json={"reason": "Chuyển đi nơi khác"})
    await api.taskforce.ok("PATCH", f"/api/vendors/{made[3]['id']}", json={"version": 1, "market_id": market["id"]})
    cases = [
        {},
        {"market_id": market["id"]},
        {"market_id": other["id"]},
        {"status": "qr_issued"},
        {"goods_category": "thit"},
        {"active": "false"},
        {"active": "all"},
        {"area": "20599"},
        {"status": "registered", "goods_category": "thit", "market_id": market["id"]},
        {"q": "an"},
        {"q": "van an"},
        {"q": "thi a"},
        {"bank": "970436"},
        {"team_id": api.world.teams["team_np"]},
    ]
    for params in cases:
        everything = await api.taskforce.ok("GET", "/api/vendors", params={**params, "limit": 200})
        first = await api.taskforce.ok("GET", "/api/vendors", params={**params, "limit": 1})
        beyond = await api.taskforce.ok("GET", "/api/vendors", params={**params, "limit": 1, "offset": 50})
        assert everything["total"] == len(everything["items"]), params
        assert first["total"] == everything["total"], params
        assert beyond["total"] == everything["total"], params
        assert beyond["items"] == []
    assert (await api.taskforce.ok("GET", "/api/vendors", params={"q": "an"}))["total"] == 4
    assert (await api.taskforce.ok("GET", "/api/vendors", params={"market_id": market["id"]}))["total"] == 3


async def test_withdrawing_consent_anonymises_but_keeps_the_figures(api, market) -> None:
    vendor = await register(
        api,
        market["id"],
        full_name="Hồ Thị Lệ",
        phone="0905777888",
        personal_id="049185777888",
        payment_accounts=[{"bank_bin": "970436", "account_number": "5566778899"}],
    )
    assert (await api.taskforce.get(f"/api/vendors/{vendor['id']}/poster.png")).status_code == 200  # qr_issued
    before = (await api.taskforce.ok("GET", "/api/vendors", params={"status": "qr_issued"}))["total"]
    done = await api.taskforce.ok(
        "POST", f"/api/vendors/{vendor['id']}/withdraw-consent", json={"reason": "Không muốn lưu thông tin"}
    )
    assert (done["full_name"], done["phone"], done["personal_id"], done["payment_accounts"]) == (
        "(đã ẩn danh)",
        None,
        None,
        [],
    )
    assert (done["code"], done["status"], done["stall"]) == (vendor["code"], "qr_issued", vendor["stall"])
    # The poster's QR held the account number and the name: cleared, and nothing is due for a reprint.
    (poster,) = await api.taskforce.ok("GET", f"/api/vendors/{vendor['id']}/posters")
    assert (poster["payload"], poster["live"], poster["revoked_reason"]) == ("", False, "consent_withdrawn")
    assert done["reprint_due"] is False
    assert (await api.taskforce.ok("GET", "/api/vendors", params={"status": "qr_issued"}))["total"] == before
    assert (await api.taskforce.ok("GET", "/api/vendors", params={"q": "ho thi le"}))["total"] == 0
    assert (await api.taskforce.ok("GET", "/api/vendors", params={"q": "0905777888"}))["total"] == 0
    # The phone, ID and account are free again.
    again = await register(
        api,
        market["id"],
        phone="0905777888",
        personal_id="049185777888",
        payment_accounts=[{"bank_bin": "970436", "account_number": "5566778899"}],
    )
    assert again["id"] != vendor["id"]
    log = await api.officer.ok("GET", "/api/audit", params={"entity": "vendor", "entity_id": vendor["id"]})
    assert log["items"][0]["action"] == "anonymise"
    assert "Hồ Thị Lệ" not in str(log["items"][0])
    repeat = await api.taskforce.post(f"/api/vendors/{vendor['id']}/withdraw-consent", json={})
    assert repeat.status_code == 409
