"""The officer dashboard: figures of one's own area, drill-down, targets, charts, exports and watch lists."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import openpyxl
from sqlalchemy import update
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from tests.conftest import Clients
from tests.ocop.support import certification_payload, producer_with_product
from tests.tracker.reports.support import market, status, vendors
from tests.web.office import figure, pages
from tracker.lib import clock
from tracker.onboarding.models import Onboarding

SHOPEE_ITEM = "https://shopee.vn/Banh-trang-i.90210555.2301774411"


async def _duy_xuyen(api: Clients) -> dict[str, dict[str, Any]]:
    """Two markets of Duy Xuyên with vendors (one taking transfers), and one in Hà Nội."""
    nam_phuoc = await market(api, "20599", stalls=40)
    duy_xuyen = await market(api, "20623", stalls=60)
    first, *_ = await vendors(api, nam_phuoc["id"], 3)
    await vendors(api, duy_xuyen["id"], 2, taskforce="taskforce_dx")
    await status(api, first["id"], "active")
    ha_noi = await api.officer_hn.ok("POST", "/api/markets", 201, json={**_hn_market()})
    await vendors(api, ha_noi["id"], 4, taskforce="taskforce_hn")
    return {"nam_phuoc": nam_phuoc, "duy_xuyen": duy_xuyen, "ha_noi": ha_noi}


def _hn_market() -> dict[str, Any]:
    from tests.support.factories import market_payload

    return market_payload("00004", stall_count=50)


async def test_the_officer_sees_the_figures_of_its_area_as_the_report_gives_them(api: Clients) -> None:
    places = await _duy_xuyen(api)
    officer = pages(api, "officer_dx")
    response = await officer.get("/dashboard")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    report = await api.officer.ok("GET", "/api/reports/uptake")
    assert figure(html, "vendors") == report["total"]["vendors"] == 5
    assert figure(html, "active") == report["total"]["active"] == 1
    assert figure(html, "with_account") == report["total"]["with_account"]
    assert figure(html, "with_poster") == report["total"]["with_poster"]
    assert "Duy Xuyên" in html
    # The Hà Nội market is not counted, nor shown.
    assert places["ha_noi"]["name"] not in html
    # Each child unit leads one level down and to the vendor list of the vendor pages.
    assert 'href="/dashboard?area=20599"' in html
    assert 'href="/vendors?area=20599"' in html
    assert 'href="/vendors?area=20599&amp;status=active"' in html  # the vendors it counts as taking transfers

    # One level down: Xã Nam Phước, its markets, with the way back to Duy Xuyên.
    down = await officer.get("/dashboard", params={"area": "20599", "by": "market"})
    assert down.status_code == 200, down.text
    assert figure(down.text, "vendors") == 3
    assert places["nam_phuoc"]["name"] in down.text
    assert places["duy_xuyen"]["name"] not in down.text
    assert f'href="/vendors?market_id={places["nam_phuoc"]["id"]}"' in down.text
    assert 'href="/dashboard?area=508"' in down.text  # the breadcrumb back to the officer's own area

    # The Hà Nội officer sees Hà Nội only.
    hn = await pages(api, "officer_hn").get("/dashboard")
    assert figure(hn.text, "vendors") == 4


async def test_an_area_outside_ones_own_is_refused(api: Clients) -> None:
    officer = pages(api, "officer_dx")
    for url in ("/dashboard", "/dashboard/uptake.csv", "/dashboard/uptake.xlsx", "/dashboard/uptake.png"):
        response = await officer.get(url, params={"area": "00004"})
        assert response.status_code == 403, (url, response.status_code)
    refused = await officer.get("/dashboard", params={"area": "00004"})
    assert "ngoài phạm vi" in refused.text
    unknown = await officer.get("/dashboard", params={"area": "99999999"})
    assert unknown.status_code == 404
    bad = await officer.get("/dashboard", params={"by": "street"})
    assert bad.status_code == 400
    assert "by" in bad.text


async def test_task_forces_and_producers_cannot_open_the_dashboard(api: Clients) -> None:
    for username in ("taskforce_np", "producer_np"):
        client = pages(api, username)
        for url in ("/dashboard", "/dashboard/uptake.csv", "/dashboard/ocop.xlsx", "/dashboard/ocop.png"):
            response = await client.get(url)
            assert response.status_code == 403, (username, url, response.status_code)
    anonymous = await api.anonymous.client.get("/dashboard", headers={"Accept": "text/html"}, follow_redirects=False)
    assert anonymous.status_code in (302, 303)
    assert anonymous.headers["location"].startswith("/login")


async def test_exports_give_the_numbers_of_the_json_report(api: Clients) -> None:
    await _duy_xuyen(api)
    officer = pages(api, "officer_dx")
    report = await api.officer.ok("GET", "/api/reports/uptake")

    csv_response = await officer.get("/dashboard/uptake.csv")
    assert csv_response.status_code == 200
    assert csv_response.headers["content-type"].startswith("text/csv")
    assert 'filename="uptake.csv"' in csv_response.headers["content-disposition"]
    text = csv_response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "Mã / Code"
    total = rows[-1]
    assert total[1] == "Tổng cộng / Total"
    assert [int(v) for v in total[2:8]] == [
        report["total"][k] for k in ("markets", "stalls", "vendors", "with_account", "with_poster", "active")
    ]
    by_code = {r[0]: r for r in rows[1:-2]}
    for row in report["rows"]:
        assert int(by_code[row["code"]][4]) == row["vendors"]
    # The API's own CSV is the same file.
    assert (await api.officer.get("/api/reports/uptake", params={"format": "csv"})).content == csv_response.content

    xlsx = await officer.get("/dashboard/uptake.xlsx", params={"area": "20599", "by": "market"})
    assert xlsx.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    values = [[c.value for c in r] for r in sheet.iter_rows()]
    assert values[0][:2] == ["Bộ lọc / Filters", "area=20599; by=market"]
    total_row = next(r for r in values if r[1] == "Tổng cộng / Total")
    assert total_row[4] == 3  # vendors registered in Nam Phước

    # Aggregates only: no vendor's name or phone is in the files.
    vendor = (await api.officer.ok("GET", "/api/vendors"))["items"][0]
    assert vendor["full_name"] not in text

    ocop = await officer.get("/dashboard/ocop.csv")
    assert ocop.status_code == 200
    ocop_xlsx = await officer.get("/dashboard/ocop.xlsx")
    assert [s.title for s in openpyxl.load_workbook(io.BytesIO(ocop_xlsx.content)).worksheets][:2] == [
        "Theo đơn vị - By unit",
        "Theo sàn - By platform",
    ]


async def test_charts_and_targets(api: Clients) -> None:
    await _duy_xuyen(api)
    deadline = (clock.today() + dt.timedelta(days=200)).isoformat()
    target = await api.officer.ok(
        "POST",
        "/api/targets",
        201,
        json={"indicator": "vendors", "measure": "count", "value": 10, "area_code": "508", "deadline": deadline},
    )
    officer = pages(api, "officer_dx")
    html = (await officer.get("/dashboard")).text
    assert f'data-target="{target["id"]}"' in html
    assert "Tiểu thương đã đăng ký" in html
    assert 'src="/dashboard/uptake.png?by=unit"' in html
    chart = await officer.get("/dashboard/uptake.png")
    assert chart.status_code == 200
    assert chart.headers["content-type"] == "image/png"
    assert chart.content.startswith(b"\x89PNG")
    ocop_chart = await officer.get("/dashboard/ocop.png", params={"area": "20599"})
    assert ocop_chart.content.startswith(b"\x89PNG")


async def test_broken_listings_and_certificates_running_out(api: Clients) -> None:
    producer, product = await producer_with_product(api.taskforce)
    _, soon = await producer_with_product(api.taskforce, stars=None)
    _, gone = await producer_with_product(api.taskforce, stars=None)
    _, fine = await producer_with_product(api.taskforce)
    today = clock.today()
    await api.taskforce.ok(
        "POST",
        f"/api/ocop/products/{soon['id']}/certifications",
        json=certification_payload(
            stars=3, score=60, decision_date=(today - dt.timedelta(days=365 * 3 - 40)).isoformat()
        ),
    )
    await api.taskforce.ok(
        "POST",
        f"/api/ocop/products/{gone['id']}/certifications",
        json=certification_payload(
            stars=3, score=60, decision_date=(today - dt.timedelta(days=365 * 3 + 20)).isoformat()
        ),
    )
    listing = await api.taskforce.ok(
        "POST",
        "/api/onboardings",
        201,
        json={"platform": "shopee", "product_id": product["id"], "stage": "listing_live", "listing_url": SHOPEE_ITEM},
    )
    # The nightly check found the listing gone.
    engine = create_async_engine(api.world.settings.database_url, poolclass=NullPool)
    async with engine.begin() as conn:
        await conn.execute(
            update(Onboarding)
            .where(Onboarding.id == listing["id"])
            .values(
                broken=True, broken_since=clock.now(), checked_at=clock.now(), check_verdict="broken", check_status=404
            )
        )
    await engine.dispose()

    html = (await pages(api, "officer_dx").get("/dashboard")).text
    assert f'data-onboarding="{listing["id"]}"' in html
    assert product["name"] in html
    assert "Hỏng: không còn sản phẩm" in html
    assert "tổ công nghệ số sẽ kiểm tra" in html
    assert figure(html, "expiring") == 1
    assert figure(html, "expired") == 1
    assert f'data-product="{soon["id"]}"' in html
    assert f'data-product="{gone["id"]}"' in html
    assert f'data-product="{fine["id"]}"' not in html
    assert "Đã hết hạn" in html
    # The OCOP report counts the same broken listing and certificate.
    ocop = await api.officer.ok("GET", "/api/reports/ocop")
    assert (ocop["broken_listings"], ocop["expiring_90_days"]) == (1, 1)
    # Outside the area: none of it.
    hn = (await pages(api, "officer_hn").get("/dashboard")).text
    assert f'data-onboarding="{listing["id"]}"' not in hn
    assert figure(hn, "expiring") == 0
    assert producer["name"] not in hn


async def test_the_page_speaks_english_on_request(api: Clients) -> None:
    officer = pages(api, "officer_dx")
    english = await officer.get(
        "/dashboard",
        headers={"Accept-Language": "en", "Cookie": f"cho_so_session={api.world.tokens['officer_dx']}; lang=en"},
    )
    assert english.status_code == 200
    assert "Vendors registered" in english.text
    assert "Tiểu thương đã đăng ký" not in english.text


async def test_the_uptake_chart_is_drawn_for_at_most_forty_rows(api: Clients) -> None:
    for _ in range(41):
        await market(api, "20599", stalls=10)
    officer = pages(api, "officer_dx")
    by_market = await officer.get("/dashboard", params={"area": "20599", "by": "market"})
    assert by_market.status_code == 200
    assert "/dashboard/uptake.png" not in by_market.text
    chart = await officer.get("/dashboard/uptake.png", params={"area": "20599", "by": "market"})
    assert chart.status_code == 400
    assert "tối đa 40 dòng" in chart.text
    by_unit = await officer.get("/dashboard/uptake.png")
    assert by_unit.status_code == 200


async def test_an_admin_sees_the_country_and_drills_into_any_area(api: Clients) -> None:
    await _duy_xuyen(api)
    admin = pages(api, "admin")
    country = await admin.get("/dashboard")
    assert country.status_code == 200
    assert "Bảng theo dõi: Toàn quốc" in country.text
    assert figure(country.text, "vendors") == (await api.admin.ok("GET", "/api/reports/uptake"))["total"]["vendors"]
    assert figure(country.text, "vendors") == 9
    # English once the switch was used (its cookie); a browser's Accept-Language alone keeps Vietnamese.
    assert "Toàn quốc" in (await admin.get("/dashboard", headers={"Accept-Language": "en"})).text
    english = await admin.get("/dashboard", headers={"Cookie": f"cho_so_session={api.world.tokens['admin']}; lang=en"})
    assert "Dashboard: Nationwide" in english.text
    commune = await admin.get("/dashboard", params={"area": "20599"})
    assert figure(commune.text, "vendors") == 3
    assert 'href="/dashboard">Toàn quốc</a>' in commune.text  # the way back up
