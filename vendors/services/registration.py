"""A vendor registration checked without the database, and duplicate checks that work on a batch.

``VendorService.register`` and the spreadsheet import share these, so that a row of a spreadsheet and a
``POST /api/vendors`` meet the same rules and the same messages:

- ``check_registration`` normalizes one ``VendorCreate`` and collects its problems (no session needed);
- ``new_vendor_values`` gives the column values of the vendor it creates;
- ``TakenValues`` loads, with one statement (a few for a large batch), who already holds the personal IDs,
  bank accounts and phones of any number of registrations, and names the holder of each clash.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    CompoundSelect,
    Label,
    Select,
    bindparam,
    cast,
    literal_column,
    null,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from qr.banks import BankDirectory
from qr.text import fold_ascii
from tracker.accounts.actor import Actor
from tracker.lib.exceptions import Conflict, FieldProblem, Problems, ValidationFailed
from tracker.lib.i18n import Lang, Text
from tracker.lib.identifiers import normalize_account_number, normalize_mobile, normalize_personal_id
from tracker.lib.text import search_key
from vendors.models import PaymentAccount, Vendor
from vendors.schemas import PaymentAccountInput, VendorCreate

ACCOUNT_NAME_MAX = 50
IN_CHUNK = 500  # values per IN (...) list: well below SQLite's and asyncpg's parameter limits
# The predicate of the partial unique index on (bank_bin, account_number) written exactly as the index
# has it: SQLite uses a partial index only for a query that repeats its WHERE terms, and SQLAlchemy writes
# a boolean column as ``active = 1`` there, which made each account check scan every payment account.
ACCOUNT_ACTIVE: ColumnElement[bool] = literal_column("payment_accounts.active")
# Likewise for the partial unique index on (market_id, phone): written as SQLAlchemy writes it
# (``active = 1 AND shares_phone IS 0``), each phone check read every vendor of the market.
PHONE_HELD: ColumnElement[bool] = literal_column("vendors.active AND NOT vendors.shares_phone")

OLD_ID_WARNING = Text(
    "Số CMND cũ 9 chữ số: hãy cập nhật số CCCD 12 chữ số khi có thể.",
    "Old 9-digit ID card number: update to the 12-digit CCCD when possible.",
)
CONSENT_REQUIRED = Text(
    "Cần có sự đồng ý của tiểu thương để lưu thông tin.",
    "The vendor's consent is required to keep the data.",
)
CONSENT_IN_FUTURE = Text("Ngày đồng ý không được ở tương lai.", "The consent date cannot be in the future.")
PERSONAL_ID_TAKEN = Text("Số định danh cá nhân này đã được đăng ký.", "This personal ID is already registered.")
ACCOUNT_TAKEN = Text("Tài khoản ngân hàng này đã được đăng ký.", "This bank account is already registered.")
PHONE_TAKEN = Text(
    "Số điện thoại này đã có ở chợ này (gia đình dùng chung số: chọn allow_duplicate_phone).",
    "This phone is already registered in this market (a family sharing a phone: set allow_duplicate_phone).",
)

SNAPSHOT_FIELDS = (
    "code",
    "full_name",
    "phone",
    "personal_id",
    "market_id",
    "stall",
    "goods_category",
    "household_business_no",
    "consent_date",
    "status",
    "active",
    "shares_phone",
)


def unknown_bank(bank_bin: str) -> Text:
    return Text(
        f"Mã BIN ngân hàng {bank_bin!r} không có trong danh bạ VietQR.",
        f"Bank BIN {bank_bin!r} is not in the VietQR directory.",
    )


def account_name_for(name: str) -> str:
    """The holder name as banks show it: ASCII, uppercase ("Nguyễn Thị Đào" → "NGUYEN THI DAO")."""
    return fold_ascii(name).upper()[:ACCOUNT_NAME_MAX]


def clean_name(raw: str) -> str:
    return " ".join(raw.split())


def clean_stall(raw: str) -> str:
    return raw.strip().upper()


def clean_optional(raw: str | None) -> str | None:
    return (raw or "").strip() or None


def search_text(name_search: str, code: str, phone: str | None) -> str:
    """What ``q`` searches: the folded name, the code and the phone."""
    return " ".join(p for p in (name_search, code.lower(), phone or "") if p)


def snapshot(vendor: Vendor | Mapping[str, Any]) -> dict[str, Any]:
    """The audited fields of a vendor, from the model or from the values of an insert."""
    if isinstance(vendor, Mapping):
        return {k: vendor[k] for k in SNAPSHOT_FIELDS}
    return {k: getattr(vendor, k) for k in SNAPSHOT_FIELDS}


def check_phone(raw: str, problems: Problems) -> str | None:
    try:
        return normalize_mobile(raw)
    except ValidationFailed as exc:
        problems.extend(exc.problems)
        return None


def check_personal_id(raw: str | None, problems: Problems, warnings: list[FieldProblem]) -> str | None:
    if raw is None or not raw.strip():
        return None
    try:
        value, legacy = normalize_personal_id(raw)
    except ValidationFailed as exc:
        problems.extend(exc.problems)
        return None
    if legacy:
        warnings.append(FieldProblem("personal_id", OLD_ID_WARNING, "legacy_id_card"))
    return value


def check_accounts(
    banks: BankDirectory,
    accounts: list[PaymentAccountInput],
    holder: str,
    problems: Problems,
    prefix: str = "payment_accounts",
) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for index, item in enumerate(accounts):
        where = f"{prefix}[{index}]"
        bank_bin = item.bank_bin.strip()
        if bank_bin not in banks:
            problems.add(f"{where}.bank_bin", unknown_bank(bank_bin), "unknown_bank")
        try:
            number = normalize_account_number(item.account_number, f"{where}.account_number")
        except ValidationFailed as exc:
            problems.extend(exc.problems)
            continue
        if (bank_bin, number) in seen:
            problems.add(
                f"{where}.account_number",
                Text("Tài khoản bị nhập hai lần.", "Entered twice."),
                "repeated",
            )
        seen.add((bank_bin, number))
        name = account_name_for(item.account_name) if item.account_name else account_name_for(holder)
        if not name:
            problems.add(
                f"{where}.account_name",
                Text("Thiếu tên chủ tài khoản.", "The holder name is missing."),
                "required",
            )
        result.append(
            {
                "bank_bin": bank_bin,
                "account_number": number,
                "account_name": name,
                "is_primary": item.is_primary,
            }
        )
    if result and not any(a["is_primary"] for a in result):
        result[0]["is_primary"] = True
    if sum(1 for a in result if a["is_primary"]) > 1:
        problems.add(
            prefix,
            Text("Chỉ một tài khoản được đặt làm chính.", "Only one account can be primary."),
            "several_primary",
        )
    return result


@dataclass(frozen=True, slots=True)
class VendorDraft:
    """The normalized values of one registration (market and team are checked by the caller)."""

    full_name: str
    phone: str | None
    personal_id: str | None
    stall: str
    goods_category: str
    household_business_no: str | None
    consent_date: dt.date
    shares_phone: bool
    accounts: list[dict[str, Any]]


def check_registration(
    data: VendorCreate, banks: BankDirectory, today: dt.date
) -> tuple[VendorDraft, Problems, list[FieldProblem]]:
    """Normalizes a registration and collects every problem of its own fields, without the database."""
    problems = Problems()
    warnings: list[FieldProblem] = []
    full_name = clean_name(data.full_name)
    phone = check_phone(data.phone, problems)
    personal_id = check_personal_id(data.personal_id, problems, warnings)
    if not data.consent:
        problems.add("consent", CONSENT_REQUIRED, "required")
    consent_date = data.consent_date or today
    if consent_date > today:
        problems.add("consent_date", CONSENT_IN_FUTURE, "in_future")
    accounts = check_accounts(banks, data.payment_accounts, full_name, problems)
    draft = VendorDraft(
        full_name=full_name,
        phone=phone,
        personal_id=personal_id,
        stall=clean_stall(data.stall),
        goods_category=data.goods_category,
        household_business_no=clean_optional(data.household_business_no),
        consent_date=consent_date,
        shares_phone=data.allow_duplicate_phone,
        accounts=accounts,
    )
    return draft, problems, warnings


OwnFields = tuple[VendorDraft, Problems, list[FieldProblem]]


@dataclass(frozen=True, slots=True)
class Registration:
    """One ``POST /api/vendors``: who asks, what, and the language of its answer; and its own fields once
    checked (``with_own_fields``)."""

    actor: Actor
    data: VendorCreate
    lang: Lang = "vi"
    own_fields: OwnFields | None = None

    def with_own_fields(self, banks: BankDirectory, today: dt.date) -> Registration:
        """The same ask with its own fields checked now. They need no database: the registration queue has
        each request check them as it arrives, while a batch is being written, rather than in the batch."""
        return replace(self, own_fields=check_registration(self.data, banks, today))

    def checked(self, banks: BankDirectory, today: dt.date) -> OwnFields:
        """Its own fields checked: the draft, the problems (a fresh list, to which the batch adds those of the
        market and team) and the warnings."""
        if self.own_fields is None:
            return check_registration(self.data, banks, today)
        draft, problems, warnings = self.own_fields
        fresh = Problems()
        fresh.extend(problems.items)
        return draft, fresh, list(warnings)


class WriteAlone:
    """The outcome of a registration of a batch that must be written in a transaction of its own."""

    def __repr__(self) -> str:
        return "WRITE_ALONE"


WRITE_ALONE = WriteAlone()
# What a registration of a batch comes to when it is not written: the error it answers, or another try alone.
Outcome = Exception | WriteAlone


def new_vendor_values(
    draft: VendorDraft,
    *,
    code: str,
    market_id: int,
    area_id: int,
    actor_id: int | None,
    team_id: int | None,
    now: dt.datetime,
) -> dict[str, Any]:
    """The column values of the vendor a registration creates (status ``registered``)."""
    name_search = search_key(draft.full_name)
    return {
        "code": code,
        "full_name": draft.full_name,
        "name_search": name_search,
        "search_text": search_text(name_search, code, draft.phone),
        "phone": draft.phone,
        "shares_phone": draft.shares_phone,
        "personal_id": draft.personal_id,
        "market_id": market_id,
        "area_id": area_id,
        "stall": draft.stall,
        "goods_category": draft.goods_category,
        "household_business_no": draft.household_business_no,
        "consent_date": draft.consent_date,
        "status": "registered",
        "status_changed_at": now,
        "status_changed_by_id": actor_id,
        "active": True,
        "created_by_id": actor_id,
        "team_id": team_id,
    }


def duplicate_conflict(field: str, message: Text, existing: Vendor | tuple[int, str]) -> Conflict:
    """The API's 409 for a clash, naming the vendor that holds the value."""
    vendor_id, code = (existing.id, existing.code) if isinstance(existing, Vendor) else existing
    return Conflict(
        Text(
            f"{message.vi} Đã có tiểu thương {code} (id {vendor_id}).",
            f"{message.en} Vendor {code} (id {vendor_id}) already has it.",
        ),
        [FieldProblem(field, message, "duplicate", {"existing": {"id": vendor_id, "code": code}})],
    )


