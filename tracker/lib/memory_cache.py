"""Answers kept in memory until the next commit to the database.

Every entry is stored with the change generation (tracker/db/changes.py) read *before* the answer was
computed, and is given again only while the generation is still that number: after any commit, by any
process, the entry is dead. Nothing expires by time, so nothing is ever served stale by design; what
bounds memory is the number of entries and, for answers, their bytes (least recently used first out).

``cached_answers`` is a route middleware: it runs after authentication and before the route's guards,
parameters and handler, so a hit costs a dictionary lookup. Its key holds the actor's id, role and area
(which decide what a list holds and how it is masked), the path, the query string and the language, so
that one user's answer is never given to another.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

from litestar.types import ASGIApp, HTTPResponseBodyEvent, HTTPResponseStartEvent, Message, Receive, Scope, Send

V = TypeVar("V")

MAX_CACHED_BODY = 1024 * 1024  # larger answers (a page of 500 vendors) are not worth the memory
ANSWER_BYTES = 64 * 1024 * 1024  # all kept answers of one worker together
HIT = (b"x-cache", b"hit")
MISS = (b"x-cache", b"miss")


class GenerationCache(Generic[V]):
    """A bounded map whose entries hold only while the database's change generation is unchanged."""

    def __init__(self, entries: int, *, max_bytes: int | None = None, size: Callable[[V], int] | None = None) -> None:
        self.entries = entries
        self.max_bytes = max_bytes
        self._size = size or (lambda _value: 0)
        self._bytes = 0
        self._items: OrderedDict[Hashable, tuple[int, V]] = OrderedDict()

    def get(self, key: Hashable, generation: int | None) -> V | None:
        if generation is None:
            return None
        found = self._items.get(key)
        if found is None:
            return None
        if found[0] != generation:
            self._drop(key)
            return None
        self._items.move_to_end(key)
        return found[1]

    def put(self, key: Hashable, generation: int | None, value: V) -> None:
        if generation is None or self.entries <= 0:
            return
        size = self._size(value)
        if self.max_bytes is not None and size > self.max_bytes:
            return
        if key in self._items:
            self._drop(key)
        self._items[key] = (generation, value)
        self._bytes += size
        while len(self._items) > self.entries or (self.max_bytes is not None and self._bytes > self.max_bytes):
            self._drop(next(iter(self._items)))

    def _drop(self, key: Hashable) -> None:
        _, value = self._items.pop(key)
        self._bytes -= self._size(value)

    def __len__(self) -> int:
        return len(self._items)

    @property
    def bytes(self) -> int:
        return self._bytes


@dataclass(frozen=True, slots=True)
class CachedAnswer:
    headers: list[tuple[bytes, bytes]]
    body: bytes


def _header(scope: Scope, name: bytes) -> bytes:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value)
    return b""


def _answer_key(scope: Scope) -> Hashable | None:
    actor = scope.get("user")
    user_id = getattr(actor, "user_id", None)
    if user_id is None:
        return None
    return (
        user_id,
        actor.role,
        actor.area_id,
        scope["path"],
        scope.get("query_string", b""),
        _header(scope, b"accept-language"),
    )


def cached_answers(app: ASGIApp) -> ASGIApp:
    """Route middleware: GET answers of 200 given again from memory until the next commit.

    A request with ``Cache-Control: no-cache`` is always computed afresh (and refreshes the entry)."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        state = scope["app"].state
        cache: GenerationCache[CachedAnswer] = state.answer_cache
        generation = state.db.changes.generation() if scope.get("method") == "GET" else None
        key = _answer_key(scope) if generation is not None else None
        if key is None:
            await app(scope, receive, send)
            return
        if b"no-cache" not in _header(scope, b"cache-control"):
            found = cache.get(key, generation)
            if found is not None:
                start: HTTPResponseStartEvent = {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [*found.headers, HIT],
                }
                body: HTTPResponseBodyEvent = {"type": "http.response.body", "body": found.body, "more_body": False}
                await send(start)
                await send(body)
                return
        status = 0
        headers: list[tuple[bytes, bytes]] = []
        chunks: list[bytes] = []
        size = 0

        async def capture(message: Message) -> None:
            nonlocal status, headers, size
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [(bytes(k), bytes(v)) for k, v in message.get("headers", [])]
                message = {**message, "headers": [*message.get("headers", []), MISS]}
            elif message["type"] == "http.response.body" and status == 200 and size <= MAX_CACHED_BODY:
                body = message.get("body", b"")
                chunks.append(body)
                size += len(body)
                if not message.get("more_body", False) and size <= MAX_CACHED_BODY and _storable(headers):
                    cache.put(key, generation, CachedAnswer(headers=headers, body=b"".join(chunks)))
            await send(message)

        await app(scope, receive, capture)

    return middleware


def _storable(headers: list[tuple[bytes, bytes]]) -> bool:
    return not any(k.lower() == b"set-cookie" for k, _ in headers)


def answer_cache(entries: int) -> GenerationCache[CachedAnswer]:
    return GenerationCache(entries, max_bytes=ANSWER_BYTES, size=lambda answer: len(answer.body))


__all__ = ["CachedAnswer", "GenerationCache", "answer_cache", "cached_answers"]
