"""The whole story, on each database: a task force registers a producer and a 4★ product, walks its
Postmart and Shopee onboardings to listing_live; the producer's account and the public lookup show the
stages; ``tracker listings check`` flags the listing that the marketplace (a local server) now answers
with 404."""

from __future__ import annotations

from tests.conftest import PASSWORD
from tests.ocop.support import TODAY, producer_payload
from tests.tracker.onboarding.cli import run_tracker

WALK = ["account_created", "shop_pending", "shop_active", "listing_submitted", "listing_live"]


async def test_from_registration_to_a_flagged_listing(api, site, marketplaces_on_site, monkeypatch, capsys):
    tf = api.taskforce
    producer = await tf.ok(
        "POST",
        "/api/ocop/producers",
        201,
        json=producer_payload(
            name="Hợp tác xã Dệt lụa Mã Châu", kind="hop_tac_xa", phone="0905123489", tax_code="0300588569"
        ),
    )
    product = await tf.ok(
        "POST",
        "/api/ocop/products",
        201,
        json={"producer_id": producer["id"], "name": "Khăn lụa tơ tằm Mã Châu", "group": "4", "subgroup": "4.2"},
    )
    product = await tf.ok(
        "POST",
        f"/api/ocop/products/{product['id']}/certifications",
        json={
            "stars": 4,
            "score": 76,
            "decision_no": "2919/QĐ-UBND",
            "decision_date": TODAY.replace(day=1).isoformat(),
        },
    )
    assert (product["stars"], product["certification"]["level"]) == (4, "province")

    paths = {
        "postmart": "/p/khan-lua-to-tam-ma-chau-80231.html",
        "shopee": "/Khan-lua-to-tam-Ma-Chau-i.90210555.2301774411",
    }
    records = {}
    for platform, path in paths.items():
        site.answer(path, 200)
        record = await tf.ok("POST", "/api/onboardings", 201, json={"platform": platform, "product_id": product["id"]})
        for stage in WALK:
            extra = {"listing_url": marketplaces_on_site[platform] + path} if stage == "listing_submitted" else {}
            record = await tf.ok("POST", f"/api/onboardings/{record['id']}/stage", json={"stage": stage, **extra})
        assert record["stage"] == "listing_live"
        records[platform] = record
        history = await tf.ok("GET", f"/api/onboardings/{record['id']}/history")
        assert [h["to_stage"] for h in history] == ["planned", *WALK]

    # The producer's own account.
    await api.officer.ok(
        "POST",
        "/api/users",
        201,
        json={
            "username": "htx.machau",
            "full_name": "Huỳnh Văn Lộc",
            "role": "producer",
            "password": PASSWORD,
            "producer_id": producer["id"],
        },
    )
    login = await api.anonymous.ok("POST", "/api/auth/login", json={"username": "htx.machau", "password": PASSWORD})
    me = api.as_user(login["access_token"])
    overview = await me.ok("GET", "/api/onboardings/overview")
    stages = {listing["platform"]["key"]: listing["stage"] for listing in overview["products"][0]["listings"]}
    assert stages == {"postmart": "listing_live", "shopee": "listing_live"}

    # The public lookup.
    public = await api.anonymous.ok(
        "GET", f"/api/public/products/{product['code']}/status", params={"phone_last4": "3489"}
    )
    assert public["stars"] == 4
    assert sorted((p["platform"], p["stage"]) for p in public["platforms"]) == [
        ("postmart", "listing_live"),
        ("shopee", "listing_live"),
    ]

    # Shopee takes the listing down.
    site.answer(paths["shopee"], 404)
    assert await run_tracker(api, monkeypatch, "listings", "check", "--delay", "0") == 0
    out = capsys.readouterr().out
    assert "hỏng / broken: 1 (mới / new: 1)" in out
    assert f"#{records['shopee']['id']} {product['code']}" in out

    flagged = await tf.ok("GET", "/api/onboardings", params={"broken": True})
    assert [o["platform"]["key"] for o in flagged["items"]] == ["shopee"]
    overview = await me.ok("GET", "/api/onboardings/overview")
    shown = {listing["platform"]["key"]: listing for listing in overview["products"][0]["listings"]}
    assert shown["shopee"]["broken"] is True
    assert shown["shopee"]["last_check"]["status_code"] == 404
    assert shown["postmart"]["last_check"]["verdict"] == "ok"
