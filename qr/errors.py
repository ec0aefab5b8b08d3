"""Errors and problems of the qr library, with messages in Vietnamese first and English second.

Every error has a machine-readable ``code``, the ``tag`` it concerns (an EMVCo data object path such
as ``"38.01.00"``, or ``None``) and two messages. :class:`Problem` is the same information as plain
data: :func:`qr.validate` returns a list of them, and every :class:`QRError` carries one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

# code -> (Vietnamese, English). Placeholders are filled from the keyword arguments of the error.
MESSAGES: dict[str, tuple[str, str]] = {
    # Reading a payload
    "empty": ("Nội dung mã QR trống.", "The QR payload is empty."),
    "bad_character": (
        "Trường {tag} chứa ký tự không hợp lệ (chỉ chấp nhận ký tự ASCII in được).",
        "Field {tag} contains an invalid character (only printable ASCII is allowed).",
    ),
    "tlv_id": (
        "Mã trường không hợp lệ tại vị trí {position} trong {where}: cần 2 chữ số.",
        "Invalid field id at position {position} in {where_en}: two digits expected.",
    ),
    "tlv_length": (
        "Độ dài không hợp lệ tại vị trí {position} trong {where}: {detail_vi}.",
        "Invalid length at position {position} in {where_en}: {detail_en}.",
    ),
    "crc_missing": (
        "Thiếu mã kiểm tra CRC (trường 63, dài 4) ở cuối nội dung.",
        "The CRC (field 63, length 4) is missing at the end of the payload.",
    ),
    "crc_mismatch": (
        "Mã kiểm tra CRC sai: mã ghi {found}, tính được {expected}.",
        "Bad CRC: the payload says {found}, the computed value is {expected}.",
    ),
    "duplicate_tag": ("Trường {tag} xuất hiện nhiều lần.", "Field {tag} occurs more than once."),
    "missing_tag": ("Thiếu trường bắt buộc {tag} ({name_vi}).", "Missing mandatory field {tag} ({name_en})."),
    "payload_format": (
        'Phiên bản dữ liệu (trường 00) phải là "01", nhận được "{found}".',
        'The payload format indicator (field 00) must be "01", got "{found}".',
    ),
    "initiation_method": (
        'Phương thức khởi tạo (trường 01) phải là "11" (mã tĩnh) hoặc "12" (mã động), nhận được "{found}".',
        'The point of initiation method (field 01) must be "11" (static) or "12" (dynamic), got "{found}".',
    ),
    "guid": (
        'Mã định danh (trường 38.00) phải là "A000000727" của NAPAS, nhận được "{found}".',
        'The globally unique identifier (field 38.00) must be NAPAS\'s "A000000727", got "{found}".',
    ),
    "bin_format": (
        'Mã BIN ngân hàng phải gồm 6 chữ số, nhận được "{found}".',
        'The bank BIN must be 6 digits, got "{found}".',
    ),
    "unknown_bin": (
        "Mã BIN {found} không có trong danh bạ ngân hàng VietQR.",
        "BIN {found} is not in the VietQR bank directory.",
    ),
    "account_format": (
        'Số tài khoản phải gồm 1 đến 19 chữ cái hoặc chữ số, nhận được "{found}".',
        'The account number must be 1 to 19 letters or digits, got "{found}".',
    ),
    "card_format": (
        'Số thẻ phải gồm 16 đến 19 chữ số, nhận được "{found}".',
        'The card number must be 16 to 19 digits, got "{found}".',
    ),
    "service_code": (
        'Mã dịch vụ (trường 38.02) phải là QRIBFTTA (tới tài khoản) hoặc QRIBFTTC (tới thẻ), nhận được "{found}".',
        'The service code (field 38.02) must be QRIBFTTA (to an account) or QRIBFTTC (to a card), got "{found}".',
    ),
    "currency": (
        'Mã tiền tệ (trường 53) phải là 704 (đồng Việt Nam), nhận được "{found}".',
        'The currency (field 53) must be 704 (Vietnamese đồng), got "{found}".',
    ),
    "country": (
        'Mã quốc gia (trường 58) phải là VN, nhận được "{found}".',
        'The country code (field 58) must be VN, got "{found}".',
    ),
    "amount_not_numeric": (
        'Số tiền (trường 54) phải là số nguyên đồng, chỉ gồm chữ số, nhận được "{found}".',
        'The amount (field 54) must be a whole number of đồng, digits only, got "{found}".',
    ),
    "amount_out_of_range": (
        "Số tiền phải lớn hơn 0 và nhỏ hơn {limit} đ, nhận được {found}.",
        "The amount must be above 0 and below {limit} đ, got {found}.",
    ),
    "field_too_long": (
        "Trường {tag} dài {found} ký tự, vượt giới hạn {limit}.",
        "Field {tag} is {found} characters long, over its limit of {limit}.",
    ),
    # Building a payload
    "template_too_long": (
        "Dữ liệu bổ sung (trường 62) dài {found} ký tự, vượt giới hạn 99: hãy rút gọn nội dung.",
        "The additional data (field 62) is {found} characters long, over the limit of 99: shorten the text.",
    ),
    "field_id": ('Mã trường "{tag}" phải gồm 2 chữ số.', 'Field id "{tag}" must be two digits.'),
    "value_length": (
        "Giá trị của trường {tag} phải dài từ 1 đến 99 ký tự, nhận được {found}.",
        "The value of field {tag} must be 1 to 99 characters long, got {found}.",
    ),
    "reserved_tag": (
        "Trường {tag} do thư viện tự tạo, không thể thêm dưới dạng trường phụ.",
        "Field {tag} is produced by the library and cannot be passed as an extra field.",
    ),
    # Posters
    "qr_too_dense": (
        "Nội dung quá dài: mã QR cần phiên bản {found}, vượt mức tối đa {limit} để quét bằng điện thoại "
        "ở khoảng cách một sải tay. Hãy rút gọn nội dung chuyển khoản hoặc tên.",
        "The payload is too long: it needs QR version {found}, over the maximum of {limit} that a phone "
        "reads at arm's length. Shorten the purpose or the name.",
    ),
    "module_too_small": (
        "Ô vuông của mã QR chỉ rộng {found} mm khi in, nhỏ hơn mức tối thiểu {limit} mm: "
        "hãy chọn khổ giấy lớn hơn hoặc rút gọn nội dung.",
        "The QR modules would print {found} mm wide, below the minimum of {limit} mm: "
        "choose a larger paper size or shorten the payload.",
    ),
    "poster_mismatch": (
        "Thông tin trên áp phích không khớp với mã QR: {detail_vi}.",
        "The poster text does not match its QR payload: {detail_en}.",
    ),
    "empty_batch": ("Không có áp phích nào để in.", "There are no posters to print."),
    "dpi_out_of_range": (
        "Độ phân giải ảnh phải từ {low} đến {high} dpi, nhận được {found}.",
        "The image resolution must be {low} to {high} dpi, got {found}.",
    ),
}

# Names of the fields a VietQR payload must have, for the missing_tag message.
FIELD_NAMES: dict[str, tuple[str, str]] = {
    "00": ("phiên bản dữ liệu", "payload format indicator"),
    "38": ("thông tin định danh người nhận VietQR", "VietQR beneficiary information"),
    "38.00": ("mã định danh NAPAS", "NAPAS globally unique identifier"),
    "38.01": ("tổ chức và tài khoản thụ hưởng", "beneficiary organisation and account"),
    "38.01.00": ("mã BIN ngân hàng", "bank BIN"),
    "38.01.01": ("số tài khoản hoặc số thẻ", "account or card number"),
    "38.02": ("mã dịch vụ", "service code"),
    "53": ("mã tiền tệ", "currency"),
    "58": ("mã quốc gia", "country code"),
    "63": ("mã kiểm tra CRC", "CRC"),
}


def _where(tag: str | None) -> tuple[str, str]:
    if not tag:
        return "nội dung mã QR", "the payload"
    return f"trường {tag}", f"field {tag}"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a payload or a poster: a code, the tag concerned and both messages."""

    code: str
    tag: str | None
    vi: str
    en: str

    @classmethod
    def make(cls, code: str, tag: str | None = None, **params: object) -> Problem:
        vi_template, en_template = MESSAGES[code]
        where_vi, where_en = _where(tag)
        name_vi, name_en = FIELD_NAMES.get(tag or "", ("", ""))
        values: dict[str, object] = {
            "tag": tag or "",
            "where": where_vi,
            "where_en": where_en,
            "name_vi": name_vi,
            "name_en": name_en,
            **params,
        }
        return cls(code, tag, vi_template.format(**values), en_template.format(**values))

    def message(self, lang: str = "vi") -> str:
        """The message in ``lang`` ("vi" or "en"; anything not English gets Vietnamese)."""
        return self.en if lang.lower().startswith("en") else self.vi


