"""The quick way through a plain XLSX sheet: calamine (Rust) reads it about ten times faster than openpyxl.

calamine gives every cell's cached value, which is not enough for two kinds of cell that an import must
report one by one: formulas (it gives their last computed value) and error values (it gives an empty
string). A workbook with either, or one whose size or cell references look unusual (calamine builds the
whole rectangle from A1 to the last cell in memory), is left to openpyxl, which streams the sheet and
tells those cells apart: ``read_plain_sheet`` then answers ``None``.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Collection
from typing import Any

# A formula element (``<f>``, ``<f t="shared" …/>``, with or without a namespace prefix); an error cell.
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_ERROR_CELL = (b' t="e"', b" t='e'")
_CELL = re.compile(rb"<(?:\w+:)?c[\s>/]")
_CELL_REF = re.compile(rb"<(?:\w+:)?c\s[^>]*?\br=\"([A-Z]{1,3})([0-9]{1,7})\"")
# Unpacked sheet XML read into memory before handing the file to calamine (a zip bomb goes to openpyxl,
# which streams it and stops at the row limit).
_MAX_SHEET_XML = 64 * 1024 * 1024
# Cells of the rectangle calamine would build: a 20,000 × 200 sheet is the largest an import accepts.
_MAX_CELLS = 4_000_000
# Integers above this are not exact in a float, so they stay floats as openpyxl gives them.
_EXACT = 2**53


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _plain_and_small(archive: zipfile.ZipFile, max_cells: int) -> bool:
    """Every worksheet is free of formulas and error cells, and spans a rectangle calamine can hold."""
    parts = [i for i in archive.infolist() if i.filename.startswith("xl/worksheets/") and i.filename.endswith(".xml")]
    if not parts or sum(i.file_size for i in parts) > _MAX_SHEET_XML:
        return False
    for part in parts:
        xml = archive.read(part)
        if any(marker in xml for marker in _ERROR_CELL) or _FORMULA.search(xml):
            return False
        refs = _CELL_REF.findall(xml)
        if len(refs) != len(_CELL.findall(xml)):
            return False  # cells without a reference: only openpyxl places them
        if refs:
            rows = max(int(row) for _, row in refs)
            columns = max(_column_number(letters) for letters, _ in refs)
            if rows * columns > max_cells:
                return False
    return True


def _value(value: Any) -> Any:
    if type(value) is str:
        if not value:
            return None
        return value if unicodedata.is_normalized("NFC", value) else unicodedata.normalize("NFC", value)
    # Whole numbers and dates as openpyxl gives them, so that a file reads the same whichever reader takes it.
    if type(value) is float and value.is_integer() and abs(value) < _EXACT:
        return int(value)
    if type(value) is dt.date:
        return dt.datetime(value.year, value.month, value.day)
    return value


def read_plain_sheet(
    content: bytes, is_data_sheet: Callable[[str], bool], max_cells: int = _MAX_CELLS
) -> tuple[str, list[list[Any]]] | None:
    """The first visible data sheet's title and rows (row 1 first, cells from column A), or ``None``."""
    try:
        from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if not _plain_and_small(archive, max_cells):
                return None
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        titles: Collection[str] = [
            sheet.name
            for sheet in workbook.sheets_metadata
            if sheet.typ == SheetTypeEnum.WorkSheet
            and sheet.visible == SheetVisibleEnum.Visible
            and is_data_sheet(sheet.name)
        ]
        if not titles:
            return None
        title = next(iter(titles))
        rows = workbook.get_sheet_by_name(title).to_python(skip_empty_area=False)
    except Exception:  # any file calamine cannot read is openpyxl's to judge and to report
        return None
    return title, [[_value(v) for v in row] for row in rows]
