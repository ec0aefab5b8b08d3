"""Which vendors have a QR poster: the one place that decides it.

Until posters are recorded on their own, a vendor has had a poster issued when its status history
shows it reached ``qr_issued`` or beyond (``active``: a vendor confirmed taking transfers was given its
poster first, even when the task force recorded both steps at once). The per-market tally trigger of
migration 0011_reports applies ``REACHED`` too; both change together when posters get their own table.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, SQLColumnExpression, exists

from vendors.models import VendorStatusChange

REACHED = ("qr_issued", "active")


def poster_issued(vendor_id: SQLColumnExpression[Any], before: dt.datetime | None = None) -> ColumnElement[bool]:
    """Whether the vendor in ``vendor_id`` had a poster issued (before ``before``, when given)."""
    condition = exists().where(VendorStatusChange.vendor_id == vendor_id, VendorStatusChange.to_status.in_(REACHED))
    if before is not None:
        condition = exists().where(
            VendorStatusChange.vendor_id == vendor_id,
            VendorStatusChange.to_status.in_(REACHED),
            VendorStatusChange.at < before,
        )
    return condition
