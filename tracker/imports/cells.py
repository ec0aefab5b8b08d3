"""Turning a cell as read into the value its column means, or a problem naming the column.

Spreadsheets change what people type: a phone 0905123456 becomes the number 905123456, a long account
number becomes 9.70436E+15, a date becomes a date serial or stays text in dd/mm/yyyy. What can be put back
exactly is put back; what cannot (digits lost to scientific notation) is reported, with how to fix it.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from tracker.imports.columns import Column
from tracker.imports.files import Formula
from tracker.lib.exceptions import FieldProblem
from tracker.lib.i18n import Text
from tracker.lib.text import search_key

_SCIENTIFIC = re.compile(r"^[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+$")
_DMY = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_WORDS = re.compile(r"^(?:ngay\s*)?(\d{1,2})\s*thang\s*(\d{1,2})\s*nam\s*(\d{4})$")
_MAX_EXACT = 10**15  # spreadsheets keep 15 significant digits

TRUE_WORDS = frozenset({"co", "x", "yes", "y", "true", "1", "dong y", "da dong y", "roi", "ok", "v"})
FALSE_WORDS = frozenset({"khong", "no", "n", "false", "0", "chua", "khong dong y", "chua dong y"})

FORMULA = Text(
    "Ô chứa công thức ({formula}), không phải giá trị. Hãy chép rồi “Dán giá trị” (Paste Special → Values).",
    "The cell holds a formula ({formula}), not a value. Copy it and use Paste Special → Values.",
)
SCIENTIFIC = Text(
    "Số đã bị bảng tính đổi sang dạng khoa học ({value}) và mất chữ số. Hãy định dạng cột là Văn bản (Text) "
    "rồi nhập lại đủ các chữ số.",
    "The spreadsheet turned the number into scientific notation ({value}) and lost digits. Format the column as "
    "Text and type all the digits again.",
)
NOT_A_NUMBER = Text("Phải là số (nhận được “{value}”).", "Must be a number (got “{value}”).")
NOT_A_WHOLE_NUMBER = Text("Phải là số nguyên (nhận được “{value}”).", "Must be a whole number (got “{value}”).")
BAD_DATE = Text(
    "Ngày “{value}” không hợp lệ: hãy viết dạng ngày/tháng/năm, ví dụ 05/03/2025.",
    "The date “{value}” is not valid: write it as day/month/year, for example 05/03/2025.",
)
BAD_BOOL = Text(
    "Giá trị “{value}” không hiểu được: hãy ghi “Có” hoặc “Không”.",
    "The value “{value}” is not understood: write “Có” (yes) or “Không” (no).",
)


def _problem(column: Column, text: Text, code: str, **values: object) -> FieldProblem:
    return FieldProblem(column.key, text.format(**values), code)


def _plain_number(value: float) -> str:
    return str(int(value)) if value.is_integer() else repr(value)


def coerce(value: Any, column: Column) -> tuple[Any, FieldProblem | None]:
    """The cell's value for its column (None when blank), or a problem."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, Formula):
        return None, _problem(column, FORMULA, "formula", formula=value.text[:60])
    if column.type == "date":
        return _date(value, column)
    if column.type == "bool":
        return _bool(value, column)
    if column.type == "int":
        return _int(value, column)
    if column.type == "number":
        return _number(value, column)
    if column.type == "digits":
        return _digits(value, column)
    return _text(value), None


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, float):
        return _plain_number(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return " ".join(str(value).split())


def _digits(value: Any, column: Column) -> tuple[Any, FieldProblem | None]:
    if isinstance(value, bool):
        return _text(value), None
    if isinstance(value, int):
        text = str(value)
    elif isinstance(value, float):
        if not value.is_integer():
            return _plain_number(value), None  # the validator names what is wrong
        if abs(value) >= _MAX_EXACT:
            return None, _problem(column, SCIENTIFIC, "scientific_notation", value=f"{value:.5E}")
        text = str(int(value))
    else:
        text = str(value).strip()
        if _SCIENTIFIC.match(text):
            return None, _problem(column, SCIENTIFIC, "scientific_notation", value=text)
        text = text.lstrip("'")  # a leading apostrophe is how people force text in a spreadsheet
    compact = re.sub(r"[\s.\-()]", "", text)
    if compact.isdigit() and not compact.startswith("0"):
        for read, meant in column.pad:
            # A number cell lost all its leading zeros; text (a CSV a spreadsheet saved) is trusted to have
            # lost one at most, so that a shorter code written on purpose is not taken for another.
            if len(compact) == read and (not isinstance(value, str) or meant - read == 1):
                return "0" * (meant - read) + compact, None
    return text, None


def _date(value: Any, column: Column) -> tuple[Any, FieldProblem | None]:
    if isinstance(value, dt.datetime):
        return value.date(), None
    if isinstance(value, dt.date):
        return value, None
    if isinstance(value, int | float) and not isinstance(value, bool):
        from openpyxl.utils.datetime import from_excel

        try:
            moment = from_excel(value)
        except (ValueError, OverflowError, TypeError):
            moment = None
        if isinstance(moment, dt.datetime) and 1900 < moment.year < 2200:
            return moment.date(), None
        return None, _problem(column, BAD_DATE, "bad_date", value=_text(value))
    text = str(value).strip()
    first = text.split()[0] if text.split() else text
    for candidate in (first, search_key(text)):
        for pattern, order in ((_DMY, "dmy"), (_YMD, "ymd"), (_WORDS, "dmy")):
            match = pattern.match(candidate)
            if not match:
                continue
            a, b, c = (int(g) for g in match.groups())
            day, month, year = (a, b, c) if order == "dmy" else (c, b, a)
            try:
                return dt.date(year, month, day), None
            except ValueError:
                return None, _problem(column, BAD_DATE, "bad_date", value=text)
    return None, _problem(column, BAD_DATE, "bad_date", value=text)


def _bool(value: Any, column: Column) -> tuple[Any, FieldProblem | None]:
    if isinstance(value, bool):
        return value, None
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value), None
    key = search_key(str(value)).strip(" .!")
    if key in TRUE_WORDS:
        return True, None
    if key in FALSE_WORDS:
        return False, None
    return None, _problem(column, BAD_BOOL, "bad_bool", value=_text(value))


def _int(value: Any, column: Column) -> tuple[Any, FieldProblem | None]:
    if isinstance(value, bool):
        return None, _problem(column, NOT_A_WHOLE_NUMBER, "not_an_integer", value=_text(value))
    if isinstance(value, int):
        return value, None
    if isinstance(value, float):
        if value.is_integer():
            return int(value), None
        return None, _problem(column, NOT_A_WHOLE_NUMBER, "not_an_integer", value=_text(value))
    text = re.sub(r"[\s.,]", "", str(value))  # 1.200 and 1,200 are both twelve hundred
    if text.isdigit():
        return int(text), None
    return None, _problem(column, NOT_A_WHOLE_NUMBER, "not_an_integer", value=_text(value))


def _number(value: Any, column: Column) -> tuple[Any, FieldProblem | None]:
    if isinstance(value, bool):
        return None, _problem(column, NOT_A_NUMBER, "not_a_number", value=_text(value))
    if isinstance(value, int | float):
        return float(value), None
    text = str(value).strip().replace(",", ".")
    try:
        return float(text), None
    except ValueError:
        return None, _problem(column, NOT_A_NUMBER, "not_a_number", value=_text(value))
