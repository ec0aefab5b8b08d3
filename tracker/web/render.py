"""Rendering a page with the context every page shares, redirects after a form, and one-time messages."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from litestar import Request, Response
from litestar.datastructures import Cookie
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from tracker.accounts.actor import ADMIN, OFFICER, PRODUCER, TASKFORCE, Actor
from tracker.lib.http_errors import LANG_COOKIE
from tracker.lib.i18n import DEFAULT_LANG, Lang, Text, negotiate
from tracker.settings import Settings
from tracker.web.csrf import CSRF_COOKIE, csrf_token, new_anonymous_cookie

FLASH_COOKIE = "cho_so_flash"
LANG_MAX_AGE = 365 * 24 * 3600
_LOCAL_PATH = re.compile(r"^/(?![/\\])[^\s\\\x00-\x1f\x7f]*$")


@dataclass(frozen=True, slots=True)
class NavLink:
    path: str
    label: Text
    roles: frozenset[str]


# The pages' menu, by role (admins see every entry). An entry shows once the app has a page at its path.
NAV: list[NavLink] = [
    NavLink("/dashboard", Text("Tổng quan", "Dashboard"), frozenset({OFFICER})),
    NavLink("/vendors", Text("Tiểu thương", "Vendors"), frozenset({OFFICER, TASKFORCE})),
    NavLink("/vendors/new", Text("Đăng ký tiểu thương", "New vendor"), frozenset({TASKFORCE})),
    NavLink("/imports", Text("Nhập bảng tính", "Imports"), frozenset({OFFICER, TASKFORCE})),
    NavLink("/my/products", Text("Sản phẩm của tôi", "My products"), frozenset({PRODUCER})),
]


def lang_of(request: Request[Any, Any, Any]) -> Lang:
    """The pages' language: the one chosen with the switch (cookie ``lang``), else Vietnamese. Unlike the
    API, pages do not follow the browser's Accept-Language: an English-set browser still gets Vietnamese."""
    chosen = request.cookies.get(LANG_COOKIE)
    return negotiate(None, chosen) if chosen else DEFAULT_LANG


def local_path(value: str | None, default: str = "/", *, allow_login: bool = False) -> str:
    """``value`` when it is a path on this site (``/vendors?q=a``), else ``default``: no open redirects.
    After signing in, the sign-in page itself is no destination."""
    if not value or len(value) > 2000 or not _LOCAL_PATH.match(value):
        return default
    if value.startswith(("/login", "/logout")) and not allow_login:
        return default
    return value
    return default


def cookie_secure(request: Request[Any, Any, Any]) -> bool:
    """Whether cookies get the Secure flag: as configured, else exactly when the request came over https."""
    settings: Settings = request.app.state.settings
    if settings.cookie_secure is not None:
        return settings.cookie_secure
    return request.url.scheme == "https"


def _page_paths(request: Request[Any, Any, Any]) -> frozenset[str]:
    cached = getattr(request.app.state, "web_page_paths", None)
    if cached is None:
        cached = frozenset(route.path for route in request.app.routes)
        request.app.state.web_page_paths = cached
    return frozenset(cached)


def nav_for(request: Request[Any, Any, Any], actor: Actor | None) -> list[tuple[str, str]]:
    if actor is None:
        return []
    lang = lang_of(request)
    paths = _page_paths(request)
    return [
        (link.path, link.label(lang))
        for link in NAV
        if link.path in paths and (actor.role == ADMIN or actor.role in link.roles)
    ]


def current_user(request: Request[Any, Any, Any]) -> Actor | None:
    user = request.scope.get("user")
    return user if isinstance(user, Actor) else None


# ----- one-time messages after a redirect -------------------------------------------------------------


def _signature(request: Request[Any, Any, Any], payload: str) -> str:
    settings: Settings = request.app.state.settings
    return hmac.new(settings.secret_key.encode(), b"flash:" + payload.encode(), hashlib.sha256).hexdigest()[:32]


