"""Limits not covered elsewhere: the token lifetime setting, sign-in throttling per address, every
password rule, and oversized uploads (a QR photo, an import body beyond the upload envelope).

Covered elsewhere: expired, forged and revoked tokens (sign-out everywhere, password change, a deactivated
user) and the per-username sign-in throttle in tests/tracker/accounts; the public lookup's throttle in
tests/tracker/onboarding/test_status.py; an import file just over the limit in
tests/tracker/imports/test_vendor_import.py.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import AsyncIterator

import pytest
from litestar.testing import AsyncTestClient

from tests.conftest import PASSWORD, SECRET, Clients, World
from tests.support.api import Api
from tracker.accounts.security import read_token
from tracker.app import create_app
from tracker.imports.controllers import UPLOAD_BODY_LIMIT
from tracker.settings import Settings
from vendors.posters.photos import MAX_PHOTO_BYTES


@pytest.fixture
async def strict(clean: World) -> AsyncIterator[Api]:
    """The app with a one-minute token lifetime and an address blocked after three failed sign-ins."""
    settings = dataclasses.replace(
        clean.settings, token_ttl_minutes=1, login_max_failures_per_address=3, login_max_failures_per_user=5
    )
    async with AsyncTestClient(create_app(settings), base_url="http://testserver.local") as client:
        yield Api(client)


async def test_sign_in_tokens_live_as_long_as_the_setting_says(strict: Api) -> None:
    before = dt.datetime.now(dt.UTC)
    answer = await strict.ok("POST", "/api/auth/login", json={"username": "taskforce_np", "password": PASSWORD})
    claims = read_token(SECRET, answer["access_token"])
    assert before + dt.timedelta(seconds=59) <= claims.expires_at <= before + dt.timedelta(seconds=62)
    said = dt.datetime.fromisoformat(answer["expires_at"])
    assert claims.expires_at <= said < claims.expires_at + dt.timedelta(seconds=1)  # the token counts whole seconds
    assert Settings.from_env({"SECRET_KEY": SECRET, "TOKEN_TTL_MINUTES": "15"}).token_ttl_minutes == 15


async def test_failed_sign_ins_from_one_address_block_it_for_every_username(strict: Api) -> None:
    for username in ("khong.co.1", "khong.co.2", "officer_hn"):
        wrong = await strict.post("/api/auth/login", json={"username": username, "password": "Sai-mat-khau-1"})
        assert wrong.status_code == 401
    # No username has reached its own limit (five), but the address has reached its limit (three).
    blocked = await strict.post("/api/auth/login", json={"username": "taskforce_np", "password": PASSWORD})
    assert blocked.status_code == 429, blocked.text
    assert blocked.json()["detail"].startswith("Đăng nhập sai quá nhiều lần.")
    assert int(blocked.headers["retry-after"]) > 0


PASSWORDS = [
    # password, the problem codes it gets (none: accepted)
    ("Ab1-xyz", {"too_short"}),
    ("x" * 120 + "-Mat-khau-1", {"too_long"}),
    ("1234567890", {"too_weak"}),
    ("matkhau@123", {"too_weak"}),
    ("aaaaaaaa11", {"too_weak"}),  # fewer than four different characters
    ("chimotloaichu", {"too_weak"}),  # letters only
    ("nguoi.moi.2026", {"contains_username"}),
    ("NGUOI.MOI-2026", {"contains_username"}),
    ("Cho-so-2026!", set()),
    ("mua rau ở chợ 2026", set()),
]


@pytest.mark.parametrize(("password", "codes"), PASSWORDS)
async def test_password_strength_on_user_creation(api: Clients, password: str, codes: set[str]) -> None:
    body = {"username": "nguoi.moi", "full_name": "Phan Thị Mỹ Lệ", "role": "taskforce", "area_code": "20599"}
    response = await api.officer.post("/api/users", json={**body, "password": password})
    if not codes:
        assert response.status_code == 201, response.text
        return
    assert response.status_code == 400, response.text
    problems = response.json()["extra"]
    assert {p["field"] for p in problems} == {"password"}
    assert {p["code"] for p in problems} == codes
    assert (await api.officer.ok("GET", "/api/users", params={"q": "nguoi.moi"}))["total"] == 0


async def test_a_qr_photo_over_the_limit_is_413(api: Clients) -> None:
    photo = b"\xff\xd8\xff\xe0" + b"0" * MAX_PHOTO_BYTES
    response = await api.taskforce.post("/api/qr/decode", files={"file": ("anh.jpg", photo, "image/jpeg")})
    assert response.status_code == 413, response.text[:300]
    assert response.json()["detail"] == "Ảnh quá lớn (tối đa 8 MB)."
    assert response.json()["extra"][0]["field"] == "file"


async def test_an_import_body_over_the_upload_envelope_is_413_and_saves_nothing(api: Clients) -> None:
    content = b"a," * (UPLOAD_BODY_LIMIT // 2 + 1024)
    response = await api.taskforce.post("/api/imports/vendors", files={"file": ("lon.csv", content)})
    assert response.status_code == 413, response.text[:300]
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["detail"] == "Dữ liệu gửi lên quá lớn."
    assert (await api.taskforce.ok("GET", "/api/imports"))["total"] == 0
