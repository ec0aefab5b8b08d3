"""Targets as data: officers set them within their area; bad input names the field; reports track them."""

from __future__ import annotations

from tests.tracker.reports.support import market, status, vendors


def _target(**overrides):
    payload = {
        "indicator": "with_poster",
        "measure": "count",
        "value": 2,
        "area_code": "20599",
        "deadline": "2027-06-30",
        "legal_basis": "Nghị quyết 05/NQ-HĐND",
    }
    payload.update(overrides)
    return payload


async def test_officers_set_targets_that_reports_track(api):
    np_market = await market(api, "20599")
    sold = await vendors(api, np_market["id"], 3)
    await status(api, sold[0]["id"], "qr_issued")

    created = await api.officer.ok("POST", "/api/targets", 201, json=_target())
    assert (created["area_code"], created["area_name"], created["version"]) == ("20599", "Xã Nam Phước", 1)
    assert [t["id"] for t in await api.officer.ok("GET", "/api/targets?area=508")] == [created["id"]]
    assert [t["id"] for t in await api.taskforce.ok("GET", "/api/targets")] == [created["id"]]
    assert await api.officer_hn.ok("GET", "/api/targets") == []
    assert (await api.officer_hn.get(f"/api/targets/{created['id']}")).status_code == 404

    progress = await api.officer.ok("GET", f"/api/targets/{created['id']}/progress")
    assert (progress["actual"], progress["gap"], progress["met"]) == (1.0, 1.0, False)
    # Registered today: the pace over the last three months is the whole of it.
    assert progress["monthly_pace"] > 0
    assert progress["on_track"] is True
    await status(api, sold[1]["id"], "qr_issued")
    report = await api.officer.ok("GET", "/api/reports/uptake?area=20599")
    (tracked,) = report["targets"]
    assert (tracked["actual"], tracked["gap"], tracked["met"]) == (2.0, 0.0, True)

    changed = await api.officer.ok(
        "PATCH", f"/api/targets/{created['id']}", json={"version": 1, "value": 3, "note": "Bổ sung"}
    )
    assert (changed["value"], changed["version"], changed["note"]) == (3.0, 2, "Bổ sung")
    stale = await api.officer.patch(f"/api/targets/{created['id']}", json={"version": 1, "value": 4})
    assert stale.status_code == 409
    history = await api.officer.ok("GET", f"/api/audit?entity=target&entity_id={created['id']}")
    assert {"create", "update"} <= {e["action"] for e in history["items"]}

    assert (await api.taskforce.post("/api/targets", json=_target())).status_code == 403
    assert (await api.officer_hn.post("/api/targets", json=_target())).status_code == 403
    assert (await api.officer.delete(f"/api/targets/{created['id']}")).status_code == 204
    assert await api.officer.ok("GET", "/api/targets") == []


async def test_bad_targets_name_the_field_and_save_nothing(api):
    cases = [
        (_target(measure="share", value=1.5), "value"),
        (_target(value=2.5), "value"),
        (_target(area_code="99999"), "area_code"),
        (_target(market_id=999_999), "market_id"),
        (_target(indicator="ocop_online", market_id=1), "market_id"),
        (_target(indicator="stalls"), "indicator"),
        (_target(deadline="2026-02-30"), "deadline"),
        ({**_target(), "colour": "red"}, "colour"),
    ]
    for payload, field in cases:
        response = await api.officer.english().post("/api/targets", json=payload)
        assert response.status_code == 400, (payload, response.text)
        assert field in {e["field"] for e in response.json()["extra"]}, (field, response.text)
    vietnamese = await api.officer.post("/api/targets", json=_target(measure="share", value=1.5))
    assert "Tỷ lệ" in vietnamese.json()["extra"][0]["message"]
    assert await api.officer.ok("GET", "/api/targets") == []
