"""Administrative units: lookups in force on a date, detail with parents and successors, villages."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from sqlalchemy import ColumnElement, and_, func, insert, literal, or_, select
from sqlalchemy.orm import InstrumentedAttribute, aliased

from tracker.accounts.actor import Actor
from tracker.areas.models import AreaReach, AreaSuccession, AreaUnit
from tracker.areas.schemas import Area, AreaDetail, AreaLink, VillageCreate
from tracker.areas.scope import actor_covers
from tracker.audit.services import record
from tracker.lib import clock
from tracker.lib.exceptions import Conflict, FieldProblem, NotFound, PermissionDenied, ValidationFailed
from tracker.lib.i18n import Text
from tracker.lib.pagination import PageParams
from tracker.lib.service import Service
from tracker.lib.text import like_escape, search_key

VILLAGE_TYPES = ("Thôn", "Khối phố", "Tổ dân phố", "Ấp", "Bản", "Buôn", "Làng", "Xóm", "Khu phố", "Tổ")
_VILLAGE_CODE = re.compile(r"^(?P<commune>.+)-(?P<n>\d+)$")


def in_force(on: dt.date) -> ColumnElement[bool]:
    return and_(
        or_(AreaUnit.valid_from.is_(None), AreaUnit.valid_from <= on),
        or_(AreaUnit.valid_to.is_(None), AreaUnit.valid_to > on),
    )


def unknown_area(code: str, field: str = "area") -> NotFound:
    return NotFound(
        Text(f"Không tìm thấy đơn vị hành chính mã {code}.", f"No administrative unit with code {code}."),
        [FieldProblem(field, Text("Mã đơn vị không tồn tại.", "Unknown unit code."), "unknown_area")],
    )


class AreaService(Service[AreaUnit, "AreaService.Repo"]):
    class Repo(SQLAlchemyAsyncRepository[AreaUnit]):
        model_type = AreaUnit

    repository_type = Repo

    async def resolve(self, code: str, on: dt.date | None = None, *, field: str = "area") -> AreaUnit:
        """The unit with this code in force on the date (today by default).

        A code no unit carries on that date (a district after the reform) means its last unit before it.
        """
        code = code.strip()
        when = on or clock.today()
        candidates = list(await self.session.scalars(select(AreaUnit).where(AreaUnit.code == code)))
        if not candidates:
            raise unknown_area(code, field)
        current = [
            u
            for u in candidates
            if (u.valid_from is None or u.valid_from <= when) and (u.valid_to is None or u.valid_to > when)
        ]
        if current:
            return current[0]
        ended = [u for u in candidates if u.valid_to is not None and u.valid_to <= when]
        if ended:
            return max(ended, key=lambda u: u.valid_to or dt.date.min)
        return min(candidates, key=lambda u: u.valid_from or dt.date.min)

    async def by_id(self, unit_id: int) -> AreaUnit:
        unit = await self.session.get(AreaUnit, unit_id)
        if unit is None:
            raise NotFound(Text(f"Không tìm thấy đơn vị {unit_id}.", f"Unit {unit_id} not found."))
        return unit

    async def by_ids(self, unit_ids: Iterable[int]) -> list[AreaUnit]:
        """The units of ``unit_ids`` in one query, ordered by id (ids without a unit are left out)."""
        wanted = set(unit_ids)
        if not wanted:
            return []
        return list(await self.session.scalars(select(AreaUnit).where(AreaUnit.id.in_(wanted)).order_by(AreaUnit.id)))

    async def present(self, units: list[AreaUnit]) -> list[Area]:
        parent_ids = {u.parent_id for u in units if u.parent_id is not None}
        codes: dict[int, str] = {}
        if parent_ids:
            rows = await self.session.execute(select(AreaUnit.id, AreaUnit.code).where(AreaUnit.id.in_(parent_ids)))
            codes = {row.id: row.code for row in rows}
        return [
            Area(
                id=u.id,
                code=u.code,
                name=u.name,
                type=u.type,
                level=u.level,
                parent_code=codes.get(u.parent_id) if u.parent_id is not None else None,
                valid_from=u.valid_from,
                valid_to=u.valid_to,
            )
            for u in units
        ]

    async def children(
        self,
        parent_code: str | None,
        on: dt.date | None,
        page: PageParams,
        *,
        level: str | None = None,
        q: str | None = None,
    ) -> tuple[list[Area], int]:
        when = on or clock.today()
        query = select(AreaUnit).where(in_force(when))
        if parent_code:
            parent = await self.resolve(parent_code, when, field="parent")
            query = query.where(AreaUnit.parent_id == parent.id)
        elif not q:
            query = query.where(AreaUnit.parent_id.is_(None))
        if level:
            query = query.where(AreaUnit.level == level)
        if q:
            query = query.where(AreaUnit.name_search.like(f"%{like_escape(search_key(q))}%", escape="\\"))
        total = await self.session.scalar(select(func.count()).select_from(query.subquery()))
        rows = await self.session.scalars(
            query.order_by(AreaUnit.code, AreaUnit.id).limit(page.limit).offset(page.offset)
        )
        return await self.present(list(rows)), int(total or 0)

    async def detail(self, code: str, on: dt.date | None) -> AreaDetail:
        unit = await self.resolve(code, on)
        chain: list[AreaUnit] = []
        parent_id = unit.parent_id
        while parent_id is not None:
            parent = await self.by_id(parent_id)
            chain.append(parent)
            parent_id = parent.parent_id
        (base,) = await self.present([unit])
        parents = await self.present(chain)
        return AreaDetail(
            **{f: getattr(base, f) for f in base.__struct_fields__},
            parents=parents,
            successors=await self._links(AreaSuccession.old_id == unit.id, AreaSuccession.new_id),
            predecessors=await self._links(AreaSuccession.new_id == unit.id, AreaSuccession.old_id),
        )

    async def _links(self, condition: ColumnElement[bool], other: InstrumentedAttribute[int]) -> list[AreaLink]:
        other_unit = aliased(AreaUnit)
        rows = (
            await self.session.execute(
                select(AreaSuccession, other_unit)
                .join(other_unit, other_unit.id == other)
                .where(condition)
                .order_by(other_unit.code)
            )
        ).all()
        areas = await self.present([row[1] for row in rows])
        return [
            AreaLink(
                area=area,
                kind=row[0].kind,
                effective_date=row[0].effective_date,
                legal_basis=row[0].legal_basis,
            )
            for row, area in zip(rows, areas, strict=True)
        ]

    async def add_village(self, actor: Actor, data: VillageCreate) -> AreaUnit:
        """A local unit (thôn, khối phố...) under a commune in force; it joins the commune's reach."""
        valid_from = data.valid_from or clock.today()
        commune = await self.resolve(data.parent_code, valid_from, field="parent_code")
        problems = []
        if commune.level != "commune":
            problems.append(
                FieldProblem(
                    "parent_code",
                    Text("Thôn, khối phố phải thuộc một xã, phường.", "A village must belong to a commune."),
                    "not_a_commune",
                )
            )
        if data.type not in VILLAGE_TYPES:
            problems.append(
                FieldProblem(
                    "type",
                    Text(
                        f"Loại đơn vị phải là một trong: {', '.join(VILLAGE_TYPES)}.",
                        f"The unit type must be one of: {', '.join(VILLAGE_TYPES)}.",
                    ),
                    "not_allowed",
                )
            )
        name = " ".join(data.name.split())
        if problems:
            raise ValidationFailed(problems)
        if not await actor_covers(self.session, actor, commune.id):
            raise PermissionDenied(
                Text("Xã, phường này nằm ngoài địa bàn của bạn.", "This commune is outside your area.")
            )
        full_name = name if search_key(name).startswith(search_key(data.type)) else f"{data.type} {name}"
        siblings = await self.session.scalars(
            select(AreaUnit.code).where(AreaUnit.parent_id == commune.id, AreaUnit.level == "village")
        )
        numbers = [int(m["n"]) for c in siblings if (m := _VILLAGE_CODE.match(c))]
        for existing in await self.session.scalars(
            select(AreaUnit.name_search).where(
                AreaUnit.parent_id == commune.id, AreaUnit.level == "village", in_force(valid_from)
            )
        ):
            if existing == search_key(full_name):
                raise Conflict(
                    Text(
                        f"{full_name} đã có trong {commune.name}.",
                        f"{full_name} already exists in {commune.name}.",
                    )
                )
        village = AreaUnit(
            code=f"{commune.code}-{max(numbers, default=0) + 1:02d}",
            name=full_name,
            name_search=search_key(full_name),
            type=data.type,
            level="village",
            parent_id=commune.id,
            valid_from=valid_from,
            valid_to=None,
        )
        self.session.add(village)
        await self.session.flush()
        ancestors = select(AreaReach.ancestor_id).where(AreaReach.unit_id == commune.id)
        await self.session.execute(
            insert(AreaReach).from_select(
                ["ancestor_id", "unit_id"], select(ancestors.subquery().c.ancestor_id, literal(village.id))
            )
        )
        self.session.add(AreaReach(ancestor_id=village.id, unit_id=village.id))
        record(
            self.session,
            actor,
            "create",
            "area",
            village.id,
            area_id=village.id,
            after={"code": village.code, "name": village.name, "parent": commune.code},
        )
        await self.commit()
        return village
