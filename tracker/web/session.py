"""Sign-in and sign-out of the pages, the language switch, and the home page."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from tracker.accounts.actor import Actor
from tracker.accounts.auth import SESSION_COOKIE
from tracker.accounts.controllers import client_address
from tracker.accounts.schemas import LoginRequest
from tracker.accounts.services import AuthService
from tracker.lib.exceptions import TrackerError
from tracker.lib.i18n import Lang, Text
from tracker.lib.routes import get, post
from tracker.settings import Settings
from tracker.web.csrf import csrf_protect
from tracker.web.render import cookie_secure, current_user, lang_cookie, local_path, page, redirect_to

MISSING_LOGIN = Text("Hãy nhập tên đăng nhập và mật khẩu.", "Enter your username and password.")
SIGNED_OUT = Text("Bạn đã đăng xuất.", "You have signed out.")


def _field(form: Any, name: str, limit: int) -> str:
    value = form.get(name)
    return value[:limit] if isinstance(value, str) else ""


class SessionController(Controller):
    """Pages anyone may open (sign-in, language) and the signed-in home page."""

    include_in_schema = False

    @get("/", name="home")
    async def home(self, request: Request[Any, Any, Any], actor: NamedDependency[Actor]) -> Template:
        return page(request, "home.html")

    @get("/login", name="login", exclude_from_auth=True)
    async def login_form(
        self,
        request: Request[Any, Any, Any],
        next_path: Annotated[str | None, QueryParameter(name="next", max_length=2000)] = None,
    ) -> Template:
        return page(request, "login.html", next_path=local_path(next_path), username="", error=None)

    @post("/login", name="login_submit", exclude_from_auth=True, guards=[csrf_protect])
    async def login(
        self,
        request: Request[Any, Any, Any],
        auth_service: NamedDependency[AuthService],
        settings: NamedDependency[Settings],
    ) -> Template | Redirect:
        form = await request.form()
        username = _field(form, "username", 60).strip()
        password = _field(form, "password", 128)
        next_path = local_path(_field(form, "next", 2000))
        if not username or not password:
            return page(
                request, "login.html", status_code=400, next_path=next_path, username=username, error=MISSING_LOGIN
            )
        try:
            data = msgspec.convert({"username": username, "password": password}, LoginRequest)
            issued = await auth_service.login(settings, data, client_address(request))
        except (TrackerError, msgspec.ValidationError) as exc:
            error = exc.message if isinstance(exc, TrackerError) else MISSING_LOGIN
            status = exc.status_code if isinstance(exc, TrackerError) else 400
            return page(request, "login.html", status_code=status, next_path=next_path, username=username, error=error)
        session = Cookie(
            key=SESSION_COOKIE,
            value=issued.access_token,
            path="/",
            httponly=True,
            samesite="lax",
            secure=cookie_secure(request),
            max_age=settings.token_ttl_minutes * 60,
        )
        return Redirect(next_path, status_code=HTTP_303_SEE_OTHER, cookies=[session])

    @post("/logout", name="logout", guards=[csrf_protect])
    async def logout(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        auth_service: NamedDependency[AuthService],
    ) -> Redirect:
        """Revokes the session's token (every token of the account) and removes the cookie."""
        await auth_service.revoke_all(actor)
        response = redirect_to(request, "/login", flash=SIGNED_OUT)
        response.set_cookie(key=SESSION_COOKIE, value="", path="/", max_age=0, expires=0)
        return response

    @get("/lang/{code:str}", name="switch_language", exclude_from_auth=True)
    async def switch_language(
        self,
        request: Request[Any, Any, Any],
        code: FromPath[str],
        next_path: Annotated[str | None, QueryParameter(name="next", max_length=2000)] = None,
    ) -> Redirect:
        """Remembers the chosen language (cookie ``lang``) and goes back to the page."""
        lang: Lang = "en" if code == "en" else "vi"
        return Redirect(
            local_path(next_path, "/", allow_login=True),
            status_code=HTTP_303_SEE_OTHER,
            cookies=[lang_cookie(request, lang)],
            headers={"Cache-Control": "no-store"},
        )


__all__ = ["SessionController", "current_user"]
