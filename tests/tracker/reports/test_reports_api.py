"""Reports by role and area, across a split unit, and the same numbers in JSON, CSV and XLSX."""

from __future__ import annotations

import csv
import io
import warnings
from typing import Any

import openpyxl
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool

from tests.ocop.support import producer_with_product
from tests.support.factories import vendor_payload
from tests.tracker.reports.support import market, row, status, vendors
from tracker.accounts.actor import Actor
from tracker.reports import charts
from tracker.reports.service import ReportService


async def test_scope_follows_the_role_and_area(api):
    np_market = await market(api, "20599")
    await vendors(api, np_market["id"], 2)

    own = await api.taskforce.ok("GET", "/api/reports/uptake")  # a commune's task force: its commune
    assert own["area"]["code"] == "20599"
    assert own["by"] == "market"  # no villages recorded: its markets
    assert [r["market_id"] for r in own["rows"]] == [np_market["id"]]
    assert own["rows"][0]["drilldown"]["vendors"] == f"/api/vendors?market_id={np_market['id']}"
    assert (await api.taskforce.get("/api/reports/uptake?area=508")).status_code == 403
    assert (await api.taskforce_dx.get("/api/reports/uptake?area=20599")).status_code == 403
    assert (await api.officer_hn.get("/api/reports/uptake?area=508")).status_code == 403
    assert (await api.producer.get("/api/reports/uptake")).status_code == 403
    assert (await api.anonymous.get("/api/reports/uptake")).status_code == 401

    province = await api.officer_qn.ok("GET", "/api/reports/uptake?area=49&on=2025-06-30")
    assert province["total"]["vendors"] == 2
    assert row(province, "508")["vendors"] == 2  # the former district, among Quảng Nam's districts
    nationwide = await api.admin.ok("GET", "/api/reports/uptake")
    assert nationwide["area"] is None
    assert len(nationwide["rows"]) == 34  # the provinces since 2025-07-01
    assert nationwide["total"]["vendors"] == 2

    unknown = await api.officer.english().get("/api/reports/uptake?area=99999")
    assert unknown.status_code == 404
    assert unknown.json()["extra"][0]["field"] == "area"
    for bad in ("on=2025-13-01", "by=village", "format=pdf", "area=" + "9" * 30):
        response = await api.officer.get(f"/api/reports/uptake?{bad}")
        assert response.status_code == 400, bad
    period = await api.officer.get("/api/reports/trend?since=2026-05-01&until=2026-01-01")
    assert period.status_code == 400
    assert period.json()["extra"][0]["field"] == "since"


async def test_a_split_unit_is_unassigned_until_its_market_is_placed(api):
    # Phường Ngọc Hà (00016) was split in 2025 between today's Ba Đình and Ngọc Hà (00004, 00008).
    ngoc_ha = await api.admin.ok(
        "POST",
        "/api/markets",
        201,
        json={"name": "Chợ Ngọc Hà", "code": "NHA", "area_code": "00016", "kind": "hang_2", "stall_count": 50},
    )
    for _ in range(2):
        await api.admin.ok("POST", "/api/vendors", 201, json=vendor_payload(ngoc_ha["id"]))
    report = await api.officer_hn.ok("GET", "/api/reports/uptake?area=01")
    assert report["unassigned"]["vendors"] == 2
    assert report["unassigned"]["stalls"] == 50
    assert sum(r["vendors"] for r in report["rows"]) == 0
    assert report["total"]["vendors"] == (await api.officer_hn.ok("GET", "/api/vendors?area=01"))["total"] == 2

    await api.officer_hn.ok("PATCH", f"/api/markets/{ngoc_ha['id']}", json={"area_code": "00008", "version": 1})
    placed = await api.officer_hn.ok("GET", "/api/reports/uptake?area=01")
    assert placed["unassigned"]["vendors"] == 0
    assert row(placed, "00008")["vendors"] == 2
    assert (await api.officer_hn.ok("GET", row(placed, "00008")["drilldown"]["vendors"]))["total"] == 2


