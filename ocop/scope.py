"""Who sees which OCOP records: a producer account its own producer's, everyone else by area.

Lists filter with :func:`visible`; reads of one record check :func:`can_see` (a record out of sight is
answered with 404). Other domains whose records belong to a producer (onboardings) use the same rules.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, SQLColumnExpression, false
from sqlalchemy.ext.asyncio import AsyncSession

from tracker.accounts.actor import PRODUCER, Actor
from tracker.areas.scope import actor_covers, visible_to


def visible(
    actor: Actor, producer_column: SQLColumnExpression[Any], area_column: SQLColumnExpression[Any]
) -> ColumnElement[bool]:
    if actor.role == PRODUCER:
        return producer_column == actor.producer_id if actor.producer_id is not None else false()
    return visible_to(actor, area_column)


async def can_see(session: AsyncSession, actor: Actor, producer_id: int | None, area_id: int) -> bool:
    if actor.role == PRODUCER:
        return actor.producer_id is not None and producer_id == actor.producer_id
    return await actor_covers(session, actor, area_id)
