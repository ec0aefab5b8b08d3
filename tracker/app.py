"""The ASGI application. ``create_app(settings)`` builds one; ``serving_app`` builds the one a server
process runs, and ``tracker.app:asgi_factory`` is that for ASGI servers."""

from __future__ import annotations

import gc
import sys

from litestar import Litestar

from tracker.core import TrackerPlugin
from tracker.settings import Settings


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or Settings.from_env()
    return Litestar(plugins=[TrackerPlugin(settings)], debug=settings.debug)


def serving_app(settings: Settings | None = None) -> Litestar:
    """The application of a server process, which it runs until it stops."""
    app = create_app(settings)
    app.on_startup.extend([keep_startup_objects_out_of_collections, hand_the_interpreter_back_sooner])
    return app


def keep_startup_objects_out_of_collections() -> None:
    """What start-up built (routes, models, statements, reference data, connections) lives as long as the
    process. Left in the collector's generations, every full collection walked its quarter of a million
    objects again: a 120 ms pause every few seconds under load, 3% of the processor. Only for a process's
    one application: what is frozen is never collected."""
    gc.collect()
    gc.freeze()


# How long a thread that wants the interpreter waits before the thread holding it must let go (Python's
# default: 5 ms).
THREAD_SWITCH_SECONDS = 0.001


def hand_the_interpreter_back_sooner() -> None:
    """Imports check their rows on a worker thread, for seconds. Meanwhile every SQLite call of the event
    loop's thread (the change generation, the batch's statements) lets go of the interpreter and then waits
    up to the switch interval to get it back: with a busy thread in the process, registration batches took
    327 ms instead of 12 (49 registrations a second instead of 1,283); with 1 ms, 47 ms (339 a second).
    Without a busy thread it changes nothing measurable."""
    sys.setswitchinterval(THREAD_SWITCH_SECONDS)


def asgi_factory() -> Litestar:
    """For ``uvicorn --factory tracker.app:asgi_factory``: settings from the environment at start-up."""
    return serving_app()
