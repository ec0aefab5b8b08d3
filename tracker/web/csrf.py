"""Protection of the pages' forms against cross-site requests.

Every form carries a hidden ``csrf_token``: an HMAC (with ``SECRET_KEY``) of the session token once
signed in, or of a random ``cho_so_csrf`` cookie before (the sign-in form itself). Another site can make a
browser send the cookies, but cannot read the page, so it cannot know the token. One guard,
``csrf_protect``, checks it on every unsafe page request.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.datastructures import UploadFile
from litestar.handlers.base import BaseRouteHandler

from tracker.accounts.auth import SESSION_COOKIE
from tracker.lib.exceptions import PermissionDenied
from tracker.lib.i18n import Text
from tracker.settings import Settings

CSRF_COOKIE = "cho_so_csrf"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_STATE_TOKEN = "web_csrf_token"  # noqa: S105 (a key of the request state, not a secret)
_STATE_NEW_COOKIE = "web_csrf_new_cookie"

CSRF_FAILED = Text(
    "Biểu mẫu đã hết hạn hoặc không gửi từ trang của Chợ Số. Hãy tải lại trang và gửi lại.",
    "The form has expired or was not sent from a Chợ Số page. Reload the page and send it again.",
)


def _sign(secret: str, basis: str) -> str:
    return hmac.new(secret.encode(), basis.encode(), hashlib.sha256).hexdigest()


def _basis(connection: ASGIConnection[Any, Any, Any, Any], *, create: bool) -> str | None:
    """What the token is derived from: the session token when signed in, else the anonymous cookie."""
    session = connection.scope.get("auth")
    if isinstance(session, str) and session:
        return "session:" + session
    anonymous = connection.cookies.get(CSRF_COOKIE)
    if not anonymous and create:
        anonymous = connection.scope.setdefault("state", {}).get(_STATE_NEW_COOKIE)
        if not anonymous:
            anonymous = secrets.token_urlsafe(24)
            connection.scope["state"][_STATE_NEW_COOKIE] = anonymous
    return "anonymous:" + anonymous if anonymous else None


def csrf_token(request: Request[Any, Any, Any]) -> str:
    """The token that this request's forms carry (computed once per request)."""
    state: dict[str, Any] = request.scope.setdefault("state", {})
    token = state.get(_STATE_TOKEN)
    if token is None:
        settings: Settings = request.app.state.settings
        basis = _basis(request, create=True)
        assert basis is not None
        token = state[_STATE_TOKEN] = _sign(settings.secret_key, basis)
    return str(token)


def new_anonymous_cookie(request: Request[Any, Any, Any]) -> str | None:
    """The anonymous cookie value that this response must set (the browser had none yet)."""
    value = request.scope.get("state", {}).get(_STATE_NEW_COOKIE)
    return str(value) if value else None


async def csrf_protect(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Guard of every page handler that changes something: the form's token must match."""
    if connection.scope.get("method", "GET") in SAFE_METHODS:
        return
    settings: Settings = connection.app.state.settings
    basis = _basis(connection, create=False)
    form = await Request[Any, Any, Any](connection.scope, connection.receive).form()
    sent = form.get(CSRF_FIELD)
    if basis is None or not isinstance(sent, str) or not hmac.compare_digest(sent, _sign(settings.secret_key, basis)):
        # The handler that would have closed the form's uploaded files never runs.
        for _field, value in form.multi_items():
            if isinstance(value, UploadFile):
                await value.close()
        raise PermissionDenied(CSRF_FAILED)


__all__ = ["CSRF_COOKIE", "CSRF_FIELD", "SESSION_COOKIE", "csrf_protect", "csrf_token", "new_anonymous_cookie"]
