"""Spreadsheets for the import tests: XLSX built with openpyxl, CSV in UTF-8, UTF-8 with BOM and CP1258."""

from __future__ import annotations

import csv
import io
import unicodedata
from typing import Any

import openpyxl

from tests.support.factories import unique_account, unique_personal_id, unique_phone

VENDOR_HEADERS = [
    "Họ và tên",
    "Số điện thoại",
    "Số CCCD",
    "Chợ",
    "Quầy/Sạp",
    "Ngành hàng",
    "Ngân hàng (BIN hoặc tên)",
    "Số tài khoản",
    "Tên chủ tài khoản",
    "Đồng ý lưu thông tin",
    "Ngày đồng ý",
]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Bùi"]
GIVEN = ["Thị Đào", "Văn Hùng", "Thị Hạnh", "Quốc Bảo", "Thị Thu Hường", "Đức Lộc", "Ngọc Ánh", "Minh Tuấn"]
GOODS = ["Rau củ quả", "Thịt", "Thủy hải sản", "Gạo và hàng khô", "Tạp hóa"]
BANKS = ["Vietcombank — 970436", "970415", "VCB", "BIDV", "Agribank"]


def vendor_row(market: str | None, n: int, **overrides: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "Họ và tên": f"{FAMILY[n % len(FAMILY)]} {GIVEN[(n // len(FAMILY)) % len(GIVEN)]}",
        "Số điện thoại": unique_phone(),
        "Số CCCD": unique_personal_id(),
        "Chợ": market,
        "Quầy/Sạp": f"B{n}",
        "Ngành hàng": GOODS[n % len(GOODS)],
        "Ngân hàng (BIN hoặc tên)": BANKS[n % len(BANKS)],
        "Số tài khoản": unique_account(),
        "Tên chủ tài khoản": None,
        "Đồng ý lưu thông tin": "Có",
        "Ngày đồng ý": "05/03/2025",
    }
    row.update(overrides)
    return row


def vendor_rows(market: str | None, count: int, start: int = 0) -> list[dict[str, Any]]:
    return [vendor_row(market, start + n) for n in range(count)]


def table(rows: list[dict[str, Any]], headers: list[str] | None = None) -> tuple[list[str], list[list[Any]]]:
    headers = headers or list(rows[0])
    return headers, [[row.get(h) for h in headers] for row in rows]


def xlsx(headers: list[str], rows: list[list[Any]], title: str = "Tiểu thương") -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows writes it: shape marks precomposed, tone marks combining."""
    tones = {"\u0300": 0xCC, "\u0301": 0xEC, "\u0303": 0xDE, "\u0309": 0xD2, "\u0323": 0xF2}
    clusters: list[str] = []
    for char in unicodedata.normalize("NFD", text):
        if unicodedata.combining(char) and clusters:
            clusters[-1] += char
        else:
            clusters.append(char)
    out = bytearray()
    for cluster in clusters:
        shape = "".join(c for c in cluster if c not in tones)
        out += unicodedata.normalize("NFC", shape).encode("cp1258")
        out += bytes(tones[c] for c in cluster if c in tones)
    return bytes(out)


def csv_bytes(headers: list[str], rows: list[list[Any]], encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    text = io.StringIO(newline="")
    writer = csv.writer(text, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    value = text.getvalue()
    if encoding == "cp1258":
        return cp1258(value)
    if encoding == "utf-8-sig":
        return b"\xef\xbb\xbf" + value.encode("utf-8")
    return value.encode("utf-8")


def read_xlsx(content: bytes) -> tuple[list[str], list[list[Any]]]:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    return [str(v) if v is not None else "" for v in values[0]], values[1:]


async def upload(
    api: Any, kind: str, content: bytes, name: str = "tieu-thuong.xlsx", status: int = 201, **params: Any
) -> Any:
    query = {k: (str(v).lower() if isinstance(v, bool) else v) for k, v in params.items() if v is not None}
    return await api.ok("POST", f"/api/imports/{kind}", status, files={"file": (name, content)}, params=query)
