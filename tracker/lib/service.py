"""The base of every domain service: an advanced-alchemy repository service bound to one session.

Services own their transactions (``commit``), so that a failure while committing reaches the one
exception mapping in ``tracker.lib.http_errors`` instead of escaping after the response was chosen.
Repository exceptions are not wrapped: the raw SQLAlchemy errors are mapped in one place.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService
from sqlalchemy.ext.asyncio import AsyncSession

from tracker.db.base import BigIntBase

ModelT = TypeVar("ModelT", bound=Any)
RepoT = TypeVar("RepoT", bound=SQLAlchemyAsyncRepository[Any])


class Service(SQLAlchemyAsyncRepositoryService[ModelT, RepoT], Generic[ModelT, RepoT]):
    def __init__(self, session: AsyncSession, **kwargs: Any) -> None:
        super().__init__(session=session, wrap_exceptions=False, auto_refresh=False, **kwargs)

    @property
    def session(self) -> AsyncSession:
        session = self.repository.session
        assert isinstance(session, AsyncSession)
        return session

    async def commit(self) -> None:
        await self.session.commit()


__all__ = ["BigIntBase", "ModelT", "RepoT", "Service"]
