"""Dependency providers of the vendor domain."""

from __future__ import annotations

from litestar.datastructures import State
from litestar.di import NamedDependency
from sqlalchemy.ext.asyncio import AsyncSession

from vendors.services import VendorService


async def provide_vendor_service(db_session: NamedDependency[AsyncSession], state: State) -> VendorService:
    service = VendorService(db_session, state.banks)
    service.changes, service.hints = state.db.changes, state.planner_hints
    return service
