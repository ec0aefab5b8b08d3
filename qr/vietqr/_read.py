"""Reading and checking a VietQR payload."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from qr import emv
from qr.banks import Bank, BankDirectory, default_directory
from qr.emv import DataObject
from qr.errors import MalformedPayloadError, Problem, payload_error
from qr.vietqr._model import (
    ACCOUNT_RE,
    ADDITIONAL_BY_ID,
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
    Initiation,
    ParsedVietQR,
    Service,
    amount_limit_text,
)


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
                r.add("amount_out_of_range", "54", found=amount, limit=amount_limit_text())

    merchant_name = r.text(top.get("59"), "59", MERCHANT_NAME_LIMIT)
    merchant_city = r.text(top.get("60"), "60", MERCHANT_CITY_LIMIT)

    additional: dict[str, str | None] = dict.fromkeys(ADDITIONAL_FIELDS)
    template62 = top.get("62")
    if template62 is not None:
        subs = r.split(template62, "62")
        if subs is not None:
            for sub_id, attr in ADDITIONAL_BY_ID.items():
                additional[attr] = r.text(subs.get(sub_id), f"62.{sub_id}", ADDITIONAL_FIELD_LIMIT)
            r.keep_others(subs, frozenset(ADDITIONAL_BY_ID), "62")

    # Root tags first (in payload order), then those found inside the templates.
    nested, r.other = r.other, {}
    r.keep_others(top, BUILT_IDS)
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


def _read_beneficiary(r: _Reader, top: Mapping[str, DataObject]) -> tuple[Bank | None, str | None, Service | None]:
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
                if not BIN_RE.fullmatch(raw_bin.value):
                    r.add("bin_format", "38.01.00", found=raw_bin.value)
                else:
                    bank = r.directory.get(raw_bin.value)
                    if bank is None:
                        r.add("unknown_bin", "38.01.00", found=raw_bin.value)
            raw_account = r.required(parts, "01", "38.01")
            if raw_account is not None:
                account = raw_account.value
                if service is Service.CARD and not CARD_RE.fullmatch(account):
                    r.add("card_format", "38.01.01", found=account)
                elif not ACCOUNT_RE.fullmatch(account):
                    r.add("account_format", "38.01.01", found=account)
            r.keep_others(parts, frozenset({"00", "01"}), "38.01")
    r.keep_others(subs, frozenset({"00", "01", "02"}), "38")
    return bank, account, service
