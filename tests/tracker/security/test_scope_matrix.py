"""Every API route, for every role, against a record inside and a record outside the role's area.

The table below has one entry per route of the application (method and path template). An entry says
which status each role gets for a record inside its area and for one outside it, and how to build the
request for either. A route the application has and the table lacks fails the test, and so does an entry
for a route the application no longer has: a new endpoint cannot ship without its scope rules.

Inside is Xã Nam Phước (20599), covered by the officer of the former Huyện Duy Xuyên (508) and by the
Nam Phước task force; outside is Phường Ba Đình in Hà Nội (00004). The producer account owns the
producer registered inside, and none outside. Writes are sent with valid bodies on records made for the
one request, so that 2xx against 403 is the scope decision itself, not a validation or state error.

Where the API answers 404 for a record outside the area, it hides that the record exists: a number
guessed by someone outside the area must not tell them a record stands behind it. The entries say so.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from qr import VietQR, encode
from tests.conftest import PASSWORD, SECRET, World, reset_to_baseline
from tests.ocop.support import certification_payload, product_payload
from tests.support.api import Api
from tests.support.factories import market_payload, unique_account, unique_phone, vendor_payload
from tests.tracker.imports.sheets import csv_bytes, table, vendor_rows
from tracker.accounts.security import hash_password, issue_token
from tracker.app import create_app

ROLES = ("admin", "officer", "taskforce", "producer", "anonymous")
INSIDE, OUTSIDE = "inside", "outside"
AREAS = {INSIDE: "20599", OUTSIDE: "00004"}
# Paths outside these prefixes are web pages; their access rules have their own table.
NON_PAGE_PREFIXES = ("/api", "/health", "/ready", "/schema", "/static", "/favicon")

_n = itertools.count(1)

Ids = dict[str, Any]
Expect = dict[str, tuple[int, int]]


def expect(*, admin: Any, officer: Any, taskforce: Any, producer: Any, anonymous: Any = 401) -> Expect:
    """Status per role: one code for both sides, or ``(inside, outside)``."""
    given = {"admin": admin, "officer": officer, "taskforce": taskforce, "producer": producer, "anonymous": anonymous}
    return {role: code if isinstance(code, tuple) else (code, code) for role, code in given.items()}


def public(code: int = 200) -> Expect:
    return expect(admin=code, officer=code, taskforce=code, producer=code, anonymous=code)


def any_user(code: int = 200) -> Expect:
    return expect(admin=code, officer=code, taskforce=code, producer=code)


# Reports are asked for an area: one outside the actor's own is refused.
REPORT = expect(admin=200, officer=(200, 403), taskforce=(200, 403), producer=403)


# ----- the records each request is made on ---------------------------------------------------------------


@dataclass
class Matrix:
    clients: dict[str, Api]
    admin: Api
    ids: dict[str, Ids]
    world: World
    hashed: str

    async def _post(self, url: str, status: int = 201, **kwargs: Any) -> Any:
        return await self.admin.ok("POST", url, status, **kwargs)

    # Fresh records, made by the admin for one request each.
    async def market(self, side: str) -> Ids:
        market = await self._post("/api/markets", json=market_payload(AREAS[side]))
        return {"market": market["id"], "market_code": market["code"]}

    async def vendor(self, side: str) -> Ids:
        vendor = await self._post("/api/vendors", json=vendor_payload(self.ids[side]["market"]))
        return {"vendor": vendor["id"], "vendor_code": vendor["code"], "account": vendor["payment_accounts"][0]["id"]}

    async def second_account(self, side: str) -> Ids:
        ids = await self.vendor(side)
        vendor = await self._post(
            f"/api/vendors/{ids['vendor']}/payment-accounts",
            200,
            json={"bank_bin": "970415", "account_number": unique_account()},
        )
        second = [a for a in vendor["payment_accounts"] if a["id"] != ids["account"]]
        return {**ids, "account": second[0]["id"]}

    async def poster(self, side: str) -> Ids:
        ids = await self.vendor(side)
        issued = await self.admin.get(f"/api/vendors/{ids['vendor']}/poster.png")
        assert issued.status_code == 200, issued.text
        return {**ids, "poster": int(issued.headers["X-Poster-Ids"])}

    async def producer(self, side: str) -> Ids:
        producer = await self._post("/api/ocop/producers", json=_producer_payload(AREAS[side]))
        return {"producer": producer["id"], "producer_code": producer["code"], "phone_last4": producer["phone"][-4:]}

    async def product(self, side: str) -> Ids:
        product = await self._post("/api/ocop/products", json=product_payload(self.ids[side]["producer"]))
        return {"product": product["id"]}

    async def certification(self, side: str) -> Ids:
        ids = await self.product(side)
        product = await self._post(
            f"/api/ocop/products/{ids['product']}/certifications", 200, json=certification_payload()
        )
        return {**ids, "certification": product["certifications"][0]["id"]}

    async def onboarding(self, side: str) -> Ids:
        ids = await self.product(side)
        record = await self._post("/api/onboardings", json={"platform": "shopee", "product_id": ids["product"]})
        return {**ids, "onboarding": record["id"]}

    async def target(self, side: str) -> Ids:
        target = await self._post("/api/targets", json=_target_payload(AREAS[side]))
        return {"target": target["id"]}

    async def team(self, side: str) -> Ids:
        team = await self._post("/api/teams", json={"name": f"Tổ công tác {next(_n)}", "area_code": AREAS[side]})
        return {"team": team["id"]}

    async def user(self, side: str) -> Ids:
        user = await self._post("/api/users", json=_user_payload(AREAS[side]))
        return {"user": user["id"], "username": user["username"]}

    async def member(self, side: str) -> Ids:
        """The side's user in a new team (a user may belong to several)."""
        ids = {**await self.team(side), "user": self.ids[side]["user"]}
        await self._post(f"/api/teams/{ids['team']}/members", 200, json={"user_id": ids["user"]})
        return ids

    async def platform(self, side: str) -> Ids:
        platform = await self._post("/api/platforms", json=_portal_payload(AREAS[side]))
        return {"platform": platform["id"]}

    async def restore_accounts(self) -> None:
        """Sign-outs and password changes end every token of the user: the baseline comes back after them."""
        engine = create_async_engine(self.world.settings.database_url, poolclass=NullPool)
        async with engine.begin() as conn:
            await conn.execute(text("UPDATE users SET token_version = 1, password_hash = :h"), {"h": self.hashed})
            await conn.execute(text("DELETE FROM login_throttle"))
        await engine.dispose()