def flash_cookie(request: Request[Any, Any, Any], message: Text) -> Cookie:
    payload = base64.urlsafe_b64encode(json.dumps([message.vi, message.en]).encode()).decode()
    return Cookie(
        key=FLASH_COOKIE,
        value=f"{payload}.{_signature(request, payload)}",
        path="/",
        httponly=True,
        samesite="lax",
        secure=cookie_secure(request),
        max_age=120,
    )


def read_flash(request: Request[Any, Any, Any]) -> Text | None:
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw or "." not in raw:
        return None
    payload, _, signature = raw.rpartition(".")
    if not hmac.compare_digest(signature, _signature(request, payload)):
        return None
    try:
        vi, en = json.loads(base64.urlsafe_b64decode(payload.encode()))
    except (ValueError, TypeError):
        return None
    return Text(str(vi), str(en))


def redirect_to(request: Request[Any, Any, Any], path: str, flash: Text | None = None) -> Redirect:
    """303 to a local path (Post/Redirect/Get), with an optional one-time message shown there."""
    cookies = [flash_cookie(request, flash)] if flash else []
    return Redirect(local_path(path, allow_login=True), status_code=HTTP_303_SEE_OTHER, cookies=cookies)


def login_location(request: Request[Any, Any, Any]) -> str:
    """``/login?next=<this page>``: where an unauthenticated page request is sent."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if request.method not in ("GET", "HEAD"):
        target = request.url.path
    return f"/login?next={quote(local_path(target), safe='/')}"


# ----- pages ------------------------------------------------------------------------------------------


def common_context(request: Request[Any, Any, Any]) -> dict[str, Any]:
    user = current_user(request)
    lang: Lang = lang_of(request)
    return {
        "user": user,
        "lang": lang,
        "other_lang": "en" if lang == "vi" else "vi",
        "csrf_token": csrf_token(request),
        "flash": read_flash(request),
        "nav": nav_for(request, user),
        "here": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
    }


def _response_cookies(request: Request[Any, Any, Any], context: dict[str, Any]) -> list[Cookie]:
    cookies: list[Cookie] = []
    anonymous = new_anonymous_cookie(request)
    if anonymous:
        cookies.append(
            Cookie(
                key=CSRF_COOKIE,
                value=anonymous,
                path="/",
                httponly=True,
                samesite="lax",
                secure=cookie_secure(request),
            )
        )
    if context.get("flash") is not None:
        cookies.append(Cookie(key=FLASH_COOKIE, value="", path="/", max_age=0, expires=0))
    return cookies


PAGE_HEADERS = {"Cache-Control": "no-store", "Vary": "Cookie"}


def page(request: Request[Any, Any, Any], template: str, *, status_code: int = 200, **context: Any) -> Template:
    """A page from ``templates/<template>`` with the user, language, CSRF token, menu and message."""
    full = {**common_context(request), **context}
    return Template(
        template_name=template,
        context=full,
        status_code=status_code,
        cookies=_response_cookies(request, full),
        headers={**PAGE_HEADERS, "Content-Language": full["lang"]},
    )


def render_html(request: Request[Any, Any, Any], template: str, *, status_code: int, **context: Any) -> Response[str]:
    """The same as ``page`` but rendered at once (for error answers, produced outside a handler)."""
    full = {"request": request, **common_context(request), **context}
    engine = request.app.template_engine
    assert engine is not None
    html = engine.get_template(template).render(**full)
    return Response(
        content=html,
        status_code=status_code,
        media_type="text/html; charset=utf-8",
        cookies=_response_cookies(request, full),
        headers={**PAGE_HEADERS, "Content-Language": full["lang"]},
    )


def lang_cookie(request: Request[Any, Any, Any], lang: Lang) -> Cookie:
    return Cookie(
        key=LANG_COOKIE,
        value=lang,
        path="/",
        max_age=LANG_MAX_AGE,
        samesite="lax",
        secure=cookie_secure(request),
        httponly=True,
    )
