"""Poster rendering speed: a naive baseline against the qr package, for one 500-stall market.

Run with ``python -m bench.posters``. It prints a Markdown section and writes it to
docs/benchmarks/posters.md (included in docs/benchmarks.md).

Baseline, per vendor, as a first attempt would do it: ``qrcode.make`` (best mask, level M), an A6
greyscale-free RGB canvas at 200 dpi, the same text drawn with Pillow (fonts loaded once), and the PNG
saved to disk. Project: the same 500 posters as one A6 PDF (``qr.render_batch_pdf``), as four A6
per A4, and as a ZIP of PNGs; plus single-poster latency for the endpoint (PNG and PDF, A6).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import qrcode
import segno
from PIL import Image, ImageDraw, ImageFont

from qr import (
    A6,
    BatchLayout,
    PosterData,
    VietQR,
    encode,
    format_vnd,
    group_account,
    make_symbol,
    render_batch_pdf,
    render_batch_zip,
    render_pdf,
    render_png,
)
from qr.posters._fonts import font_path

OUTPUT = Path(__file__).resolve().parent.parent / "docs" / "benchmarks" / "posters.md"
TARGET_SPEEDUP = 8.0

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng", "Võ", "Phan", "Đặng", "Bùi", "Đỗ", "Ngô"]
MIDDLE = ["Thị", "Văn", "Ngọc", "Minh", "Thanh", "Hữu", "Đức", "Thu", "Xuân"]
GIVEN = ["Hoa", "Bình", "Lan", "Hùng", "Dũng", "Hạnh", "Phước", "Tâm", "Yến", "Trí", "Nguyệt", "Đào"]
BANKS = [("970436", "Vietcombank"), ("970415", "VietinBank"), ("970405", "Agribank"), ("970422", "MBBank"),
         ("970407", "Techcombank"), ("970418", "BIDV"), ("970416", "ACB"), ("970423", "TPBank")]  # fmt: skip


def market(count: int = 500, seed: int = 2025) -> list[PosterData]:
    """A market of ``count`` vendors in rows A-E, in random order, a tenth with a fixed amount."""
    rng = random.Random(seed)
    stalls = [f"{row}{n}" for row in "ABCDE" for n in range(1, count // 5 + 2)][:count]
    rng.shuffle(stalls)
    posters = []
    for i, stall in enumerate(stalls):
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        bin_, _ = rng.choice(BANKS)
        account = "".join(rng.choice("0123456789") for _ in range(rng.choice([10, 12, 13, 14])))
        amount = rng.choice([20_000, 50_000, 100_000]) if rng.random() < 0.1 else None
        purpose = f"Thanh toán quầy {stall}" if rng.random() < 0.5 else None
        payload = encode(VietQR(bin=bin_, account=account, amount=amount, purpose=purpose))
        posters.append(
            PosterData.from_payload(
                payload,
                account_holder=name.upper(),
                vendor_name=name,
                vendor_code=f"NP-{i + 1:04d}",
                market_name="Chợ Nam Phước",
                stall=stall,
            )
        )
    return posters


def baseline(posters: list[PosterData], folder: Path) -> float:
    """Seconds the naive way takes to write one A6 PNG per poster."""
    dpi = 200
    width, height = round(105 / 25.4 * dpi), round(148 / 25.4 * dpi)
    regular = str(font_path(False))
    bold = str(font_path(True))
    fonts = {
        "heading": ImageFont.truetype(bold, 42),
        "big": ImageFont.truetype(bold, 40),
        "name": ImageFont.truetype(bold, 34),
        "text": ImageFont.truetype(regular, 24),
        "small": ImageFont.truetype(regular, 18),
    }
    start = time.perf_counter()
    for n, poster in enumerate(posters):
        code = qrcode.make(poster.payload).get_image().convert("RGB")
        side = round(62 / 25.4 * dpi)
        code = code.resize((side, side))
        page = Image.new("RGB", (width, height), "white")
        page.paste(code, ((width - side) // 2, 190))
        draw = ImageDraw.Draw(page)
        lines = [
            ("Quét mã để thanh toán / Scan to pay", "heading", 90),
            (format_vnd(poster.amount) if poster.amount else "", "big", 720),
            (poster.bank_name, "text", 770),
            (group_account(poster.account_number), "big", 830),
            (poster.account_holder, "text", 870),
            (poster.vendor_name, "name", 950),
            (f"{poster.market_name} · Quầy {poster.stall} · {poster.vendor_code}", "text", 1000),
            ("Chấp nhận mọi ứng dụng ngân hàng và ví hỗ trợ VietQR – NAPAS 247", "small", 1100),
        ]
        for text, font, y in lines:
            draw.text((width / 2, y), text, fill="black", font=fonts[font], anchor="ms")
        page.save(folder / f"{n}.png")
    return time.perf_counter() - start


def timed(fn: Callable[[], object], repeat: int = 3) -> float:
    """Median seconds of ``repeat`` runs."""
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def latencies(fn: Callable[[PosterData], object], posters: list[PosterData]) -> tuple[float, float, float]:
    """p50, p95 and max in milliseconds of ``fn`` over the posters."""
    samples = []
    for poster in posters:
        start = time.perf_counter()
        fn(poster)
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return statistics.median(samples), p95, samples[-1]


def symbol_costs(payloads: list[str]) -> dict[str, float]:
    """Median milliseconds per QR symbol (matrix only) for each candidate library."""

    def per(fn: Callable[[str], object]) -> float:
        samples = []
        for p in payloads:
            start = time.perf_counter()
            fn(p)
            samples.append((time.perf_counter() - start) * 1000)
        return statistics.median(samples)

    def with_qrcode(p: str) -> object:
        q = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
        q.add_data(p)
        q.make(fit=True)
        return q.get_matrix()

    return {
        "qrcode 8 (best mask)": per(with_qrcode),
        "segno (best mask)": per(lambda p: segno.make(p, error="m", micro=False).matrix),
        "qr.make_symbol (segno mask 0 + derived masks)": per(make_symbol),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=500, help="stalls in the market (default 500)")
    parser.add_argument("--no-write", action="store_true", help="print only, do not write the docs fragment")
    args = parser.parse_args()

    posters = market(args.count)
    render_pdf(posters[0])  # registers the fonts, as a running server would have done
    render_png(posters[0])

    with tempfile.TemporaryDirectory() as tmp:
        base_s = baseline(posters, Path(tmp))
    pdf_s = timed(lambda: render_batch_pdf(posters, size=A6))
    four_s = timed(lambda: render_batch_pdf(posters, layout=BatchLayout.FOUR_A6_PER_A4))
    zip_s = timed(lambda: render_batch_zip(posters, size=A6))
    sample = posters[:200]
    png_lat = latencies(lambda p: render_png(p, A6), sample)
    pdf_lat = latencies(lambda p: render_pdf(p, A6), sample)
    symbols = symbol_costs([p.payload for p in posters[:100]])

    n = len(posters)
    speedup = base_s / pdf_s
    rows = [
        ("Baseline: qrcode.make + Pillow text + PNG per vendor", base_s),
        ("qr: one PDF, A6, a poster per page", pdf_s),
        ("qr: one PDF, four A6 per A4 sheet", four_s),
        ("qr: ZIP of A6 PNGs (200 dpi)", zip_s),
    ]
    lines = [
        "## Posters",
        "",
        f"A market of {n} stalls, measured by `python -m bench.posters` on {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {platform.machine()}.",
        "",
        "Baseline: one run. Project batches: median of three runs.",
        "",
        "| batch | total (s) | posters/s |",
        "|---|---:|---:|",
        *(f"| {label} | {seconds:.2f} | {n / seconds:.0f} |" for label, seconds in rows),
        "",
        f"The market's PDF comes out **{speedup:.1f}x** faster than the baseline makes its PNGs "
        f"(target: at least {TARGET_SPEEDUP:.0f}x: {'met' if speedup >= TARGET_SPEEDUP else 'NOT MET'}).",
        "",
        "| single poster, A6 | p50 (ms) | p95 (ms) | max (ms) |",
        "|---|---:|---:|---:|",
        f"| PNG, 200 dpi | {png_lat[0]:.1f} | {png_lat[1]:.1f} | {png_lat[2]:.1f} |",
        f"| PDF, vector | {pdf_lat[0]:.1f} | {pdf_lat[1]:.1f} | {pdf_lat[2]:.1f} |",
        "",
        "QR symbol alone (matrix, level M), median over 100 of the market's payloads:",
        "",
        "| library | ms per symbol |",
        "|---|---:|",
        *(f"| {label} | {ms:.1f} |" for label, ms in symbols.items()),
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        OUTPUT.parent.mkdir(parents=True, exist_ok=True)
        OUTPUT.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
