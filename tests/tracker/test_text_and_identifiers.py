"""Text folding, identifiers and language negotiation: pure functions, no database."""

from __future__ import annotations

import pytest

from qr.text import fold_ascii
from tracker.lib.exceptions import ValidationFailed
from tracker.lib.i18n import negotiate
from tracker.lib.identifiers import mask, normalize_account_number, normalize_mobile, normalize_personal_id
from tracker.lib.text import like_escape, search_key


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Nguyễn Văn An", "nguyen van an"),
        ("ĐẶNG THỊ ĐÀO", "dang thi dao"),
        ("  Chợ   Nam Phước ", "cho nam phuoc"),
        ("Huỳnh Thị Ngọc Ánh", "huynh thi ngoc anh"),
        ("Thủy hải sản", "thuy hai san"),
        ("", ""),
        (None, ""),
    ],
)
def test_search_key_folds_vietnamese(text: str | None, key: str) -> None:
    assert search_key(text) == key


def test_fold_ascii_drops_marks_and_non_ascii() -> None:
    assert fold_ascii("Bà Trần Thị Đẹp – chợ Nam Phước ✓") == "Ba Tran Thi Dep cho Nam Phuoc"


def test_like_escape_makes_wildcards_literal() -> None:
    assert like_escape("50%_off\\") == "50\\%\\_off\\\\"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0905123456", "0905123456"),
        ("+84905123456", "0905123456"),
        ("84905123456", "0905123456"),
        ("0905 123 456", "0905123456"),
        ("0905.123.456", "0905123456"),
        ("0382123456", "0382123456"),
        ("0708123456", "0708123456"),
        ("0868123456", "0868123456"),
    ],
)
def test_mobile_numbers_are_normalized(raw: str, expected: str) -> None:
    assert normalize_mobile(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "required"),
        ("09051234", "wrong_length"),
        ("090512345678", "wrong_length"),
        ("0236381234", "not_mobile"),  # a Đà Nẵng landline
        ("0123456789", "not_mobile"),
        ("09O5123456", "not_digits"),
        ("0501234567", "unassigned_prefix"),
    ],
)
def test_bad_mobile_numbers_name_the_problem(raw: str, code: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        normalize_mobile(raw)
    (problem,) = caught.value.problems
    assert (problem.field, problem.code) == ("phone", code)
    assert problem.message.vi
    assert problem.message.en
    assert problem.message.vi != problem.message.en


def test_personal_id_twelve_digits_and_old_nine_digit_cards() -> None:
    assert normalize_personal_id("049 123 456 789") == ("049123456789", False)
    assert normalize_personal_id("201234567") == ("201234567", True)
    with pytest.raises(ValidationFailed) as caught:
        normalize_personal_id("12345")
    assert caught.value.problems[0].code == "wrong_length"


def test_account_numbers() -> None:
    assert normalize_account_number("0071 0001 23456") == "0071000123456"
    for bad in ("12345", "1" * 20, "12ab5678"):
        with pytest.raises(ValidationFailed):
            normalize_account_number(bad)


def test_mask() -> None:
    assert mask("0905123489") == "09******89"
    assert mask("049123456789") == "04********89"
    assert mask("123") == "**3"
    assert mask(None) is None


@pytest.mark.parametrize(
    ("header", "cookie", "lang"),
    [
        (None, None, "vi"),
        ("en", None, "en"),
        ("en-US,en;q=0.9", None, "en"),
        ("fr-FR, en;q=0.5, vi;q=0.8", None, "vi"),
        ("fr", None, "vi"),
        ("vi", "en", "en"),
        ("en;q=abc", None, "vi"),
    ],
)
def test_language_negotiation(header: str | None, cookie: str | None, lang: str) -> None:
    assert negotiate(header, cookie) == lang
