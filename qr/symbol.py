"""The QR symbol of a payload: segno encodes it, this module picks the data mask fast.

segno chooses the mask by applying and scoring all eight in pure Python: about 10 ms for a version 8
symbol, so a market's 500 posters would spend 5 s on it alone. Here segno encodes once with mask 0;
the symbol is packed into two integers (by rows and by columns), the seven other masks are derived
with a few XORs (the data region, mask patterns and format information are precomputed per version),
and each is scored with the ISO/IEC 18004 penalty rules as shifts and masks over those integers. In
all about 2 ms. The tests check the derived symbols against segno's own output for every mask,
version and error level, and the penalty against a plain reading of the rules.

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


def make_symbol(payload: str, *, max_version: int = MAX_VERSION) -> QRSymbol:
    """Encode ``payload`` (level M or better) and pick the best of the eight data masks.

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
    rows0 = [bytes(row).translate(_BITS_TABLE).decode("ascii") for row in base.matrix]
    by_rows0, by_cols0 = pack(rows0), pack(transpose(rows0))
    best: tuple[int, int, int] | None = None
    for mask in range(8):
        by_rows, by_cols = remask(by_rows0, by_cols0, version, error, mask)
        score = packed_penalty(by_rows, by_cols, len(rows0))
        if best is None or score < best[0]:
            best = (score, mask, by_rows)
    assert best is not None
    return QRSymbol(version, error, best[1], tuple(unpack(best[2], len(rows0))))


_BITS_TABLE = bytes.maketrans(b"\x00\x01", b"01")

# Rows (or columns) are packed into one integer, first row in the highest bits, each line of n
# modules followed by 4 light separator bits and the whole framed by 4 more: a shift of 1 moves along
# a line, a shift of n + 4 moves to the next line, and no run or pattern crosses from one line into
# another (4 light modules are what the rules ask outside the symbol anyway).
_GAP = "0000"


def pack(lines: list[str]) -> int:
    return int(_GAP + _GAP.join(lines) + _GAP, 2)


def unpack(packed: int, n: int) -> list[str]:
    text = format(packed, f"0{n * n + 4 * n + 4}b")
    return [text[4 + i * (n + 4) : 4 + i * (n + 4) + n] for i in range(n)]


def transpose(lines: list[str]) -> list[str]:
    return ["".join(column) for column in zip(*lines, strict=True)]


def remask(by_rows0: int, by_cols0: int, version: int, error: str, mask: int) -> tuple[int, int]:
    """Row- and column-packed symbol that segno made with mask 0, re-masked with ``mask``.

    Data modules flip where mask 0 and ``mask`` differ; the format information is rewritten.
    """
    if mask == 0:
        return by_rows0, by_cols0
    (row_data, row_fmt, row_masks), (col_data, col_fmt, col_masks) = _packed_regions(version)
    row_bits, col_bits = _packed_format(version, error, mask)
    by_rows = ((by_rows0 ^ (row_data & (row_masks[0] ^ row_masks[mask]))) & ~row_fmt) | row_bits
    by_cols = ((by_cols0 ^ (col_data & (col_masks[0] ^ col_masks[mask]))) & ~col_fmt) | col_bits
    return by_rows, by_cols


def masked_rows(rows0: list[str], version: int, error: str, mask: int) -> list[str]:
    """The rows of the symbol segno made with mask 0 (``rows0``), re-masked with ``mask``."""
    by_rows, _ = remask(pack(rows0), pack(transpose(rows0)), version, error, mask)
    return unpack(by_rows, len(rows0))


def penalty(strings: list[str]) -> int:
    """ISO/IEC 18004 7.8.3.1 penalty of a symbol given as row strings of "0" and "1"."""
    return packed_penalty(pack(strings), pack(transpose(strings)), len(strings))


_FINDER_LIKE = ("10111010000", "00001011101")  # 1:1:3:1:1 with 4 light modules after, or before


def packed_penalty(by_rows: int, by_cols: int, n: int) -> int:
    """The penalty of a symbol packed by rows and by columns: a few dozen operations on two integers.

    The area outside the symbol counts as light for the finder-like patterns (it is the quiet zone).
    """
    ones = _all_modules(n)
    n1 = 0
    for dark in (by_rows, by_cols):
        for line in (dark, ~dark & ones):
            # Windows of 5 equal modules, and the last window of each run: sum(L - 2) = sum(L - 4) + 2 * runs.
            win = line & (line >> 1) & (line >> 2) & (line >> 3) & (line >> 4)
            n1 += win.bit_count() + 2 * (win & ~(line >> 5)).bit_count()
    n2 = 0
    for line in (by_rows, ~by_rows & ones):
        pairs = line & (line >> (n + 4))  # a module and the one below it
        n2 += 3 * (pairs & (pairs >> 1)).bit_count()
    starts = (1 << (n * n + 4 * n + 4 - 10)) - 1  # windows of 11 that lie within the packing
    n3 = 0
    for dark in (by_rows, by_cols):
        light = ~dark
        for pattern in _FINDER_LIKE:
            hits = starts
            for i, module in enumerate(pattern):
                hits &= (dark if module == "1" else light) >> (10 - i)
            n3 += 40 * hits.bit_count()
    total = n * n
    n4 = 10 * (abs(20 * by_rows.bit_count() - 10 * total) // total)
    return n1 + n2 + n3 + n4


@functools.cache
def _all_modules(n: int) -> int:
    return pack(["1" * n] * n)


@functools.cache
def _packed_regions(version: int) -> tuple[tuple[int, int, tuple[int, ...]], ...]:
    """(data region, format region, the 8 masks) packed by rows, then the same packed by columns."""
    n = 17 + 4 * version
    data, fmt, _ = _regions(version)
    out = []
    for flip in (False, True):

        def packed(rows: list[int], flip: bool = flip) -> int:
            lines = [format(r, f"0{n}b") for r in rows]
            return pack(transpose(lines) if flip else lines)

        out.append((packed(data), packed(fmt), tuple(packed(_mask_rows(version, m)) for m in range(8))))
    return tuple(out)


@functools.cache
def _packed_format(version: int, error: str, mask: int) -> tuple[int, int]:
    n = 17 + 4 * version
    lines = [format(r, f"0{n}b") for r in _format_rows(version, error, mask)]
    return pack(lines), pack(transpose(lines))


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
