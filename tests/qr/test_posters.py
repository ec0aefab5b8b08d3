from __future__ import annotations

import io
import re
import unicodedata
import zipfile

import pypdfium2
import pytest
from reportlab.pdfbase.ttfonts import TTFontFace

from qr import (
    A4,
    A5,
    A6,
    PAGE_SIZES,
    BatchLayout,
    ModuleTooSmallError,
    PageSize,
    PosterData,
    PosterError,
    QRTooDenseError,
    VietQR,
    check_printable,
    encode,
    png_filenames,
    render_batch_pdf,
    render_batch_zip,
    render_pdf,
    render_png,
    sort_by_stall,
)
from qr.posters._fonts import FONT_FILES, font_path
from qr.posters._layout import ACCEPTED_VI, HEADING_EN, HEADING_VI, poster_layout

from .conftest import decode_image, make_poster, pdf_pages, pdf_text, png_image, rotated_and_blurred

SIZES = [A6, A5, A4]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: s.name)
def test_png_decodes_to_its_payload(poster: PosterData, size: PageSize) -> None:
    image = png_image(render_png(poster, size))
    assert decode_image(image) == [poster.payload]
    # Printed at the stated resolution, the image has the size of the sheet.
    assert image.info["dpi"][0] == pytest.approx(200, abs=0.01)
    assert image.width == round(size.width_mm / 25.4 * 200)
    assert image.height == round(size.height_mm / 25.4 * 200)
    assert decode_image(rotated_and_blurred(image)) == [poster.payload]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: s.name)
def test_pdf_decodes_to_its_payload(poster: PosterData, size: PageSize) -> None:
    data = render_pdf(poster, size)
    (page,) = pdf_pages(data, dpi=150)
    assert decode_image(page) == [poster.payload]
    assert decode_image(rotated_and_blurred(page)) == [poster.payload]


def dense_poster(**extra: str) -> PosterData:
    """A poster carrying about the longest payload a vendor's code can have."""
    payload = encode(
        VietQR(
            bin="970436",
            account="0011001234567890123",
            amount=499_999_999,
            merchant_name="Nguyễn Thị Hoà quầy rau sạch",
            merchant_city="Quảng Nam",
            purpose="Thanh toán tiền hàng tại quầy A12",
            bill_number="NP-A12-2025-000123",
            **extra,
        )
    )
    return PosterData.from_payload(
        payload,
        account_holder="NGUYEN THI HOA",
        vendor_name="Nguyễn Thị Hoà",
        vendor_code="NP-A12",
        market_name="Chợ Nam Phước",
        stall="A12",
    )


def test_dense_poster_still_decodes_rotated_and_blurred() -> None:
    poster = dense_poster()
    assert check_printable(poster.payload).version == 10  # the densest a poster may carry
    for page in (png_image(render_png(poster, A6)), pdf_pages(render_pdf(poster, A6), dpi=150)[0]):
        assert decode_image(rotated_and_blurred(page, degrees=-5)) == [poster.payload]


def test_pdf_is_vector_with_embedded_vietnamese_font(poster: PosterData) -> None:
    data = render_pdf(poster, A6)
    assert b"/Subtype /Image" not in data  # no raster anywhere: the QR is a path
    assert b"/FontFile2" in data  # TrueType embedded
    assert b"DejaVuSans" in data
    (text,) = pdf_text(data)
    for expected in (
        HEADING_VI,
        HEADING_EN,
        ACCEPTED_VI,
        "Vietcombank",
        "0011 0012 3456 7",
        "NGUYEN THI HOA",
        "Nguyễn Thị Hoà",
        "Chợ Nam Phước · Quầy A12",
        "NP-A12",
    ):
        assert expected in text


def test_pdf_page_size_is_the_sheet(poster: PosterData) -> None:
    for size in SIZES:
        document = pypdfium2.PdfDocument(render_pdf(poster, size))
        width, height = document[0].get_size()
        document.close()
        assert width == pytest.approx(size.width_mm * 72 / 25.4, abs=0.01)
        assert height == pytest.approx(size.height_mm * 72 / 25.4, abs=0.01)


def test_fixed_amount_is_printed_vietnamese_style() -> None:
    poster = make_poster(amount=50000)
    (text,) = pdf_text(render_pdf(poster))
    assert "50.000 đ" in text
    assert "Nhập số tiền" not in text
    (static_text,) = pdf_text(render_pdf(make_poster()))
    assert "Nhập số tiền trong ứng dụng" in static_text


