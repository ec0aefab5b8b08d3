"""Declarative bases shared by every domain's models (one metadata, one naming convention)."""

from __future__ import annotations

from typing import Any

from advanced_alchemy.base import BigIntAuditBase, BigIntBase, orm_registry
from sqlalchemy import Table

metadata = orm_registry.metadata


def table_of(model: type[Any]) -> Table:
    """The Core table of a model, for bulk inserts that skip the ORM's per-row work."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


__all__ = ["BigIntAuditBase", "BigIntBase", "metadata", "table_of"]
