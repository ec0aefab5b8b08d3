"""Fixtures of the onboarding tests: the local marketplace server, and platforms that point at it."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.conftest import Clients
from tests.tracker.onboarding.listing_server import ListingServer


@pytest.fixture(scope="session")
def listing_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ListingServer]:
    server = ListingServer(tmp_path_factory.mktemp("listing-server"))
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def site(listing_server: ListingServer, monkeypatch: pytest.MonkeyPatch) -> ListingServer:
    """The local server, emptied, and trusted by HTTP clients created during the test."""
    listing_server.reset()
    monkeypatch.setenv("SSL_CERT_FILE", str(listing_server.ca_file))
    return listing_server


@pytest.fixture
def refused_url() -> str:
    """An address on which nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"https://127.0.0.1:{port}/p/gone-1.html"


@dataclass
class Portal:
    platform: dict[str, Any]

    @property
    def key(self) -> str:
        return str(self.platform["key"])


@pytest.fixture
async def portal(api: Clients, site: ListingServer) -> Portal:
    """A provincial portal, added by the office, whose host is the local server."""
    platform = await api.officer.ok(
        "POST",
        "/api/platforms",
        201,
        json={
            "key": "sandientu_test",
            "name": "Sàn TMĐT tỉnh (thử nghiệm)",
            "hosts": [site.host],
            "product_paths": ["/p/<slug>-<itemid>.html"],
            "shop_paths": ["/shop/<name>"],
        },
    )
    return Portal(platform)


@pytest.fixture
async def marketplaces_on_site(api: Clients, site: ListingServer) -> AsyncIterator[dict[str, str]]:
    """Shopee and Postmart, each with a name of the local server added to its hosts, put back afterwards.

    Gives each platform's local base address.
    """
    platforms = {p["key"]: p for p in (await api.admin.ok("GET", "/api/platforms"))["items"]}
    original = {key: platforms[key] for key in ("shopee", "postmart")}
    local = {"shopee": site.host, "postmart": f"localhost:{site.port}"}
    for key, platform in original.items():
        await api.admin.ok(
            "PATCH",
            f"/api/platforms/{platform['id']}",
            json={"version": platform["version"], "hosts": [*platform["hosts"], local[key]]},
        )
    try:
        yield {key: f"https://{host}" for key, host in local.items()}
    finally:
        for platform in original.values():
            current = await api.admin.ok("GET", f"/api/platforms/{platform['id']}")
            await api.admin.ok(
                "PATCH",
                f"/api/platforms/{platform['id']}",
                json={"version": current["version"], "hosts": platform["hosts"]},
            )
