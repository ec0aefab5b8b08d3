"""Throttling kept in the database, so that every worker process sees the same counts.

Keys are namespaced by a prefix: ``user:`` and ``addr:`` count failed sign-ins; other features count
their own events under their own prefix (``lookup:`` for the public product lookup).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from tracker.accounts.models import LoginThrottle
from tracker.lib import clock
from tracker.lib.exceptions import TooManyRequests
from tracker.lib.i18n import Text


def _blocked_message(seconds: int) -> Text:
    minutes = max(1, (seconds + 59) // 60)
    return Text(
        f"Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {minutes} phút.",
        f"Too many failed sign-ins. Please try again in {minutes} minute(s).",
    )


async def ensure_not_blocked(
    session: AsyncSession, keys: list[str], message: Callable[[int], Text] = _blocked_message
) -> None:
    """429 when any key is blocked; ``message`` words it from the seconds left."""
    now = clock.now()
    rows = await session.scalars(select(LoginThrottle).where(LoginThrottle.key.in_(keys)))
    for row in rows:
        if row.blocked_until is not None and row.blocked_until > now:
            seconds = int((row.blocked_until - now).total_seconds()) + 1
            raise TooManyRequests(message(seconds), retry_after=seconds)


async def record_failure(session: AsyncSession, limits: dict[str, int], window: dt.timedelta) -> None:
    """Counts one event (a failure) against each key; a key that reaches its limit is blocked for the window."""
    now = clock.now()
    existing = {r.key: r for r in await session.scalars(select(LoginThrottle).where(LoginThrottle.key.in_(limits)))}
    for key, limit in limits.items():
        row = existing.get(key)
        if row is None:
            row = LoginThrottle(key=key, failures=0, window_start=now)
            session.add(row)
        elif row.window_start + window < now:
            row.failures = 0
            row.window_start = now
            row.blocked_until = None
        row.failures += 1
        if row.failures >= limit:
            row.blocked_until = now + window


async def clear(session: AsyncSession, key: str) -> None:
    await session.execute(delete(LoginThrottle).where(LoginThrottle.key == key))