@dataclass(frozen=True, slots=True)
class Clash:
    """A value of a registration that another vendor already holds."""

    field: str
    message: Text
    vendor_id: int
    vendor_code: str

    def conflict(self) -> Conflict:
        return duplicate_conflict(self.field, self.message, (self.vendor_id, self.vendor_code))


def _chunks(values: Iterable[Any]) -> Iterable[list[Any]]:
    items = sorted(set(values))
    for start in range(0, len(items), IN_CHUNK):
        yield items[start : start + IN_CHUNK]


Holder = tuple[int, str]


@dataclass(frozen=True, slots=True)
class _Lookup:
    """One ``IN`` list of values to find the holders of: personal IDs, one bank's account numbers, or phones."""

    kind: str
    values: list[Any]
    bank_bin: str | None = None
    market_ids: list[int] | None = None


def _batches(lookups: list[_Lookup]) -> Iterable[list[_Lookup]]:
    """The lookups grouped into statements of at most ``IN_CHUNK`` values (a registration's few: one)."""
    batch: list[_Lookup] = []
    size = 0
    for lookup in lookups:
        if batch and size + len(lookup.values) > IN_CHUNK:
            yield batch
            batch, size = [], 0
        batch.append(lookup)
        size += len(lookup.values)
    if batch:
        yield batch


