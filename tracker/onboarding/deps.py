"""Dependency providers of onboarding."""

from __future__ import annotations

from collections.abc import AsyncIterator

from litestar.types import Scope

from tracker.db.session import database_of
from tracker.onboarding.services import StatusService


async def provide_public_status_service(scope: Scope) -> AsyncIterator[StatusService]:
    """The public lookup is a GET that counts lookups: it gets a session that may write (on SQLite, one
    that takes the write lock at once instead of failing when another writer went first)."""
    async with database_of(scope).write() as session:
        yield StatusService(session)
