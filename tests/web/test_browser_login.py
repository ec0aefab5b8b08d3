"""Signing in and switching language in a real Chromium at phone width."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.web.conftest import browser_sign_in, screenshot

pytestmark = pytest.mark.browser


def test_sign_in_with_the_keyboard_and_switch_language(new_page: Callable[[], Page]) -> None:
    page = new_page()
    page.goto("/")
    assert page.url.endswith("/login?next=/")
    screenshot(page, "login")
    page.keyboard.press("Tab")  # the skip link comes first
    page.get_by_label("Tên đăng nhập").focus()
    page.keyboard.type("tocns.namphuoc")
    page.keyboard.press("Tab")
    page.keyboard.type("ChoSo@2026")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/login" not in url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xin chào")
    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.reload()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_wrong_password_in_the_browser(new_page: Callable[[], Page]) -> None:
    page = new_page()
    page.goto("/login")
    page.get_by_label("Tên đăng nhập").fill("tocns.duytrinh")
    page.get_by_label("Mật khẩu").fill("sai")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("alert")).to_have_text("Sai tên đăng nhập hoặc mật khẩu.")
    expect(page.get_by_label("Tên đăng nhập")).to_have_value("tocns.duytrinh")
    browser_sign_in(page, "tocns.duytrinh")
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()