def _producer_payload(area_code: str) -> dict[str, Any]:
    return {
        "name": f"Hợp tác xã Ma Trận {next(_n)}",
        "kind": "hop_tac_xa",
        "representative": "Nguyễn Văn Bình",
        "phone": unique_phone(),
        "area_code": area_code,
    }


def _target_payload(area_code: str) -> dict[str, Any]:
    return {
        "indicator": "with_poster",
        "measure": "count",
        "value": 5,
        "area_code": area_code,
        "deadline": "2027-06-30",
    }


def _user_payload(area_code: str, role: str = "taskforce", **extra: Any) -> dict[str, Any]:
    return {
        "username": f"matran.{next(_n)}",
        "full_name": "Trần Văn Ma Trận",
        "role": role,
        "password": PASSWORD,
        "area_code": area_code,
        **extra,
    }


def _portal_payload(area_code: str) -> dict[str, Any]:
    n = next(_n)
    return {
        "key": f"portal_{n}",
        "name": f"Sàn thương mại điện tử địa phương {n}",
        "hosts": [f"san{n}.example.vn"],
        "product_paths": ["/p/<slug>-<itemid>.html"],
        "area_code": area_code,
    }


def _qr_payload() -> str:
    return encode(VietQR(bin="970436", account="0011001234567", amount=50_000, purpose="Mua rau", merchant_name="Hoà"))


# ----- requests ------------------------------------------------------------------------------------------

Build = Callable[[Matrix, str], Awaitable[tuple[str, dict[str, Any]]]]
Body = dict[str, Any] | Callable[[Ids], dict[str, Any]] | None


def req(template: str, *, fresh: str | None = None, json: Body = None, **kwargs: Any) -> Build:
    """A request on the shared records of a side, or on records made for it (``fresh`` names the maker)."""

    async def build(matrix: Matrix, side: str) -> tuple[str, dict[str, Any]]:
        ids: Ids = {**matrix.ids[side], "area": AREAS[side]}
        if fresh is not None:
            ids |= await getattr(matrix, fresh)(side)
        options = dict(kwargs)
        if json is not None:
            options["json"] = json(ids) if callable(json) else json
        return template.format(**ids), options

    return build


