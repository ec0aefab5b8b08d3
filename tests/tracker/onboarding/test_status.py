"""What producers see: their own account's view, and the public lookup by product code and phone digits."""

from __future__ import annotations

import datetime as dt

from tests.conftest import PASSWORD
from tests.ocop.support import producer_payload, producer_with_product
from tests.tracker.onboarding.cli import run_tracker
from tracker.lib import clock
from tracker.onboarding.services.status import FAILED_LOOKUPS_PER_CODE, LOOKUPS_PER_ADDRESS

SHOPEE_ITEM = "https://shopee.vn/Khan-lua-i.90210555.2301774411"


async def producer_account(api, producer_id: int, username: str = "chuthe.maichau"):
    user = await api.officer.ok(
        "POST",
        "/api/users",
        201,
        json={
            "username": username,
            "full_name": "Huỳnh Văn Lộc",
            "role": "producer",
            "password": PASSWORD,
            "producer_id": producer_id,
        },
    )
    token = (await api.anonymous.ok("POST", "/api/auth/login", json={"username": username, "password": PASSWORD}))[
        "access_token"
    ]
    return user, api.as_user(token)


async def test_a_producer_account_sees_only_its_own_records(api):
    producer, product = await producer_with_product(api.taskforce)
    neighbour, theirs = await producer_with_product(api.taskforce)
    shop = await api.taskforce.ok(
        "POST",
        "/api/onboardings",
        201,
        json={"platform": "shopee", "producer_id": producer["id"], "stage": "shop_active"},
    )
    live = await api.taskforce.ok(
        "POST",
        "/api/onboardings",
        201,
        json={"platform": "shopee", "product_id": product["id"], "stage": "listing_live", "listing_url": SHOPEE_ITEM},
    )
    planned = await api.taskforce.ok(
        "POST", "/api/onboardings", 201, json={"platform": "postmart", "product_id": product["id"]}
    )
    others = await api.taskforce.ok(
        "POST", "/api/onboardings", 201, json={"platform": "postmart", "product_id": theirs["id"]}
    )
    user, me = await producer_account(api, producer["id"])
    assert user["producer_id"] == producer["id"]
    assert user["area"]["code"] == "20599"  # the producer's area when none is given
    assert (await me.ok("GET", "/api/auth/me"))["producer_id"] == producer["id"]

    assert [p["id"] for p in (await me.ok("GET", "/api/ocop/producers"))["items"]] == [producer["id"]]
    assert [p["id"] for p in (await me.ok("GET", "/api/ocop/products"))["items"]] == [product["id"]]
    mine = await me.ok("GET", f"/api/ocop/products/{product['id']}")
    assert [c["stars"] for c in mine["certifications"]] == [4]
    assert sorted(o["id"] for o in (await me.ok("GET", "/api/onboardings"))["items"]) == sorted(
        [shop["id"], live["id"], planned["id"]]
    )
    await me.ok("GET", f"/api/ocop/producers/{neighbour['id']}", 404)
    await me.ok("GET", f"/api/ocop/products/{theirs['id']}", 404)
    await me.ok("GET", f"/api/onboardings/{others['id']}", 404)
    await me.ok("GET", "/api/onboardings/overview", 404, params={"producer_id": neighbour["id"]})
    # Reading only.
    await me.ok("POST", f"/api/onboardings/{planned['id']}/stage", 403, json={"stage": "account_created"})
    await me.ok("PATCH", f"/api/ocop/products/{product['id']}", 403, json={"version": 1, "name": "X"})

    overview = await me.ok("GET", "/api/onboardings/overview")
    assert overview["producer"]["id"] == producer["id"]
    assert [s["stage"] for s in overview["shops"]] == ["shop_active"]
    (item,) = overview["products"]
    assert (item["id"], item["stars"], item["certification"]["stars"]) == (product["id"], 4, 4)
    assert item["certification_step"] is None
    by_platform = {listing["platform"]["key"]: listing for listing in item["listings"]}
    assert by_platform["shopee"]["stage"] == "listing_live"
    assert by_platform["shopee"]["listing_url"] == SHOPEE_ITEM
    assert by_platform["shopee"]["last_check"] is None
    assert by_platform["postmart"]["next_step"] == "Tạo tài khoản người bán trên sàn."
    english = await me.english().ok("GET", "/api/onboardings/overview")
    assert [listing["next_step"] for listing in english["products"][0]["listings"]] == [
        "The listing is live: keep its details, price and stock up to date.",  # Shopee
        "Create a seller account on the platform.",  # Postmart
    ]
    # The task force asks for a producer explicitly.
    await api.taskforce.ok("GET", "/api/onboardings/overview", 400)
    assert (await api.taskforce.ok("GET", "/api/onboardings/overview", params={"producer_id": producer["id"]}))[
        "producer"
    ]["code"] == producer["code"]


async def test_the_overview_says_when_to_prepare_the_reevaluation(api):
    producer = await api.taskforce.ok("POST", "/api/ocop/producers", 201, json=producer_payload())
    product = await api.taskforce.ok(
        "POST", "/api/ocop/products", 201, json={"producer_id": producer["id"], "name": "Bánh đa", "subgroup": "1.3"}
    )
    decided = clock.today() - dt.timedelta(days=365 * 3 - 40)
    await api.taskforce.ok(
        "POST",
        f"/api/ocop/products/{product['id']}/certifications",
        json={"stars": 3, "score": 60, "decision_no": "15/QĐ-UBND", "decision_date": decided.isoformat()},
    )
    overview = await api.officer.ok("GET", "/api/onboardings/overview", params={"producer_id": producer["id"]})
    step = overview["products"][0]["certification_step"]
    assert step.startswith("Chứng nhận hết hạn ngày")


