"""Revoking posters whose account changed: called by the vendor service inside its own transaction."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from tracker.lib import clock
from vendors.posters.models import PosterRecord


async def revoke_for_accounts(session: AsyncSession, account_ids: Sequence[int], reason: str) -> int:
    """Marks every live poster of these accounts revoked; not committed. Answers how many."""
    if not account_ids:
        return 0
    result = await session.execute(
        update(PosterRecord)
        .where(PosterRecord.account_id.in_(account_ids), PosterRecord.revoked_at.is_(None))
        .values(revoked_at=clock.now(), revoked_reason=reason)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)
