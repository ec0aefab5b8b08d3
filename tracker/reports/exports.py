"""A report as a CSV file (UTF-8 with BOM, for Excel) or an XLSX workbook (a sheet per breakdown)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from tracker.reports.tables import Table, tables_of

CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILTER_LABEL = "Bộ lọc / Filters"


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "có / yes" if value else "không / no"
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def to_csv(tables: list[Table]) -> bytes:
    """The main breakdown (the first table), one header row; Excel reads the BOM as UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    table = tables[0]
    writer.writerow([c.title for c in table.columns])
    for row in table.rows:
        writer.writerow(["" if v is None else _cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _sheet_title(title: str) -> str:
    # Excel sheet names: at most 31 characters, none of []:*?/\
    for bad in "[]:*?/\\":
        title = title.replace(bad, "-")
    return title[:31]


def to_xlsx(tables: list[Table], filters: dict[str, str]) -> bytes:
    """One sheet per table: the filters on the first lines, a frozen header row, widths and % formats."""
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    bold = Font(bold=True)
    filter_text = "; ".join(f"{k}={v}" for k, v in filters.items()) or "(không / none)"
    for table in tables:
        sheet = book.create_sheet(_sheet_title(table.title))
        sheet.append([FILTER_LABEL, filter_text])
        sheet.append([])
        sheet.append([c.title for c in table.columns])
        header_row = sheet.max_row
        for cell in sheet[header_row]:
            cell.font = bold
        for row in table.rows:
            sheet.append([_cell(v) for v in row])
        for index, column in enumerate(table.columns, start=1):
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = column.width
            if column.percent:
                for (cell,) in sheet.iter_rows(min_row=header_row + 1, min_col=index, max_col=index):
                    cell.number_format = "0.0%"
        sheet.freeze_panes = f"A{header_row + 1}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def render(report: Any, fmt: str, filters: dict[str, str]) -> tuple[bytes, str, str]:
    """The report's file in ``fmt`` (``csv``/``xlsx``): content, media type, file suffix."""
    tables = tables_of(report)
    if fmt == "csv":
        return to_csv(tables), CSV, "csv"
    return to_xlsx(tables, filters), XLSX, "xlsx"
