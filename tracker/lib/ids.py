"""Record ids are 64-bit integers. A larger number (in a path or a body) names no record, and must not
reach the database, where it overflows the column instead of finding nothing."""

from __future__ import annotations

MAX_ID = 2**63 - 1


def is_id(value: int) -> bool:
    return 1 <= value <= MAX_ID
