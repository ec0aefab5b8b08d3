"""End to end in Chromium against ``tracker serve`` with the demo data: the economic office and a producer.

The issue's path: an officer reads a figure on the dashboard; a task force registers a vendor (first with a
wrong phone, then fixed), prints the poster and marks it posted; the officer reloads and the figure rose by
one. A producer signs in and sees its products' certificates and where each platform listing stands.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.support.factories import unique_account, unique_phone
from tests.tracker.imports.sheets import xlsx
from tests.web.conftest import SCREENS, screenshot

pytestmark = pytest.mark.browser

# What the dashboard may weigh on a phone's first visit (HTML, CSS, script and both charts).
DASHBOARD_BUDGET_BYTES = 400_000


def count(page: Page, key: str) -> int:
    text = page.locator(f'[data-figure="{key}"] [data-count]').inner_text()
    return int(text.replace(".", ""))


def register_and_post(task_force: Page) -> str:
    """On the task force's pages: register a vendor (a wrong phone first, then fixed), print the poster, post it."""
    name = "Trần Thị Bích Ngọc"
    task_force.goto("/vendors/new")
    task_force.get_by_label("Họ và tên").fill(name)
    task_force.get_by_label("Số điện thoại di động").fill("0123 45")
    market = task_force.locator("#f-market_id")
    if not market.input_value():
        market.select_option(index=1)
    task_force.get_by_label("Số quầy / sạp").fill("W-1")
    task_force.locator("#f-goods_category").select_option("rau_cu_qua")
    task_force.locator("#f-bank_bin").select_option("970436")
    task_force.get_by_label("Số tài khoản").fill(unique_account())
    task_force.get_by_label("Tiểu thương đồng ý").check()
    task_force.get_by_role("button", name="Lưu đăng ký").click()
    expect(task_force.locator("#f-phone-error")).to_be_visible()
    task_force.get_by_label("Số điện thoại di động").fill(unique_phone())
    task_force.get_by_role("button", name="Lưu đăng ký").click()
    expect(task_force).to_have_url(re.compile(r"/vendors/\d+\?registered=1$"))
    pdf_href = task_force.locator("#poster-pdf").get_attribute("href")
    assert pdf_href
    pdf = task_force.request.get(pdf_href)
    assert pdf.status == 200
    assert pdf.body().startswith(b"%PDF")
    task_force.reload()
    task_force.get_by_role("button", name="Đã dán áp phích tại quầy").click()
    expect(task_force.locator("#poster-posted")).to_be_visible()
    return name


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
    logged_in_page: Callable[[str], Page],
) -> None:
    officer = logged_in_page("canbo.duyxuyen")
    officer.goto("/dashboard")
    assert officer.get_by_role("heading", level=1).inner_text().startswith("Bảng theo dõi")
    registered, with_poster = count(officer, "vendors"), count(officer, "with_poster")

    name = register_and_post(logged_in_page("tocns.namphuoc"))

    officer.reload()
    assert count(officer, "vendors") == registered + 1
    assert count(officer, "with_poster") == with_poster + 1

    # The row of Nam Phước leads to the vendor list of the task force's pages, filtered to it.
    officer.locator('tr[data-code="20599"]').get_by_role("link", name="Danh sách tiểu thương").click()
    officer.wait_for_url("**/vendors?area=20599")
    expect(officer.get_by_text(name).first).to_be_visible()
    officer.goto("/dashboard")

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


UNLABELLED = """() => Array.from(document.querySelectorAll('input, select, textarea'))
  .filter(el => el.type !== 'hidden' && !(el.labels && el.labels.length))
  .map(el => el.id || el.name)"""
SMALL_TARGETS = """() => Array.from(document.querySelectorAll(
    'main button, main input:not([type=checkbox]), main select, main a.button'))
  .filter(el => el.offsetParent !== null && el.getBoundingClientRect().height < 44)
  .map(el => el.id || el.name || el.textContent.trim())"""


def test_office_and_producer_pages_fit_360_px(logged_in_page: Callable[[str], Page]) -> None:
    officer = logged_in_page("canbo.duyxuyen")
    producer = logged_in_page("sanxuat.demo")
    for page, path in (
        (officer, "/dashboard"),
        (officer, "/dashboard?area=20599&by=market"),
        (officer, "/imports"),
        (producer, "/my/products"),
    ):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
        assert page.evaluate(UNLABELLED) == [], path
        assert page.evaluate(SMALL_TARGETS) == [], path
