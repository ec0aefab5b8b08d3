"""The task force's vendor pages over real HTTP: list and search, registration, the vendor's page, the
poster, marking it posted and the cashless status; role and area limits; the registration page's weight."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx

from tests.web.conftest import csrf_of, register_vendor, vendor_form, vendor_ids_on


def test_producer_and_officer_cannot_open_the_registration_form(signed_in: Callable[[str], httpx.Client]) -> None:
    for username in ("sanxuat.demo", "canbo.duyxuyen"):
        http = signed_in(username)
        answer = http.get("/vendors/new")
        assert answer.status_code == 403, username
        assert "Không có quyền truy cập" in answer.text
        http.cookies.clear()


def test_task_force_lists_only_vendors_of_its_area(signed_in: Callable[[str], httpx.Client]) -> None:
    http = signed_in("tocns.namphuoc")
    listing = http.get("/vendors")
    assert listing.status_code == 200
    codes = set(re.findall(r"· ([A-Z]{2,}-\d+)", listing.text))
    assert codes
    assert all(code.startswith("NP-") for code in codes), codes
    total = int(re.search(r"Tìm thấy (\d+(?:\.\d+)*) tiểu thương", listing.text).group(1).replace(".", ""))
    officer = signed_in("canbo.duyxuyen")  # the district office sees every market of Duy Xuyên
    whole = officer.get("/vendors").text
    assert int(re.search(r"Tìm thấy (\d+(?:\.\d+)*) tiểu thương", whole).group(1).replace(".", "")) > total


def test_search_is_accent_insensitive_and_filters_by_market_and_area(
    signed_in: Callable[[str], httpx.Client],
) -> None:
    http = signed_in("tocns.namphuoc")
    vendor_id = register_vendor(http, full_name="Đặng Thị Ngọc Ánh")
    for query in ("dang thi ngoc anh", "ĐẶNG THỊ", "ngoc anh"):
        found = http.get("/vendors", params={"q": query})
        assert vendor_id in vendor_ids_on(found.text), query
    assert vendor_id in vendor_ids_on(http.get("/vendors", params={"q": "ngoc anh", "market_id": 1}).text)
    assert vendor_id in vendor_ids_on(http.get("/vendors", params={"q": "ngoc anh", "area": "20599"}).text)
    elsewhere = http.get("/vendors", params={"q": "ngoc anh", "area": "20623"})  # Duy Trinh: outside its area
    assert vendor_id not in vendor_ids_on(elsewhere.text)


def test_the_list_filters_by_cashless_status(signed_in: Callable[[str], httpx.Client]) -> None:
    http = signed_in("canbo.duyxuyen")
    badges = re.compile(r'<span class="badge">([^<]+)</span>')
    active = http.get("/vendors", params={"status": "active"})
    assert active.status_code == 200
    assert vendor_ids_on(active.text)
    assert set(badges.findall(active.text)) == {"Đang nhận chuyển khoản"}
    assert '<option value="active" selected>' in active.text
    registered = http.get("/vendors", params={"status": "registered"})
    assert set(badges.findall(registered.text)) == {"Đã đăng ký"}
    assert not set(vendor_ids_on(active.text)) & set(vendor_ids_on(registered.text))
    assert http.get("/vendors", params={"status": "sold_out"}).status_code == 400


def test_list_is_paginated(signed_in: Callable[[str], httpx.Client]) -> None:
    http = signed_in("canbo.duyxuyen")
    first = http.get("/vendors")
    second = http.get("/vendors", params={"offset": 20})
    assert len(vendor_ids_on(first.text)) == 20
    assert 'rel="next"' in first.text
    assert not set(vendor_ids_on(first.text)) & set(vendor_ids_on(second.text))
    assert 'rel="prev"' in second.text
    assert http.get("/vendors", params={"offset": -1}).status_code == 400


def test_wrong_phone_comes_back_with_the_message_next_to_it_and_everything_typed(
    signed_in: Callable[[str], httpx.Client],
) -> None:
    http = signed_in("tocns.namphuoc")
    form = vendor_form(phone="0123", full_name="Phan Sai Số Máy")
    token = csrf_of(http.get("/vendors/new").text)
    answer = http.post("/vendors/new", data={"csrf_token": token, **form})
    assert answer.status_code == 400
    assert re.search(
        r'id="f-phone"[^>]*aria-invalid="true"[^>]*>\s*<p class="error" id="f-phone-error">Số di động', answer.text
    )
    for name in ("full_name", "stall", "account_number"):
        assert f'value="{form[name]}"' in answer.text, name
    assert '<option value="970436" selected>' in answer.text
    assert '<option value="rau_cu_qua" selected>' in answer.text
    assert re.search(r'id="f-consent"[^>]*checked', answer.text)
    assert vendor_ids_on(http.get("/vendors", params={"q": "phan sai so may"}).text) == []


def test_missing_fields_are_each_marked_with_the_others_checked_too(
    signed_in: Callable[[str], httpx.Client],
) -> None:
    http = signed_in("tocns.namphuoc")
    token = csrf_of(http.get("/vendors/new").text)
    answer = http.post(
        "/vendors/new", data={"csrf_token": token, "full_name": "Lê Văn Bốn", "phone": "12", "bank_bin": "000000"}
    )
    assert answer.status_code == 400
    for name in ("phone", "market_id", "stall", "goods_category", "bank_bin", "account_number", "consent"):
        assert f'id="f-{name}-error"' in answer.text, name
    assert "Hãy điền ô này." in answer.text
    assert "Chưa lưu." in answer.text


def test_duplicate_phone_offers_to_save_a_shared_number(signed_in: Callable[[str], httpx.Client]) -> None:
    http = signed_in("tocns.namphuoc")
    first = vendor_form()
    register_vendor(http, **{k: first[k] for k in ("phone",)})
    second = vendor_form(phone=first["phone"])
    token = csrf_of(http.get("/vendors/new").text)
    clash = http.post("/vendors/new", data={"csrf_token": token, **second})
    assert clash.status_code == 409
    assert 'id="f-phone-error"' in clash.text
    assert 'name="allow_duplicate_phone"' in clash.text
    shared = http.post("/vendors/new", data={"csrf_token": token, **second, "allow_duplicate_phone": "on"})
    assert shared.status_code == 303


def test_registration_without_csrf_token_is_refused_and_saves_nothing(
    signed_in: Callable[[str], httpx.Client],
) -> None:
    http = signed_in("tocns.namphuoc")
    form = vendor_form(full_name="Không Token Gì")
    answer = http.post("/vendors/new", data=form)
    assert answer.status_code == 403
    assert "Biểu mẫu đã hết hạn" in answer.text
    wrong = http.post("/vendors/new", data={**form, "csrf_token": "0" * 64})
    assert wrong.status_code == 403
    assert vendor_ids_on(http.get("/vendors", params={"q": "khong token gi"}).text) == []


def test_register_print_post_and_activate(signed_in: Callable[[str], httpx.Client]) -> None:
    http = signed_in("tocns.namphuoc")
    vendor_id = register_vendor(http, full_name="Võ Thị Mười")
    page = http.get(f"/vendors/{vendor_id}?registered=1")
    assert page.status_code == 200
    assert "Đã đăng ký tiểu thương NP-" in page.text  # the one-time message
    assert 'data-clear-draft="vendor-new"' in page.text
    assert "Đã đăng ký tiểu thương NP-" not in http.get(f"/vendors/{vendor_id}").text
    assert "Đã đăng ký" in page.text  # status
    assert f'src="/vendors/{vendor_id}/poster.png"' in page.text
    # Showing the poster issues it: "QR issued" is said, not offered as a button.
    assert "trạng thái chuyển sang «Đã cấp mã QR»" in page.text
    assert 'name="status" value="qr_issued"' not in page.text
    assert 'name="status" value="active"' in page.text

    png = http.get(f"/vendors/{vendor_id}/poster.png")
    assert png.status_code == 200
    assert png.headers["content-type"] == "image/png"
    assert png.content.startswith(b"\x89PNG")
    pdf = http.get(f"/vendors/{vendor_id}/poster.pdf")
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")

    page = http.get(f"/vendors/{vendor_id}")
    assert "Đã cấp mã QR" in page.text  # printing moved the status on, as the API's download does
    posted = http.post(f"/vendors/{vendor_id}/posted", data={"csrf_token": csrf_of(page.text)})
    assert posted.status_code == 303
    page = http.get(f"/vendors/{vendor_id}")
    assert "Đã ghi nhận: áp phích đã dán." in page.text
    assert 'id="poster-posted"' in page.text

    active = http.post(f"/vendors/{vendor_id}/status", data={"csrf_token": csrf_of(page.text), "status": "active"})
    assert active.status_code == 303
    page = http.get(f"/vendors/{vendor_id}")
    assert "Đã chuyển trạng thái: Đang nhận chuyển khoản." in page.text
    assert re.search(r'id="vendor-status"><span class="badge">Đang nhận chuyển khoản', page.text)
    # A change the current status does not allow is refused with the service's message, nothing changed.
    refused = http.post(f"/vendors/{vendor_id}/status", data={"csrf_token": csrf_of(page.text), "status": "registered"})
    assert refused.status_code == 303
    page = http.get(refused.headers["location"])
    assert "Không thể chuyển từ “Đang nhận chuyển khoản” sang “Đã đăng ký”." in page.text
    assert "Đang nhận chuyển khoản" in re.search(r'id="vendor-status">(.*?)</dd>', page.text).group(1)


def test_officer_sees_the_vendor_but_cannot_print_or_change_it(signed_in: Callable[[str], httpx.Client]) -> None:
    http = signed_in("tocns.namphuoc")
    vendor_id = register_vendor(http)
    http.cookies.clear()
    officer = signed_in("canbo.duyxuyen")
    page = officer.get(f"/vendors/{vendor_id}")
    assert page.status_code == 200
    assert "poster.png" not in page.text
    assert "/status" not in page.text
    assert officer.get(f"/vendors/{vendor_id}/poster.png").status_code == 403
    refused = officer.post(f"/vendors/{vendor_id}/status", data={"csrf_token": csrf_of(page.text), "status": "active"})
    assert refused.status_code == 403


def test_registration_page_weighs_under_100_kb(signed_in: Callable[[str], httpx.Client]) -> None:
    http = signed_in("tocns.namphuoc")
    page = http.get("/vendors/new")
    assets = re.findall(r'<(?:link rel="stylesheet" href|script src)="([^"]+)"', page.text)
    assert any(a.endswith(".css") for a in assets)
    assert any(a.endswith(".js") for a in assets)
    sizes = {"html": len(page.content)}
    for asset in assets:
        answer = http.get(asset)
        assert answer.status_code == 200
        assert asset.startswith("/static/")  # served by the service itself: no CDN, works offline
        sizes[asset] = len(answer.content)
    total = sum(sizes.values())
    print(f"\nregistration page weight: {total} bytes uncompressed {sizes}")
    assert total < 100 * 1024, sizes


def test_vendor_page_in_english_keeps_vietnamese_dates(signed_in: Callable[[str], httpx.Client]) -> None:
    http = signed_in("tocns.namphuoc")
    vendor_id = register_vendor(http, full_name="Lâm Thị Tám")
    vi = http.get(f"/vendors/{vendor_id}").text
    registered_on = re.search(r"<dt>Đăng ký ngày</dt><dd>(\d{2}/\d{2}/\d{4})</dd>", vi)
    assert registered_on, "the registration date reads dd/mm/yyyy"
    http.get("/lang/en", params={"next": "/"})
    en = http.get(f"/vendors/{vendor_id}").text
    assert f"<dt>Registered on</dt><dd>{registered_on.group(1)}</dd>" in en
    assert "Vegetables and fruit" in en
    assert "Lâm Thị Tám" in en
