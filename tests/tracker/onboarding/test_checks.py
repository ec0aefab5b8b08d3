"""Listing checks through the API and ``tracker listings check``, against the local HTTPS server."""

from __future__ import annotations

from tests.ocop.support import producer_with_product
from tests.tracker.onboarding.cli import run_tracker


async def live_listing(api, portal, site, path: str, stage: str = "listing_live", client=None):
    client = client or api.taskforce
    _, product = await producer_with_product(client, area_code="20599" if client is api.taskforce else "20623")
    site.answer(path, 200)
    return await client.ok(
        "POST",
        "/api/onboardings",
        201,
        json={"platform": portal.key, "product_id": product["id"], "stage": stage, "listing_url": site.url(path)},
    )


async def test_check_a_listing_then_flag_it_when_it_is_gone(api, portal, site):
    record = await live_listing(api, portal, site, "/p/khan-lua-4411.html")
    first = await api.taskforce.ok("POST", f"/api/onboardings/{record['id']}/check")
    assert first["check"]["verdict"] == "ok"
    assert (first["check"]["reachable"], first["check"]["status_code"]) == (True, 200)
    assert first["onboarding"]["last_check"]["verdict"] == "ok"
    assert first["onboarding"]["broken"] is False

    site.answer("/p/khan-lua-4411.html", 404)
    second = await api.officer.ok("POST", f"/api/onboardings/{record['id']}/check")
    assert (second["check"]["verdict"], second["check"]["status_code"]) == ("broken", 404)
    flagged = second["onboarding"]
    assert flagged["broken"] is True
    assert flagged["broken_since"] == second["check"]["checked_at"]
    assert flagged["next_step"].startswith("Liên kết sản phẩm không còn hoạt động")
    # It shows up for the task force to fix.
    listed = await api.taskforce.ok("GET", "/api/onboardings", params={"broken": True})
    assert [o["id"] for o in listed["items"]] == [record["id"]]
    checks = await api.taskforce.ok("GET", f"/api/onboardings/{record['id']}/checks")
    assert [c["verdict"] for c in checks["items"]] == ["broken", "ok"]
    audit = await api.officer.ok("GET", "/api/audit", params={"entity": "onboarding", "entity_id": record["id"]})
    assert [e["action"] for e in audit["items"]][:2] == ["check", "check"]

    # The task force records the new address: the flag goes, and the next check confirms it.
    site.answer("/p/khan-lua-moi-4412.html", 200)
    fixed = await api.taskforce.ok(
        "PATCH",
        f"/api/onboardings/{record['id']}",
        json={"version": flagged["version"], "listing_url": site.url("/p/khan-lua-moi-4412.html")},
    )
    assert (fixed["broken"], fixed["last_check"]) == (False, None)
    again = await api.taskforce.ok("POST", f"/api/onboardings/{record['id']}/check")
    assert again["onboarding"]["last_check"]["verdict"] == "ok"


async def test_redirect_to_home_is_broken_with_hops_recorded(api, portal, site):
    record = await live_listing(api, portal, site, "/p/mat-ong-77.html")
    site.answer("/p/mat-ong-77.html", 302, location="/")
    site.answer("/", 200)
    result = await api.taskforce.ok("POST", f"/api/onboardings/{record['id']}/check")
    assert result["check"]["verdict"] == "broken"
    assert result["check"]["final_url"] == site.url("/")
    assert result["check"]["redirects"] == [
        {"url": site.url("/p/mat-ong-77.html"), "status_code": 302, "location": site.url("/")}
    ]
    assert result["onboarding"]["last_check"]["final_url"] == site.url("/")


async def test_only_a_live_listing_is_flagged(api, portal, site):
    record = await live_listing(api, portal, site, "/p/cho-duyet-5.html", stage="listing_submitted")
    site.answer("/p/cho-duyet-5.html", 404)
    result = await api.taskforce.ok("POST", f"/api/onboardings/{record['id']}/check")
    assert result["check"]["verdict"] == "broken"
    assert result["onboarding"]["broken"] is False


async def test_an_inconclusive_answer_is_not_flagged(api, portal, site):
    record = await live_listing(api, portal, site, "/p/cham-6.html")
    site.answer("/p/cham-6.html", 503)
    result = await api.taskforce.ok("POST", f"/api/onboardings/{record['id']}/check")
    assert (result["check"]["verdict"], result["onboarding"]["broken"]) == ("inconclusive", False)


