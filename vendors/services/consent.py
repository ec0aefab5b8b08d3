"""A vendor who withdraws consent is anonymised: personal data cleared, figures kept.

The vendor row stays (its market, stall, status and history still count in every figure), but the
name, phone, personal ID, household-business number and bank accounts are removed, and the audit entry
records that it happened without repeating what was removed.
"""

from __future__ import annotations

from sqlalchemy import update

from tracker.accounts.actor import Actor
from tracker.audit.services import record
from tracker.lib import clock
from tracker.lib.exceptions import Conflict
from tracker.lib.i18n import Text
from vendors.models import PaymentAccount, Vendor
from vendors.services.vendors import VendorService

ANONYMISED_NAME = "(đã ẩn danh)"


async def withdraw_consent(service: VendorService, actor: Actor, vendor_id: int, reason: str | None) -> Vendor:
    vendor = await service.one(actor, vendor_id)
    if vendor.consent_date is None and vendor.full_name == ANONYMISED_NAME:
        raise Conflict(Text("Tiểu thương này đã được ẩn danh.", "This vendor is already anonymised."))
    session = service.session
    await session.execute(
        update(PaymentAccount)
        .where(PaymentAccount.vendor_id == vendor.id)
        .values(account_number="", account_name="", active=False, is_primary=False)
        .execution_options(synchronize_session=False)
    )
    vendor.full_name = ANONYMISED_NAME
    vendor.name_search = "da an danh"
    vendor.phone = None
    vendor.shares_phone = False
    vendor.personal_id = None
    vendor.household_business_no = None
    vendor.consent_date = None
    vendor.search_text = f"da an danh {vendor.code.lower()}"
    vendor.updated_at = clock.now()
    record(
        session,
        actor,
        "anonymise",
        "vendor",
        vendor.id,
        area_id=vendor.area_id,
        after={"reason": (reason or "").strip() or None, "consent": "withdrawn"},
    )
    await service.commit()
    return vendor