@lru_cache(maxsize=64)
def _holders_statement(kinds: tuple[str, ...]) -> Select[Any] | CompoundSelect[Any]:
    """One statement for every lookup of a batch, ``UNION ALL`` of one indexed query per lookup, rows as
    ``(kind, bank_bin, value, market_id, vendor_id, code)`` in vendor order. Built once per shape: the
    values are expanding parameters."""
    branches: list[Select[Any]] = []
    for index, kind in enumerate(kinds):
        values: BindParameter[Any] = bindparam(f"values_{index}", expanding=True)
        label: Label[str] = literal_column(f"'{kind}'").label("kind")
        # Typed: PostgreSQL types a UNION's columns pairwise, and two untyped NULLs become text.
        no_bank = cast(null(), PaymentAccount.bank_bin.type).label("bank_bin")
        no_market = cast(null(), Vendor.market_id.type).label("market_id")
        if kind == "personal_id":
            branches.append(
                select(
                    label,
                    no_bank,
                    Vendor.personal_id.label("value"),
                    no_market,
                    Vendor.id.label("vendor_id"),
                    Vendor.code.label("code"),
                ).where(Vendor.personal_id.in_(values))
            )
        elif kind == "account":
            branches.append(  # bank, number and active: the unique index answers
                select(
                    label,
                    PaymentAccount.bank_bin.label("bank_bin"),
                    PaymentAccount.account_number.label("value"),
                    no_market,
                    Vendor.id.label("vendor_id"),
                    Vendor.code.label("code"),
                )
                .join(Vendor, PaymentAccount.vendor_id == Vendor.id)
                .where(
                    PaymentAccount.bank_bin == bindparam(f"bank_{index}"),
                    PaymentAccount.account_number.in_(values),
                    ACCOUNT_ACTIVE,
                )
            )
        else:
            branches.append(
                select(
                    label,
                    no_bank,
                    Vendor.phone.label("value"),
                    Vendor.market_id.label("market_id"),
                    Vendor.id.label("vendor_id"),
                    Vendor.code.label("code"),
                ).where(
                    Vendor.market_id.in_(bindparam(f"markets_{index}", expanding=True)),
                    Vendor.phone.in_(values),
                    PHONE_HELD,
                )
            )
    if len(branches) == 1:
        return branches[0].order_by(literal_column("vendor_id"))
    return union_all(*branches).order_by(literal_column("vendor_id"))


