"""Counters kept in a row: raised by the database, never from a value read earlier."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute


async def add_one(session: AsyncSession, counter: InstrumentedAttribute[int], row_id: int) -> int:
    """Adds one to ``counter`` in the row ``row_id`` of its model and returns the new value. One UPDATE
    that reads the row it changes: of two at once on PostgreSQL, the second waits for the first's row and
    adds to what it wrote (an increment computed in Python from the row each had read loses one)."""
    model: Any = counter.class_
    value = await session.scalar(
        update(model)
        .where(model.id == row_id)
        .values({counter.key: counter + 1})
        .returning(counter)
        .execution_options(synchronize_session=False)
    )
    return int(value or 0)
