"""Importing onboarding records: products, producers' shops and market vendors; URLs checked against each
platform, the same item never twice, stages moved forward only through the legal transitions, with history."""

from __future__ import annotations

import pytest

from tests.ocop.support import producer_with_product
from tests.support.factories import market_payload, vendor_payload
from tests.tracker.imports.sheets import csv_bytes, read_xlsx, upload, xlsx

HEADERS = ["Mã đối tượng", "Sàn TMĐT", "Giai đoạn", "Link gian hàng", "Link sản phẩm", "Lý do", "Ghi chú"]
SHOPEE = "https://shopee.vn/Banh-trang-Phu-Chiem-i.90210555.{item}?utm_source=zalo"
POSTMART = "https://postmart.vn/p/banh-trang-phu-chiem-{item}.html"


async def _subjects(api):
    producer, product = await producer_with_product(api.taskforce)
    market = await api.officer.ok("POST", "/api/markets", 201, json=market_payload("20599"))
    vendor = await api.taskforce.ok("POST", "/api/vendors", 201, json=vendor_payload(market["id"]))
    return producer, product, vendor


async def test_records_for_each_kind_of_subject_and_a_rerun_changes_nothing(api):
    producer, product, vendor = await _subjects(api)
    rows = [
        [product["code"], "Shopee", "Sản phẩm đang bán", None, SHOPEE.format(item=2301774411), None, "Đã lên sàn"],
        [producer["code"], "postmart", "Gian hàng hoạt động", None, None, None, None],
        [vendor["code"], "Tiki", "Dự kiến", None, None, None, None],
    ]
    content = xlsx(HEADERS, rows, title="Lên sàn")
    dry = await upload(api.taskforce, "onboardings", content, dry_run=True)
    assert dry["counts"]["created"] == 3, dry["failed_rows"]
    report = await upload(api.taskforce, "onboardings", content)
    assert report["counts"]["created"] == 3
    listed = await api.taskforce.ok("GET", "/api/onboardings", params={"product_id": product["id"]})
    record = listed["items"][0]
    assert (record["stage"], record["item_key"]) == ("listing_live", "90210555.2301774411")
    assert "utm_source" not in record["listing_url"]
    assert (await upload(api.taskforce, "onboardings", content))["counts"]["unchanged"] == 3

    # The vendor's record moves forward: each legal step is kept in the history.
    rows[2][2] = "Gian hàng hoạt động"
    moved = await upload(api.taskforce, "onboardings", xlsx(HEADERS, rows, title="Lên sàn"))
    assert (moved["counts"]["updated"], moved["counts"]["unchanged"]) == (1, 2)
    vendor_record = (await api.taskforce.ok("GET", "/api/onboardings", params={"vendor_id": vendor["id"]}))["items"][0]
    history = await api.taskforce.ok("GET", f"/api/onboardings/{vendor_record['id']}/history")
    assert [(h["from_stage"], h["to_stage"]) for h in history] == [
        (None, "planned"),
        ("planned", "account_created"),
        ("account_created", "shop_active"),
    ]
    log = await api.officer.ok("GET", "/api/audit", params={"entity": "onboarding", "entity_id": vendor_record["id"]})
    assert log["items"][0]["after"]["import_id"] == moved["id"]

    # Never backwards: the API's message for an impossible change.
    rows[2][2] = "Dự kiến"
    back = await upload(api.taskforce, "onboardings", xlsx(HEADERS, rows[2:], title="Lên sàn"), dry_run=True)
    problem = back["failed_rows"][0]["problems"][0]
    assert (problem["field"], problem["code"]) == ("stage", "invalid_transition")
    assert problem["message"] == "Không thể chuyển từ “Gian hàng hoạt động” sang “Dự kiến”."


