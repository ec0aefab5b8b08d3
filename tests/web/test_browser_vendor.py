"""The task force at a stall, in a real Chromium on a 360 px wide screen: register a vendor (a wrong phone
first), open the vendor's page, get the poster, mark it posted and the vendor active. And the same form
with the keyboard alone."""

from __future__ import annotations

import os
import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.web.conftest import screenshot

pytestmark = pytest.mark.browser


def _unique(n: int) -> tuple[str, str]:
    """A phone and an account number no other test uses."""
    tail = f"{os.getpid() % 1000:03d}{n:02d}"
    return f"0977{tail}0"[:10], f"88{tail}123"


def test_register_fix_print_post_activate(logged_in_page: Callable[[str], Page]) -> None:
    page = logged_in_page("tocns.namphuoc")
    page.goto("/vendors")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tiểu thương")
    screenshot(page, "vendor-list")

    page.get_by_role("link", name="+ Đăng ký tiểu thương").click()
    expect(page).to_have_url(re.compile(r"/vendors/new$"))
    phone, account = _unique(1)
    page.get_by_label("Họ và tên").fill("Nguyễn Thị Bảy")
    page.get_by_label("Số điện thoại di động").fill("0905 12")  # too short
    expect(page.get_by_label("Số điện thoại di động")).to_have_attribute("inputmode", "tel")
    page.get_by_label("Số quầy / sạp").fill("B-17")
    page.get_by_label("Nhóm hàng").select_option("thuy_hai_san")
    page.get_by_label("Lọc: tên ngắn, mã hoặc BIN").fill("vietcom")  # the search box the script adds
    expect(page.locator("#f-bank_bin")).to_have_value("970436")
    page.get_by_label("Số tài khoản").fill(account)
    expect(page.get_by_label("Số tài khoản")).to_have_attribute("inputmode", "numeric")
    page.get_by_label("Tiểu thương đồng ý").check()
    page.get_by_role("button", name="Lưu đăng ký").click()

    phone_error = page.locator("#f-phone-error")
    expect(phone_error).to_contain_text("Số di động")
    expect(page.get_by_label("Số điện thoại di động")).to_have_attribute("aria-invalid", "true")
    # The error sits right below the phone field, and nothing typed was lost.
    assert page.evaluate("document.querySelector('#f-phone').nextElementSibling.id") == "f-phone-error"
    expect(page.get_by_label("Họ và tên")).to_have_value("Nguyễn Thị Bảy")
    expect(page.get_by_label("Số quầy / sạp")).to_have_value("B-17")
    expect(page.get_by_label("Nhóm hàng")).to_have_value("thuy_hai_san")
    expect(page.locator("#f-bank_bin")).to_have_value("970436")
    expect(page.get_by_label("Số tài khoản")).to_have_value(account)
    expect(page.get_by_label("Tiểu thương đồng ý")).to_be_checked()
    screenshot(page, "registration-error")

    page.get_by_label("Số điện thoại di động").fill(phone)
    page.get_by_role("button", name="Lưu đăng ký").click()
    expect(page).to_have_url(re.compile(r"/vendors/\d+\?registered=1$"))
    expect(page.get_by_role("status")).to_contain_text("Đã đăng ký tiểu thương NP-")
    assert page.evaluate("localStorage.getItem('draft:vendor-new')") is None  # the draft is cleared

    poster = page.get_by_role("img", name=re.compile("Áp phích VietQR của Nguyễn Thị Bảy"))
    poster.scroll_into_view_if_needed()
    expect(poster).to_be_visible()
    page.wait_for_function("() => document.querySelector('.poster img').naturalWidth > 0")
    pdf_href = page.get_by_role("link", name="Tải PDF để in").get_attribute("href")
    assert pdf_href
    pdf = page.request.get(pdf_href)
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    expect(page.get_by_role("button", name="In")).to_be_visible()
    screenshot(page, "vendor-page")

    page.get_by_role("button", name="Đã dán áp phích tại quầy").click()
    expect(page.get_by_role("status")).to_have_text("Đã ghi nhận: áp phích đã dán.")
    expect(page.locator("#poster-posted")).to_be_visible()
    page.get_by_role("button", name="Chuyển sang: Đang nhận chuyển khoản").click()
    expect(page.get_by_role("status")).to_have_text("Đã chuyển trạng thái: Đang nhận chuyển khoản.")
    expect(page.locator("#vendor-status")).to_contain_text("Đang nhận chuyển khoản")


def test_draft_survives_a_reload(logged_in_page: Callable[[str], Page]) -> None:
    page = logged_in_page("tocns.namphuoc")
    page.goto("/vendors/new")
    page.get_by_label("Họ và tên").fill("Hồ Văn Nháp")
    page.get_by_label("Số quầy / sạp").fill("N-3")
    page.reload()
    expect(page.get_by_label("Họ và tên")).to_have_value("Hồ Văn Nháp")
    expect(page.get_by_label("Số quầy / sạp")).to_have_value("N-3")
    expect(page.get_by_text("Đã khôi phục phần đang nhập dở")).to_be_visible()


def test_registration_with_the_keyboard_only(logged_in_page: Callable[[str], Page]) -> None:
    page = logged_in_page("tocns.namphuoc")
    page.goto("/vendors/new")
    page.evaluate("localStorage.clear()")
    page.reload()
    for _ in range(25):  # from the top of the page, Tab reaches the form's first field
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "f-full_name":
            break
    assert page.evaluate("document.activeElement.id") == "f-full_name"
    phone, account = _unique(2)
    page.keyboard.type("Trương Văn Phím")
    page.keyboard.press("Tab")
    page.keyboard.type(phone)
    page.keyboard.press("Tab")  # the market: the only one of the area is already chosen
    assert page.evaluate("document.activeElement.id") == "f-market_id"
    page.keyboard.press("Tab")
    page.keyboard.type("P-9")
    page.keyboard.press("Tab")
    page.keyboard.type("Rau")  # type-ahead in the goods list
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "f-bank_bin-filter"
    page.keyboard.type("970418")  # BIDV by its BIN
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "f-account_number"
    page.keyboard.type(account)
    for _ in range(3):  # holder name, citizen ID, household business number: left empty
        page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "f-consent"
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/vendors/\d+\?registered=1$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Trương Văn Phím")
    expect(page.get_by_text("BIDV")).to_be_visible()
    expect(page.get_by_text("Rau củ quả")).to_be_visible()


UNLABELLED = """() => Array.from(document.querySelectorAll('input, select, textarea'))
  .filter(el => el.type !== 'hidden' && !(el.labels && el.labels.length))
  .map(el => el.id || el.name)"""


def test_pages_fit_360_px_and_label_every_field(logged_in_page: Callable[[str], Page]) -> None:
    page = logged_in_page("tocns.namphuoc")
    page.goto("/vendors")
    vendor_path = page.locator(".list a").first.get_attribute("href")
    assert vendor_path
    for path in ("/vendors", "/vendors/new", vendor_path, "/"):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
        assert page.evaluate(UNLABELLED) == [], path
        # Touch targets: every button and form control is at least 44 px high.
        small = page.evaluate(
            """() => Array.from(document.querySelectorAll('main button, main input:not([type=checkbox]),"""
            """ main select, main a.button'))
              .filter(el => el.offsetParent !== null && el.getBoundingClientRect().height < 44)
              .map(el => el.id || el.textContent.trim())"""
        )
        assert small == [], (path, small)
    page.goto("/login")
    assert page.evaluate(UNLABELLED) == []
