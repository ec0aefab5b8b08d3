from __future__ import annotations

from tests.support.factories import unique_account, unique_personal_id, unique_phone, vendor_payload


async def count_vendors(api) -> int:
    return (await api.admin.ok("GET", "/api/vendors", params={"active": "all", "limit": 1}))["total"]


async def test_registration_normalizes_and_codes_the_vendor(api, market) -> None:
    vendor = await api.taskforce.ok(
        "POST",
        "/api/vendors",
        201,
        json=vendor_payload(
            market["id"],
            full_name="  Nguyễn   Thị Đào ",
            phone="+84 905 123 457",
            stall="a12",
            personal_id="049 185 000 123",
            payment_accounts=[
                {"bank_bin": "970405", "account_number": "4000 2050 12345"},
                {
                    "bank_bin": "970436",
                    "account_number": "1012345678",
                    "account_name": "Nguyễn thị Đào",
                    "is_primary": True,
                },
            ],
        ),
    )
    assert vendor["code"] == "NP-001"
    assert (vendor["full_name"], vendor["phone"], vendor["stall"]) == ("Nguyễn Thị Đào", "0905123457", "A12")
    assert vendor["personal_id"] == "049185000123"
    assert (vendor["status"], vendor["version"], vendor["team_id"]) == ("registered", 1, api.world.teams["team_np"])
    primary, other = vendor["payment_accounts"]
    assert (primary["bank_short_name"], primary["account_name"], primary["is_primary"]) == (
        "Vietcombank",
        "NGUYEN THI DAO",
        True,
    )
    assert (other["bank_code"], other["account_number"], other["account_name"], other["is_primary"]) == (
        "VBA",
        "4000205012345",
        "NGUYEN THI DAO",
        False,
    )
    assert vendor["warnings"] == []
    second = await api.taskforce.ok("POST", "/api/vendors", 201, json=vendor_payload(market["id"]))
    assert second["code"] == "NP-002"
    history = await api.taskforce.ok("GET", f"/api/vendors/{vendor['id']}/history")
    assert [(h["from_status"], h["to_status"]) for h in history] == [(None, "registered")]


async def test_an_old_nine_digit_id_is_accepted_with_a_warning(api, market) -> None:
    vendor = await api.taskforce.english().ok(
        "POST", "/api/vendors", 201, json=vendor_payload(market["id"], personal_id="201234567")
    )
    assert vendor["personal_id"] == "201234567"
    assert vendor["warnings"] == [
        {
            "field": "personal_id",
            "code": "legacy_id_card",
            "message": "Old 9-digit ID card number: update to the 12-digit CCCD when possible.",
        }
    ]


async def test_every_invalid_field_is_named_in_both_languages_and_nothing_is_saved(api, market) -> None:
    payload = vendor_payload(
        market["id"],
        phone="0236 381 234",
        personal_id="12345",
        consent=False,
        consent_date="2999-01-01",
        payment_accounts=[{"bank_bin": "999999", "account_number": "12"}],
    )
    vi = await api.taskforce.post("/api/vendors", json=payload)
    en = await api.taskforce.english().post("/api/vendors", json=payload)
    assert vi.status_code == en.status_code == 400
    fields = [p["field"] for p in vi.json()["extra"]]
    assert set(fields) == {
        "phone",
        "personal_id",
        "consent",
        "consent_date",
        "payment_accounts[0].bank_bin",
        "payment_accounts[0].account_number",
    }
    assert [p["field"] for p in en.json()["extra"]] == fields
    vi_messages = {p["field"]: p["message"] for p in vi.json()["extra"]}
    en_messages = {p["field"]: p["message"] for p in en.json()["extra"]}
    assert vi_messages["phone"].startswith("Không phải số di động")
    assert en_messages["phone"].startswith("Not a mobile number")
    assert vi.headers["content-language"] == "vi"
    assert en.headers["content-language"] == "en"
    assert await count_vendors(api) == 0


