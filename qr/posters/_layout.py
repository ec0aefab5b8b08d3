"""What a poster holds and where each part goes, in millimetres, shared by the PNG and PDF renderers.

The design is drawn once for A6 (105 x 148 mm) and scaled uniformly to the page, centred; A5 and A4
are the same poster, larger. Text that does not fit its width is set smaller (down to 70 %) and then
cut with an ellipsis, so a long name never runs off the sheet.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass

from qr.banks import BankDirectory
from qr.errors import ModuleTooSmallError, PosterError
from qr.formatting import format_vnd, group_account
from qr.posters._fonts import text_width_mm
from qr.symbol import MAX_VERSION, QRSymbol, make_symbol
from qr.vietqr import normalize_account, parse

MIN_MODULE_MM = 0.5
"""Smallest printed QR module: below this, phone cameras at arm's length stop reading reliably."""

HEADING_VI = "Quét mã để thanh toán"
HEADING_EN = "Scan to pay"
ACCEPTED_VI = "Chấp nhận mọi ứng dụng ngân hàng và ví hỗ trợ VietQR – NAPAS 247"
ACCEPTED_EN = "Any banking or e-wallet app that supports VietQR – NAPAS 247"
ENTER_AMOUNT = "Nhập số tiền trong ứng dụng · Enter the amount in your app"

_BASE_W = 105.0
_BASE_H = 148.0
_QR_SIDE = 62.0  # with its quiet zone, in A6 millimetres


@dataclass(frozen=True, slots=True)
class PageSize:
    """A sheet, portrait, in millimetres."""

    name: str
    width_mm: float
    height_mm: float

    @property
    def scale(self) -> float:
        """How much larger than the A6 design this page draws it."""
        return min(self.width_mm / _BASE_W, self.height_mm / _BASE_H)


A6 = PageSize("A6", 105.0, 148.0)
A5 = PageSize("A5", 148.0, 210.0)
A4 = PageSize("A4", 210.0, 297.0)
PAGE_SIZES: dict[str, PageSize] = {s.name: s for s in (A6, A5, A4)}


@dataclass(frozen=True, slots=True)
class PosterData:
    """Everything printed on one vendor's poster. The library knows no vendors: the caller fills this in."""

    payload: str
    bank_name: str
    account_holder: str
    account_number: str
    vendor_name: str
    vendor_code: str
    market_name: str
    stall: str
    amount: int | None = None

    @classmethod
    def from_payload(
        cls,
        payload: str,
        *,
        account_holder: str,
        vendor_name: str,
        vendor_code: str,
        market_name: str,
        stall: str,
        directory: BankDirectory | None = None,
    ) -> PosterData:
        """A poster whose bank, account number and amount are read from the payload itself."""
        parsed = parse(payload, directory=directory)
        return cls(
            payload=parsed.payload,
            bank_name=parsed.bank.short_name,
            account_holder=account_holder,
            account_number=parsed.account,
            vendor_name=vendor_name,
            vendor_code=vendor_code,
            market_name=market_name,
            stall=stall,
            amount=parsed.amount,
        )


@dataclass(frozen=True, slots=True)
class Text:
    text: str
    x: float  # centre, mm from the left
    y: float  # baseline, mm from the top
    size_pt: float
    bold: bool = False
    white: bool = False


@dataclass(frozen=True, slots=True)
class Box:
    x: float
    y: float
    w: float
    h: float
    fill: float | None = None  # grey level, 0 black .. 1 white
    stroke_mm: float | None = None


@dataclass(frozen=True, slots=True)
class Frame:
    """What every poster on one page size shares: bands, rules, heading and footer (computed once)."""

    page: PageSize
    boxes: tuple[Box, ...]
    texts: tuple[Text, ...]
    scale: float
    ox: float
    oy: float


@dataclass(frozen=True, slots=True)
class Layout:
    page: PageSize
    frame: Frame
    symbol: QRSymbol
    qr_x: float  # top-left corner of the QR with its quiet zone, mm
    qr_y: float
    qr_side: float
    texts: tuple[Text, ...] = ()
    """The poster's own lines; the frame's are in ``frame.texts``."""

    @property
    def module_mm(self) -> float:
        return self.qr_side / self.symbol.size_with_quiet_zone


def nfc(text: str) -> str:
    """Precomposed form, so that every Vietnamese letter is one glyph of the font."""
    return unicodedata.normalize("NFC", " ".join(text.split()))


def fit(text: str, max_mm: float, size_pt: float, bold: bool) -> tuple[str, float]:
    """``text`` and a size at which it fits ``max_mm``: smaller first, then cut with an ellipsis."""
    width = text_width_mm(text, bold, size_pt)
    if width <= max_mm:
        return text, size_pt
    smallest = size_pt * 0.7
    size = max(smallest, size_pt * max_mm / width)
    if text_width_mm(text, bold, size) <= max_mm:
        return text, size
    cut = text
    while cut and text_width_mm(cut + "…", bold, smallest) > max_mm:
        cut = cut[:-1]
    return cut.rstrip() + "…", smallest


