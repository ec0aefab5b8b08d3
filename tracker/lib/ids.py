"""Record ids are 64-bit integers. A larger number (in a path or a body) names no record, and must not
reach the database, where it overflows the column instead of finding nothing."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar.params import PathParameter

MAX_ID = 2**63 - 1


def is_id(value: int) -> bool:
    return 1 <= value <= MAX_ID


# Ids as the API accepts them: a larger number is a 400 naming the field, never a query.
Id = Annotated[int, msgspec.Meta(ge=1, le=MAX_ID)]
PathId = Annotated[int, PathParameter(ge=1, le=MAX_ID)]
