"""Authentication (bearer token in the header, or the same token in the page cookie) and role guards."""

from __future__ import annotations

from typing import Any, NamedTuple

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware.authentication import AbstractAuthenticationMiddleware, AuthenticationResult
from sqlalchemy import Row, bindparam, select

from tracker.accounts.actor import Actor
from tracker.accounts.models import User
from tracker.accounts.security import read_token
from tracker.db.inline import InlineUnavailable, inline_sql
from tracker.db.session import READ_METHODS, database_of, session_of
from tracker.lib.exceptions import NotAuthenticated, PermissionDenied
from tracker.lib.i18n import Text
from tracker.lib.memory_cache import GenerationCache
from tracker.settings import Settings

SESSION_COOKIE = "cho_so_session"

# Paths that answer without a token: health, the API docs, sign-in and the public lookup.
PUBLIC_PATHS = ["^/health", "^/ready", "^/schema", "^/static/", "^/api/auth/login", "^/api/public/", "^/favicon"]


class _UserRow(NamedTuple):
    id: int
    username: str
    role: str
    area_id: int | None
    full_name: str
    active: bool
    token_version: int
    producer_id: int | None


_USER = select(*(getattr(User, name) for name in _UserRow._fields)).where(User.id == bindparam("user_id"))
_USER_SQL = inline_sql(_USER)


async def _user_row(connection: ASGIConnection[Any, Any, Any, Any], user_id: int) -> _UserRow | Row[Any] | None:
    """The token's user. On SQLite it is read on the event loop's thread (a row by its key costs less than
    a round trip through aiosqlite's thread), unless that read would have had to wait."""
    db = database_of(connection.scope)
    if db.inline is not None:
        try:
            found = db.inline.first(_USER_SQL, (user_id,))
        except InlineUnavailable:
            pass
        else:
            return None if found is None else _UserRow(*found)
    if connection.scope.get("method", "GET") in READ_METHODS:
        conn = await session_of(connection.scope).connection()
        return (await conn.execute(_USER, {"user_id": user_id})).first()
    # A write request's own transaction takes SQLite's write lock with its first statement: looking the
    # user up on a read connection keeps the lock for the handler's writes alone.
    async with db.read_engine.connect() as read_conn:
        return (await read_conn.execute(_USER, {"user_id": user_id})).first()


def token_from(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    """The bearer token of an API call. The pages' cookie is not accepted under /api: a browser sends
    cookies with any cross-site request, so cookie-authenticated writes need the pages' CSRF checks."""
    header = connection.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    if connection.scope.get("path", "").startswith("/api/"):
        return None
    return connection.cookies.get(SESSION_COOKIE) or None


async def actor_for_token(connection: ASGIConnection[Any, Any, Any, Any], token: str) -> Actor:
    """The token's user, while active and while the token's version is the account's. Until the next commit
    to the users table neither can have changed, so the answer is kept in memory until then."""
    state = connection.app.state
    settings: Settings = state.settings
    claims = read_token(settings.secret_key, token)
    cache: GenerationCache[Actor] = state.actor_cache
    key = (claims.user_id, claims.token_version)
    generation = database_of(connection.scope).changes.generation("users")
    known = cache.get(key, generation)
    if known is not None:
        return known
    row = await _user_row(connection, claims.user_id)
    if row is None or not row.active or row.token_version != claims.token_version:
        raise NotAuthenticated()
    actor = Actor(
        user_id=row.id,
        username=row.username,
        role=row.role,
        area_id=row.area_id,
        full_name=row.full_name,
        producer_id=row.producer_id,
    )
    cache.put(key, generation, actor)
    return actor


class TokenAuthenticationMiddleware(AbstractAuthenticationMiddleware):
    async def authenticate_request(self, connection: ASGIConnection[Any, Any, Any, Any]) -> AuthenticationResult:
        token = token_from(connection)
        if not token:
            raise NotAuthenticated()
        actor = await actor_for_token(connection, token)
        return AuthenticationResult(user=actor, auth=token)


def requires(*roles: str) -> Any:
    """A guard letting through the given roles (and admins). A coroutine: Litestar runs a plain function
    guard on its thread pool, two thread hops for a check of a few microseconds."""

    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        actor = connection.scope.get("user")
        if actor is None:
            if connection.scope.get("method") == "OPTIONS":
                return  # answered by the framework without authentication; it reveals no data
            raise NotAuthenticated()
        if not isinstance(actor, Actor) or not actor.has_role(*roles):
            raise PermissionDenied(
                Text("Vai trò của bạn không được phép thực hiện thao tác này.", "Your role may not do this.")
            )

    guard.__name__ = f"requires_{'_'.join(roles) or 'admin'}"
    return guard


async def provide_actor(request: Request[Any, Any, Any]) -> Actor:
    actor = request.user
    assert isinstance(actor, Actor)
    return actor
