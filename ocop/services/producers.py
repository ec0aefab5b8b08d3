"""OCOP producers (chủ thể): registration with tax-code checks, search, versioned updates."""

from __future__ import annotations

from typing import Any

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from sqlalchemy import Integer, Select, cast, func, select, update
from sqlalchemy.orm.exc import StaleDataError

from ocop.models import Producer, Product
from ocop.reference import PRODUCER_KINDS
from ocop.schemas import Producer as ProducerOut
from ocop.schemas import ProducerCreate, ProducerUpdate
from ocop.scope import can_see, visible
from ocop.services.registration import (
    check_producer,
    checked_phone,
    checked_tax_code,
    clean,
    producer_area,
    tax_code_taken,
)
from ocop.validation import tax_code_kind
from tracker.accounts.actor import Actor
from tracker.accounts.services import TeamService, area_refs
from tracker.accounts.visibility import sees_personal_data, shown
from tracker.areas.scope import within
from tracker.audit.services import changed, record
from tracker.db.counters import add_one
from tracker.lib.exceptions import (
    FieldProblem,
    NotFound,
    Problems,
    StaleWrite,
    ValidationFailed,
)
from tracker.lib.i18n import Lang, Text
from tracker.lib.identifiers import mask
from tracker.lib.ids import is_id
from tracker.lib.pagination import PageParams
from tracker.lib.schema import UnsetType
from tracker.lib.service import Service
from tracker.lib.text import like_escape, search_key

CODE_PREFIX = "CT"


def search_text(p: Producer) -> str:
    parts = (search_key(p.name), p.code.lower(), search_key(p.representative), p.tax_code or "", p.phone)
    return " ".join(part for part in parts if part)


def _shown_tax_code(actor: Actor, tax_code: str | None) -> str | None:
    """An enterprise's tax code is public; a household's is its owner's personal ID, masked like one."""
    if tax_code is None or tax_code_kind(tax_code) != "personal_id" or sees_personal_data(actor):
        return tax_code
    return mask(tax_code, keep_start=2, keep_end=2)


def snapshot(p: Producer) -> dict[str, Any]:
    tax_code = p.tax_code
    return {
        "code": p.code,
        "name": p.name,
        "kind": p.kind,
        "representative": p.representative,
        "phone": p.phone,
        # A household's tax code is a personal ID: the log keeps it masked.
        "tax_code": mask(tax_code) if tax_code and tax_code_kind(tax_code) == "personal_id" else tax_code,
        "address": p.address,
        "area_id": p.area_id,
        "team_id": p.team_id,
    }


