"""Reading QR codes from an uploaded photo with zxing-cpp."""

from __future__ import annotations

import io
import warnings

import zxingcpp
from PIL import Image, UnidentifiedImageError

from tracker.lib.exceptions import FieldProblem, TooLarge, ValidationFailed
from tracker.lib.i18n import Text

MAX_PHOTO_BYTES = 8 * 1024 * 1024
# A phone photo is about 12 megapixels; far more is a crafted image meant to exhaust memory.
MAX_PHOTO_PIXELS = 50_000_000
# zxing-cpp finds a sticker's QR as well in a 2000-pixel image as in the full photo, much faster.
DECODE_EDGE = 2000

NOT_AN_IMAGE = Text("Tệp không phải ảnh (JPEG, PNG, WebP…).", "The file is not an image (JPEG, PNG, WebP…).")


def read_qr_texts(data: bytes) -> list[str]:
    """The text of every QR code zxing-cpp finds in the image, in its order; 400/413 for a bad file."""
    if len(data) > MAX_PHOTO_BYTES:
        raise TooLarge(
            Text(
                f"Ảnh quá lớn (tối đa {MAX_PHOTO_BYTES // (1024 * 1024)} MB).",
                f"The photo is too large (at most {MAX_PHOTO_BYTES // (1024 * 1024)} MB).",
            ),
            [FieldProblem("file", Text("Ảnh quá lớn.", "Too large."), "too_large")],
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.width * image.height > MAX_PHOTO_PIXELS:
                raise ValidationFailed(
                    [FieldProblem("file", Text("Ảnh quá nhiều điểm ảnh.", "Too many pixels."), "too_many_pixels")]
                )
            image.load()
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ):
        raise ValidationFailed([FieldProblem("file", NOT_AN_IMAGE, "not_an_image")]) from None
    grey = image.convert("L")
    if max(grey.size) > DECODE_EDGE:
        grey.thumbnail((DECODE_EDGE, DECODE_EDGE))
    results = zxingcpp.read_barcodes(grey, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode))
    return [r.text for r in results if r.valid and r.text]