async def test_shape_errors_name_the_field(api, market) -> None:
    for change, field in [
        ({"market_id": "x"}, "market_id"),
        ({"goods_category": "vàng bạc"}, "goods_category"),
        ({"full_name": ""}, "full_name"),
        ({"stall": "x" * 30}, "stall"),
    ]:
        response = await api.taskforce.post("/api/vendors", json={**vendor_payload(market["id"]), **change})
        assert response.status_code == 400, change
        assert response.json()["extra"][0]["field"] == field
    missing = vendor_payload(market["id"])
    del missing["phone"]
    response = await api.taskforce.english().post("/api/vendors", json=missing)
    assert response.json()["extra"] == [{"field": "phone", "code": "required", "message": "This field is required."}]
    broken = await api.taskforce.post(
        "/api/vendors", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert broken.status_code == 400
    assert "JSON" in broken.json()["detail"]
    assert await count_vendors(api) == 0


async def test_duplicates_name_the_existing_vendor(api, market) -> None:
    personal_id, account, phone = unique_personal_id(), unique_account(), unique_phone()
    first = await api.taskforce.ok(
        "POST",
        "/api/vendors",
        201,
        json=vendor_payload(
            market["id"],
            personal_id=personal_id,
            phone=phone,
            payment_accounts=[{"bank_bin": "970418", "account_number": account}],
        ),
    )
    existing = {"id": first["id"], "code": first["code"]}
    other_market = await api.officer.ok(
        "POST",
        "/api/markets",
        201,
        json={"name": "Chợ Duy Phước", "area_code": "20599", "kind": "hang_3", "stall_count": 50},
    )

    same_id = await api.taskforce.post("/api/vendors", json=vendor_payload(other_market["id"], personal_id=personal_id))
    assert same_id.status_code == 409
    assert same_id.json()["extra"][0] | {} == {
        **same_id.json()["extra"][0],
        "field": "personal_id",
        "existing": existing,
    }
    assert first["code"] in same_id.json()["detail"]

    same_account = await api.taskforce.post(
        "/api/vendors",
        json=vendor_payload(other_market["id"], payment_accounts=[{"bank_bin": "970418", "account_number": account}]),
    )
    assert same_account.status_code == 409
    assert same_account.json()["extra"][0]["field"] == "payment_accounts[0].account_number"
    assert same_account.json()["extra"][0]["existing"] == existing

    same_phone = await api.taskforce.post("/api/vendors", json=vendor_payload(market["id"], phone=phone))
    assert same_phone.status_code == 409
    assert same_phone.json()["extra"][0]["field"] == "phone"
    family = await api.taskforce.ok(
        "POST", "/api/vendors", 201, json=vendor_payload(market["id"], phone=phone, allow_duplicate_phone=True)
    )
    assert family["phone"] == phone
    elsewhere = await api.taskforce.ok(
        "POST", "/api/vendors", 201, json=vendor_payload(other_market["id"], phone=phone)
    )
    assert elsewhere["phone"] == phone
    assert await count_vendors(api) == 3


async def test_registration_is_scoped(api, market, market_hn) -> None:
    into_other_area = await api.taskforce_hn.post("/api/vendors", json=vendor_payload(market["id"]))
    assert into_other_area.status_code == 403
    unknown_market = await api.taskforce.post("/api/vendors", json=vendor_payload(987654))
    assert unknown_market.status_code == 400
    assert unknown_market.json()["extra"][0]["field"] == "market_id"
    officer = await api.officer.post("/api/vendors", json=vendor_payload(market["id"]))
    assert officer.status_code == 403
    producer = await api.producer.post("/api/vendors", json=vendor_payload(market["id"]))
    assert producer.status_code == 403
    assert await count_vendors(api) == 0


async def test_ids_beyond_64_bits_are_a_400_naming_the_field(api, market) -> None:
    huge = 2**70
    for response, field in [
        (await api.taskforce.get(f"/api/vendors/{huge}"), "vendor_id"),
        (await api.taskforce.post("/api/vendors", json=vendor_payload(huge)), "market_id"),
        (await api.taskforce.post("/api/vendors", json=vendor_payload(market["id"], team_id=huge)), "team_id"),
        (await api.taskforce.get("/api/vendors", params={"market_id": huge}), "market_id"),
        (await api.officer.post(f"/api/teams/{api.world.teams['team_np']}/members", json={"user_id": huge}), "user_id"),
    ]:
        assert response.status_code == 400, response.text
        assert response.json()["extra"][0]["field"] == field
