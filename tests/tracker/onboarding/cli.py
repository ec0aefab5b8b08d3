"""Running the ``tracker`` command against the test database (in a thread: it runs its own event loop)."""

from __future__ import annotations

import asyncio

import pytest

from tests.conftest import Clients
from tracker import cli


async def run_tracker(api: Clients, monkeypatch: pytest.MonkeyPatch, *argv: str) -> int:
    settings = api.world.settings
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("SECRET_KEY", settings.secret_key)
    monkeypatch.setenv("TRACKER_DATA_DIR", str(settings.data_dir))
    return await asyncio.to_thread(cli.main, list(argv))
