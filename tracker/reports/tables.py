"""Reports as plain tables (title, columns, rows): what the CSV and XLSX files and the charts are made of.

Every figure comes from the report object itself, so the files show the same numbers as the JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tracker.reports.schemas import OcopReport, TeamsReport, TrendReport, UptakeFigures, UptakeReport

UNASSIGNED = "Chưa phân bổ được / Unassigned"
TOTAL = "Tổng cộng / Total"


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    percent: bool = False
    width: int = 14


@dataclass
class Table:
    title: str
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)


UPTAKE_COLUMNS = [
    Column("code", "Mã / Code", width=12),
    Column("name", "Tên / Name", width=32),
    Column("markets", "Số chợ / Markets", width=10),
    Column("stalls", "Số quầy / Stalls", width=10),
    Column("vendors", "Tiểu thương đăng ký / Vendors registered"),
    Column("with_account", "Có tài khoản / With account"),
    Column("with_poster", "Đã cấp áp phích QR / QR poster issued"),
    Column("active", "Đang nhận chuyển khoản / Active"),
    Column("vendors_share", "% quầy đăng ký / % stalls registered", percent=True),
    Column("with_account_share", "% quầy có tài khoản / % stalls with account", percent=True),
    Column("with_poster_share", "% quầy có áp phích / % stalls with poster", percent=True),
    Column("active_share", "% quầy đang nhận / % stalls active", percent=True),
    Column("drilldown", "Danh sách / List", width=40),
]


def _figures_row(code: str, name: str, f: UptakeFigures, drill: str = "") -> list[Any]:
    return [code, name] + [getattr(f, c.key) for c in UPTAKE_COLUMNS[2:-1]] + [drill]


def uptake_tables(report: UptakeReport) -> list[Table]:
    by = "Theo đơn vị / By unit" if report.by == "unit" else "Theo chợ / By market"
    main = Table(by, UPTAKE_COLUMNS)
    for row in report.rows:
        main.rows.append(_figures_row(row.code, row.name, row, row.drilldown.vendors))
    main.rows.append(_figures_row("", UNASSIGNED, report.unassigned))
    main.rows.append(_figures_row("", TOTAL, report.total))
    return [main, targets_table(report.targets)]


def targets_table(targets: list[Any]) -> Table:
    table = Table(
        "Chỉ tiêu / Targets",
        [
            Column("label", "Chỉ tiêu / Indicator", width=40),
            Column("area_code", "Địa bàn / Area", width=10),
            Column("market_id", "Chợ / Market", width=8),
            Column("value", "Mục tiêu / Target"),
            Column("actual", "Thực hiện / Actual"),
            Column("gap", "Còn thiếu / Gap"),
            Column("monthly_pace", "Tốc độ/tháng / Pace per month"),
            Column("deadline", "Hạn / Deadline", width=12),
            Column("on_track", "Đúng tiến độ / On track", width=10),
            Column("legal_basis", "Căn cứ / Legal basis", width=30),
        ],
    )
    for t in targets:
        table.rows.append([getattr(t, c.key) for c in table.columns])
    return table


def ocop_tables(report: OcopReport) -> list[Table]:
    columns = [
        Column("code", "Mã / Code", width=12),
        Column("name", "Tên / Name", width=32),
        Column("producers", "Chủ thể / Producers"),
        Column("products", "Sản phẩm / Products"),
        Column("certified", "Còn hiệu lực chứng nhận / Certified"),
        Column("live", "Đang bán trên sàn / Live"),
        Column("certified_live", "Chứng nhận và đang bán / Certified and live"),
        Column("online_share", "% sản phẩm OCOP trực tuyến / % certified online", percent=True),
        Column("producers_live_shop", "Chủ thể có gian hàng / Producers with a shop"),
    ]
    main = Table("Theo đơn vị / By unit", columns)
    for row in report.rows:
        main.rows.append([getattr(row, c.key) for c in columns])
    for label, figures in ((UNASSIGNED, report.unassigned), (TOTAL, report.total)):
        main.rows.append(["", label] + [getattr(figures, c.key) for c in columns[2:]])
    platforms = Table(
        "Theo sàn / By platform",
        [
            Column("platform", "Sàn / Platform", width=16),
            Column("name", "Tên / Name", width=30),
            Column("live", "Đang bán / Live"),
        ],
        [[p.platform, p.name, p.live] for p in report.platforms],
    )
    funnel = Table(
        "Các bước / Funnel",
        [
            Column("stage", "Bước / Stage", width=20),
            Column("label", "Tên / Name", width=30),
            Column("count", "Số hồ sơ / Records"),
        ],
        [[s.stage, s.label, s.count] for s in report.funnel],
    )
    summary = Table(
        "Tóm tắt / Summary",
        [Column("figure", "Chỉ số / Figure", width=50), Column("value", "Giá trị / Value")],
        [
            ["Số ngày trung vị từ dự kiến đến đang bán / Median days planned → live", report.median_days_to_live],
            ["Liên kết hỏng / Broken listings", report.broken_listings],
            ["Chứng nhận hết hạn trong 90 ngày / Certificates expiring within 90 days", report.expiring_90_days],
        ],
    )
    return [main, platforms, funnel, summary, targets_table(report.targets)]


TEAM_COLUMNS = [
    Column("week", "Tuần (thứ Hai) / Week (Monday)", width=14),
    Column("team", "Tổ / Team", width=36),
    Column("member", "Thành viên / Member", width=24),
    Column("registrations", "Đăng ký / Registrations"),
    Column("posters", "Áp phích / Posters"),
    Column("onboarding_steps", "Bước lên sàn / Onboarding steps"),
]


def teams_tables(report: TeamsReport) -> list[Table]:
    members = Table("Theo thành viên / By member", TEAM_COLUMNS)
    members.rows = [[getattr(r, c.key) for c in TEAM_COLUMNS] for r in report.rows]
    members.rows.append(["", TOTAL, ""] + [getattr(report.total, c.key) for c in TEAM_COLUMNS[3:]])
    teams = Table("Theo tổ / By team", TEAM_COLUMNS)
    teams.rows = [[getattr(r, c.key) for c in TEAM_COLUMNS] for r in report.teams]
    return [members, teams]


TREND_COLUMNS = [
    Column("month", "Tháng / Month", width=10),
    Column("as_of", "Tính đến / As of", width=12),
    Column("markets", "Số chợ / Markets", width=10),
    Column("stalls", "Số quầy / Stalls", width=10),
    Column("vendors", "Tiểu thương đăng ký / Vendors registered"),
    Column("with_account", "Có tài khoản / With account"),
    Column("with_poster", "Đã cấp áp phích QR / QR poster issued"),
    Column("active", "Đang nhận chuyển khoản / Active"),
    Column("active_share", "% quầy đang nhận / % stalls active", percent=True),
    Column("certified", "Sản phẩm OCOP có chứng nhận / Certified products"),
    Column("live_products", "Sản phẩm đang bán / Live products"),
]


def trend_tables(report: TrendReport) -> list[Table]:
    return [
        Table(
            "Theo tháng / By month", TREND_COLUMNS, [[getattr(p, c.key) for c in TREND_COLUMNS] for p in report.points]
        )
    ]


def tables_of(report: Any) -> list[Table]:
    if isinstance(report, UptakeReport):
        return uptake_tables(report)
    if isinstance(report, OcopReport):
        return ocop_tables(report)
    if isinstance(report, TeamsReport):
        return teams_tables(report)
    if isinstance(report, TrendReport):
        return trend_tables(report)
    raise TypeError(type(report).__name__)
