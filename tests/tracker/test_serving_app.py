"""The application of a server process: what start-up built is kept out of the collector's generations, and
a busy worker thread hands the interpreter back to the event loop's thread sooner."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

from litestar.testing import AsyncTestClient

from tests.conftest import make_settings
from tracker.app import (
    THREAD_SWITCH_SECONDS,
    create_app,
    hand_the_interpreter_back_sooner,
    keep_startup_objects_out_of_collections,
    serving_app,
)


async def test_a_server_process_freezes_what_start_up_built_and_switches_threads_sooner(tmp_path: Path) -> None:
    settings = make_settings(f"sqlite+aiosqlite:///{tmp_path / 'serving.db'}", tmp_path)
    app = serving_app(settings)
    gc.unfreeze()
    switch = sys.getswitchinterval()
    try:
        assert gc.get_freeze_count() == 0
        assert switch > THREAD_SWITCH_SECONDS
        async with AsyncTestClient(app, base_url="http://testserver.local") as client:
            # The application's routes, plugins and reference data were built before it started.
            assert gc.get_freeze_count() > 10_000
            assert sys.getswitchinterval() == THREAD_SWITCH_SECONDS
            assert (await client.get("/login")).status_code == 200
    finally:
        gc.unfreeze()
        sys.setswitchinterval(switch)


def test_applications_built_for_other_uses_are_left_to_the_collector(tmp_path: Path) -> None:
    """Tests and commands build many applications in one process: frozen, none of them would be freed."""
    settings = make_settings(f"sqlite+aiosqlite:///{tmp_path / 'other.db'}", tmp_path)
    hooks = (keep_startup_objects_out_of_collections, hand_the_interpreter_back_sooner)
    assert not set(hooks) & set(create_app(settings).on_startup)
    assert set(hooks) <= set(serving_app(settings).on_startup)
