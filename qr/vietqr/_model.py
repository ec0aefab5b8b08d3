"""The VietQR data model: constants, services, what goes into a code and what comes out."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from qr.banks import Bank
from qr.emv import DataObject

GUID = "A000000727"
CURRENCY_VND = "704"
COUNTRY_VN = "VN"
PAYLOAD_FORMAT = "01"
MAX_AMOUNT = 500_000_000
"""Exclusive upper bound of an amount, in đồng: the NAPAS 247 limit per transaction."""

MERCHANT_NAME_LIMIT = 25
MERCHANT_CITY_LIMIT = 15
ADDITIONAL_FIELD_LIMIT = 25
TEMPLATE_LIMIT = 99

# VietQR field attribute -> sub-id in the additional data template (62), in the order they are written.
ADDITIONAL_FIELDS: dict[str, str] = {
    "bill_number": "01",
    "store_label": "03",
    "reference_label": "05",
    "terminal_label": "07",
    "purpose": "08",
}
ADDITIONAL_BY_ID = {v: k for k, v in ADDITIONAL_FIELDS.items()}
BUILT_IDS = frozenset({"00", "01", "38", "53", "54", "58", "59", "60", "62", "63"})
ACCOUNT_RE = re.compile(r"[A-Za-z0-9]{1,19}")
CARD_RE = re.compile(r"[0-9]{16,19}")
BIN_RE = re.compile(r"[0-9]{6}")
ACCOUNT_SEPARATORS = str.maketrans("", "", " -.\t")


class Service(StrEnum):
    """NAPAS 247 fast transfer service (field 38.02)."""

    ACCOUNT = "QRIBFTTA"
    CARD = "QRIBFTTC"


class Initiation(StrEnum):
    """Point of initiation method (field 01)."""

    STATIC = "11"
    DYNAMIC = "12"


@dataclass(frozen=True, slots=True)
class VietQR:
    """What goes into a VietQR transfer code. Text fields may hold Vietnamese; :func:`encode` folds them."""

    bin: str
    account: str
    service: Service = Service.ACCOUNT
    amount: int | None = None
    purpose: str | None = None
    merchant_name: str | None = None
    merchant_city: str | None = None
    bill_number: str | None = None
    store_label: str | None = None
    reference_label: str | None = None
    terminal_label: str | None = None
    extra: tuple[DataObject, ...] = ()
    """Further root data objects to write as they are (ids other than those the encoder writes)."""

    @property
    def initiation(self) -> Initiation:
        return Initiation.DYNAMIC if self.amount is not None else Initiation.STATIC


@dataclass(frozen=True, slots=True)
class ParsedVietQR:
    """A VietQR transfer code read back from its payload."""

    payload: str
    bank: Bank
    account: str
    service: Service
    initiation: Initiation | None
    amount: int | None
    purpose: str | None = None
    merchant_name: str | None = None
    merchant_city: str | None = None
    bill_number: str | None = None
    store_label: str | None = None
    reference_label: str | None = None
    terminal_label: str | None = None
    other_tags: Mapping[str, str] = field(default_factory=dict)
    """Data objects the reader does not interpret, by path ("52", "38.03", "62.09"), in payload order."""

    @property
    def bin(self) -> str:
        return self.bank.bin

    @property
    def is_card(self) -> bool:
        return self.service is Service.CARD

    @property
    def is_dynamic(self) -> bool:
        return self.initiation is Initiation.DYNAMIC

    def to_vietqr(self) -> VietQR:
        """The input that :func:`encode` turns back into an equivalent payload (root unknown tags kept)."""
        extra = tuple(DataObject(k, v) for k, v in self.other_tags.items() if "." not in k)
        return VietQR(
            bin=self.bank.bin,
            account=self.account,
            service=self.service,
            amount=self.amount,
            purpose=self.purpose,
            merchant_name=self.merchant_name,
            merchant_city=self.merchant_city,
            bill_number=self.bill_number,
            store_label=self.store_label,
            reference_label=self.reference_label,
            terminal_label=self.terminal_label,
            extra=extra,
        )


def amount_limit_text() -> str:
    """The amount limit as officials read it: "500.000.000"."""
    return f"{MAX_AMOUNT:,}".replace(",", ".")