def test_long_names_shrink_or_are_cut_never_overflow() -> None:
    long_name = "Nguyễn Thị Hoà " * 8
    poster = make_poster(vendor_name=long_name)
    layout = poster_layout(poster, A6)
    (name,) = [t for t in layout.texts if t.text.startswith("Nguyễn")]
    assert name.text.endswith("…")
    assert name.size_pt < 13
    assert decode_image(png_image(render_png(poster))) == [poster.payload]


def test_font_covers_every_vietnamese_letter() -> None:
    letters = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
    tones = "\u0300\u0301\u0303\u0309\u0323"

    needed = {c for c in letters + letters.upper()}
    for vowel in "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY":
        needed |= {unicodedata.normalize("NFC", vowel + t) for t in tones}
    needed |= set("–·…đ")
    for bold in (False, True):
        face = TTFontFace(str(font_path(bold)))
        missing = sorted(c for c in needed if ord(c) not in face.charToGlyph)
        assert missing == [], (FONT_FILES[bold], missing)


def test_fonts_ship_with_their_licence() -> None:
    folder = font_path(False).parent
    assert (folder / "LICENSE").read_text().count("Bitstream") >= 3
    assert {p.name for p in folder.glob("*.ttf")} == set(FONT_FILES.values())


def test_decomposed_input_is_drawn_precomposed() -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hoà")
    layout = poster_layout(make_poster(vendor_name=decomposed), A6)
    assert any(t.text == unicodedata.normalize("NFC", decomposed) for t in layout.texts)


# ---------------------------------------------------------------------------------------------------------
# Size guard and consistency


def test_module_size_guard() -> None:
    sticker = PageSize("sticker", 40.0, 56.0)
    small = make_poster(purpose=None)
    dense = dense_poster()
    assert check_printable(small.payload, sticker).version == 5  # 45 modules on 23.4 mm: 0.52 mm each
    assert decode_image(png_image(render_png(small, sticker, dpi=300))) == [small.payload]
    with pytest.raises(ModuleTooSmallError) as info:
        render_pdf(dense, sticker)
    assert info.value.code == "module_too_small"
    assert "0.5 mm" in info.value.en
    assert "0.5 mm" in info.value.vi
    assert "khổ giấy lớn hơn" in info.value.vi
    with pytest.raises(ModuleTooSmallError):
        render_png(dense, sticker)
    # The same payload prints on an A6 sheet.
    assert check_printable(dense.payload, A6).version <= 10


def test_too_dense_payload_refused_for_posters() -> None:
    poster = dense_poster(store_label="Quầy rau sạch Nam Phước", terminal_label="Máy 2")
    with pytest.raises(QRTooDenseError) as info:
        render_png(poster)
    assert info.value.code == "qr_too_dense"
    with pytest.raises(QRTooDenseError):
        render_batch_pdf([poster])


def test_poster_must_match_its_payload(poster: PosterData) -> None:
    wrong_account = PosterData(
        **{**{f: getattr(poster, f) for f in poster.__dataclass_fields__}, "account_number": "1"}
    )
    with pytest.raises(PosterError) as info:
        render_png(wrong_account)
    assert info.value.code == "poster_mismatch"
    wrong_amount = PosterData(**{**{f: getattr(poster, f) for f in poster.__dataclass_fields__}, "amount": 5000})
    with pytest.raises(PosterError):
        render_pdf(wrong_amount)
    # Separators in the printed account number are fine.
    spaced = PosterData(
        **{
            **{f: getattr(poster, f) for f in poster.__dataclass_fields__},
            "account_number": "0011 0012 3456 7",
        }
    )
    assert render_png(spaced)


@pytest.mark.parametrize("dpi", [100, 1200])
def test_png_resolution_is_bounded(poster: PosterData, dpi: int) -> None:
    with pytest.raises(PosterError) as info:
        render_png(poster, dpi=dpi)
    assert info.value.code == "dpi_out_of_range"


def test_page_sizes_are_iso() -> None:
    assert {n: (s.width_mm, s.height_mm) for n, s in PAGE_SIZES.items()} == {
        "A6": (105.0, 148.0),
        "A5": (148.0, 210.0),
        "A4": (210.0, 297.0),
    }