def vendor_import() -> Build:
    async def build(matrix: Matrix, side: str) -> tuple[str, dict[str, Any]]:
        # The rows name the inside market; the market parameter says which market the file is for. A dry
        # run checks everything a commit does and saves only the report.
        rows = vendor_rows(matrix.ids[INSIDE]["market_code"], 2)
        content = csv_bytes(*table(rows))
        market = matrix.ids[side]["market_code"]
        return f"/api/imports/vendors?dry_run=true&market={market}", {"files": {"file": ("a.csv", content)}}

    return build


@dataclass(frozen=True)
class Entry:
    codes: Expect
    build: Build
    # False: the route has no record in an area; only the inside request is made.
    area: bool = True
    # A method of Matrix run after each request (to undo a sign-out, say).
    after: str | None = None
    # For a 400 that is the scope decision: the code of the field problem it must carry.
    problem: str | None = None
    # The route shows records wherever they are, by design (the public lookup).
    shows_outside: bool = False


def entry(
    codes: Expect,
    build: Build,
    *,
    area: bool = True,
    after: str | None = None,
    problem: str | None = None,
    shows_outside: bool = False,
) -> Entry:
    return Entry(codes=codes, build=build, area=area, after=after, problem=problem, shows_outside=shows_outside)


def plain(codes: Expect, url: str, **kwargs: Any) -> Entry:
    return Entry(codes=codes, build=req(url, **kwargs), area=False)


# A list's ``area`` filter narrows the actor's scope and never widens it: asking for an area outside one's
# own answers an empty list (200), not a 403. What a list may show is checked by content: no response to
# an officer, a task force or a producer may name a record outside its area (see ``outside_markers``).
LIST = expect(admin=200, officer=200, taskforce=200, producer=403)
LIST_OWN = expect(admin=200, officer=200, taskforce=200, producer=200)
OFFICER_LIST = expect(admin=200, officer=200, taskforce=403, producer=403)
# A record outside one's area answers 404, as an unknown id does: a guessed number does not reveal that
# a record stands behind it (the vendor, market, producer, product, onboarding, team, user, import and
# target services all look records up through the one scope query).
READ = expect(admin=200, officer=(200, 404), taskforce=(200, 404), producer=403)
READ_OWN = expect(admin=200, officer=(200, 404), taskforce=(200, 404), producer=(200, 404))
OFFICER_READ = expect(admin=200, officer=(200, 404), taskforce=403, producer=403)
OFFICER_EDIT = OFFICER_READ
TASKFORCE_EDIT = expect(admin=200, officer=403, taskforce=(200, 404), producer=403)
# Creating names the area in the body: a 403 says the area is outside the actor's.
OFFICER_CREATE = expect(admin=201, officer=(201, 403), taskforce=403, producer=403)
TASKFORCE_CREATE = expect(admin=201, officer=403, taskforce=(201, 403), producer=403)
# Creating under a parent record the actor cannot see answers as for an unknown parent: a 400 naming the
# field (the case checks the field problem's code, so that the 400 is the scope decision).
TASKFORCE_CREATE_UNDER = expect(admin=201, officer=403, taskforce=(201, 400), producer=403)
STAFF_READ = expect(admin=200, officer=(200, 404), taskforce=(200, 404), producer=403)

