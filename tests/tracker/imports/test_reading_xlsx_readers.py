"""The two XLSX readers: calamine takes plain sheets, openpyxl the rest, and a file reads the same through either."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
import zipfile

import openpyxl
import pytest

from tracker.imports.files import Formula, _read_xlsx_openpyxl, read_table
from tracker.imports.xlsx_fast import read_plain_sheet


def workbook_bytes(build) -> bytes:  # type: ignore[no-untyped-def]
    workbook = openpyxl.Workbook()
    build(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def any_sheet(title: str) -> bool:
    return True


def mixed(workbook: openpyxl.Workbook) -> None:
    """A guide sheet first, a hidden sheet, then data that starts below and to the right of A1."""
    guide = workbook.active
    guide.title = "Hướng dẫn"
    guide["A1"] = "Điền từ dòng 3"
    hidden = workbook.create_sheet("Nháp")
    hidden.sheet_state = "hidden"
    hidden["A1"] = "không đọc"
    data = workbook.create_sheet("Tiểu thương")
    data["B3"], data["C3"], data["D3"] = "Họ và tên", "Số điện thoại", "Ngày đồng ý"
    data["B4"] = unicodedata.normalize("NFD", "Nguyễn Thị Hường")
    data["C4"] = 905123456
    data["D4"] = dt.date(2025, 3, 5)
    data["E4"] = 1.5
    data["F4"] = True
    data["B6"] = "Trần Văn Ân"
    data["C6"] = "0935222333"
    data["D6"] = dt.datetime(2025, 3, 6, 7, 30)
    data["B7"] = "   "


def test_plain_sheet_reads_the_same_through_both_readers() -> None:
    content = workbook_bytes(mixed)
    assert read_plain_sheet(content, any_sheet) is not None  # the quick reader takes this file
    quick, streamed = read_table(content), _read_xlsx_openpyxl(content)
    assert quick == streamed
    assert quick.sheet == "Tiểu thương"
    assert quick.headers == ["", "Họ và tên", "Số điện thoại", "Ngày đồng ý", "", ""]
    assert quick.rows[0] == (4, [None, "Nguyễn Thị Hường", 905123456, dt.datetime(2025, 3, 5), 1.5, True])
    assert quick.rows[1] == (6, [None, "Trần Văn Ân", "0935222333", dt.datetime(2025, 3, 6, 7, 30), None, None])
    assert [number for number, _ in quick.rows] == [4, 6]
    assert quick.skipped == 2  # row 5, and row 7 with spaces only


@pytest.mark.parametrize(
    "cell",
    [
        pytest.param("=B2*2", id="formula"),
        pytest.param("=SUM(B1:B2)", id="function"),
    ],
)
def test_formulas_go_to_openpyxl_which_flags_them(cell: str) -> None:
    def build(workbook: openpyxl.Workbook) -> None:
        sheet = workbook.active
        sheet.append(["Họ và tên", "Số tiền"])
        sheet.append(["Lê Thị Hạnh", cell])

    content = workbook_bytes(build)
    assert read_plain_sheet(content, any_sheet) is None
    assert read_table(content).rows == [(2, ["Lê Thị Hạnh", Formula(cell)])]


def rewrite_sheet(content: bytes, change) -> bytes:  # type: ignore[no-untyped-def]
    """The same workbook with its first worksheet's XML changed (cells that openpyxl itself never writes)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = change(data)
            target.writestr(item, data)
    return out.getvalue()


def two_rows(workbook: openpyxl.Workbook) -> None:
    sheet = workbook.active
    sheet.append(["Họ và tên", "Số tài khoản"])
    sheet.append(["Võ Đức Lộc", "1000000001"])


def test_error_cells_go_to_openpyxl_which_keeps_their_text() -> None:
    content = rewrite_sheet(
        workbook_bytes(two_rows),
        lambda xml: xml.replace(b"</row></sheetData>", b'<c r="C2" t="e"><v>#N/A</v></c></row></sheetData>'),
    )
    assert read_plain_sheet(content, any_sheet) is None
    assert read_table(content).rows == [(2, ["Võ Đức Lộc", "1000000001", "#N/A"])]


def test_a_far_away_cell_goes_to_openpyxl_instead_of_filling_memory() -> None:
    """One cell at XFD1048576 would make calamine build a rectangle of 17 billion cells."""
    content = rewrite_sheet(
        workbook_bytes(two_rows),
        lambda xml: xml.replace(
            b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
        ),
    )
    assert read_plain_sheet(content, any_sheet) is None
    assert read_plain_sheet(workbook_bytes(two_rows), any_sheet) is not None


def test_cells_without_references_go_to_openpyxl() -> None:
    content = rewrite_sheet(workbook_bytes(two_rows), lambda xml: xml.replace(b' r="B2"', b""))
    assert read_plain_sheet(content, any_sheet) is None
    assert read_table(content).rows == [(2, ["Võ Đức Lộc", "1000000001"])]
