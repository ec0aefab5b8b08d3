"""Reading an uploaded spreadsheet: XLSX or CSV in UTF-8, UTF-8 with BOM or Windows-1258.

XLSX goes through calamine when the sheet is plain values (``xlsx_fast``), otherwise through openpyxl,
which reports formulas and error cells one by one.

The result is a ``Table``: the header row as written and every later row's cells as read, with their
numbers as a spreadsheet program shows them (the header is usually row 1). Nothing is interpreted here
beyond what the file format says: XLSX cells keep their types (dates, numbers, formulas), CSV cells are
text. A file that cannot be read as a spreadsheet raises ``BadRequest``; one that is too big, ``TooLarge``.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass, field
from typing import Any

from tracker.imports.xlsx_fast import read_plain_sheet
from tracker.lib.exceptions import BadRequest, FieldProblem, TooLarge
from tracker.lib.i18n import Text
from tracker.lib.text import search_key

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 200
# Sheets of our own templates that hold no data.
HELPER_SHEETS = frozenset({"huong dan", "danh muc"})

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
_BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf")


@dataclass(frozen=True, slots=True)
class Formula:
    """A cell that holds a formula instead of a value."""

    text: str


@dataclass
class Table:
    file_format: str  # "xlsx" or "csv"
    headers: list[str]
    rows: list[tuple[int, list[Any]]]
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    skipped: int = field(default=0)  # blank rows


def bad_file(vi: str, en: str, code: str = "bad_file") -> BadRequest:
    return BadRequest(Text(vi, en), [FieldProblem("file", Text(vi, en), code)])


def too_large_file() -> TooLarge:
    mb = MAX_UPLOAD_BYTES // (1024 * 1024)
    return TooLarge(
        Text(
            f"Tệp quá lớn: tối đa {mb} MB. Hãy chia thành nhiều tệp nhỏ hơn.",
            f"The file is too large: at most {mb} MB. Split it into smaller files.",
        ),
        [FieldProblem("file", Text(f"Tối đa {mb} MB.", f"At most {mb} MB."), "too_large")],
    )


def too_many_rows() -> TooLarge:
    vi_rows = f"{MAX_ROWS:,}".replace(",", ".")
    return TooLarge(
        Text(
            f"Tệp có hơn {vi_rows} dòng dữ liệu. Hãy chia thành nhiều tệp, mỗi tệp tối đa {vi_rows} dòng.",
            f"The file has more than {MAX_ROWS:,} data rows. Split it into files of at most {MAX_ROWS:,} rows.",
        ),
        [FieldProblem("file", Text(f"Tối đa {MAX_ROWS} dòng.", f"At most {MAX_ROWS} rows."), "too_many_rows")],
    )


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_table(content: bytes) -> Table:
    """The table in an uploaded file, whatever its name says: the content decides the format."""
    if len(content) > MAX_UPLOAD_BYTES:
        raise too_large_file()
    if not content.strip():
        raise bad_file("Tệp rỗng.", "The file is empty.", "empty_file")
    if content.startswith(_OLE2):
        raise bad_file(
            "Tệp Excel 97–2003 (.xls) hoặc tệp có mật khẩu chưa đọc được: hãy lưu lại dạng .xlsx "
            "(Excel Workbook) hoặc CSV UTF-8, không đặt mật khẩu.",
            "Excel 97–2003 (.xls) and password-protected files cannot be read: save the file as .xlsx "
            "(Excel Workbook) or CSV UTF-8, without a password.",
            "old_excel",
        )
    if content.startswith(_ZIP):
        table = _read_xlsx(content)
    elif content.startswith(_BINARY_MAGIC):
        raise _not_a_spreadsheet()
    else:
        table = _read_csv(content)
    if not table.headers:
        raise bad_file("Tệp không có dòng tiêu đề.", "The file has no header row.", "no_header")
    if not table.rows:
        raise bad_file(
            "Tệp không có dòng dữ liệu nào (chỉ có tiêu đề).",
            "The file has no data rows (only the header).",
            "no_rows",
        )
    return table


def _not_a_spreadsheet() -> BadRequest:
    return bad_file(
        "Tệp không phải bảng tính: hãy gửi tệp Excel (.xlsx) hoặc CSV.",
        "The file is not a spreadsheet: send an Excel (.xlsx) or CSV file.",
        "not_a_spreadsheet",
    )


def _collect(source: Any, table: Table) -> Table:
    """Header = first non-blank row; later blank rows are counted as skipped; ragged rows are kept whole."""
    width = 0
    for number, raw in source:
        values = list(raw[:MAX_COLUMNS])
        while values and _is_blank(values[-1]):
            values.pop()
        if not table.headers:
            if values:
                table.headers = ["" if v is None else str(v).strip() for v in values]
                width = len(table.headers)
            continue
        if not values:
            table.skipped += 1
            continue
        if len(table.rows) >= MAX_ROWS:
            raise too_many_rows()
        width = max(width, len(values))
        table.rows.append((number, values))
    table.headers += [""] * (width - len(table.headers))
    table.rows = [(n, v + [None] * (width - len(v))) for n, v in table.rows]
    return table


# ----- XLSX ---------------------------------------------------------------------------------------------


def _cell_value(cell: Any) -> Any:
    value = cell.value
    if value is None:
        return None
    if type(value) is str:
        if cell.data_type == "f":
            return Formula(value)
        return value if unicodedata.is_normalized("NFC", value) else unicodedata.normalize("NFC", value)
    if isinstance(value, int | float | dt.date | dt.datetime | dt.time | dt.timedelta | bool):
        return value
    from openpyxl.worksheet.formula import ArrayFormula

    if isinstance(value, ArrayFormula):
        return Formula(str(value.text))
    return Formula("=TABLE()")  # a data-table formula: the only other kind of cell value openpyxl gives


def _read_xlsx(content: bytes) -> Table:
    plain = read_plain_sheet(content, lambda title: search_key(title) not in HELPER_SHEETS)
    if plain is not None:
        title, rows = plain
        return _collect(enumerate(rows, start=1), Table(file_format="xlsx", headers=[], rows=[], sheet=title))
    return _read_xlsx_openpyxl(content)


def _read_xlsx_openpyxl(content: bytes) -> Table:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with warnings.catch_warnings():
            # openpyxl warns about workbook features it drops (extensions, default styles): not our concern.
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        raise bad_file(
            "Không đọc được tệp Excel: tệp hỏng hoặc không phải .xlsx. Hãy mở bằng Excel và lưu lại dạng "
            ".xlsx (Excel Workbook).",
            "The Excel file cannot be read: it is damaged or not an .xlsx file. Open it in Excel and save it "
            "again as .xlsx (Excel Workbook).",
            "unreadable_xlsx",
        ) from None
    try:
        sheets = [
            ws
            for ws in workbook.worksheets
            if getattr(ws, "sheet_state", "visible") == "visible" and search_key(ws.title) not in HELPER_SHEETS
        ]
        if not sheets:
            raise bad_file("Tệp Excel không có trang dữ liệu nào.", "The workbook has no data sheet.", "no_sheet")
        sheet = sheets[0]
        # The dimensions a file declares may be wrong (or huge): read the cells that are there.
        sheet.reset_dimensions()
        table = Table(file_format="xlsx", headers=[], rows=[], sheet=sheet.title)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            source = (
                (
                    cells[0].row if cells and hasattr(cells[0], "row") else index,
                    [_cell_value(c) for c in cells[:MAX_COLUMNS]],
                )
                for index, cells in enumerate(sheet.iter_rows(), start=1)
            )
            return _collect(_numbered(source), table)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError) as exc:
        raise bad_file(
            "Không đọc được tệp Excel: tệp hỏng.", "The Excel file cannot be read: it is damaged.", "unreadable_xlsx"
        ) from exc
    finally:
        workbook.close()


def _numbered(source: Any) -> Any:
    """Row numbers as Excel shows them (empty cells in read-only mode carry no row number)."""
    last = 0
    for number, values in source:
        row_number = number if isinstance(number, int) and number > last else last + 1
        last = row_number
        yield row_number, values


# ----- CSV ----------------------------------------------------------------------------------------------

_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")


def decode_text(content: bytes) -> tuple[str, str]:
    """The text and its encoding: UTF-8 (strictly, with or without BOM), UTF-16 with BOM, else Windows-1258.

    CP1258 writes most tone marks as combining characters; the text is NFC-normalized so that it compares
    equal to the same words typed elsewhere.
    """
    if content.startswith(codecs.BOM_UTF8):
        encoding, body = "utf-8-sig", content[len(codecs.BOM_UTF8) :]
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise _unknown_encoding() from None
    elif content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
        try:
            text = content.decode("utf-16")
        except UnicodeDecodeError:
            raise _unknown_encoding() from None
    else:
        try:
            text, encoding = content.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            try:
                text, encoding = content.decode("cp1258"), "cp1258"
            except UnicodeDecodeError:
                raise _unknown_encoding() from None
    if "\x00" in text:
        raise _not_a_spreadsheet()
    return unicodedata.normalize("NFC", text), encoding


def _unknown_encoding() -> BadRequest:
    return bad_file(
        "Không nhận ra bảng mã của tệp CSV: hãy lưu lại dạng “CSV UTF-8”.",
        "The CSV file's encoding is not recognized: save it again as “CSV UTF-8”.",
        "unknown_encoding",
    )


def encode_text(text: str, encoding: str) -> bytes:
    """Text in the encoding a CSV came in, so that the program that wrote it reads our file back."""
    if encoding == "cp1258":
        return to_cp1258(text)
    if encoding == "utf-16":
        return text.encode("utf-16")
    if encoding == "utf-8-sig":
        return codecs.BOM_UTF8 + text.encode("utf-8")
    return text.encode("utf-8")


def to_cp1258(text: str) -> bytes:
    """Windows-1258: vowels with their shape marks precomposed (â, ơ, ư…), tone marks combining."""
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
        tones = "".join(c for c in decomposed if c in _TONES)
        out += (base + tones).encode("cp1258", errors="replace")
    return bytes(out)


def sniff_delimiter(text: str) -> tuple[str, str]:
    """The delimiter (``,``, ``;`` or tab) and the text without Excel's ``sep=`` line, if it has one."""
    first, _, rest = text.partition("\n")
    hint = first.strip()
    if hint.lower().startswith("sep=") and len(hint) == 5:
        return hint[4], rest
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    delimiter = max(counts, key=lambda d: counts[d])
    return (delimiter if counts[delimiter] else ","), text


