"""Dependency provider of the poster service."""

from __future__ import annotations

from litestar.datastructures import State
from litestar.di import NamedDependency
from sqlalchemy.ext.asyncio import AsyncSession

from vendors.posters.service import PosterService


async def provide_poster_service(db_session: NamedDependency[AsyncSession], state: State) -> PosterService:
    return PosterService(db_session, state.banks)
