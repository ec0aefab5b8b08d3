"""A producer who withdraws consent: personal data cleared, products, certificates, onboardings and figures kept."""

from __future__ import annotations

from tests.ocop.support import producer_with_product

PERSONAL_ID = "049185123456"


async def test_withdrawing_consent_anonymises_the_producer_and_keeps_its_records(api):
    producer, product = await producer_with_product(api.taskforce)
    household = await api.taskforce.ok(
        "PATCH",
        f"/api/ocop/producers/{producer['id']}",
        json={
            "version": producer["version"],
            "kind": "ho_kinh_doanh",
            "tax_code": PERSONAL_ID,
            "representative": "Trương Thị Mỹ Lệ",
            "address": "12 Hùng Vương",
        },
    )
    onboarding = await api.taskforce.ok(
        "POST", "/api/onboardings", 201, json={"product_id": product["id"], "platform": "postmart", "stage": "planned"}
    )
    last4 = producer["phone"][-4:]
    lookup = f"/api/public/products/{product['code']}/status"
    assert (await api.anonymous.get(lookup, params={"phone_last4": last4})).status_code == 200
    rated = (await api.taskforce.ok("GET", "/api/ocop/products", params={"stars": 4}))["total"]

    done = await api.taskforce.ok(
        "POST", f"/api/ocop/producers/{producer['id']}/withdraw-consent", json={"reason": "Không muốn lưu thông tin"}
    )
    assert (done["representative"], done["phone"], done["tax_code"], done["address"]) == (
        "(đã ẩn danh)",
        None,
        None,
        None,
    )
    assert done["anonymised_at"] is not None
    assert (done["code"], done["name"], done["product_count"]) == (household["code"], household["name"], 1)
    kept = await api.taskforce.ok("GET", f"/api/ocop/products/{product['id']}")
    assert (kept["stars"], kept["certification"]["decision_no"]) == (4, product["certification"]["decision_no"])
    assert (await api.taskforce.ok("GET", f"/api/onboardings/{onboarding['id']}"))["stage"] == "planned"
    assert (await api.taskforce.ok("GET", "/api/ocop/products", params={"stars": 4}))["total"] == rated
    assert (await api.taskforce.ok("GET", "/api/ocop/producers", params={"q": "truong thi my le"}))["total"] == 0
    # The public lookup no longer matches by the phone, and answers as an unknown code does.
    gone = await api.anonymous.get(lookup, params={"phone_last4": last4})
    assert gone.status_code == 404
    # The personal ID is free for another registration.
    again = await api.taskforce.ok(
        "PATCH",
        f"/api/ocop/producers/{producer['id']}",
        json={"version": done["version"], "tax_code": PERSONAL_ID},
    )
    assert again["tax_code"] == PERSONAL_ID

    log = await api.officer.ok("GET", "/api/audit", params={"entity": "ocop_producer", "entity_id": producer["id"]})
    entry = next(e for e in log["items"] if e["action"] == "anonymise")
    assert entry["after"]["cleared"] == ["address", "phone", "representative", "tax_code"]
    for value in ("Trương Thị Mỹ Lệ", "12 Hùng Vương", PERSONAL_ID, producer["phone"]):
        assert value not in str(entry)
    repeat = await api.taskforce.post(f"/api/ocop/producers/{producer['id']}/withdraw-consent", json={})
    assert repeat.status_code == 409
    assert repeat.json()["detail"] == "Chủ thể này đã được ẩn danh."


async def test_an_enterprise_keeps_its_public_tax_code_and_others_may_not_anonymise(api):
    producer, _ = await producer_with_product(api.taskforce, stars=None)
    enterprise = await api.taskforce.ok(
        "PATCH",
        f"/api/ocop/producers/{producer['id']}",
        json={"version": producer["version"], "kind": "doanh_nghiep", "tax_code": "0300588569"},
    )
    officer = await api.officer.post(f"/api/ocop/producers/{producer['id']}/withdraw-consent", json={})
    assert officer.status_code == 403
    elsewhere = await api.taskforce_hn.post(f"/api/ocop/producers/{producer['id']}/withdraw-consent", json={})
    assert elsewhere.status_code == 404
    done = await api.taskforce.ok("POST", f"/api/ocop/producers/{producer['id']}/withdraw-consent", json={})
    assert done["tax_code"] == enterprise["tax_code"]
    assert done["phone"] is None


async def test_an_old_list_imported_again_does_not_bring_the_data_back(api):
    from tests.tracker.imports.sheets import upload, xlsx

    producer, _ = await producer_with_product(api.taskforce, stars=None)
    await api.taskforce.ok("POST", f"/api/ocop/producers/{producer['id']}/withdraw-consent", json={})
    headers = ["Mã chủ thể", "Tên chủ thể", "Loại hình", "Người đại diện", "Số điện thoại", "Mã xã/phường"]
    row = [producer["code"], producer["name"], "Hợp tác xã", producer["representative"], producer["phone"], "20599"]
    report = await upload(api.taskforce, "producers", xlsx(headers, [row]))
    assert report["failed_rows"][0]["problems"][0]["code"] == "anonymised"
    assert (await api.taskforce.ok("GET", f"/api/ocop/producers/{producer['id']}"))["phone"] is None
