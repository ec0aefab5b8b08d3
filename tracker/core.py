"""The composition root: registers every domain's routes, dependencies, middleware and error handling."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from litestar import Litestar
from litestar.config.app import AppConfig
from litestar.di import Provide
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.plugins import InitPluginProtocol
from litestar.static_files import create_static_files_router

from qr.banks import load_directory
from tracker.accounts.actor import Actor
from tracker.db.engine import create_database
from tracker.db.session import SessionMiddleware, provide_db_session
from tracker.imports.kinds import KindRegistry
from tracker.lib.deps import provide_settings, service_provider
from tracker.lib.memory_cache import GenerationCache, answer_cache
from tracker.lib.openapi_errors import document_errors
from tracker.lib.pagination import provide_page
from tracker.observability import RequestContextMiddleware, configure_logging
from tracker.settings import Settings

logger = logging.getLogger("tracker")
STATIC_DIR = Path(__file__).parent / "web" / "static"
SWAGGER = "/static/vendor/swagger-ui"

API_DESCRIPTION = """
Chợ Số: theo dõi việc đưa tiểu thương chợ truyền thống vào thanh toán không tiền mặt (VietQR) và đưa sản
phẩm OCOP lên sàn thương mại điện tử.

Đăng nhập bằng `POST /api/auth/login`, rồi gửi `Authorization: Bearer <access_token>`.
Thông báo lỗi bằng tiếng Việt; gửi `Accept-Language: en` để nhận tiếng Anh.

Chợ Số tracks how traditional-market vendors take cashless (VietQR) payments and how OCOP products get
onto e-commerce platforms. Sign in with `POST /api/auth/login`, then send `Authorization: Bearer <token>`.
"""


def import_kinds() -> KindRegistry:
    """Every kind of spreadsheet import, by domain (``/api/imports/{kind}``, ``tracker import KIND``)."""
    from ocop.imports import OnboardingImport, ProducerImport, ProductImport
    from vendors.imports import MarketImport, VendorImport

    return KindRegistry([VendorImport, MarketImport, ProducerImport, ProductImport, OnboardingImport])


class TrackerPlugin(InitPluginProtocol):
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        from ocop.controllers import OcopReferenceController, ProducerController, ProductController
        from ocop.services import ProducerService, ProductService
        from tracker.accounts.auth import PUBLIC_PATHS, TokenAuthenticationMiddleware, provide_actor
        from tracker.accounts.controllers import AuthController, TeamController, UserController
        from tracker.accounts.services import AuthService, TeamService, UserService
        from tracker.areas.controllers import AreaController
        from tracker.areas.services import AreaService
        from tracker.audit.controllers import AuditController
        from tracker.audit.services import AuditService
        from tracker.health import health, ready
        from tracker.imports.controllers import ImportController
        from tracker.imports.deps import provide_import_service
        from tracker.onboarding.controllers import (
            OnboardingController,
            PlatformController,
            PublicProductStatusController,
        )
        from tracker.onboarding.deps import provide_public_status_service
        from tracker.onboarding.services import CheckService, OnboardingService, PlatformService, StatusService
        from tracker.reports.controllers import ReportController, TargetController
        from tracker.reports.deps import provide_report_service
        from tracker.reports.targets import TargetService
        from tracker.web import PAGE_CONTROLLERS, template_config
        from tracker.web.errors import handle_page_or_api_exception
        from vendors.controllers import MarketController, VendorController
        from vendors.deps import provide_vendor_service
        from vendors.posters.controllers import PosterController, QRController
        from vendors.posters.deps import provide_poster_service
        from vendors.services import MarketService
        from vendors.services.registration_queue import RegistrationQueue

        settings = self.settings
        configure_logging(settings.log_format)

        @asynccontextmanager
        async def lifespan(app: Litestar) -> AsyncIterator[None]:
            app.state.db = create_database(settings)
            app.state.registrations = RegistrationQueue(
                app.state.db.write,
                app.state.banks,
                inline_sessions=app.state.db.inline_write,
            )
            await app.state.db.changes.start()
            try:
                yield
            finally:
                await app.state.registrations.stop()
                await app.state.db.dispose()

        app_config.state.update(
            {
                "settings": settings,
                "banks": load_directory(settings.extra_banks_csv),
                "answer_cache": answer_cache(settings.memory_cache_entries),
                "actor_cache": GenerationCache[Actor](settings.memory_cache_entries),
                "planner_hints": GenerationCache[tuple[float | None]](settings.memory_cache_entries),
                "import_kinds": import_kinds(),
            }
        )
        app_config.lifespan.append(lifespan)
        app_config.route_handlers.extend(
            [
                create_static_files_router(
                    path="/static", directories=[STATIC_DIR], opt={"exclude_from_auth": True}, include_in_schema=False
                ),
                health,
                ready,
                AuthController,
                UserController,
                TeamController,
                AreaController,
                AuditController,
                MarketController,
                VendorController,
                PosterController,
                QRController,
                ImportController,
                ProducerController,
                ProductController,
                OcopReferenceController,
                PlatformController,
                OnboardingController,
                PublicProductStatusController,
                ReportController,
                TargetController,
                *PAGE_CONTROLLERS,
            ]
        )
        app_config.dependencies.update(
            {
                "settings": Provide(provide_settings, sync_to_thread=False),
                "db_session": Provide(provide_db_session),
                "actor": Provide(provide_actor),
                "page": Provide(provide_page, sync_to_thread=False),
                "auth_service": service_provider(AuthService),
                "user_service": service_provider(UserService),
                "team_service": service_provider(TeamService),
                "area_service": service_provider(AreaService),
                "audit_service": service_provider(AuditService),
                "market_service": service_provider(MarketService),
                "vendor_service": Provide(provide_vendor_service),
                "poster_service": Provide(provide_poster_service),
                "import_service": Provide(provide_import_service),
                "producer_service": service_provider(ProducerService),
                "product_service": service_provider(ProductService),
                "platform_service": service_provider(PlatformService),
                "onboarding_service": service_provider(OnboardingService),
                "check_service": service_provider(CheckService),
                "status_service": service_provider(StatusService),
                "public_status_service": Provide(provide_public_status_service),
                "report_service": Provide(provide_report_service),
                "target_service": service_provider(TargetService),
            }
        )
        app_config.middleware = [
            RequestContextMiddleware,
            SessionMiddleware,
            DefineMiddleware(TokenAuthenticationMiddleware, exclude=PUBLIC_PATHS),
            *app_config.middleware,
        ]
        document_errors(app_config.route_handlers)
        # Pages answer errors with pages (and send the signed-out to /login); the API with JSON.
        app_config.exception_handlers[Exception] = handle_page_or_api_exception
        app_config.template_config = template_config()
        app_config.openapi_config = OpenAPIConfig(
            title="Chợ Số API",
            version="0.1.0",
            description=API_DESCRIPTION,
            path="/schema",
            # Swagger UI from the package's own static files: the docs work on an offline intranet.
            render_plugins=[
                SwaggerRenderPlugin(
                    path="/",
                    js_url=f"{SWAGGER}/swagger-ui-bundle.js",
                    css_url=f"{SWAGGER}/swagger-ui.css",
                    standalone_preset_js_url=f"{SWAGGER}/swagger-ui-standalone-preset.js",
                    favicon="<link rel='icon' href='data:,'>",
                )
            ],
        )
        return app_config
