"""Route handlers: every guarded route runs its guards without copying its handler, and still refuses."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Litestar
from litestar.connection import ASGIConnection
from litestar.exceptions import PermissionDeniedException
from litestar.handlers import BaseRouteHandler
from litestar.testing import AsyncTestClient

from tracker.app import create_app
from tracker.lib.routes import GuardedRoute, get
from tracker.settings import Settings


def test_every_guarded_route_of_the_application_is_a_guarded_route() -> None:
    app = create_app(Settings(database_url="sqlite+aiosqlite:///:memory:", secret_key="k" * 40))
    guarded = [
        handler
        for route in app.routes
        for handler in getattr(route, "route_handlers", [])
        if handler.resolve_guards() and handler.http_methods != {"OPTIONS"}  # OPTIONS: Litestar's own handlers
    ]
    assert len(guarded) > 50
    assert [h for h in guarded if not isinstance(h, GuardedRoute)] == []


async def test_guards_see_the_handler_itself_and_can_refuse() -> None:
    seen: list[BaseRouteHandler] = []

    async def only_with_key(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
        seen.append(handler)
        if connection.headers.get("x-key") != "yes":
            raise PermissionDeniedException()

    class Things(Controller):
        path = "/things"
        guards = [only_with_key]

        @get("/", guards=[only_with_key])
        async def things(self) -> dict[str, int]:
            return {"n": 1}

    async with AsyncTestClient(Litestar([Things])) as client:
        assert (await client.get("/things")).status_code == 403
        allowed = await client.get("/things", headers={"x-key": "yes"})
    assert allowed.json() == {"n": 1}
    handler = Things.things  # the decorated handler, as the controller declares it
    assert len(seen) == 3  # refused at the first guard, then both guards of the allowed request
    assert all(type(h) is type(handler) and h.handler_name == "things" for h in seen)
    assert seen[1] is seen[2]  # one handler, not a copy per guard
