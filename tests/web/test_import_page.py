"""The import page: templates, a dry run that shows the row errors and saves nothing, the commit, CSRF."""

from __future__ import annotations

import io

import openpyxl

from tests.conftest import Clients
from tests.tracker.imports.sheets import xlsx
from tests.web.office import pages
from tracker.imports.controllers import UPLOAD_BODY_LIMIT

MARKET_HEADERS = ["Tên chợ", "Mã chợ", "Mã xã/phường", "Loại chợ", "Số sạp/quầy", "Địa chỉ"]
ROWS = [
    ["Chợ Bà Rén Mới", "BRM", "20599", "Chợ hạng 2", 120, "Quốc lộ 1A"],
    ["Chợ Sai Hạng", "CSH", "20599", "Chợ hạng 9", 50, None],
    ["Chợ Ba Đình Mới", "BDM", "00004", "Chợ hạng 1", 300, None],  # Hà Nội: outside Duy Xuyên
]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def _market_count(api: Clients) -> int:
    return int((await api.admin.ok("GET", "/api/markets"))["total"])


async def _imports(api: Clients) -> int:
    return int((await api.officer.ok("GET", "/api/imports"))["total"])


def _file(rows: list[list[object]]) -> dict[str, tuple[str, bytes, str]]:
    return {"file": ("cho-duy-xuyen.xlsx", xlsx(MARKET_HEADERS, rows, title="Chợ"), XLSX_TYPE)}


async def test_the_officer_downloads_a_template_dry_runs_then_imports(api: Clients) -> None:
    officer = pages(api, "officer_dx")
    index = await officer.get("/imports")
    assert index.status_code == 200
    # An officer imports markets; the kinds of the task forces are not offered.
    assert '<option value="markets"' in index.text
    assert '<option value="vendors"' not in index.text
    template = await officer.get("/imports/templates/markets.xlsx")
    assert template.status_code == 200
    assert openpyxl.load_workbook(io.BytesIO(template.content)).sheetnames[0] == "Chợ"

    markets_before, imports_before = await _market_count(api), await _imports(api)
    token = await officer.csrf("/imports")
    dry = await officer.post(
        "/imports", data={"csrf_token": token, "kind": "markets", "mode": "all", "action": "dry_run"}, files=_file(ROWS)
    )
    assert dry.status_code == 200, dry.text
    html = dry.text
    assert 'data-status="dry_run"' in html
    assert "Kiểm tra thử (chưa lưu)" in html
    assert 'data-row="3"' in html
    assert 'data-row="4"' in html
    assert 'data-row="2"' not in html
    assert "Địa bàn này nằm ngoài địa bàn của bạn." in html
    assert "Loại chợ" in html  # the column of the error, as the file names it
    assert await _market_count(api) == markets_before  # a dry run saves nothing
    (dry_run,) = (await api.officer.ok("GET", "/api/imports"))["items"][:1]
    assert dry_run["status"] == "dry_run"
    errors = await officer.get(f"/imports/{dry_run['id']}/errors.xlsx")
    assert errors.status_code == 200
    assert errors.headers["content-type"] == XLSX_TYPE

    # All or nothing with failing rows: refused, nothing saved.
    rejected = await officer.post(
        "/imports", data={"csrf_token": token, "kind": "markets", "mode": "all", "action": "commit"}, files=_file(ROWS)
    )
    assert 'data-status="rejected"' in rejected.text
    assert await _market_count(api) == markets_before

    # The valid rows only: saved, then the page of the import.
    saved = await officer.post(
        "/imports",
        data={"csrf_token": token, "kind": "markets", "mode": "valid_only", "action": "commit"},
        files=_file(ROWS),
    )
    assert saved.status_code == 303
    location = saved.headers["location"]
    assert location.startswith("/imports/")
    assert await _market_count(api) == markets_before + 1
    shown = await officer.get(location)
    assert 'data-status="committed"' in shown.text
    assert 'data-count="created">1<' in shown.text
    listing = await officer.get("/imports")
    assert listing.text.count("data-import=") == await _imports(api) == imports_before + 3


