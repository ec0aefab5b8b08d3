"""Checks of OCOP inputs that go beyond types: tax codes and decision numbers.

Each function returns the canonical form or raises ``ValidationFailed`` naming the field.

The tax code (mã số thuế) check digit: the first nine digits are weighted 31, 29, 23, 19, 17, 13, 7, 5, 3;
the tenth digit equals ``10 - (sum mod 11)`` (a result of 10 is never issued). It holds for the published
codes of well-known companies (Vinamilk 0300588569, Viettel 0100109106, FPT 0101248141, Vietcombank
0100112437) and is the rule of python-stdnum's ``stdnum.vn.mst``.
"""

from __future__ import annotations

import re

from ocop.reference import HOUSEHOLD
from tracker.lib.exceptions import FieldProblem, ValidationFailed
from tracker.lib.i18n import Text

TAX_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)
_SEPARATORS = re.compile(r"[\s.]")
_BRANCH = re.compile(r"^(\d{10})-?(\d{3})$")
# "2919/QĐ-UBND", "148/QĐ-TTg", "15/2023/QĐ-UBND", "1234/QD-UBND": checked loosely.
_DECISION = re.compile(r"^\d{1,6}(?:/\d{4})?/Q[ĐD](?:-[0-9A-Za-zĐđ.]+)+$", re.IGNORECASE)
_DECISION_SPACES = re.compile(r"\s*([/-])\s*")


def _fail(field: str, vi: str, en: str, code: str) -> ValidationFailed:
    return ValidationFailed([FieldProblem(field, Text(vi, en), code)])


def tax_check_digit(first_nine: str) -> int | None:
    """The check digit of a 10-digit tax code, or None when no digit fits (such codes are never issued)."""
    total = sum(weight * int(digit) for weight, digit in zip(TAX_WEIGHTS, first_nine, strict=True))
    check = 10 - total % 11
    return check if check < 10 else None


def _check_ten(digits: str, field: str) -> None:
    if digits[2:9] == "0000000":
        raise _fail(field, "Mã số thuế không hợp lệ.", "Not a valid tax code.", "bad_tax_code")
    if tax_check_digit(digits[:9]) != int(digits[9]):
        raise _fail(
            field,
            "Mã số thuế sai chữ số kiểm tra (hãy soát lại từng chữ số).",
            "The tax code's check digit is wrong (check each digit).",
            "bad_check_digit",
        )


def tax_code_kind(tax_code: str) -> str:
    if len(tax_code) == 12:
        return "personal_id"
    return "branch" if "-" in tax_code else "enterprise"


def normalize_tax_code(raw: str, producer_kind: str, field: str = "tax_code") -> str:
    """``0300588569``, ``0300588569-001`` for a branch, or a household business's 12-digit personal ID."""
    compact = _SEPARATORS.sub("", raw or "")
    if not compact:
        raise _fail(field, "Chưa nhập mã số thuế.", "The tax code is missing.", "required")
    if not compact.replace("-", "").isdigit():
        raise _fail(field, "Mã số thuế chỉ gồm chữ số.", "A tax code has digits only.", "not_digits")
    if compact.isdigit() and len(compact) == 10:
        _check_ten(compact, field)
        return compact
    branch = _BRANCH.match(compact)
    if branch:
        base, number = branch.groups()
        _check_ten(base, field)
        if number == "000":
            raise _fail(field, "Số thứ tự chi nhánh không hợp lệ.", "Not a valid branch number.", "bad_tax_code")
        return f"{base}-{number}"
    if compact.isdigit() and len(compact) == 12:
        if producer_kind != HOUSEHOLD:
            raise _fail(
                field,
                "Mã số thuế 12 chữ số (số định danh cá nhân) chỉ dùng cho hộ kinh doanh.",
                "A 12-digit tax code (a personal ID) is only for a household business.",
                "personal_id_not_household",
            )
        return compact
    raise _fail(
        field,
        "Mã số thuế gồm 10 chữ số, 13 chữ số dạng NNNNNNNNNN-NNN cho chi nhánh, hoặc số định danh cá nhân "
        "12 chữ số của hộ kinh doanh.",
        "A tax code has 10 digits, 13 as NNNNNNNNNN-NNN for a branch, or is a household business's "
        "12-digit personal ID.",
        "wrong_length",
    )


def normalize_decision_no(raw: str, field: str = "decision_no") -> str:
    """A decision number such as ``2919/QĐ-UBND``; spaces around ``/`` and ``-`` are dropped."""
    value = _DECISION_SPACES.sub(r"\1", " ".join((raw or "").split()))
    if not _DECISION.match(value):
        raise _fail(
            field,
            "Số quyết định có dạng số/QĐ-cơ quan, ví dụ 2919/QĐ-UBND.",
            "A decision number looks like number/QĐ-issuer, for example 2919/QĐ-UBND.",
            "bad_format",
        )
    return value
