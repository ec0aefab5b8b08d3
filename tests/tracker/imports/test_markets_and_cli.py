"""Importing markets (officers), and the ``tracker import`` command against the test database."""

from __future__ import annotations

import os
import sys

import anyio

from tests.support.factories import market_payload
from tests.tracker.imports.sheets import VENDOR_HEADERS, table, upload, vendor_rows, xlsx

MARKET_HEADERS = ["Tên chợ", "Mã chợ", "Mã xã/phường", "Loại chợ", "Số sạp/quầy", "Địa chỉ"]


async def test_officer_imports_markets_and_a_rerun_changes_nothing(api):
    rows = [
        ["Chợ Bà Rén", None, 20599, "Chợ hạng 2", "1.200", "Quốc lộ 1A"],
        ["Chợ Mới Nam Phước", "CMNP", "20599", "hang_3", 80, None],
        ["Chợ Ba Đình", "BD", "00004", "Chợ hạng 1", 300, None],  # Hà Nội: outside Duy Xuyên
        ["Chợ Sai Hạng", None, "20599", "Chợ hạng 9", 50, None],
        ["Chợ Huyện", None, "508", "Chợ hạng 1", 50, None],  # a district, not a commune
    ]
    content = xlsx(MARKET_HEADERS, rows, title="Chợ")
    report = await upload(api.officer, "markets", content, mode="valid_only")
    assert report["counts"]["created"] == 2
    failed = {r["row"]: r["problems"][0] for r in report["failed_rows"]}
    assert failed[4]["message"] == "Địa bàn này nằm ngoài địa bàn của bạn."
    assert failed[5]["field"] == "kind"
    assert failed[6]["code"] == "wrong_level"
    markets = await api.officer.ok("GET", "/api/markets", params={"q": "nam phuoc"})
    created = {m["code"]: m for m in markets["items"]}
    assert created["CMNP"]["stall_count"] == 80
    assert created["CMNP"]["import_id"] == report["id"]
    ba_ren = (await api.officer.ok("GET", "/api/markets", params={"q": "ba ren"}))["items"][0]
    assert ba_ren["code"] == "BR"
    assert ba_ren["stall_count"] == 1200

    rows[0][4] = 1300  # one change
    again = await upload(api.officer, "markets", xlsx(MARKET_HEADERS, rows[:2], title="Chợ"))
    assert again["counts"]["updated"] == 1
    assert again["counts"]["unchanged"] == 1
    ba_ren_after = await api.officer.ok("GET", f"/api/markets/{ba_ren['id']}")
    assert ba_ren_after["stall_count"] == 1300
    assert ba_ren_after["version"] == ba_ren["version"] + 1


async def _tracker(world, *args: str) -> tuple[int, str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": world.settings.database_url,
        "SECRET_KEY": "s" * 40,
        "TRACKER_DATA_DIR": str(world.settings.data_dir),
    }
    result = await anyio.run_process([sys.executable, "-m", "tracker.cli", *args], env=env, check=False)
    return result.returncode, result.stdout.decode(), result.stderr.decode()


async def test_cli_dry_run_then_import_with_counts(api, tmp_path):
    market = await api.officer.ok("POST", "/api/markets", 201, json=market_payload("20599"))
    rows = vendor_rows(None, 30)
    rows[4]["Số điện thoại"] = "12"
    headers = [h for h in VENDOR_HEADERS if h != "Chợ"]
    path = tmp_path / "ds.xlsx"
    path.write_bytes(xlsx(*table(rows, headers)))
    errors = tmp_path / "loi.xlsx"

    code, out, err = await _tracker(
        api.world, "import", "vendors", str(path), "--market", market["code"], "--dry-run", "--as", "taskforce_np",
        "--errors", str(errors),
    )  # fmt: skip
    assert code == 1, err
    assert "Kiểm tra / checking" in err  # the progress bar
    assert "(dry_run): Tạo mới / created: 29, Cập nhật / updated: 0, Không đổi / unchanged: 0" in out
    assert "Lỗi / error: 1" in out
    assert "dòng / row 6 [error] Số điện thoại" in out
    assert errors.stat().st_size > 0
    assert (await api.taskforce.ok("GET", "/api/vendors"))["total"] == 0

    code, out, err = await _tracker(
        api.world, "import", "vendors", str(path), "--market", market["code"], "--mode", "valid_only",
        "--as", "taskforce_np",
    )  # fmt: skip
    assert code == 1, err  # one row still failed
    assert "(committed): Tạo mới / created: 29" in out
    vendors = await api.taskforce.ok("GET", "/api/vendors", params={"limit": 50})
    assert vendors["total"] == 29
    assert {v["team_id"] for v in vendors["items"]} == {api.world.teams["team_np"]}

    code, out, err = await _tracker(api.world, "import", "vendors", str(path), "--market", "KHONGCO")
    assert code == 2
    assert "Không tìm thấy chợ KHONGCO" in err
