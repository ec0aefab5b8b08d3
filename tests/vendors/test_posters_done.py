"""The demo task force prints Chợ Nam Phước's posters as A6 sheets, and every code reads back right.

Each QR on every rasterised page is decoded with zxing-cpp and its payload parsed by an independent
VietQR implementation (the npm package vietnam-qr-pay, as in tests/qr/test_interop.py).
"""

from __future__ import annotations

from qr import fold_ascii
from tests.qr.conftest import decode_image, pdf_pages
from tests.qr.test_interop import node, run_js  # noqa: F401 (the ``node`` fixture)
from tests.support.factories import unique_account, vendor_payload

# Chợ Nam Phước as the demo seeding has it: vendors of several banks along its rows of stalls.
NAM_PHUOC = [
    ("A1", "Nguyễn Thị Lan", "970436"),  # Vietcombank
    ("A2", "Trần Văn Đức", "970405"),  # Agribank
    ("A3", "Lê Thị Kim Phượng", "970415"),  # VietinBank
    ("A10", "Phạm Hữu Sương", "970418"),  # BIDV
    ("B1", "Huỳnh Thị Thu Đào", "970422"),  # MB
    ("B2", "Đặng Minh Hoàng", "970407"),  # Techcombank
]


async def test_demo_task_force_prints_nam_phuoc_a6_sheets_that_scan(api, node: str) -> None:  # noqa: F811
    market = await api.officer.ok(
        "POST",
        "/api/markets",
        201,
        json={"name": "Chợ Nam Phước", "code": "NPH", "area_code": "20599", "kind": "hang_2", "stall_count": 320},
    )
    expected = {}
    for stall, name, bank_bin in NAM_PHUOC:
        account = unique_account()
        await api.taskforce.ok(
            "POST",
            "/api/vendors",
            201,
            json=vendor_payload(
                market["id"],
                full_name=name,
                stall=stall,
                payment_accounts=[{"bank_bin": bank_bin, "account_number": account}],
            ),
        )
        expected[account] = (bank_bin, fold_ascii(name).upper())

    response = await api.taskforce.get(f"/api/markets/{market['id']}/posters.pdf", params={"layout": "sheet"})
    assert response.status_code == 200, response.text
    pages = pdf_pages(response.content, dpi=200)
    assert len(pages) == 2  # four A6 posters per A4 sheet
    payloads = [payload for page in pages for payload in decode_image(page)]
    assert len(payloads) == len(NAM_PHUOC)

    theirs = run_js(node, read=payloads)["read"]
    read = {r["account"]: (r["bin"], r["merchant_name"]) for r in theirs if r["valid"]}
    assert read == expected

    vendors = await api.taskforce.ok("GET", "/api/vendors", params={"market_id": market["id"]})
    assert {v["status"] for v in vendors["items"]} == {"qr_issued"}