async def test_a_record_without_an_address_cannot_be_checked(api):
    _, product = await producer_with_product(api.taskforce)
    record = await api.taskforce.ok(
        "POST", "/api/onboardings", 201, json={"platform": "tiki", "product_id": product["id"]}
    )
    await api.taskforce.ok("POST", f"/api/onboardings/{record['id']}/check", 409)
    await api.producer.ok("POST", f"/api/onboardings/{record['id']}/check", 403)


async def test_a_short_link_is_resolved_by_the_check(api, site):
    portal = await api.officer.ok(
        "POST",
        "/api/platforms",
        201,
        json={
            "key": "portal_short",
            "name": "Sàn có link rút gọn",
            "hosts": [site.host],
            "short_link_hosts": [f"localhost:{site.port}"],
            "product_paths": ["/p/<slug>-<itemid>.html"],
        },
    )
    _, product = await producer_with_product(api.taskforce)
    record = await api.taskforce.ok(
        "POST",
        "/api/onboardings",
        201,
        json={
            "platform": portal["key"],
            "product_id": product["id"],
            "stage": "listing_live",
            "listing_url": f"https://localhost:{site.port}/s/AbC9",
        },
    )
    assert (record["needs_resolution"], record["item_key"]) == (True, None)
    assert record["next_step"].startswith("Địa chỉ là link rút gọn")
    site.answer("/s/AbC9", 302, location=site.url("/p/banh-trang-9911.html?utm_source=share"))
    site.answer("/p/banh-trang-9911.html?utm_source=share", 200)
    result = await api.taskforce.ok("POST", f"/api/onboardings/{record['id']}/check")
    resolved = result["onboarding"]
    assert result["check"]["verdict"] == "ok"
    assert (resolved["needs_resolution"], resolved["item_key"]) == (False, "9911")
    assert resolved["listing_url"] == site.url("/p/banh-trang-9911.html")


async def test_cli_checks_live_listings_and_prints_a_summary(api, portal, site, monkeypatch, capsys):
    gone = await live_listing(api, portal, site, "/p/khan-lua-1.html")
    fine = await live_listing(api, portal, site, "/p/khan-lua-2.html")
    other_commune = await live_listing(api, portal, site, "/p/banh-trang-3.html", client=api.taskforce_dx)
    submitted = await live_listing(api, portal, site, "/p/khan-lua-4.html", stage="listing_submitted")
    site.answer("/p/khan-lua-1.html", 404)
    site.hits.clear()

    assert await run_tracker(api, monkeypatch, "listings", "check", "--delay", "0", "--timeout", "5") == 0
    out = capsys.readouterr().out
    assert "Đã kiểm tra / checked: 3" in out
    assert "hỏng / broken: 1 (mới / new: 1)" in out
    assert f"HỎNG / BROKEN #{gone['id']} {gone['subject']['code']}" in out
    assert site.url("/p/khan-lua-1.html") in out
    assert "HTTP 404" in out
    assert sorted(h.path for h in site.hits) == ["/p/banh-trang-3.html", "/p/khan-lua-1.html", "/p/khan-lua-2.html"]
    assert {h.user_agent.split("/")[0] for h in site.hits} == {"ChoSo-ListingCheck"}

    states = {o["id"]: o for o in (await api.officer.ok("GET", "/api/onboardings"))["items"]}
    assert states[gone["id"]]["broken"] is True
    assert states[fine["id"]]["broken"] is False
    assert states[fine["id"]]["last_check"]["verdict"] == "ok"
    assert states[other_commune["id"]]["last_check"]["verdict"] == "ok"
    assert states[submitted["id"]]["last_check"] is None  # not live: not checked
    audit = await api.officer.ok("GET", "/api/audit", params={"entity": "onboarding", "entity_id": gone["id"]})
    assert audit["items"][0]["actor_username"] == "system"

    # --area limits the run; a second run reports the listing as broken but no longer new.
    site.hits.clear()
    assert await run_tracker(api, monkeypatch, "listings", "check", "--area", "20623", "--delay", "0") == 0
    out = capsys.readouterr().out
    assert "Đã kiểm tra / checked: 1" in out
    assert [h.path for h in site.hits] == ["/p/banh-trang-3.html"]
    assert await run_tracker(api, monkeypatch, "listings", "check", "--area", "20599", "--delay", "0") == 0
    out = capsys.readouterr().out
    assert "hỏng / broken: 1 (mới / new: 0)" in out
    assert await run_tracker(api, monkeypatch, "listings", "check", "--area", "99999") == 2
