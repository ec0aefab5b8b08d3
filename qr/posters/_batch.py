"""A whole market at once: one PDF (a poster per page, or four A6 posters per A4 sheet) or a ZIP of PNGs."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from enum import StrEnum

from reportlab.pdfgen.canvas import Canvas

from qr.errors import PosterError
from qr.formatting import safe_filename, stall_sort_key
from qr.posters._layout import A4, A6, PageSize, PosterData, poster_layout
from qr.posters._pdf import PT_PER_MM, draw_layout, new_canvas
from qr.posters._png import DEFAULT_DPI, draw_png, png_bytes

# Four A6 cells on an A4 sheet; each poster is drawn at 95 % so that it keeps clear of the printer's
# unprintable border and of the cut lines.
_CELL_W = A4.width_mm / 2
_CELL_H = A4.height_mm / 2
_FOUR_UP_SCALE = 0.95
FOUR_UP_CELL = PageSize("A6 (4 per A4)", A6.width_mm * _FOUR_UP_SCALE, A6.height_mm * _FOUR_UP_SCALE)
_CUT_MARK_MM = 5.0
_CUT_MARK_INSET_MM = 5.0


class BatchLayout(StrEnum):
    ONE_PER_PAGE = "one_per_page"
    """Each poster on its own page of the chosen size."""
    FOUR_A6_PER_A4 = "four_a6_per_a4"
    """Four A6 posters on each A4 sheet, with cut marks."""


def sort_by_stall(posters: Iterable[PosterData]) -> list[PosterData]:
    """Posters in stall order ("A2" before "A10"), then by vendor code."""
    return sorted(posters, key=lambda p: (stall_sort_key(p.stall), p.vendor_code))


def render_batch_pdf(
    posters: Iterable[PosterData],
    *,
    size: PageSize = A6,
    layout: BatchLayout = BatchLayout.ONE_PER_PAGE,
    title: str = "VietQR",
) -> bytes:
    """One PDF for many posters, in stall order.

    ``ONE_PER_PAGE`` prints each poster on a page of ``size``; ``FOUR_A6_PER_A4`` prints four A6
    posters on each A4 sheet (``size`` must then be A6) with cut marks between them.
    """
    ordered = sort_by_stall(posters)
    if not ordered:
        raise PosterError("empty_batch")
    buffer = io.BytesIO()
    if BatchLayout(layout) is BatchLayout.ONE_PER_PAGE:
        canvas = new_canvas(buffer, size, title)
        for poster in ordered:
            draw_layout(canvas, poster_layout(poster, size), size.height_mm)
            canvas.showPage()
    else:
        if size != A6:
            raise ValueError("four posters per A4 sheet are A6 posters")
        canvas = new_canvas(buffer, A4, title)
        for start in range(0, len(ordered), 4):
            for i, poster in enumerate(ordered[start : start + 4]):
                cell_x = (i % 2) * _CELL_W + (_CELL_W - FOUR_UP_CELL.width_mm) / 2
                cell_y = (i // 2) * _CELL_H + (_CELL_H - FOUR_UP_CELL.height_mm) / 2
                draw_layout(canvas, poster_layout(poster, FOUR_UP_CELL), A4.height_mm, cell_x, cell_y)
            _cut_marks(canvas)
            canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _cut_marks(canvas: Canvas) -> None:
    """Short lines where the sheet is cut into four: at each end of both middle lines and a centre cross."""
    w, h = A4.width_mm, A4.height_mm
    mid_x, mid_y = w / 2, h / 2
    a, b = _CUT_MARK_INSET_MM, _CUT_MARK_INSET_MM + _CUT_MARK_MM
    c = _CUT_MARK_MM / 2
    segments = [
        (mid_x, a, mid_x, b),
        (mid_x, h - a, mid_x, h - b),
        (a, mid_y, b, mid_y),
        (w - a, mid_y, w - b, mid_y),
        (mid_x - c, mid_y, mid_x + c, mid_y),
        (mid_x, mid_y - c, mid_x, mid_y + c),
    ]
    canvas.setStrokeGray(0)
    canvas.setLineWidth(0.25 * PT_PER_MM)
    canvas.lines(
        [(x1 * PT_PER_MM, (h - y1) * PT_PER_MM, x2 * PT_PER_MM, (h - y2) * PT_PER_MM) for x1, y1, x2, y2 in segments]
    )


def png_filenames(posters: Iterable[PosterData]) -> list[str]:
    """Safe, unique ASCII file names for the posters, from their stalls ("A10.png", "Day-D-5.png")."""
    names: list[str] = []
    taken: set[str] = set()
    for poster in posters:
        stem = safe_filename(poster.stall, fallback="stall")
        name = f"{stem}.png"
        if name.casefold() in taken:
            stem = f"{stem}_{safe_filename(poster.vendor_code, fallback='vendor')}"
            name = f"{stem}.png"
            n = 2
            while name.casefold() in taken:
                name = f"{stem}-{n}.png"
                n += 1
        taken.add(name.casefold())
        names.append(name)
    return names


def render_batch_zip(posters: Iterable[PosterData], *, size: PageSize = A6, dpi: int = DEFAULT_DPI) -> bytes:
    """A ZIP of one PNG per poster, in stall order, each named after its stall."""
    ordered = sort_by_stall(posters)
    if not ordered:
        raise PosterError("empty_batch")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for poster, name in zip(ordered, png_filenames(ordered), strict=True):
            info = zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0))
            archive.writestr(info, png_bytes(draw_png(poster_layout(poster, size), dpi), dpi))
    return buffer.getvalue()
