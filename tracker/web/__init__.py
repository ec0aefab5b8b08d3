"""Server-rendered pages: Jinja2 templates, the shared page context, CSRF, and the page controllers.

Pages call the domain services directly (the same ones the API controllers call), so every rule, area
scope included, is applied once. ``PAGE_CONTROLLERS`` is the one list of page controllers that
``tracker.core`` mounts.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from litestar import Controller
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig
from markupsafe import Markup, escape

from tracker.web.csrf import CSRF_FIELD, csrf_token
from tracker.web.formatting import FILTERS

TEMPLATE_DIR = Path(__file__).parent / "templates"


@pass_context
def tr(context: Context, vi: str, en: str) -> str:
    """The text in the request's language (Vietnamese unless English was chosen)."""
    return en if context.get("lang") == "en" else vi


@pass_context
def csrf_field(context: Context) -> Markup:
    """The hidden input every page form carries."""
    token = context.get("csrf_token")
    if not isinstance(token, str):  # Litestar's engine also registers a callable of that name
        token = csrf_token(context["request"])
    return Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FIELD, escape(token))


def configure_environment(env: Environment) -> None:
    env.globals["tr"] = tr
    env.globals["csrf_field"] = csrf_field
    env.filters.update(FILTERS)
    env.trim_blocks = True
    env.lstrip_blocks = True


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    return TemplateConfig(
        directory=TEMPLATE_DIR,
        engine=JinjaTemplateEngine,
        engine_callback=lambda engine: configure_environment(engine.engine),
    )


# The page controllers are imported after the helpers above, which their modules use.
from tracker.web.dashboard import DashboardPages  # noqa: E402
from tracker.web.imports import ImportPages  # noqa: E402
from tracker.web.producer import ProducerPages  # noqa: E402
from tracker.web.session import SessionController  # noqa: E402
from tracker.web.vendors import VendorPages  # noqa: E402

# Every page controller, in one list that ``tracker.core`` mounts.
PAGE_CONTROLLERS: list[type[Controller]] = [
    SessionController,
    VendorPages,
    DashboardPages,
    ImportPages,
    ProducerPages,
]

__all__ = ["PAGE_CONTROLLERS", "configure_environment", "template_config"]
