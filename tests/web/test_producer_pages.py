"""The producer's page: its own products, their OCOP certificate and where each platform listing stands."""

from __future__ import annotations

from tests.conftest import PASSWORD, Clients
from tests.ocop.support import producer_with_product
from tests.web.office import PageClient, pages

SHOPEE_ITEM = "https://shopee.vn/Khan-lua-i.90210555.2301774411"


async def producer_pages(api: Clients, producer_id: int, username: str) -> PageClient:
    """A producer account linked to ``producer_id``, signed in on the pages."""
    await api.officer.ok(
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
    login = await api.anonymous.ok("POST", "/api/auth/login", json={"username": username, "password": PASSWORD})
    return PageClient(api.anonymous.client, login["access_token"])


async def test_a_producer_sees_its_products_certificates_and_listings(api: Clients) -> None:
    producer, product = await producer_with_product(api.taskforce)
    neighbour, theirs = await producer_with_product(api.taskforce)
    await api.taskforce.ok(
        "POST",
        "/api/onboardings",
        201,
        json={"platform": "shopee", "producer_id": producer["id"], "stage": "shop_active"},
    )
    await api.taskforce.ok(
        "POST",
        "/api/onboardings",
        201,
        json={"platform": "shopee", "product_id": product["id"], "stage": "listing_live", "listing_url": SHOPEE_ITEM},
    )
    await api.taskforce.ok(
        "POST",
        "/api/onboardings",
        201,
        json={"platform": "postmart", "product_id": product["id"], "stage": "shop_pending"},
    )
    await api.taskforce.ok("POST", "/api/onboardings", 201, json={"platform": "postmart", "product_id": theirs["id"]})

    me = await producer_pages(api, producer["id"], "chuthe.trang")
    response = await me.get("/my/products")
    assert response.status_code == 200, response.text
    html = response.text
    overview = await api.taskforce.ok("GET", "/api/onboardings/overview", params={"producer_id": producer["id"]})
    (item,) = overview["products"]
    assert producer["name"] in html
    assert product["name"] in html
    assert f'data-product="{product["code"]}"' in html
    # The certificate: stars, valid until (dd/mm/yyyy) and status.
    certificate = item["certification"]
    year, month, day = certificate["valid_until"].split("-")
    assert f"{day}/{month}/{year}" in html
    assert "★★★★" in html
    assert "OCOP 4 sao" in html
    assert certificate["status_label"] in html
    # Per platform: the stage and the next step, in plain Vietnamese, as the API words them.
    assert 'data-platform="shopee" data-stage="listing_live"' in html
    assert 'data-platform="postmart" data-stage="shop_pending"' in html
    assert "Chờ sàn duyệt gian hàng." in html
    assert "Gian hàng đã hoạt động" in html  # the producer's shop
    assert SHOPEE_ITEM in html
    for listing in item["listings"]:
        assert listing["next_step"] in html
    # Nothing of the neighbour's.
    assert theirs["name"] not in html
    assert neighbour["name"] not in html


async def test_only_producer_accounts_open_the_page(api: Clients) -> None:
    for username in ("officer_dx", "taskforce_np"):
        response = await pages(api, username).get("/my/products")
        assert response.status_code == 403, (username, response.status_code)
    # A producer account not linked to a producer record is told so, and sees nothing.
    unlinked = await pages(api, "producer_np").get("/my/products")
    assert unlinked.status_code == 200
    assert "chưa được gắn với chủ thể OCOP" in unlinked.text