async def test_linking_an_account_to_a_producer_is_checked(api, monkeypatch, capsys):
    producer, _ = await producer_with_product(api.taskforce)
    base = {"full_name": "Chủ thể", "password": PASSWORD, "producer_id": producer["id"]}
    body = await api.officer.ok(
        "POST", "/api/users", 400, json={**base, "username": "sai.vaitro", "role": "taskforce", "area_code": "20599"}
    )
    assert [(p["field"], p["code"]) for p in body["extra"]] == [("producer_id", "wrong_role")]
    body = await api.officer_hn.ok(
        "POST", "/api/users", 400, json={**base, "username": "ngoai.diaban", "role": "producer", "area_code": "01"}
    )
    assert [(p["field"], p["code"]) for p in body["extra"]] == [("producer_id", "unknown_producer")]
    # The command line follows the same rules.
    code = await run_tracker(
        api,
        monkeypatch,
        "user",
        "create",
        "--username",
        "chuthe.cli",
        "--role",
        "producer",
        "--producer-id",
        str(producer["id"]),
        "--password",
        PASSWORD,
    )
    assert code == 0
    assert "chuthe.cli" in capsys.readouterr().out
    users = await api.officer.ok("GET", "/api/users", params={"q": "chuthe.cli"})
    assert [(u["username"], u["producer_id"]) for u in users["items"]] == [("chuthe.cli", producer["id"])]


async def test_public_lookup_shows_stages_and_nothing_personal(api):
    producer, product = await producer_with_product(api.taskforce)
    await api.taskforce.ok(
        "POST",
        "/api/onboardings",
        201,
        json={"platform": "shopee", "product_id": product["id"], "stage": "listing_live", "listing_url": SHOPEE_ITEM},
    )
    await api.taskforce.ok("POST", "/api/onboardings", 201, json={"platform": "postmart", "product_id": product["id"]})
    await api.taskforce.ok(
        "POST",
        "/api/onboardings",
        201,
        json={"platform": "tiki", "producer_id": producer["id"], "stage": "shop_active"},
    )
    last4 = producer["phone"][-4:]
    status = await api.anonymous.ok(
        "GET", f"/api/public/products/{product['code'].lower()}/status", params={"phone_last4": last4}
    )
    assert status["code"] == product["code"]
    assert status["name"] == product["name"]
    assert (status["stars"], status["is_ocop"]) == (4, True)
    assert [(p["platform"], p["stage"]) for p in status["platforms"]] == [
        ("shopee", "listing_live"),
        ("tiki", "shop_active"),
        ("postmart", "planned"),
    ]
    text = str(status)
    for personal in (producer["phone"], producer["representative"], producer["address"], SHOPEE_ITEM):
        assert personal not in text
    english = await api.anonymous.english().ok(
        "GET", f"/api/public/products/{product['code']}/status", params={"phone_last4": last4}
    )
    assert english["platforms"][0]["stage_label"] == "Listing live"


async def test_a_wrong_pair_answers_as_an_unknown_code(api):
    producer, product = await producer_with_product(api.taskforce)
    wrong = "0000" if producer["phone"][-4:] != "0000" else "1111"
    a = await api.anonymous.get(f"/api/public/products/{product['code']}/status", params={"phone_last4": wrong})
    b = await api.anonymous.get("/api/public/products/CT99999-01/status", params={"phone_last4": wrong})
    c = await api.anonymous.get(
        "/api/public/products/CT99999-01/status", params={"phone_last4": producer["phone"][-4:]}
    )
    assert a.status_code == b.status_code == c.status_code == 404
    assert a.json() == b.json() == c.json()
    assert a.json()["detail"] == "Không tìm thấy sản phẩm với mã và 4 số cuối điện thoại này."
    await api.anonymous.ok("GET", f"/api/public/products/{product['code']}/status", 400, params={"phone_last4": "12a4"})
    await api.anonymous.ok("GET", f"/api/public/products/{product['code']}/status", 400)


async def test_guessing_the_digits_is_rate_limited(api):
    producer, product = await producer_with_product(api.taskforce)
    right = producer["phone"][-4:]
    url = f"/api/public/products/{product['code']}/status"
    guesses = [f"{n:04d}" for n in range(FAILED_LOOKUPS_PER_CODE + 1) if f"{n:04d}" != right][:FAILED_LOOKUPS_PER_CODE]
    for guess in guesses:
        await api.anonymous.ok("GET", url, 404, params={"phone_last4": guess})
    blocked = await api.anonymous.get(url, params={"phone_last4": right})
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) > 0
    # An unknown code is limited the same way, so that a 429 says nothing about which codes exist.
    for _ in range(FAILED_LOOKUPS_PER_CODE):
        await api.anonymous.ok("GET", "/api/public/products/CT77777-01/status", 404, params={"phone_last4": right})
    await api.anonymous.ok("GET", "/api/public/products/CT77777-01/status", 429, params={"phone_last4": right})


async def test_lookups_per_address_are_limited(api):
    producer, product = await producer_with_product(api.taskforce)
    url = f"/api/public/products/{product['code']}/status"
    params = {"phone_last4": producer["phone"][-4:]}
    for _ in range(LOOKUPS_PER_ADDRESS):
        await api.anonymous.ok("GET", url, params=params)
    body = await api.anonymous.ok("GET", url, 429, params=params)
    assert body["detail"].startswith("Tra cứu quá nhiều lần")
