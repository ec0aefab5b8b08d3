"""The ASGI application. ``create_app(settings)`` builds one; ``tracker.app:app`` is for ASGI servers."""

from __future__ import annotations

from litestar import Litestar

from tracker.core import TrackerPlugin
from tracker.settings import Settings


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or Settings.from_env()
    return Litestar(plugins=[TrackerPlugin(settings)], debug=settings.debug)


def asgi_factory() -> Litestar:
    """For ``uvicorn --factory tracker.app:asgi_factory``: settings from the environment at start-up."""
    return create_app()
