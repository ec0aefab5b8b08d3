"""OCOP products: classification in the official tree, search and the expiring-certificate list."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from sqlalchemy import ColumnElement, Select, and_, func, select
from sqlalchemy.orm.exc import StaleDataError

from ocop.models import Certification, Producer, Product
from ocop.reference import CURRENT_TREE, OCOP_MIN_STARS, tree
from ocop.schemas import Certification as CertificationOut
from ocop.schemas import CertificationCreate, Classification, ProducerRef, ProductCreate, ProductUpdate, Revocation
from ocop.schemas import Product as ProductOut
from ocop.scope import can_see, visible
from ocop.services.certifications import CertificationService, certified_products, in_force, present_one
from ocop.services.producers import ProducerService
from ocop.services.registration import product_name_taken
from tracker.accounts.actor import Actor
from tracker.accounts.services import TeamService, area_refs
from tracker.areas.scope import within
from tracker.audit.services import changed, record
from tracker.lib import clock
from tracker.lib.exceptions import FieldProblem, NotFound, Problems, StaleWrite, ValidationFailed
from tracker.lib.i18n import Lang, Text
from tracker.lib.ids import is_id
from tracker.lib.pagination import PageParams
from tracker.lib.schema import UNSET, UnsetType
from tracker.lib.service import Service
from tracker.lib.text import like_escape, search_key

SORTS: dict[str, Any] = {
    "id": Product.id,
    "code": Product.code,
    "name": Product.name_search,
    "created_at": Product.created_at,
}


@dataclass(frozen=True, slots=True)
class ProductFilters:
    producer_id: int | None = None
    area_id: int | None = None
    stars: int | None = None
    group: str | None = None
    subgroup: str | None = None
    # Products whose certificate in force runs out within this many days (soonest first).
    expiring_within: int | None = None
    # "active": a certificate in force; "expired": the last recorded certificate has run out; "none": never.
    certification: str | None = None
    q: str | None = None
    sort: str = "-id"


def _clean(text: str) -> str:
    return " ".join(text.split())


def product_snapshot(p: Product) -> dict[str, Any]:
    return {
        "code": p.code,
        "name": p.name,
        "producer_id": p.producer_id,
        "tree_version": p.tree_version,
        "group": p.group_code,
        "subgroup": p.subgroup_code,
        "product_set": p.set_code,
        "description": p.description,
    }


def classify(
    group: str | UnsetType | None,
    subgroup: str,
    product_set: str | UnsetType | None,
    problems: Problems,
) -> tuple[str, str, str | None] | None:
    """Group, subgroup and product set from the current tree; the group follows from the subgroup."""
    current = tree(CURRENT_TREE)
    sub = current.subgroups.get(subgroup.strip())
    if sub is None:
        problems.add(
            "subgroup",
            Text(
                f"Không có phân nhóm {subgroup!r} trong bộ sản phẩm OCOP ({current.version}).",
                f"There is no subgroup {subgroup!r} in the OCOP product tree ({current.version}).",
            ),
            "unknown_subgroup",
            choices=sorted(current.subgroups),
        )
    if isinstance(group, str):
        if group.strip() not in current.groups:
            problems.add(
                "group",
                Text(
                    f"Không có nhóm {group!r} (bộ {current.version} có 6 nhóm, mã 1–6).",
                    f"There is no group {group!r} (the {current.version} tree has 6 groups, codes 1–6).",
                ),
                "unknown_group",
            )
        elif sub is not None and sub.parent != group.strip():
            problems.add(
                "group",
                Text(
                    f"Phân nhóm {sub.code} thuộc nhóm {sub.parent}, không phải nhóm {group}.",
                    f"Subgroup {sub.code} belongs to group {sub.parent}, not group {group}.",
                ),
                "group_mismatch",
            )
    set_code: str | None = None
    if isinstance(product_set, str) and product_set.strip():
        node = current.sets.get(product_set.strip())
        if node is None:
            problems.add(
                "product_set",
                Text(f"Không có bộ sản phẩm {product_set!r}.", f"There is no product set {product_set!r}."),
                "unknown_product_set",
            )
        elif sub is not None and node.parent != sub.code:
            problems.add(
                "product_set",
                Text(
                    f"Bộ sản phẩm {node.code} thuộc phân nhóm {node.parent}, không phải {sub.code}.",
                    f"Product set {node.code} belongs to subgroup {node.parent}, not {sub.code}.",
                ),
                "subgroup_mismatch",
            )
        else:
            set_code = node.code
    if sub is None or problems:
        return None
    assert sub.parent is not None
    return sub.parent, sub.code, set_code


class ProductService(Service[Product, "ProductService.Repo"]):
    class Repo(SQLAlchemyAsyncRepository[Product]):
        model_type = Product

    repository_type = Repo

    # ----- reading -------------------------------------------------------------------------------------

    async def one(self, actor: Actor, product_id: int) -> Product:
        """A product the actor may see; otherwise it does not exist (404)."""
        product = await self.session.get(Product, product_id) if is_id(product_id) else None
        if product is None or not await can_see(self.session, actor, product.producer_id, product.area_id):
            raise NotFound(
                Text(f"Không tìm thấy sản phẩm OCOP {product_id}.", f"OCOP product {product_id} not found."),
                [
                    FieldProblem(
                        "product_id",
                        Text("Sản phẩm không tồn tại hoặc ngoài địa bàn.", "No such product in your area."),
                        "unknown_product",
                    )
                ],
            )
        return product

    async def by_code(self, code: str) -> Product | None:
        """A product by its printed code, for the public lookup (no actor: callers answer only public facts)."""
        product: Product | None = await self.session.scalar(select(Product).where(Product.code == code.strip().upper()))
        return product

    async def by_ids(self, product_ids: set[int]) -> dict[int, Product]:
        """Products by id, for other domains presenting records that point at them (no scope check)."""
        if not product_ids:
            return {}
        return {p.id: p for p in await self.session.scalars(select(Product).where(Product.id.in_(product_ids)))}

    async def of_producer(self, producer_id: int) -> list[Product]:
        """A producer's products in code order (the caller has checked that the producer is visible)."""
        return list(
            await self.session.scalars(select(Product).where(Product.producer_id == producer_id).order_by(Product.code))
        )

    async def current_stars(self, product_ids: set[int]) -> dict[int, int]:
        """The stars of each product's certificate in force today (products without one are left out)."""
        if not product_ids:
            return {}
        rows = await self.session.execute(
            select(Certification.product_id, Certification.stars)
            .where(in_force(clock.today()), Certification.product_id.in_(product_ids))
            .order_by(Certification.decision_date, Certification.id)
        )
        return {int(product_id): int(stars) for product_id, stars in rows.tuples()}

    def matching_ids(self, q: str) -> Select[tuple[int]]:
        """Ids of the products whose name, code or producer's name contain every word of ``q``."""
        query = select(Product.id)
        for term in search_key(q).split():
            query = query.where(Product.search_text.like(f"%{like_escape(term)}%", escape="\\"))
        return query

    def with_stars(self, stars: int) -> Select[tuple[int]]:
        """Ids of the products whose certificate in force today has ``stars`` stars."""
        return certified_products(clock.today(), stars=stars)

    def filtered(self, actor: Actor, filters: ProductFilters) -> Select[tuple[Product]]:
        today = clock.today()
        query = select(Product).where(visible(actor, Product.producer_id, Product.area_id))
        conditions: list[ColumnElement[bool]] = []
        if filters.producer_id is not None:
            conditions.append(Product.producer_id == filters.producer_id)
        if filters.area_id is not None:
            conditions.append(within(Product.area_id, filters.area_id))
        if filters.stars is not None:
            conditions.append(Product.id.in_(certified_products(today, stars=filters.stars)))
        if filters.group:
            conditions.append(Product.group_code == filters.group)
        if filters.subgroup:
            conditions.append(Product.subgroup_code == filters.subgroup)
        if filters.certification == "active":
            conditions.append(Product.id.in_(certified_products(today)))
        elif filters.certification == "expired":
            conditions.append(
                Product.id.in_(
                    select(Certification.product_id).where(
                        Certification.status == "active", Certification.valid_until < today
                    )
                )
                & Product.id.not_in(certified_products(today))
            )
        elif filters.certification == "none":
            conditions.append(Product.id.not_in(select(Certification.product_id)))
        if filters.q:
            conditions.append(Product.id.in_(self.matching_ids(filters.q)))
        return query.where(and_(*conditions)) if conditions else query

    async def search(self, actor: Actor, filters: ProductFilters, page: PageParams) -> tuple[list[Product], int]:
        query = self.filtered(actor, filters)
        if filters.expiring_within is not None:
            today = clock.today()
            soon = (
                select(Certification.product_id, func.min(Certification.valid_until).label("valid_until"))
                .where(
                    in_force(today),
                    Certification.valid_until <= today + dt.timedelta(days=filters.expiring_within),
                )
                .group_by(Certification.product_id)
                .subquery()
            )
            query = query.join(soon, soon.c.product_id == Product.id)
            order: list[Any] = [soon.c.valid_until.asc(), Product.id.asc()]
        else:
            descending = filters.sort.startswith("-")
            column = SORTS[filters.sort.lstrip("-")]
            order = [column.desc() if descending else column.asc()]
            if column is not Product.id:
                order.append(Product.id.desc() if descending else Product.id.asc())
        total = await self.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
        rows = await self.session.scalars(query.order_by(*order).limit(page.limit).offset(page.offset))
        return list(rows), int(total or 0)

    async def present(
        self, products: list[Product], lang: Lang = "vi", *, with_history: bool = False
    ) -> list[ProductOut]:
        today = clock.today()
        producers = {
            p.id: p
            for p in await self.session.scalars(
                select(Producer).where(Producer.id.in_({p.producer_id for p in products}))
            )
        }
        areas = await area_refs(self.session, {p.area_id for p in products})
        certifications = await CertificationService(self.session).of_products([p.id for p in products])
        out = []
        for p in products:
            history = certifications.get(p.id, [])
            current = CertificationService.current(history, today)
            classification = tree(p.tree_version)
            subgroup = classification.subgroups.get(p.subgroup_code)
            product_set = classification.sets.get(p.set_code) if p.set_code else None
            producer = producers[p.producer_id]
            out.append(
                ProductOut(
                    id=p.id,
                    code=p.code,
                    name=p.name,
                    producer=ProducerRef(id=producer.id, code=producer.code, name=producer.name),
                    classification=Classification(
                        tree_version=p.tree_version,
                        group=p.group_code,
                        group_name=classification.group_name(p.group_code, lang),
                        subgroup=p.subgroup_code,
                        subgroup_name=subgroup.name if subgroup else p.subgroup_code,
                        product_set=p.set_code,
                        product_set_name=product_set.name if product_set else None,
                    ),
                    description=p.description,
                    area=areas[p.area_id],
                    stars=current.stars if current else None,
                    is_ocop=current is not None and current.stars >= OCOP_MIN_STARS,
                    certification=present_one(current, today, lang) if current else None,
                    team_id=p.team_id,
                    version=p.version,
                    created_at=p.created_at,
                    updated_at=p.updated_at,
                    certifications=[present_one(c, today, lang) for c in history] if with_history else None,
                    import_id=p.import_id,
                )
            )
        return out

    async def certifications(self, actor: Actor, product_id: int, lang: Lang = "vi") -> list[CertificationOut]:
        product = await self.one(actor, product_id)
        today = clock.today()
        history = (await CertificationService(self.session).of_products([product.id])).get(product.id, [])
        return [present_one(c, today, lang) for c in history]

    # ----- writing -------------------------------------------------------------------------------------

    async def _check_name_free(self, producer_id: int, name: str, exclude_id: int | None = None) -> None:
        query = select(Product.id, Product.code).where(
            Product.producer_id == producer_id, Product.name_search == search_key(name)
        )
        if exclude_id is not None:
            query = query.where(Product.id != exclude_id)
        existing = (await self.session.execute(query)).first()
        if existing is not None:
            raise product_name_taken(existing.id, existing.code)

    async def add(self, actor: Actor, data: ProductCreate) -> Product:
        problems = Problems()
        name = _clean(data.name)
        producers = ProducerService(self.session)
        producer: Producer | None
        try:
            producer = await producers.one(actor, data.producer_id)
        except NotFound as exc:
            problems.extend(exc.problems)
            producer = None
        classification = classify(data.group, data.subgroup, data.product_set, problems)
        try:
            team_id = await TeamService(self.session).team_for_registration(actor, data.team_id)
        except ValidationFailed as exc:
            problems.extend(exc.problems)
            team_id = None
        problems.raise_if_any()
        assert producer is not None
        assert classification is not None
        await self._check_name_free(producer.id, name)
        group, subgroup, set_code = classification
        code = await producers.next_product_code(producer)
        product = Product(
            code=code,
            producer_id=producer.id,
            name=name,
            name_search=search_key(name),
            search_text=" ".join((search_key(name), code.lower(), producer.name_search)),
            tree_version=CURRENT_TREE,
            group_code=group,
            subgroup_code=subgroup,
            set_code=set_code,
            description=(data.description or "").strip() or None,
            area_id=producer.area_id,
            created_by_id=actor.user_id,
            team_id=team_id,
        )
        self.session.add(product)
        await self.session.flush()
        record(
            self.session,
            actor,
            "create",
            "ocop_product",
            product.id,
            area_id=product.area_id,
            after=product_snapshot(product),
        )
        await self.commit()
        return product

    async def edit(self, actor: Actor, product_id: int, data: ProductUpdate) -> Product:
        product = await self.one(actor, product_id)
        if product.version != data.version:
            raise StaleWrite()
        before = product_snapshot(product)
        problems = Problems()
        if not isinstance(data.name, UnsetType):
            product.name = _clean(data.name)
            product.name_search = search_key(product.name)
        if not isinstance(data.description, UnsetType):
            product.description = (data.description or "").strip() or None
        touches_tree = any(not isinstance(v, UnsetType) for v in (data.group, data.subgroup, data.product_set))
        if touches_tree:
            subgroup = data.subgroup if isinstance(data.subgroup, str) else product.subgroup_code
            product_set = data.product_set if not isinstance(data.product_set, UnsetType) else UNSET
            if isinstance(data.subgroup, str) and isinstance(product_set, UnsetType):
                product_set = None  # a new subgroup drops the old product set unless one is given
            classification = classify(data.group, subgroup, product_set, problems)
            if classification is not None:
                product.group_code, product.subgroup_code, new_set = classification
                if not isinstance(product_set, UnsetType):
                    product.set_code = new_set
                # A reclassification is made in the tree in force.
                product.tree_version = CURRENT_TREE
        if problems:
            await self.session.rollback()
            problems.raise_if_any()
        if product.name_search != search_key(str(before["name"])):
            await self._check_name_free(product.producer_id, product.name, exclude_id=product.id)
        producer = await self.session.get(Producer, product.producer_id)
        assert producer is not None
        product.search_text = " ".join((product.name_search, product.code.lower(), producer.name_search))
        old, new = changed(before, product_snapshot(product))
        if new:
            record(
                self.session,
                actor,
                "update",
                "ocop_product",
                product.id,
                area_id=product.area_id,
                before=old,
                after=new,
            )
        await self._commit_versioned()
        return product

    async def certify(self, actor: Actor, product_id: int, data: CertificationCreate) -> Product:
        """Records a recognition decision (a first recognition, an upgrade or a re-recognition)."""
        product = await self.one(actor, product_id)
        await CertificationService(self.session).add(actor, product, data)
        product.updated_at = clock.now()  # the product as a whole changed: its version moves on
        await self._commit_versioned()
        return product

    async def revoke(self, actor: Actor, product_id: int, certification_id: int, data: Revocation) -> Product:
        product = await self.one(actor, product_id)
        await CertificationService(self.session).revoke(actor, product, certification_id, data)
        product.updated_at = clock.now()
        await self._commit_versioned()
        return product

    async def _commit_versioned(self) -> None:
        try:
            await self.commit()
        except StaleDataError:
            await self.session.rollback()
            raise StaleWrite() from None
