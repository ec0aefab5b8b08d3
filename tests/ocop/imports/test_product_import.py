"""Importing OCOP products with their certification: the API's tree, stars and decision rules, upserts by
code or producer + name, certificates by decision number, re-runs, encodings, the error file."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.ocop.support import certification_payload, producer_payload, product_payload
from tests.tracker.imports.sheets import csv_bytes, read_xlsx, upload, xlsx
from tracker.lib import clock

HEADERS = [
    "Chủ thể",
    "Mã SP",
    "Tên sản phẩm",
    "Nhóm sản phẩm",
    "Phân nhóm",
    "Bộ sản phẩm",
    "Hạng sao",
    "Điểm",
    "Cấp công nhận",
    "Số QĐ",
    "Ngày quyết định",
    "Hiệu lực đến",
]
DECIDED = clock.today() - dt.timedelta(days=120)


def _until(day: dt.date, months: int = 36) -> dt.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError


async def _producer(api, **overrides):
    return await api.taskforce.ok("POST", "/api/ocop/producers", 201, json=producer_payload(**overrides))


def _rows(producer: dict) -> list[list[object]]:
    return [
        [
            f"{producer['code']} — {producer['name']}",
            None,
            "Bánh tráng Phú Chiêm",
            "1 — Thực phẩm",
            "1.3",
            "1.3.b",
            4,
            78,
            "Cấp tỉnh",
            "2919/QĐ-UBND",
            DECIDED,
            _until(DECIDED),
        ],
        [producer["name"], None, "Nước mắm Duy Hải", None, "Đồ uống có cồn", None, None, None, None, None, None, None],
        [producer["code"], None, "Mật ong Hòn Kẽm", None, "1.2", "1.2.b", 3, None, None, "15/QĐ-UBND", DECIDED, None],
    ]


async def test_dry_run_commit_rerun_and_an_upgrade(api):
    producer = await _producer(api)
    rows = _rows(producer)
    rows[1][4] = "2.2"
    content = xlsx(HEADERS, rows, title="Sản phẩm")
    dry = await upload(api.taskforce, "products", content, dry_run=True)
    assert dry["counts"]["created"] == 3, dry["failed_rows"]
    report = await upload(api.taskforce, "products", content)
    assert report["counts"]["created"] == 3
    listed = await api.taskforce.ok("GET", "/api/ocop/products", params={"producer_id": producer["id"]})
    by_name = {p["name"]: p for p in listed["items"]}
    banh_trang = by_name["Bánh tráng Phú Chiêm"]
    assert (banh_trang["stars"], banh_trang["certification"]["level"]) == (4, "province")
    assert banh_trang["certification"]["valid_until"] == _until(DECIDED).isoformat()
    assert banh_trang["classification"]["product_set"] == "1.3.b"
    assert banh_trang["import_id"] == report["id"]
    assert by_name["Nước mắm Duy Hải"]["stars"] is None
    assert by_name["Mật ong Hòn Kẽm"]["certification"]["level"] in ("province", "district")

    again = await upload(api.taskforce, "products", content)
    assert again["counts"]["unchanged"] == 3

    # A re-recognition at 4★ with a new decision adds a row; the earlier one is superseded.
    later = DECIDED + dt.timedelta(days=30)
    rows[0][1] = banh_trang["code"]
    rows[0][9:12] = ["3001/QĐ-UBND", later, None]
    upgraded = await upload(api.taskforce, "products", xlsx(HEADERS, rows[:1]))
    assert upgraded["counts"]["updated"] == 1
    history = await api.taskforce.ok("GET", f"/api/ocop/products/{banh_trang['id']}/certifications")
    assert [(c["decision_no"], c["status"]) for c in history] == [
        ("3001/QĐ-UBND", "active"),
        ("2919/QĐ-UBND", "superseded"),
    ]
    assert (await upload(api.taskforce, "products", xlsx(HEADERS, rows[:1])))["counts"]["unchanged"] == 1


async def test_per_field_errors_are_the_apis(api):
    producer = await _producer(api)
    base = _rows(producer)[0]
    future = clock.today() + dt.timedelta(days=3)
    cases = {
        "stars": [*base[:6], 6, None, None, "1/QĐ-UBND", DECIDED, None],
        "decision_date": [*base[:6], 4, 78, None, "2/QĐ-UBND", future, None],
        "subgroup": [*base[:4], "9.9", None, 4, 78, None, "3/QĐ-UBND", DECIDED, None],
        "valid_until": [*base[:6], 4, 78, None, "4/QĐ-UBND", DECIDED, DECIDED + dt.timedelta(days=365)],
        "producer": ["CT99999", *base[1:]],
        "decision_no": [*base[:6], 4, 78, None, "bốn", DECIDED, None],
        "score": [*base[:6], 4, 95, None, "5/QĐ-UBND", DECIDED, None],
    }
    rows = []
    for n, row in enumerate(cases.values()):
        rows.append([*row[:2], f"Sản phẩm lỗi {n}", *row[3:]])
    report = await upload(api.taskforce, "products", xlsx(HEADERS, rows), dry_run=True)
    failed = {r["row"] - 2: r["problems"] for r in report["failed_rows"]}
    for position, field in enumerate(cases):
        assert field in {p["field"] for p in failed[position]}, (field, failed[position])
    assert failed[0][0]["message"] == "Số sao phải từ 1 đến 5."
    assert failed[1][0]["message"] == "Ngày quyết định không được ở tương lai."
    assert "36 tháng" in failed[3][0]["message"]
    # The API answers the same message for the same value.
    product = await api.taskforce.ok("POST", "/api/ocop/products", 201, json=product_payload(producer["id"]))
    api_error = await api.taskforce.post(
        f"/api/ocop/products/{product['id']}/certifications", json=certification_payload(stars=6, score=None)
    )
    assert api_error.json()["extra"][0]["message"] == failed[0][0]["message"]


async def test_duplicates_and_all_or_nothing(api):
    producer = await _producer(api)
    rows = _rows(producer)
    rows[1][4] = "2.2"
    await upload(api.taskforce, "products", xlsx(HEADERS, rows[:1]))
    clash = list(rows[0])
    clash[6:8] = [3, 60]  # the recorded decision with other stars
    repeated = list(rows[2])
    report = await upload(api.taskforce, "products", xlsx(HEADERS, [clash, rows[1], rows[2], repeated]))
    assert report["status"] == "rejected"
    failed = {r["row"]: r for r in report["failed_rows"]}
    assert failed[2]["status"] == "duplicate"
    assert failed[2]["problems"][0]["field"] == "decision_no"
    assert failed[2]["problems"][0]["existing"]["decision_no"] == "2919/QĐ-UBND"
    assert failed[5]["problems"][0]["message"] == "Dòng này lặp lại dòng 4 của tệp."
    listed = await api.taskforce.ok("GET", "/api/ocop/products", params={"producer_id": producer["id"]})
    assert listed["total"] == 1
    partial = await upload(
        api.taskforce, "products", xlsx(HEADERS, [clash, rows[1], rows[2], repeated]), mode="valid_only"
    )
    assert (partial["counts"]["created"], partial["counts"]["duplicate"]) == (2, 2)


async def test_another_areas_producer_is_unknown_and_the_error_file_round_trips(api):
    mine = await _producer(api)
    theirs = await api.taskforce_dx.ok("POST", "/api/ocop/producers", 201, json=producer_payload("20623"))
    rows = _rows(mine)
    rows[1][4] = "2.2"
    rows[2][0] = theirs["code"]
    report = await upload(api.taskforce, "products", xlsx(HEADERS, rows), mode="valid_only")
    assert report["counts"]["created"] == 2
    assert report["failed_rows"][0]["problems"][0]["code"] == "unknown_producer"
    headers, values = read_xlsx((await api.taskforce.get(report["error_file"])).content)
    assert headers[-1] == "Lỗi"
    values[2][0] = mine["code"]
    fixed = await upload(api.taskforce, "products", xlsx(headers, values))
    assert (fixed["counts"]["created"], fixed["counts"]["unchanged"]) == (1, 2)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1258"])
async def test_csv_in_each_encoding(api, encoding):
    producer = await _producer(api)
    rows = _rows(producer)
    rows[1][4] = "Đồ uống không cồn"
    for row in rows:
        row[10] = row[10].strftime("%d/%m/%Y") if row[10] else None
        row[11] = row[11].strftime("%d/%m/%Y") if row[11] else None
    content = csv_bytes(HEADERS, rows, encoding=encoding)
    report = await upload(api.taskforce, "products", content, name="san-pham.csv")
    assert report["counts"]["created"] == 3, report["failed_rows"]
    listed = await api.taskforce.ok("GET", "/api/ocop/products", params={"q": "nuoc mam duy hai"})
    assert listed["items"][0]["classification"]["subgroup"] == "2.2"
    assert (await upload(api.taskforce, "products", content, name="san-pham.csv"))["counts"]["unchanged"] == 3
