"""End to end in Chromium against ``tracker serve`` with the demo data: the economic office and a producer.

The issue's path: an officer reads a figure on the dashboard; a task force registers a vendor (first with a
wrong phone, then fixed), prints the poster and marks it posted; the officer reloads and the figure rose by
one. A producer signs in and sees its products' certificates and where each platform listing stands.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from tests.support.factories import unique_phone, vendor_payload
from tests.tracker.imports.sheets import xlsx
from tests.web.conftest import DEMO_PASSWORD, SCREENS, WebServer, screenshot

if TYPE_CHECKING:
    from playwright.sync_api import Page

# What the dashboard may weigh on a phone's first visit (HTML, CSS, script and both charts).
DASHBOARD_BUDGET_BYTES = 400_000


def count(page: Page, key: str) -> int:
    text = page.locator(f'[data-figure="{key}"] [data-count]').inner_text()
    return int(text.replace(".", ""))


def api_token(http: httpx.Client, username: str) -> str:
    answer = http.post("/api/auth/login", json={"username": username, "password": DEMO_PASSWORD})
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


def register_and_post(web_server: WebServer) -> dict[str, Any]:
    """The task force of Nam Phước registers a vendor (wrong phone first), prints its poster and posts it."""
    with httpx.Client(base_url=web_server.base_url, timeout=60) as http:
        headers = {"Authorization": f"Bearer {api_token(http, 'tocns.namphuoc')}"}
        markets = http.get("/api/markets", params={"area": "20599"}, headers=headers).json()["items"]
        payload = vendor_payload(markets[0]["id"], full_name="Trần Thị Bích Ngọc", phone="0123 45")
        wrong = http.post("/api/vendors", json=payload, headers=headers)
        assert wrong.status_code == 400
        assert [p["field"] for p in wrong.json()["extra"]] == ["phone"]
        payload["phone"] = unique_phone()
        created = http.post("/api/vendors", json=payload, headers=headers)
        assert created.status_code == 201, created.text
        vendor = created.json()
        poster = http.get(f"/api/vendors/{vendor['id']}/poster.pdf", headers=headers)
        assert poster.status_code == 200
        assert poster.content.startswith(b"%PDF")
        (issued,) = http.get(f"/api/vendors/{vendor['id']}/posters", headers=headers).json()
        posted = http.post(f"/api/vendors/{vendor['id']}/posters/{issued['id']}/posted", headers=headers)
        assert posted.status_code == 200, posted.text
        assert posted.json()["posted_at"] is not None
        return dict(vendor)


def page_weight(page: Page) -> dict[str, int]:
    """Bytes the browser transferred for the page and everything it loaded (from the Resource Timing API)."""
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")  # the charts load lazily
    page.wait_for_load_state("networkidle")
    entries: list[dict[str, Any]] = page.evaluate(
        """() => [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
              .map(e => ({name: e.name, transfer: e.transferSize, body: e.encodedBodySize}))"""
    )
    return {e["name"]: int(e["transfer"] or e["body"]) for e in entries}


def test_the_dashboard_figure_rises_when_a_task_force_registers_and_posts(
    logged_in_page: Callable[[str], Page], web_server: WebServer
) -> None:
    officer = logged_in_page("canbo.duyxuyen")
    officer.goto("/dashboard")
    assert officer.get_by_role("heading", level=1).inner_text().startswith("Bảng theo dõi")
    registered, with_poster = count(officer, "vendors"), count(officer, "with_poster")

    register_and_post(web_server)

    officer.reload()
    assert count(officer, "vendors") == registered + 1
    assert count(officer, "with_poster") == with_poster + 1

    # Drill down: Nam Phước's row leads one level down, where its markets are listed.
    officer.get_by_role("link", name="Xã Nam Phước", exact=True).first.click()
    officer.wait_for_url("**/dashboard?area=20599")
    assert "Nam Phước" in officer.get_by_role("heading", level=1).inner_text()
    officer.goto("/dashboard")
    screenshot(officer, "dashboard")

    # The page weight on a fresh visit at phone width (nothing cached).
    weights = page_weight(officer)
    total = sum(weights.values())
    SCREENS.mkdir(parents=True, exist_ok=True)
    (SCREENS.parent / "dashboard-weight.json").write_text(json.dumps({"total": total, **weights}, indent=1))
    assert total < DASHBOARD_BUDGET_BYTES, weights


def test_the_import_page_dry_run_shows_the_row_errors(logged_in_page: Callable[[str], Page], tmp_path: Path) -> None:
    officer = logged_in_page("canbo.duyxuyen")
    officer.goto("/imports")
    sheet = tmp_path / "cho-moi.xlsx"
    sheet.write_bytes(
        xlsx(
            ["Tên chợ", "Mã chợ", "Mã xã/phường", "Loại chợ", "Số sạp/quầy"],
            [["Chợ Thử Trang", "CTT", "20599", "Chợ hạng 9", 40], ["Chợ Hà Nội", "CHN", "00004", "Chợ hạng 1", 90]],
            title="Chợ",
        )
    )
    officer.get_by_label("Loại dữ liệu").select_option("markets")
    officer.locator('input[name="file"]').set_input_files(str(sheet))
    officer.get_by_role("button", name="Kiểm tra thử").click()
    result = officer.locator("#import-result")
    result.wait_for()
    assert result.get_attribute("data-status") == "dry_run"
    errors = officer.locator("#row-errors")
    assert "Địa bàn này nằm ngoài địa bàn của bạn." in errors.inner_text()
    screenshot(officer, "imports")


def test_a_producer_sees_certificates_and_platform_status(logged_in_page: Callable[[str], Page]) -> None:
    producer = logged_in_page("sanxuat.demo")
    producer.goto("/my/products")
    assert producer.get_by_role("heading", level=1).inner_text() == "Sản phẩm của tôi"
    products = producer.locator("section[data-product]")
    assert products.count() >= 1
    first = products.first
    assert "OCOP" in first.locator(".cert").inner_text()
    assert "hiệu lực đến" in first.locator(".cert").inner_text()
    stages = producer.locator("li[data-platform]")
    assert stages.count() >= 1
    assert "Việc cần làm:" in stages.first.inner_text()
    screenshot(producer, "producer-products")
