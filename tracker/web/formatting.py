"""Vietnamese display of dates, numbers and money for the pages (Jinja filters)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tracker.lib.clock import VIETNAM

EMPTY = "—"


def _group(digits: str) -> str:
    """``1234567`` → ``1.234.567`` (Vietnamese groups thousands with dots)."""
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return ".".join(parts)


def vn_number(value: int | float | Decimal | None, digits: int = 0) -> str:
    """``1234567`` → ``1.234.567``; ``1234.5, 1`` → ``1.234,5`` (decimal comma)."""
    if value is None:
        return EMPTY
    sign = "-" if value < 0 else ""
    text = f"{abs(value):.{digits}f}"
    whole, _, fraction = text.partition(".")
    return sign + _group(whole) + ("," + fraction if fraction else "")


def vn_money(value: int | Decimal | None) -> str:
    """An amount in đồng: ``1234567`` → ``1.234.567 ₫``."""
    if value is None:
        return EMPTY
    return f"{vn_number(value)} ₫"


def vn_percent(share: float | None, digits: int = 1) -> str:
    """A share (0–1) as a Vietnamese percentage: ``0.125`` → ``12,5%``; whole numbers lose the decimals."""
    if share is None:
        return EMPTY
    value = round(share * 100, digits)
    if value == int(value):
        return f"{vn_number(int(value))}%"
    return f"{vn_number(value, digits)}%"


def vn_date(value: dt.date | dt.datetime | None) -> str:
    """``dd/mm/yyyy``; a moment is first turned into its Vietnam calendar day."""
    if value is None:
        return EMPTY
    if isinstance(value, dt.datetime):
        value = _local(value)
    return value.strftime("%d/%m/%Y")


def vn_datetime(value: dt.datetime | None) -> str:
    """``dd/mm/yyyy HH:MM`` in Vietnam time."""
    if value is None:
        return EMPTY
    return _local(value).strftime("%d/%m/%Y %H:%M")


def _local(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)  # stored moments are UTC
    return moment.astimezone(VIETNAM)


FILTERS = {
    "vn_date": vn_date,
    "vn_datetime": vn_datetime,
    "vn_number": vn_number,
    "vn_money": vn_money,
    "vn_percent": vn_percent,
}
