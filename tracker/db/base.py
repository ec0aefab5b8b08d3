"""Declarative bases shared by every domain's models (one metadata, one naming convention)."""

from __future__ import annotations

from typing import Any

from advanced_alchemy.base import BigIntAuditBase, BigIntBase, orm_registry
from sqlalchemy import BigInteger, Integer, Table

metadata = orm_registry.metadata

# The type of ids and of columns that hold ids without a foreign key (SQLite wants INTEGER for rowids).
BigIntType = BigInteger().with_variant(Integer(), "sqlite")

# Database objects that migrations create by hand and models do not describe: autogenerate leaves them alone.
UNMODELLED = frozenset({"vendor_search", "ix_vendors_search_text_trgm"})


def include_in_migrations(_obj: object, name: str | None, _type: str, _reflected: bool, _other: object) -> bool:
    """Alembic's ``include_object``: leaves hand-made objects (and FTS5's shadow tables) alone."""
    return not (name and (name in UNMODELLED or name.startswith("vendor_search_")))


def table_of(model: type[Any]) -> Table:
    """The Core table of a model, for bulk inserts that skip the ORM's per-row work."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


__all__ = [
    "UNMODELLED",
    "BigIntAuditBase",
    "BigIntBase",
    "BigIntType",
    "include_in_migrations",
    "metadata",
    "table_of",
]
