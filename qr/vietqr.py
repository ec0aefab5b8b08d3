"""VietQR transfer codes (NAPAS, QR Format T&C v1.0, 09/2021) on top of the EMVCo data objects.

Root objects written by :func:`encode`, in this order (ids ascending, the CRC last)::

    00 "01"                          payload format indicator
    01 "11" static | "12" dynamic    dynamic when there is an amount
    38 template                      00 GUID "A000000727"
                                     01 template: 00 6-digit BIN, 01 account or card number (<= 19)
                                     02 service "QRIBFTTA" (account) | "QRIBFTTC" (card)
    53 "704"                         currency (đồng)
    54 amount                        whole đồng, optional
    58 "VN"                          country
    59 merchant name (<= 25)         optional, ASCII, uppercase
    60 merchant city (<= 15)         optional, ASCII
    62 template (<= 99)              01 bill number, 03 store, 05 reference, 07 terminal, 08 purpose
                                     (<= 25 characters each)
    63 CRC
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from qr import emv
from qr.banks import Bank, BankDirectory, default_directory
from qr.emv import DataObject
from qr.errors import MalformedPayloadError, PaymentInputError, Problem, payload_error
from qr.text import fold_ascii

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
_ADDITIONAL_BY_ID = {v: k for k, v in ADDITIONAL_FIELDS.items()}
_BUILT_IDS = frozenset({"00", "01", "38", "53", "54", "58", "59", "60", "62", "63"})
_ACCOUNT_RE = re.compile(r"[A-Za-z0-9]{1,19}")
_CARD_RE = re.compile(r"[0-9]{16,19}")
_BIN_RE = re.compile(r"[0-9]{6}")
_ACCOUNT_SEPARATORS = str.maketrans("", "", " -.\t")


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


# ----------------------------------------------------------------------------------------------------------
# Encoding


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
    return account.translate(_ACCOUNT_SEPARATORS)


def encode(code: VietQR, *, directory: BankDirectory | None = None) -> str:
    """The payload string of a VietQR transfer code.

    Raises :class:`~qr.errors.PaymentInputError` when the inputs cannot make a valid code: a BIN that is
    not 6 digits or not in the bank directory, a malformed account or card number, an amount out of
    range, an additional data template over 99 characters, or an extra object that clashes.
    """
    bin_ = code.bin.strip()
    if not _BIN_RE.fullmatch(bin_):
        raise PaymentInputError("bin_format", "38.01.00", found=bin_)
    if bin_ not in (directory or default_directory()):
        raise PaymentInputError("unknown_bin", "38.01.00", found=bin_)
    account = normalize_account(code.account)
    service = Service(code.service)
    if service is Service.CARD and not _CARD_RE.fullmatch(account):
        raise PaymentInputError("card_format", "38.01.01", found=account)
    if not _ACCOUNT_RE.fullmatch(account):
        raise PaymentInputError("account_format", "38.01.01", found=account)
    amount = code.amount
    if amount is not None:
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise PaymentInputError("amount_not_numeric", "54", found=amount)
        if not 0 < amount < MAX_AMOUNT:
            raise PaymentInputError("amount_out_of_range", "54", found=amount, limit=_limit_text())

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
        if obj.id in _BUILT_IDS:
            raise PaymentInputError("reserved_tag", obj.id)
        objects.append(obj)
    for id_, count in Counter(o.id for o in objects).items():
        if count > 1:
            raise PaymentInputError("duplicate_tag", id_)
    objects.sort(key=lambda o: o.id)
    return emv.append_crc(emv.encode(objects))


def _limit_text() -> str:
    return f"{MAX_AMOUNT:,}".replace(",", ".")


# ----------------------------------------------------------------------------------------------------------
# Reading


def parse(payload: str, *, directory: BankDirectory | None = None) -> ParsedVietQR:
    """Read a VietQR transfer code, or raise the first problem as a :class:`~qr.errors.PayloadError`."""
    result, problems = _read(payload, directory or default_directory())
    if problems or result is None:
        raise payload_error(problems[0])
    return result


def validate(payload: str, *, directory: BankDirectory | None = None) -> list[Problem]:
    """Every problem found in ``payload`` (empty when it is a valid VietQR transfer code)."""
    return _read(payload, directory or default_directory())[1]


def _is_printable_ascii(text: str) -> bool:
    return all(" " <= ch <= "~" for ch in text)


class _Reader:
    def __init__(self, directory: BankDirectory) -> None:
        self.directory = directory
        self.problems: list[Problem] = []
        self.other: dict[str, str] = {}

    def add(self, code: str, tag: str | None = None, **params: object) -> None:
        self.problems.append(Problem.make(code, tag, **params))

    def split(self, obj: DataObject, path: str) -> dict[str, DataObject] | None:
        """The children of a template by id (first occurrence), or None if they do not split."""
        try:
            children = emv.decode(obj.value, path=path)
        except MalformedPayloadError as exc:
            self.problems.append(exc.problem)
            return None
        return self.index(children, path)

    def index(self, objects: tuple[DataObject, ...], path: str) -> dict[str, DataObject]:
        counts = Counter(o.id for o in objects)
        for id_, n in counts.items():
            if n > 1:
                self.add("duplicate_tag", f"{path}.{id_}" if path else id_)
        by_id: dict[str, DataObject] = {}
        for obj in objects:
            by_id.setdefault(obj.id, obj)
        return by_id

    def text(self, obj: DataObject | None, tag: str, limit: int | None = None) -> str | None:
        if obj is None:
            return None
        if not _is_printable_ascii(obj.value):
            self.add("bad_character", tag)
        if limit is not None and len(obj.value) > limit:
            self.add("field_too_long", tag, found=len(obj.value), limit=limit)
        return obj.value

    def required(self, by_id: Mapping[str, DataObject], id_: str, path: str = "") -> DataObject | None:
        obj = by_id.get(id_)
        if obj is None:
            self.add("missing_tag", f"{path}.{id_}" if path else id_)
        return obj

    def keep_others(self, by_id: Mapping[str, DataObject], known: frozenset[str], path: str = "") -> None:
        for id_, obj in by_id.items():
            if id_ not in known:
                self.other[f"{path}.{id_}" if path else id_] = obj.value


def _read(payload: str, directory: BankDirectory) -> tuple[ParsedVietQR | None, list[Problem]]:
    text = payload.strip()
    r = _Reader(directory)
    if not text:
        r.add("empty")
        return None, r.problems

    if len(text) < 8 or text[-8:-4] != emv.CRC_PREFIX:
        r.add("crc_missing", "63")
    elif not emv.crc_matches(text):
        r.add("crc_mismatch", "63", found=text[-4:], expected=emv.crc_hex(text[:-4]))

    try:
        root = emv.decode(text)
    except MalformedPayloadError as exc:
        r.problems.append(exc.problem)
        return None, r.problems
    if root[-1].id != emv.CRC_ID and not any(p.code == "crc_missing" for p in r.problems):
        r.add("crc_missing", "63")
    top = r.index(root, "")

    fmt = r.required(top, "00")
    if fmt is not None and fmt.value != PAYLOAD_FORMAT:
        r.add("payload_format", "00", found=fmt.value)

    initiation: Initiation | None = None
    method = top.get("01")
    if method is not None:
        if method.value in {m.value for m in Initiation}:
            initiation = Initiation(method.value)
        else:
            r.add("initiation_method", "01", found=method.value)

    bank, account, service = _read_beneficiary(r, top)

    currency = r.required(top, "53")
    if currency is not None and currency.value != CURRENCY_VND:
        r.add("currency", "53", found=currency.value)
    country = r.required(top, "58")
    if country is not None and country.value != COUNTRY_VN:
        r.add("country", "58", found=country.value)

    amount: int | None = None
    raw_amount = top.get("54")
    if raw_amount is not None:
        if not (raw_amount.value.isascii() and raw_amount.value.isdigit()):
            r.add("amount_not_numeric", "54", found=raw_amount.value)
        else:
            amount = int(raw_amount.value)
            if not 0 < amount < MAX_AMOUNT:
                r.add("amount_out_of_range", "54", found=amount, limit=_limit_text())

    merchant_name = r.text(top.get("59"), "59", MERCHANT_NAME_LIMIT)
    merchant_city = r.text(top.get("60"), "60", MERCHANT_CITY_LIMIT)

    additional: dict[str, str | None] = dict.fromkeys(ADDITIONAL_FIELDS)
    template62 = top.get("62")
    if template62 is not None:
        subs = r.split(template62, "62")
        if subs is not None:
            for sub_id, attr in _ADDITIONAL_BY_ID.items():
                additional[attr] = r.text(subs.get(sub_id), f"62.{sub_id}", ADDITIONAL_FIELD_LIMIT)
            r.keep_others(subs, frozenset(_ADDITIONAL_BY_ID), "62")

    # Root tags first (in payload order), then those found inside the templates.
    nested, r.other = r.other, {}
    r.keep_others(top, _BUILT_IDS)
    r.other.update(nested)

    if r.problems or bank is None or account is None or service is None:
        return None, r.problems
    return (
        ParsedVietQR(
            payload=text,
            bank=bank,
            account=account,
            service=service,
            initiation=initiation,
            amount=amount,
            merchant_name=merchant_name,
            merchant_city=merchant_city,
            other_tags=r.other,
            **additional,
        ),
        r.problems,
    )


def _read_beneficiary(
    r: _Reader, top: Mapping[str, DataObject]
) -> tuple[Bank | None, str | None, Service | None]:
    template38 = r.required(top, "38")
    if template38 is None:
        return None, None, None
    subs = r.split(template38, "38")
    if subs is None:
        return None, None, None

    guid = r.required(subs, "00", "38")
    if guid is not None and guid.value != GUID:
        r.add("guid", "38.00", found=guid.value)

    service: Service | None = None
    raw_service = r.required(subs, "02", "38")
    if raw_service is not None:
        if raw_service.value in {s.value for s in Service}:
            service = Service(raw_service.value)
        else:
            r.add("service_code", "38.02", found=raw_service.value)

    bank: Bank | None = None
    account: str | None = None
    beneficiary = r.required(subs, "01", "38")
    if beneficiary is not None:
        parts = r.split(beneficiary, "38.01")
        if parts is not None:
            raw_bin = r.required(parts, "00", "38.01")
            if raw_bin is not None:
                if not _BIN_RE.fullmatch(raw_bin.value):
                    r.add("bin_format", "38.01.00", found=raw_bin.value)
                else:
                    bank = r.directory.get(raw_bin.value)
                    if bank is None:
                        r.add("unknown_bin", "38.01.00", found=raw_bin.value)
            raw_account = r.required(parts, "01", "38.01")
            if raw_account is not None:
                account = raw_account.value
                if service is Service.CARD and not _CARD_RE.fullmatch(account):
                    r.add("card_format", "38.01.01", found=account)
                elif not _ACCOUNT_RE.fullmatch(account):
                    r.add("account_format", "38.01.01", found=account)
            r.keep_others(parts, frozenset({"00", "01"}), "38.01")
    r.keep_others(subs, frozenset({"00", "01", "02"}), "38")
    return bank, account, service