async def test_per_field_errors_and_duplicates(api):
    producer, product, vendor = await _subjects(api)
    await api.taskforce.ok(
        "POST",
        "/api/onboardings",
        201,
        json={"product_id": product["id"], "platform": "postmart", "stage": "listing_live",
              "listing_url": POSTMART.format(item=80231)},
    )  # fmt: skip
    _, other = await producer_with_product(api.taskforce)
    rows = [
        [product["code"], "Tiki", "Sản phẩm đang bán", None, SHOPEE.format(item=1), None, None],  # Shopee URL for Tiki
        [product["code"], "Sàn lạ", "Dự kiến", None, None, None, None],
        ["CT99999-01", "Shopee", "Dự kiến", None, None, None, None],
        [product["code"], "Lazada", "Bay lên", None, None, None, None],
        [product["code"], "Shopee", "Đã gửi sản phẩm", None, None, None, None],  # listing needed
        [producer["code"], "Shopee", "Sản phẩm đang bán", None, None, None, None],  # a shop record
        [other["code"], "postmart", "Sản phẩm đang bán", None, POSTMART.format(item=80231), None, None],
        [vendor["code"], "Sendo", "Dự kiến", None, None, None, None],
        [vendor["code"], "sendo", "Dự kiến", None, None, None, None],
    ]
    report = await upload(api.taskforce, "onboardings", xlsx(HEADERS, rows), dry_run=True)
    failed = {r["row"] - 1: r for r in report["failed_rows"]}
    assert failed[1]["problems"][0]["field"] == "listing_url"
    assert failed[2]["problems"][0]["field"] == "platform"
    assert failed[3]["problems"][0]["field"] == "subject"
    assert failed[4]["problems"][0]["field"] == "stage"
    assert failed[5]["problems"][0]["message"] == "Cần địa chỉ sản phẩm trên sàn."
    assert failed[6]["problems"][0]["code"] == "shop_record"
    assert failed[7]["status"] == "duplicate"
    assert failed[7]["problems"][0]["existing"]["subject_code"] == product["code"]
    assert failed[9]["problems"][0]["message"] == "Dòng này lặp lại dòng 9 của tệp."
    assert report["counts"]["created"] == 1
    # The same Shopee URL for Tiki through the API gives the same message.
    api_error = await api.taskforce.post(
        "/api/onboardings",
        json={"product_id": product["id"], "platform": "tiki", "stage": "listing_live",
              "listing_url": SHOPEE.format(item=1)},
    )  # fmt: skip
    assert api_error.json()["extra"][0]["message"] == failed[1]["problems"][0]["message"]
    rejected = await upload(api.taskforce, "onboardings", xlsx(HEADERS, rows))
    assert rejected["status"] == "rejected"
    assert (await api.taskforce.ok("GET", "/api/onboardings", params={"vendor_id": vendor["id"]}))["total"] == 0


async def test_error_file_round_trip_and_a_rejection_needs_its_reason(api):
    _, product, vendor = await _subjects(api)
    rows = [
        [product["code"], "Shopee", "Sản phẩm bị từ chối", None, SHOPEE.format(item=77), None, None],
        [vendor["code"], "Tiki", "Dự kiến", None, None, None, None],
    ]
    report = await upload(api.taskforce, "onboardings", xlsx(HEADERS, rows), mode="valid_only")
    assert report["counts"]["created"] == 1
    assert report["failed_rows"][0]["problems"][0]["field"] == "reason"
    headers, values = read_xlsx((await api.taskforce.get(report["error_file"])).content)
    assert headers[-1] == "Lỗi"
    values[0][2] = "Đã gửi sản phẩm"
    fixed = await upload(api.taskforce, "onboardings", xlsx(headers, values))
    assert (fixed["counts"]["created"], fixed["counts"]["unchanged"]) == (1, 1)
    values[0][2], values[0][5] = "Sản phẩm bị từ chối", "Thiếu ảnh sản phẩm"
    again = await upload(api.taskforce, "onboardings", xlsx(headers, values))
    assert again["counts"]["updated"] == 1
    record = (await api.taskforce.ok("GET", "/api/onboardings", params={"product_id": product["id"]}))["items"][0]
    assert (record["stage"], record["rejection_reason"]) == ("listing_rejected", "Thiếu ảnh sản phẩm")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1258"])
async def test_csv_in_each_encoding(api, encoding):
    producer, product, _ = await _subjects(api)
    rows = [
        [product["code"], "Postmart", "Sản phẩm đang bán", None, POSTMART.format(item=4242), None, "Ghi chú có dấu"],
        [producer["code"], "Shopee", "Đã tạo tài khoản", None, None, None, None],
    ]
    content = csv_bytes(HEADERS, rows, encoding=encoding)
    report = await upload(api.taskforce, "onboardings", content, name="len-san.csv")
    assert report["counts"]["created"] == 2, report["failed_rows"]
    assert (await upload(api.taskforce, "onboardings", content, name="len-san.csv"))["counts"]["unchanged"] == 2


async def test_templates_of_products_and_onboardings_offer_the_lists(api):
    import io

    import openpyxl

    producer, _ = await producer_with_product(api.taskforce, stars=None)
    for kind, header, items in (
        ("products", "Phân nhóm *", {"1.3 — Thực phẩm chế biến", f"{producer['code']} — {producer['name']}", "5"}),
        ("onboardings", "Bước *", {"Sản phẩm đang bán", "Shopee", "Postmart"}),
    ):
        response = await api.taskforce.get(f"/api/imports/templates/{kind}.xlsx")
        assert response.status_code == 200
        workbook = openpyxl.load_workbook(io.BytesIO(response.content))
        assert header in [c.value for c in workbook.worksheets[0][1]]
        listed = {str(c.value) for column in workbook["Danh mục"].iter_cols() for c in column}
        assert items <= listed, items - listed
