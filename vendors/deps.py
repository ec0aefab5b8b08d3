"""Dependency providers of the vendor domain."""

from __future__ import annotations

from litestar.datastructures import State
from litestar.di import NamedDependency
from sqlalchemy.ext.asyncio import AsyncSession

from vendors.services import VendorService


async def provide_vendor_service(db_session: NamedDependency[AsyncSession], state: State) -> VendorService:
    return VendorService(db_session, state.banks)
