"""The API contract of the reports and targets."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec

from tracker.lib.ids import Id
from tracker.lib.schema import UNSET, Input, Schema, UnsetType

Indicator = Literal["vendors", "with_account", "with_poster", "active", "ocop_online"]
Measure = Literal["share", "count"]
Breakdown = Literal["unit", "market"]


class AreaInfo(Schema):
    code: str
    name: str
    level: str


class Drilldown(Schema):
    """The list endpoints (path and query string) that hold the records a row counts."""

    vendors: str
    active: str
    markets: str | None = None


class UptakeFigures(Schema):
    markets: int
    stalls: int
    vendors: int
    with_account: int
    with_poster: int
    active: int
    # Each as a share of the stalls (None when there are no stalls).
    vendors_share: float | None
    with_account_share: float | None
    with_poster_share: float | None
    active_share: float | None


class UptakeRow(UptakeFigures):
    kind: Literal["unit", "market"]
    code: str
    name: str
    market_id: int | None
    area_code: str | None
    drilldown: Drilldown


class TargetProgress(Schema):
    target_id: int
    indicator: Indicator
    measure: Measure
    area_code: str
    market_id: int | None
    label: str
    value: float
    deadline: dt.date
    legal_basis: str | None
    actual: float
    gap: float
    monthly_pace: float
    projected: float
    on_track: bool
    met: bool


class UptakeReport(Schema):
    area: AreaInfo | None
    on: dt.date
    by: Breakdown
    rows: list[UptakeRow]
    unassigned: UptakeFigures
    total: UptakeFigures
    targets: list[TargetProgress]


class OcopFigures(Schema):
    producers: int
    products: int
    certified: int
    live: int
    certified_live: int
    online_share: float | None
    producers_live_shop: int


class OcopRow(OcopFigures):
    code: str
    name: str
    drilldown: str


class PlatformFigure(Schema):
    platform: str
    name: str
    live: int


class StageFigure(Schema):
    stage: str
    label: str
    count: int


class OcopReport(Schema):
    area: AreaInfo | None
    on: dt.date
    rows: list[OcopRow]
    unassigned: OcopFigures
    total: OcopFigures
    platforms: list[PlatformFigure]
    funnel: list[StageFigure]
    median_days_to_live: float | None
    broken_listings: int
    expiring_90_days: int
    targets: list[TargetProgress]


class TeamWeekRow(Schema):
    week: dt.date
    team_id: int | None
    team: str
    user_id: int | None
    member: str
    registrations: int
    posters: int
    onboarding_steps: int


class TeamsReport(Schema):
    area: AreaInfo | None
    since: dt.date
    until: dt.date
    rows: list[TeamWeekRow]
    teams: list[TeamWeekRow]
    total: TeamWeekRow


class TrendPoint(Schema):
    month: str
    as_of: dt.date
    markets: int
    stalls: int
    vendors: int
    with_account: int
    with_poster: int
    active: int
    active_share: float | None
    certified: int
    live_products: int


class TrendReport(Schema):
    area: AreaInfo | None
    since: str
    until: str
    points: list[TrendPoint]


class Target(Schema):
    id: int
    indicator: Indicator
    measure: Measure
    value: float
    area_code: str
    area_name: str
    market_id: int | None
    deadline: dt.date
    legal_basis: str | None
    note: str | None
    version: int
    created_at: dt.datetime


ShareOrCount = Annotated[float, msgspec.Meta(ge=0, le=10_000_000)]


class TargetCreate(Input):
    indicator: Indicator
    measure: Measure
    value: ShareOrCount
    area_code: Annotated[str, msgspec.Meta(min_length=1, max_length=20)]
    deadline: dt.date
    market_id: Id | None = None
    legal_basis: Annotated[str, msgspec.Meta(max_length=200)] | None = None
    note: Annotated[str, msgspec.Meta(max_length=2000)] | None = None


class TargetUpdate(Input):
    version: Annotated[int, msgspec.Meta(ge=1)]
    value: ShareOrCount | UnsetType = UNSET
    deadline: dt.date | UnsetType = UNSET
    legal_basis: Annotated[str, msgspec.Meta(max_length=200)] | UnsetType | None = UNSET
    note: Annotated[str, msgspec.Meta(max_length=2000)] | UnsetType | None = UNSET
