"""API shapes of markets, vendors and payment accounts."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec

from tracker.areas.schemas import AreaRef
from tracker.lib.ids import Id
from tracker.lib.schema import UNSET, Input, Schema, UnsetType

MarketKind = Literal["hang_1", "hang_2", "hang_3", "tam", "dem"]
GoodsCategory = Literal[
    "rau_cu_qua",
    "thit",
    "thuy_hai_san",
    "gao_hang_kho",
    "quan_ao_vai",
    "an_uong",
    "tap_hoa",
    "hoa_cay_canh",
    "khac",
]
VendorStatus = Literal["registered", "qr_issued", "active", "paused"]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=120)]
Stall = Annotated[str, msgspec.Meta(min_length=1, max_length=20)]
Phone = Annotated[str, msgspec.Meta(max_length=20)]
Version = Annotated[int, msgspec.Meta(ge=1)]


class Problem(Schema):
    """A warning attached to a saved record (it was saved, but someone should look)."""

    field: str
    code: str
    message: str


class Market(Schema):
    id: int
    code: str
    name: str
    area_code: str
    area: AreaRef
    address: str | None
    kind: MarketKind
    stall_count: int
    latitude: float | None
    longitude: float | None
    active: bool
    version: int
    import_id: int | None = None  # the spreadsheet import that created or last changed it


class MarketCreate(Input):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=160)]
    area_code: Annotated[str, msgspec.Meta(min_length=1, max_length=20)]
    kind: MarketKind
    stall_count: Annotated[int, msgspec.Meta(ge=1, le=20_000)]
    code: Annotated[str, msgspec.Meta(min_length=2, max_length=12)] | None = None
    address: Annotated[str, msgspec.Meta(max_length=255)] | None = None
    latitude: Annotated[float, msgspec.Meta(ge=-90, le=90)] | None = None
    longitude: Annotated[float, msgspec.Meta(ge=-180, le=180)] | None = None


class MarketUpdate(Input):
    version: Version
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=160)] | UnsetType = UNSET
    area_code: Annotated[str, msgspec.Meta(min_length=1, max_length=20)] | UnsetType = UNSET
    kind: MarketKind | UnsetType = UNSET
    stall_count: Annotated[int, msgspec.Meta(ge=1, le=20_000)] | UnsetType = UNSET
    address: Annotated[str, msgspec.Meta(max_length=255)] | UnsetType | None = UNSET
    latitude: Annotated[float, msgspec.Meta(ge=-90, le=90)] | UnsetType | None = UNSET
    longitude: Annotated[float, msgspec.Meta(ge=-180, le=180)] | UnsetType | None = UNSET
    active: bool | UnsetType = UNSET


class PaymentAccountInput(Input):
    bank_bin: Annotated[str, msgspec.Meta(max_length=6)]
    account_number: Annotated[str, msgspec.Meta(max_length=30)]
    account_name: Annotated[str, msgspec.Meta(max_length=60)] | None = None
    is_primary: bool = False


class PaymentAccount(Schema):
    id: int
    bank_bin: str
    bank_code: str | None
    bank_short_name: str | None
    account_number: str
    account_name: str
    is_primary: bool


class VendorCreate(Input):
    full_name: Name
    phone: Phone
    market_id: Id
    stall: Stall
    goods_category: GoodsCategory
    consent: bool
    consent_date: dt.date | None = None
    personal_id: Annotated[str, msgspec.Meta(max_length=20)] | None = None
    household_business_no: Annotated[str, msgspec.Meta(max_length=30)] | None = None
    payment_accounts: Annotated[list[PaymentAccountInput], msgspec.Meta(max_length=5)] = msgspec.field(
        default_factory=list
    )
    allow_duplicate_phone: bool = False
    team_id: Id | None = None


class VendorUpdate(Input):
    version: Version
    full_name: Name | UnsetType = UNSET
    phone: Phone | UnsetType = UNSET
    market_id: Id | UnsetType = UNSET
    stall: Stall | UnsetType = UNSET
    goods_category: GoodsCategory | UnsetType = UNSET
    personal_id: Annotated[str, msgspec.Meta(max_length=20)] | UnsetType | None = UNSET
    household_business_no: Annotated[str, msgspec.Meta(max_length=30)] | UnsetType | None = UNSET
    allow_duplicate_phone: bool | UnsetType = UNSET


class StatusChange(Input):
    status: VendorStatus
    version: Version | None = None
    note: Annotated[str, msgspec.Meta(max_length=500)] | None = None


class Deactivation(Input):
    reason: Annotated[str, msgspec.Meta(min_length=3, max_length=500)]
    version: Version | None = None


class MarketRef(Schema):
    id: int
    code: str
    name: str


class Vendor(Schema):
    id: int
    code: str
    full_name: str
    phone: str | None
    personal_id: str | None
    market_id: int
    market: MarketRef
    area_code: str
    stall: str
    goods_category: GoodsCategory
    household_business_no: str | None
    consent_date: dt.date | None
    status: VendorStatus
    status_changed_at: dt.datetime
    active: bool
    deactivated_reason: str | None
    team_id: int | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    payment_accounts: list[PaymentAccount] | None
    warnings: list[Problem] = msgspec.field(default_factory=list)
    import_id: int | None = None  # the spreadsheet import that created or last changed it
    # A poster was printed once, but none is valid for the current (primary) account: print again.
    reprint_due: bool = False


class StatusHistoryItem(Schema):
    from_status: VendorStatus | None
    to_status: VendorStatus
    at: dt.datetime
    by_id: int | None
    team_id: int | None
    note: str | None


class ReferenceItem(Schema):
    key: str
    label: str


class Reference(Schema):
    market_kinds: list[ReferenceItem]
    goods_categories: list[ReferenceItem]
    vendor_statuses: list[ReferenceItem]
    status_transitions: dict[str, list[str]]