class ProducerService(Service[Producer, "ProducerService.Repo"]):
    class Repo(SQLAlchemyAsyncRepository[Producer]):
        model_type = Producer

    repository_type = Repo

    # ----- reading -------------------------------------------------------------------------------------

    async def one(self, actor: Actor, producer_id: int) -> Producer:
        """A producer the actor may see; otherwise it does not exist (404)."""
        producer = await self.session.get(Producer, producer_id) if is_id(producer_id) else None
        if producer is None or not await can_see(self.session, actor, producer.id, producer.area_id):
            raise NotFound(
                Text(f"Không tìm thấy chủ thể OCOP {producer_id}.", f"OCOP producer {producer_id} not found."),
                [
                    FieldProblem(
                        "producer_id",
                        Text("Chủ thể không tồn tại hoặc ngoài địa bàn.", "No such producer in your area."),
                        "unknown_producer",
                    )
                ],
            )
        return producer

    async def by_ids(self, producer_ids: set[int]) -> dict[int, Producer]:
        """Producers by id, for other domains presenting records that point at them (no scope check)."""
        if not producer_ids:
            return {}
        return {p.id: p for p in await self.session.scalars(select(Producer).where(Producer.id.in_(producer_ids)))}

    def visible_ids(self, actor: Actor, *, area_id: int | None = None) -> Select[tuple[int]]:
        """Ids of the producers the actor may see (within ``area_id`` if given): for other domains' filters."""
        query = select(Producer.id).where(visible(actor, Producer.id, Producer.area_id))
        if area_id is not None:
            query = query.where(within(Producer.area_id, area_id))
        return query

    def matching_ids(self, q: str) -> Select[tuple[int]]:
        """Ids of the producers whose name, code, representative, tax code or phone contain every word of ``q``."""
        query = select(Producer.id)
        for term in search_key(q).split():
            query = query.where(Producer.search_text.like(f"%{like_escape(term)}%", escape="\\"))
        return query

    async def search(
        self,
        actor: Actor,
        page: PageParams,
        *,
        area_id: int | None = None,
        kind: str | None = None,
        q: str | None = None,
    ) -> tuple[list[Producer], int]:
        query = select(Producer).where(visible(actor, Producer.id, Producer.area_id))
        if area_id is not None:
            query = query.where(within(Producer.area_id, area_id))
        if kind:
            query = query.where(Producer.kind == kind)
        if q:
            query = query.where(Producer.id.in_(self.matching_ids(q)))
        total = await self.session.scalar(select(func.count()).select_from(query.subquery()))
        rows = await self.session.scalars(
            query.order_by(Producer.name_search, Producer.id).limit(page.limit).offset(page.offset)
        )
        return list(rows), int(total or 0)

    async def present(self, actor: Actor, producers: list[Producer], lang: Lang = "vi") -> list[ProducerOut]:
        areas = await area_refs(self.session, {p.area_id for p in producers})
        counts: dict[int, int] = {}
        if producers:
            rows = await self.session.execute(
                select(Product.producer_id, func.count())
                .where(Product.producer_id.in_([p.id for p in producers]))
                .group_by(Product.producer_id)
            )
            counts = {int(producer_id): int(n) for producer_id, n in rows.tuples()}
        return [
            ProducerOut(
                id=p.id,
                code=p.code,
                name=p.name,
                kind=p.kind,  # type: ignore[arg-type]
                kind_label=PRODUCER_KINDS[p.kind](lang),
                representative=p.representative,
                phone=shown(actor, p.phone) if p.phone else None,
                tax_code=_shown_tax_code(actor, p.tax_code),
                tax_code_kind=tax_code_kind(p.tax_code) if p.tax_code else None,
                address=p.address,
                area=areas[p.area_id],
                team_id=p.team_id,
                product_count=counts.get(p.id, 0),
                version=p.version,
                created_at=p.created_at,
                updated_at=p.updated_at,
                anonymised_at=p.anonymised_at,
                import_id=p.import_id,
            )
            for p in producers
        ]

    # ----- validation ----------------------------------------------------------------------------------

    async def _area(self, actor: Actor, code: str, problems: Problems) -> int | None:
        try:
            return (await producer_area(self.session, actor, code)).id
        except (NotFound, ValidationFailed) as exc:
            problems.extend(exc.problems)
            return None

    def _tax_code(self, raw: str | None, kind: str, problems: Problems) -> str | None:
        return checked_tax_code(raw, kind, problems)

    async def _check_tax_code_free(self, tax_code: str | None, exclude_id: int | None = None) -> None:
        if tax_code is None:
            return
        query = select(Producer.id, Producer.code, Producer.area_id).where(Producer.tax_code == tax_code)
        if exclude_id is not None:
            query = query.where(Producer.id != exclude_id)
        existing = (await self.session.execute(query)).first()
        if existing is not None:
            raise tax_code_taken(existing.id, existing.code)

    async def next_code(self) -> str:
        last = await self.session.scalar(
            select(func.max(cast(func.substr(Producer.code, len(CODE_PREFIX) + 1), Integer))).where(
                Producer.code.like(f"{CODE_PREFIX}%")
            )
        )
        return f"{CODE_PREFIX}{int(last or 0) + 1:05d}"

    async def next_product_code(self, producer: Producer) -> str:
        """Takes the producer's next product number atomically (a row lock on PostgreSQL, the write lock on SQLite)."""
        seq = await add_one(self.session, Producer.product_seq, producer.id)
        return f"{producer.code}-{seq:02d}"

    # ----- writing -------------------------------------------------------------------------------------

    async def move_products(self, producer: Producer) -> None:
        """The products follow their producer into its new area."""
        await self.session.execute(
            update(Product).where(Product.producer_id == producer.id).values(area_id=producer.area_id)
        )

    async def add(self, actor: Actor, data: ProducerCreate) -> Producer:
        problems = Problems()
        fields = check_producer(data, problems)
        area_id = await self._area(actor, data.area_code, problems)
        try:
            team_id = await TeamService(self.session).team_for_registration(actor, data.team_id)
        except ValidationFailed as exc:
            problems.extend(exc.problems)
            team_id = None
        problems.raise_if_any()
        assert area_id is not None
        assert fields is not None
        await self._check_tax_code_free(fields.tax_code)
        producer = Producer(
            code=await self.next_code(),
            name=fields.name,
            name_search=search_key(fields.name),
            search_text="",
            kind=fields.kind,
            representative=fields.representative,
            phone=fields.phone,
            tax_code=fields.tax_code,
            address=fields.address,
            area_id=area_id,
            team_id=team_id,
            product_seq=0,
        )
        producer.search_text = search_text(producer)
        self.session.add(producer)
        await self.session.flush()
        record(self.session, actor, "create", "ocop_producer", producer.id, area_id=area_id, after=snapshot(producer))
        await self.commit()
        return producer

    async def edit(self, actor: Actor, producer_id: int, data: ProducerUpdate) -> Producer:
        producer = await self.one(actor, producer_id)
        if producer.version != data.version:
            raise StaleWrite()
        before = snapshot(producer)
        old_tax_code = producer.tax_code
        problems = Problems()
        if not isinstance(data.name, UnsetType):
            producer.name = clean(data.name)
            producer.name_search = search_key(producer.name)
        if not isinstance(data.kind, UnsetType):
            producer.kind = data.kind
        if not isinstance(data.representative, UnsetType):
            producer.representative = clean(data.representative)
        if not isinstance(data.phone, UnsetType):
            phone = checked_phone(data.phone, problems)
            if phone is not None:
                producer.phone = phone
        if not isinstance(data.address, UnsetType):
            producer.address = clean(data.address) if data.address else None
        if not isinstance(data.tax_code, UnsetType):
            producer.tax_code = self._tax_code(data.tax_code, producer.kind, problems)
        elif producer.tax_code and not isinstance(data.kind, UnsetType):
            # A new kind may no longer fit the tax code already recorded (a personal ID for an enterprise).
            self._tax_code(producer.tax_code, producer.kind, problems)
        if not isinstance(data.area_code, UnsetType):
            area_id = await self._area(actor, data.area_code, problems)
            if area_id is not None:
                producer.area_id = area_id
        if problems:
            await self.session.rollback()
            problems.raise_if_any()
        if producer.tax_code != old_tax_code:
            await self._check_tax_code_free(producer.tax_code, exclude_id=producer.id)
        producer.search_text = search_text(producer)
        if producer.area_id != before["area_id"]:
            await self.move_products(producer)
        old, new = changed(before, snapshot(producer))
        if new:
            record(
                self.session,
                actor,
                "update",
                "ocop_producer",
                producer.id,
                area_id=producer.area_id,
                before=old,
                after=new,
            )
        try:
            await self.commit()
        except StaleDataError:
            await self.session.rollback()
            raise StaleWrite() from None
        return producer
