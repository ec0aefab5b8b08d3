"""Sign-in, sign-out, the language switch, CSRF and the pages' headers, over real HTTP."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from tests.web.conftest import DEMO_PASSWORD, csrf_of, sign_in


def test_unauthenticated_page_redirects_to_login_with_next(client: httpx.Client) -> None:
    answer = client.get("/", params={"x": "1"})
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=/%3Fx%3D1"


def test_login_page_is_vietnamese_by_default_and_labelled(client: httpx.Client) -> None:
    answer = client.get("/login")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    assert '<html lang="vi">' in answer.text
    assert '<label for="username">Tên đăng nhập</label>' in answer.text
    assert '<label for="password">Mật khẩu</label>' in answer.text


def test_login_success_sets_a_secure_session_cookie_and_goes_to_next(client: httpx.Client) -> None:
    answer = sign_in(client, "tocns.namphuoc", next_path="/?from=login")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/?from=login"
    cookie = next(h for h in answer.headers.get_list("set-cookie") if h.startswith("cho_so_session="))
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Secure" not in cookie  # plain http here; Secure exactly when the request came over https
    home = client.get("/")
    assert home.status_code == 200
    assert "Nguyễn Văn Hòa" in home.text


def test_session_cookie_is_secure_over_https(client: httpx.Client) -> None:
    # uvicorn trusts X-Forwarded-Proto from 127.0.0.1 (a reverse proxy on the same host).
    form = client.get("/login", headers={"X-Forwarded-Proto": "https"})
    anonymous = next(h for h in form.headers.get_list("set-cookie") if h.startswith("cho_so_csrf="))
    assert "Secure" in anonymous
    # The client holds Secure cookies back from a plain-http address; a browser behind TLS would send it.
    value = anonymous.split(";")[0].split("=", 1)[1]
    answer = client.post(
        "/login",
        headers={"X-Forwarded-Proto": "https", "Cookie": f"cho_so_csrf={value}"},
        data={"csrf_token": csrf_of(form.text), "username": "tocns.duytrinh", "password": DEMO_PASSWORD},
    )
    assert answer.status_code == 303
    cookie = next(h for h in answer.headers.get_list("set-cookie") if h.startswith("cho_so_session="))
    assert "Secure" in cookie


def test_login_failure_shows_a_vietnamese_message_and_keeps_the_username(client: httpx.Client) -> None:
    answer = sign_in(client, "tocns.thubon", password="sai-mat-khau")
    assert answer.status_code == 401
    assert "Sai tên đăng nhập hoặc mật khẩu." in answer.text
    assert 'value="tocns.thubon"' in answer.text
    assert "cho_so_session" not in client.cookies


def test_login_with_empty_fields_names_the_problem(client: httpx.Client) -> None:
    answer = sign_in(client, "", password="")
    assert answer.status_code == 400
    assert "Hãy nhập tên đăng nhập và mật khẩu." in answer.text


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", "/login", " /x"],
)
def test_open_redirect_is_refused(client: httpx.Client, target: str) -> None:
    answer = sign_in(client, "tocns.namphuoc", next_path=target)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/"


def test_login_form_without_csrf_token_is_refused(client: httpx.Client) -> None:
    client.get("/login")
    answer = client.post("/login", data={"username": "tocns.namphuoc", "password": DEMO_PASSWORD})
    assert answer.status_code == 403
    assert "Biểu mẫu đã hết hạn" in answer.text
    assert "cho_so_session" not in client.cookies


def test_csrf_token_of_another_session_is_refused(
    client: httpx.Client, web_server: object, signed_in: Callable[[str], httpx.Client]
) -> None:
    other = httpx.Client(base_url=client.base_url)
    with other:
        stolen = csrf_of(other.get("/login").text)
    http = signed_in("tocns.namphuoc")
    answer = http.post("/logout", data={"csrf_token": stolen})
    assert answer.status_code == 403
    assert http.get("/").status_code == 200  # still signed in: the forged logout did nothing


def test_logout_revokes_the_session(signed_in: Callable[[str], httpx.Client]) -> None:
    http = signed_in("canbo.duyxuyen")
    home = http.get("/")
    token = http.cookies["cho_so_session"]
    answer = http.post("/logout", data={"csrf_token": csrf_of(home.text)})
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login"
    assert "cho_so_session" not in http.cookies
    assert "Bạn đã đăng xuất." in http.get("/login").text
    # The old token no longer opens a page, nor the API.
    replay = httpx.get(f"{http.base_url}/", cookies={"cho_so_session": token})
    assert replay.status_code == 303
    api = httpx.get(f"{http.base_url}/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 401


def test_language_switch_is_remembered(signed_in: Callable[[str], httpx.Client]) -> None:
    http = signed_in("tocns.namphuoc")
    answer = http.get("/lang/en", params={"next": "/?a=1"})
    assert answer.status_code == 303
    assert answer.headers["location"] == "/?a=1"
    assert http.cookies["lang"] == "en"
    home = http.get("/")
    assert '<html lang="en">' in home.text
    assert "Sign out" in home.text
    assert home.headers["content-language"] == "en"
    http.get("/lang/vi", params={"next": "https://evil.example/"})
    assert "Đăng xuất" in http.get("/").text


def test_pages_stay_vietnamese_for_an_english_browser_until_switched(client: httpx.Client) -> None:
    english_browser = {"Accept-Language": "en-US,en;q=0.9"}
    assert '<html lang="vi">' in client.get("/login", headers=english_browser).text
    client.get("/lang/en", params={"next": "/login"})
    assert '<html lang="en">' in client.get("/login", headers=english_browser).text
    assert "Username" in client.get("/login").text


def test_cookie_is_not_accepted_by_the_api(signed_in: Callable[[str], httpx.Client]) -> None:
    http = signed_in("tocns.namphuoc")
    assert http.get("/api/auth/me").status_code == 401


def test_pages_carry_security_headers(client: httpx.Client) -> None:
    answer = client.get("/login")
    assert answer.headers["x-frame-options"] == "DENY"
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
    assert "script-src 'self'" in answer.headers["content-security-policy"]
    assert answer.headers["cache-control"] == "no-store"
    assert answer.headers["referrer-policy"] == "same-origin"


def test_unknown_page_is_an_html_404_and_api_stays_json(signed_in: Callable[[str], httpx.Client]) -> None:
    http = signed_in("tocns.namphuoc")
    page = http.get("/khong-co-trang-nay")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "Không tìm thấy trang" in page.text
    api = http.get("/api/khong-co")
    assert api.status_code == 404
    assert api.headers["content-type"].startswith("application/json")
