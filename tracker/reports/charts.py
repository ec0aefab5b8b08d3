"""Charts of the reports as PNG or SVG (matplotlib's Agg backend, no display, no pyplot state).

DejaVu Sans, shipped with matplotlib, covers Vietnamese (ơ, ư, đ and the stacked tone marks), so the
unit names render as written.
"""

from __future__ import annotations

import io
from typing import Literal

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from tracker.reports.schemas import OcopReport, TargetProgress, TrendReport, UptakeReport

ChartFormat = Literal["png", "svg"]
MEDIA_TYPES = {"png": "image/png", "svg": "image/svg+xml"}
FONT = {"family": "DejaVu Sans", "size": 9}
SERIES = [
    ("vendors", "Đăng ký / Registered", "#9ecae1"),
    ("with_poster", "Có áp phích QR / QR poster", "#4292c6"),
    ("active", "Đang nhận chuyển khoản / Active", "#08519c"),
]


def _figure(width: float, height: float) -> Figure:
    figure = Figure(figsize=(width, height), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _save(figure: Figure, fmt: ChartFormat) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format=fmt, metadata={"Software": None} if fmt == "png" else {"Date": None})
    return buffer.getvalue()


def _title(prefix: str, area: object) -> str:
    name = getattr(area, "name", None)
    return f"{prefix}: {name}" if name else f"{prefix}: toàn quốc / nationwide"


def uptake_chart(report: UptakeReport, fmt: ChartFormat = "png") -> bytes:
    """Shares of stalls registered, with a poster and active, per child unit (or market), with targets."""
    rows = report.rows
    figure = _figure(max(6.0, 1.1 * len(rows) + 2), 4.5)
    axes = figure.add_subplot()
    labels = [r.name for r in rows]
    width = 0.8 / len(SERIES)
    for i, (key, label, colour) in enumerate(SERIES):
        values = [(getattr(r, f"{key}_share") or 0.0) * 100 for r in rows]
        axes.bar([x + (i - 1) * width for x in range(len(rows))], values, width, label=label, color=colour)
    targets: dict[tuple[str | None, int | None], TargetProgress] = {
        (t.area_code, t.market_id): t for t in report.targets if t.indicator == "active" and t.measure == "share"
    }
    for x, row in enumerate(rows):
        place = (row.area_code, row.market_id if row.kind == "market" else None)
        target = targets.get(place)
        if target is not None:
            axes.hlines(target.value * 100, x - 0.45, x + 0.45, colors="#d62728", linewidth=2)
    if targets:
        axes.plot([], [], color="#d62728", linewidth=2, label="Chỉ tiêu đang nhận / Active target")
    axes.set_xticks(range(len(rows)), labels, rotation=20, ha="right", fontdict=FONT)
    axes.set_ylabel("% số quầy / % of stalls", fontdict=FONT)
    axes.set_ylim(0, 100)
    axes.set_title(_title("Mức độ phủ thanh toán không tiền mặt / Cashless uptake", report.area), fontdict=FONT)
    axes.legend(prop={"family": "DejaVu Sans", "size": 8}, loc="upper right")
    return _save(figure, fmt)


def trend_chart(report: TrendReport, fmt: ChartFormat = "png") -> bytes:
    figure = _figure(8, 4.5)
    axes = figure.add_subplot()
    months = [p.month for p in report.points]
    for key, label, colour in SERIES:
        axes.plot(months, [getattr(p, key) for p in report.points], marker="o", label=label, color=colour)
    axes.plot(
        months,
        [p.live_products for p in report.points],
        marker="s",
        label="SP OCOP đang bán / Live OCOP",
        color="#31a354",
    )
    axes.tick_params(axis="x", labelrotation=45, labelsize=8)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylabel("Số lượng / Count", fontdict=FONT)
    axes.set_title(_title("Diễn biến theo tháng / Month by month", report.area), fontdict=FONT)
    axes.legend(prop={"family": "DejaVu Sans", "size": 8}, loc="upper left")
    return _save(figure, fmt)


def platforms_chart(report: OcopReport, fmt: ChartFormat = "png") -> bytes:
    figure = _figure(7, 4)
    axes = figure.add_subplot()
    names = [p.name for p in report.platforms]
    axes.barh(names, [p.live for p in report.platforms], color="#31a354")
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))  # products are counted whole
    axes.set_xlabel("Sản phẩm đang bán / Live products", fontdict=FONT)
    axes.set_title(_title("Sản phẩm OCOP trên các sàn / OCOP products by platform", report.area), fontdict=FONT)
    if not names:
        axes.text(0.5, 0.5, "Chưa có sản phẩm đang bán / No live listings yet", ha="center", transform=axes.transAxes)
    return _save(figure, fmt)


def uptake_png(report: UptakeReport) -> bytes:
    return uptake_chart(report, "png")


def uptake_svg(report: UptakeReport) -> bytes:
    return uptake_chart(report, "svg")
