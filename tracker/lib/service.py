"""The base of every domain service: an advanced-alchemy repository service bound to one session.

Services own their transactions (``commit``), so that a failure while committing reaches the one
exception mapping in ``tracker.lib.http_errors`` instead of escaping after the response was chosen.
Repository exceptions are not wrapped: the raw SQLAlchemy errors are mapped in one place.
"""

from __future__ import annotations

from typing import Any, Generic, Literal, TypeVar

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService
from sqlalchemy.ext.asyncio import AsyncSession

from tracker.db.base import BigIntBase
from tracker.db.engine import begin_reads_only

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

    async def commit(self, *, then: Literal["read", "write"] = "read") -> None:
        """Commits. What follows in the request only reads back the answer unless ``then="write"``: a
        service that writes again after committing (around network calls, in batches) says so."""
        await self.session.commit()
        if then == "read":
            await begin_reads_only(self.session)


__all__ = ["BigIntBase", "ModelT", "RepoT", "Service"]
