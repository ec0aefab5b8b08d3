"""API shapes of OCOP producers, products and certifications."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec

from tracker.areas.schemas import AreaRef
from tracker.lib.schema import UNSET, Input, Schema, UnsetType

ProducerKind = Literal["doanh_nghiep", "hop_tac_xa", "to_hop_tac", "ho_kinh_doanh"]
Level = Literal["district", "province", "central"]
CertificationStatus = Literal["active", "expired", "revoked", "superseded"]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Person = Annotated[str, msgspec.Meta(min_length=1, max_length=120)]
Phone = Annotated[str, msgspec.Meta(max_length=20)]
TaxCode = Annotated[str, msgspec.Meta(max_length=30)]
Address = Annotated[str, msgspec.Meta(max_length=255)]
AreaCode = Annotated[str, msgspec.Meta(min_length=1, max_length=20)]
TreeCode = Annotated[str, msgspec.Meta(min_length=1, max_length=10)]
Version = Annotated[int, msgspec.Meta(ge=1)]


class ProducerCreate(Input):
    name: Name
    kind: ProducerKind
    representative: Person
    phone: Phone
    area_code: AreaCode
    tax_code: TaxCode | None = None
    address: Address | None = None
    team_id: int | None = None


class ProducerUpdate(Input):
    version: Version
    name: Name | UnsetType = UNSET
    kind: ProducerKind | UnsetType = UNSET
    representative: Person | UnsetType = UNSET
    phone: Phone | UnsetType = UNSET
    area_code: AreaCode | UnsetType = UNSET
    tax_code: TaxCode | UnsetType | None = UNSET
    address: Address | UnsetType | None = UNSET


class ProducerRef(Schema):
    id: int
    code: str
    name: str


class Producer(Schema):
    id: int
    code: str
    name: str
    kind: ProducerKind
    kind_label: str
    representative: str
    phone: str | None
    tax_code: str | None
    tax_code_kind: str | None
    address: str | None
    area: AreaRef
    team_id: int | None
    product_count: int
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    # Set when the producer withdrew consent (its personal data is gone).
    anonymised_at: dt.datetime | None = None
    # The import that created or last changed the record.
    import_id: int | None = None


class ProductCreate(Input):
    producer_id: int
    name: Name
    subgroup: TreeCode
    group: TreeCode | None = None
    product_set: TreeCode | None = None
    description: Annotated[str, msgspec.Meta(max_length=2000)] | None = None
    team_id: int | None = None


class ProductUpdate(Input):
    version: Version
    name: Name | UnsetType = UNSET
    subgroup: TreeCode | UnsetType = UNSET
    group: TreeCode | UnsetType | None = UNSET
    product_set: TreeCode | UnsetType | None = UNSET
    description: Annotated[str, msgspec.Meta(max_length=2000)] | UnsetType | None = UNSET


class CertificationCreate(Input):
    stars: int
    decision_no: Annotated[str, msgspec.Meta(min_length=1, max_length=60)]
    decision_date: dt.date
    score: int | None = None
    level: Level | None = None
    note: Annotated[str, msgspec.Meta(max_length=1000)] | None = None


class Revocation(Input):
    reason: Annotated[str, msgspec.Meta(min_length=3, max_length=500)]


class Certification(Schema):
    id: int
    product_id: int
    stars: int
    score: int | None
    level: Level
    level_label: str
    legal_basis: str
    decision_no: str
    decision_date: dt.date
    valid_until: dt.date
    status: CertificationStatus
    status_label: str
    status_reason: str | None
    days_left: int | None
    note: str | None
    created_at: dt.datetime


class Classification(Schema):
    tree_version: str
    group: str
    group_name: str
    subgroup: str
    subgroup_name: str
    product_set: str | None
    product_set_name: str | None


class Product(Schema):
    id: int
    code: str
    name: str
    producer: ProducerRef
    classification: Classification
    description: str | None
    area: AreaRef
    stars: int | None
    is_ocop: bool
    certification: Certification | None
    team_id: int | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    certifications: list[Certification] | None = None
    import_id: int | None = None


class ReferenceItem(Schema):
    key: str
    label: str


class TreeNode(Schema):
    code: str
    name: str
    children: list[TreeNode] = msgspec.field(default_factory=list)


class StarRule(Schema):
    stars: int
    min_score: int
    max_score: int


class Reference(Schema):
    producer_kinds: list[ReferenceItem]
    levels: list[ReferenceItem]
    certification_statuses: list[ReferenceItem]
    tree_version: str
    tree_label: str
    groups: list[TreeNode]
    stars: list[StarRule]
    validity_months: int
