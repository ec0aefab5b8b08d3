"""The columns of an import kind and how a file's header row is matched to them.

Headers are compared by ``header_key``: ``search_key`` (accents, case and spacing folded), then every
character that is not a letter or a digit treated as a space. "Số ĐT", "so dt" and "SỐ-ĐT" are one header;
"Họ và tên *" (our templates mark required columns with a star) matches "Họ và tên".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from tracker.lib.exceptions import BadRequest, FieldProblem
from tracker.lib.i18n import Text
from tracker.lib.text import search_key

ValueType = Literal["text", "digits", "date", "bool", "int", "number"]

_NOT_WORD = re.compile(r"[^0-9a-z]+")

# Columns a file may carry that are never data: our error column, and the row counter most lists start with.
ERROR_HEADER = Text("Lỗi", "Errors")
IGNORED_HEADERS = frozenset({"loi", "errors", "error", "stt", "tt", "so thu tu", "no"})


def header_key(text: str) -> str:
    return " ".join(_NOT_WORD.sub(" ", search_key(text)).split())


@dataclass(frozen=True, slots=True)
class Column:
    """One column of an import kind."""

    key: str
    header: Text
    help: Text
    type: ValueType = "text"
    required: bool = False
    aliases: tuple[str, ...] = ()
    example: Any = None
    # The name of a list offered as a drop-down in the template (see ``ImportKind.reference_lists``).
    choices: str | None = None
    # Personal data: masked for roles that do not see it in full (tracker.accounts.visibility).
    personal: bool = False
    width: int = 18
    # Digits columns: leading zeros that a spreadsheet dropped are put back, (length read, length meant).
    pad: tuple[tuple[int, int], ...] = ()

    def names(self) -> set[str]:
        return {header_key(n) for n in (self.header.vi, self.header.en, self.key, *self.aliases)}


def match_headers(columns: Sequence[Column], headers: Sequence[str], required: Iterable[str]) -> list[str | None]:
    """The column key of each header (None: not ours, ignored). Raises when a required column is missing or a
    column appears twice, naming them."""
    lookup: dict[str, Column] = {}
    for column in columns:
        for name in column.names():
            lookup[name] = column
    keys: list[str | None] = []
    seen: dict[str, str] = {}
    problems: list[FieldProblem] = []
    for header in headers:
        key = header_key(header)
        found = lookup.get(key) if key not in IGNORED_HEADERS else None
        if found is None:
            keys.append(None)
            continue
        column = found
        if column.key in seen:
            problems.append(
                FieldProblem(
                    column.key,
                    Text(
                        f"Cột “{column.header.vi}” có hai lần: “{seen[column.key]}” và “{header}”.",
                        f"The column “{column.header.en}” appears twice: “{seen[column.key]}” and “{header}”.",
                    ),
                    "repeated_column",
                )
            )
            keys.append(None)
            continue
        seen[column.key] = header
        keys.append(column.key)
    wanted = set(required)
    for column in columns:
        if column.key in wanted and column.key not in seen:
            problems.append(
                FieldProblem(
                    column.key,
                    Text(f"Thiếu cột “{column.header.vi}”.", f"The column “{column.header.en}” is missing."),
                    "missing_column",
                )
            )
    if problems:
        missing = [p for p in problems if p.code == "missing_column"]
        if missing:
            names_vi = ", ".join(f"“{c.header.vi}”" for c in columns if c.key in {p.field for p in missing})
            names_en = ", ".join(f"“{c.header.en}”" for c in columns if c.key in {p.field for p in missing})
            message = Text(
                f"Tệp thiếu cột bắt buộc: {names_vi}. Hãy dùng tệp mẫu hoặc đặt đúng tên cột.",
                f"The file lacks required columns: {names_en}. Use the template or name the columns as it does.",
            )
        else:
            message = problems[0].message
        raise BadRequest(message, problems)
    return keys
