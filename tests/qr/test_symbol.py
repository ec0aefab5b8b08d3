from __future__ import annotations

import random

import pytest
import segno
from hypothesis import given, settings
from hypothesis import strategies as st

from qr import MAX_VERSION, QRTooDenseError, VietQR, encode, make_symbol
from qr.symbol import _BITS_TABLE, masked_rows, penalty


def segno_rows(symbol: segno.QRCode) -> list[str]:
    return [bytes(row).translate(_BITS_TABLE).decode() for row in symbol.matrix]


@pytest.mark.parametrize("version", range(1, MAX_VERSION + 1))
@pytest.mark.parametrize("error", ["L", "M", "Q", "H"])
def test_derived_masks_equal_segno(version: int, error: str) -> None:
    base = segno.make("VietQR", version=version, error=error, micro=False, mask=0, boost_error=False)
    rows0 = segno_rows(base)
    for mask in range(1, 8):
        expected = segno.make("VietQR", version=version, error=error, micro=False, mask=mask, boost_error=False)
        assert masked_rows(rows0, version, error, mask) == segno_rows(expected), mask


def reference_penalty(rows: list[str]) -> int:
    """ISO/IEC 18004 7.8.3.1, read plainly, module by module (outside the symbol counts as light)."""
    n = len(rows)
    grid = [[int(c) for c in row] for row in rows]
    lines = grid + [[grid[i][j] for i in range(n)] for j in range(n)]
    n1 = 0
    for line in lines:
        run = 1
        for k in range(1, n + 1):
            if k < n and line[k] == line[k - 1]:
                run += 1
            else:
                if run >= 5:
                    n1 += 3 + (run - 5)
                run = 1
    n2 = sum(
        3
        for i in range(n - 1)
        for j in range(n - 1)
        if grid[i][j] == grid[i][j + 1] == grid[i + 1][j] == grid[i + 1][j + 1]
    )
    n3 = 0
    finder = [1, 0, 1, 1, 1, 0, 1]
    for line in lines:
        padded = [0] * 4 + line + [0] * 4
        for k in range(4, len(padded) - 6):
            if padded[k : k + 7] == finder:
                n3 += 40 * (padded[k - 4 : k] == [0] * 4) + 40 * (padded[k + 7 : k + 11] == [0] * 4)
    dark = sum(map(sum, grid))
    n4 = 10 * int(abs(dark * 100 / (n * n) - 50) // 5)
    return n1 + n2 + n3 + n4


@st.composite
def matrices(draw: st.DrawFn) -> list[str]:
    n = draw(st.sampled_from([21, 25, 29, 45, 57]))
    pieces = st.sampled_from(["0", "1", "00000", "111111", "1011101", "00001011101", "10111010000"])
    rows = []
    for _ in range(n):
        row = "".join(draw(st.lists(pieces, min_size=n // 3, max_size=n)))
        rows.append((row + "0" * n)[:n])
    return rows


@settings(max_examples=40, deadline=None)
@given(matrices())
def test_fast_penalty_matches_the_rules(rows: list[str]) -> None:
    assert penalty(rows) == reference_penalty(rows)


def test_chosen_mask_has_the_lowest_penalty() -> None:
    payload = encode(VietQR(bin="970436", account="0011001234567", purpose="Thanh toan quay A12"))
    symbol = make_symbol(payload)
    rows0 = segno_rows(segno.make(payload, error="m", micro=False, mask=0))
    scores = [reference_penalty(masked_rows(rows0, symbol.version, symbol.error, mask)) for mask in range(8)]
    assert scores[symbol.mask] == min(scores)
    # And the symbol is exactly what segno makes with that mask.
    expected = segno.make(payload, error="m", micro=False, mask=symbol.mask)
    assert list(symbol.rows) == segno_rows(expected)


def test_level_m_at_least_and_version_grows_with_payload() -> None:
    short = make_symbol(encode(VietQR(bin="970436", account="1")))
    long = make_symbol(encode(VietQR(bin="970436", account="0011001234567", merchant_name="N" * 25, purpose="P" * 25)))
    assert short.error in {"M", "Q", "H"}
    assert long.version > short.version
    assert long.size == 17 + 4 * long.version
    assert long.size_with_quiet_zone == long.size + 8


def test_too_dense_payload_is_refused_in_both_languages() -> None:
    payload = "".join(random.Random(1).choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij0123456789") for _ in range(400))
    with pytest.raises(QRTooDenseError) as info:
        make_symbol(payload)
    assert info.value.code == "qr_too_dense"
    assert "phiên bản" in info.value.vi
    assert "version" in info.value.en
    assert f"maximum of {MAX_VERSION}" in info.value.en
    with pytest.raises(QRTooDenseError):
        make_symbol("x" * 5000)


def test_max_version_can_be_lowered() -> None:
    payload = encode(VietQR(bin="970436", account="0011001234567", purpose="Thanh toan quay A12"))
    symbol = make_symbol(payload)
    with pytest.raises(QRTooDenseError):
        make_symbol(payload, max_version=symbol.version - 1)
    assert make_symbol(payload, max_version=symbol.version) == symbol
