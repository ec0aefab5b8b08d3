"""Time: stored in UTC, dates reckoned in Vietnam (UTC+7, no daylight saving)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

VIETNAM = dt.timezone(dt.timedelta(hours=7), "ICT")
# Set only by the demonstration seed, so that its history is written with its own dates from the start
# (the audit log is a hash chain: entries are never re-dated after they are written).
_fixed: ContextVar[dt.datetime | None] = ContextVar("tracker_clock_fixed", default=None)


def now() -> dt.datetime:
    return _fixed.get() or dt.datetime.now(dt.UTC)


@contextmanager
def fixed_at(moment: dt.datetime) -> Iterator[None]:
    """Within the block, ``now()`` answers ``moment``."""
    token = _fixed.set(moment)
    try:
        yield
    finally:
        _fixed.reset(token)


def today() -> dt.date:
    return now().astimezone(VIETNAM).date()


def local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(VIETNAM).date()
