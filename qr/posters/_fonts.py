"""The poster fonts: DejaVu Sans and DejaVu Sans Bold, shipped in ``qr/fonts`` (full Vietnamese coverage)."""

from __future__ import annotations

import functools
from pathlib import Path

from PIL import ImageFont
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
FONT_FILES = {False: "DejaVuSans.ttf", True: "DejaVuSans-Bold.ttf"}
PDF_NAMES = {False: "ChoSo-DejaVuSans", True: "ChoSo-DejaVuSans-Bold"}


def font_path(bold: bool) -> Path:
    return FONT_DIR / FONT_FILES[bold]


@functools.cache
def pdf_font(bold: bool) -> str:
    """The reportlab name of the font, registered (embedded as a subset in each PDF) on first use."""
    name = PDF_NAMES[bold]
    pdfmetrics.registerFont(TTFont(name, str(font_path(bold))))
    return name


@functools.cache
def pil_font(bold: bool, size_px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_path(bold)), size_px)


def text_width_mm(text: str, bold: bool, size_pt: float) -> float:
    """Advance width of ``text`` set in the poster font at ``size_pt``, in millimetres."""
    return float(pdfmetrics.stringWidth(text, pdf_font(bold), size_pt)) * 25.4 / 72
