"""Dependency providers of imports."""

from __future__ import annotations

from litestar.datastructures import State
from litestar.di import NamedDependency
from sqlalchemy.ext.asyncio import AsyncSession

from tracker.imports.service import ImportService


async def provide_import_service(db_session: NamedDependency[AsyncSession], state: State) -> ImportService:
    return ImportService(db_session, state.import_kinds, state.banks)
