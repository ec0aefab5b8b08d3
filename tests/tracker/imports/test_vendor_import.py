"""Importing vendors through the API: modes, upserts, duplicates, the API's messages, bad files, scope."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from tests.support.factories import market_payload, vendor_payload
from tests.tracker.imports.sheets import VENDOR_HEADERS, csv_bytes, table, upload, vendor_row, vendor_rows, xlsx
from tracker.audit.models import AuditEntry
from tracker.imports.files import MAX_UPLOAD_BYTES
from tracker.imports.models import Import
from vendors.imports import VendorImport
from vendors.models import Vendor


async def _market(api, area="20599", **overrides):
    return await api.officer.ok("POST", "/api/markets", 201, json=market_payload(area, **overrides))


async def _count(world, model, *conditions) -> int:
    engine = create_async_engine(world.settings.database_url, poolclass=NullPool)
    async with engine.connect() as conn:
        value = await conn.scalar(select(func.count()).select_from(model).where(*conditions))
    await engine.dispose()
    return int(value or 0)


async def test_all_or_none_saves_nothing_when_a_row_fails_and_valid_only_saves_the_rest(api):
    market = await _market(api)
    rows = vendor_rows(market["code"], 5)
    rows[2]["Số tài khoản"] = "12ab"
    content = xlsx(*table(rows))

    rejected = await upload(api.taskforce, "vendors", content)
    assert rejected["status"] == "rejected"
    assert rejected["counts"]["created"] == 4
    assert rejected["counts"]["error"] == 1
    assert await _count(api.world, Vendor) == 0

    partial = await upload(api.taskforce, "vendors", content, mode="valid_only")
    assert partial["status"] == "committed"
    assert [r["row"] for r in partial["failed_rows"]] == [4]
    assert await _count(api.world, Vendor, Vendor.import_id == partial["id"]) == 4
    # one audit entry per imported vendor, naming the import, plus one for the import itself
    assert await _count(api.world, AuditEntry, AuditEntry.entity == "vendor", AuditEntry.action == "create") == 4
    assert (
        await _count(api.world, AuditEntry, AuditEntry.entity == "import", AuditEntry.entity_id == partial["id"]) == 1
    )

    again = await upload(api.taskforce, "vendors", content, mode="valid_only")
    assert again["counts"]["unchanged"] == 4
    assert again["counts"]["error"] == 1
    assert await _count(api.world, Vendor) == 4


async def test_row_messages_are_the_apis(api):
    market = await _market(api)
    bad = {"phone": "0123", "personal_id": "12345", "payment_accounts": [{"bank_bin": "999999", "account_number": "1"}]}
    for lang_api in (api.taskforce, api.taskforce.english()):
        answer = await lang_api.ok("POST", "/api/vendors", 400, json=vendor_payload(market["id"], **bad))
        by_field = {p["field"]: p["message"] for p in answer["extra"]}
        row = vendor_row(
            market["code"], 1, **{"Số điện thoại": "0123", "Số CCCD": "12345", "Ngân hàng (BIN hoặc tên)": "999999"}
        )
        row["Số tài khoản"] = "1"
        report = await upload(lang_api, "vendors", xlsx(*table([row])), dry_run=True)
        problems = {p["field"]: p["message"] for p in report["failed_rows"][0]["problems"]}
        assert problems == {
            "phone": by_field["phone"],
            "personal_id": by_field["personal_id"],
            "bank": by_field["payment_accounts[0].bank_bin"],
            "account_number": by_field["payment_accounts[0].account_number"],
        }


async def test_upsert_by_code_and_by_stall_and_phone_with_duplicates_named(api):
    market = await _market(api)
    existing = await api.taskforce.ok("POST", "/api/vendors", 201, json=vendor_payload(market["id"], stall="C1"))
    other = await api.taskforce.ok("POST", "/api/vendors", 201, json=vendor_payload(market["id"], stall="C2"))
    rows = [
        # 1: same market + stall + phone, new name → updated
        vendor_row(market["code"], 1, **{"Số điện thoại": existing["phone"], "Quầy/Sạp": "c1", "Số CCCD": None}),
        # 2: by code, nothing new → unchanged (blank optional cells keep what is stored)
        {
            "Họ và tên": other["full_name"],
            "Số điện thoại": other["phone"],
            "Chợ": market["code"],
            "Quầy/Sạp": "C2",
            "Ngành hàng": "Rau củ quả",
            "Đồng ý lưu thông tin": "Có",
            "Mã tiểu thương": other["code"],
        },
        # 3: the phone of another vendor in the same market, on another stall → duplicate naming that vendor
        vendor_row(market["code"], 3, **{"Số điện thoại": other["phone"], "Quầy/Sạp": "Z9"}),
        # 4 and 5: the second repeats the first's personal ID
        vendor_row(market["code"], 4, **{"Số CCCD": "049185999001"}),
        vendor_row(market["code"], 5, **{"Số CCCD": "049185999001"}),
        # 6: an exact repeat of row 4
    ]
    rows.append(dict(rows[3]))
    rows[0]["Họ và tên"] = "Nguyễn Thị Mới"
    headers = [*VENDOR_HEADERS, "Mã tiểu thương"]
    report = await upload(api.taskforce, "vendors", xlsx(*table(rows, headers)), mode="valid_only")
    statuses = {r["row"]: r for r in report["failed_rows"]}
    assert report["counts"]["updated"] == 1
    assert report["counts"]["unchanged"] == 1
    assert report["counts"]["created"] == 1
    assert report["counts"]["duplicate"] == 3
    # row 4 repeats row 3's phone (the same market) and collides with the stored vendor holding it
    repeat, clash = statuses[4]["problems"]
    assert repeat["message"] == "Số điện thoại này đã có ở dòng 3 của tệp, cùng chợ."
    assert clash["existing"] == {"id": other["id"], "code": other["code"]}
    assert clash["message"].endswith(f"Đã có tiểu thương {other['code']} (id {other['id']}).")
    assert statuses[6]["problems"][0]["message"] == "Số định danh cá nhân này đã có ở dòng 5 của tệp."
    assert statuses[7]["problems"][0]["message"] == "Dòng này lặp lại dòng 5 của tệp."
    updated = await api.taskforce.ok("GET", f"/api/vendors/{existing['id']}")
    assert updated["full_name"] == "Nguyễn Thị Mới"
    assert updated["version"] == existing["version"] + 1
    assert updated["import_id"] == report["id"]
    assert updated["personal_id"] == existing["personal_id"]
    unchanged = await api.taskforce.ok("GET", f"/api/vendors/{other['id']}")
    assert unchanged["version"] == other["version"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1258"])
async def test_csv_imports_and_error_file_in_the_same_encoding(api, encoding):
    market = await _market(api)
    rows = vendor_rows(None, 3)
    rows[0]["Họ và tên"] = "Đặng Thị Hường"
    rows[1]["Ngày đồng ý"] = "31/02/2025"
    headers = [h for h in VENDOR_HEADERS if h != "Chợ"]
    content = csv_bytes(*table(rows, headers), encoding=encoding, delimiter=";")
    report = await upload(api.taskforce, "vendors", content, name="ds.csv", market=market["code"], dry_run=True)
    assert report["encoding"] == encoding
    assert report["counts"]["created"] == 2
    assert report["failed_rows"][0]["problems"][0]["field"] == "consent_date"
    response = await api.taskforce.get(report["error_file"])
    assert report["error_file"].endswith("errors.csv")
    text = response.content.decode("cp1258" if encoding == "cp1258" else "utf-8-sig")
    import unicodedata

    text = unicodedata.normalize("NFC", text)
    assert text.splitlines()[0] == ";".join([*headers, "Lỗi"])
    assert "Đặng Thị Hường" in text
    assert "31/02/2025" in text
    committed = await upload(api.taskforce, "vendors", content, name="ds.csv", market=market["code"], mode="valid_only")
    names = {v["full_name"] for v in (await api.taskforce.ok("GET", "/api/vendors"))["items"]}
    assert "Đặng Thị Hường" in names
    assert committed["counts"]["created"] == 2


async def test_numbers_turned_by_excel_and_formulas(api):
    market = await _market(api)
    rows = vendor_rows(market["code"], 3)
    rows[0]["Số điện thoại"] = int(rows[0]["Số điện thoại"])  # 0905… stored as the number 905…
    rows[0]["Số CCCD"] = int(rows[0]["Số CCCD"])
    rows[1]["Số tài khoản"] = 9.704361234567891e18
    rows[2]["Họ và tên"] = '=CONCATENATE("Lê ","Văn")'
    report = await upload(api.taskforce, "vendors", xlsx(*table(rows)), dry_run=True)
    failed = {r["row"]: r["problems"][0] for r in report["failed_rows"]}
    assert report["counts"]["created"] == 1
    assert failed[3]["code"] == "scientific_notation"
    assert failed[4]["code"] == "formula"
    assert failed[4]["field"] == "full_name"


async def test_bad_uploads_save_nothing(api):
    market = await _market(api)
    not_sheet = await upload(api.taskforce, "vendors", b"%PDF-1.4 ...", name="a.pdf", status=400)
    assert not_sheet["extra"][0]["code"] == "not_a_spreadsheet"
    empty = await upload(api.taskforce, "vendors", b"", name="a.csv", status=400)
    assert empty["extra"][0]["code"] == "empty_file"
    headers = [h for h in VENDOR_HEADERS if h != "Số điện thoại"]
    missing = await upload(api.taskforce, "vendors", xlsx(*table(vendor_rows(market["code"], 2), headers)), status=400)
    assert missing["detail"].startswith("Tệp thiếu cột bắt buộc: “Số điện thoại”")
    english = await upload(
        api.taskforce.english(), "vendors", xlsx(*table(vendor_rows(market["code"], 2), headers)), status=400
    )
    assert english["detail"].startswith("The file lacks required columns: “Phone”")
    no_market = await upload(
        api.taskforce,
        "vendors",
        xlsx(*table(vendor_rows(None, 2), [h for h in VENDOR_HEADERS if h != "Chợ"])),
        status=400,
    )
    assert no_market["extra"][0]["field"] == "market"
    huge = await upload(api.taskforce, "vendors", b"a," * (MAX_UPLOAD_BYTES // 2 + 10), name="big.csv", status=413)
    assert "50 MB" in huge["detail"]
    assert await _count(api.world, Vendor) == 0
    assert await _count(api.world, Import) == 0


async def test_scope_and_roles(api):
    mine = await _market(api)
    elsewhere = await api.officer_hn.ok("POST", "/api/markets", 201, json=market_payload("00004"))
    rows = vendor_rows(mine["code"], 2)
    content = xlsx(*table(rows))
    out_of_scope = await upload(api.taskforce, "vendors", content, market=elsewhere["code"], status=403)
    assert out_of_scope["status_code"] == 403
    await upload(api.taskforce, "vendors", content, market="KHONGCO", status=404)
    rows[1]["Chợ"] = elsewhere["code"]
    report = await upload(api.taskforce, "vendors", xlsx(*table(rows)), mode="valid_only")
    assert report["failed_rows"][0]["problems"][0]["message"] == "Chợ không tồn tại hoặc ngoài địa bàn."
    await upload(api.officer, "vendors", content, dry_run=True, status=403)
    await upload(api.taskforce, "markets", content, dry_run=True, status=403)
    # who may read the import: its area's officer and task force, not another province's
    await api.officer.ok("GET", f"/api/imports/{report['id']}")
    await api.taskforce_hn.ok("GET", f"/api/imports/{report['id']}", 404)
    await api.taskforce_hn.ok("GET", f"/api/imports/{report['id']}/errors.xlsx", 404)
    listed = await api.officer_hn.ok("GET", "/api/imports")
    assert listed["total"] == 0
    await api.producer.ok("GET", "/api/imports", 403)


async def test_a_failure_while_writing_leaves_nothing_and_is_recorded(api, monkeypatch):
    market = await _market(api)
    content = xlsx(*table(vendor_rows(market["code"], 4)))
    original = VendorImport._create

    async def crash(self, plans):
        await original(self, plans)  # the vendors are inserted, then the process fails before the commit
        raise RuntimeError("disk unplugged")

    monkeypatch.setattr(VendorImport, "_create", crash)
    response = await api.taskforce.post("/api/imports/vendors", files={"file": ("a.xlsx", content)})
    assert response.status_code == 500
    assert await _count(api.world, Vendor) == 0
    listed = await api.taskforce.ok("GET", "/api/imports", params={"status": "failed"})
    assert listed["total"] == 1
    assert listed["items"][0]["counts"]["created"] == 4
    assert (await api.taskforce.ok("GET", f"/api/imports/{listed['items'][0]['id']}"))["rows"]["total"] == 0
