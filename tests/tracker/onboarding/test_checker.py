"""The listing checker against a local HTTPS server that plays each case; the HTTP client is real."""

from __future__ import annotations

import itertools

import pytest

from tests.tracker.onboarding.listing_server import ListingServer
from tracker.onboarding.checker import ListingChecker, Target
from tracker.onboarding.urls import Rules


def rules(site: ListingServer) -> Rules:
    return Rules(key="portal", name="Portal", hosts=(site.host,), product_paths=("/p/<slug>-<itemid>.html",))


async def check(url: str, **kwargs) -> object:
    async with ListingChecker(delay=0, **kwargs) as checker:
        return await checker.check(url)


async def test_a_live_listing_is_ok(site: ListingServer) -> None:
    site.answer("/p/khan-lua-1.html", 200)
    outcome = await check(site.url("/p/khan-lua-1.html"))
    assert (outcome.verdict, outcome.reachable, outcome.status_code) == ("ok", True, 200)
    assert outcome.hops == []
    assert outcome.final_url == site.url("/p/khan-lua-1.html")
    assert site.hits[0].user_agent.startswith("ChoSo-ListingCheck/")


@pytest.mark.parametrize("status", [404, 410])
async def test_gone_listings_are_broken(site: ListingServer, status: int) -> None:
    site.answer("/p/khan-lua-2.html", status)
    outcome = await check(site.url("/p/khan-lua-2.html"))
    assert (outcome.verdict, outcome.status_code) == ("broken", status)


@pytest.mark.parametrize("landing", ["/", "/search?keyword=khan+lua", "/tim-kiem?q=khan"])
async def test_a_redirect_to_home_or_search_is_broken_and_each_hop_is_kept(site: ListingServer, landing: str) -> None:
    site.answer("/p/khan-lua-3.html", 302, location="/p/moved-3.html")
    site.answer("/p/moved-3.html", 301, location=landing)
    site.answer(landing, 200)
    outcome = await check(site.url("/p/khan-lua-3.html"))
    assert outcome.verdict == "broken"
    assert outcome.status_code == 200
    assert outcome.final_url == site.url(landing)
    assert [(h.url, h.status_code, h.location) for h in outcome.hops] == [
        (site.url("/p/khan-lua-3.html"), 302, site.url("/p/moved-3.html")),
        (site.url("/p/moved-3.html"), 301, site.url(landing)),
    ]


async def test_a_redirect_to_another_product_page_is_ok_but_a_login_wall_is_not(site: ListingServer) -> None:
    site.answer("/p/old-4.html", 301, location="/p/new-name-4.html")
    site.answer("/p/new-name-4.html", 200)
    site.answer("/p/walled-5.html", 302, location="/buyer/login?next=/p/walled-5.html")
    site.answer("/buyer/login?next=/p/walled-5.html", 200)
    async with ListingChecker(delay=0) as checker:
        moved, walled = await checker.check_many(
            [Target(site.url("/p/old-4.html"), rules(site)), Target(site.url("/p/walled-5.html"), rules(site))]
        )
    assert (moved.verdict, moved.final_url) == ("ok", site.url("/p/new-name-4.html"))
    assert walled.verdict == "inconclusive"


@pytest.mark.parametrize("status", [403, 429, 500, 503])
async def test_blocked_or_failing_servers_are_inconclusive(site: ListingServer, status: int) -> None:
    site.answer("/p/x-6.html", status)
    assert (await check(site.url("/p/x-6.html"))).verdict == "inconclusive"


async def test_a_slow_server_times_out(site: ListingServer) -> None:
    site.answer("/p/slow-7.html", 200, delay=1.5)
    outcome = await check(site.url("/p/slow-7.html"), timeout=0.3)
    assert (outcome.verdict, outcome.reachable, outcome.status_code) == ("unreachable", False, None)
    assert outcome.error == "no answer within 0.3 s"
    assert outcome.elapsed_ms < 1400


async def test_connection_refused_is_unreachable(refused_url: str) -> None:
    outcome = await check(refused_url, timeout=2)
    assert (outcome.verdict, outcome.reachable) == ("unreachable", False)
    assert "ConnectError" in (outcome.error or "")


async def test_redirect_loops_stop(site: ListingServer) -> None:
    site.answer("/p/a-8.html", 302, location="/p/b-8.html")
    site.answer("/p/b-8.html", 302, location="/p/a-8.html")
    outcome = await check(site.url("/p/a-8.html"), max_redirects=3)
    assert outcome.verdict == "inconclusive"
    assert outcome.error == "more than 3 redirects"
    assert len(outcome.hops) == 4


async def test_an_untrusted_certificate_is_unreachable(listing_server: ListingServer, monkeypatch) -> None:
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    listing_server.answer("/p/tls-9.html", 200)
    outcome = await check(listing_server.url("/p/tls-9.html"))
    assert outcome.verdict == "unreachable"
    assert "CERTIFICATE_VERIFY_FAILED" in (outcome.error or "")


async def test_politeness_one_request_at_a_time_per_host_with_a_delay(site: ListingServer) -> None:
    for n in range(3):
        site.answer(f"/p/item-{n}.html", 200)
    async with ListingChecker(per_host=1, delay=0.3) as checker:
        outcomes = await checker.check_many([Target(site.url(f"/p/item-{n}.html")) for n in range(3)])
    assert [o.verdict for o in outcomes] == ["ok", "ok", "ok"]
    starts = sorted(h.at for h in site.hits)
    assert all(later - earlier >= 0.25 for earlier, later in itertools.pairwise(starts))
