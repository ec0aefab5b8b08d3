"""The QR symbol of a payload: segno encodes it, this module picks the data mask fast.

segno chooses the mask by applying and scoring all eight in pure Python, which takes about 14 ms for a
version 8 symbol; a market's 500 posters would spend 7 s on that alone. Here segno encodes once with
mask 0 and the seven other masked symbols are derived by XOR on whole rows held as integers, scored
with the ISO/IEC 18004 penalty rules (N1 runs, N2 blocks, N3 finder-like patterns, N4 balance) on
row and column strings, and the best one kept: about 4 ms in all. The tests check the derived symbols
against segno's own output for every mask, version and error level, and the fast penalty against a
plain reading of the rules.

Posters print error correction level M at least (segno raises it to Q or H when that fits the same
version) and at most version :data:`MAX_VERSION`: 57 modules a side, which a phone still reads at arm's
length from an A6 sheet.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import segno

from qr.errors import QRTooDenseError

MAX_VERSION = 10
ERROR_LEVEL = "M"
QUIET_ZONE = 4
"""Light modules around the symbol (ISO/IEC 18004 asks for 4)."""

# ISO/IEC 18004 Annex E: row/column coordinates of the alignment pattern centres, versions 1-10.
_ALIGNMENT = {
    1: (),
    2: (6, 18),
    3: (6, 22),
    4: (6, 26),
    5: (6, 30),
    6: (6, 34),
    7: (6, 22, 38),
    8: (6, 24, 42),
    9: (6, 26, 46),
    10: (6, 28, 50),
}
_EC_BITS = {"L": 1, "M": 0, "Q": 3, "H": 2}
_FINDER_LEFT = "00001011101"  # 1:1:3:1:1 with 4 light modules before
_FINDER_RIGHT = "10111010000"  # and after


@dataclass(frozen=True, slots=True)
class QRSymbol:
    """A QR code as rows of "0" (light) and "1" (dark), without the quiet zone."""

    version: int
    error: str
    mask: int
    rows: tuple[str, ...]

    @property
    def size(self) -> int:
        return len(self.rows)

    @property
    def size_with_quiet_zone(self) -> int:
        return len(self.rows) + 2 * QUIET_ZONE


def version_of(payload: str) -> int:
    """The smallest QR version that holds ``payload`` at error level M."""
    return int(segno.make(payload, error=ERROR_LEVEL, micro=False, mask=0).version)


def make_symbol(payload: str, *, max_version: int = MAX_VERSION) -> QRSymbol:
    """Encode ``payload`` (byte mode, level M or better) and pick the best of the eight masks.

    Raises :class:`~qr.errors.QRTooDenseError` when it needs a version above ``max_version``.
    """
    if max_version > MAX_VERSION:
        raise ValueError(f"max_version is at most {MAX_VERSION}")
    try:
        base = segno.make(payload, error=ERROR_LEVEL, micro=False, mask=0)
    except segno.DataOverflowError:
        raise QRTooDenseError("qr_too_dense", found="> 40", limit=max_version) from None
    version = int(base.version)
    if version > max_version:
        raise QRTooDenseError("qr_too_dense", found=version, limit=max_version)
    error = str(base.error).upper()
    n = 17 + 4 * version
    rows0 = [int(bytes(row).translate(_BITS_TABLE), 2) for row in base.matrix]
    best: tuple[int, int, list[str]] | None = None
    for mask in range(8):
        rows = masked_rows(rows0, version, error, mask) if mask else rows0
        strings = [format(row, f"0{n}b") for row in rows]
        score = penalty(strings)
        if best is None or score < best[0]:
            best = (score, mask, strings)
    assert best is not None
    return QRSymbol(version, error, best[1], tuple(best[2]))


_BITS_TABLE = bytes.maketrans(b"\x00\x01", b"01")


def masked_rows(rows0: list[int], version: int, error: str, mask: int) -> list[int]:
    """The rows of the symbol that mask 0 gave (``rows0``), re-masked with ``mask``."""
    data, fmt_region, _ = _regions(version)
    flip = _mask_rows(version, 0)
    new = _mask_rows(version, mask)
    fmt_bits = _format_rows(version, error, mask)
    return [
        ((row ^ (data[i] & (flip[i] ^ new[i]))) & ~fmt_region[i]) | fmt_bits[i] for i, row in enumerate(rows0)
    ]


def penalty(strings: list[str]) -> int:
    """ISO/IEC 18004 7.8.3.1 penalty of a symbol given as row strings of "0" and "1".

    All rows (then all columns) are packed into one integer, each followed by a light separator bit, so
    that each rule is a handful of shifts and masks over the whole symbol. The area outside the symbol
    counts as light (it is the quiet zone) for the finder-like patterns.
    """
    n = len(strings)
    columns = ["".join(col) for col in zip(*strings, strict=True)]
    ones = int("0".join(["1" * n] * n), 2)  # every module bit, no separator bits
    by_rows = int("0".join(strings), 2)
    by_cols = int("0".join(columns), 2)
    n1 = 0
    for dark in (by_rows, by_cols):
        for line in (dark, ~dark & ones):
            # Windows of 5 equal modules, and the last window of each run: sum(L - 2) = sum(L - 4) + 2 * runs.
            win = line & (line >> 1) & (line >> 2) & (line >> 3) & (line >> 4)
            n1 += win.bit_count() + 2 * (win & ~(line >> 5)).bit_count()
    n2 = 0
    for line in (by_rows, ~by_rows & ones):
        pairs = line & (line >> (n + 1))  # a module and the one below it
        n2 += 3 * (pairs & (pairs >> 1)).bit_count()
    # Neither pattern overlaps itself, so counting non-overlapping occurrences counts them all.
    padded = "2".join(f"0000{line}0000" for line in strings + columns)
    n3 = 40 * (padded.count(_FINDER_LEFT) + padded.count(_FINDER_RIGHT))
    total = n * n
    n4 = 10 * (abs(20 * by_rows.bit_count() - 10 * total) // total)
    return n1 + n2 + n3 + n4


def _bit(n: int, col: int) -> int:
    """The integer bit of column ``col`` in a row of width ``n`` (column 0 is the leftmost, highest bit)."""
    return 1 << (n - 1 - col)


@functools.cache
def _regions(version: int) -> tuple[list[int], list[int], list[int]]:
    """Per row: the data (encoding) region, the format information region and all function modules."""
    n = 17 + 4 * version
    function = [[False] * n for _ in range(n)]

    def fill(r0: int, c0: int, h: int, w: int) -> None:
        for r in range(max(r0, 0), min(r0 + h, n)):
            for c in range(max(c0, 0), min(c0 + w, n)):
                function[r][c] = True

    fill(0, 0, 9, 9)  # finder, separator and format information, top left
    fill(0, n - 8, 9, 8)  # top right
    fill(n - 8, 0, 8, 9)  # bottom left, with the dark module
    fill(6, 0, 1, n)  # timing patterns
    fill(0, 6, n, 1)
    centres = _ALIGNMENT[version]
    for r in centres:
        for c in centres:
            if (r, c) in {(6, 6), (6, centres[-1]), (centres[-1], 6)}:
                continue
            fill(r - 2, c - 2, 5, 5)
    if version >= 7:  # version information
        fill(0, n - 11, 6, 3)
        fill(n - 11, 0, 3, 6)
    fmt_cells = _format_cells(n)
    data = [sum(_bit(n, c) for c in range(n) if not function[r][c]) for r in range(n)]
    fmt = [0] * n
    for r, c in fmt_cells:
        fmt[r] |= _bit(n, c)
    func = [sum(_bit(n, c) for c in range(n) if function[r][c]) for r in range(n)]
    return data, fmt, func


def _format_cells(n: int) -> list[tuple[int, int]]:
    """(row, column) of format bits 0-14, first copy then second copy."""
    first = [(i, 8) for i in range(6)] + [(7, 8), (8, 8), (8, 7)] + [(8, 14 - i) for i in range(9, 15)]
    second = [(8, n - 1 - i) for i in range(8)] + [(n - 15 + i, 8) for i in range(8, 15)]
    return first + second


@functools.cache
def _format_rows(version: int, error: str, mask: int) -> list[int]:
    n = 17 + 4 * version
    data = _EC_BITS[error] << 3 | mask
    rem = data
    for _ in range(10):
        rem = (rem << 1) ^ ((rem >> 9) * 0x537)
    bits = (data << 10 | rem) ^ 0x5412
    rows = [0] * n
    cells = _format_cells(n)
    for i, (r, c) in enumerate(cells):
        if (bits >> (i % 15)) & 1:
            rows[r] |= _bit(n, c)
    return rows


_MASKS: tuple[Callable[[int, int], bool], ...] = (
    lambda i, j: (i + j) % 2 == 0,
    lambda i, j: i % 2 == 0,
    lambda i, j: j % 3 == 0,
    lambda i, j: (i + j) % 3 == 0,
    lambda i, j: (i // 2 + j // 3) % 2 == 0,
    lambda i, j: (i * j) % 2 + (i * j) % 3 == 0,
    lambda i, j: ((i * j) % 2 + (i * j) % 3) % 2 == 0,
    lambda i, j: ((i + j) % 2 + (i * j) % 3) % 2 == 0,
)


@functools.cache
def _mask_rows(version: int, mask: int) -> list[int]:
    """Mask ``mask`` over the whole symbol (row i, column j), as row integers."""
    n = 17 + 4 * version
    pattern = _MASKS[mask]
    return [sum(_bit(n, j) for j in range(n) if pattern(i, j)) for i in range(n)]
