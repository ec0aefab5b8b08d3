"""Fetching listing addresses to see whether they are still online. Knows no database.

Politeness: at most ``per_host`` requests in flight to one host and at least ``delay`` seconds between
the starts of two requests to it; at most ``concurrency`` in flight overall. Every request has a timeout.
Redirects are followed one by one (each hop is recorded and waits its turn at its own host), up to
``max_redirects``. Bodies are not read: the status and the address reached decide.

Verdicts:
- ``broken``: the listing answers 404 or 410, or it redirects to the platform's home or search page
  (a path of ``/`` or ``/search``, or a ``keyword=``/``q=`` query), which is how marketplaces answer for
  an item that was taken down;
- ``ok``: a 2xx answer on a product page (after redirects, still one of the platform's product pages
  when the platform's shapes are known);
- ``unreachable``: no answer (refused, timed out, DNS failure, TLS error);
- ``inconclusive``: anything else (403/429 from bot protection, 5xx, a login wall, too many redirects).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Self
from urllib.parse import parse_qsl, urljoin, urlsplit

import httpx

from tracker.lib import clock
from tracker.lib.exceptions import ValidationFailed
from tracker.onboarding.urls import Rules, parse_url

USER_AGENT = "ChoSo-ListingCheck/0.1 (Cho So tracker of OCOP products on e-commerce; availability check)"
SEARCH_SEGMENTS = frozenset({"search", "tim-kiem", "timkiem", "catalogsearch", "search-result"})
SEARCH_PARAMS = frozenset({"keyword", "keywords", "q", "k", "query", "search", "searchtext"})
GONE = frozenset({404, 410})


def is_home_or_search(url: str) -> bool:
    parts = urlsplit(url)
    path = parts.path.rstrip("/").lower()
    if path == "":
        return True
    segments = [s for s in path.split("/") if s]
    if segments and (segments[0] in SEARCH_SEGMENTS or segments[-1] in SEARCH_SEGMENTS):
        return True
    return any(key.lower() in SEARCH_PARAMS for key, _ in parse_qsl(parts.query))


@dataclass(frozen=True, slots=True)
class Target:
    url: str
    # The platform's address shapes, to tell a product page from a login wall after redirects.
    rules: Rules | None = None


@dataclass(frozen=True, slots=True)
class Hop:
    url: str
    status_code: int
    location: str


@dataclass
class Outcome:
    url: str
    checked_at: dt.datetime
    reachable: bool = False
    status_code: int | None = None
    final_url: str | None = None
    hops: list[Hop] = field(default_factory=list)
    error: str | None = None
    elapsed_ms: int = 0
    rules: Rules | None = None

    @property
    def verdict(self) -> str:
        if not self.reachable or self.status_code is None:
            return "unreachable"
        if self.status_code in GONE:
            return "broken"
        if self.hops and self.final_url and is_home_or_search(self.final_url):
            return "broken"
        if 200 <= self.status_code < 300 and self.error is None:
            if self.hops and self.rules is not None and not self.lands_on_product():
                return "inconclusive"
            return "ok"
        return "inconclusive"

    def lands_on_product(self) -> bool:
        if self.rules is None or self.final_url is None:
            return False
        try:
            parsed = parse_url(self.rules, self.final_url, kind="product", field_name="url")
        except ValidationFailed:
            return False
        return parsed.kind == "product"


class _Host:
    def __init__(self, limit: int) -> None:
        self.slots = asyncio.Semaphore(limit)
        self.turn = asyncio.Lock()
        self.next_start = 0.0


class ListingChecker:
    """``async with ListingChecker() as checker: outcomes = await checker.check_many(targets)``."""

    def __init__(
        self,
        *,
        timeout: float = 10.0,
        per_host: int = 2,
        delay: float = 1.0,
        concurrency: int = 8,
        max_redirects: int = 5,
        user_agent: str = USER_AGENT,
    ) -> None:
        self.timeout = timeout
        self.per_host = per_host
        self.delay = delay
        self.max_redirects = max_redirects
        self._all = asyncio.Semaphore(concurrency)
        self._hosts: dict[str, _Host] = {}
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
            headers={"User-Agent": user_agent, "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"},
            limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    def _host(self, url: str) -> _Host:
        key = urlsplit(url).netloc.lower()
        if key not in self._hosts:
            self._hosts[key] = _Host(self.per_host)
        return self._hosts[key]

    async def _get(self, url: str) -> httpx.Response:
        host = self._host(url)
        async with host.slots:
            async with host.turn:
                loop = asyncio.get_running_loop()
                wait = host.next_start - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                host.next_start = loop.time() + self.delay
            response = await self._client.send(self._client.build_request("GET", url), stream=True)
            await response.aclose()  # the status and headers decide; the body is not needed
            return response

    async def check(self, target: Target | str) -> Outcome:
        target = target if isinstance(target, Target) else Target(target)
        outcome = Outcome(url=target.url, checked_at=clock.now(), rules=target.rules)
        started = time.monotonic()
        current = target.url
        async with self._all:
            try:
                for _ in range(self.max_redirects + 1):
                    response = await self._get(current)
                    outcome.reachable = True
                    outcome.status_code = response.status_code
                    outcome.final_url = current
                    location = response.headers.get("location")
                    if not (response.is_redirect and location):
                        break
                    following = urljoin(current, location)
                    outcome.hops.append(Hop(current, response.status_code, following))
                    outcome.final_url = following
                    if urlsplit(following).scheme not in ("http", "https"):
                        break
                    current = following
                else:
                    outcome.error = f"more than {self.max_redirects} redirects"
            except httpx.TimeoutException:
                outcome.error = f"no answer within {self.timeout:g} s"
            except httpx.HTTPError as exc:
                outcome.error = f"{type(exc).__name__}: {exc}"[:300]
        if outcome.error is not None and outcome.status_code is None:
            outcome.reachable = False
        outcome.elapsed_ms = int((time.monotonic() - started) * 1000)
        return outcome

    async def check_many(self, targets: Sequence[Target]) -> list[Outcome]:
        return list(await asyncio.gather(*(self.check(t) for t in targets)))