async def test_a_form_without_its_token_is_refused_and_saves_nothing(api: Clients) -> None:
    officer = pages(api, "officer_dx")
    markets_before, imports_before = await _market_count(api), await _imports(api)
    for data in (
        {"kind": "markets", "mode": "valid_only", "action": "commit"},
        {"kind": "markets", "mode": "valid_only", "action": "commit", "csrf_token": "forged"},
    ):
        response = await officer.post("/imports", data=data, files=_file(ROWS[:1]))
        assert response.status_code == 403
        assert "Biểu mẫu đã hết hạn" in response.text
    # A token of another user's session is no better.
    other = await pages(api, "admin").csrf("/imports")
    response = await officer.post(
        "/imports",
        data={"kind": "markets", "mode": "valid_only", "action": "commit", "csrf_token": other},
        files=_file(ROWS[:1]),
    )
    assert response.status_code == 403
    assert await _market_count(api) == markets_before
    assert await _imports(api) == imports_before


async def test_bad_uploads_are_named_in_vietnamese_and_save_nothing(api: Clients) -> None:
    officer = pages(api, "officer_dx")
    token = await officer.csrf("/imports")
    imports_before = await _imports(api)
    missing = await officer.post("/imports", data={"csrf_token": token, "kind": "markets", "action": "dry_run"})
    assert missing.status_code == 400
    assert "Chọn tệp bảng tính" in missing.text
    garbage = await officer.post(
        "/imports",
        data={"csrf_token": token, "kind": "markets", "action": "dry_run"},
        files={"file": ("cho.xlsx", b"not a spreadsheet", XLSX_TYPE)},
    )
    assert garbage.status_code == 400
    assert 'id="import-error"' in garbage.text
    # A kind the officer's role may not import: refused by the import service, as the API refuses it.
    vendors = await officer.post(
        "/imports", data={"csrf_token": token, "kind": "vendors", "action": "dry_run"}, files=_file(ROWS)
    )
    assert vendors.status_code == 403
    assert "không được nhập" in vendors.text
    assert await _imports(api) == imports_before


async def test_each_role_is_offered_the_kinds_it_imports(api: Clients) -> None:
    producer = pages(api, "producer_np")
    for url in ("/imports", "/imports/templates/markets.xlsx"):
        response = await producer.get(url)
        assert response.status_code == 403, (url, response.status_code)
    # Task forces import what they register in the field: vendors, producers, products and onboardings.
    taskforce = pages(api, "taskforce_np")
    form = await taskforce.get("/imports")
    assert form.status_code == 200
    assert '<option value="vendors"' in form.text
    assert '<option value="markets"' not in form.text
    assert (await taskforce.get("/imports/templates/vendors.xlsx")).status_code == 200
    # Admins see every kind.
    admin = await pages(api, "admin").get("/imports")
    assert '<option value="vendors"' in admin.text
    assert '<option value="markets"' in admin.text


async def test_the_upload_limit_is_the_apis(api: Clients) -> None:
    officer = pages(api, "officer_dx")
    token = await officer.csrf("/imports")
    form = {"csrf_token": token, "kind": "markets", "action": "dry_run"}
    # Above the framework's default body limit, below the import limit: read, and refused for what it holds.
    twelve_mb = await officer.post("/imports", data=form, files={"file": ("cho.xlsx", b"x" * 12_000_000, XLSX_TYPE)})
    assert twelve_mb.status_code == 400
    assert 'id="import-error"' in twelve_mb.text
    # Above the API's limit for uploads: refused before it is read.
    too_big = await officer.post(
        "/imports", data=form, files={"file": ("cho.xlsx", b"x" * (UPLOAD_BODY_LIMIT + 1), XLSX_TYPE)}
    )
    assert too_big.status_code == 413


async def test_imports_of_another_area_are_not_shown(api: Clients) -> None:
    officer = pages(api, "officer_dx")
    token = await officer.csrf("/imports")
    await officer.post(
        "/imports", data={"csrf_token": token, "kind": "markets", "action": "dry_run"}, files=_file(ROWS[:1])
    )
    (mine,) = (await api.officer.ok("GET", "/api/imports"))["items"][:1]
    hanoi = pages(api, "officer_hn")
    for url in (f"/imports/{mine['id']}", f"/imports/{mine['id']}/errors.xlsx", f"/imports/{mine['id']}/errors.csv"):
        answer = await hanoi.get(url)
        assert answer.status_code == 404, (url, answer.status_code)
        assert "Không tìm thấy lần nhập" in answer.text
    assert f'data-import="{mine["id"]}"' not in (await hanoi.get("/imports")).text
    assert f'data-import="{mine["id"]}"' in (await officer.get("/imports")).text
