"""How numbers, account numbers, stalls and file names are written on and around posters."""

from __future__ import annotations

import re

from qr.text import fold_ascii

_CHUNKS = re.compile(r"(\d+)")
_UNSAFE = re.compile(r"[^A-Za-z0-9]+")


def format_vnd(amount: int) -> str:
    """An amount of đồng the Vietnamese way: 50000 -> "50.000 đ"."""
    return f"{amount:,}".replace(",", ".") + " đ"


def group_account(account: str, size: int = 4) -> str:
    """An account or card number in groups for reading aloud: "123456789012" -> "1234 5678 9012"."""
    compact = "".join(account.split())
    return " ".join(compact[i : i + size] for i in range(0, len(compact), size))


def stall_sort_key(stall: str) -> tuple[tuple[int, int | str], ...]:
    """Natural order of stall labels: "A2" before "A10", accents and case ignored ("Đ1" sorts as "D1")."""
    folded = fold_ascii(stall).casefold()
    key: list[tuple[int, int | str]] = []
    for i, chunk in enumerate(_CHUNKS.split(folded)):
        if not chunk:
            continue
        # Odd positions of the split are the digit runs; (0, n) sorts numbers before text at the same place.
        key.append((0, int(chunk)) if i % 2 else (1, chunk.strip()))
    return tuple(key)


def safe_filename(label: str, fallback: str = "poster") -> str:
    """An ASCII file name stem from a label: "Dãy Đ / 5" -> "Day-D-5"."""
    stem = _UNSAFE.sub("-", fold_ascii(label)).strip("-")
    return stem[:80] or fallback
