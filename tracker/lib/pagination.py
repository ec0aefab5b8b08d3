"""Bounded pagination and sorting parameters shared by every list endpoint."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from litestar.params import QueryParameter

MAX_LIMIT = 200
MAX_OFFSET = 1_000_000


@dataclass(frozen=True, slots=True)
class PageParams:
    limit: int
    offset: int


def provide_page(
    limit: Annotated[
        int, QueryParameter(ge=1, le=MAX_LIMIT, description="Số bản ghi mỗi trang / page size (1–200)")
    ] = 50,
    offset: Annotated[
        int, QueryParameter(ge=0, le=MAX_OFFSET, description="Bỏ qua bao nhiêu bản ghi / records to skip")
    ] = 0,
) -> PageParams:
    return PageParams(limit=limit, offset=offset)
