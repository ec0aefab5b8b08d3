"""Who may open each page: one table of every page route, checked against the running app.

Adding a page route without a line here fails ``test_every_page_route_has_a_rule``. Each rule names the
roles that may open the page (admins always may) and what a user sees of a record outside its area.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import httpx
import pytest

from tests.web.conftest import DEMO_PASSWORD, WebServer, csrf_of, register_vendor, sign_in, vendor_ids_on
from tracker.app import create_app
from tracker.settings import Settings
from tracker.web.errors import is_page_path

OFFICER, TASKFORCE, PRODUCER = "officer", "taskforce", "producer"
SIGNED_IN = frozenset({OFFICER, TASKFORCE, PRODUCER})
DEMO_USERS = {
    "admin": "admin",
    OFFICER: "canbo.duyxuyen",
    TASKFORCE: "tocns.namphuoc",
    PRODUCER: "sanxuat.demo",
}
FRAMEWORK_METHODS = {"HEAD", "OPTIONS"}
# Files that pages offer for download (reports, templates and error files).
DOWNLOADS = ("text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@dataclass(frozen=True)
class PageRule:
    roles: frozenset[str]  # who may open it besides admins; empty and public: anyone, signed in or not
    public: bool = False  # opens without signing in
    sample: str | None = None  # a concrete path to open; None: the route's own path
    # The answer to tocns.namphuoc for the same page of a record outside Nam Phước (``sample`` with
    # ``{vendor_outside}`` for ``{vendor_in_area}``); None when the page shows no single record.
    outside_area: int | None = None


PAGE_RULES: dict[tuple[str, str], PageRule] = {
    ("GET", "/"): PageRule(SIGNED_IN),
    ("GET", "/login"): PageRule(frozenset(), public=True),
    ("POST", "/login"): PageRule(frozenset(), public=True),
    ("POST", "/logout"): PageRule(SIGNED_IN),
    ("GET", "/lang/{code:str}"): PageRule(frozenset(), public=True, sample="/lang/vi"),
    # Vendors: the task force and the economic office, each within its area (lists are filtered by it).
    ("GET", "/vendors"): PageRule(frozenset({OFFICER, TASKFORCE})),
    ("GET", "/vendors/new"): PageRule(frozenset({TASKFORCE})),
    ("POST", "/vendors/new"): PageRule(frozenset({TASKFORCE})),
    ("GET", "/vendors/{vendor_id:int}"): PageRule(
        frozenset({OFFICER, TASKFORCE}), sample="/vendors/{vendor_in_area}", outside_area=404
    ),
    ("GET", "/vendors/{vendor_id:int}/poster.png"): PageRule(
        frozenset({TASKFORCE}), sample="/vendors/{vendor_in_area}/poster.png", outside_area=404
    ),
    ("GET", "/vendors/{vendor_id:int}/poster.pdf"): PageRule(
        frozenset({TASKFORCE}), sample="/vendors/{vendor_in_area}/poster.pdf", outside_area=404
    ),
    ("POST", "/vendors/{vendor_id:int}/posted"): PageRule(
        frozenset({TASKFORCE}), sample="/vendors/{vendor_in_area}/posted", outside_area=404
    ),
    ("POST", "/vendors/{vendor_id:int}/status"): PageRule(
        frozenset({TASKFORCE}), sample="/vendors/{vendor_in_area}/status", outside_area=404
    ),
    # The economic office's dashboard: its own area by default; ?area= outside it → 403 (tests/web/test_dashboard.py).
    ("GET", "/dashboard"): PageRule(frozenset({OFFICER})),
    ("GET", "/dashboard/uptake.png"): PageRule(frozenset({OFFICER})),
    ("GET", "/dashboard/ocop.png"): PageRule(frozenset({OFFICER})),
    ("GET", "/dashboard/uptake.csv"): PageRule(frozenset({OFFICER})),
    ("GET", "/dashboard/uptake.xlsx"): PageRule(frozenset({OFFICER})),
    ("GET", "/dashboard/ocop.csv"): PageRule(frozenset({OFFICER})),
    ("GET", "/dashboard/ocop.xlsx"): PageRule(frozenset({OFFICER})),
    # Imports: the kinds one's role may import; imports of other areas (and not one's own) → 404
    # (tests/web/test_import_page.py).
    ("GET", "/imports"): PageRule(frozenset({OFFICER, TASKFORCE})),
    ("POST", "/imports"): PageRule(frozenset({OFFICER, TASKFORCE})),
    ("GET", "/imports/templates/{file_name:str}"): PageRule(
        frozenset({OFFICER, TASKFORCE}),
        sample="/imports/templates/markets.xlsx",
    ),
    ("GET", "/imports/{import_id:int}"): PageRule(frozenset({OFFICER, TASKFORCE}), sample="/imports/{import_in_area}"),
    ("GET", "/imports/{import_id:int}/errors.xlsx"): PageRule(
        frozenset({OFFICER, TASKFORCE}), sample="/imports/{import_in_area}/errors.xlsx"
    ),
    ("GET", "/imports/{import_id:int}/errors.csv"): PageRule(
        frozenset({OFFICER, TASKFORCE}), sample="/imports/{import_in_area}/errors.csv"
    ),
    # A producer's own products only (tests/web/test_producer_pages.py).
    ("GET", "/my/products"): PageRule(frozenset({PRODUCER})),
}


def page_routes() -> set[tuple[str, str]]:
    app = create_app(Settings(database_url="sqlite+aiosqlite:///:memory:", secret_key="k" * 40))
    found: set[tuple[str, str]] = set()
    for route in app.routes:
        if not is_page_path(route.path) or route.path.startswith("/static"):
            continue
        for method in getattr(route, "methods", set()):
            if method not in FRAMEWORK_METHODS:
                found.add((method, route.path))
    return found


def test_every_page_route_has_a_rule() -> None:
    routes = page_routes()
    missing = sorted(routes - PAGE_RULES.keys())
    assert not missing, f"page routes without a line in PAGE_RULES: {missing}"
    stale = sorted(PAGE_RULES.keys() - routes)
    assert not stale, f"PAGE_RULES lines for routes that no longer exist: {stale}"


def _concrete(path: str, rule: PageRule, samples: dict[str, str]) -> str:
    target = rule.sample or path
    target = target.format(**samples) if "{" in target and not re.search(r"\{\w+:\w+\}", target) else target
    assert not re.search(r"\{\w+:\w+\}", target), f"{path}: give the rule a sample path"
    return target


@pytest.fixture(scope="module")
def samples(web_server: WebServer) -> dict[str, str]:
    """Values for the sample paths' placeholders: a vendor of Nam Phước registered here, and one of
    Duy Trinh (outside tocns.namphuoc's area) from the demo data."""
    with httpx.Client(base_url=web_server.base_url, timeout=30) as http:
        assert sign_in(http, "tocns.namphuoc").status_code == 303
        inside = register_vendor(http)
    with httpx.Client(base_url=web_server.base_url, timeout=30) as http:
        assert sign_in(http, "tocns.duytrinh").status_code == 303
        outside = vendor_ids_on(http.get("/vendors").text)[0]
    return {
        "vendor_in_area": str(inside),
        "vendor_outside": str(outside),
        "import_in_area": str(_dry_run_import(web_server)),
    }


def _dry_run_import(web_server: WebServer) -> int:
    """A dry run of a markets file by the Duy Xuyên officer (through the API): an import within its area."""
    with httpx.Client(base_url=web_server.base_url, timeout=60) as http:
        login = http.post("/api/auth/login", json={"username": DEMO_USERS[OFFICER], "password": DEMO_PASSWORD})
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        sheet = "Tên chợ,Mã xã/phường,Loại chợ,Số sạp/quầy\r\nChợ Mẫu Phạm Vi,20599,Chợ hạng 3,10\r\n".encode()
        answer = http.post(
            "/api/imports/markets",
            params={"dry_run": "true"},
            files={"file": ("cho.csv", sheet, "text/csv")},
            headers=headers,
        )
        assert answer.status_code == 201, answer.text
        return int(answer.json()["id"])


@pytest.mark.parametrize(("method", "path"), sorted(PAGE_RULES))
def test_anonymous_users_are_sent_to_sign_in(
    client: httpx.Client, samples: dict[str, str], method: str, path: str
) -> None:
    rule = PAGE_RULES[(method, path)]
    target = _concrete(path, rule, samples)
    if method == "GET":
        answer = client.get(target)
        if rule.public:
            assert answer.status_code in (200, 303)
            assert not answer.headers.get("location", "").startswith("/login?next=")
        else:
            assert answer.status_code == 303
            assert answer.headers["location"].startswith("/login?next=")
    else:
        token = csrf_of(client.get("/login").text)
        answer = client.post(target, data={"csrf_token": token})
        if rule.public:
            assert answer.status_code < 500
            assert not answer.headers.get("location", "").startswith("/login?next=")
        else:
            assert answer.status_code == 303
            assert answer.headers["location"].startswith("/login?next=")


def role_cases() -> list[tuple[str, str, str]]:
    """Every signed-in role against every page that is not public; admins' writes are exercised by the
    pages' own tests (here they would change data)."""
    return [
        (method, path, role)
        for (method, path), rule in sorted(PAGE_RULES.items())
        for role in sorted(DEMO_USERS)
        if not rule.public and not (role == "admin" and method != "GET")
    ]


@pytest.mark.parametrize(("method", "path", "role"), role_cases())
def test_roles_open_only_their_pages(
    signed_in: Callable[[str], httpx.Client],
    samples: dict[str, str],
    method: str,
    path: str,
    role: str,
) -> None:
    rule = PAGE_RULES[(method, path)]
    http = signed_in(DEMO_USERS[role])
    target = _concrete(path, rule, samples)
    allowed = role == "admin" or role in rule.roles
    if method == "GET":
        answer = http.get(target)
        assert answer.status_code == (200 if allowed else 403), (role, target, answer.status_code)
        assert answer.headers["content-type"].startswith(("text/html", "image/", "application/pdf", *DOWNLOADS))
    else:
        # A valid form token and no other field: a role that may not is refused before anything is read;
        # one that may gets past the guards (to the page's own answer about the missing fields).
        answer = http.post(target, data={"csrf_token": csrf_of(http.get("/").text)})
        if allowed:
            assert answer.status_code not in (401, 403), (role, target, answer.status_code)
        else:
            assert answer.status_code == 403, (role, target, answer.status_code)


@pytest.mark.parametrize(
    ("method", "path"), sorted(key for key, rule in PAGE_RULES.items() if rule.outside_area is not None)
)
def test_records_outside_the_area_are_not_shown(
    signed_in: Callable[[str], httpx.Client], samples: dict[str, str], method: str, path: str
) -> None:
    rule = PAGE_RULES[(method, path)]
    assert rule.sample
    assert "{vendor_in_area}" in rule.sample
    target = rule.sample.format(vendor_in_area=samples["vendor_outside"])
    http = signed_in("tocns.namphuoc")
    if method == "GET":
        answer = http.get(target)
    else:
        answer = http.post(target, data={"csrf_token": csrf_of(http.get("/").text), "status": "active"})
    assert answer.status_code == rule.outside_area, (target, answer.status_code)
    assert answer.headers["content-type"].startswith("text/html")
    assert "Không tìm thấy" in answer.text
