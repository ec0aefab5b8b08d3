"""The pages against the real application: one ``tracker serve`` process on 127.0.0.1 with a fresh SQLite
file (migrated and ``tracker seed --demo``-ed), driven over HTTP by httpx and by a real headless Chromium.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Playwright

TRACKER = [sys.executable, "-m", "tracker.cli"]
DEMO_PASSWORD = "ChoSo@2026"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screens"
PHONE = {"width": 360, "height": 800}
DESKTOP = {"width": 1280, "height": 800}
_skipped_browser: list[str] = []


@dataclass(frozen=True)
class WebServer:
    base_url: str
    env: dict[str, str]
    secret_key: str


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run([*TRACKER, *args], env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, f"tracker {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"


@pytest.fixture(scope="session")
def web_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebServer]:
    workdir = tmp_path_factory.mktemp("web")
    secret = "web-test-secret-" + "s" * 40
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "TRACKER_ENV", "TRACKER_DEBUG"}}
    env.update(
        {
            "DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'tracker.db'}",
            "SECRET_KEY": secret,
            "TRACKER_DATA_DIR": str(workdir / "var"),
        }
    )
    _run(["db", "upgrade"], env)
    _run(["seed", "--demo"], env)
    port = _free_port()
    log = (workdir / "server.log").open("w")
    process = subprocess.Popen(
        [*TRACKER, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, (workdir / "server.log").read_text()
            try:
                if httpx.get(f"{base_url}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the server did not start within 60 s"
            time.sleep(0.2)
        yield WebServer(base_url=base_url, env=env, secret_key=secret)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture
def client(web_server: WebServer) -> Iterator[httpx.Client]:
    """A browser-like HTTP client with its own cookie jar."""
    with httpx.Client(base_url=web_server.base_url, timeout=30, follow_redirects=False) as http:
        yield http


CSRF_INPUT = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


def csrf_of(html: str) -> str:
    match = CSRF_INPUT.search(html)
    assert match, "the page has no form token"
    return match.group(1)


def sign_in(http: httpx.Client, username: str, password: str = DEMO_PASSWORD, next_path: str = "/") -> httpx.Response:
    form = http.get("/login")
    assert form.status_code == 200
    return http.post(
        "/login",
        data={"csrf_token": csrf_of(form.text), "username": username, "password": password, "next": next_path},
    )


@pytest.fixture
def signed_in(client: httpx.Client) -> Callable[[str], httpx.Client]:
    def as_user(username: str) -> httpx.Client:
        answer = sign_in(client, username)
        assert answer.status_code == 303, answer.text
        return client

    return as_user


# ----- the browser ------------------------------------------------------------------------------------


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _skipped_browser:
        terminalreporter.write_line(
            f"!!! Browser tests SKIPPED: {_skipped_browser[0]} (install Debian chromium; under CI this fails)",
            red=True,
            bold=True,
        )


# Module scope: the sync API keeps an event loop running in the main thread while it is started, which
# would stop later asyncio tests of the same run; it is stopped after each browser test module.
@pytest.fixture(scope="module")
def playwright_instance() -> Iterator[Playwright]:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        reason = f"{CHROMIUM} is missing"
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is required when CI is set: {reason}")
        _skipped_browser.append(reason)
        print(f"\n!!! BROWSER TESTS SKIPPED: {reason} (install Debian chromium)", file=sys.stderr)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="module")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    chromium = playwright_instance.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    try:
        yield chromium
    finally:
        chromium.close()


@pytest.fixture
def new_page(browser: Browser, web_server: WebServer) -> Iterator[Callable[[], Page]]:
    """Fresh pages (own cookies) on a phone-sized viewport; closed after the test."""
    contexts = []

    def make() -> Page:
        context = browser.new_context(base_url=web_server.base_url, viewport=PHONE, locale="vi-VN")
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def browser_sign_in(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(lambda url: "/login" not in url)


@pytest.fixture
def logged_in_page(new_page: Callable[[], Page]) -> Callable[[str], Page]:
    """``logged_in_page("tocns.namphuoc")``: a phone-sized page signed in through the sign-in form."""

    def make(username: str) -> Page:
        page = new_page()
        browser_sign_in(page, username)
        return page

    return make


def screenshot(page: Page, name: str) -> list[Path]:
    """Full-page PNGs of the current page at phone (360×800) and desktop (1280×800) widths."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    original = page.viewport_size or PHONE
    paths = []
    for label, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        path = SCREENS / f"{name}-{label}.png"
        page.screenshot(path=str(path), full_page=True)
        paths.append(path)
    page.set_viewport_size(original)
    return paths


# ----- vendors ----------------------------------------------------------------------------------------

_unique = iter(range(10_000))


def vendor_form(**changes: str) -> dict[str, str]:
    """A valid registration at Chợ Nam Phước (the demo task force tocns.namphuoc's market)."""
    n = next(_unique)
    form = {
        "full_name": f"Trần Thị Thử {n}",
        "phone": f"09{os.getpid() % 100:02d}{n:06d}",
        "market_id": "1",
        "stall": f"T-{n}",
        "goods_category": "rau_cu_qua",
        "bank_bin": "970436",
        "account_number": f"99{os.getpid() % 1000:03d}{n:07d}",
        "consent": "on",
    }
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


def register_vendor(http: httpx.Client, **changes: str) -> int:
    """Registers through the page's form; answers the new vendor's id."""
    token = csrf_of(http.get("/vendors/new").text)
    answer = http.post("/vendors/new", data={"csrf_token": token, **vendor_form(**changes)})
    assert answer.status_code == 303, answer.text
    match = re.match(r"^/vendors/(\d+)\?registered=1$", answer.headers["location"])
    assert match, answer.headers["location"]
    return int(match.group(1))


VENDOR_LINK = re.compile(r'href="/vendors/(\d+)"')


def vendor_ids_on(html: str) -> list[int]:
    return [int(i) for i in VENDOR_LINK.findall(html)]