class QRError(ValueError):
    """Base of every error the qr library raises on purpose."""

    codes: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, code: str | Problem, tag: str | None = None, **params: object) -> None:
        self.problem = code if isinstance(code, Problem) else Problem.make(code, tag, **params)
        super().__init__(f"{self.problem.vi} / {self.problem.en}")

    @property
    def code(self) -> str:
        return self.problem.code

    @property
    def tag(self) -> str | None:
        return self.problem.tag

    @property
    def vi(self) -> str:
        return self.problem.vi

    @property
    def en(self) -> str:
        return self.problem.en

    def message(self, lang: str = "vi") -> str:
        return self.problem.message(lang)


class PayloadError(QRError):
    """A payload that is not a valid VietQR transfer code (raised by :func:`qr.parse`)."""


class MalformedPayloadError(PayloadError):
    codes = frozenset({"empty", "bad_character", "tlv_id", "tlv_length"})


class CRCError(PayloadError):
    codes = frozenset({"crc_missing", "crc_mismatch"})


class MissingTagError(PayloadError):
    codes = frozenset({"missing_tag"})


class DuplicateTagError(PayloadError):
    codes = frozenset({"duplicate_tag"})


class WrongGUIDError(PayloadError):
    codes = frozenset({"guid"})


class UnknownBankError(PayloadError):
    codes = frozenset({"unknown_bin"})


