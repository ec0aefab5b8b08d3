"""Dependency provider of the poster service."""

from __future__ import annotations

from collections.abc import AsyncGenerator

from litestar.datastructures import State
from litestar.types import Scope

from tracker.db.session import database_of
from vendors.posters.service import PosterService


async def provide_poster_service(scope: Scope, state: State) -> AsyncGenerator[PosterService, None]:
    """A service on a session of the *write* factory, even for GET.

    Downloading a poster records it: on SQLite a read-first (deferred) transaction that then writes fails
    at once when another writer committed in between, where the write factory's immediate one waits. The
    drawing itself happens before, on a read session.
    """
    db = database_of(scope)
    session = db.write()
    # On SQLite a poster is drawn on a read session first, outside the write lock.
    read_session = db.read() if db.dialect == "sqlite" else None
    try:
        yield PosterService(session, state.banks, read_session=read_session)
    finally:
        await session.close()
        if read_session is not None:
            await read_session.close()