def _read_csv(content: bytes) -> Table:
    text, encoding = decode_text(content)
    delimiter, body = sniff_delimiter(text)
    table = Table(file_format="csv", headers=[], rows=[], encoding=encoding, delimiter=delimiter)
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=delimiter)
    try:
        source = ((number, [v.strip() or None for v in row]) for number, row in enumerate(reader, start=1))
        return _collect(source, table)
    except csv.Error:
        raise bad_file(
            "Tệp CSV sai cấu trúc (dấu ngoặc kép không đóng hoặc ô quá dài).",
            "The CSV file is malformed (an unclosed quote or an overlong cell).",
            "malformed_csv",
        ) from None


# ----- values kept for the error file ---------------------------------------------------------------------


def to_json(value: Any) -> Any:
    """A cell as stored with its row: JSON scalars as they are; dates, times and formulas tagged."""
    if isinstance(value, Formula):
        return {"formula": value.text}
    if isinstance(value, dt.datetime):
        return {"datetime": value.isoformat()} if value.time() != dt.time() else {"date": value.date().isoformat()}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    if isinstance(value, dt.time | dt.timedelta):
        return str(value)
    if isinstance(value, float) and value != value:  # NaN
        return None
    return value


def from_json(value: Any) -> Any:
    if isinstance(value, dict):
        if "formula" in value:
            return Formula(str(value["formula"]))
        if "datetime" in value:
            return dt.datetime.fromisoformat(str(value["datetime"]))
        if "date" in value:
            return dt.date.fromisoformat(str(value["date"]))
    return value


def display(value: Any) -> str:
    """A cell as a person reads it (dates in dd/mm/yyyy)."""
    value = from_json(value)
    if value is None:
        return ""
    if isinstance(value, Formula):
        return value.text
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M") if value.time() != dt.time() else value.strftime("%d/%m/%Y")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)
