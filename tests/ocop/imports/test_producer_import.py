"""Importing OCOP producers: the API's checks and messages, upserts, duplicates, re-runs, encodings."""

from __future__ import annotations

import io
import unicodedata

import openpyxl
import pytest

from tests.ocop.support import producer_payload
from tests.support.factories import unique_phone
from tests.tracker.imports.sheets import csv_bytes, read_xlsx, upload, xlsx

HEADERS = ["STT", "Tên chủ thể", "Loại hình", "Người đại diện", "SĐT", "MST", "Mã xã", "Địa chỉ"]
VINAMILK = "0300588569"
FPT = "0101248141"


def rows() -> list[list[object]]:
    return [
        [1, "HTX Nông nghiệp Duy Sơn", "Hợp tác xã", "Nguyễn Văn Bình", unique_phone(), VINAMILK, "20599", "Mỹ Hòa"],
        [2, "Hộ kinh doanh Bánh tráng Hồ Thị Lệ", "Hộ kinh doanh", "Hồ Thị Lệ", unique_phone(), None, 20599, None],
        [3, "Công ty TNHH Quế Trà My", "doanh_nghiep", "Trần Quế", unique_phone(), f"{FPT}-002", "20599", None],
    ]


async def test_template_has_vietnamese_headers_lists_and_an_example(api):
    response = await api.taskforce.get("/api/imports/templates/producers.xlsx")
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    headers = [c.value for c in sheet[1]]
    assert headers[:3] == ["Mã chủ thể", "Tên chủ thể *", "Loại hình *"]
    assert "Mã số thuế" in headers
    assert sheet.cell(row=2, column=2).value == "HTX Nông nghiệp Duy Sơn"
    assert sheet.data_validations.dataValidation
    lists = workbook["Danh mục"]
    assert "Hợp tác xã" in [c.value for c in lists["A"]]


async def test_dry_run_commit_and_rerun_unchanged(api):
    data = rows()
    content = xlsx(HEADERS, data, title="Chủ thể")
    dry = await upload(api.taskforce, "producers", content, dry_run=True)
    assert (dry["status"], dry["counts"]["created"]) == ("dry_run", 3)
    assert (await api.taskforce.ok("GET", "/api/ocop/producers", params={"q": "duy son"}))["total"] == 0

    report = await upload(api.taskforce, "producers", content)
    assert (report["status"], report["counts"]["created"]) == ("committed", 3)
    found = (await api.taskforce.ok("GET", "/api/ocop/producers", params={"q": "que tra my"}))["items"][0]
    assert (found["kind"], found["tax_code"], found["tax_code_kind"]) == ("doanh_nghiep", f"{FPT}-002", "branch")
    assert found["import_id"] == report["id"]
    household = (await api.taskforce.ok("GET", "/api/ocop/producers", params={"q": "ho thi le"}))["items"][0]
    assert household["kind"] == "ho_kinh_doanh"

    again = await upload(api.taskforce, "producers", content)
    assert again["counts"]["unchanged"] == 3
    assert again["counts"]["created"] == 0

    # By code: a change updates; a blank optional cell keeps the stored value.
    data[0][5] = None
    data[0][3] = "Lê Thị Hoa"
    changed = await upload(api.taskforce, "producers", xlsx(HEADERS, data, title="Chủ thể"))
    assert (changed["counts"]["updated"], changed["counts"]["unchanged"]) == (1, 2)
    duy_son = (await api.taskforce.ok("GET", "/api/ocop/producers", params={"q": "duy son"}))["items"][0]
    assert (duy_son["representative"], duy_son["tax_code"]) == ("Lê Thị Hoa", VINAMILK)
    assert duy_son["version"] == 2
    log = await api.officer.ok("GET", "/api/audit", params={"entity": "ocop_producer", "entity_id": duy_son["id"]})
    assert log["items"][0]["after"]["import_id"] == changed["id"]


