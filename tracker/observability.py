"""Request ids, one structured log line per request, and the security headers of every response.

Log lines carry no personal data: the path is logged without its query string (searches carry names
and phone numbers), and users appear by id only.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import secrets
import sys
import time
from collections.abc import Iterable
from typing import Any

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
access_log = logging.getLogger("tracker.access")
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

# Pages and API answers alike: no sniffing, no framing, no referrer leaking ids to other sites.
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(self), microphone=(), geolocation=(self)",
}
# Everything the pages use is served by the service itself; the API docs page needs its inline start-up
# script, so it gets its own, looser policy.
CSP = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)
DOCS_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self' 'unsafe-inline'; frame-ancestors 'none'; object-src 'none'"
)


_RAW_SECURITY_HEADERS = [(name.lower().encode(), value.encode()) for name, value in SECURITY_HEADERS.items()]
_RAW_CSP = (b"content-security-policy", CSP.encode())
_RAW_DOCS_CSP = (b"content-security-policy", DOCS_CSP.encode())
_RAW_HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")


def _with_service_headers(
    headers: Iterable[tuple[bytes, bytes]], request_id: str, path: str, https: bool
) -> list[tuple[bytes, bytes]]:
    """The response's headers with the request id (replacing any) and the security headers the response
    did not set itself. Raw byte pairs: this runs for every response."""
    raw = [(bytes(k), bytes(v)) for k, v in headers if bytes(k).lower() != b"x-request-id"]
    present = {k.lower() for k, _ in raw}
    raw.append((b"x-request-id", request_id.encode("latin-1")))
    wanted = [*_RAW_SECURITY_HEADERS, _RAW_DOCS_CSP if path.startswith("/schema") else _RAW_CSP]
    if https:
        wanted.append(_RAW_HSTS)
    raw.extend(pair for pair in wanted if pair[0] not in present)
    return raw


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _VALID_ID.match(incoming) else secrets.token_hex(8)
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500
        path = scope.get("path", "")
        https = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = _with_service_headers(message.get("headers", ()), request_id, path, https)
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            user = scope.get("user")
            access_log.info(
                "request",
                extra={
                    "method": scope.get("method"),
                    "path": path,
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "user_id": getattr(user, "user_id", None),
                    "request_id": request_id,
                },
            )
            request_id_var.reset(token)


_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
            "request_id": request_id_var.get(),
        }
        entry.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD})  # request_id too
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        extra = {k: v for k, v in record.__dict__.items() if k not in _STANDARD}
        base = (
            f"{self.formatTime(record, '%H:%M:%S')} {record.levelname:<7} {request_id_var.get()} {record.getMessage()}"
        )
        details = " ".join(f"{k}={v}" for k, v in extra.items())
        text = f"{base} {details}".rstrip()
        return text + ("\n" + self.formatException(record.exc_info) if record.exc_info else "")


def configure_logging(fmt: str = "text", level: str = "INFO") -> None:
    """Structured JSON lines in production (``TRACKER_LOG_FORMAT=json``), readable text otherwise."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    logger = logging.getLogger("tracker")
    logger.handlers[:] = [handler]
    logger.setLevel(level)
    logger.propagate = False
