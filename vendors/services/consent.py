"""A vendor who withdraws consent is anonymised: personal data cleared, figures kept.

The vendor row stays (its market, stall, status and history still count in every figure), but the
name, phone, personal ID, household-business number, bank accounts and the QR payloads of its posters
are removed, and the audit entry records that it happened without repeating what was removed
(``tracker.audit.consent``).
"""

from __future__ import annotations

from sqlalchemy import func, update

from tracker.accounts.actor import Actor
from tracker.audit.consent import ANONYMISED_NAME, ANONYMISED_SEARCH, anonymise
from tracker.lib import clock
from tracker.lib.exceptions import Conflict
from tracker.lib.i18n import Text
from vendors.models import PaymentAccount, Vendor
from vendors.posters.models import PosterRecord
from vendors.services.vendors import VendorService


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
    # A poster's payload holds the account number and the ASCII name: it goes with the account.
    await session.execute(
        update(PosterRecord)
        .where(PosterRecord.vendor_id == vendor.id)
        .values(
            payload="",
            revoked_at=func.coalesce(PosterRecord.revoked_at, clock.now()),
            revoked_reason=func.coalesce(PosterRecord.revoked_reason, "consent_withdrawn"),
        )
        .execution_options(synchronize_session=False)
    )
    anonymise(
        session,
        actor,
        "vendor",
        vendor,
        {
            "full_name": ANONYMISED_NAME,
            "phone": None,
            "personal_id": None,
            "household_business_no": None,
            "consent_date": None,
        },
        derived={
            "name_search": ANONYMISED_SEARCH,
            "shares_phone": False,
            "search_text": f"{ANONYMISED_SEARCH} {vendor.code.lower()}",
        },
        area_id=vendor.area_id,
        reason=reason,
        elsewhere=("payment_accounts", "posters"),
    )
    await service.commit()
    return vendor
