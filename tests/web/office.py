"""Pages as a signed-in browser sees them: the session cookie, the form's CSRF token, and small readers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import httpx

from tests.conftest import Clients
from tracker.accounts.auth import SESSION_COOKIE

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class PageClient:
    """The app over ASGI with a page session cookie (never a bearer token): what a signed-in browser sends."""

    client: httpx.AsyncClient
    token: str | None

    def _headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"Accept": "text/html"}
        if self.token:
            headers["Cookie"] = f"{SESSION_COOKIE}={self.token}"
        headers.update(extra or {})
        return headers

    async def get(self, url: str, **kwargs: Any) -> httpx.Response:
        kwargs.setdefault("follow_redirects", False)
        return await self.client.get(url, headers=self._headers(kwargs.pop("headers", None)), **kwargs)

    async def post(self, url: str, **kwargs: Any) -> httpx.Response:
        kwargs.setdefault("follow_redirects", False)
        return await self.client.post(url, headers=self._headers(kwargs.pop("headers", None)), **kwargs)

    async def csrf(self, url: str) -> str:
        """The CSRF token of the form on the page at ``url``."""
        response = await self.get(url)
        assert response.status_code == 200, response.text
        match = _CSRF.search(response.text)
        assert match, "the page has no form token"
        return match.group(1)


def pages(api: Clients, username: str) -> PageClient:
    return PageClient(api.anonymous.client, api.world.tokens[username])


def figure(html: str, key: str) -> int:
    """The count shown in a dashboard figure (``data-figure="vendors"``), Vietnamese thousands dots removed."""
    match = re.search(rf'data-figure="{key}"[^>]*>(?:\s*<strong[^>]*>)?([\d.]+)<', html)
    assert match, f"no figure {key} on the page"
    return int(match.group(1).replace(".", ""))
