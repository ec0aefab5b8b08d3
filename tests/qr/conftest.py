from __future__ import annotations

import io

import pypdfium2
import pytest
import zxingcpp
from PIL import Image, ImageFilter

from qr import PosterData, VietQR, encode


def decode_image(image: Image.Image) -> list[str]:
    """Every QR code zxing-cpp finds in the image, as text."""
    return [r.text for r in zxingcpp.read_barcodes(image.convert("L"), formats=zxingcpp.BarcodeFormat.QRCode)]


def png_image(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def pdf_pages(data: bytes, dpi: int = 150) -> list[Image.Image]:
    """The pages of a PDF rasterised by PDFium."""
    document = pypdfium2.PdfDocument(data)
    try:
        return [page.render(scale=dpi / 72).to_pil() for page in document]
    finally:
        document.close()


def pdf_text(data: bytes) -> list[str]:
    document = pypdfium2.PdfDocument(data)
    try:
        return [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()


def rotated_and_blurred(image: Image.Image, degrees: float = 5.0, radius: float = 1.2) -> Image.Image:
    tilted = image.convert("L").rotate(degrees, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    return tilted.filter(ImageFilter.GaussianBlur(radius))


def make_poster(
    stall: str = "A12",
    *,
    account: str = "0011001234567",
    bin_: str = "970436",
    amount: int | None = None,
    vendor_name: str = "Nguyễn Thị Hoà",
    vendor_code: str | None = None,
    purpose: str | None = "Thanh toán quầy",
) -> PosterData:
    payload = encode(
        VietQR(bin=bin_, account=account, amount=amount, purpose=f"{purpose} {stall}" if purpose else None)
    )
    return PosterData.from_payload(
        payload,
        account_holder="NGUYEN THI HOA",
        vendor_name=vendor_name,
        vendor_code=vendor_code or f"NP-{stall}",
        market_name="Chợ Nam Phước",
        stall=stall,
    )


@pytest.fixture
def poster() -> PosterData:
    return make_poster()
