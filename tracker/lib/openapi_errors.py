"""Every API operation documents the errors it can answer, in the one error shape.

The error shape is the same everywhere (``tracker.lib.http_errors``), so rather than repeating it on
each handler, the composition root adds these responses to every operation.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from litestar import Controller
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec

from tracker.lib.schema import Schema


class ErrorItem(Schema):
    """A problem with one field; some problems add details (``existing``, ``allowed``, ...)."""

    field: str
    code: str
    message: str


class ErrorBody(Schema):
    status_code: int
    detail: str
    extra: list[ErrorItem]


ERROR_RESPONSES: dict[int, str] = {
    400: "Dữ liệu không hợp lệ; không có gì được lưu. / Invalid input; nothing was saved.",
    401: "Chưa đăng nhập hoặc mã đã hết hạn. / Not signed in, or the token expired.",
    403: "Ngoài vai trò hoặc địa bàn. / Outside one's role or area.",
    404: "Không tìm thấy (hoặc ngoài địa bàn). / Not found (or outside one's area).",
    409: "Trùng lặp, chuyển trạng thái không hợp lệ hoặc phiên bản cũ. / "
    "Duplicate, invalid status change or stale version.",
    413: "Dữ liệu quá lớn. / Too large.",
    429: "Quá nhiều yêu cầu. / Too many requests.",
    503: "Cơ sở dữ liệu tạm thời không truy cập được. / The database is temporarily unreachable.",
}


def _specs() -> dict[int, ResponseSpec]:
    return {
        status: ResponseSpec(data_container=ErrorBody, description=description, generate_examples=False)
        for status, description in ERROR_RESPONSES.items()
    }


def _handlers(items: Iterable[Any]) -> Iterable[HTTPRouteHandler]:
    for item in items:
        if isinstance(item, HTTPRouteHandler):
            yield item
        elif isinstance(item, type) and issubclass(item, Controller):
            for name in dir(item):
                attribute = getattr(item, name, None)
                if isinstance(attribute, HTTPRouteHandler):
                    yield attribute


def document_errors(route_handlers: Iterable[Any]) -> None:
    """Adds the error responses to every handler, keeping any it declares itself."""
    specs = _specs()
    for handler in _handlers(route_handlers):
        handler.responses = {**specs, **(handler.responses or {})}