TABLE: dict[tuple[str, str], Entry] = {
    # ----- health, API documents, static files: open to all -----
    ("GET", "/health"): plain(public(), "/health"),
    ("GET", "/ready"): plain(public(), "/ready"),
    ("GET", "/schema"): plain(public(), "/schema"),
    ("GET", "/schema/openapi.json"): plain(public(), "/schema/openapi.json"),
    ("GET", "/schema/oauth2-redirect.html"): plain(public(), "/schema/oauth2-redirect.html"),
    # Only Swagger UI is served, at /schema itself: every other document path is unknown, for everyone.
    ("GET", "/schema/{path:str}"): plain(public(404), "/schema/redoc"),
    ("GET", "/static/{file_path:path}"): plain(public(), "/static/vendor/swagger-ui/VERSION"),
    # ----- signing in and one's own account -----
    ("POST", "/api/auth/login"): plain(
        public(), "/api/auth/login", json={"username": "officer_dx", "password": PASSWORD}
    ),
    ("GET", "/api/auth/me"): plain(any_user(), "/api/auth/me"),
    ("POST", "/api/auth/logout"): Entry(any_user(204), req("/api/auth/logout"), area=False, after="restore_accounts"),
    ("POST", "/api/auth/password"): Entry(
        any_user(204),
        req("/api/auth/password", json={"current_password": PASSWORD, "new_password": "Mat-khau-moi-2026!"}),
        area=False,
        after="restore_accounts",
    ),
    # ----- users and teams: officers manage them within their area; task forces read teams -----
    ("GET", "/api/users"): entry(OFFICER_LIST, req("/api/users?area={area}")),
    ("POST", "/api/users"): entry(OFFICER_CREATE, req("/api/users", json=lambda i: _user_payload(i["area"]))),
    ("GET", "/api/users/{user_id:int}"): entry(OFFICER_READ, req("/api/users/{user}")),
    ("PATCH", "/api/users/{user_id:int}"): entry(
        OFFICER_EDIT, req("/api/users/{user}", json={"full_name": "Lê Thị Đổi Tên"})
    ),
    ("GET", "/api/teams"): entry(LIST, req("/api/teams")),
    ("POST", "/api/teams"): entry(
        OFFICER_CREATE, req("/api/teams", json=lambda i: {"name": f"Tổ mới {next(_n)}", "area_code": i["area"]})
    ),
    ("GET", "/api/teams/{team_id:int}"): entry(STAFF_READ, req("/api/teams/{team}")),
    ("PATCH", "/api/teams/{team_id:int}"): entry(
        OFFICER_EDIT, req("/api/teams/{team}", fresh="team", json={"name": "Tổ đổi tên"})
    ),
    ("POST", "/api/teams/{team_id:int}/members"): entry(
        OFFICER_EDIT, req("/api/teams/{team}/members", fresh="team", json=lambda i: {"user_id": i["user"]})
    ),
    ("DELETE", "/api/teams/{team_id:int}/members/{user_id:int}"): entry(
        OFFICER_EDIT, req("/api/teams/{team}/members/{user}", fresh="member")
    ),
    # ----- areas: the map is reference data for every user; villages are added by officers -----
    ("GET", "/api/areas"): entry(any_user(), req("/api/areas?parent={area}")),
    ("GET", "/api/areas/{code:str}"): entry(any_user(), req("/api/areas/{area}")),
    ("POST", "/api/areas"): entry(
        OFFICER_CREATE,
        req("/api/areas", json=lambda i: {"parent_code": i["area"], "name": f"Thôn Ma Trận {next(_n)}"}),
    ),
    ("GET", "/api/audit"): entry(OFFICER_LIST, req("/api/audit?area={area}")),
    # ----- markets, vendors, posters -----
    ("GET", "/api/markets"): entry(LIST, req("/api/markets?area={area}")),
    ("POST", "/api/markets"): entry(OFFICER_CREATE, req("/api/markets", json=lambda i: market_payload(i["area"]))),
    ("GET", "/api/markets/{market_id:int}"): entry(READ, req("/api/markets/{market}")),
    ("PATCH", "/api/markets/{market_id:int}"): entry(
        OFFICER_EDIT, req("/api/markets/{market}", fresh="market", json={"version": 1, "stall_count": 120})
    ),
    ("GET", "/api/markets/{market_id:int}/posters.pdf"): entry(
        TASKFORCE_EDIT, req("/api/markets/{market}/posters.pdf")
    ),
    ("GET", "/api/markets/{market_id:int}/posters.zip"): entry(
        TASKFORCE_EDIT, req("/api/markets/{market}/posters.zip")
    ),
    ("GET", "/api/vendors"): entry(LIST, req("/api/vendors?area={area}")),
    ("POST", "/api/vendors"): entry(TASKFORCE_CREATE, req("/api/vendors", json=lambda i: vendor_payload(i["market"]))),
    ("GET", "/api/vendors/reference"): plain(LIST, "/api/vendors/reference"),
    ("GET", "/api/vendors/{vendor_id:int}"): entry(READ, req("/api/vendors/{vendor}")),
    ("PATCH", "/api/vendors/{vendor_id:int}"): entry(
        TASKFORCE_EDIT, req("/api/vendors/{vendor}", fresh="vendor", json={"version": 1, "stall": "C9"})
    ),
    ("POST", "/api/vendors/{vendor_id:int}/deactivate"): entry(
        TASKFORCE_EDIT, req("/api/vendors/{vendor}/deactivate", fresh="vendor", json={"reason": "Nghỉ bán"})
    ),
    ("GET", "/api/vendors/{vendor_id:int}/history"): entry(READ, req("/api/vendors/{vendor}/history")),
    ("POST", "/api/vendors/{vendor_id:int}/payment-accounts"): entry(
        TASKFORCE_EDIT,
        req(
            "/api/vendors/{vendor}/payment-accounts",
            fresh="vendor",
            json=lambda i: {"bank_bin": "970415", "account_number": unique_account()},
        ),
    ),
    ("DELETE", "/api/vendors/{vendor_id:int}/payment-accounts/{account_id:int}"): entry(
        TASKFORCE_EDIT, req("/api/vendors/{vendor}/payment-accounts/{account}", fresh="second_account")
    ),
    ("GET", "/api/vendors/{vendor_id:int}/poster.pdf"): entry(TASKFORCE_EDIT, req("/api/vendors/{vendor}/poster.pdf")),
    ("GET", "/api/vendors/{vendor_id:int}/poster.png"): entry(TASKFORCE_EDIT, req("/api/vendors/{vendor}/poster.png")),
    ("GET", "/api/vendors/{vendor_id:int}/posters"): entry(READ, req("/api/vendors/{vendor}/posters")),
    ("POST", "/api/vendors/{vendor_id:int}/posters/{poster_id:int}/posted"): entry(
        TASKFORCE_EDIT, req("/api/vendors/{vendor}/posters/{poster}/posted", fresh="poster")
    ),
    ("POST", "/api/vendors/{vendor_id:int}/status"): entry(
        TASKFORCE_EDIT, req("/api/vendors/{vendor}/status", fresh="vendor", json={"status": "qr_issued"})
    ),
    ("POST", "/api/vendors/{vendor_id:int}/withdraw-consent"): entry(
        TASKFORCE_EDIT,
        req("/api/vendors/{vendor}/withdraw-consent", fresh="vendor", json={"reason": "Không muốn lưu"}),
    ),
    ("GET", "/api/qr/banks"): plain(LIST, "/api/qr/banks"),
    ("POST", "/api/qr/decode"): plain(LIST, "/api/qr/decode", json={"payload": _qr_payload()}),
    # ----- spreadsheet imports -----
    ("GET", "/api/imports"): entry(LIST, req("/api/imports")),
    # A template carries the actor's own reference lists (its markets), so an officer may download one.
    ("GET", "/api/imports/templates/{file_name:str}"): plain(LIST, "/api/imports/templates/vendors.xlsx"),
    ("GET", "/api/imports/{import_id:int}"): entry(READ, req("/api/imports/{import}")),
    ("GET", "/api/imports/{import_id:int}/errors.csv"): entry(READ, req("/api/imports/{import}/errors.csv")),
    ("GET", "/api/imports/{import_id:int}/errors.xlsx"): entry(READ, req("/api/imports/{import}/errors.xlsx")),
    ("POST", "/api/imports/{kind:str}"): entry(TASKFORCE_CREATE, vendor_import()),
    # ----- OCOP producers and products: a producer account reads its own -----
    ("GET", "/api/ocop/producers"): entry(LIST_OWN, req("/api/ocop/producers?area={area}")),
    ("POST", "/api/ocop/producers"): entry(
        TASKFORCE_CREATE, req("/api/ocop/producers", json=lambda i: _producer_payload(i["area"]))
    ),
    ("GET", "/api/ocop/producers/{producer_id:int}"): entry(READ_OWN, req("/api/ocop/producers/{producer}")),
    ("PATCH", "/api/ocop/producers/{producer_id:int}"): entry(
        TASKFORCE_EDIT,
        req("/api/ocop/producers/{producer}", fresh="producer", json={"version": 1, "address": "Thôn Mới"}),
    ),
    ("POST", "/api/ocop/producers/{producer_id:int}/withdraw-consent"): entry(
        TASKFORCE_EDIT,
        req("/api/ocop/producers/{producer}/withdraw-consent", fresh="producer", json={"reason": "Không muốn lưu"}),
    ),
    ("GET", "/api/ocop/products"): entry(LIST_OWN, req("/api/ocop/products?area={area}")),
    ("POST", "/api/ocop/products"): entry(
        TASKFORCE_CREATE_UNDER,
        req("/api/ocop/products", json=lambda i: product_payload(i["producer"])),
        problem="unknown_producer",
    ),
    ("GET", "/api/ocop/products/{product_id:int}"): entry(READ_OWN, req("/api/ocop/products/{product}")),
    ("PATCH", "/api/ocop/products/{product_id:int}"): entry(
        TASKFORCE_EDIT,
        req("/api/ocop/products/{product}", fresh="product", json={"version": 1, "description": "Mô tả mới"}),
    ),
    ("GET", "/api/ocop/products/{product_id:int}/certifications"): entry(
        READ_OWN, req("/api/ocop/products/{product}/certifications")
    ),
    ("POST", "/api/ocop/products/{product_id:int}/certifications"): entry(
        TASKFORCE_EDIT,
        req("/api/ocop/products/{product}/certifications", fresh="product", json=lambda i: certification_payload()),
    ),
    ("POST", "/api/ocop/products/{product_id:int}/certifications/{certification_id:int}/revoke"): entry(
        TASKFORCE_EDIT,
        req(
            "/api/ocop/products/{product}/certifications/{certification}/revoke",
            fresh="certification",
            json={"reason": "Quyết định thu hồi"},
        ),
    ),
    ("GET", "/api/ocop/reference"): plain(any_user(), "/api/ocop/reference"),
    # ----- e-commerce platforms and onboardings -----
    # Platforms are reference data (the national marketplaces and every province's portal) for all users.
    ("GET", "/api/platforms"): plain(LIST_OWN, "/api/platforms"),
    ("POST", "/api/platforms"): entry(OFFICER_CREATE, req("/api/platforms", json=lambda i: _portal_payload(i["area"]))),
    ("GET", "/api/platforms/{platform_id:int}"): entry(LIST_OWN, req("/api/platforms/{platform}")),
    ("PATCH", "/api/platforms/{platform_id:int}"): entry(
        expect(admin=200, officer=(200, 403), taskforce=403, producer=403),
        req("/api/platforms/{platform}", fresh="platform", json={"version": 1, "name": "Sàn đổi tên"}),
    ),
    ("GET", "/api/onboardings"): entry(LIST_OWN, req("/api/onboardings?area={area}")),
    ("POST", "/api/onboardings"): entry(
        TASKFORCE_CREATE_UNDER,
        req("/api/onboardings", fresh="product", json=lambda i: {"platform": "shopee", "product_id": i["product"]}),
        problem="unknown_product",
    ),
    ("GET", "/api/onboardings/reference"): plain(LIST_OWN, "/api/onboardings/reference"),
    ("GET", "/api/onboardings/overview"): entry(READ_OWN, req("/api/onboardings/overview?producer_id={producer}")),
    ("GET", "/api/onboardings/{onboarding_id:int}"): entry(READ_OWN, req("/api/onboardings/{onboarding}")),
    ("PATCH", "/api/onboardings/{onboarding_id:int}"): entry(
        TASKFORCE_EDIT, req("/api/onboardings/{onboarding}", fresh="onboarding", json={"version": 1, "note": "Ghi chú"})
    ),
    ("POST", "/api/onboardings/{onboarding_id:int}/stage"): entry(
        TASKFORCE_EDIT,
        req("/api/onboardings/{onboarding}/stage", fresh="onboarding", json={"stage": "account_created"}),
    ),
    ("GET", "/api/onboardings/{onboarding_id:int}/history"): entry(
        READ_OWN, req("/api/onboardings/{onboarding}/history")
    ),
    # The record has no listing address yet: a 409 says the area check passed and the check itself could
    # not run (no network is used), while a record outside the area is hidden (404).
    ("POST", "/api/onboardings/{onboarding_id:int}/check"): entry(
        expect(admin=409, officer=(409, 404), taskforce=(409, 404), producer=403),
        req("/api/onboardings/{onboarding}/check"),
    ),
    ("GET", "/api/onboardings/{onboarding_id:int}/checks"): entry(
        READ_OWN, req("/api/onboardings/{onboarding}/checks")
    ),
    # The public lookup answers anyone who holds a product's code and its producer's last four phone
    # digits, wherever the product is: it shows what the poster already shows.
    ("GET", "/api/public/products/{code:str}/status"): entry(
        public(), req("/api/public/products/{product_code}/status?phone_last4={phone_last4}"), shows_outside=True
    ),
    # ----- reports and targets: an area outside one's own is refused -----
    ("GET", "/api/reports/uptake"): entry(REPORT, req("/api/reports/uptake?area={area}")),
    ("GET", "/api/reports/uptake/chart.png"): entry(REPORT, req("/api/reports/uptake/chart.png?area={area}")),
    ("GET", "/api/reports/uptake/chart.svg"): entry(REPORT, req("/api/reports/uptake/chart.svg?area={area}")),
    ("GET", "/api/reports/ocop"): entry(REPORT, req("/api/reports/ocop?area={area}")),
    ("GET", "/api/reports/ocop/chart.png"): entry(REPORT, req("/api/reports/ocop/chart.png?area={area}")),
    ("GET", "/api/reports/ocop/chart.svg"): entry(REPORT, req("/api/reports/ocop/chart.svg?area={area}")),
    ("GET", "/api/reports/teams"): entry(REPORT, req("/api/reports/teams?area={area}")),
    ("GET", "/api/reports/trend"): entry(REPORT, req("/api/reports/trend?area={area}")),
    ("GET", "/api/reports/trend/chart.png"): entry(REPORT, req("/api/reports/trend/chart.png?area={area}")),
    ("GET", "/api/reports/trend/chart.svg"): entry(REPORT, req("/api/reports/trend/chart.svg?area={area}")),
    ("GET", "/api/targets"): entry(LIST, req("/api/targets?area={area}")),
    ("POST", "/api/targets"): entry(OFFICER_CREATE, req("/api/targets", json=lambda i: _target_payload(i["area"]))),
    ("GET", "/api/targets/{target_id:int}"): entry(READ, req("/api/targets/{target}")),
    ("GET", "/api/targets/{target_id:int}/progress"): entry(READ, req("/api/targets/{target}/progress")),
    ("PATCH", "/api/targets/{target_id:int}"): entry(
        OFFICER_EDIT, req("/api/targets/{target}", fresh="target", json={"version": 1, "value": 7})
    ),
    ("DELETE", "/api/targets/{target_id:int}"): entry(
        expect(admin=204, officer=(204, 404), taskforce=403, producer=403), req("/api/targets/{target}", fresh="target")
    ),
}


