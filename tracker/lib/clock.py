"""Time: stored in UTC, dates reckoned in Vietnam (UTC+7, no daylight saving)."""

from __future__ import annotations

import datetime as dt

VIETNAM = dt.timezone(dt.timedelta(hours=7), "ICT")


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def today() -> dt.date:
    return dt.datetime.now(VIETNAM).date()


def local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(VIETNAM).date()
