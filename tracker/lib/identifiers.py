"""Vietnamese identifiers: mobile phones, personal ID numbers (CCCD), bank account numbers.

Each ``normalize_*`` returns the canonical form or raises ``ValidationFailed`` naming the field.
"""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers import PhoneNumberType

from tracker.lib.exceptions import FieldProblem, ValidationFailed
from tracker.lib.i18n import Text

MOBILE_PREFIXES = ("03", "05", "07", "08", "09")
_SEPARATORS = re.compile(r"[\s.\-()]")


def _fail(field: str, vi: str, en: str, code: str) -> ValidationFailed:
    return ValidationFailed([FieldProblem(field, Text(vi, en), code)])


def phone_problem(raw: str, field: str = "phone") -> FieldProblem | None:
    try:
        normalize_mobile(raw, field)
    except ValidationFailed as exc:
        return exc.problems[0]
    return None


def normalize_mobile(raw: str, field: str = "phone") -> str:
    """A Vietnamese mobile number as ``0xxxxxxxxx``; ``+84…`` and ``84…`` are accepted.

    Validity follows the national numbering plan as the ``phonenumbers`` library knows it, not a loose
    pattern: 10 digits, a mobile block (03, 05, 07, 08, 09) and an assigned prefix.
    """
    compact = _SEPARATORS.sub("", raw or "")
    if not compact:
        raise _fail(field, "Chưa nhập số điện thoại.", "The phone number is missing.", "required")
    if compact.startswith("+"):
        digits = compact[1:]
        international = True
    else:
        digits = compact
        international = digits.startswith("84") and len(digits) == 11
    if not digits.isdigit():
        raise _fail(field, "Số điện thoại chỉ gồm chữ số.", "A phone number has digits only.", "not_digits")
    text = "+" + digits if international else digits
    try:
        parsed = phonenumbers.parse(text, "VN")
    except phonenumbers.NumberParseException:
        raise _fail(
            field, "Số điện thoại không đúng định dạng.", "The phone number is not well formed.", "malformed"
        ) from None
    national = "0" + str(parsed.national_number)
    if parsed.country_code != 84 or len(national) != 10:
        raise _fail(
            field,
            "Số di động Việt Nam phải có 10 chữ số (ví dụ 0905123456).",
            "A Vietnamese mobile number has 10 digits (for example 0905123456).",
            "wrong_length",
        )
    if not national.startswith(MOBILE_PREFIXES):
        raise _fail(
            field,
            "Không phải số di động (đầu số di động: 03, 05, 07, 08, 09).",
            "Not a mobile number (mobile prefixes are 03, 05, 07, 08, 09).",
            "not_mobile",
        )
    # A number whose type is known is a valid one: is_valid_number would match the same patterns again.
    if phonenumbers.number_type(parsed) not in (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE):
        raise _fail(
            field,
            "Đầu số di động này chưa được cấp.",
            "This mobile prefix is not assigned.",
            "unassigned_prefix",
        )
    return national


def normalize_personal_id(raw: str, field: str = "personal_id") -> tuple[str, bool]:
    """A personal ID (CCCD, 12 digits), or an old 9-digit ID card number.

    Returns the digits and whether it is the old 9-digit form, which is accepted with a warning.
    """
    digits = _SEPARATORS.sub("", raw or "")
    if not digits.isdigit():
        raise _fail(field, "Số định danh cá nhân chỉ gồm chữ số.", "A personal ID has digits only.", "not_digits")
    if len(digits) == 12:
        return digits, False
    if len(digits) == 9:
        return digits, True
    raise _fail(
        field,
        "Số định danh cá nhân (CCCD) phải có 12 chữ số (CMND cũ: 9 chữ số).",
        "A personal ID (CCCD) has 12 digits (old ID cards: 9 digits).",
        "wrong_length",
    )


def normalize_account_number(raw: str, field: str = "account_number") -> str:
    digits = _SEPARATORS.sub("", raw or "")
    if not digits.isdigit():
        raise _fail(field, "Số tài khoản chỉ gồm chữ số.", "An account number has digits only.", "not_digits")
    if not 6 <= len(digits) <= 19:
        raise _fail(
            field,
            "Số tài khoản phải có từ 6 đến 19 chữ số.",
            "An account number has 6 to 19 digits.",
            "wrong_length",
        )
    return digits


def mask(value: str | None, keep_start: int = 2, keep_end: int = 2) -> str | None:
    """``0905123489`` → ``09******89``; values too short to mask keep only their last character."""
    if value is None:
        return None
    if len(value) <= keep_start + keep_end:
        return "*" * (len(value) - 1) + value[-1:]
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[-keep_end:]