def app_routes() -> set[tuple[str, str]]:
    """Every (method, path template) of the application that is not a web page."""
    from tracker.settings import Settings

    app = create_app(Settings(database_url="sqlite+aiosqlite:///:memory:", secret_key=SECRET))
    found: set[tuple[str, str]] = set()
    for route in app.routes:
        if not route.path.startswith(NON_PAGE_PREFIXES):
            continue
        for method in getattr(route, "methods", ()):
            if method not in {"OPTIONS", "HEAD"}:
                found.add((method, route.path))
    return found


def test_every_route_has_scope_rules() -> None:
    routes = app_routes()
    missing = sorted(routes - set(TABLE))
    stale = sorted(set(TABLE) - routes)
    assert not missing, f"routes without scope rules in the table: {missing}"
    assert not stale, f"table entries for routes the application no longer has: {stale}"


# ----- running the matrix --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
async def matrix(world: World) -> AsyncIterator[Matrix]:
    await reset_to_baseline(world)
    app = create_app(world.settings)
    async with AsyncTestClient(app, base_url="http://testserver.local") as client:
        admin = Api(client, world.tokens["admin"])
        shared: dict[str, Ids] = {}
        probe = Matrix(clients={}, admin=admin, ids=shared, world=world, hashed="")
        for side, area in AREAS.items():
            shared[side] = {"area": area}
            shared[side] |= await probe.market(side)
            shared[side] |= await probe.vendor(side)
            shared[side] |= await probe.producer(side)
            shared[side] |= await probe.certification(side)
            product = await admin.ok("GET", f"/api/ocop/products/{shared[side]['product']}")
            shared[side]["product_code"] = product["code"]
            record = await admin.ok(
                "POST", "/api/onboardings", 201, json={"platform": "shopee", "product_id": shared[side]["product"]}
            )
            shared[side]["onboarding"] = record["id"]
            shared[side] |= await probe.target(side)
            shared[side] |= await probe.user(side)
            shared[side] |= await probe.member(side)
            shared[side] |= await probe.platform(side)
        # An import uploaded by each side's task force; the Hà Nội market for the outside one.
        imported: dict[str, int] = {}
        for side, uploader in ((INSIDE, "taskforce_np"), (OUTSIDE, "taskforce_hn")):
            rows = vendor_rows(shared[side]["market_code"], 2)
            rows[1]["Số điện thoại"] = "12"  # one failing row, so that the error files have content
            report = await Api(client, world.tokens[uploader]).ok(
                "POST",
                "/api/imports/vendors?dry_run=true",
                201,
                files={"file": ("a.csv", csv_bytes(*table(rows)))},
            )
            imported[side] = report["id"]
        for side in AREAS:
            shared[side]["import"] = imported[side]
        producer_user = await admin.ok(
            "POST",
            "/api/users",
            201,
            json=_user_payload(AREAS[INSIDE], role="producer", producer_id=shared[INSIDE]["producer"]),
        )
        producer_token = issue_token(SECRET, producer_user["id"], 1, dt.timedelta(hours=6))[0]
        clients = {
            "admin": admin,
            "officer": Api(client, world.tokens["officer_dx"]),
            "taskforce": Api(client, world.tokens["taskforce_np"]),
            "producer": Api(client, producer_token),
            "anonymous": Api(client),
        }
        built = Matrix(
            clients=clients,
            admin=admin,
            ids=shared,
            world=world,
            hashed=hash_password(PASSWORD),
        )
        await built.restore_accounts()
        yield built
    await reset_to_baseline(world)


