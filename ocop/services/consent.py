"""A producer who withdraws consent is anonymised: the person behind it cleared, the records kept.

The representative's name, the phone, a tax code that is a household owner's personal ID (an enterprise's
tax code is public and stays) and the street address are removed; products, certifications, onboardings
and every figure stay. Without the phone, the public product lookup no longer matches.
"""

from __future__ import annotations

from ocop.models import Producer
from ocop.services.producers import ProducerService, search_text
from ocop.validation import tax_code_kind
from tracker.accounts.actor import Actor
from tracker.audit.consent import ANONYMISED_NAME, anonymise
from tracker.lib import clock
from tracker.lib.exceptions import Conflict
from tracker.lib.i18n import Text

# The column is required; an anonymised producer has no phone, which no lookup can match.
NO_PHONE = ""


async def withdraw_consent(service: ProducerService, actor: Actor, producer_id: int, reason: str | None) -> Producer:
    producer = await service.one(actor, producer_id)
    if producer.anonymised_at is not None:
        raise Conflict(Text("Chủ thể này đã được ẩn danh.", "This producer is already anonymised."))
    cleared: dict[str, object] = {"representative": ANONYMISED_NAME, "phone": NO_PHONE, "address": None}
    if producer.tax_code and tax_code_kind(producer.tax_code) == "personal_id":
        cleared["tax_code"] = None
    anonymise(
        service.session,
        actor,
        "ocop_producer",
        producer,
        cleared,
        derived={"anonymised_at": clock.now()},
        area_id=producer.area_id,
        reason=reason,
    )
    producer.search_text = search_text(producer)
    await service.commit()
    return producer
