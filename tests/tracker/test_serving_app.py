"""The application of a server process: what start-up built is kept out of the collector's generations."""

from __future__ import annotations

import gc
from pathlib import Path

from litestar.testing import AsyncTestClient

from tests.conftest import make_settings
from tracker.app import create_app, keep_startup_objects_out_of_collections, serving_app


async def test_a_server_process_freezes_what_start_up_built(tmp_path: Path) -> None:
    settings = make_settings(f"sqlite+aiosqlite:///{tmp_path / 'serving.db'}", tmp_path)
    app = serving_app(settings)
    gc.unfreeze()
    try:
        assert gc.get_freeze_count() == 0
        async with AsyncTestClient(app, base_url="http://testserver.local") as client:
            # The application's routes, plugins and reference data were built before it started.
            assert gc.get_freeze_count() > 10_000
            assert (await client.get("/login")).status_code == 200
    finally:
        gc.unfreeze()


def test_applications_built_for_other_uses_are_left_to_the_collector(tmp_path: Path) -> None:
    """Tests and commands build many applications in one process: frozen, none of them would be freed."""
    settings = make_settings(f"sqlite+aiosqlite:///{tmp_path / 'other.db'}", tmp_path)
    assert keep_startup_objects_out_of_collections not in create_app(settings).on_startup
    assert keep_startup_objects_out_of_collections in serving_app(settings).on_startup
