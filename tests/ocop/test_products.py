"""OCOP products and their certification history through the API."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.ocop.support import TODAY, certification_payload, producer_payload, product_payload


async def new_product(api, **overrides):
    producer = await api.taskforce.ok("POST", "/api/ocop/producers", 201, json=producer_payload())
    return await api.taskforce.ok("POST", "/api/ocop/products", 201, json=product_payload(producer["id"], **overrides))


async def certify(api, product_id: int, status: int = 200, **overrides):
    return await api.taskforce.ok(
        "POST", f"/api/ocop/products/{product_id}/certifications", status, json=certification_payload(**overrides)
    )


def days_ago(days: int) -> str:
    return (TODAY - dt.timedelta(days=days)).isoformat()


async def test_product_is_classified_in_the_148_tree(api):
    product = await new_product(api, name="Tinh dầu sả chanh", group=None, subgroup="3.3", product_set=None)
    assert product["code"].endswith("-01")
    assert product["classification"] == {
        "tree_version": "148/QĐ-TTg",
        "group": "3",
        "group_name": "Dược liệu và sản phẩm từ dược liệu",
        "subgroup": "3.3",
        "subgroup_name": "Tinh dầu và dược liệu khác",
        "product_set": None,
        "product_set_name": None,
    }
    assert (product["stars"], product["is_ocop"], product["certification"]) == (None, False, None)
    english = await api.taskforce.english().ok("GET", f"/api/ocop/products/{product['id']}")
    assert english["classification"]["group_name"] == "Medicinal herbs and herbal products"
    reference = await api.producer.ok("GET", "/api/ocop/reference")
    assert reference["tree_version"] == "148/QĐ-TTg"
    assert [g["code"] for g in reference["groups"]] == ["1", "2", "3", "4", "5", "6"]


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"subgroup": "7.1", "group": None, "product_set": None}, "subgroup", "unknown_subgroup"),
        ({"group": "9"}, "group", "unknown_group"),
        ({"group": "2"}, "group", "group_mismatch"),
        ({"product_set": "1.4.a"}, "product_set", "subgroup_mismatch"),
        ({"product_set": "1.3.z"}, "product_set", "unknown_product_set"),
        ({"producer_id": 999_999}, "producer_id", "unknown_producer"),
    ],
)
async def test_bad_classification_is_named(api, overrides, field, code):
    producer = await api.taskforce.ok("POST", "/api/ocop/producers", 201, json=producer_payload())
    payload = {**product_payload(producer["id"]), **overrides}
    body = await api.taskforce.ok("POST", "/api/ocop/products", 400, json=payload)
    assert [(p["field"], p["code"]) for p in body["extra"]] == [(field, code)]
    assert (await api.taskforce.ok("GET", "/api/ocop/products"))["total"] == 0


async def test_same_name_twice_for_one_producer_is_a_conflict(api):
    product = await new_product(api, name="Bánh tráng nước dừa")
    body = await api.taskforce.ok(
        "POST", "/api/ocop/products", 409, json=product_payload(product["producer"]["id"], name="banh trang nuoc dua")
    )
    assert body["extra"][0]["existing"]["id"] == product["id"]


async def test_first_recognition_then_upgrade_adds_a_row(api):
    product = await new_product(api)
    first = await certify(
        api, product["id"], stars=3, score=62, level="district", decision_no="2919/QĐ-UBND", decision_date="2024-06-10"
    )
    assert first["stars"] == 3
    assert first["certification"]["legal_basis"] == "148/QĐ-TTg"
    assert first["certification"]["valid_until"] == "2027-06-10"
    upgraded = await certify(
        api, product["id"], stars=4, score=75, decision_no="3120/QĐ-UBND", decision_date=days_ago(30)
    )
    assert (upgraded["stars"], upgraded["is_ocop"]) == (4, True)
    assert upgraded["certification"]["level"] == "province"  # filled in from stars and date
    history = upgraded["certifications"]
    assert [(c["stars"], c["status"]) for c in history] == [(4, "active"), (3, "superseded")]
    assert history[1]["status_reason"] == "3120/QĐ-UBND (4★)"
    listed = await api.taskforce.ok("GET", f"/api/ocop/products/{product['id']}/certifications")
    assert [c["decision_no"] for c in listed] == ["3120/QĐ-UBND", "2919/QĐ-UBND"]
    # The same decision cannot be recorded twice for the product.
    body = await certify(api, product["id"], 409, decision_no="3120/QĐ-UBND")
    assert body["extra"][0]["field"] == "decision_no"
    # An older decision entered afterwards is history from the start.
    late = await certify(api, product["id"], stars=3, score=55, decision_no="101/QĐ-UBND", decision_date="2022-01-10")
    assert late["stars"] == 4
    assert [(c["decision_no"], c["status"]) for c in late["certifications"]] == [
        ("3120/QĐ-UBND", "active"),
        ("2919/QĐ-UBND", "superseded"),
        ("101/QĐ-UBND", "superseded"),
    ]
    assert late["certifications"][2]["legal_basis"] == "1048/QĐ-TTg"


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"stars": 0}, "stars", "out_of_range"),
        ({"stars": 6, "score": None}, "stars", "out_of_range"),
        ({"score": 101}, "score", "out_of_range"),
        ({"stars": 4, "score": 65}, "score", "stars_mismatch"),
        ({"decision_date": (TODAY + dt.timedelta(days=1)).isoformat()}, "decision_date", "in_future"),
        ({"decision_date": "2017-12-31"}, "decision_date", "before_programme"),
        ({"decision_date": "2024-13-01"}, "decision_date", "bad_date"),
        ({"decision_no": "quyết định 12"}, "decision_no", "bad_format"),
        ({"stars": 5, "score": 92, "level": "province"}, "level", "wrong_level"),
        ({"stars": 3, "score": 60, "level": "district", "decision_date": days_ago(10)}, "level", "wrong_level"),
        ({"level": "commune"}, "level", "not_allowed"),
        ({"stars": "bốn"}, "stars", "wrong_type"),
    ],
)
async def test_bad_certification_fields_are_named_and_nothing_is_saved(api, overrides, field, code):
    product = await new_product(api)
    body = await certify(api, product["id"], 400, **overrides)
    assert [(p["field"], p["code"]) for p in body["extra"]] == [(field, code)]
    english = await api.taskforce.english().ok(
        "POST", f"/api/ocop/products/{product['id']}/certifications", 400, json=certification_payload(**overrides)
    )
    assert english["detail"] != body["detail"]
    again = await api.taskforce.ok("GET", f"/api/ocop/products/{product['id']}")
    assert (again["certifications"], again["version"]) == ([], product["version"])


async def test_wrong_level_message_names_the_legal_basis(api):
    product = await new_product(api)
    body = await api.taskforce.english().ok(
        "POST",
        f"/api/ocop/products/{product['id']}/certifications",
        400,
        json=certification_payload(stars=3, score=60, level="province", decision_date="2024-06-10"),
    )
    assert "148/QĐ-TTg" in body["extra"][0]["message"]
    assert body["extra"][0]["expected"] == ["district"]


async def test_expiry_is_computed_and_expiring_list_plans_reevaluation(api):
    soon = await new_product(api, name="Sắp hết hạn")
    later = await new_product(api, name="Còn lâu")
    sooner = await new_product(api, name="Sắp hết hạn nhất")
    expired = await new_product(api, name="Đã hết hạn")
    never = await new_product(api, name="Chưa có sao")
    three_years = 365 * 3
    await certify(api, soon["id"], decision_date=days_ago(three_years - 60))
    await certify(api, sooner["id"], decision_date=days_ago(three_years - 10))
    await certify(api, later["id"], decision_date=days_ago(100))
    gone = await certify(api, expired["id"], stars=3, score=60, decision_date=days_ago(three_years + 30))
    assert (gone["stars"], gone["certification"]) == (None, None)
    assert gone["certifications"][0]["status"] == "expired"
    assert gone["certifications"][0]["days_left"] is None

    expiring = await api.officer.ok("GET", "/api/ocop/products", params={"expiring_within": 90})
    assert [p["name"] for p in expiring["items"]] == ["Sắp hết hạn nhất", "Sắp hết hạn"]
    assert 0 < expiring["items"][0]["certification"]["days_left"] < 90
    assert (await api.officer.ok("GET", "/api/ocop/products", params={"expiring_within": 5}))["total"] == 0
    by_status = await api.officer.ok("GET", "/api/ocop/products", params={"certification": "expired"})
    assert [p["id"] for p in by_status["items"]] == [expired["id"]]
    uncertified = await api.officer.ok("GET", "/api/ocop/products", params={"certification": "none"})
    assert [p["id"] for p in uncertified["items"]] == [never["id"]]
    four_stars = await api.officer.ok("GET", "/api/ocop/products", params={"stars": 4})
    assert {p["id"] for p in four_stars["items"]} == {soon["id"], sooner["id"], later["id"]}
    await api.officer.ok("GET", "/api/ocop/products", 400, params={"stars": 6})
    await api.officer.ok("GET", "/api/ocop/products", 400, params={"expiring_within": -1})


async def test_revocation(api):
    product = await new_product(api)
    certified = await certify(api, product["id"])
    certification_id = certified["certification"]["id"]
    url = f"/api/ocop/products/{product['id']}/certifications/{certification_id}/revoke"
    await api.taskforce.ok("POST", url, 400, json={"reason": ""})
    revoked = await api.taskforce.ok("POST", url, json={"reason": "Vi phạm quy định ghi nhãn"})
    assert (revoked["stars"], revoked["certifications"][0]["status"]) == (None, "revoked")
    await api.taskforce.ok("POST", url, 409, json={"reason": "Lần nữa"})
    other = await new_product(api)
    await api.taskforce.ok(
        "POST",
        f"/api/ocop/products/{other['id']}/certifications/{certification_id}/revoke",
        404,
        json={"reason": "xyz"},
    )


async def test_products_scope(api):
    product = await new_product(api)
    await certify(api, product["id"])
    hanoi = api.taskforce_hn
    assert (await hanoi.ok("GET", "/api/ocop/products"))["total"] == 0
    await hanoi.ok("GET", f"/api/ocop/products/{product['id']}", 404)
    await hanoi.ok("GET", f"/api/ocop/products/{product['id']}/certifications", 404)
    await hanoi.ok(
        "POST",
        f"/api/ocop/products/{product['id']}/certifications",
        404,
        json=certification_payload(decision_no="9/QĐ-UBND"),
    )
    await hanoi.ok("PATCH", f"/api/ocop/products/{product['id']}", 404, json={"version": 1, "name": "X"})
    body = await hanoi.ok("POST", "/api/ocop/products", 400, json=product_payload(product["producer"]["id"]))
    assert body["extra"][0]["field"] == "producer_id"
    await api.officer.ok(
        "POST", f"/api/ocop/products/{product['id']}/certifications", 403, json=certification_payload()
    )
    assert (await api.officer.ok("GET", "/api/ocop/products", params={"q": "banh trang thu nghiem"}))["total"] == 1


async def test_edit_product_reclassifies_in_the_current_tree(api):
    product = await new_product(api)
    changed = await api.taskforce.ok(
        "PATCH",
        f"/api/ocop/products/{product['id']}",
        json={"version": product["version"], "subgroup": "1.4", "name": "Nước mắm cá cơm"},
    )
    assert changed["classification"]["subgroup"] == "1.4"
    assert changed["classification"]["product_set"] is None
    assert changed["name"] == "Nước mắm cá cơm"
    body = await api.taskforce.ok(
        "PATCH", f"/api/ocop/products/{product['id']}", 400, json={"version": changed["version"], "subgroup": "8.8"}
    )
    assert body["extra"][0]["field"] == "subgroup"
    await api.taskforce.ok(
        "PATCH", f"/api/ocop/products/{product['id']}", 409, json={"version": product["version"], "name": "Cũ"}
    )


async def test_ids_beyond_64_bits_name_nothing(api):
    huge = 10**20
    await api.taskforce.ok("GET", f"/api/ocop/products/{huge}", 404)
    await api.taskforce.ok("GET", f"/api/ocop/producers/{huge}", 404)
    product = await new_product(api)
    await api.taskforce.ok(
        "POST", f"/api/ocop/products/{product['id']}/certifications/{huge}/revoke", 404, json={"reason": "xyz"}
    )
    body = await api.taskforce.ok("POST", "/api/ocop/products", 400, json=product_payload(huge))
    assert body["extra"][0]["field"] == "producer_id"
