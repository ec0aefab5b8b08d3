"""Withdrawn consent: a person's data is cleared from a record that stays, and the log says so.

Vendors and OCOP producers share this. The record keeps its code, area, status and history, so every
figure still counts it; the audit entry names the cleared fields but never their values.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from tracker.accounts.actor import Actor
from tracker.audit.services import record
from tracker.db.base import BigIntAuditBase
from tracker.lib import clock
from tracker.lib.schema import Input

ANONYMISED_NAME = "(đã ẩn danh)"
ANONYMISED_SEARCH = "da an danh"  # what ``q`` finds an anonymised record by, with its code


class ConsentWithdrawal(Input):
    reason: Annotated[str, msgspec.Meta(max_length=500)] | None = None


def anonymise(
    session: AsyncSession,
    actor: Actor,
    entity: str,
    target: BigIntAuditBase,
    cleared: Mapping[str, Any],
    *,
    area_id: int,
    reason: str | None,
    derived: Mapping[str, Any] | None = None,
    elsewhere: tuple[str, ...] = (),
) -> None:
    """Overwrites the personal fields ``cleared`` (and the columns ``derived`` from them, such as search keys)
    and adds the ``anonymise`` audit entry to the session; the caller commits. ``elsewhere`` names personal
    data the caller cleared in other tables (a vendor's bank accounts), for the log."""
    for name, value in {**cleared, **(derived or {})}.items():
        setattr(target, name, value)
    target.updated_at = clock.now()
    record(
        session,
        actor,
        "anonymise",
        entity,
        target.id,
        area_id=area_id,
        after={
            "reason": (reason or "").strip() or None,
            "consent": "withdrawn",
            "cleared": sorted({*cleared, *elsewhere}),
        },
    )
