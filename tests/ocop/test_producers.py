"""OCOP producers through the API: registration, checks of each field, duplicates, scope, updates."""

from __future__ import annotations

import pytest

from tests.ocop.support import producer_payload

VINAMILK = "0300588569"


async def count_producers(api) -> int:
    return (await api.admin.ok("GET", "/api/ocop/producers"))["total"]


async def test_register_and_find_accent_insensitively(api):
    producer = await api.taskforce.ok(
        "POST",
        "/api/ocop/producers",
        201,
        json=producer_payload(name="Hợp tác xã Dệt lụa Mã Châu", tax_code=f"{VINAMILK}-002", phone="+84 905 123 489"),
    )
    assert producer["code"].startswith("CT")
    assert producer["kind_label"] == "Hợp tác xã"
    assert producer["phone"] == "0905123489"
    assert (producer["tax_code"], producer["tax_code_kind"]) == (f"{VINAMILK}-002", "branch")
    assert producer["area"]["code"] == "20599"
    found = await api.taskforce.ok("GET", "/api/ocop/producers", params={"q": "det lua ma chau"})
    assert [p["id"] for p in found["items"]] == [producer["id"]]
    # The office reads it too, with the phone masked.
    seen = await api.officer.ok("GET", f"/api/ocop/producers/{producer['id']}")
    assert seen["phone"] == "09******89"
    audit = await api.officer.ok("GET", "/api/audit", params={"entity": "ocop_producer", "entity_id": producer["id"]})
    assert [e["action"] for e in audit["items"]] == ["create"]
    assert audit["items"][0]["after"]["phone"] == "09******89"


async def test_household_tax_code_is_a_personal_id_and_masked_for_officers(api):
    producer = await api.taskforce.ok(
        "POST", "/api/ocop/producers", 201, json=producer_payload(kind="ho_kinh_doanh", tax_code="049168001234")
    )
    assert producer["tax_code_kind"] == "personal_id"
    assert producer["tax_code"] == "049168001234"
    seen = await api.officer.ok("GET", f"/api/ocop/producers/{producer['id']}")
    assert seen["tax_code"] == "04********34"
    audit = await api.officer.ok("GET", "/api/audit", params={"entity": "ocop_producer", "entity_id": producer["id"]})
    assert audit["items"][0]["after"]["tax_code"] == "04********34"


async def test_duplicate_tax_code_names_the_existing_producer(api):
    first = await api.taskforce.ok("POST", "/api/ocop/producers", 201, json=producer_payload(tax_code=VINAMILK))
    body = await api.taskforce.ok("POST", "/api/ocop/producers", 409, json=producer_payload(tax_code=VINAMILK))
    assert body["extra"][0]["field"] == "tax_code"
    assert body["extra"][0]["existing"] == {"id": first["id"], "code": first["code"]}
    assert first["code"] in body["detail"]


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"tax_code": "0300588560"}, "tax_code", "bad_check_digit"),
        ({"tax_code": "049168001234", "kind": "doanh_nghiep"}, "tax_code", "personal_id_not_household"),
        ({"phone": "0241234567"}, "phone", "not_mobile"),
        ({"area_code": "99999"}, "area_code", "unknown_area"),
        ({"area_code": "508"}, "area_code", "wrong_level"),
        ({"kind": "cong_ty"}, "kind", "not_allowed"),
        ({"name": ""}, "name", "too_short"),
        ({"website": "x"}, "website", "unknown_field"),
    ],
)
async def test_each_bad_field_is_named_in_both_languages(api, overrides, field, code):
    body = await api.taskforce.ok("POST", "/api/ocop/producers", 400, json=producer_payload(**overrides))
    assert [(p["field"], p["code"]) for p in body["extra"]] == [(field, code)]
    english = await api.taskforce.english().ok("POST", "/api/ocop/producers", 400, json=producer_payload(**overrides))
    assert english["extra"][0]["message"] != body["extra"][0]["message"]
    assert await count_producers(api) == 0


async def test_every_problem_at_once(api):
    body = await api.taskforce.ok(
        "POST", "/api/ocop/producers", 400, json=producer_payload(tax_code="123", phone="12", area_code="99999")
    )
    assert {p["field"] for p in body["extra"]} == {"tax_code", "phone", "area_code"}


async def test_scope_other_province_cannot_see_or_write(api):
    producer = await api.taskforce.ok("POST", "/api/ocop/producers", 201, json=producer_payload())
    hanoi = api.taskforce_hn
    assert (await hanoi.ok("GET", "/api/ocop/producers"))["total"] == 0
    await hanoi.ok("GET", f"/api/ocop/producers/{producer['id']}", 404)
    await hanoi.ok("PATCH", f"/api/ocop/producers/{producer['id']}", 404, json={"version": 1, "name": "X"})
    # Registering into Duy Xuyên from Hà Nội is refused.
    await hanoi.ok("POST", "/api/ocop/producers", 403, json=producer_payload("20623"))
    # Hà Nội's own area is fine.
    await hanoi.ok("POST", "/api/ocop/producers", 201, json=producer_payload("00004"))
    # The Duy Xuyên office sees its own, not Hà Nội's; the Hà Nội office the other way round.
    assert [p["id"] for p in (await api.officer.ok("GET", "/api/ocop/producers"))["items"]] == [producer["id"]]
    assert (await api.officer_hn.ok("GET", "/api/ocop/producers"))["total"] == 1


async def test_officers_read_but_do_not_register(api):
    await api.officer.ok("POST", "/api/ocop/producers", 403, json=producer_payload())
    await api.anonymous.ok("GET", "/api/ocop/producers", 401)


async def test_update_with_version(api):
    producer = await api.taskforce.ok("POST", "/api/ocop/producers", 201, json=producer_payload())
    changed = await api.taskforce.ok(
        "PATCH",
        f"/api/ocop/producers/{producer['id']}",
        json={"version": producer["version"], "name": "HTX Nông nghiệp Duy Phú", "tax_code": VINAMILK},
    )
    assert changed["name"] == "HTX Nông nghiệp Duy Phú"
    assert changed["version"] == producer["version"] + 1
    # A stale version is refused, and so is a change that would make the tax code invalid.
    await api.taskforce.ok(
        "PATCH", f"/api/ocop/producers/{producer['id']}", 409, json={"version": producer["version"], "name": "Y"}
    )
    await api.taskforce.ok(
        "PATCH",
        f"/api/ocop/producers/{producer['id']}",
        400,
        json={"version": changed["version"], "tax_code": "0300588561"},
    )
    again = await api.taskforce.ok("GET", f"/api/ocop/producers/{producer['id']}")
    assert (again["tax_code"], again["version"]) == (VINAMILK, changed["version"])
    # Moving the producer out of the task force's commune is refused; an administrator may, and its
    # products follow it into the other commune's scope.
    product = await api.taskforce.ok(
        "POST", "/api/ocop/products", 201, json={"producer_id": producer["id"], "name": "Mì Quảng", "subgroup": "1.3"}
    )
    move = {"version": changed["version"], "area_code": "20623"}
    await api.taskforce.ok("PATCH", f"/api/ocop/producers/{producer['id']}", 403, json=move)
    await api.admin.ok("PATCH", f"/api/ocop/producers/{producer['id']}", json=move)
    assert (await api.taskforce_dx.ok("GET", f"/api/ocop/products/{product['id']}"))["area"]["code"] == "20623"
    await api.taskforce.ok("GET", f"/api/ocop/products/{product['id']}", 404)
