"""Onboarding records through the API: the stage walk, its history, conflicts, bad input, filters, scope."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.ocop.support import producer_with_product, product_payload
from tests.support.factories import market_payload, vendor_payload

SHOPEE_ITEM = "https://shopee.vn/Khan-lua-to-tam-i.90210555.2301774411"


async def onboard(api, product_id: int, platform: str = "postmart", status: int = 201, **extra):
    return await api.taskforce.ok(
        "POST", "/api/onboardings", status, json={"platform": platform, "product_id": product_id, **extra}
    )


async def move(api, record_id: int, stage: str, status: int = 200, **extra):
    return await api.taskforce.ok("POST", f"/api/onboardings/{record_id}/stage", status, json={"stage": stage, **extra})


async def test_full_walk_with_history(api):
    _, product = await producer_with_product(api.taskforce)
    record = await onboard(api, product["id"], note="Bưu điện huyện hỗ trợ")
    assert (record["stage"], record["allowed_stages"]) == ("planned", ["account_created"])
    assert record["subject"]["stars"] == 4
    await move(api, record["id"], "account_created", evidence_url="https://zalo.me/anh-chup-tai-khoan")
    await move(api, record["id"], "shop_pending")
    await move(api, record["id"], "shop_active", shop_url="https://postmart.vn/htx-ma-chau")
    await move(
        api,
        record["id"],
        "listing_submitted",
        listing_url="https://postmart.vn/p/khan-lua-to-tam-80231.html?utm_source=x",
    )
    rejected = await move(api, record["id"], "listing_rejected", reason="Ảnh sản phẩm chưa đủ")
    assert rejected["rejection_reason"] == "Ảnh sản phẩm chưa đủ"
    assert "Ảnh sản phẩm chưa đủ" in rejected["next_step"]
    await move(api, record["id"], "listing_submitted", note="Đã bổ sung ảnh")
    live = await move(
        api, record["id"], "listing_live", evidence_url="https://postmart.vn/p/khan-lua-to-tam-80231.html"
    )
    assert live["stage"] == "listing_live"
    assert live["listing_url"] == "https://postmart.vn/p/khan-lua-to-tam-80231.html"
    assert live["item_key"] == "80231"
    assert live["rejection_reason"] is None
    assert live["allowed_stages"] == ["listing_submitted", "delisted"]

    history = await api.officer.ok("GET", f"/api/onboardings/{record['id']}/history")
    assert [(h["from_stage"], h["to_stage"]) for h in history] == [
        (None, "planned"),
        ("planned", "account_created"),
        ("account_created", "shop_pending"),
        ("shop_pending", "shop_active"),
        ("shop_active", "listing_submitted"),
        ("listing_submitted", "listing_rejected"),
        ("listing_rejected", "listing_submitted"),
        ("listing_submitted", "listing_live"),
    ]
    assert {h["by_username"] for h in history} == {"taskforce_np"}
    assert {h["team_id"] for h in history} == {api.world.teams["team_np"]}
    assert history[1]["evidence_url"] == "https://zalo.me/anh-chup-tai-khoan"
    assert history[5]["reason"] == "Ảnh sản phẩm chưa đủ"
    assert history[6]["note"] == "Đã bổ sung ảnh"
    assert history[0]["note"] == "Bưu điện huyện hỗ trợ"
    audit = await api.officer.ok("GET", "/api/audit", params={"entity": "onboarding", "entity_id": record["id"]})
    assert sorted(e["action"] for e in audit["items"]) == ["create"] + ["stage"] * 7
    assert {e["area_id"] for e in audit["items"]} == {product["area"]["id"]}


async def test_impossible_transitions_are_conflicts(api):
    producer, product = await producer_with_product(api.taskforce)
    record = await onboard(api, product["id"])
    body = await move(api, record["id"], "listing_live", 409)
    assert body["extra"][0]["allowed"] == ["account_created"]
    assert body["extra"][0]["current"] == "planned"
    await move(api, record["id"], "planned", 409)
    # A producer's shop record ends at shop_active: products are listed on their own records.
    shop = await api.taskforce.ok(
        "POST",
        "/api/onboardings",
        201,
        json={"platform": "shopee", "producer_id": producer["id"], "stage": "shop_active"},
    )
    assert shop["allowed_stages"] == []
    await move(api, shop["id"], "listing_submitted", 409, listing_url=SHOPEE_ITEM)
    body = await api.taskforce.ok(
        "POST",
        "/api/onboardings",
        400,
        json={"platform": "tiki", "producer_id": producer["id"], "stage": "listing_live"},
    )
    assert body["extra"][0]["field"] == "stage"
    history = await api.taskforce.ok("GET", f"/api/onboardings/{record['id']}/history")
    assert len(history) == 1


async def test_bad_stage_changes_name_the_field_and_save_nothing(api):
    _, product = await producer_with_product(api.taskforce)
    record = await onboard(api, product["id"], platform="shopee", stage="shop_active")
    body = await move(api, record["id"], "listing_submitted", 400)
    assert [(p["field"], p["code"]) for p in body["extra"]] == [("listing_url", "required")]
    body = await move(
        api, record["id"], "listing_submitted", 400, listing_url="https://tiki.vn/nuoc-mam-p271845903.html"
    )
    assert [(p["field"], p["code"]) for p in body["extra"]] == [("listing_url", "wrong_platform")]
    assert "Tiki" in body["detail"]
    english = await api.taskforce.english().ok(
        "POST",
        f"/api/onboardings/{record['id']}/stage",
        400,
        json={"stage": "listing_submitted", "listing_url": "https://tiki.vn/nuoc-mam-p271845903.html"},
    )
    assert english["extra"][0]["message"] == "This is an address on Tiki, not Shopee."
    body = await move(api, record["id"], "listing_submitted", 400, listing_url=SHOPEE_ITEM, evidence_url="ảnh chụp")
    assert [p["field"] for p in body["extra"]] == ["evidence_url"]
    future = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).isoformat()
    body = await move(api, record["id"], "listing_submitted", 400, listing_url=SHOPEE_ITEM, at=future)
    assert [(p["field"], p["code"]) for p in body["extra"]] == [("at", "in_future")]
    body = await move(
        api, record["id"], "listing_submitted", 400, listing_url=SHOPEE_ITEM, at="2020-01-01T00:00:00+07:00"
    )
    assert [(p["field"], p["code"]) for p in body["extra"]] == [("at", "before_previous")]
    unchanged = await api.taskforce.ok("GET", f"/api/onboardings/{record['id']}")
    assert (unchanged["stage"], unchanged["listing_url"], unchanged["version"]) == (
        "shop_active",
        None,
        record["version"],
    )
    # A rejection needs its reason.
    await move(api, record["id"], "listing_submitted", listing_url=SHOPEE_ITEM)
    body = await move(api, record["id"], "listing_rejected", 400)
    assert [(p["field"], p["code"]) for p in body["extra"]] == [("reason", "required")]
    assert len(await api.taskforce.ok("GET", f"/api/onboardings/{record['id']}/history")) == 2


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"platform": "amazon"}, "platform", "unknown_platform"),
        ({"stage": "listing_rejected"}, "stage", "not_initial"),
        ({"stage": "sold_out"}, "stage", "not_allowed"),
        ({"stage": "listing_live"}, "listing_url", "required"),
        ({"listing_url": "http://postmart.vn/p/x-1.html"}, "listing_url", "not_https"),
        ({"platform": "voso", "listing_url": "https://voso.vn/khong-co-ma.html"}, "listing_url", "no_item_id"),
        ({"shop_url": "https://shopee.vn/shop/1"}, "shop_url", "wrong_platform"),
        ({"team_id": 999_999}, "team_id", "not_member"),
        ({"product_id": None}, "product_id", "one_subject"),
    ],
)
async def test_bad_input_is_named_and_nothing_is_saved(api, body, field, code):
    _, product = await producer_with_product(api.taskforce)
    payload = {"platform": "postmart", "product_id": product["id"], **body}
    answer = await api.taskforce.ok("POST", "/api/onboardings", 400, json=payload)
    assert [(p["field"], p["code"]) for p in answer["extra"]] == [(field, code)]
    assert (await api.taskforce.ok("GET", "/api/onboardings"))["total"] == 0


async def test_one_record_per_subject_and_platform(api):
    producer, product = await producer_with_product(api.taskforce)
    first = await onboard(api, product["id"], platform="shopee")
    body = await onboard(api, product["id"], platform="shopee", status=409)
    assert body["extra"][0]["existing"]["id"] == first["id"]
    assert str(first["id"]) in body["detail"]
    both = await api.taskforce.ok(
        "POST",
        "/api/onboardings",
        400,
        json={"platform": "tiki", "product_id": product["id"], "producer_id": producer["id"]},
    )
    assert both["extra"][0]["code"] == "one_subject"
    # The producer's shop on the same platform is another subject.
    await api.taskforce.ok("POST", "/api/onboardings", 201, json={"platform": "shopee", "producer_id": producer["id"]})


async def test_the_same_item_cannot_be_recorded_twice(api):
    producer, product = await producer_with_product(api.taskforce)
    other = await api.taskforce.ok("POST", "/api/ocop/products", 201, json=product_payload(producer["id"]))
    first = await onboard(api, product["id"], platform="shopee", listing_url=SHOPEE_ITEM)
    assert first["item_key"] == "90210555.2301774411"
    # The other shape of the same item, on the mobile host, with tracking parameters.
    same = "https://m.shopee.vn/product/90210555/2301774411?utm_source=zalo"
    body = await onboard(api, other["id"], platform="shopee", status=409, listing_url=same)
    assert body["extra"][0]["field"] == "listing_url"
    assert body["extra"][0]["existing"]["id"] == first["id"]
    assert body["extra"][0]["existing"]["subject_code"] == product["code"]
    assert product["code"] in body["detail"]
    # Short links cannot be compared yet: they are accepted and marked.
    short = await onboard(api, other["id"], platform="shopee", listing_url="https://s.shopee.vn/8fK2p")
    assert (short["needs_resolution"], short["item_key"]) == (True, None)


async def test_edit_addresses_with_version(api):
    _, product = await producer_with_product(api.taskforce)
    record = await onboard(api, product["id"], platform="shopee")
    changed = await api.taskforce.ok(
        "PATCH",
        f"/api/onboardings/{record['id']}",
        json={"version": record["version"], "listing_url": SHOPEE_ITEM, "shop_url": "https://shopee.vn/luamachau"},
    )
    assert (changed["item_key"], changed["shop_url"]) == ("90210555.2301774411", "https://shopee.vn/luamachau")
    await api.taskforce.ok(
        "PATCH", f"/api/onboardings/{record['id']}", 409, json={"version": record["version"], "note": "cũ"}
    )
    body = await api.taskforce.ok(
        "PATCH",
        f"/api/onboardings/{record['id']}",
        400,
        json={"version": changed["version"], "listing_url": "https://lazada.vn/products/x-i1.html"},
    )
    assert body["extra"][0]["field"] == "listing_url"


async def test_filters_and_accent_insensitive_search(api):
    producer, three = await producer_with_product(api.taskforce, stars=3)
    four = await api.taskforce.ok(
        "POST", "/api/ocop/products", 201, json=product_payload(producer["id"], name="Nước mắm cá cơm Cửa Đại")
    )
    await api.taskforce.ok(
        "POST",
        f"/api/ocop/products/{four['id']}/certifications",
        json={"stars": 4, "score": 80, "decision_no": "77/QĐ-UBND", "decision_date": "2025-09-01"},
    )
    other_producer, other = await producer_with_product(api.taskforce_dx, area_code="20623")
    a = await onboard(api, three["id"], platform="shopee")
    b = await onboard(api, four["id"], platform="shopee", stage="listing_live", listing_url=SHOPEE_ITEM)
    c = await onboard(api, four["id"], platform="tiki")
    d = await api.taskforce_dx.ok("POST", "/api/onboardings", 201, json={"platform": "tiki", "product_id": other["id"]})

    async def ids(**params) -> list[int]:
        return sorted(o["id"] for o in (await api.officer.ok("GET", "/api/onboardings", params=params))["items"])

    assert await ids() == sorted([a["id"], b["id"], c["id"], d["id"]])
    assert await ids(platform="tiki") == sorted([c["id"], d["id"]])
    assert await ids(stage="listing_live") == [b["id"]]
    assert await ids(area="20623") == [d["id"]]
    assert await ids(producer_id=producer["id"]) == sorted([a["id"], b["id"], c["id"]])
    assert await ids(stars=3) == [a["id"]]
    assert await ids(stars=4) == sorted([b["id"], c["id"], d["id"]])
    assert await ids(q="nuoc mam CUA DAI") == sorted([b["id"], c["id"]])
    assert await ids(q=other_producer["name"].upper()) == [d["id"]]
    assert await ids(subject_kind="vendor") == []
    assert await ids(broken=True) == []
    await api.officer.ok("GET", "/api/onboardings", 400, params={"stars": 9})
    await api.officer.ok("GET", "/api/onboardings", 400, params={"stage": "sold"})
    # A commune's task force sees its own commune only.
    assert [o["id"] for o in (await api.taskforce_dx.ok("GET", "/api/onboardings"))["items"]] == [d["id"]]


async def test_scope_other_province(api):
    _, product = await producer_with_product(api.taskforce)
    record = await onboard(api, product["id"])
    hanoi = api.taskforce_hn
    assert (await hanoi.ok("GET", "/api/onboardings"))["total"] == 0
    await hanoi.ok("GET", f"/api/onboardings/{record['id']}", 404)
    await hanoi.ok("GET", f"/api/onboardings/{record['id']}/history", 404)
    await hanoi.ok("POST", f"/api/onboardings/{record['id']}/stage", 404, json={"stage": "account_created"})
    await hanoi.ok("PATCH", f"/api/onboardings/{record['id']}", 404, json={"version": 1, "note": "x"})
    await hanoi.ok("POST", f"/api/onboardings/{record['id']}/check", 404)
    body = await hanoi.ok("POST", "/api/onboardings", 400, json={"platform": "tiki", "product_id": product["id"]})
    assert body["extra"][0]["field"] == "product_id"
    # The office reads but does not write; a producer account without a producer sees nothing.
    assert (await api.officer.ok("GET", "/api/onboardings"))["total"] == 1
    await api.officer.ok("POST", f"/api/onboardings/{record['id']}/stage", 403, json={"stage": "account_created"})
    await api.officer.ok("POST", "/api/onboardings", 403, json={"platform": "tiki", "product_id": product["id"]})
    assert (await api.producer.ok("GET", "/api/onboardings"))["total"] == 0
    await api.producer.ok("GET", f"/api/onboardings/{record['id']}", 404)


async def test_a_market_vendor_selling_online(api):
    market = await api.officer.ok("POST", "/api/markets", 201, json=market_payload("20599"))
    vendor = await api.taskforce.ok(
        "POST", "/api/vendors", 201, json=vendor_payload(market["id"], full_name="Lê Thị Hồng")
    )
    record = await api.taskforce.ok(
        "POST",
        "/api/onboardings",
        201,
        json={"platform": "tiktok_shop", "vendor_id": vendor["id"], "shop_url": "https://www.tiktok.com/@cohongcho"},
    )
    assert record["subject"] == {
        "kind": "vendor",
        "id": vendor["id"],
        "code": vendor["code"],
        "name": "Lê Thị Hồng",
        "producer": None,
        "stars": None,
    }
    assert record["shop_url"] == "https://www.tiktok.com/@cohongcho"
    found = await api.officer.ok("GET", "/api/onboardings", params={"q": "le thi hong"})
    assert [o["id"] for o in found["items"]] == [record["id"]]
    assert (await api.taskforce_hn.ok("GET", "/api/onboardings", params={"subject_kind": "vendor"}))["total"] == 0


async def test_reference(api):
    reference = await api.producer.english().ok("GET", "/api/onboardings/reference")
    assert list(reference["stages"]) == [
        "planned",
        "account_created",
        "shop_pending",
        "shop_active",
        "listing_submitted",
        "listing_live",
        "listing_rejected",
        "delisted",
    ]
    assert reference["transitions"]["listing_rejected"] == ["listing_submitted"]
    assert reference["verdicts"]["broken"].startswith("Broken")


async def test_portals_added_by_the_office(api):
    platforms = await api.taskforce.ok("GET", "/api/platforms")
    assert {p["key"] for p in platforms["items"]} == {
        "shopee", "lazada", "tiki", "sendo", "tiktok_shop", "postmart", "voso"
    }  # fmt: skip
    portal = {
        "key": "quangnam_portal",
        "name": "Sàn TMĐT Quảng Nam",
        "hosts": ["SanTMDT.QuangNam.gov.vn"],
        "product_paths": ["/san-pham/<slug>-<itemid>"],
    }
    await api.taskforce.ok("POST", "/api/platforms", 403, json=portal)
    bad = await api.officer.ok(
        "POST", "/api/platforms", 400, json={**portal, "hosts": ["not a host"], "product_paths": ["/san-pham/<slug>"]}
    )
    assert {p["field"] for p in bad["extra"]} == {"hosts[0]", "product_paths[0]"}
    clash = await api.officer.ok("POST", "/api/platforms", 409, json={**portal, "hosts": ["m.shopee.vn"]})
    assert clash["extra"][0]["existing"]["key"] == "shopee"
    created = await api.officer.ok("POST", "/api/platforms", 201, json=portal)
    assert (created["kind"], created["hosts"], created["area"]["code"]) == (
        "portal",
        ["santmdt.quangnam.gov.vn"],
        "508",
    )
    await api.officer.ok("POST", "/api/platforms", 409, json=portal)
    _, product = await producer_with_product(api.taskforce)
    record = await onboard(
        api,
        product["id"],
        platform="quangnam_portal",
        stage="listing_live",
        listing_url="https://santmdt.quangnam.gov.vn/san-pham/khan-lua-4411?ref=fb",
    )
    assert (record["listing_url"], record["item_key"]) == (
        "https://santmdt.quangnam.gov.vn/san-pham/khan-lua-4411",
        "4411",
    )
    # Another province's office cannot change it; marketplaces are the administrators' to change.
    await api.officer_hn.ok("PATCH", f"/api/platforms/{created['id']}", 403, json={"version": 1, "name": "X"})
    shopee = next(p for p in platforms["items"] if p["key"] == "shopee")
    await api.officer.ok(
        "PATCH", f"/api/platforms/{shopee['id']}", 403, json={"version": shopee["version"], "name": "X"}
    )
    renamed = await api.officer.ok(
        "PATCH", f"/api/platforms/{created['id']}", json={"version": created["version"], "name": "Sàn Quảng Nam"}
    )
    assert renamed["name"] == "Sàn Quảng Nam"


async def test_ids_beyond_64_bits_name_nothing(api):
    huge = 10**20
    await api.taskforce.ok("GET", f"/api/onboardings/{huge}", 404)
    await api.taskforce.ok("POST", f"/api/onboardings/{huge}/stage", 404, json={"stage": "account_created"})
    await api.officer.ok("GET", f"/api/platforms/{huge}", 404)
    for subject in ("product_id", "producer_id", "vendor_id"):
        body = await api.taskforce.ok("POST", "/api/onboardings", 400, json={"platform": "tiki", subject: huge})
        assert [p["field"] for p in body["extra"]] == [subject]
        await api.taskforce.ok("GET", "/api/onboardings", 400, params={subject: huge})
    await api.taskforce.ok("GET", "/api/onboardings/overview", 400, params={"producer_id": huge})
    await api.taskforce.ok("GET", "/api/ocop/products", 400, params={"producer_id": huge})
