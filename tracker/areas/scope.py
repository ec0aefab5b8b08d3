"""The one area-scope query: which records an actor may see, used by lists, reports and exports alike.

A record carries the id of the unit it was registered under (``area_id``). An actor with scope area S
sees the record when S covers that unit: ``area_id IN (SELECT unit_id FROM area_reach WHERE
ancestor_id = S)``. The reach closure already follows parents, the 2025 mergers and villages.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, SQLColumnExpression, exists, false, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from tracker.accounts.actor import Actor
from tracker.areas.models import AreaReach


def units_under(area_id: int) -> Select[tuple[int]]:
    """Ids of the units that ``area_id`` covers (itself included)."""
    return select(AreaReach.unit_id).where(AreaReach.ancestor_id == area_id)


def within(column: SQLColumnExpression[Any], area_id: int) -> ColumnElement[bool]:
    return column.in_(units_under(area_id))


def visible_to(actor: Actor, column: SQLColumnExpression[Any]) -> ColumnElement[bool]:
    """The condition on a record's area column for what ``actor`` may see."""
    if actor.is_admin:
        return true()
    if actor.area_id is None:
        return false()
    return within(column, actor.area_id)


def covers_expression(actor: Actor, column: SQLColumnExpression[Any]) -> ColumnElement[bool]:
    """Whether the actor covers the unit in ``column``, as an expression to select alongside a record."""
    if actor.is_admin:
        return true()
    if actor.area_id is None:
        return false()
    return exists().where(AreaReach.ancestor_id == actor.area_id, AreaReach.unit_id == column)


async def covers(session: AsyncSession, ancestor_id: int | None, unit_id: int, *, admin: bool = False) -> bool:
    if admin:
        return True
    if ancestor_id is None:
        return False
    found = await session.scalar(
        select(AreaReach.id).where(AreaReach.ancestor_id == ancestor_id, AreaReach.unit_id == unit_id)
    )
    return found is not None


async def actor_covers(session: AsyncSession, actor: Actor, unit_id: int) -> bool:
    return await covers(session, actor.area_id, unit_id, admin=actor.is_admin)
