"""The error file: the rows as uploaded, untouched, with an error column added at the end.

Every row of the import is in it (failed rows highlighted in XLSX), so that the task force corrects the
failed rows in place and imports the whole file again: rows already saved come back ``unchanged``. The
error column is ignored when the file is imported again.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping, Sequence
from typing import Any

from tracker.imports.columns import ERROR_HEADER
from tracker.imports.files import Formula, display, encode_text, from_json
from tracker.lib.i18n import Lang

Line = tuple[list[Any], str, bool]  # cells as stored, error text, failed


def error_text(problems: Sequence[Mapping[str, Any]], headers_by_key: Mapping[str, str], lang: Lang) -> str:
    """One cell of text: "Column: message" for each problem of the row (warnings marked as such)."""
    parts = []
    for problem in problems:
        field = str(problem.get("field", ""))
        where = headers_by_key.get(field, field)
        message = str(problem.get(lang) or problem.get("vi") or "")
        prefix = ("Lưu ý" if lang == "vi" else "Note") + " – " if problem.get("warning") else ""
        parts.append(f"{prefix}{where}: {message}" if where else f"{prefix}{message}")
    return "; ".join(parts)


def build_xlsx(headers: list[str], lines: list[Line], lang: Lang) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Lỗi nhập" if lang == "vi" else "Import errors"
    error_header = ERROR_HEADER(lang)
    sheet.append([*headers, error_header])
    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold
    red_fill = PatternFill("solid", fgColor="FDE2E1")
    red_text = Font(color="B42318")
    error_column = len(headers) + 1
    for number, (cells, error, failed) in enumerate(lines, start=2):
        for column, raw in enumerate(cells, start=1):
            value = from_json(raw)
            cell = sheet.cell(row=number, column=column)
            if isinstance(value, Formula):
                cell.value = value.text  # written back as the formula it was
            elif isinstance(value, dt.date | dt.datetime):
                cell.value = value
                cell.number_format = "dd/mm/yyyy" if not isinstance(value, dt.datetime) else "dd/mm/yyyy hh:mm"
            else:
                cell.value = value
            if failed:
                cell.fill = red_fill
        if error:
            cell = sheet.cell(row=number, column=error_column, value=error)
            cell.font = red_text
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, min(40, len(header) + 4))
    sheet.column_dimensions[get_column_letter(error_column)].width = 70
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def build_csv(headers: list[str], lines: list[Line], encoding: str, delimiter: str, lang: Lang) -> bytes:
    """A CSV in the encoding and with the delimiter of the uploaded one."""
    text = io.StringIO(newline="")
    writer = csv.writer(text, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([*headers, ERROR_HEADER(lang)])
    for cells, error, _ in lines:
        writer.writerow([_csv_cell(c) for c in cells] + [error])
    return encode_text(text.getvalue(), encoding)


def _csv_cell(raw: Any) -> str:
    value = from_json(raw)
    if isinstance(value, str):
        return value
    return display(value)
