"""Template workbooks: a data sheet with Vietnamese headers and an example row, drop-down lists for the
fixed fields (kept on a hidden sheet "Danh mục"), and a sheet "Hướng dẫn" explaining every column."""

from __future__ import annotations

import datetime as dt
import io
from typing import TYPE_CHECKING

from tracker.imports.files import MAX_ROWS

if TYPE_CHECKING:
    from tracker.imports.kinds import ImportKind

LISTS_SHEET = "Danh mục"
HELP_SHEET = "Hướng dẫn"
REQUIRED_MARK = " *"

GENERAL_HELP = [
    "Mỗi dòng là một bản ghi. Giữ nguyên dòng tiêu đề; thứ tự các cột không quan trọng, cột có dấu * là bắt buộc.",
    "Dòng ví dụ (chữ nghiêng) được bỏ qua khi nhập nếu để nguyên; có thể xóa đi.",
    "Không dùng công thức: ô có công thức bị báo lỗi. Chép rồi “Dán giá trị” (Paste Special → Values).",
    "Ngày viết dạng ngày/tháng/năm, ví dụ 05/03/2025.",
    "Số điện thoại, số CCCD, số tài khoản: để cột ở dạng Văn bản (Text) để không mất số 0 ở đầu.",
    f"Tối đa {MAX_ROWS:,} dòng và 50 MB mỗi tệp. Lưu dạng .xlsx hoặc CSV (UTF-8).".replace(",", "."),
    "Nên kiểm tra thử (dry run) trước; tệp lỗi trả về có thêm cột “Lỗi”: sửa các dòng lỗi rồi nhập lại cả tệp.",
]


def build_template(kind: type[ImportKind], lists: dict[str, list[str]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    data = workbook.active
    assert data is not None
    data.title = kind.title.vi[:31]
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor="1F6F43")
    example_font = Font(italic=True, color="667085")
    example = kind.example()
    for index, column in enumerate(kind.columns, start=1):
        letter = get_column_letter(index)
        header = data.cell(row=1, column=index, value=column.header.vi + (REQUIRED_MARK if column.required else ""))
        header.font = header_font
        header.fill = header_fill
        header.alignment = Alignment(wrap_text=True, vertical="center")
        value = example.get(column.key)
        cell = data.cell(row=2, column=index, value=value)
        cell.font = example_font
        if column.type == "digits":
            cell.number_format = "@"
            data.column_dimensions[letter].number_format = "@"
        elif column.type == "date":
            cell.number_format = "dd/mm/yyyy"
            data.column_dimensions[letter].number_format = "dd/mm/yyyy"
            if isinstance(value, dt.date):
                cell.value = value
        data.column_dimensions[letter].width = column.width
    data.row_dimensions[1].height = 32
    data.freeze_panes = "A2"

    used = {c.choices for c in kind.columns if c.choices and lists.get(c.choices)}
    if used:
        sheet = workbook.create_sheet(LISTS_SHEET)
        sheet.sheet_state = "hidden"
        for list_index, name in enumerate(sorted(used), start=1):
            letter = get_column_letter(list_index)
            sheet.cell(row=1, column=list_index, value=name)
            for row, item in enumerate(lists[name], start=2):
                sheet.cell(row=row, column=list_index, value=item)
            last = len(lists[name]) + 1
            for index, column in enumerate(kind.columns, start=1):
                if column.choices != name:
                    continue
                target = get_column_letter(index)
                validation = DataValidation(
                    type="list",
                    formula1=f"'{LISTS_SHEET}'!${letter}$2:${letter}${last}",
                    allow_blank=True,
                    showErrorMessage=True,
                    errorStyle="warning",
                    errorTitle=column.header.vi,
                    error="Giá trị không có trong danh sách. Vẫn giữ?",
                    promptTitle=column.header.vi,
                    prompt=column.help.vi[:255],
                    showInputMessage=True,
                )
                validation.add(f"{target}2:{target}{MAX_ROWS + 1}")
                data.add_data_validation(validation)

    guide = workbook.create_sheet(HELP_SHEET)
    guide.append(["Cột", "Bắt buộc", "Giải thích", "Ví dụ", "Tên tiếng Anh / English"])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for column in kind.columns:
        value = example.get(column.key)
        shown = value.strftime("%d/%m/%Y") if isinstance(value, dt.date) else ("" if value is None else str(value))
        guide.append([column.header.vi, "Có" if column.required else "", column.help.vi, shown, column.header.en])
    guide.append([])
    for line in GENERAL_HELP:
        guide.append([line])
    for letter, width in zip("ABCDE", (26, 10, 80, 26, 28), strict=True):
        guide.column_dimensions[letter].width = width
    for row in guide.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
