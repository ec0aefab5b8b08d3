"""VietQR posters for market vendors: PNG and vector PDF in A6, A5 and A4, one by one or a market at once."""

from qr.posters._batch import BatchLayout, png_filenames, render_batch_pdf, render_batch_zip, sort_by_stall
from qr.posters._layout import (
    A4,
    A5,
    A6,
    MIN_MODULE_MM,
    PAGE_SIZES,
    PageSize,
    PosterData,
    check_printable,
)
from qr.posters._pdf import render_pdf
from qr.posters._png import DEFAULT_DPI, render_png

__all__ = [
    "A4",
    "A5",
    "A6",
    "DEFAULT_DPI",
    "MIN_MODULE_MM",
    "PAGE_SIZES",
    "BatchLayout",
    "PageSize",
    "PosterData",
    "check_printable",
    "png_filenames",
    "render_batch_pdf",
    "render_batch_zip",
    "render_pdf",
    "render_png",
    "sort_by_stall",
]
