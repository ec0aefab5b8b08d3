"""API shapes of platforms, onboarding records, their history, listing checks and status views."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec

from tracker.areas.schemas import AreaRef
from tracker.lib.schema import UNSET, Input, Schema, UnsetType

Stage = Literal[
    "planned",
    "account_created",
    "shop_pending",
    "shop_active",
    "listing_submitted",
    "listing_live",
    "listing_rejected",
    "delisted",
]
SubjectKind = Literal["product", "producer", "vendor"]
Verdict = Literal["ok", "broken", "unreachable", "inconclusive"]
Url = Annotated[str, msgspec.Meta(max_length=2000)]
Note = Annotated[str, msgspec.Meta(max_length=1000)]
PlatformKey = Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
Version = Annotated[int, msgspec.Meta(ge=1)]
Shapes = Annotated[list[Annotated[str, msgspec.Meta(min_length=1, max_length=200)]], msgspec.Meta(max_length=10)]
Hosts = Annotated[list[Annotated[str, msgspec.Meta(min_length=1, max_length=120)]], msgspec.Meta(max_length=10)]


class PlatformRef(Schema):
    id: int
    key: str
    name: str


class Platform(Schema):
    id: int
    key: str
    name: str
    operator: str | None
    kind: Literal["marketplace", "portal"]
    hosts: list[str]
    short_link_hosts: list[str]
    product_paths: list[str]
    shop_paths: list[str]
    keep_params: list[str]
    confidence: str | None
    area: AreaRef | None
    active: bool
    version: int


class PlatformCreate(Input):
    """A provincial portal (sàn TMĐT của tỉnh) added by an officer."""

    key: Annotated[str, msgspec.Meta(min_length=2, max_length=40, pattern=r"^[a-z0-9][a-z0-9_]*$")]
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=120)]
    hosts: Hosts
    product_paths: Shapes
    shop_paths: Shapes = msgspec.field(default_factory=list)
    short_link_hosts: Hosts = msgspec.field(default_factory=list)
    keep_params: Annotated[list[Annotated[str, msgspec.Meta(max_length=40)]], msgspec.Meta(max_length=10)] = (
        msgspec.field(default_factory=list)
    )
    operator: Annotated[str, msgspec.Meta(max_length=160)] | None = None
    area_code: Annotated[str, msgspec.Meta(min_length=1, max_length=20)] | None = None


class PlatformUpdate(Input):
    version: Version
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=120)] | UnsetType = UNSET
    hosts: Hosts | UnsetType = UNSET
    product_paths: Shapes | UnsetType = UNSET
    shop_paths: Shapes | UnsetType = UNSET
    short_link_hosts: Hosts | UnsetType = UNSET
    keep_params: (
        Annotated[list[Annotated[str, msgspec.Meta(max_length=40)]], msgspec.Meta(max_length=10)] | UnsetType
    ) = UNSET
    operator: Annotated[str, msgspec.Meta(max_length=160)] | UnsetType | None = UNSET
    active: bool | UnsetType = UNSET


class OnboardingCreate(Input):
    platform: PlatformKey
    product_id: int | None = None
    producer_id: int | None = None
    vendor_id: int | None = None
    # Progress made before the record was kept can be entered directly (up to a live listing).
    stage: Stage = "planned"
    shop_url: Url | None = None
    listing_url: Url | None = None
    evidence_url: Url | None = None
    note: Note | None = None
    team_id: int | None = None


class OnboardingUpdate(Input):
    version: Version
    shop_url: Url | UnsetType | None = UNSET
    listing_url: Url | UnsetType | None = UNSET
    note: Note | UnsetType | None = UNSET


class StageChange(Input):
    stage: Stage
    version: Version | None = None
    evidence_url: Url | None = None
    note: Note | None = None
    # Why the platform refused the listing: required for listing_rejected.
    reason: Note | None = None
    listing_url: Url | None = None
    shop_url: Url | None = None
    team_id: int | None = None
    # When it happened, if not now (not in the future, not before the previous change).
    at: dt.datetime | None = None


class ProducerBrief(Schema):
    id: int
    code: str
    name: str


class Subject(Schema):
    kind: SubjectKind
    id: int
    code: str
    name: str
    producer: ProducerBrief | None
    stars: int | None


class LastCheck(Schema):
    checked_at: dt.datetime
    verdict: Verdict
    verdict_label: str
    status_code: int | None
    final_url: str | None


class Onboarding(Schema):
    id: int
    subject: Subject
    platform: PlatformRef
    stage: Stage
    stage_label: str
    stage_changed_at: dt.datetime
    shop_url: str | None
    listing_url: str | None
    item_key: str | None
    needs_resolution: bool
    rejection_reason: str | None
    note: str | None
    team_id: int | None
    next_step: str
    allowed_stages: list[Stage]
    last_check: LastCheck | None
    broken: bool
    broken_since: dt.datetime | None
    area: AreaRef
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class StageEvent(Schema):
    from_stage: Stage | None
    from_label: str | None
    to_stage: Stage
    to_label: str
    at: dt.datetime
    by_id: int | None
    by_username: str
    team_id: int | None
    evidence_url: str | None
    note: str | None
    reason: str | None


class Hop(Schema):
    url: str
    status_code: int
    location: str


class ListingCheck(Schema):
    id: int
    onboarding_id: int
    checked_at: dt.datetime
    url: str
    reachable: bool
    status_code: int | None
    final_url: str | None
    redirects: list[Hop]
    error: str | None
    elapsed_ms: int | None
    verdict: Verdict
    verdict_label: str
    stage: Stage


class CheckResult(Schema):
    check: ListingCheck
    onboarding: Onboarding


class ListingBrief(Schema):
    """One platform's progress, as a producer sees it."""

    onboarding_id: int
    platform: PlatformRef
    stage: Stage
    stage_label: str
    stage_changed_at: dt.datetime
    listing_url: str | None
    shop_url: str | None
    last_check: LastCheck | None
    broken: bool
    rejection_reason: str | None
    next_step: str


class CertificationBrief(Schema):
    stars: int
    decision_no: str
    decision_date: dt.date
    valid_until: dt.date
    status: str
    status_label: str
    days_left: int | None


class ProductStatus(Schema):
    id: int
    code: str
    name: str
    stars: int | None
    certification: CertificationBrief | None
    certification_step: str | None
    listings: list[ListingBrief]


class ProducerOverview(Schema):
    producer: ProducerBrief
    shops: list[ListingBrief]
    products: list[ProductStatus]


class PublicPlatformStage(Schema):
    platform: str
    platform_name: str
    stage: Stage
    stage_label: str
    since: dt.date


class PublicStatus(Schema):
    """What anyone holding the product code and the last four digits of the producer's phone may read."""

    code: str
    name: str
    stars: int | None
    is_ocop: bool
    certificate_valid_until: dt.date | None
    platforms: list[PublicPlatformStage]


class BrokenListing(Schema):
    onboarding_id: int
    subject_code: str
    subject_name: str
    platform: str
    listing_url: str
    status_code: int | None
    final_url: str | None


class CheckSummary(Schema):
    checked: int
    ok: int
    broken: int
    newly_broken: int
    unreachable: int
    inconclusive: int
    resolved: int
    broken_listings: list[BrokenListing]


class Reference(Schema):
    subject_kinds: dict[str, str]
    stages: dict[str, str]
    transitions: dict[str, list[str]]
    verdicts: dict[str, str]
