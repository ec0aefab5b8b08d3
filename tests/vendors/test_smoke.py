from tests.support.factories import market_payload, vendor_payload


async def test_register_and_find(api):
    market = await api.officer.ok("POST", "/api/markets", 201, json=market_payload("20599"))
    vendor = await api.taskforce.ok(
        "POST", "/api/vendors", 201, json=vendor_payload(market["id"], full_name="Nguyễn Văn An")
    )
    assert vendor["code"] == f"{market['code']}-001"
    found = await api.taskforce.ok("GET", "/api/vendors", params={"q": "nguyen van an"})
    assert [v["id"] for v in found["items"]] == [vendor["id"]]
