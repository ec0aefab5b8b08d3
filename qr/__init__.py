"""VietQR payloads and posters for Chợ Số: a leaf library that knows no database and no web framework.

Payloads::

    from qr import VietQR, encode, parse, validate
    payload = encode(VietQR(bin="970436", account="0011001234567", purpose="Thanh toán quầy A12"))
    parse(payload).bank.short_name        # "Vietcombank"
    validate("000201...")                 # [Problem(code="crc_mismatch", tag="63", vi=..., en=...), ...]

Posters::

    from qr import PosterData, A6, render_png, render_pdf, render_batch_pdf, render_batch_zip
    poster = PosterData.from_payload(payload, account_holder="NGUYEN THI HOA", vendor_name="Nguyễn Thị Hoa",
                                     vendor_code="NP-A12", market_name="Chợ Nam Phước", stall="A12")
    png = render_png(poster, A6)

See docs/qr.md.
"""

from qr.banks import Bank, BankDirectory, BankDirectoryError, default_directory, load_directory
from qr.emv import DataObject, append_crc, crc16, crc_hex, crc_matches
from qr.emv import decode as decode_tlv
from qr.emv import encode as encode_tlv
from qr.errors import (
    AmountError,
    CRCError,
    DuplicateTagError,
    InvalidValueError,
    MalformedPayloadError,
    MissingTagError,
    ModuleTooSmallError,
    PayloadError,
    PaymentInputError,
    PosterError,
    Problem,
    QRError,
    QRTooDenseError,
    UnknownBankError,
    WrongGUIDError,
)
from qr.formatting import format_vnd, group_account, safe_filename, stall_sort_key
from qr.posters import (
    A4,
    A5,
    A6,
    MIN_MODULE_MM,
    PAGE_SIZES,
    BatchLayout,
    PageSize,
    PosterData,
    check_printable,
    png_filenames,
    render_batch_pdf,
    render_batch_zip,
    render_pdf,
    render_png,
    sort_by_stall,
)
from qr.symbol import MAX_VERSION, QRSymbol, make_symbol
from qr.text import fold_ascii, strip_marks
from qr.vietqr import MAX_AMOUNT, Initiation, ParsedVietQR, Service, VietQR, encode, parse, validate

__all__ = [
    "A4",
    "A5",
    "A6",
    "MAX_AMOUNT",
    "MAX_VERSION",
    "MIN_MODULE_MM",
    "PAGE_SIZES",
    "AmountError",
    "Bank",
    "BankDirectory",
    "BankDirectoryError",
    "BatchLayout",
    "CRCError",
    "DataObject",
    "DuplicateTagError",
    "Initiation",
    "InvalidValueError",
    "MalformedPayloadError",
    "MissingTagError",
    "ModuleTooSmallError",
    "PageSize",
    "ParsedVietQR",
    "PayloadError",
    "PaymentInputError",
    "PosterData",
    "PosterError",
    "Problem",
    "QRError",
    "QRSymbol",
    "QRTooDenseError",
    "Service",
    "UnknownBankError",
    "VietQR",
    "WrongGUIDError",
    "append_crc",
    "check_printable",
    "crc16",
    "crc_hex",
    "crc_matches",
    "decode_tlv",
    "default_directory",
    "encode",
    "encode_tlv",
    "fold_ascii",
    "format_vnd",
    "group_account",
    "load_directory",
    "make_symbol",
    "parse",
    "png_filenames",
    "render_batch_pdf",
    "render_batch_zip",
    "render_pdf",
    "render_png",
    "safe_filename",
    "sort_by_stall",
    "stall_sort_key",
    "strip_marks",
    "validate",
]
