"""Which units a report breaks an area down into, on a date, and which of them covers each record.

An area's child units on a date are the units in force then that it covers (``area_reach``: parents,
2025 mergers, villages), at the first level below its own that has any: a district before the reform
breaks down into its communes; the former district of Duy Xuyên after it, into the new communes made
of its communes; a commune into its villages. A record belongs to the child that covers the unit it
was registered under (the same ``within`` as the list endpoints); records that no child covers (a unit
split between successors, or registered on the area itself) are counted as unassigned.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tracker.accounts.actor import Actor
from tracker.areas.models import AreaReach, AreaUnit
from tracker.areas.scope import actor_covers, units_under
from tracker.areas.services import AreaService, in_force
from tracker.lib import clock
from tracker.lib.exceptions import PermissionDenied
from tracker.lib.i18n import Text

LEVEL_ORDER = {"province": 0, "district": 1, "commune": 2, "village": 3}


@dataclass(frozen=True, slots=True)
class Unit:
    id: int
    code: str
    name: str
    level: str


@dataclass(frozen=True, slots=True)
class Scope:
    """The area a report is about (None: the whole country, for an admin), its date and child units."""

    area: Unit | None
    on: dt.date
    children: tuple[Unit, ...]


def _unit(row: AreaUnit) -> Unit:
    return Unit(row.id, row.code, row.name, row.level)


async def resolve_scope(session: AsyncSession, actor: Actor, area_code: str | None, on: dt.date | None) -> Scope:
    """The report's area (default: the actor's own), checked against the actor's scope (403 outside)."""
    when = on or clock.today()
    areas = AreaService(session)
    if area_code:
        unit: AreaUnit | None = await areas.resolve(area_code, when)
    elif actor.area_id is not None:
        unit = await areas.by_id(actor.area_id)
    else:
        unit = None
    if unit is None:
        if not actor.is_admin:
            raise PermissionDenied(Text("Tài khoản chưa được giao địa bàn.", "The account has no area."))
        return Scope(None, when, tuple(await _national(session, when)))
    if not await actor_covers(session, actor, unit.id):
        raise PermissionDenied(
            Text(f"Địa bàn {unit.code} nằm ngoài phạm vi của bạn.", f"Area {unit.code} is outside your scope.")
        )
    return Scope(_unit(unit), when, tuple(await children_of(session, unit, when)))


async def _national(session: AsyncSession, on: dt.date) -> list[Unit]:
    rows = await session.scalars(
        select(AreaUnit).where(AreaUnit.level == "province", in_force(on)).order_by(AreaUnit.code)
    )
    return [_unit(r) for r in rows]


async def children_of(session: AsyncSession, area: AreaUnit, on: dt.date) -> list[Unit]:
    conn = await session.connection()
    rows = list(
        await conn.execute(
            select(AreaUnit.id, AreaUnit.code, AreaUnit.name, AreaUnit.level)
            .where(AreaUnit.id.in_(units_under(area.id)), AreaUnit.id != area.id, in_force(on))
            .order_by(AreaUnit.code, AreaUnit.id)
        )
    )
    below = [r for r in rows if LEVEL_ORDER.get(r.level, 9) > LEVEL_ORDER.get(area.level, 9)]
    if not below:
        return []
    first = min(LEVEL_ORDER.get(r.level, 9) for r in below)
    return [Unit(r.id, r.code, r.name, r.level) for r in below if LEVEL_ORDER.get(r.level, 9) == first]


async def child_of_units(session: AsyncSession, children: Iterable[Unit], unit_ids: Iterable[int]) -> dict[int, int]:
    """For each registered-under unit id, the child unit that covers it (absent: unassigned)."""
    child_ids = [c.id for c in children]
    wanted = set(unit_ids)
    if not child_ids or not wanted:
        return {}
    rows = await session.execute(
        select(AreaReach.unit_id, AreaReach.ancestor_id)
        .where(AreaReach.ancestor_id.in_(child_ids), AreaReach.unit_id.in_(wanted))
        .order_by(AreaReach.ancestor_id)
    )
    mapping: dict[int, int] = {}
    for unit_id, ancestor_id in rows:
        mapping.setdefault(unit_id, ancestor_id)
    return mapping
