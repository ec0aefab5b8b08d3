"""Reading files and cells, without a database: encodings, delimiters, headers, numbers, dates, formulas."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.tracker.imports.sheets import cp1258, csv_bytes, xlsx
from tracker.imports.cells import coerce
from tracker.imports.columns import Column, match_headers
from tracker.imports.files import Formula, read_table, to_cp1258
from tracker.lib.exceptions import BadRequest, TooLarge
from tracker.lib.i18n import Text
from vendors.imports import VendorImport

HEADERS = ["Họ và tên", "Số điện thoại", "Ghi chú"]
ROWS = [["Nguyễn Thị Hường", "0905123456", "Đặng Ước – chợ Ổi"], ["Trần Văn Ân", "0935222333", ""]]


@pytest.mark.parametrize(
    ("encoding", "delimiter"), [("utf-8", ","), ("utf-8-sig", ";"), ("cp1258", ","), ("cp1258", ";")]
)
def test_csv_in_each_encoding_reads_the_same_text(encoding, delimiter):
    table = read_table(csv_bytes(HEADERS, ROWS, encoding, delimiter))
    assert table.encoding == encoding
    assert table.delimiter == delimiter
    assert table.headers == HEADERS
    assert table.rows == [(2, ROWS[0]), (3, [ROWS[1][0], ROWS[1][1], None])]


def test_cp1258_text_is_normalized_to_composed_form():
    raw = cp1258("Họ và tên,Ghi chú\r\nNguyễn,ệ\r\n")
    assert b"\xf2" in raw  # the dot below travels as a combining mark in CP1258
    table = read_table(raw)
    assert table.rows == [(2, ["Nguyễn", "ệ"])]
    assert to_cp1258("Nguyễn Thị Hường") == cp1258("Nguyễn Thị Hường")


def test_excel_sep_line_and_blank_rows():
    table = read_table(b"sep=;\r\na;b\r\n1;2\r\n;\r\n\r\n3;4\r\n")
    assert table.delimiter == ";"
    assert table.rows == [(2, ["1", "2"]), (5, ["3", "4"])]
    assert table.skipped == 2


def test_xlsx_keeps_types_and_flags_formulas():
    content = xlsx(["a", "b", "c"], [[dt.date(2025, 3, 5), 905123456, "=B2*2"]])
    table = read_table(content)
    assert table.file_format == "xlsx"
    assert table.sheet == "Tiểu thương"
    ((number, (date, phone, formula)),) = table.rows
    assert number == 2
    assert date == dt.datetime(2025, 3, 5)
    assert phone == 905123456
    assert formula == Formula("=B2*2")


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "empty_file"),
        (b"   \r\n", "empty_file"),
        (b"%PDF-1.7 binary", "not_a_spreadsheet"),
        (b"\x89PNG\r\n\x1a\n....", "not_a_spreadsheet"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old_excel"),
        (b"PK\x03\x04 not really a zip", "unreadable_xlsx"),
        (b"a,b\x00,c\n1,2,3\n", "not_a_spreadsheet"),
        (b"Ho va ten,So dien thoai\r\n", "no_rows"),
    ],
)
def test_bad_files_are_refused_with_a_reason(content, code):
    with pytest.raises(BadRequest) as raised:
        read_table(content)
    assert raised.value.problems[0].code == code
    assert raised.value.message.vi
    assert raised.value.message.en


def test_row_limit():
    content = b"a\n" + b"1\n" * 20_001
    with pytest.raises(TooLarge) as raised:
        read_table(content)
    assert "20.000" in raised.value.message.vi


def test_headers_match_without_accents_case_or_order_and_with_variants():
    columns = VendorImport.columns
    headers = ["SĐT", "STT", "ho va ten", "CHỢ", "Quầy", "Nhóm hàng", "đồng ý", "Lỗi", "cột lạ"]
    keys = match_headers(columns, headers, {c.key for c in columns if c.required})
    assert keys == ["phone", None, "full_name", "market", "stall", "goods_category", "consent", None, None]
    for variant in ("Số điện thoại", "Điện thoại", "so dien thoai", "Số ĐT *"):
        assert match_headers(columns, [variant], [])[0] == "phone"


def test_missing_and_repeated_columns_are_named():
    columns = VendorImport.columns
    with pytest.raises(BadRequest) as raised:
        match_headers(columns, ["Họ và tên", "Chợ"], {"full_name", "phone", "market"})
    assert [p.field for p in raised.value.problems] == ["phone"]
    assert "“Số điện thoại”" in raised.value.message.vi
    with pytest.raises(BadRequest) as raised:
        match_headers(columns, ["SĐT", "Điện thoại"], [])
    assert raised.value.problems[0].code == "repeated_column"


PHONE = Column("phone", Text("Số điện thoại", "Phone"), Text("", ""), type="digits", pad=((9, 10),))
ACCOUNT = Column("account_number", Text("Số tài khoản", "Account"), Text("", ""), type="digits")
DATE = Column("consent_date", Text("Ngày", "Date"), Text("", ""), type="date")
YES = Column("consent", Text("Đồng ý", "Consent"), Text("", ""), type="bool")


@pytest.mark.parametrize(
    ("column", "raw", "value"),
    [
        (PHONE, 905123456, "0905123456"),
        (PHONE, 905123456.0, "0905123456"),
        (PHONE, "905123456", "0905123456"),
        (PHONE, "'0905123456", "0905123456"),
        (ACCOUNT, 1012345678.0, "1012345678"),
        (DATE, "05/03/2025", dt.date(2025, 3, 5)),
        (DATE, "5/3/2025", dt.date(2025, 3, 5)),
        (DATE, "05-03-2025", dt.date(2025, 3, 5)),
        (DATE, "2025-03-05", dt.date(2025, 3, 5)),
        (DATE, "ngày 5 tháng 3 năm 2025", dt.date(2025, 3, 5)),
        (DATE, dt.datetime(2025, 3, 5, 0, 0), dt.date(2025, 3, 5)),
        (DATE, 45721, dt.date(2025, 3, 5)),
        (YES, "Có", True),
        (YES, "x", True),
        (YES, "không", False),
        (YES, None, None),
    ],
)
def test_cells_become_values(column, raw, value):
    assert coerce(raw, column) == (value, None)


@pytest.mark.parametrize(
    ("column", "raw", "code"),
    [
        (ACCOUNT, 9.70436123456789e18, "scientific_notation"),
        (ACCOUNT, "9,70436E+15", "scientific_notation"),
        (DATE, "31/02/2025", "bad_date"),
        (DATE, "tháng ba", "bad_date"),
        (YES, "có lẽ", "bad_bool"),
        (PHONE, Formula("=A1"), "formula"),
    ],
)
def test_cells_that_cannot_be_read_name_the_column(column, raw, code):
    value, problem = coerce(raw, column)
    assert value is None
    assert problem is not None
    assert (problem.field, problem.code) == (column.key, code)
