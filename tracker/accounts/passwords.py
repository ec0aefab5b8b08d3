"""Minimum password strength: long enough, not trivially guessable, not the username."""

from __future__ import annotations

from tracker.lib.exceptions import FieldProblem
from tracker.lib.i18n import Text
from tracker.lib.text import search_key

MIN_LENGTH = 10
MAX_LENGTH = 128
_COMMON = frozenset(
    {
        "1234567890",
        "0123456789",
        "12345678910",
        "1111111111",
        "0000000000",
        "qwertyuiop",
        "password123",
        "matkhau123",
        "matkhau@123",
        "admin12345",
        "abc1234567",
        "123456789a",
        "a123456789",
        "iloveyou123",
        "chotoi12345",
        "chosoviet1",
        "vietnam123",
        "vietnam@123",
        "passw0rd123",
        "abcd@12345",
    }
)


def password_problems(password: str, username: str = "", field: str = "password") -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    if len(password) < MIN_LENGTH:
        problems.append(
            FieldProblem(
                field,
                Text(
                    f"Mật khẩu cần ít nhất {MIN_LENGTH} ký tự.",
                    f"A password needs at least {MIN_LENGTH} characters.",
                ),
                "too_short",
            )
        )
    elif len(password) > MAX_LENGTH:
        problems.append(
            FieldProblem(
                field,
                Text(f"Mật khẩu tối đa {MAX_LENGTH} ký tự.", f"At most {MAX_LENGTH} characters."),
                "too_long",
            )
        )
    folded = search_key(password)
    kinds = sum(
        (
            any(c.isdigit() for c in password),
            any(c.isalpha() for c in password),
            any(not c.isalnum() for c in password),
        )
    )
    if folded in _COMMON or len(set(password)) < 4 or kinds < 2:
        problems.append(
            FieldProblem(
                field,
                Text(
                    "Mật khẩu quá dễ đoán: hãy kết hợp chữ với số hoặc ký hiệu.",
                    "The password is too easy to guess: mix letters with digits or symbols.",
                ),
                "too_weak",
            )
        )
    if username and search_key(username) in folded:
        problems.append(
            FieldProblem(
                field,
                Text("Mật khẩu không được chứa tên đăng nhập.", "The password must not contain the username."),
                "contains_username",
            )
        )
    return problems
