"""One database session per request, opened lazily and always closed.

GET and HEAD requests get a session from the read factory; other methods from the write factory (on
SQLite its transactions begin IMMEDIATE). The session is created before authentication so that a GET's
user lookup and its handler share one connection (on SQLite the user is read on the event loop's thread:
``tracker/db/inline.py``).
"""

from __future__ import annotations

from typing import Any

from litestar.types import ASGIApp, Receive, Scope, Send
from sqlalchemy.ext.asyncio import AsyncSession

from tracker.db.engine import READ_BACK_AFTER_COMMIT, Database

SESSION_KEY = "tracker_db_session"
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def database_of(scope: Scope) -> Database:
    db: Database = scope["app"].state.db
    return db


def session_of(scope: Scope) -> AsyncSession:
    """The request's session, created on first use."""
    state: dict[str, Any] = scope.setdefault("state", {})
    session = state.get(SESSION_KEY)
    if session is None:
        db = database_of(scope)
        if scope.get("method", "GET") in READ_METHODS:
            session = db.read()
        else:
            session = db.write()
            session.info[READ_BACK_AFTER_COMMIT] = True
        state[SESSION_KEY] = session
    assert isinstance(session, AsyncSession)
    return session


class SessionMiddleware:
    """Closes the request's session (if one was opened) once the response has been sent."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self.app(scope, receive, send)
        finally:
            session = scope.get("state", {}).pop(SESSION_KEY, None)
            if session is not None:
                await session.close()


async def provide_db_session(scope: Scope) -> AsyncSession:
    return session_of(scope)
