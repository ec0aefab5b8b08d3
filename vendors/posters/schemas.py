"""API shapes of issued posters, decoded QR codes and the bank directory."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec

from tracker.lib.schema import Input, Schema

PosterSize = Literal["A6", "A5", "A4"]
PosterFormat = Literal["png", "pdf"]
MarketLayout = Literal["page", "sheet"]


class Poster(Schema):
    """One issued poster: what was printed for which account, and whether it hangs at the stall."""

    id: int
    vendor_id: int
    account_id: int
    # The QR payload (it holds the account number): null for roles that see account numbers masked.
    payload: str | None
    format: PosterFormat
    size: PosterSize
    amount: int | None
    issued_at: dt.datetime
    issued_by_id: int | None
    downloads: int
    posted_at: dt.datetime | None
    posted_by_id: int | None
    revoked_at: dt.datetime | None
    revoked_reason: str | None
    live: bool


class DecodeInput(Input):
    payload: Annotated[str, msgspec.Meta(min_length=1, max_length=512)]


class BankOut(Schema):
    bin: str
    code: str
    short_name: str
    name: str


class DecodedQR(Schema):
    """The fields of a VietQR transfer code, ready to register as a payment account."""

    payload: str
    bank: BankOut
    account_number: str
    service: Literal["QRIBFTTA", "QRIBFTTC"]
    is_card: bool
    account_name: str | None
    merchant_city: str | None
    amount: int | None
    purpose: str | None
