"""The producer's own page (``/my/products``): each product's OCOP certificate and where each listing stands.

Everything comes from the onboarding status service (``/api/onboardings/overview``): the stage labels,
the last check and the next step are the API's own, in the request's language.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response
from litestar.di import NamedDependency

from tracker.accounts.actor import PRODUCER, Actor
from tracker.accounts.auth import requires
from tracker.lib.routes import get
from tracker.onboarding.schemas import ProducerOverview
from tracker.onboarding.services import StatusService
from tracker.web.render import lang_of, page


async def my_products(status_service: StatusService, actor: Actor, lang: Any) -> ProducerOverview | None:
    """The producer's overview; None for a producer account not (or no longer) linked to a producer record."""
    if actor.producer_id is None:
        return None
    return await status_service.overview(actor, actor.producer_id, lang)


class ProducerPages(Controller):
    path = "/my"
    # Only producer accounts: officers and task forces read a producer's records on the vendor and OCOP pages.
    guards = [requires(PRODUCER)]
    include_in_schema = False

    @get("/products", name="my_products")
    async def products(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        status_service: NamedDependency[StatusService],
    ) -> Response[Any]:
        overview = await my_products(status_service, actor, lang_of(request))
        return page(request, "producer/products.html", overview=overview)
