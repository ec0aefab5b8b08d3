"""Maps every error to one JSON shape, once: ``{"status_code", "detail", "extra"}``.

Sources of errors: the project's own tree (``tracker.lib.exceptions``), Litestar's validation of
parameters and bodies (whose msgspec messages are translated here), HTTP errors raised by Litestar
itself (404 routes, 405, 401 from guards), and the database (unreachable → 503; constraint races → 409).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

import asyncpg.exceptions as asyncpg_errors
from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm.exc import StaleDataError

from tracker.lib.exceptions import (
    Conflict,
    FieldProblem,
    NotFound,
    ServiceUnavailable,
    StaleWrite,
    TrackerError,
)
from tracker.lib.i18n import Lang, Text, negotiate

logger = logging.getLogger("tracker.errors")

LANG_COOKIE = "lang"


def request_lang(request: Request[Any, Any, Any]) -> Lang:
    return negotiate(request.headers.get("accept-language"), request.cookies.get(LANG_COOKIE))


_TYPE_NAMES = {
    "str": Text("chuỗi ký tự", "text"),
    "int": Text("số nguyên", "a whole number"),
    "float": Text("số", "a number"),
    "bool": Text("true/false", "true/false"),
    "object": Text("đối tượng JSON", "a JSON object"),
    "array": Text("danh sách", "a list"),
    "null": Text("rỗng (null)", "null"),
}


def _type(name: str) -> Text:
    return _TYPE_NAMES.get(name, Text(name, name))


_PATTERNS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], tuple[Text, str | None, str]]]] = [
    (
        re.compile(r"Object missing required field `(?P<f>[^`]+)`"),
        lambda m: (Text("Trường này là bắt buộc.", "This field is required."), m["f"], "required"),
    ),
    (
        re.compile(r"Object contains unknown field `(?P<f>[^`]+)`"),
        lambda m: (
            Text("Trường này không được hỗ trợ.", "This field is not supported."),
            m["f"],
            "unknown_field",
        ),
    ),
    (
        re.compile(r"Expected `str` of length >= (?P<n>\d+)"),
        lambda m: (
            Text("Không được để trống.", "Must not be empty.")
            if m["n"] == "1"
            else Text(f"Cần ít nhất {m['n']} ký tự.", f"Needs at least {m['n']} characters."),
            None,
            "too_short",
        ),
    ),
    (
        re.compile(r"Expected `str` of length <= (?P<n>\d+)"),
        lambda m: (Text(f"Tối đa {m['n']} ký tự.", f"At most {m['n']} characters."), None, "too_long"),
    ),
    (
        re.compile(r"Expected `array` of length <= (?P<n>\d+)"),
        lambda m: (Text(f"Tối đa {m['n']} mục.", f"At most {m['n']} items."), None, "too_many"),
    ),
    (
        re.compile(r"Expected `array` of length >= (?P<n>\d+)"),
        lambda m: (Text(f"Cần ít nhất {m['n']} mục.", f"At least {m['n']} items."), None, "too_few"),
    ),
    (
        re.compile(r"Expected `(?:int|float)` >= (?P<n>-?[\d.]+)"),
        lambda m: (
            Text(f"Phải lớn hơn hoặc bằng {m['n']}.", f"Must be at least {m['n']}."),
            None,
            "too_small",
        ),
    ),
    (
        re.compile(r"Expected `(?:int|float)` > (?P<n>-?[\d.]+)"),
        lambda m: (Text(f"Phải lớn hơn {m['n']}.", f"Must be greater than {m['n']}."), None, "too_small"),
    ),
    (
        re.compile(r"Expected `(?:int|float)` <= (?P<n>-?[\d.]+)"),
        lambda m: (
            Text(f"Phải nhỏ hơn hoặc bằng {m['n']}.", f"Must be at most {m['n']}."),
            None,
            "too_large",
        ),
    ),
    (
        re.compile(r"Expected `(?:int|float)` < (?P<n>-?[\d.]+)"),
        lambda m: (Text(f"Phải nhỏ hơn {m['n']}.", f"Must be less than {m['n']}."), None, "too_large"),
    ),
    (
        re.compile(r"Expected `(?P<want>\w+)(?: \| \w+)*`, got `(?P<got>\w+)`"),
        lambda m: (
            Text(
                f"Phải là {_type(m['want']).vi} (nhận được {_type(m['got']).vi}).",
                f"Must be {_type(m['want']).en} (got {_type(m['got']).en}).",
            ),
            None,
            "wrong_type",
        ),
    ),
    (
        re.compile(r"Invalid enum value (?P<v>.+)"),
        lambda m: (
            Text(f"Giá trị {m['v']} không hợp lệ.", f"The value {m['v']} is not allowed."),
            None,
            "not_allowed",
        ),
    ),
    (
        re.compile(r"Invalid RFC3339 encoded date"),
        lambda m: (
            Text("Ngày không hợp lệ (định dạng YYYY-MM-DD).", "Not a valid date (format YYYY-MM-DD)."),
            None,
            "bad_date",
        ),
    ),
    (
        re.compile(r"Invalid RFC3339 encoded datetime"),
        lambda m: (
            Text("Thời điểm không hợp lệ (ISO 8601).", "Not a valid date and time (ISO 8601)."),
            None,
            "bad_datetime",
        ),
    ),
    (
        re.compile(r"Expected `str` matching regex"),
        lambda m: (Text("Sai định dạng.", "Wrong format."), None, "bad_format"),
    ),
]

_MALFORMED = Text("Dữ liệu gửi lên không phải JSON hợp lệ.", "The request body is not valid JSON.")


def translate_validation_message(message: str, key: str | None) -> FieldProblem:
    field = key if key and key != "data" else "body"
    for pattern, build in _PATTERNS:
        match = pattern.search(message)
        if match:
            text, named_field, code = build(match)
            return FieldProblem(named_field or field, text, code)
    return FieldProblem(field, Text(f"Giá trị không hợp lệ: {message}", message), "invalid")


def _from_litestar_validation(exc: ValidationException) -> TrackerError:
    problems: list[FieldProblem] = []
    extra = exc.extra if isinstance(exc.extra, list) else []
    for item in extra:
        if isinstance(item, dict):
            problems.append(translate_validation_message(str(item.get("message", "")), item.get("key")))
    if not problems:
        detail = str(exc.detail or "")
        if "malformed" in detail.lower() or "decode" in detail.lower():
            return TrackerError(_MALFORMED)
        return TrackerError(Text(f"Yêu cầu không hợp lệ: {detail}", detail or "Invalid request."))
    from tracker.lib.exceptions import ValidationFailed

    return ValidationFailed(problems)


_HTTP_MESSAGES: dict[int, Text] = {
    401: Text("Chưa đăng nhập hoặc phiên đăng nhập đã hết hạn.", "Not signed in, or the session has expired."),
    403: Text("Bạn không có quyền thực hiện thao tác này.", "You are not allowed to do this."),
    404: Text("Không tìm thấy địa chỉ này.", "No such address."),
    405: Text("Phương thức không được hỗ trợ cho địa chỉ này.", "This method is not allowed here."),
    413: Text("Dữ liệu gửi lên quá lớn.", "The request is too large."),
    415: Text("Kiểu dữ liệu gửi lên không được hỗ trợ.", "Unsupported media type."),
    429: Text("Quá nhiều yêu cầu. Vui lòng thử lại sau.", "Too many requests. Try again later."),
}


def _from_http_exception(exc: HTTPException) -> TrackerError:
    if isinstance(exc, ValidationException):
        return _from_litestar_validation(exc)
    if exc.status_code == 500 and "disconnected" in str(exc.detail):
        # The client went away while sending its body: nobody reads this answer, and it is no server fault.
        return TrackerError(_CLIENT_GONE, status_code=CLIENT_CLOSED_REQUEST)
    status = exc.status_code
    text = _HTTP_MESSAGES.get(status)
    if text is None:
        detail = str(exc.detail or "")
        text = Text(detail or "Lỗi.", detail or "Error.")
    return TrackerError(text, headers=dict(exc.headers or {}), status_code=status)


# nginx's convention for a request whose client closed the connection before the answer.
CLIENT_CLOSED_REQUEST = 499
_CLIENT_GONE = Text("Kết nối bị đóng trước khi gửi xong yêu cầu.", "The client closed the connection mid-request.")

_UNAVAILABLE_HINTS = (
    (
        "readonly database",
        Text(
            "Cơ sở dữ liệu đang ở chế độ chỉ đọc; không lưu được thay đổi. Hãy báo quản trị viên.",
            "The database is read-only; the change was not saved. Tell the administrator.",
        ),
    ),
    (
        "disk is full",
        Text(
            "Ổ đĩa của máy chủ đã đầy; không lưu được thay đổi. Hãy báo quản trị viên.",
            "The server's disk is full; the change was not saved. Tell the administrator.",
        ),
    ),
    (
        "database is locked",
        Text(
            "Cơ sở dữ liệu đang bận. Vui lòng thử lại sau giây lát.",
            "The database is busy. Please try again in a moment.",
        ),
    ),
)


def _from_database_error(exc: Exception) -> TrackerError:
    if isinstance(exc, IntegrityError):
        # Services check for duplicates first; this answers the rare race between two writers.
        return Conflict(
            Text(
                "Dữ liệu trùng với một bản ghi vừa được lưu. Hãy tải lại và kiểm tra.",
                "This duplicates a record that was just saved. Reload and check.",
            )
        )
    message = str(exc).lower()
    for hint, text in _UNAVAILABLE_HINTS:
        if hint in message:
            return ServiceUnavailable(text, headers={"Retry-After": "5"})
    return ServiceUnavailable(headers={"Retry-After": "5"})


# asyncpg raises these itself while (re)connecting, before SQLAlchemy can wrap them.
_SERVER_GONE = (
    asyncpg_errors.PostgresConnectionError,
    asyncpg_errors.OperatorInterventionError,  # shutting down, starting up, not yet accepting connections
    asyncpg_errors.InsufficientResourcesError,  # too many connections, disk full on the server
    asyncpg_errors.InterfaceError,
)


def is_unavailable_error(exc: BaseException) -> bool:
    if isinstance(exc, (OperationalError, PoolTimeout, ConnectionError, *_SERVER_GONE)):
        return True
    if isinstance(exc, DBAPIError) and (exc.connection_invalidated or not isinstance(exc, IntegrityError)):
        return True
    return isinstance(exc, OSError) and exc.errno is not None


def to_tracker_error(exc: Exception) -> TrackerError | None:
    if isinstance(exc, TrackerError):
        return exc
    if isinstance(exc, StaleDataError):
        # A versioned row changed by a concurrent writer between this request's read and its write.
        return StaleWrite()
    if isinstance(exc, HTTPException):
        return _from_http_exception(exc)
    if isinstance(exc, IntegrityError) or is_unavailable_error(exc):
        return _from_database_error(exc)
    return None


def error_body(error: TrackerError, lang: Lang) -> dict[str, Any]:
    return {
        "status_code": error.status_code,
        "detail": error.message(lang),
        "extra": [p.render(lang) for p in error.problems],
    }


def handle_exception(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    error = to_tracker_error(exc)
    if error is None:
        logger.exception("unhandled error on %s %s", request.method, request.url.path)
        error = TrackerError(
            Text("Đã xảy ra lỗi máy chủ. Vui lòng thử lại.", "A server error occurred. Please try again."),
            status_code=HTTP_500_INTERNAL_SERVER_ERROR,
        )
    elif isinstance(error, ServiceUnavailable):
        logger.warning("service unavailable on %s %s: %s", request.method, request.url.path, type(exc).__name__)
    elif error.status_code >= 500:
        logger.error("server error on %s %s", request.method, request.url.path, exc_info=exc)
    lang = request_lang(request)
    headers = dict(error.headers)
    headers["Content-Language"] = lang
    return Response(
        content=error_body(error, lang),
        status_code=error.status_code,
        media_type=MediaType.JSON,
        headers=headers,
    )


__all__ = ["NotFound", "handle_exception", "request_lang", "to_tracker_error"]