async def test_per_field_errors_use_the_apis_messages(api):
    bad = [
        ["HTX Sai Mã", "Hợp tác xã", "A", unique_phone(), "0300588568", "20599"],  # check digit
        ["HTX Sai Loại", "Công xưởng", "A", unique_phone(), None, "20599"],
        ["HTX Sai SĐT", "Hợp tác xã", "A", "0123", None, "20599"],
        ["HTX Ngoài Địa Bàn", "Hợp tác xã", "A", unique_phone(), None, "00004"],  # Hà Nội
        ["Doanh nghiệp CCCD", "Doanh nghiệp", "A", unique_phone(), "049185123456", "20599"],
        [None, "Hợp tác xã", "A", unique_phone(), None, "20599"],
    ]
    headers = ["Tên chủ thể", "Loại hình", "Người đại diện", "Số điện thoại", "Mã số thuế", "Mã xã/phường"]
    report = await upload(api.taskforce, "producers", xlsx(headers, bad), dry_run=True)
    failed = {r["row"]: r["problems"][0] for r in report["failed_rows"]}
    assert failed[2]["field"] == "tax_code"
    assert failed[2]["code"] == "bad_check_digit"
    assert failed[2]["message"] == "Mã số thuế sai chữ số kiểm tra (hãy soát lại từng chữ số)."
    assert failed[3]["field"] == "kind"
    assert failed[4]["field"] == "phone"
    assert failed[5]["message"] == "Địa bàn này nằm ngoài địa bàn của bạn."
    assert failed[6]["code"] == "personal_id_not_household"
    assert (failed[7]["field"], failed[7]["message"]) == ("name", "Trường này là bắt buộc.")
    # The same bad tax code through the API gives the same message.
    api_error = await api.taskforce.post("/api/ocop/producers", json=producer_payload(tax_code="0300588568"))
    assert api_error.json()["extra"][0]["message"] == failed[2]["message"]
    english = await upload(api.taskforce.english(), "producers", xlsx(headers, bad[:1]), dry_run=True)
    message = english["failed_rows"][0]["problems"][0]["message"]
    assert message == "The tax code's check digit is wrong (check each digit)."


async def test_duplicates_in_the_file_and_against_the_database_and_all_or_nothing(api):
    elsewhere = await api.taskforce_dx.ok(
        "POST", "/api/ocop/producers", 201, json=producer_payload("20623", tax_code=FPT)
    )
    data = rows()
    data.append([4, "HTX Trùng Dòng", "Hợp tác xã", "A", unique_phone(), VINAMILK, "20599", None])
    data.append([5, "HTX Của Nơi Khác", "Hợp tác xã", "A", unique_phone(), FPT, "20599", None])
    report = await upload(api.taskforce, "producers", xlsx(HEADERS, data))
    assert report["status"] == "rejected"
    assert report["counts"]["duplicate"] == 2
    failed = {r["row"]: r["problems"][0] for r in report["failed_rows"]}
    assert failed[5]["message"] == "Dòng này lặp lại dòng 2 của tệp."
    assert failed[6]["existing"] == {"id": elsewhere["id"], "code": elsewhere["code"]}
    assert elsewhere["code"] in failed[6]["message"]
    assert (await api.taskforce.ok("GET", "/api/ocop/producers", params={"q": "duy son"}))["total"] == 0

    valid = await upload(api.taskforce, "producers", xlsx(HEADERS, data), mode="valid_only")
    assert (valid["status"], valid["counts"]["created"], valid["counts"]["duplicate"]) == ("committed", 3, 2)


async def test_error_file_round_trip(api):
    data = rows()
    data[1][4] = "0123"
    report = await upload(api.taskforce, "producers", xlsx(HEADERS, data), mode="valid_only")
    assert report["counts"] == {**report["counts"], "created": 2, "error": 1}
    errors = await api.taskforce.get(report["error_file"])
    headers, values = read_xlsx(errors.content)
    assert headers[-1] == "Lỗi"
    assert "10 chữ số" in str(values[1][-1])
    values[1][4] = unique_phone()
    fixed = await upload(api.taskforce, "producers", xlsx(headers, values))
    assert (fixed["counts"]["created"], fixed["counts"]["unchanged"]) == (1, 2)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1258"])
async def test_csv_in_each_encoding(api, encoding):
    data = rows()
    content = csv_bytes(HEADERS, data, encoding=encoding)
    report = await upload(api.taskforce, "producers", content, name="chu-the.csv")
    assert (report["encoding"], report["counts"]["created"]) == (encoding, 3)
    found = (await api.taskforce.ok("GET", "/api/ocop/producers", params={"q": "ho thi le"}))["items"][0]
    assert unicodedata.is_normalized("NFC", found["name"])
    assert found["name"] == "Hộ kinh doanh Bánh tráng Hồ Thị Lệ"
    again = await upload(api.taskforce, "producers", content, name="chu-the.csv")
    assert again["counts"]["unchanged"] == 3


async def test_cli_dry_run_then_import_of_producers(api, tmp_path):
    from tests.tracker.imports.test_markets_and_cli import _tracker

    path = tmp_path / "chu-the.xlsx"
    path.write_bytes(xlsx(HEADERS, rows(), title="Chủ thể"))
    code, out, err = await _tracker(api.world, "import", "producers", str(path), "--dry-run", "--as", "taskforce_np")
    assert code == 0, err
    assert "(dry_run): Tạo mới / created: 3" in out
    assert (await api.taskforce.ok("GET", "/api/ocop/producers", params={"q": "duy son"}))["total"] == 0
    code, out, err = await _tracker(api.world, "import", "producers", str(path), "--as", "taskforce_np")
    assert code == 0, err
    assert "(committed): Tạo mới / created: 3" in out
    code, out, err = await _tracker(api.world, "import", "producers", str(path), "--as", "taskforce_np")
    assert "Không đổi / unchanged: 3" in out