# ---------------------------------------------------------------------------------------------------------
# A whole market

STALLS = ["A10", "B1", "A2", "a3", "A1", "Đ5", "C12", "C2"]
ORDER = ["A1", "A2", "a3", "A10", "B1", "C2", "C12", "Đ5"]


@pytest.fixture(scope="module")
def market() -> list[PosterData]:
    return [make_poster(stall, account=f"00110012345{i:02d}") for i, stall in enumerate(STALLS)]


def test_sort_by_stall_is_natural(market: list[PosterData]) -> None:
    assert [p.stall for p in sort_by_stall(market)] == ORDER


def test_batch_pdf_one_per_page_in_stall_order(market: list[PosterData]) -> None:
    data = render_batch_pdf(market, size=A5)
    texts = pdf_text(data)
    assert len(texts) == len(market)
    assert [re.search(r"Quầy (\S+)", t).group(1) for t in texts] == ORDER  # type: ignore[union-attr]
    pages = pdf_pages(data, dpi=100)
    by_stall = {p.stall: p.payload for p in market}
    assert [decode_image(page) for page in pages] == [[by_stall[s]] for s in ORDER]


def test_batch_pdf_four_a6_per_a4(market: list[PosterData]) -> None:
    data = render_batch_pdf(market[:5], layout=BatchLayout.FOUR_A6_PER_A4)
    pages = pdf_pages(data, dpi=150)
    assert len(pages) == 2
    assert pages[0].size[0] == pytest.approx(A4.width_mm / 25.4 * 150, abs=1)
    assert pages[0].size[1] == pytest.approx(A4.height_mm / 25.4 * 150, abs=1)
    first_five = sort_by_stall(market[:5])
    # Reading order on the sheet: top left, top right, bottom left, bottom right.
    w, h = pages[0].size
    cells = [(0, 0), (w // 2, 0), (0, h // 2), (w // 2, h // 2)]
    found = [decode_image(pages[0].crop((x, y, x + w // 2, y + h // 2))) for x, y in cells]
    assert found == [[p.payload] for p in first_five[:4]]
    assert decode_image(pages[1]) == [first_five[4].payload]
    # Cut marks: dark pixels on the middle line near the top edge, between the two top posters.
    mid = w // 2
    strip = pages[0].convert("L").crop((mid - 1, round(5 / 25.4 * 150), mid + 2, round(10 / 25.4 * 150)))
    assert strip.getextrema()[0] < 100
    with pytest.raises(ValueError, match="A6"):
        render_batch_pdf(market, size=A5, layout=BatchLayout.FOUR_A6_PER_A4)


def test_layout_may_be_given_by_value(market: list[PosterData]) -> None:
    data = render_batch_pdf(market[:4], layout="four_a6_per_a4")  # type: ignore[arg-type]
    assert len(pdf_pages(data, dpi=30)) == 1


def test_empty_batches_are_refused() -> None:
    for render in (render_batch_pdf, render_batch_zip):
        with pytest.raises(PosterError) as info:
            render([])
        assert info.value.code == "empty_batch"


def test_zip_of_pngs_named_by_stall(market: list[PosterData]) -> None:
    data = render_batch_zip(market)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert names == ["A1.png", "A2.png", "a3.png", "A10.png", "B1.png", "C2.png", "C12.png", "D5.png"]
        by_stall = {p.stall: p.payload for p in market}
        for name, stall in zip(names, ORDER, strict=True):
            image = png_image(archive.read(name))
            assert decode_image(image) == [by_stall[stall]]


def test_file_names_are_safe_and_unique() -> None:
    posters = [
        make_poster("Dãy Đ / 5", vendor_code="V1"),
        make_poster("Dãy Đ - 5", vendor_code="V2"),
        make_poster("Dãy Đ - 5", vendor_code="V2", account="99"),
        make_poster("..", vendor_code="V3"),
        make_poster("A1", vendor_code="V4"),
        make_poster("a1", vendor_code="V5"),
    ]
    names = png_filenames(posters)
    assert names == ["Day-D-5.png", "Day-D-5_V2.png", "Day-D-5_V2-2.png", "stall.png", "A1.png", "a1_V5.png"]
    assert all(n.isascii() and "/" not in n for n in names)
