"""API shapes of administrative units."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec

from tracker.lib.schema import Input, Schema


class Area(Schema):
    id: int
    code: str
    name: str
    type: str
    level: str
    parent_code: str | None
    valid_from: dt.date | None
    valid_to: dt.date | None


class AreaLink(Schema):
    area: Area
    kind: str
    effective_date: dt.date
    legal_basis: str | None


class AreaDetail(Area):
    parents: list[Area]
    successors: list[AreaLink]
    predecessors: list[AreaLink]


class VillageCreate(Input):
    parent_code: Annotated[str, msgspec.Meta(min_length=1, max_length=20)]
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=120)]
    type: Annotated[str, msgspec.Meta(min_length=1, max_length=60)] = "Thôn"
    valid_from: dt.date | None = None


class AreaRef(Schema):
    """A unit as other records show it."""

    id: int
    code: str
    name: str
    level: str
