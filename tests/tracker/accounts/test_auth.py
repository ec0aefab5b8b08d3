from __future__ import annotations

import datetime as dt

from tests.conftest import PASSWORD, SECRET
from tracker.accounts.security import issue_token


async def test_login_returns_a_bearer_token_that_me_accepts(api) -> None:
    token = await api.anonymous.ok("POST", "/api/auth/login", json={"username": "taskforce_np", "password": PASSWORD})
    assert token["token_type"] == "bearer"
    me = await api.as_user(token["access_token"]).ok("GET", "/api/auth/me")
    assert (me["username"], me["role"], me["area"]["code"], me["area"]["name"]) == (
        "taskforce_np",
        "taskforce",
        "20599",
        "Xã Nam Phước",
    )
    assert [t["name"] for t in me["teams"]] == ["Tổ team_np"]
    assert "password" not in str(me).lower()


async def test_login_is_case_insensitive_on_username_and_rejects_a_wrong_password(api) -> None:
    ok = await api.anonymous.post("/api/auth/login", json={"username": "TaskForce_NP", "password": PASSWORD})
    assert ok.status_code == 200
    wrong = await api.anonymous.post("/api/auth/login", json={"username": "taskforce_np", "password": "nope"})
    assert wrong.status_code == 401
    assert wrong.json()["detail"] == "Sai tên đăng nhập hoặc mật khẩu."
    unknown = await api.anonymous.english().post("/api/auth/login", json={"username": "nobody", "password": "x"})
    assert unknown.status_code == 401
    assert unknown.json()["detail"] == "Wrong username or password."


async def test_repeated_failures_for_one_username_are_answered_429(api) -> None:
    for _ in range(5):
        response = await api.anonymous.post("/api/auth/login", json={"username": "officer_hn", "password": "bad"})
        assert response.status_code == 401
    blocked = await api.anonymous.post("/api/auth/login", json={"username": "officer_hn", "password": PASSWORD})
    assert blocked.status_code == 429
    assert "thử lại sau" in blocked.json()["detail"]
    assert int(blocked.headers["retry-after"]) > 0
    # Another username from the same address is not blocked yet.
    other = await api.anonymous.post("/api/auth/login", json={"username": "officer_dx", "password": PASSWORD})
    assert other.status_code == 200


async def test_requests_without_a_valid_token_are_401(api) -> None:
    assert (await api.anonymous.get("/api/vendors")).status_code == 401
    garbage = await api.as_user("not-a-token").get("/api/auth/me")
    assert garbage.status_code == 401
    assert garbage.headers["www-authenticate"] == "Bearer"
    expired, _ = issue_token(SECRET, api.world.users["taskforce_np"], 1, dt.timedelta(seconds=-5))
    assert (await api.as_user(expired).get("/api/auth/me")).status_code == 401
    forged, _ = issue_token("another-secret-" + "y" * 40, api.world.users["admin"], 1, dt.timedelta(hours=1))
    assert (await api.as_user(forged).get("/api/auth/me")).status_code == 401


async def test_logout_everywhere_revokes_issued_tokens(api) -> None:
    token = (await api.anonymous.ok("POST", "/api/auth/login", json={"username": "producer_np", "password": PASSWORD}))[
        "access_token"
    ]
    client = api.as_user(token)
    await client.ok("GET", "/api/auth/me")
    await client.ok("POST", "/api/auth/logout", 204)
    assert (await client.get("/api/auth/me")).status_code == 401


async def test_password_change_checks_the_current_one_and_strength(api) -> None:
    wrong = await api.producer.post(
        "/api/auth/password", json={"current_password": "nope", "new_password": "Mat-khau-moi-2026"}
    )
    assert wrong.status_code == 400
    assert wrong.json()["extra"][0]["field"] == "current_password"
    weak = await api.producer.post(
        "/api/auth/password", json={"current_password": PASSWORD, "new_password": "1234567890"}
    )
    assert weak.status_code == 400
    assert {p["field"] for p in weak.json()["extra"]} == {"new_password"}
    await api.producer.ok(
        "POST", "/api/auth/password", 204, json={"current_password": PASSWORD, "new_password": "Mat-khau-moi-2026"}
    )
    # Changing the password signs out existing sessions.
    assert (await api.producer.get("/api/auth/me")).status_code == 401
    ok = await api.anonymous.post("/api/auth/login", json={"username": "producer_np", "password": "Mat-khau-moi-2026"})
    assert ok.status_code == 200


async def test_health_needs_no_token(api) -> None:
    assert await api.anonymous.ok("GET", "/health") == {"status": "ok", "database": "ok"}


async def test_the_page_cookie_does_not_authenticate_api_calls(api) -> None:
    cookie = f"cho_so_session={api.world.tokens['admin']}"
    response = await api.anonymous.get("/api/auth/me", headers={"Cookie": cookie})
    assert response.status_code == 401
