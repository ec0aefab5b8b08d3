"""Unit tests of the OCOP rules: tax codes, decision numbers, stars and scores, levels, validity."""

from __future__ import annotations

import datetime as dt

import pytest

from ocop.reference import (
    add_months,
    effective_status,
    expected_levels,
    legal_basis,
    stars_for_score,
    tree,
    valid_until,
)
from ocop.validation import normalize_decision_no, normalize_tax_code, tax_check_digit, tax_code_kind
from tracker.lib.exceptions import ValidationFailed

# Published tax codes of well-known companies.
REAL_TAX_CODES = {
    "Vinamilk": "0300588569",
    "Viettel": "0100109106",
    "FPT": "0101248141",
    "Vietcombank": "0100112437",
    "Vietnam Airlines": "0100107518",
    "Hòa Phát": "0900189284",
    "Petrolimex": "0100107370",
}


@pytest.mark.parametrize("company", sorted(REAL_TAX_CODES))
def test_real_tax_codes_pass_the_check_digit(company: str) -> None:
    code = REAL_TAX_CODES[company]
    assert tax_check_digit(code[:9]) == int(code[9])
    assert normalize_tax_code(code, "doanh_nghiep") == code


def test_tax_code_forms() -> None:
    assert normalize_tax_code(" 0300 588 569 ", "doanh_nghiep") == "0300588569"
    assert normalize_tax_code("0300588569-001", "doanh_nghiep") == "0300588569-001"
    assert normalize_tax_code("0300588569001", "hop_tac_xa") == "0300588569-001"
    assert tax_code_kind("0300588569-001") == "branch"
    assert tax_code_kind("0300588569") == "enterprise"
    # From 2025-07-01 a household business's tax code is its owner's personal ID.
    assert normalize_tax_code("049168001234", "ho_kinh_doanh") == "049168001234"
    assert tax_code_kind("049168001234") == "personal_id"


@pytest.mark.parametrize(
    ("raw", "kind", "code"),
    [
        ("0300588560", "doanh_nghiep", "bad_check_digit"),  # Vinamilk with the last digit changed
        ("0300588569-000", "doanh_nghiep", "bad_tax_code"),
        ("0100000007", "doanh_nghiep", "bad_tax_code"),
        ("049168001234", "doanh_nghiep", "personal_id_not_household"),
        ("12345", "doanh_nghiep", "wrong_length"),
        ("03005885AB", "doanh_nghiep", "not_digits"),
        ("", "doanh_nghiep", "required"),
    ],
)
def test_bad_tax_codes_name_the_field(raw: str, kind: str, code: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        normalize_tax_code(raw, kind)
    (problem,) = caught.value.problems
    assert (problem.field, problem.code) == ("tax_code", code)
    assert problem.message.vi
    assert problem.message.en
    assert problem.message.vi != problem.message.en


def test_a_check_digit_of_ten_is_never_issued() -> None:
    # 400765432: 10 - (sum mod 11) would be 10, which is not a digit.
    assert tax_check_digit("400765432") is None


@pytest.mark.parametrize("raw", ["2919/QĐ-UBND", "148/QĐ-TTg", "15/2023/QĐ-UBND", "1234/QD-UBND", "2919 / QĐ - UBND"])
def test_decision_numbers_are_checked_loosely(raw: str) -> None:
    assert normalize_decision_no(raw).startswith(raw.split("/")[0].strip())


@pytest.mark.parametrize("raw", ["QĐ-UBND", "2919", "2919/UBND", "abc/QĐ-UBND", ""])
def test_bad_decision_numbers(raw: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        normalize_decision_no(raw)
    assert caught.value.problems[0].field == "decision_no"


@pytest.mark.parametrize(
    ("score", "stars"),
    [(0, 1), (29, 1), (30, 2), (49, 2), (50, 3), (69, 3), (70, 4), (89, 4), (90, 5), (100, 5)],
)
def test_stars_follow_the_score(score: int, stars: int) -> None:
    assert stars_for_score(score) == stars


def test_issuing_level_depends_on_stars_date_and_legal_basis() -> None:
    assert expected_levels(3, dt.date(2022, 6, 1)) == ("province",)
    assert legal_basis(dt.date(2022, 6, 1)) == "1048/QĐ-TTg"
    # 148/QĐ-TTg moved 3★ to the district from 2023-02-24 (either level during the first year).
    assert expected_levels(3, dt.date(2023, 3, 1)) == ("district", "province")
    assert expected_levels(3, dt.date(2024, 6, 1)) == ("district",)
    assert legal_basis(dt.date(2024, 6, 1)) == "148/QĐ-TTg"
    # Districts were abolished on 2025-07-01; 1489/QĐ-TTg gives 3★ back to the province.
    assert expected_levels(3, dt.date(2025, 7, 2)) == ("province",)
    assert legal_basis(dt.date(2025, 7, 6)) == "1489/QĐ-TTg"
    assert legal_basis(dt.date(2025, 7, 5)) == "148/QĐ-TTg"
    assert expected_levels(4, dt.date(2024, 6, 1)) == ("province",)
    assert expected_levels(5, dt.date(2024, 6, 1)) == ("central",)


def test_certificates_are_valid_36_months() -> None:
    assert valid_until(dt.date(2023, 5, 10)) == dt.date(2026, 5, 10)
    assert valid_until(dt.date(2024, 2, 29)) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2025, 1, 31), 1) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2025, 3, 31), -1) == dt.date(2025, 2, 28)


def test_expiry_is_computed_on_read() -> None:
    today = dt.date(2026, 6, 1)
    assert effective_status("active", dt.date(2026, 6, 1), today) == "active"
    assert effective_status("active", dt.date(2026, 5, 31), today) == "expired"
    assert effective_status("revoked", dt.date(2020, 1, 1), today) == "revoked"


def test_the_148_tree() -> None:
    current = tree()
    assert current.version == "148/QĐ-TTg"
    assert sorted(current.groups) == ["1", "2", "3", "4", "5", "6"]
    assert current.groups["6"].name.startswith("Dịch vụ du lịch cộng đồng")
    assert current.subgroups["1.3"].parent == "1"
    assert current.sets["1.3.b"].parent == "1.3"
    assert len(current.sets) == 26
