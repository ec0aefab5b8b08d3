"""The economic office's monthly review, on each database: the uptake report for Duy Xuyên with every
commune (zeros included), the drill-down to Nam Phước's vendors, the XLSX and the chart, a target the
report tracks, and a report by the new communes that counts registrations made under the old ones."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl

from tests.tracker.reports.support import backdate, market, row, status, vendors

NEW_COMMUNES = {"20599", "20611", "20623", "20635"}  # Nam Phước, Thu Bồn, Duy Xuyên, Duy Nghĩa (since 2025-07-01)


async def test_the_office_reviews_duy_xuyen(api):
    nam_phuoc = await market(api, "20599", stalls=100, name="Chợ Nam Phước Thử")
    chiem_son = await market(api, "20617", stalls=40, name="Chợ Chiêm Sơn Thử")  # under the former Xã Duy Trinh
    np_vendors = await vendors(api, nam_phuoc["id"], 3)
    old = await vendors(api, chiem_son["id"], 2, taskforce="taskforce_dx")
    await status(api, np_vendors[0]["id"], "qr_issued", "active")
    await status(api, np_vendors[1]["id"], "qr_issued")
    await backdate(api, [v["id"] for v in old], dt.datetime(2024, 5, 10, 3, tzinfo=dt.UTC))

    report = await api.officer.ok("GET", "/api/reports/uptake?area=508")
    assert report["by"] == "unit"
    assert {r["code"] for r in report["rows"]} == NEW_COMMUNES
    assert row(report, "20611")["vendors"] == 0
    assert row(report, "20611")["markets"] == 0
    np = row(report, "20599")
    assert (np["markets"], np["stalls"], np["vendors"], np["with_account"], np["with_poster"], np["active"]) == (
        1,
        100,
        3,
        3,
        2,
        1,
    )
    assert np["active_share"] == 0.01
    assert np["with_poster_share"] == 0.02
    # The 2024 registrations under Xã Duy Trinh count in today's Xã Duy Xuyên.
    assert row(report, "20623")["vendors"] == 2
    for figure in ("markets", "stalls", "vendors", "with_account", "with_poster", "active"):
        assert report["total"][figure] == sum(r[figure] for r in report["rows"]) + report["unassigned"][figure]
    listed = await api.officer.ok("GET", "/api/vendors?area=508")
    assert listed["total"] == report["total"]["vendors"] == 5
    assert (await api.officer.ok("GET", "/api/markets?area=508"))["total"] == report["total"]["markets"]

    drilled = await api.officer.ok("GET", np["drilldown"]["vendors"])
    assert drilled["total"] == np["vendors"]
    assert {v["id"] for v in drilled["items"]} == {v["id"] for v in np_vendors}
    assert (await api.officer.ok("GET", np["drilldown"]["active"]))["total"] == np["active"]
    assert (await api.officer.ok("GET", np["drilldown"]["markets"]))["total"] == np["markets"]

    xlsx = await api.officer.get("/api/reports/uptake?area=508&format=xlsx")
    assert xlsx.status_code == 200
    assert "spreadsheetml" in xlsx.headers["content-type"]
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    assert "area=508" in str(sheet["B1"].value)
    assert sheet.freeze_panes == "A4"
    by_code = {r[0]: r for r in sheet.iter_rows(min_row=4, values_only=True) if r[0]}
    assert by_code["20599"][2:8] == (1, 100, 3, 3, 2, 1)
    assert sheet.cell(row=4, column=12).number_format == "0.0%"

    text = (await api.officer.get("/api/reports/uptake?area=508&format=csv")).content
    assert text.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
    (np_csv,) = [r for r in rows if r[0] == "20599"]
    assert np_csv[1] == "Xã Nam Phước"
    assert [int(x) for x in np_csv[2:8]] == [1, 100, 3, 3, 2, 1]

    png = await api.officer.get("/api/reports/uptake/chart.png?area=508")
    assert png.status_code == 200
    assert png.content.startswith(b"\x89PNG")

    target = await api.officer.ok(
        "POST",
        "/api/targets",
        201,
        json={
            "indicator": "active",
            "measure": "share",
            "value": 0.7,
            "area_code": "20599",
            "market_id": nam_phuoc["id"],
            "deadline": "2026-12-31",
            "legal_basis": "Kế hoạch 125/KH-UBND",
        },
    )
    tracked = await api.officer.ok("GET", "/api/reports/uptake?area=508")
    (progress,) = tracked["targets"]
    assert progress["target_id"] == target["id"]
    assert (progress["actual"], progress["gap"], progress["met"]) == (0.01, 0.69, False)
    assert progress["on_track"] is False

    # The same report by the units in force in mid-2024: the former communes, Duy Trinh holding the two.
    before = await api.officer.ok("GET", "/api/reports/uptake?area=508&on=2024-06-01")
    assert "20617" in {r["code"] for r in before["rows"]}
    assert len(before["rows"]) >= 13
    assert row(before, "20617")["vendors"] == 2
    assert (await api.officer.ok("GET", row(before, "20617")["drilldown"]["vendors"]))["total"] == 2
    # ... and month by month: the two were registered in May 2024.
    trend = await api.officer.ok("GET", "/api/reports/trend?area=508&since=2024-04-01&until=2024-06-30")
    assert [p["vendors"] for p in trend["points"]] == [0, 2, 2]
