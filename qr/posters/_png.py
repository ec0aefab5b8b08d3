"""Posters as PNG images (for phones and messaging), greyscale, with the resolution recorded in the file."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from qr.errors import PosterError
from qr.posters._fonts import pil_font
from qr.posters._layout import A6, Layout, PageSize, PosterData, poster_layout
from qr.symbol import QUIET_ZONE, QRSymbol

DEFAULT_DPI = 200
MIN_DPI = 150
MAX_DPI = 600
_TO_PIXELS = str.maketrans({"1": "\x00", "0": "\xff"})


def qr_image(symbol: QRSymbol, module_px: int) -> Image.Image:
    """The symbol with its quiet zone, ``module_px`` pixels per module, black on white."""
    total = symbol.size_with_quiet_zone
    blank = "\xff" * total
    margin = "\xff" * QUIET_ZONE
    rows = [blank] * QUIET_ZONE + [margin + row.translate(_TO_PIXELS) + margin for row in symbol.rows]
    rows += [blank] * QUIET_ZONE
    small = Image.frombytes("L", (total, total), "".join(rows).encode("latin-1"))
    return small.resize((total * module_px, total * module_px), Image.Resampling.NEAREST)


def draw_png(layout: Layout, dpi: int = DEFAULT_DPI) -> Image.Image:
    if not MIN_DPI <= dpi <= MAX_DPI:
        raise PosterError("dpi_out_of_range", found=dpi, low=MIN_DPI, high=MAX_DPI)
    k = dpi / 25.4
    page = layout.page
    image = Image.new("L", (round(page.width_mm * k), round(page.height_mm * k)), 255)
    draw = ImageDraw.Draw(image)
    for box in layout.frame.boxes:
        rect = (
            round(box.x * k),
            round(box.y * k),
            round((box.x + box.w) * k) - 1,
            round((box.y + box.h) * k) - 1,
        )
        if box.fill is not None:
            draw.rectangle(rect, fill=round(box.fill * 255))
        if box.stroke_mm is not None:
            draw.rectangle(rect, outline=0, width=max(1, round(box.stroke_mm * k)))
    for text in (*layout.frame.texts, *layout.texts):
        font = pil_font(text.bold, max(1, round(text.size_pt * dpi / 72)))
        draw.text((text.x * k, text.y * k), text.text, fill=255 if text.white else 0, font=font, anchor="ms")
    # Whole pixels per module keep every module the same size; the symbol is centred in its box.
    side_px = layout.qr_side * k
    module_px = int(side_px // layout.symbol.size_with_quiet_zone)
    qr = qr_image(layout.symbol, module_px)
    offset = (side_px - qr.width) / 2
    image.paste(qr, (round(layout.qr_x * k + offset), round(layout.qr_y * k + offset)))
    return image


def png_bytes(image: Image.Image, dpi: int) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG", dpi=(dpi, dpi), compress_level=3)
    return buffer.getvalue()


def render_png(poster: PosterData, size: PageSize = A6, *, dpi: int = DEFAULT_DPI) -> bytes:
    """One poster as a PNG image of ``size`` at ``dpi`` (150-600; 200 by default)."""
    return png_bytes(draw_png(poster_layout(poster, size), dpi), dpi)
