"""A thin client for tests: the app over ASGI, signed in as one of the baseline users."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx


@dataclass
class Api:
    client: httpx.AsyncClient
    token: str | None = None
    lang: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        headers = dict(self.headers)
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if self.lang:
            headers["Accept-Language"] = self.lang
        headers.update(extra or {})
        return headers

    async def request(
        self, method: str, url: str, *, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> httpx.Response:
        return await self.client.request(method, url, headers=self._headers(headers), **kwargs)

    async def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.request("GET", url, **kwargs)

    async def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.request("POST", url, **kwargs)

    async def patch(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.request("PATCH", url, **kwargs)

    async def delete(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.request("DELETE", url, **kwargs)

    def english(self) -> Api:
        return Api(self.client, self.token, "en", self.headers)

    async def ok(self, method: str, url: str, status: int = 200, **kwargs: Any) -> Any:
        """The JSON of a response that must have ``status``; otherwise the test fails showing the body."""
        response = await self.request(method, url, **kwargs)
        assert response.status_code == status, f"{method} {url} → {response.status_code}: {response.text}"
        return response.json() if response.content else None
