"""``tracker seed --demo`` writes Duy Xuyên's history with its own dates, leaving the audit chain intact,
and ``tracker report`` turns it into the office's files."""

from __future__ import annotations

import asyncio
import csv
import io
import json

import openpyxl
import pytest

from tests.conftest import SECRET
from tests.support.pg_cluster import PgCluster
from tracker import cli


@pytest.fixture(params=["sqlite", "postgres"])
def demo_url(request: pytest.FixtureRequest, tmp_path, monkeypatch) -> str:
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}"
    else:
        cluster: PgCluster | None = request.getfixturevalue("pg_cluster")
        if cluster is None:
            pytest.skip("PostgreSQL is not available on this machine")
        url = cluster.create_database("reports_demo")
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("SECRET_KEY", SECRET)
    monkeypatch.setenv("TRACKER_DATA_DIR", str(tmp_path))
    return url


async def test_demo_history_keeps_the_audit_chain_and_reports(demo_url, tmp_path, capsys):
    assert await asyncio.to_thread(cli.main, ["db", "upgrade"]) == 0
    assert await asyncio.to_thread(cli.main, ["seed", "--demo"]) == 0
    assert "Chỉ tiêu / targets: 4" in capsys.readouterr().out
    assert await asyncio.to_thread(cli.main, ["audit", "verify"]) == 0
    assert "audit chain intact" in capsys.readouterr().out

    out = tmp_path / "uptake.json"
    args = ["report", "uptake", "--area", "508", "--format", "json", "-o", str(out), "--as", "canbo.duyxuyen"]
    assert await asyncio.to_thread(cli.main, args) == 0
    report = json.loads(out.read_text())
    assert report["total"]["vendors"] == 60
    assert {r["code"] for r in report["rows"]} == {"20599", "20611", "20623", "20635"}
    (np_target,) = [t for t in report["targets"] if t["market_id"] is not None]
    assert np_target["monthly_pace"] > 0  # the last weeks' activation at Chợ Nam Phước
    assert np_target["legal_basis"].startswith("Kế hoạch")

    xlsx = tmp_path / "uptake.xlsx"
    assert await asyncio.to_thread(cli.main, ["report", "uptake", "--area", "508", "-o", str(xlsx)]) == 0
    sheet = openpyxl.load_workbook(xlsx).worksheets[0]
    total = next(r for r in sheet.iter_rows(min_row=4, values_only=True) if r[1] and "Tổng" in r[1])
    assert total[2:8] == tuple(
        report["total"][k] for k in ("markets", "stalls", "vendors", "with_account", "with_poster", "active")
    )

    trend = tmp_path / "trend.csv"
    args = ["report", "trend", "--area", "508", "--since", "2024-01-01", "--until", "2025-12-31", "--format", "csv"]
    assert await asyncio.to_thread(cli.main, [*args, "-o", str(trend)]) == 0
    rows = list(csv.reader(io.StringIO(trend.read_bytes().decode("utf-8-sig"))))[1:]
    registered = [int(r[4]) for r in rows]
    assert registered[0] == 0
    assert registered == sorted(registered)  # nobody deactivated: registrations only grow
    assert int(rows[-1][2]) == 4  # the four markets, open since early 2024

    denied = ["report", "uptake", "--area", "01", "--as", "tocns.namphuoc", "-o", str(tmp_path / "x.xlsx")]
    assert await asyncio.to_thread(cli.main, denied) == 2
