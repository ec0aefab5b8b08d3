"""What an onboarding is about: an OCOP product, an OCOP producer's shop or a market vendor.

The subjects live in their own domains; this module reaches them only through those domains' public
services. An onboarding is visible to whoever may see its subject.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from advanced_alchemy.filters import CollectionFilter
from sqlalchemy import ColumnElement, Select, false, or_
from sqlalchemy.ext.asyncio import AsyncSession

from ocop.services import ProducerService, ProductService
from qr.banks import BankDirectory
from tracker.accounts.actor import PRODUCER, Actor
from tracker.lib.exceptions import Conflict, FieldProblem, NotFound, Problems
from tracker.lib.i18n import Text
from tracker.lib.ids import is_id
from tracker.onboarding.models import Onboarding
from vendors.services import VendorFilters, VendorService


@dataclass(frozen=True, slots=True)
class Subject:
    kind: str
    id: int
    code: str
    name: str
    area_id: int
    product_id: int | None = None
    producer_id: int | None = None
    vendor_id: int | None = None
    producer_code: str | None = None
    producer_name: str | None = None


def _vendors(session: AsyncSession) -> VendorService:
    # Only records are read here: the bank directory that presenting payment accounts needs is not.
    return VendorService(session, BankDirectory(()))


class Subjects:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.products = ProductService(session)
        self.producers = ProducerService(session)
        self.vendors = _vendors(session)

    async def resolve(
        self,
        actor: Actor,
        *,
        product_id: int | None,
        producer_id: int | None,
        vendor_id: int | None,
        problems: Problems,
    ) -> Subject | None:
        """The one subject named by the input, as the actor may see it; problems name the field."""
        given = [
            (f, v)
            for f, v in (("product_id", product_id), ("producer_id", producer_id), ("vendor_id", vendor_id))
            if v is not None
        ]
        if len(given) != 1:
            problems.add(
                "product_id",
                Text(
                    "Chọn đúng một đối tượng: product_id, producer_id (gian hàng) hoặc vendor_id.",
                    "Give exactly one subject: product_id, producer_id (a shop) or vendor_id.",
                ),
                "one_subject",
            )
            return None
        if not is_id(given[0][1]):
            problems.add(
                given[0][0],
                Text("Không có đối tượng này trong địa bàn của bạn.", "No such record in your area."),
                "not_found",
            )
            return None
        try:
            if product_id is not None:
                product = await self.products.one(actor, product_id)
                producer = await self.producers.one(actor, product.producer_id)
                return Subject(
                    kind="product",
                    id=product.id,
                    code=product.code,
                    name=product.name,
                    area_id=product.area_id,
                    product_id=product.id,
                    producer_id=producer.id,
                    producer_code=producer.code,
                    producer_name=producer.name,
                )
            if producer_id is not None:
                producer = await self.producers.one(actor, producer_id)
                return Subject(
                    kind="producer",
                    id=producer.id,
                    code=producer.code,
                    name=producer.name,
                    area_id=producer.area_id,
                    producer_id=producer.id,
                    producer_code=producer.code,
                    producer_name=producer.name,
                )
            assert vendor_id is not None
            vendor = await self.vendors.one(actor, vendor_id)
        except NotFound as exc:
            problems.extend(exc.problems or [FieldProblem(given[0][0], exc.message, "not_found")])
            return None
        if not vendor.active:
            problems.add(
                "vendor_id",
                Text("Tiểu thương đã ngừng hoạt động.", "The vendor is deactivated."),
                "inactive",
            )
            return None
        return Subject(
            kind="vendor",
            id=vendor.id,
            code=vendor.code,
            name=vendor.full_name,
            area_id=vendor.area_id,
            vendor_id=vendor.id,
        )

    def visible(self, actor: Actor, *, area_id: int | None = None) -> ColumnElement[bool]:
        """Onboardings whose subject the actor may see (within ``area_id`` if given)."""
        by_producer = Onboarding.producer_id.in_(self.producers.visible_ids(actor, area_id=area_id))
        if actor.role == PRODUCER:
            return by_producer
        vendors = self.vendors.matching_ids(actor, VendorFilters(active=None, area_id=area_id))
        return or_(by_producer, Onboarding.vendor_id.in_(vendors))

    def matching(self, actor: Actor, q: str) -> ColumnElement[bool]:
        """Onboardings whose product, producer or vendor matches the words of ``q`` (accents ignored)."""
        conditions = [
            Onboarding.product_id.in_(self.products.matching_ids(q)),
            Onboarding.producer_id.in_(self.producers.matching_ids(q)),
        ]
        if actor.role != PRODUCER:
            conditions.append(
                Onboarding.vendor_id.in_(self.vendors.matching_ids(actor, VendorFilters(active=None, q=q)))
            )
        return or_(*conditions) if q.strip() else false()

    def with_stars(self, stars: int) -> Select[tuple[int]]:
        return self.products.with_stars(stars)

    async def of(self, onboardings: Iterable[Onboarding]) -> dict[int, Subject]:
        """The subject of each onboarding, by onboarding id (for presenting; scope was checked before)."""
        records = list(onboardings)
        products = await self.products.by_ids({o.product_id for o in records if o.product_id is not None})
        producers = await self.producers.by_ids({o.producer_id for o in records if o.producer_id is not None})
        vendor_ids = [o.vendor_id for o in records if o.vendor_id is not None]
        vendors = (
            {v.id: v for v in await self.vendors.get_many(CollectionFilter(field_name="id", values=vendor_ids))}
            if vendor_ids
            else {}
        )
        out: dict[int, Subject] = {}
        for o in records:
            if o.subject_kind == "product" and o.product_id is not None and o.producer_id is not None:
                product, producer = products[o.product_id], producers[o.producer_id]
                out[o.id] = Subject(
                    kind="product",
                    id=product.id,
                    code=product.code,
                    name=product.name,
                    area_id=product.area_id,
                    product_id=product.id,
                    producer_id=producer.id,
                    producer_code=producer.code,
                    producer_name=producer.name,
                )
            elif o.subject_kind == "producer" and o.producer_id is not None:
                producer = producers[o.producer_id]
                out[o.id] = Subject(
                    kind="producer",
                    id=producer.id,
                    code=producer.code,
                    name=producer.name,
                    area_id=producer.area_id,
                    producer_id=producer.id,
                    producer_code=producer.code,
                    producer_name=producer.name,
                )
            elif o.vendor_id is not None:
                vendor = vendors[o.vendor_id]
                out[o.id] = Subject(
                    kind="vendor",
                    id=vendor.id,
                    code=vendor.code,
                    name=vendor.full_name,
                    area_id=vendor.area_id,
                    vendor_id=vendor.id,
                )
            else:  # pragma: no cover - the table's checks keep this from happening
                raise Conflict(Text(f"Hồ sơ {o.id} không có đối tượng.", f"Record {o.id} has no subject."))
        return out
