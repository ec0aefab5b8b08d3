"""The ``tracker`` command as a new user runs it: migrate, seed (twice), serve."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

TRACKER = [sys.executable, "-m", "tracker.cli"]


def run(args: list[str], env: dict[str, str], timeout: float = 240) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*TRACKER, *args], env=env, capture_output=True, text=True, timeout=timeout, check=False)


@pytest.fixture(scope="module")
def fresh_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    workdir = tmp_path_factory.mktemp("fresh")
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY", "TRACKER_ENV"}}
    env["TRACKER_DATA_DIR"] = str(workdir / "var")
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_upgrade_seed_twice_and_serve(fresh_env: dict[str, str]) -> None:
    upgraded = run(["db", "upgrade"], fresh_env)
    assert upgraded.returncode == 0, upgraded.stderr
    assert (Path(fresh_env["TRACKER_DATA_DIR"]) / "tracker.db").exists()

    first = run(["seed", "--demo"], fresh_env)
    assert first.returncode == 0, first.stderr
    assert "60 tiểu thương" in first.stdout
    for username in ("admin", "canbo.duyxuyen", "tocns.namphuoc", "sanxuat.demo"):
        assert username in first.stdout
    second = run(["seed", "--demo"], fresh_env)
    assert second.returncode == 0
    assert "không thêm gì" in second.stdout

    reloaded = run(["areas", "load"], fresh_env)
    assert reloaded.returncode == 0, reloaded.stderr
    assert "10663" in reloaded.stdout  # successions: the national crosswalk plus the 2025-01-01 merger

    port = free_port()
    server = subprocess.Popen(
        [*TRACKER, "serve", "--port", str(port), "--no-access-log"],
        env=fresh_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
                break
            except httpx.TransportError:
                assert server.poll() is None, server.stdout.read() if server.stdout else ""
                assert time.monotonic() < deadline
                time.sleep(0.3)
        assert health.json() == {"status": "ok", "database": "ok"}
        login = httpx.post(
            f"http://127.0.0.1:{port}/api/auth/login", json={"username": "tocns.namphuoc", "password": "ChoSo@2026"}
        )
        token = login.json()["access_token"]
        vendors = httpx.get(
            f"http://127.0.0.1:{port}/api/vendors",
            params={"q": "nguyen thi", "limit": 200},
            headers={"Authorization": f"Bearer {token}"},
        ).json()
        assert vendors["total"] > 0
        assert all("Nguyễn Thị" in v["full_name"] for v in vendors["items"])
        assert {v["market"]["code"] for v in vendors["items"]} <= {"NP"}  # the Nam Phước task force's area
        docs = httpx.get(f"http://127.0.0.1:{port}/schema")
        assert docs.status_code == 200
        assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in docs.text
        assert "cdn" not in docs.text
        sign_in = httpx.get(f"http://127.0.0.1:{port}/login")
        assert sign_in.status_code == 200
        assert "Đăng nhập" in sign_in.text
    finally:
        server.terminate()
        server.wait(timeout=30)
        output = server.stdout.read() if server.stdout else ""
        if server.stdout:
            server.stdout.close()
    # Where to go next, printed before the server's own lines.
    assert f"http://127.0.0.1:{port}/login" in output


def test_user_create_prompts_nothing_when_given_a_password(fresh_env: dict[str, str]) -> None:
    run(["db", "upgrade"], fresh_env)
    created = run(
        [
            "user",
            "create",
            "--username",
            "canbo.moi",
            "--role",
            "officer",
            "--area",
            "20599",
            "--password",
            "Mat-khau-2026!",
        ],
        fresh_env,
    )
    assert created.returncode == 0, created.stderr
    assert "canbo.moi" in created.stdout
    bad = run(
        ["user", "create", "--username", "x.y", "--role", "officer", "--area", "99999", "--password", "Mat-khau-2026!"],
        fresh_env,
    )
    assert bad.returncode == 1
    assert "area_code" in bad.stderr


def test_production_refuses_to_start_without_a_secret(fresh_env: dict[str, str]) -> None:
    result = run(["db", "upgrade"], {**fresh_env, "TRACKER_ENV": "production"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
