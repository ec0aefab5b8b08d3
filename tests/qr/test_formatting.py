from __future__ import annotations

import pytest

from qr import format_vnd, group_account, safe_filename, stall_sort_key


@pytest.mark.parametrize(
    ("amount", "text"),
    [(0, "0 đ"), (500, "500 đ"), (50000, "50.000 đ"), (1234567, "1.234.567 đ"), (499999999, "499.999.999 đ")],
)
def test_format_vnd(amount: int, text: str) -> None:
    assert format_vnd(amount) == text


@pytest.mark.parametrize(
    ("account", "grouped"),
    [("123456789012", "1234 5678 9012"), ("0011001234567", "0011 0012 3456 7"), ("123", "123"), ("", "")],
)
def test_group_account(account: str, grouped: str) -> None:
    assert group_account(account) == grouped


def test_stall_sort_key_is_natural_and_accent_blind() -> None:
    stalls = ["A10", "A2", "B1", "A1", "Đ2", "d10", "C", "A02b", "A2a", "10", "9"]
    assert sorted(stalls, key=stall_sort_key) == [
        "9",
        "10",
        "A1",
        "A2",
        "A2a",
        "A02b",
        "A10",
        "B1",
        "C",
        "Đ2",
        "d10",
    ]


@pytest.mark.parametrize(
    ("label", "stem"),
    [
        ("A12", "A12"),
        ("Dãy Đ / 5", "Day-D-5"),
        ("../etc/passwd", "etc-passwd"),
        ("越南", "poster"),
        ("", "poster"),
    ],
)
def test_safe_filename(label: str, stem: str) -> None:
    assert safe_filename(label) == stem
