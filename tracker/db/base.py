"""Declarative bases shared by every domain's models (one metadata, one naming convention)."""

from __future__ import annotations

from advanced_alchemy.base import BigIntAuditBase, BigIntBase, orm_registry

metadata = orm_registry.metadata

__all__ = ["BigIntAuditBase", "BigIntBase", "metadata"]