class TakenValues:
    """Who holds the personal IDs, bank accounts and phones (per market) of a batch of registrations.

    The rules are the database's unique indexes: a personal ID belongs to one vendor (active or not), an
    active bank account to one vendor, and a phone to one active vendor of a market unless it is marked
    as shared.
    """

    def __init__(
        self,
        personal_ids: dict[str, list[Holder]],
        accounts: dict[tuple[str, str], list[Holder]],
        phones: dict[tuple[int, str], list[Holder]],
    ) -> None:
        self.personal_ids = personal_ids
        self.accounts = accounts
        self.phones = phones

    @classmethod
    async def load(
        cls,
        session: AsyncSession,
        *,
        personal_ids: Iterable[str] = (),
        accounts: Iterable[tuple[str, str]] = (),
        phones: Iterable[tuple[int, str]] = (),
    ) -> TakenValues:
        numbers_by_bank: dict[str, set[str]] = defaultdict(set)
        for bank_bin, number in accounts:
            numbers_by_bank[bank_bin].add(number)
        wanted_phones = set(phones)
        market_ids = sorted({market_id for market_id, _ in wanted_phones})
        lookups: list[_Lookup] = [_Lookup("personal_id", chunk) for chunk in _chunks(personal_ids)]
        for bank_bin, numbers in sorted(numbers_by_bank.items()):
            lookups += [_Lookup("account", chunk, bank_bin=bank_bin) for chunk in _chunks(numbers)]
        lookups += [_Lookup("phone", chunk, market_ids=market_ids) for chunk in _chunks(p for _, p in wanted_phones)]
        by_id: dict[str, list[Holder]] = defaultdict(list)
        by_account: dict[tuple[str, str], list[Holder]] = defaultdict(list)
        by_phone: dict[tuple[int, str], list[Holder]] = defaultdict(list)
        if not lookups:
            return cls(by_id, by_account, by_phone)
        conn = await session.connection()
        for batch in _batches(lookups):
            params: dict[str, Any] = {}
            for index, lookup in enumerate(batch):
                params[f"values_{index}"] = lookup.values
                if lookup.kind == "account":
                    params[f"bank_{index}"] = lookup.bank_bin
                elif lookup.kind == "phone":
                    params[f"markets_{index}"] = lookup.market_ids
            rows = await conn.execute(_holders_statement(tuple(lookup.kind for lookup in batch)), params)
            for kind, bank_bin, value, market_id, vendor_id, code in rows.tuples():
                if kind == "personal_id":
                    by_id[str(value)].append((vendor_id, code))
                elif kind == "account":
                    by_account[(bank_bin, value)].append((vendor_id, code))
                elif (market_id, value) in wanted_phones:
                    by_phone[(market_id, str(value))].append((vendor_id, code))
        return cls(by_id, by_account, by_phone)

    def clashes(
        self,
        *,
        personal_id: str | None,
        accounts: list[dict[str, Any]],
        phone: str | None,
        market_id: int,
        shares_phone: bool,
        exclude_id: int | None = None,
        account_prefix: str = "payment_accounts",
    ) -> list[Clash]:
        """Every clash of one registration, in the order the API reports them."""

        def holder(holders: list[Holder]) -> Holder | None:
            return next((h for h in holders if h[0] != exclude_id), None)

        found: list[Clash] = []
        if personal_id and (owner := holder(self.personal_ids.get(personal_id, []))):
            found.append(Clash("personal_id", PERSONAL_ID_TAKEN, owner[0], owner[1]))
        for index, account in enumerate(accounts):
            key = (account["bank_bin"], account["account_number"])
            if owner := holder(self.accounts.get(key, [])):
                found.append(Clash(f"{account_prefix}[{index}].account_number", ACCOUNT_TAKEN, owner[0], owner[1]))
        if phone and not shares_phone and (owner := holder(self.phones.get((market_id, phone), []))):
            found.append(Clash("phone", PHONE_TAKEN, owner[0], owner[1]))
        return found
