"""Errors on pages: a page, not JSON. Not signed in → the sign-in page; 403/404/4xx → an error page.

API paths keep the JSON answers of ``tracker.lib.http_errors``; the error is classified there, once.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from litestar import Request, Response
from litestar.datastructures import Cookie
from litestar.status_codes import HTTP_303_SEE_OTHER

from tracker.accounts.auth import SESSION_COOKIE
from tracker.lib.exceptions import NotAuthenticated, TrackerError
from tracker.lib.http_errors import handle_exception, to_tracker_error
from tracker.lib.i18n import Text
from tracker.web.render import lang_of, login_location, render_html

logger = logging.getLogger("tracker.errors")

_NOT_PAGES = re.compile(r"^/(api|schema|static|health|ready)(/|$)")

TITLES = {
    400: Text("Yêu cầu không hợp lệ", "Invalid request"),
    403: Text("Không có quyền truy cập", "Access denied"),
    404: Text("Không tìm thấy trang", "Page not found"),
    409: Text("Không thực hiện được", "Could not be done"),
    429: Text("Quá nhiều lần thử", "Too many attempts"),
    503: Text("Dịch vụ tạm thời gián đoạn", "Service temporarily unavailable"),
}
SERVER_ERROR = Text("Đã xảy ra lỗi máy chủ. Vui lòng thử lại.", "A server error occurred. Please try again.")


def is_page_path(path: str) -> bool:
    return not _NOT_PAGES.match(path)


def handle_page_or_api_exception(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """The application's one exception handler: pages get pages, the API gets its JSON errors."""
    if not is_page_path(request.url.path):
        return handle_exception(request, exc)
    error = to_tracker_error(exc)
    if isinstance(error, NotAuthenticated):
        # An expired or revoked session cookie is removed on the way to the sign-in page.
        return Response(
            content=b"",
            status_code=HTTP_303_SEE_OTHER,
            headers={"Location": login_location(request), "Cache-Control": "no-store"},
            cookies=[Cookie(key=SESSION_COOKIE, value="", path="/", max_age=0, expires=0)],
        )
    if error is None:
        logger.exception("unhandled error on %s %s", request.method, request.url.path)
        error = TrackerError(SERVER_ERROR, status_code=500)
    elif error.status_code >= 500:
        logger.warning("server error on page %s %s: %s", request.method, request.url.path, type(exc).__name__)
    title = TITLES.get(error.status_code, TITLES[400] if error.status_code < 500 else TITLES[503])
    try:
        return render_html(
            request,
            "error.html",
            status_code=error.status_code,
            error=error,
            title=title,
            problems=error.problems,
        )
    except Exception:  # the error page itself failed: still answer, in plain text
        logger.exception("error page failed on %s %s", request.method, request.url.path)
        return Response(
            content=error.message(lang_of(request)),
            status_code=error.status_code,
            media_type="text/plain; charset=utf-8",
        )