@functools.cache
def frame(page: PageSize) -> Frame:
    """The parts every poster on this page shares, placed once per page size."""
    s = page.scale
    ox = (page.width_mm - _BASE_W * s) / 2
    oy = (page.height_mm - _BASE_H * s) / 2
    boxes = (
        Box(ox + 3 * s, oy + 3 * s, 99 * s, 20 * s, fill=0.0),
        Box(ox + 12 * s, oy + 114.5 * s, 81 * s, 0.25 * s, fill=0.55),
        Box(ox + 3 * s, oy + 134 * s, 99 * s, 11 * s, fill=0.88),
        Box(ox + 3 * s, oy + 3 * s, 99 * s, 142 * s, stroke_mm=0.35 * s),
    )
    cx = ox + _BASE_W * s / 2
    width = 93 * s
    texts = []
    for text, y, size, bold, white in (
        (HEADING_VI, 13.5, 15.0, True, True),
        (HEADING_EN, 20.0, 9.0, False, True),
        (ACCEPTED_VI, 138.8, 6.3, True, False),
        (ACCEPTED_EN, 142.9, 6.0, False, False),
    ):
        fitted, fitted_size = fit(text, width, size * s, bold)
        texts.append(Text(fitted, cx, oy + y * s, fitted_size, bold, white))
    return Frame(page, boxes, tuple(texts), s, ox, oy)


def check_poster(poster: PosterData) -> None:
    """Refuse a poster whose printed account number or amount differs from what its QR code pays."""
    parsed = parse(poster.payload)
    if normalize_account(poster.account_number) != parsed.account:
        raise PosterError(
            "poster_mismatch",
            detail_vi=f"số tài khoản in là {poster.account_number}, mã QR chuyển tới {parsed.account}",
            detail_en=f"the printed account is {poster.account_number}, the QR code pays {parsed.account}",
        )
    if poster.amount != parsed.amount:
        raise PosterError(
            "poster_mismatch",
            detail_vi=f"số tiền in là {poster.amount}, số tiền trong mã QR là {parsed.amount}",
            detail_en=f"the printed amount is {poster.amount}, the QR code says {parsed.amount}",
        )


def check_printable(payload: str, page: PageSize = A6) -> QRSymbol:
    """The symbol of ``payload`` if it prints readably on ``page``, else a :class:`~qr.errors.PosterError`.

    Refused: a payload needing a QR version above :data:`qr.symbol.MAX_VERSION`, or one whose modules
    would print smaller than :data:`MIN_MODULE_MM` on this page.
    """
    symbol = make_symbol(payload, max_version=MAX_VERSION)
    module = _QR_SIDE * page.scale / symbol.size_with_quiet_zone
    if module < MIN_MODULE_MM:
        raise ModuleTooSmallError("module_too_small", found=f"{module:.2f}", limit=MIN_MODULE_MM)
    return symbol


def poster_layout(poster: PosterData, page: PageSize = A6) -> Layout:
    """Check the poster and place all of its parts on ``page``."""
    check_poster(poster)
    symbol = check_printable(poster.payload, page)
    shared = frame(page)
    s, ox, oy = shared.scale, shared.ox, shared.oy
    cx = ox + _BASE_W * s / 2
    width = 93 * s
    texts: list[Text] = []

    def add(text: str, y: float, size: float, bold: bool = False) -> None:
        fitted, fitted_size = fit(nfc(text), width, size * s, bold)
        texts.append(Text(fitted, cx, oy + y * s, fitted_size, bold))

    if poster.amount is not None:
        add(f"Số tiền · Amount: {format_vnd(poster.amount)}", 92.0, 12.0, True)
    else:
        add(ENTER_AMOUNT, 91.5, 7.0)
    add(poster.bank_name, 99.0, 10.0, True)
    add(group_account(normalize_account(poster.account_number)), 106.0, 15.0, True)
    add(f"Chủ tài khoản · Account holder: {poster.account_holder}", 111.5, 7.5)
    add(poster.vendor_name, 121.0, 13.0, True)
    add(f"{poster.market_name} · Quầy {poster.stall}", 126.5, 9.0)
    add(f"Mã tiểu thương · Vendor code: {poster.vendor_code}", 131.0, 7.5)

    side = _QR_SIDE * s
    return Layout(
        page=page,
        frame=shared,
        symbol=symbol,
        qr_x=cx - side / 2,
        qr_y=oy + 24.0 * s,
        qr_side=side,
        texts=tuple(texts),
    )
