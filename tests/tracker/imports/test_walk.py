"""The demo walk: template → 200 rows with two errors → dry run → fix in the error file → import → re-import."""

from __future__ import annotations

import io

import openpyxl

from tests.support.factories import market_payload
from tests.tracker.imports.sheets import read_xlsx, upload, vendor_rows
from tracker.audit.commands import verify_audit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def test_template_dry_run_error_file_import_and_rerun(api):
    market = await api.officer.ok("POST", "/api/markets", 201, json=market_payload("20599"))

    response = await api.taskforce.get("/api/imports/templates/vendors.xlsx")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(XLSX)
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Tiểu thương", "Danh mục", "Hướng dẫn"]
    assert workbook["Danh mục"].sheet_state == "hidden"
    sheet = workbook["Tiểu thương"]
    headers = [c.value for c in sheet[1]]
    assert headers[:3] == ["Họ và tên *", "Số điện thoại *", "Số CCCD"]
    assert sheet.cell(row=2, column=1).value == "Nguyễn Thị Đào"  # the example row
    lists = {str(v.sqref).split(":")[0][0]: v.formula1 for v in sheet.data_validations.dataValidation}
    assert len(lists) >= 4  # banks, goods categories, yes/no, markets

    # The task force fills 200 rows under the example, two of them wrong.
    plain = [h.removesuffix(" *") for h in headers]
    rows = vendor_rows(market["code"], 200)
    rows[56]["Số điện thoại"] = "0123"  # row 59 in the sheet
    rows[142]["Đồng ý lưu thông tin"] = "Không"  # row 145
    for row in rows:
        sheet.append([row.get(h) for h in plain])
    filled = io.BytesIO()
    workbook.save(filled)

    dry = await upload(api.taskforce, "vendors", filled.getvalue(), dry_run=True)
    assert dry["status"] == "dry_run"
    assert dry["counts"] == {
        "rows": 200,
        "created": 198,
        "updated": 0,
        "unchanged": 0,
        "duplicate": 0,
        "error": 2,
        "skipped": 1,
    }
    assert [(r["row"], r["status"], [p["field"] for p in r["problems"]]) for r in dry["failed_rows"]] == [
        (59, "error", ["phone"]),
        (145, "error", ["consent"]),
    ]
    assert dry["failed_rows"][0]["problems"][0]["column"] == "Số điện thoại *"
    assert (await api.taskforce.ok("GET", "/api/vendors"))["total"] == 0  # a dry run saves no data

    # The error file: the rows as uploaded with an error column; the task force fixes the two rows in it.
    response = await api.taskforce.get(dry["error_file"])
    assert response.status_code == 200, response.text
    error_headers, error_rows = read_xlsx(response.content)
    assert error_headers == [*headers, "Lỗi"]
    assert len(error_rows) == 200
    by_number = {i + 3: r for i, r in enumerate(error_rows)}
    assert by_number[59][1] == "0123"
    assert "10 chữ số" in by_number[59][-1]
    assert by_number[145][-1].startswith("Đồng ý lưu thông tin *: Cần có sự đồng ý")
    assert all(r[-1] is None for n, r in by_number.items() if n not in (59, 145))

    fixed_book = openpyxl.load_workbook(io.BytesIO(response.content))
    fixed = fixed_book.worksheets[0]
    fixed.cell(row=58, column=2).value = "0905777001"  # sheet row 58 = file row 59 (no example row here)
    fixed.cell(row=144, column=10).value = "Có"
    out = io.BytesIO()
    fixed_book.save(out)
    fixed_file = out.getvalue()

    committed = await upload(api.taskforce, "vendors", fixed_file, name="da-sua.xlsx")
    assert committed["status"] == "committed", committed
    assert committed["counts"]["created"] == 200
    assert committed["counts"]["error"] == 0
    vendors = await api.taskforce.ok("GET", "/api/vendors", params={"limit": 200, "market_id": market["id"]})
    assert vendors["total"] == 200
    assert {v["import_id"] for v in vendors["items"]} == {committed["id"]}

    again = await upload(api.taskforce, "vendors", fixed_file, name="da-sua.xlsx")
    assert again["status"] == "committed"
    assert again["counts"]["unchanged"] == 200
    assert again["counts"]["created"] == again["counts"]["updated"] == 0
    assert (await api.taskforce.ok("GET", "/api/vendors", params={"market_id": market["id"]}))["total"] == 200

    # Both imports can be reviewed afterwards, by the officer of the area too.
    listed = await api.officer.ok("GET", "/api/imports", params={"kind": "vendors"})
    assert [i["id"] for i in listed["items"]][:3] == [again["id"], committed["id"], dry["id"]]
    detail = await api.officer.ok("GET", f"/api/imports/{committed['id']}", params={"limit": 5})
    assert detail["uploaded_by"]["username"] == "taskforce_np"
    assert detail["rows"]["total"] == 200
    assert all(r["status"] == "created" and r["record_id"] for r in detail["rows"]["items"])
    phone = detail["rows"]["items"][0]["values"]["Số điện thoại *"]
    assert "*" in phone
    assert len(phone) == 10
    own = await api.taskforce.ok("GET", f"/api/imports/{committed['id']}", params={"limit": 1})
    assert own["rows"]["items"][0]["values"]["Số điện thoại *"] == rows[0]["Số điện thoại"]

    # Every imported record has its audit entry, chained like any other.
    chain = await verify_audit(api.world.settings)
    assert chain.ok
    assert chain.checked >= 201
