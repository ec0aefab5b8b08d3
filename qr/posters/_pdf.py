"""Posters as vector PDF: the QR modules are one filled path, the text is DejaVu Sans embedded as a subset."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable

from reportlab.pdfgen.canvas import Canvas

from qr.posters._fonts import pdf_font
from qr.posters._layout import A6, Frame, Layout, PageSize, PosterData, Text, poster_layout
from qr.symbol import QUIET_ZONE

PT_PER_MM = 72 / 25.4
_DARK_RUN = re.compile("1+")


def new_canvas(buffer: io.BytesIO, page: PageSize, title: str) -> Canvas:
    canvas = Canvas(
        buffer,
        pagesize=(page.width_mm * PT_PER_MM, page.height_mm * PT_PER_MM),
        pageCompression=1,
        invariant=1,
    )
    canvas.setTitle(title)
    canvas.setAuthor("Chợ Số")
    canvas.setCreator("Chợ Số qr")
    return canvas


def _draw_texts(canvas: Canvas, texts: Iterable[Text], height_mm: float) -> None:
    for text in texts:
        canvas.setFillGray(1 if text.white else 0)
        canvas.setFont(pdf_font(text.bold), text.size_pt)
        canvas.drawCentredString(text.x * PT_PER_MM, (height_mm - text.y) * PT_PER_MM, text.text)


def _frame_form(canvas: Canvas, shared: Frame) -> str:
    """The name of a form XObject holding the frame, defined in this document on first use.

    Every page of a batch then refers to the same bands, heading and footer instead of repeating them.
    """
    page = shared.page
    name = f"frame-{page.width_mm:g}x{page.height_mm:g}"
    if canvas.hasForm(name):
        return name
    canvas.beginForm(name, 0, 0, page.width_mm * PT_PER_MM, page.height_mm * PT_PER_MM)
    for box in shared.boxes:
        if box.fill is not None:
            canvas.setFillGray(box.fill)
        if box.stroke_mm is not None:
            canvas.setStrokeGray(0)
            canvas.setLineWidth(box.stroke_mm * PT_PER_MM)
        canvas.rect(
            box.x * PT_PER_MM,
            (page.height_mm - box.y - box.h) * PT_PER_MM,
            box.w * PT_PER_MM,
            box.h * PT_PER_MM,
            stroke=int(box.stroke_mm is not None),
            fill=int(box.fill is not None),
        )
    _draw_texts(canvas, shared.texts, page.height_mm)
    canvas.endForm()
    return name


def draw_layout(canvas: Canvas, layout: Layout, page_height_mm: float, ox: float = 0.0, oy: float = 0.0) -> None:
    """Draw ``layout`` with its top-left corner at (``ox``, ``oy``) mm on a page ``page_height_mm`` tall."""
    height = layout.page.height_mm
    form = _frame_form(canvas, layout.frame)
    canvas.saveState()
    canvas.translate(ox * PT_PER_MM, (page_height_mm - oy - height) * PT_PER_MM)
    canvas.doForm(form)
    _draw_texts(canvas, layout.texts, height)
    # The QR in module units (y downwards), each horizontal run of dark modules one rectangle of one path:
    # a single fill leaves no hairline seams between modules in viewers. The coordinates are small
    # integers, so the path operators are written directly rather than number by number through
    # reportlab's path object (which formats every coordinate as a float: 3 ms a poster).
    module = layout.module_mm * PT_PER_MM
    canvas.setFillGray(0)
    canvas.translate(layout.qr_x * PT_PER_MM, (height - layout.qr_y) * PT_PER_MM)
    canvas.scale(module, -module)
    canvas.addLiteral(qr_path_operators(layout.symbol.rows))
    canvas.restoreState()


def qr_path_operators(rows: Iterable[str]) -> str:
    """PDF operators that fill the dark modules of ``rows`` as one path, in module units, y downwards."""
    lines = list(rows)
    width = len(lines[0]) + 1 if lines else 1
    ops = []
    # One search over all rows ("0"-separated, so no run crosses a row) rather than one per row.
    for run in _DARK_RUN.finditer("0".join(lines)):
        row, col = divmod(run.start(), width)
        ops.append(f"{col + QUIET_ZONE} {row + QUIET_ZONE} {run.end() - run.start()} 1 re")
    ops.append("f")
    return "\n".join(ops)


def render_pdf(poster: PosterData, size: PageSize = A6) -> bytes:
    """One poster as a one-page vector PDF of ``size``."""
    return pdf_document([poster_layout(poster, size)], size, f"VietQR – {poster.vendor_name}")


def pdf_document(layouts: Iterable[Layout], page: PageSize, title: str) -> bytes:
    buffer = io.BytesIO()
    canvas = new_canvas(buffer, page, title)
    for layout in layouts:
        draw_layout(canvas, layout, page.height_mm)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