def _case_id(route: tuple[str, str]) -> str:
    return f"{route[0]} {route[1]}"


def outside_markers(matrix: Matrix) -> list[str]:
    """Codes and names that only the records outside the area carry."""
    ids = matrix.ids[OUTSIDE]
    return [str(ids[key]) for key in ("market_code", "vendor_code", "producer_code", "product_code", "username")]


TEXT_TYPES = ("application/json", "text/", "image/svg")


@pytest.mark.parametrize("route", sorted(TABLE), ids=_case_id)
async def test_scope(matrix: Matrix, route: tuple[str, str]) -> None:
    rule = TABLE[route]
    markers = outside_markers(matrix)
    failures: list[str] = []
    for role in ROLES:
        for index, side in enumerate((INSIDE, OUTSIDE) if rule.area else (INSIDE,)):
            url, options = await rule.build(matrix, side)
            response = await matrix.clients[role].request(route[0], url, **options)
            wanted = rule.codes[role][index]
            said = f"{role:9} {side:7} {route[0]} {url} → {response.status_code}"
            if response.status_code != wanted:
                failures.append(f"{said}, want {wanted}: {response.text[:200]}")
            elif response.status_code == 400:
                codes = [p["code"] for p in response.json()["extra"]]
                if rule.problem not in codes:
                    failures.append(f"{said} without the field problem {rule.problem}: {response.text[:200]}")
            elif (
                response.is_success
                and role != "admin"
                and not rule.shows_outside
                and response.headers.get("content-type", "").startswith(TEXT_TYPES)
            ):
                # Whole codes only: an inside record's "CT00015" is not the outside market's "T00015".
                leaked = [
                    m for m in markers if re.search(rf"(?<![0-9A-Za-z]){re.escape(m)}(?![0-9A-Za-z])", response.text)
                ]
                if leaked:
                    failures.append(f"{said} shows records outside the area: {leaked}")
            if rule.after:
                await getattr(matrix, rule.after)()
    assert not failures, "\n".join(failures)
