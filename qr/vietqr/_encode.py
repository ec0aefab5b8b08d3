"""Building a VietQR payload."""

from __future__ import annotations

from collections import Counter

from qr import emv
from qr.banks import BankDirectory, default_directory
from qr.emv import DataObject
from qr.errors import PaymentInputError
from qr.text import fold_ascii
from qr.vietqr._model import (
    ACCOUNT_RE,
    ACCOUNT_SEPARATORS,
    ADDITIONAL_FIELD_LIMIT,
    ADDITIONAL_FIELDS,
    BIN_RE,
    BUILT_IDS,
    CARD_RE,
    COUNTRY_VN,
    CURRENCY_VND,
    GUID,
    MAX_AMOUNT,
    MERCHANT_CITY_LIMIT,
    MERCHANT_NAME_LIMIT,
    PAYLOAD_FORMAT,
    TEMPLATE_LIMIT,
    Service,
    VietQR,
    amount_limit_text,
)


def fold_field(text: str | None, limit: int, *, upper: bool = False) -> str:
    """Text as it goes into a payload field: folded to ASCII, uppercased if asked, cut to ``limit``."""
    if not text:
        return ""
    folded = fold_ascii(text)
    if upper:
        folded = folded.upper()
    return folded[:limit].rstrip()


def normalize_account(account: str) -> str:
    """An account or card number as typed ("0011 0123-4567.8") without its separators."""
    return account.translate(ACCOUNT_SEPARATORS)


def encode(code: VietQR, *, directory: BankDirectory | None = None) -> str:
    """The payload string of a VietQR transfer code.

    Raises :class:`~qr.errors.PaymentInputError` when the inputs cannot make a valid code: a BIN that is
    not 6 digits or not in the bank directory, a malformed account or card number, an amount out of
    range, an additional data template over 99 characters, or an extra object that clashes.
    """
    bin_ = code.bin.strip()
    if not BIN_RE.fullmatch(bin_):
        raise PaymentInputError("bin_format", "38.01.00", found=bin_)
    if bin_ not in (directory or default_directory()):
        raise PaymentInputError("unknown_bin", "38.01.00", found=bin_)
    account = normalize_account(code.account)
    service = Service(code.service)
    if service is Service.CARD and not CARD_RE.fullmatch(account):
        raise PaymentInputError("card_format", "38.01.01", found=account)
    if not ACCOUNT_RE.fullmatch(account):
        raise PaymentInputError("account_format", "38.01.01", found=account)
    amount = code.amount
    if amount is not None:
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise PaymentInputError("amount_not_numeric", "54", found=amount)
        if not 0 < amount < MAX_AMOUNT:
            raise PaymentInputError("amount_out_of_range", "54", found=amount, limit=amount_limit_text())

    objects = [
        DataObject("00", PAYLOAD_FORMAT),
        DataObject("01", code.initiation.value),
        DataObject.template(
            "38",
            [
                DataObject("00", GUID),
                DataObject.template("01", [DataObject("00", bin_), DataObject("01", account)]),
                DataObject("02", service.value),
            ],
        ),
        DataObject("53", CURRENCY_VND),
    ]
    if amount is not None:
        objects.append(DataObject("54", str(amount)))
    objects.append(DataObject("58", COUNTRY_VN))
    name = fold_field(code.merchant_name, MERCHANT_NAME_LIMIT, upper=True)
    if name:
        objects.append(DataObject("59", name))
    city = fold_field(code.merchant_city, MERCHANT_CITY_LIMIT)
    if city:
        objects.append(DataObject("60", city))
    additional = []
    for attr, sub_id in ADDITIONAL_FIELDS.items():
        text = fold_field(getattr(code, attr), ADDITIONAL_FIELD_LIMIT)
        if text:
            additional.append(DataObject(sub_id, text))
    if additional:
        template = DataObject.template("62", additional)
        if len(template.value) > TEMPLATE_LIMIT:
            raise PaymentInputError("template_too_long", "62", found=len(template.value))
        objects.append(template)
    for obj in code.extra:
        if obj.id in BUILT_IDS:
            raise PaymentInputError("reserved_tag", obj.id)
        objects.append(obj)
    for id_, count in Counter(o.id for o in objects).items():
        if count > 1:
            raise PaymentInputError("duplicate_tag", id_)
    objects.sort(key=lambda o: o.id)
    return emv.append_crc(emv.encode(objects))
