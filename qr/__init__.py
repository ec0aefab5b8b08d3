"""VietQR payloads and posters for Chợ Số: a leaf library that knows no database and no web framework.

Payloads::

    from qr import VietQR, encode, parse, validate
    payload = encode(VietQR(bin="970436", account="0011001234567", purpose="Thanh toán quầy A12"))
    parse(payload).bank.short_name        # "Vietcombank"
    validate("000201...")                 # [Problem(code="crc_mismatch", tag="63", vi=..., en=...), ...]

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
    PayloadError,
    PaymentInputError,
    Problem,
    QRError,
    UnknownBankError,
    WrongGUIDError,
)
from qr.text import fold_ascii, strip_marks
from qr.vietqr import MAX_AMOUNT, Initiation, ParsedVietQR, Service, VietQR, encode, parse, validate

__all__ = [
    "MAX_AMOUNT",
    "AmountError",
    "Bank",
    "BankDirectory",
    "BankDirectoryError",
    "CRCError",
    "DataObject",
    "DuplicateTagError",
    "Initiation",
    "InvalidValueError",
    "MalformedPayloadError",
    "MissingTagError",
    "ParsedVietQR",
    "PayloadError",
    "PaymentInputError",
    "Problem",
    "QRError",
    "Service",
    "UnknownBankError",
    "VietQR",
    "WrongGUIDError",
    "append_crc",
    "crc16",
    "crc_hex",
    "crc_matches",
    "decode_tlv",
    "default_directory",
    "encode",
    "encode_tlv",
    "fold_ascii",
    "load_directory",
    "parse",
    "strip_marks",
    "validate",
]