class AmountError(PayloadError):
    codes = frozenset({"amount_not_numeric", "amount_out_of_range"})


class InvalidValueError(PayloadError):
    codes = frozenset(
        {
            "payload_format",
            "initiation_method",
            "bin_format",
            "account_format",
            "card_format",
            "service_code",
            "currency",
            "country",
            "field_too_long",
        }
    )


class PaymentInputError(QRError):
    """Inputs from which no valid payload can be built (raised by :func:`qr.encode`)."""


class PosterError(QRError):
    """A poster that cannot be printed so that phones read it."""


class QRTooDenseError(PosterError):
    codes = frozenset({"qr_too_dense"})


class ModuleTooSmallError(PosterError):
    codes = frozenset({"module_too_small"})


_PAYLOAD_ERRORS: tuple[type[PayloadError], ...] = (
    MalformedPayloadError,
    CRCError,
    MissingTagError,
    DuplicateTagError,
    WrongGUIDError,
    UnknownBankError,
    AmountError,
    InvalidValueError,
)


def payload_error(problem: Problem) -> PayloadError:
    """The exception :func:`qr.parse` raises for a problem found by :func:`qr.validate`."""
    for cls in _PAYLOAD_ERRORS:
        if problem.code in cls.codes:
            return cls(problem)
    return PayloadError(problem)
