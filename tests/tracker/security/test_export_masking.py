"""Every download, as every role: a full phone number, national ID or bank account number appears only in
what a role that may see it receives (``tracker/accounts/visibility.py``: admins and task forces).

Officers of the economic office receive these masked; producers receive no one else's; reports and the
audit log hold none, for anyone. A value counts as shown when its digits appear in the download, spaces
and dots ignored (posters group account numbers in fours).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import openpyxl
import pytest
from litestar.testing import AsyncTestClient

from tests.conftest import PASSWORD, SECRET, World, reset_to_baseline
from tests.ocop.support import producer_payload
from tests.qr.conftest import decode_image, pdf_text, png_image
from tests.support.api import Api
from tests.support.factories import market_payload, unique_personal_id, vendor_payload
from tests.tracker.imports.sheets import csv_bytes, table, vendor_row
from tracker.accounts.security import issue_token
from tracker.app import create_app

ROLES = ("admin", "officer", "taskforce", "producer")
TOKENS = {"admin": "admin", "officer": "officer_dx", "taskforce": "taskforce_np"}
FULL = frozenset({"admin", "taskforce"})  # the roles that see personal data in full
NOBODY: frozenset[str] = frozenset()
KINDS = ("phone", "personal_id", "account")


def _xlsx_text(content: bytes) -> str:
    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    cells = [str(v) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for v in row if v]
    return "\n".join(cells)


def _pdf_text(content: bytes) -> str:
    return "\n".join(pdf_text(content))


def _zip_text(content: bytes) -> str:
    """The QR payloads of the posters in the archive (the account number travels in the QR code)."""
    archive = zipfile.ZipFile(io.BytesIO(content))
    return "\n".join(text for name in archive.namelist() for text in decode_image(png_image(archive.read(name))))


def _text(content: bytes) -> str:
    return content.decode("utf-8-sig")


@dataclass(frozen=True)
class Export:
    path: str
    # Roles allowed to download it (others get 403), and of those, which see personal data in full.
    allowed: frozenset[str]
    full: frozenset[str]
    read: Callable[[bytes], str] = _text
    # Which personal values it holds for a role that sees them in full (checked, so the test can fail).
    kinds: tuple[str, ...] = KINDS


STAFF = frozenset({"admin", "officer", "taskforce"})
PRINTERS = frozenset({"admin", "taskforce"})
EVERYONE = frozenset(ROLES)

EXPORTS: dict[str, Export] = {
    # The rows as uploaded, with their errors: the uploader's own data, masked for officers.
    "vendor import error file (CSV)": Export("/api/imports/{vendor_import}/errors.csv", STAFF, FULL),
    "vendor import error file (XLSX)": Export("/api/imports/{vendor_import}/errors.xlsx", STAFF, FULL, _xlsx_text),
    "vendor import rows (JSON)": Export("/api/imports/{vendor_import}?limit=200", STAFF, FULL),
    "producer import error file (CSV)": Export(
        "/api/imports/{producer_import}/errors.csv", STAFF, FULL, kinds=("producer_phone", "tax_personal_id")
    ),
    "producer import error file (XLSX)": Export(
        "/api/imports/{producer_import}/errors.xlsx",
        STAFF,
        FULL,
        _xlsx_text,
        kinds=("producer_phone", "tax_personal_id"),
    ),
    "vendor list": Export("/api/vendors?limit=200", STAFF, FULL),
    "vendor": Export("/api/vendors/{vendor}", STAFF, FULL),
    # The issued posters' QR payloads carry the account number.
    "vendor's posters": Export("/api/vendors/{vendor}/posters", STAFF, FULL, kinds=("account",)),
    "producer list": Export(
        "/api/ocop/producers?limit=200", EVERYONE, FULL, kinds=("producer_phone", "tax_personal_id")
    ),
    "audit log": Export("/api/audit?limit=200", frozenset({"admin", "officer"}), NOBODY),
    "vendor poster (PDF)": Export("/api/vendors/{vendor}/poster.pdf", PRINTERS, FULL, _pdf_text, kinds=("account",)),
    "market posters (PDF)": Export("/api/markets/{market}/posters.pdf", PRINTERS, FULL, _pdf_text, kinds=("account",)),
    "market posters (ZIP)": Export("/api/markets/{market}/posters.zip", PRINTERS, FULL, _zip_text, kinds=("account",)),
    "vendor import template": Export("/api/imports/templates/vendors.xlsx", STAFF, NOBODY, _xlsx_text),
}
for _report in ("uptake", "ocop", "teams", "trend"):
    EXPORTS[f"{_report} report (CSV)"] = Export(f"/api/reports/{_report}?area=20599&format=csv", STAFF, NOBODY)
    EXPORTS[f"{_report} report (XLSX)"] = Export(
        f"/api/reports/{_report}?area=20599&format=xlsx", STAFF, NOBODY, _xlsx_text
    )
EXPORTS["uptake report by market (CSV)"] = Export("/api/reports/uptake?area=20599&by=market&format=csv", STAFF, NOBODY)


@dataclass
class Data:
    clients: dict[str, Api]
    ids: dict[str, int]
    # kind → full values that the downloads may hold
    values: dict[str, list[str]]


PRODUCER_HEADERS = ["Tên chủ thể", "Loại hình", "Người đại diện", "Số điện thoại", "Mã số thuế", "Mã xã/phường"]


@pytest.fixture(scope="module")
async def data(world: World) -> AsyncIterator[Data]:
    await reset_to_baseline(world)
    async with AsyncTestClient(create_app(world.settings), base_url="http://testserver.local") as client:
        clients = {role: Api(client, world.tokens[name]) for role, name in TOKENS.items()}
        officer, taskforce = clients["officer"], clients["taskforce"]
        values: dict[str, list[str]] = {k: [] for k in (*KINDS, "producer_phone", "tax_personal_id")}
        market = await officer.ok("POST", "/api/markets", 201, json=market_payload("20599"))
        vendor_id = 0
        for _ in range(2):
            payload = vendor_payload(market["id"], personal_id=unique_personal_id())
            vendor = await taskforce.ok("POST", "/api/vendors", 201, json=payload)
            vendor_id = vendor["id"]
            values["phone"].append(payload["phone"])
            values["personal_id"].append(payload["personal_id"])
            values["account"].append(payload["payment_accounts"][0]["account_number"])
        issued = await taskforce.get(f"/api/vendors/{vendor_id}/poster.png")
        assert issued.status_code == 200, issued.text
        # An import with good rows and failing ones: an unknown bank, and a phone already registered.
        rows = [vendor_row(market["code"], n) for n in range(3)]
        rows.append(vendor_row(market["code"], 3, **{"Ngân hàng (BIN hoặc tên)": "Ngân hàng không có"}))
        rows.append(vendor_row(market["code"], 4, **{"Số điện thoại": values["phone"][0]}))
        for row in rows:
            values["phone"].append(row["Số điện thoại"])
            values["personal_id"].append(row["Số CCCD"])
            values["account"].append(row["Số tài khoản"])
        report = await taskforce.ok(
            "POST",
            "/api/imports/vendors",
            201,
            params={"mode": "valid_only"},
            files={"file": ("tieu-thuong.csv", csv_bytes(*table(rows)))},
        )
        assert report["counts"]["error"] + report["counts"]["duplicate"] >= 1, report
        # Producers: one registered, and an import whose second row fails (an unknown commune).
        producer = producer_payload("20599", kind="ho_kinh_doanh", tax_code=unique_personal_id())
        registered = await taskforce.ok("POST", "/api/ocop/producers", 201, json=producer)
        # The producer role is an account of this producer: it reads its own record.
        account = await clients["admin"].ok(
            "POST",
            "/api/users",
            201,
            json={
                "username": "chu.the.xuat",
                "full_name": producer["representative"],
                "role": "producer",
                "password": PASSWORD,
                "area_code": "20599",
                "producer_id": registered["id"],
            },
        )
        clients["producer"] = Api(client, issue_token(SECRET, account["id"], 1, dt.timedelta(hours=1))[0])
        own = await clients["producer"].ok("GET", "/api/ocop/producers")
        assert [p["id"] for p in own["items"]] == [registered["id"]]
        values["producer_phone"].append(producer["phone"])
        values["tax_personal_id"].append(producer["tax_code"])
        producer_rows = []
        for commune in ("20599", "99999"):
            extra = producer_payload(commune, kind="ho_kinh_doanh", tax_code=unique_personal_id())
            values["producer_phone"].append(extra["phone"])
            values["tax_personal_id"].append(extra["tax_code"])
            producer_rows.append(
                [extra["name"], "Hộ kinh doanh", extra["representative"], extra["phone"], extra["tax_code"], commune]
            )
        producer_report = await taskforce.ok(
            "POST",
            "/api/imports/producers",
            201,
            params={"mode": "valid_only"},
            files={"file": ("chu-the.csv", csv_bytes(PRODUCER_HEADERS, producer_rows))},
        )
        assert producer_report["counts"]["error"] == 1, producer_report
        ids = {
            "market": market["id"],
            "vendor": vendor_id,
            "vendor_import": report["id"],
            "producer_import": producer_report["id"],
        }
        yield Data(clients=clients, ids=ids, values=values)
    await reset_to_baseline(world)


def _shown(text: str, value: str) -> bool:
    return value in text or value in re.sub(r"[ .]", "", text)


@pytest.mark.parametrize("name", sorted(EXPORTS))
async def test_personal_data_in_exports_follows_the_role(data: Data, name: str) -> None:
    export = EXPORTS[name]
    url = export.path.format(**data.ids)
    failures: list[str] = []
    for role in ROLES:
        response = await data.clients[role].get(url)
        if role not in export.allowed:
            if response.status_code != 403:
                failures.append(f"{role}: {response.status_code}, want 403")
            continue
        if response.status_code != 200:
            failures.append(f"{role}: {response.status_code}: {response.text[:200]}")
            continue
        text = export.read(response.content)
        for kind, found in data.values.items():
            shown = [v for v in found if _shown(text, v)]
            if role not in export.full and shown:
                failures.append(f"{role} sees full {kind}: {shown}")
            if role in export.full and kind in export.kinds and not shown:
                failures.append(f"{role} should see the {kind} in full and sees none")
    assert not failures, f"{name}:\n" + "\n".join(failures)


def test_every_download_route_is_in_the_table() -> None:
    """A new route that answers a file (CSV, XLSX, PDF, ZIP) needs an entry here."""
    from tests.tracker.security.test_scope_matrix import app_routes

    files = {path for _, path in app_routes() if re.search(r"\.(csv|xlsx|pdf|zip)\}?$", path)}
    covered = {re.sub(r"\{[a-z_]+\}", "X", e.path.split("?")[0]) for e in EXPORTS.values()}
    templates = {re.sub(r"\{[a-z_]+:[a-z]+\}", "X", p) for p in files}
    assert templates <= covered, sorted(templates - covered)