def _csv(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def _xlsx(content: bytes) -> list[tuple[Any, ...]]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    assert sheet.freeze_panes == "A4"
    return [r for r in sheet.iter_rows(min_row=4, values_only=True)]


LABEL = object()  # a text column (code, name, week), not compared as a number


def _number(value: Any) -> float | None:
    return None if value in ("", None) else float(value)


async def _same_everywhere(api, url: str, json_rows: list[list[Any]]) -> None:
    """The JSON's figures equal the CSV's and the XLSX's, cell for cell."""
    joiner = "&" if "?" in url else "?"
    csv_rows = _csv((await api.officer.get(f"{url}{joiner}format=csv")).content)[1:]
    xlsx_rows = _xlsx((await api.officer.get(f"{url}{joiner}format=xlsx")).content)
    assert len(csv_rows) == len(xlsx_rows) == len(json_rows)
    for expected, from_csv, from_xlsx in zip(json_rows, csv_rows, xlsx_rows, strict=True):
        for i, value in enumerate(expected):
            if value is not LABEL:
                assert _number(value) == _number(from_csv[i]) == _number(from_xlsx[i]), (expected, from_csv)


UPTAKE = (
    "markets",
    "stalls",
    "vendors",
    "with_account",
    "with_poster",
    "active",
    "vendors_share",
    "with_account_share",
    "with_poster_share",
    "active_share",
)


async def test_every_report_answers_the_same_numbers_in_every_format(api):
    np_market = await market(api, "20599", stalls=30)
    sold = await vendors(api, np_market["id"], 4)
    await status(api, sold[0]["id"], "qr_issued", "active")
    await status(api, sold[1]["id"], "active")  # straight to active: counts as having had its poster
    await producer_with_product(api.taskforce, "20599", stars=4)

    uptake = await api.officer.ok("GET", "/api/reports/uptake?area=508")
    assert row(uptake, "20599")["with_poster"] == 2
    figures = [[r[k] for k in UPTAKE] for r in uptake["rows"]]
    figures += [[uptake[part][k] for k in UPTAKE] for part in ("unassigned", "total")]
    await _same_everywhere(api, "/api/reports/uptake?area=508", [[LABEL, LABEL, *f] for f in figures])
    by_market = await api.officer.ok("GET", "/api/reports/uptake?area=508&by=market")
    assert [r["vendors"] for r in by_market["rows"]] == [4]
    assert by_market["total"] == uptake["total"]

    ocop = await api.officer.ok("GET", "/api/reports/ocop?area=508")
    assert (ocop["total"]["products"], ocop["total"]["certified"], ocop["total"]["live"]) == (1, 1, 0)
    assert ocop["total"]["online_share"] == 0.0
    listed = await api.officer.ok("GET", "/api/ocop/products?area=508&certification=active")
    assert listed["total"] == ocop["total"]["certified"]
    assert (await api.officer.ok("GET", row(ocop, "20599")["drilldown"]))["total"] == 1
    keys = ("producers", "products", "certified", "live", "certified_live", "online_share", "producers_live_shop")
    rows = [[LABEL, LABEL, *[r[k] for k in keys]] for r in ocop["rows"]]
    rows += [[LABEL, LABEL, *[ocop[p][k] for k in keys]] for p in ("unassigned", "total")]
    await _same_everywhere(api, "/api/reports/ocop?area=508", rows)
    assert ocop["funnel"][0]["stage"] == "planned"

    teams = await api.officer.ok("GET", "/api/reports/teams?area=508")
    assert teams["total"]["registrations"] == 4
    assert teams["total"]["posters"] == 1
    keys = ("registrations", "posters", "onboarding_steps")
    rows = [[LABEL, LABEL, LABEL, *[r[k] for k in keys]] for r in teams["rows"]]
    rows.append([LABEL, LABEL, LABEL, *[teams["total"][k] for k in keys]])
    await _same_everywhere(api, "/api/reports/teams?area=508", rows)

    trend = await api.officer.ok("GET", "/api/reports/trend?area=508")
    assert len(trend["points"]) == 13
    now = trend["points"][-1]
    assert (now["vendors"], now["active"], now["with_poster"], now["markets"]) == (4, 2, 2, 1)
    keys = ("markets", "stalls", "vendors", "with_account", "with_poster", "active", "active_share")
    await _same_everywhere(
        api, "/api/reports/trend?area=508", [[LABEL, LABEL, *[p[k] for k in keys]] for p in trend["points"]]
    )

    for path in ("uptake/chart.svg", "trend/chart.svg", "ocop/chart.svg"):
        svg = await api.officer.get(f"/api/reports/{path}?area=508")
        assert svg.status_code == 200
        assert svg.headers["content-type"].startswith("image/svg+xml")
        assert b"<svg" in svg.content
    for path in ("trend/chart.png", "ocop/chart.png"):
        assert (await api.officer.get(f"/api/reports/{path}?area=508")).content.startswith(b"\x89PNG")


async def test_the_service_is_callable_without_http_and_charts_render_vietnamese(api):
    np_market = await market(api, "20599")
    await vendors(api, np_market["id"], 1)
    engine = create_async_engine(api.world.settings.database_url, poolclass=NullPool)
    try:
        async with async_sessionmaker(engine)() as session:
            officer = Actor(api.world.users["officer_dx"], "officer_dx", "officer", api.world.area_ids["508"])
            report = await ReportService(session).uptake(officer, "508")
    finally:
        await engine.dispose()
    assert [r.name for r in report.rows if r.code == "20623"] == ["Xã Duy Xuyên"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph is a warning from matplotlib
        assert charts.uptake_png(report).startswith(b"\x89PNG")
        assert b"<svg" in charts.uptake_svg(report)
