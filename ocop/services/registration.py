"""The rules of registering OCOP producers and products, shared by the API and the spreadsheet import.

Each check returns canonical values and adds problems naming the API's fields; the conflicts are built
here so that a 409 and an import row's ``duplicate`` say the same thing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from ocop.reference import VALIDITY_MONTHS, valid_until
from ocop.schemas import ProducerCreate
from ocop.validation import normalize_tax_code
from tracker.accounts.actor import Actor
from tracker.areas.models import AreaUnit
from tracker.areas.scope import actor_covers
from tracker.areas.services import AreaService
from tracker.lib.exceptions import Conflict, FieldProblem, PermissionDenied, Problems, ValidationFailed
from tracker.lib.i18n import Text
from tracker.lib.identifiers import normalize_mobile

AREA_LEVELS = ("commune", "village")
WRONG_AREA_LEVEL = Text(
    "Chủ thể phải thuộc một xã, phường (hoặc thôn, khối phố).", "A producer belongs to a commune (or a village)."
)
AREA_OUT_OF_SCOPE = Text("Địa bàn này nằm ngoài địa bàn của bạn.", "This area is outside yours.")


def clean(text: str) -> str:
    return " ".join(text.split())


@dataclass(frozen=True, slots=True)
class ProducerFields:
    """A producer's fields in canonical form (the area and team are resolved separately)."""

    name: str
    kind: str
    representative: str
    phone: str
    tax_code: str | None
    address: str | None


def checked_phone(raw: str, problems: Problems) -> str | None:
    try:
        return normalize_mobile(raw)
    except ValidationFailed as exc:
        problems.extend(exc.problems)
        return None


def checked_tax_code(raw: str | None, kind: str, problems: Problems) -> str | None:
    if raw is None or not raw.strip():
        return None
    try:
        return normalize_tax_code(raw, kind)
    except ValidationFailed as exc:
        problems.extend(exc.problems)
        return None


def check_producer(data: ProducerCreate, problems: Problems) -> ProducerFields | None:
    """The session-free checks of a new producer: phone, tax code (check digit, kind), names cleaned."""
    before = len(problems.items)
    phone = checked_phone(data.phone, problems)
    tax_code = checked_tax_code(data.tax_code, data.kind, problems)
    if len(problems.items) > before or phone is None:
        return None
    return ProducerFields(
        name=clean(data.name),
        kind=data.kind,
        representative=clean(data.representative),
        phone=phone,
        tax_code=tax_code,
        address=clean(data.address) if data.address and data.address.strip() else None,
    )


async def producer_area(session: AsyncSession, actor: Actor, code: str) -> AreaUnit:
    """The commune or village a producer belongs to. Raises NotFound (unknown code), ValidationFailed
    (not a commune) or PermissionDenied (outside the actor's area)."""
    area = await AreaService(session).resolve(code, field="area_code")
    if area.level not in AREA_LEVELS:
        raise ValidationFailed([FieldProblem("area_code", WRONG_AREA_LEVEL, "wrong_level")])
    if not await actor_covers(session, actor, area.id):
        raise PermissionDenied(AREA_OUT_OF_SCOPE)
    return area


def tax_code_taken(existing_id: int, existing_code: str) -> Conflict:
    return Conflict(
        Text(
            f"Mã số thuế này đã có ở chủ thể {existing_code} (id {existing_id}).",
            f"Producer {existing_code} (id {existing_id}) already has this tax code.",
        ),
        [
            FieldProblem(
                "tax_code",
                Text("Mã số thuế đã được đăng ký.", "This tax code is already registered."),
                "duplicate",
                {"existing": {"id": existing_id, "code": existing_code}},
            )
        ],
    )


def product_name_taken(existing_id: int, existing_code: str) -> Conflict:
    return Conflict(
        Text(
            f"Chủ thể đã có sản phẩm này: {existing_code} (id {existing_id}).",
            f"The producer already has this product: {existing_code} (id {existing_id}).",
        ),
        [
            FieldProblem(
                "name",
                Text("Trùng tên sản phẩm của cùng chủ thể.", "Same name as another product of the producer."),
                "duplicate",
                {"existing": {"id": existing_id, "code": existing_code}},
            )
        ],
    )


def decision_recorded(existing_id: int, decision_no: str) -> Conflict:
    return Conflict(
        Text(
            f"Quyết định {decision_no} đã được ghi cho sản phẩm này (id {existing_id}).",
            f"Decision {decision_no} is already recorded for this product (id {existing_id}).",
        ),
        [
            FieldProblem(
                "decision_no",
                Text("Quyết định đã được ghi.", "Already recorded."),
                "duplicate",
                {"existing": {"id": existing_id, "decision_no": decision_no}},
            )
        ],
    )


def check_valid_until(decision_date: dt.date, given: dt.date, problems: Problems) -> None:
    """A certificate runs 36 months from its decision; a list that says otherwise has a typing error."""
    expected = valid_until(decision_date)
    if given != expected:
        problems.add(
            "valid_until",
            Text(
                f"Chứng nhận có hiệu lực {VALIDITY_MONTHS} tháng kể từ ngày quyết định: đến {expected:%d/%m/%Y}.",
                f"A certificate is valid {VALIDITY_MONTHS} months from its decision: until {expected.isoformat()}.",
            ),
            "wrong_valid_until",
            expected=expected.isoformat(),
        )
