"""The vendor and market counts behind every uptake figure, now or as they stood at a moment.

One builder serves the report (grouped by unit and market, today's state), the trend (one moment per
month end, from the status history and timestamps) and the targets, so that they cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, exists, func, or_, select

from tracker.reports.posters import poster_issued
from vendors.models import Market, PaymentAccount, Vendor, VendorStatusChange


def _count(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def vendor_counts(
    conditions: list[ColumnElement[bool]], group_by: list[Any], as_of: dt.datetime | None = None
) -> Select[Any]:
    """Vendors, vendors with a payment account, with a poster and ``active``, per group.

    ``as_of`` None: today's state (the list endpoints' ``active=true`` vendors). Otherwise the state
    just before ``as_of``: registered before it and not yet deactivated, the last status it had then,
    accounts added before it and not removed since.
    """
    if as_of is None:
        present: ColumnElement[bool] = Vendor.active.is_(True)
        has_account = exists().where(PaymentAccount.vendor_id == Vendor.id, PaymentAccount.active.is_(True))
        is_active: ColumnElement[bool] = Vendor.status == "active"
    else:
        present = and_(
            Vendor.created_at < as_of,
            or_(Vendor.active.is_(True), Vendor.deactivated_at.is_(None), Vendor.deactivated_at >= as_of),
        )
        has_account = exists().where(
            PaymentAccount.vendor_id == Vendor.id,
            PaymentAccount.created_at < as_of,
            or_(PaymentAccount.active.is_(True), PaymentAccount.updated_at >= as_of),
        )
        last_status = (
            select(VendorStatusChange.to_status)
            .where(VendorStatusChange.vendor_id == Vendor.id, VendorStatusChange.at < as_of)
            .order_by(VendorStatusChange.at.desc(), VendorStatusChange.id.desc())
            .limit(1)
            .scalar_subquery()
        )
        is_active = last_status == "active"
    return (
        select(
            *group_by,
            func.count().label("vendors"),
            _count(has_account).label("with_account"),
            _count(poster_issued(Vendor.id, as_of)).label("with_poster"),
            _count(is_active).label("active"),
        )
        .where(present, *conditions)
        .group_by(*group_by)
    )


def market_counts(conditions: list[ColumnElement[bool]], as_of: dt.datetime) -> Select[Any]:
    """Markets and stalls open just before ``as_of`` (a market closed later still counts then)."""
    open_then = and_(Market.created_at < as_of, or_(Market.active.is_(True), Market.updated_at >= as_of))
    return select(func.count().label("markets"), func.coalesce(func.sum(Market.stall_count), 0).label("stalls")).where(
        open_then, *conditions
    )
