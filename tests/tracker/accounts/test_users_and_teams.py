from __future__ import annotations

from tests.conftest import PASSWORD


def new_user(username: str, role: str = "taskforce", area: str | None = "20599", **extra: object) -> dict:
    return {
        "username": username,
        "full_name": "Phan Thị Mỹ Lệ",
        "role": role,
        "password": "Cho-so-2026!",
        "area_code": area,
        **extra,
    }


async def test_officer_creates_users_only_within_its_area(api) -> None:
    created = await api.officer.ok(
        "POST", "/api/users", 201, json=new_user("tf.moi", phone="+84905111333", team_id=api.world.teams["team_np"])
    )
    assert (created["role"], created["area"]["code"], created["phone"]) == ("taskforce", "20599", "0905111333")
    assert [t["id"] for t in created["teams"]] == [api.world.teams["team_np"]]
    outside = await api.officer.post("/api/users", json=new_user("tf.hanoi", area="00004"))
    assert outside.status_code == 403
    admin = await api.officer.post("/api/users", json=new_user("boss", role="admin", area=None))
    assert admin.status_code == 403
    login = await api.anonymous.post("/api/auth/login", json={"username": "tf.moi", "password": "Cho-so-2026!"})
    assert login.status_code == 200


async def test_user_input_errors_are_named_and_nothing_is_saved(api) -> None:
    bad = await api.officer.english().post(
        "/api/users", json=new_user("x y", phone="12345", password="short", area="99999")
    )
    assert bad.status_code == 400
    assert bad.json()["extra"][0]["field"] == "username"  # shape errors come first
    bad = await api.officer.post(
        "/api/users", json=new_user("nguoi.moi", phone="12345", password="short", area="99999")
    )
    assert bad.status_code == 400
    fields = {p["field"] for p in bad.json()["extra"]}
    assert fields == {"password", "phone", "area_code"}
    assert (await api.officer.ok("GET", "/api/users", params={"q": "nguoi.moi"}))["total"] == 0
    taken = await api.officer.post("/api/users", json=new_user("taskforce_np"))
    assert taken.status_code == 409
    assert taken.json()["extra"][0]["field"] == "username"
    unknown = await api.officer.post("/api/users", json={**new_user("z.z"), "colour": "red"})
    assert unknown.status_code == 400
    assert unknown.json()["extra"][0] == {
        "field": "colour",
        "code": "unknown_field",
        "message": "Trường này không được hỗ trợ.",
    }


async def test_user_lists_are_scoped_and_hide_admins_from_officers(api) -> None:
    names = {u["username"] for u in (await api.officer.ok("GET", "/api/users", params={"limit": 200}))["items"]}
    assert {"officer_dx", "taskforce_np", "taskforce_dx", "producer_np"} <= names
    assert not names & {"admin", "taskforce_hn", "officer_hn"}
    everyone = await api.admin.ok("GET", "/api/users", params={"limit": 200})
    assert everyone["total"] == len(api.world.users)
    hidden = await api.officer.get(f"/api/users/{api.world.users['taskforce_hn']}")
    assert hidden.status_code == 404
    assert (await api.taskforce.get("/api/users")).status_code == 403


async def test_deactivating_a_user_ends_its_sessions(api) -> None:
    user_id = api.world.users["taskforce_dx"]
    assert (await api.taskforce_dx.get("/api/auth/me")).status_code == 200
    updated = await api.officer.ok("PATCH", f"/api/users/{user_id}", json={"active": False})
    assert updated["active"] is False
    assert (await api.taskforce_dx.get("/api/auth/me")).status_code == 401
    login = await api.anonymous.post("/api/auth/login", json={"username": "taskforce_dx", "password": PASSWORD})
    assert login.status_code == 401
    promote = await api.officer.patch(f"/api/users/{user_id}", json={"role": "admin"})
    assert promote.status_code == 403


async def test_teams(api) -> None:
    team = await api.officer.ok("POST", "/api/teams", 201, json={"name": "Tổ Duy Vinh", "area_code": "20599"})
    assert (team["area"]["code"], team["members"]) == ("20599", [])
    with_member = await api.officer.ok(
        "POST", f"/api/teams/{team['id']}/members", json={"user_id": api.world.users["taskforce_np"]}
    )
    assert [m["username"] for m in with_member["members"]] == ["taskforce_np"]
    other_area = await api.officer.post(
        f"/api/teams/{team['id']}/members", json={"user_id": api.world.users["taskforce_dx"]}
    )
    assert other_area.status_code == 400
    removed = await api.officer.ok("DELETE", f"/api/teams/{team['id']}/members/{api.world.users['taskforce_np']}")
    assert removed["members"] == []
    assert (await api.taskforce.post("/api/teams", json={"name": "X", "area_code": "20599"})).status_code == 403
    assert (await api.officer_hn.get(f"/api/teams/{team['id']}")).status_code == 404
    listed = await api.taskforce.ok("GET", "/api/teams", params={"q": "duy vinh"})
    assert [t["id"] for t in listed["items"]] == [team["id"]]


async def test_producer_accounts_do_not_read_teams(api) -> None:
    """Teams list an area's staff (names, user names, roles); a producer account is not staff."""
    team_id = api.world.teams["team_np"]
    assert (await api.taskforce.ok("GET", f"/api/teams/{team_id}"))["id"] == team_id
    listed = await api.producer.ok("GET", "/api/teams", 403)
    assert listed["detail"] == "Vai trò của bạn không được phép thực hiện thao tác này."
    await api.producer.ok("GET", f"/api/teams/{team_id}", 403)


async def test_user_create_cli(settings, clean, capsys) -> None:
    from tracker.accounts.commands import create_user

    code = await create_user(
        settings, username="tf.cli", role="taskforce", area="20599", password="Cli-mat-khau-2026", as_user="officer_dx"
    )
    assert code == 0
    assert "tf.cli" in capsys.readouterr().out
    refused = await create_user(
        settings, username="tf.cli2", role="taskforce", area="00004", password="Cli-mat-khau-2026", as_user="officer_dx"
    )
    assert refused == 1
    assert "ngoài địa bàn" in capsys.readouterr().err
    weak = await create_user(settings, username="tf.cli3", role="taskforce", area="20599", password="123")
    assert weak == 1
