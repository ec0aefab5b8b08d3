"""The project's one exception tree. ``tracker.lib.http_errors`` maps it to HTTP once.

Services raise these; controllers never build error responses themselves. Every error carries its
message in Vietnamese and English and, where a field is at fault, names the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any, ClassVar

from tracker.lib.i18n import Lang, Text


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """What is wrong with one input field."""

    field: str
    message: Text
    code: str = "invalid"
    details: dict[str, Any] = dataclass_field(default_factory=dict)

    def render(self, lang: Lang) -> dict[str, Any]:
        return {"field": self.field, "code": self.code, "message": self.message(lang), **self.details}


class TrackerError(Exception):
    status_code: int = 400
    default_message: ClassVar[Text] = Text("Yêu cầu không hợp lệ.", "Invalid request.")

    def __init__(
        self,
        message: Text | None = None,
        problems: list[FieldProblem] | None = None,
        *,
        headers: dict[str, str] | None = None,
        status_code: int | None = None,
    ) -> None:
        if status_code is not None:
            self.status_code = status_code
        self.message = message or self.default_message
        self.problems = problems or []
        self.headers = headers or {}
        super().__init__(self.message.en)


class BadRequest(TrackerError):
    status_code = 400


class ValidationFailed(BadRequest):
    default_message = Text("Dữ liệu không hợp lệ.", "The data is not valid.")

    def __init__(self, problems: list[FieldProblem], message: Text | None = None) -> None:
        if message is None and len(problems) == 1:
            only = problems[0]
            message = Text(f"{only.field}: {only.message.vi}", f"{only.field}: {only.message.en}")
        super().__init__(message, problems)


class NotAuthenticated(TrackerError):
    status_code = 401
    default_message = Text(
        "Chưa đăng nhập hoặc phiên đăng nhập đã hết hạn.", "Not signed in, or the session has expired."
    )

    def __init__(self, message: Text | None = None) -> None:
        super().__init__(message, headers={"WWW-Authenticate": "Bearer"})


class PermissionDenied(TrackerError):
    status_code = 403
    default_message = Text("Bạn không có quyền thực hiện thao tác này.", "You are not allowed to do this.")


class NotFound(TrackerError):
    status_code = 404
    default_message = Text("Không tìm thấy.", "Not found.")


class Conflict(TrackerError):
    status_code = 409
    default_message = Text("Xung đột với dữ liệu hiện có.", "This conflicts with existing data.")


class StaleWrite(Conflict):
    default_message = Text(
        "Bản ghi đã được người khác thay đổi. Hãy tải lại và thử lại.",
        "The record was changed by someone else. Reload it and try again.",
    )


class TooLarge(TrackerError):
    status_code = 413
    default_message = Text("Tệp quá lớn.", "The file is too large.")


class TooManyRequests(TrackerError):
    status_code = 429
    default_message = Text("Quá nhiều yêu cầu. Vui lòng thử lại sau.", "Too many requests. Try again later.")

    def __init__(self, message: Text | None = None, retry_after: int = 60) -> None:
        super().__init__(message, headers={"Retry-After": str(retry_after)})


class ServiceUnavailable(TrackerError):
    status_code = 503
    default_message = Text(
        "Cơ sở dữ liệu tạm thời không truy cập được. Vui lòng thử lại sau ít phút.",
        "The database is temporarily unreachable. Please try again in a few minutes.",
    )


def not_found(what: Text, key: object) -> NotFound:
    return NotFound(Text(f"Không tìm thấy {what.vi} {key}.", f"{what.en} {key} not found."))


class Problems:
    """Collects every field problem of one input, so the user sees them all at once."""

    def __init__(self) -> None:
        self.items: list[FieldProblem] = []

    def add(self, field_name: str, message: Text, code: str = "invalid", **details: Any) -> None:
        self.items.append(FieldProblem(field_name, message, code, details))

    def extend(self, problems: list[FieldProblem]) -> None:
        self.items.extend(problems)

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise ValidationFailed(list(self.items))
