"""Vendor registry: registration with duplicate checks, search, updates with versions, status changes."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from functools import partial
from types import SimpleNamespace
from typing import Any, NamedTuple, TypeVar

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from sqlalchemy import Row, insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from qr.banks import BankDirectory
from tracker.accounts.actor import Actor
from tracker.accounts.services import TeamService
from tracker.audit.services import AuditRecord, changed, record, record_many
from tracker.db.base import table_of
from tracker.lib import clock
from tracker.lib.exceptions import (
    Conflict,
    FieldProblem,
    NotFound,
    Problems,
    StaleWrite,
    TrackerError,
    ValidationFailed,
)
from tracker.lib.i18n import Text
from tracker.lib.schema import UnsetType
from tracker.lib.service import Service
from tracker.lib.text import search_key
from vendors.models import Market, PaymentAccount, Vendor, VendorStatusChange
from vendors.posters.revocation import revoke_for_accounts
from vendors.reference import STATUS_TRANSITIONS, VENDOR_STATUSES
from vendors.schemas import (
    Deactivation,
    PaymentAccountInput,
    Problem,
    StatusChange,
    VendorCreate,
    VendorUpdate,
)
from vendors.schemas import Vendor as VendorOut
from vendors.services.markets import MARKET_CLOSED, MarketService
from vendors.services.registration import (  # noqa: F401 (ACCOUNT_NAME_MAX, OLD_ID_WARNING, account_name_for: still importable from here)
    ACCOUNT_NAME_MAX,
    OLD_ID_WARNING,
    WRITE_ALONE,
    Outcome,
    Registration,
    TakenValues,
    VendorDraft,
    account_name_for,
    check_accounts,
    check_personal_id,
    check_phone,
    check_registration,
    clean_name,
    clean_optional,
    clean_stall,
    new_vendor_values,
)
from vendors.services.registration import search_text as _search_text
from vendors.services.registration import snapshot as _snapshot
from vendors.services.vendor_reads import ANSWER_COLUMNS, VendorReads

VENDOR = Text("tiểu thương", "Vendor")

_VENDORS = table_of(Vendor)
_ACCOUNTS = table_of(PaymentAccount)
# Built once: the statements of every registration.
# Rows come back in any order (asking for the parameters' order makes SQLite insert them one at a time):
# vendors are matched by their unique code, accounts by their vendor.
_INSERT_VENDOR = insert(_VENDORS).returning(*ANSWER_COLUMNS)
_INSERT_ACCOUNTS = insert(_ACCOUNTS).returning(
    _ACCOUNTS.c.id,
    _ACCOUNTS.c.vendor_id,
    _ACCOUNTS.c.bank_bin,
    _ACCOUNTS.c.account_number,
    _ACCOUNTS.c.account_name,
    _ACCOUNTS.c.is_primary,
)
_INSERT_STATUS_CHANGE = insert(table_of(VendorStatusChange))


@dataclass(frozen=True, slots=True)
class _Created:
    """A registration inserted and not yet committed: the returned rows, its warnings and its duplicate check."""

    vendor: Row[Any]
    accounts: list[Row[Any]]
    warnings: list[FieldProblem]
    check: Callable[[], Awaitable[None]]
    market: _MarketNames


class _MarketNames(NamedTuple):
    """What a vendor's answer says of its market."""

    code: str
    name: str
    area_code: str


@dataclass(frozen=True, slots=True)
class _Checked:
    """A registration whose own fields, market and team are right, before its duplicate check."""

    index: int
    actor: Actor
    draft: VendorDraft
    market: Market
    team_id: int | None
    warnings: list[FieldProblem]

    @property
    def keys(self) -> set[tuple[Any, ...]]:
        """The values that only one vendor may hold, as the unique indexes define them."""
        draft = self.draft
        keys: set[tuple[Any, ...]] = {("account", a["bank_bin"], a["account_number"]) for a in draft.accounts}
        if draft.personal_id:
            keys.add(("personal_id", draft.personal_id))
        if draft.phone and not draft.shares_phone:
            keys.add(("phone", self.market.id, draft.phone))
        return keys

    async def check(self, service: VendorService) -> None:
        """Raises the 409 of the first value that another vendor holds."""
        await service._check_duplicates(
            personal_id=self.draft.personal_id,
            accounts=self.draft.accounts,
            phone=self.draft.phone,
            market_id=self.market.id,
            shares_phone=self.draft.shares_phone,
        )


K = TypeVar("K")
V = TypeVar("V")
E = TypeVar("E", bound=Exception)


async def _once(memo: dict[K, V | E], key: K, lookup: Callable[[], Awaitable[V]], errors: type[E]) -> V | E:
    """``lookup()`` once per key within a batch; an error of the kind ``errors`` is kept like an answer."""
    if key not in memo:
        try:
            memo[key] = await lookup()
        except errors as exc:
            memo[key] = exc
    return memo[key]


async def _clash_or(check: Awaitable[None], error: Exception) -> Exception:
    """The 409 that ``check`` raises, else ``error``."""
    try:
        await check
    except Conflict as conflict:
        return conflict
    return error


def _account_snapshot(account: PaymentAccount) -> dict[str, Any]:
    return {
        "bank_bin": account.bank_bin,
        "account_number": account.account_number,
        "account_name": account.account_name,
        "is_primary": account.is_primary,
    }


class VendorService(VendorReads, Service[Vendor, "VendorService.Repo"]):
    class Repo(SQLAlchemyAsyncRepository[Vendor]):
        model_type = Vendor

    repository_type = Repo

    def __init__(self, session: AsyncSession, banks: BankDirectory, **kwargs: Any) -> None:
        super().__init__(session, **kwargs)
        self.banks = banks

    # ----- validation ----------------------------------------------------------------------------------

    def _validated_accounts(
        self,
        accounts: list[PaymentAccountInput],
        holder: str,
        problems: Problems,
        prefix: str = "payment_accounts",
    ) -> list[dict[str, Any]]:
        return check_accounts(self.banks, accounts, holder, problems, prefix)

    async def _check_duplicates(
        self,
        *,
        personal_id: str | None,
        accounts: list[dict[str, Any]],
        phone: str | None,
        market_id: int,
        shares_phone: bool,
        exclude_id: int | None = None,
        account_prefix: str = "payment_accounts",
    ) -> None:
        taken = await TakenValues.load(
            self.session,
            personal_ids=[personal_id] if personal_id else [],
            accounts=[(a["bank_bin"], a["account_number"]) for a in accounts],
            phones=[(market_id, phone)] if phone and not shares_phone else [],
        )
        clashes = taken.clashes(
            personal_id=personal_id,
            accounts=accounts,
            phone=phone,
            market_id=market_id,
            shares_phone=shares_phone,
            exclude_id=exclude_id,
            account_prefix=account_prefix,
        )
        if clashes:
            raise clashes[0].conflict()

    # ----- writing -------------------------------------------------------------------------------------

    async def register_many(self, asks: Sequence[Registration]) -> list[VendorOut | Outcome]:
        """Registers several vendors in this session's transaction and answers each in the API shape, from the
        rows the inserts return. Each ask has its own outcome: its answer, the error it would have had alone,
        or ``WRITE_ALONE`` when it must be written in a transaction of its own (it repeats a value of an
        earlier ask of the batch, or a concurrent writer won a race). Not committed."""
        outcomes = await self._create_many(asks)
        return [
            self._created_answer(ask, outcome) if isinstance(outcome, _Created) else outcome
            for ask, outcome in zip(asks, outcomes, strict=True)
        ]

    async def register(
        self, actor: Actor, data: VendorCreate, *, commit: bool = True
    ) -> tuple[Vendor, list[FieldProblem]]:
        created = await self._create(actor, data)
        vendor = await self.session.get_one(Vendor, created.vendor.id)
        if commit:
            try:
                await self.commit()
            except IntegrityError:
                await self.session.rollback()
                await created.check()
                raise
        return vendor, created.warnings

    async def _create(self, actor: Actor, data: VendorCreate) -> _Created:
        (outcome,) = await self._create_many([Registration(actor, data)])
        if isinstance(outcome, BaseException):
            raise outcome
        assert isinstance(outcome, _Created)  # one ask cannot repeat another
        return outcome

    async def _create_many(self, asks: Sequence[Registration]) -> list[_Created | Outcome]:
        """Checks registrations and inserts their vendors, accounts, first statuses and audit entries, one
        statement per table for the whole batch. An ask fails alone, with the error it would have had alone.

        Core inserts: the ORM's unit of work costs more than the rest of a registration, and nothing here
        needs the objects. Not committed."""
        outcomes: list[_Created | Outcome] = [WRITE_ALONE] * len(asks)
        checked = await self._checked(asks, outcomes)
        taken = await TakenValues.load(
            self.session,
            personal_ids=[c.draft.personal_id for c in checked if c.draft.personal_id],
            accounts=[(a["bank_bin"], a["account_number"]) for c in checked for a in c.draft.accounts],
            phones=[(c.market.id, c.draft.phone) for c in checked if c.draft.phone and not c.draft.shares_phone],
        )
        claimed: set[tuple[Any, ...]] = set()
        kept: list[_Checked] = []
        for c in checked:
            clashes = taken.clashes(
                personal_id=c.draft.personal_id,
                accounts=c.draft.accounts,
                phone=c.draft.phone,
                market_id=c.market.id,
                shares_phone=c.draft.shares_phone,
            )
            keys = c.keys
            if clashes:
                outcomes[c.index] = clashes[0].conflict()
            elif claimed.isdisjoint(keys):
                claimed.update(keys)
                kept.append(c)
            # else: an earlier ask of this batch holds one of its values; written alone, it is answered 409
        if not kept:
            return outcomes
        now = clock.now()
        values, area_codes = await self._vendor_values(kept, now)
        try:
            by_code = {row.code: row for row in (await self.session.execute(_INSERT_VENDOR, values)).all()}
            vendors = [by_code[row_values["code"]] for row_values in values]
            accounts = [
                {"vendor_id": vendor.id, "active": True, **account}
                for c, vendor in zip(kept, vendors, strict=True)
                for account in c.draft.accounts
            ]
            account_rows: dict[int, list[Row[Any]]] = defaultdict(list)
            if accounts:
                for row in (await self.session.execute(_INSERT_ACCOUNTS, accounts)).all():
                    account_rows[row.vendor_id].append(row)
            await self.session.execute(
                _INSERT_STATUS_CHANGE,
                [
                    {
                        "vendor_id": vendor.id,
                        "from_status": None,
                        "to_status": "registered",
                        "at": now,
                        "by_id": c.actor.user_id,
                        "team_id": c.team_id,
                    }
                    for c, vendor in zip(kept, vendors, strict=True)
                ],
            )
            entries: dict[int | None, list[tuple[Actor, AuditRecord]]] = defaultdict(list)
            for c, vendor, row_values in zip(kept, vendors, values, strict=True):
                after = {**_snapshot(row_values), "payment_accounts": c.draft.accounts, "team_id": c.team_id}
                entries[c.actor.user_id].append((c.actor, (vendor.id, c.market.area_id, None, after)))
            for group in entries.values():
                await record_many(self.session, group[0][0], "create", "vendor", [e for _, e in group], at=now)
        except IntegrityError as exc:
            # A concurrent registration of the same person won the race: answer as the checks would have.
            await self.session.rollback()
            if len(kept) > 1:
                return outcomes  # each kept ask is written again alone
            outcomes[kept[0].index] = await _clash_or(kept[0].check(self), exc)
            return outcomes
        for c, vendor in zip(kept, vendors, strict=True):
            names = _MarketNames(c.market.code, c.market.name, area_codes[c.market.id])
            outcomes[c.index] = _Created(vendor, account_rows[vendor.id], c.warnings, partial(c.check, self), names)
        return outcomes

    async def _checked(self, asks: Sequence[Registration], outcomes: list[_Created | Outcome]) -> list[_Checked]:
        """The asks whose own fields, market and team are right; the others get their 400 or 403 in
        ``outcomes``. A batch looks up each (user, market) and (user, team) once."""
        today = clock.today()
        markets: dict[tuple[int | None, int], Market | TrackerError] = {}
        teams: dict[tuple[int | None, int | None], int | ValidationFailed | None] = {}
        checked: list[_Checked] = []
        market_service, team_service = MarketService(self.session), TeamService(self.session)
        for index, ask in enumerate(asks):
            actor, data = ask.actor, ask.data
            draft, problems, warnings = ask.checked(self.banks, today)
            market = await _once(
                markets,
                (actor.user_id, data.market_id),
                partial(market_service.for_write, actor, data.market_id),
                TrackerError,
            )
            if isinstance(market, ValidationFailed):
                problems.extend(market.problems)
            elif isinstance(market, TrackerError):  # outside the actor's area: 403 before any field problem
                outcomes[index] = market
                continue
            elif not market.active:
                problems.add("market_id", MARKET_CLOSED, "inactive")
            team = await _once(
                teams,
                (actor.user_id, data.team_id),
                partial(team_service.team_for_registration, actor, data.team_id),
                ValidationFailed,
            )
            if isinstance(team, ValidationFailed):
                problems.extend(team.problems)
            if problems.items or not isinstance(market, Market) or isinstance(team, ValidationFailed):
                outcomes[index] = ValidationFailed(list(problems.items))
                continue
            checked.append(_Checked(index, actor, draft, market, team, warnings))
        return checked

    async def _vendor_values(
        self, kept: list[_Checked], now: dt.datetime
    ) -> tuple[list[dict[str, Any]], dict[int, str]]:
        """The vendors' rows, with codes taken per market in one UPDATE each, in the order of the asks; and
        the code of each market's area."""
        by_market: dict[int, list[_Checked]] = defaultdict(list)
        for c in kept:
            by_market[c.market.id].append(c)
        codes: dict[int, str] = {}
        area_codes: dict[int, str] = {}
        service = MarketService(self.session)
        for market_id, group in by_market.items():
            taken = await service.take_vendor_codes(group[0].market, len(group))
            codes.update({c.index: code for c, code in zip(group, taken.codes, strict=True)})
            area_codes[market_id] = taken.area_code
        rows = [
            new_vendor_values(
                c.draft,
                code=codes[c.index],
                market_id=c.market.id,
                area_id=c.market.area_id,
                actor_id=c.actor.user_id,
                team_id=c.team_id,
                now=now,
            )
            for c in kept
        ]
        return rows, area_codes

    def _created_answer(self, ask: Registration, created: _Created) -> VendorOut:
        """The API shape of a vendor just created, as ``present`` gives it, without reading the vendor back."""
        row = SimpleNamespace(
            **created.vendor._asdict(),
            market_code=created.market.code,
            market_name=created.market.name,
            area_code=created.market.area_code,
            reprint_due=False,  # no poster has been printed for a vendor registered just now
        )
        items = [[a.id, a.bank_bin, a.account_number, a.account_name, a.is_primary] for a in created.accounts]
        items.sort(key=lambda item: (not item[4], item[0]))  # as ``present`` orders them
        notes = [Problem(field=w.field, code=w.code, message=w.message(ask.lang)) for w in created.warnings]
        accounts = [self._account(ask.actor, item) for item in items]
        return self._vendor(ask.actor, row, accounts, notes)  # type: ignore[arg-type]

    def _phone(self, raw: str, problems: Problems) -> str | None:
        return check_phone(raw, problems)

    def _personal_id(self, raw: str | None, problems: Problems, warnings: list[FieldProblem]) -> str | None:
        return check_personal_id(raw, problems, warnings)

    def _check_version(self, vendor: Vendor, version: int | None) -> None:
        if version is not None and version != vendor.version:
            raise StaleWrite()

    async def _commit_versioned(self) -> None:
        try:
            await self.commit()
        except StaleDataError:
            await self.session.rollback()
            raise StaleWrite() from None

    async def edit(self, actor: Actor, vendor_id: int, data: VendorUpdate) -> tuple[Vendor, list[FieldProblem]]:
        vendor = await self.one(actor, vendor_id)
        self._check_version(vendor, data.version)
        if not vendor.active:
            raise Conflict(
                Text(
                    "Tiểu thương đã ngừng hoạt động; không sửa được.",
                    "The vendor is deactivated and cannot be changed.",
                )
            )
        before = _snapshot(vendor)
        problems = Problems()
        warnings: list[FieldProblem] = []
        if not isinstance(data.full_name, UnsetType):
            vendor.full_name = clean_name(data.full_name)
            vendor.name_search = search_key(vendor.full_name)
        if not isinstance(data.phone, UnsetType):
            vendor.phone = self._phone(data.phone, problems)
        if not isinstance(data.personal_id, UnsetType):
            vendor.personal_id = self._personal_id(data.personal_id, problems, warnings)
        if not isinstance(data.stall, UnsetType):
            vendor.stall = clean_stall(data.stall)
        if not isinstance(data.goods_category, UnsetType):
            vendor.goods_category = data.goods_category
        if not isinstance(data.household_business_no, UnsetType):
            vendor.household_business_no = clean_optional(data.household_business_no)
        if not isinstance(data.allow_duplicate_phone, UnsetType):
            vendor.shares_phone = data.allow_duplicate_phone
        if not isinstance(data.market_id, UnsetType) and data.market_id != vendor.market_id:
            try:
                market = await MarketService(self.session).for_write(actor, data.market_id)
                vendor.market_id = market.id
                vendor.area_id = market.area_id
            except ValidationFailed as exc:
                problems.extend(exc.problems)
        if problems:
            await self.session.rollback()
            problems.raise_if_any()
        vendor.search_text = _search_text(vendor.name_search, vendor.code, vendor.phone)
        await self._check_duplicates(
            personal_id=vendor.personal_id if vendor.personal_id != before["personal_id"] else None,
            accounts=[],
            phone=vendor.phone
            if (vendor.phone, vendor.market_id) != (before["phone"], before["market_id"])
            or vendor.shares_phone != before["shares_phone"]
            else None,
            market_id=vendor.market_id,
            shares_phone=vendor.shares_phone,
            exclude_id=vendor.id,
        )
        old, new = changed(before, _snapshot(vendor))
        if new:
            record(
                self.session,
                actor,
                "update",
                "vendor",
                vendor.id,
                area_id=vendor.area_id,
                before=old,
                after=new,
            )
        await self._commit_versioned()
        return vendor, warnings

    async def change_status(self, actor: Actor, vendor_id: int, data: StatusChange) -> Vendor:
        vendor = await self.one(actor, vendor_id)
        self._check_version(vendor, data.version)
        await self.transition(actor, vendor, data.status, note=data.note)
        await self._commit_versioned()
        return vendor

    async def transition(
        self,
        actor: Actor,
        vendor: Vendor,
        status: str,
        *,
        note: str | None = None,
        team_id: int | None = None,
    ) -> None:
        """Moves the vendor to ``status`` if the transition is allowed; 409 otherwise. Not committed."""
        if not vendor.active:
            raise Conflict(Text("Tiểu thương đã ngừng hoạt động.", "The vendor is deactivated."))
        if status == vendor.status:
            return
        if status not in STATUS_TRANSITIONS.get(vendor.status, frozenset()):
            current, wanted = VENDOR_STATUSES[vendor.status], VENDOR_STATUSES[status]
            raise Conflict(
                Text(
                    f"Không thể chuyển từ “{current.vi}” sang “{wanted.vi}”.",
                    f"Cannot change from “{current.en}” to “{wanted.en}”.",
                ),
                [
                    FieldProblem(
                        "status",
                        Text("Chuyển trạng thái không hợp lệ.", "Invalid status transition."),
                        "invalid_transition",
                        {"allowed": sorted(STATUS_TRANSITIONS[vendor.status])},
                    )
                ],
            )
        if status == "active" and not (await self.accounts_of([vendor.id])).get(vendor.id):
            raise Conflict(
                Text(
                    "Tiểu thương chưa có tài khoản nhận tiền nên chưa thể chuyển sang “đang nhận chuyển khoản”.",
                    "The vendor has no payment account yet, so cannot be marked active.",
                ),
                [
                    FieldProblem(
                        "status",
                        Text("Cần ít nhất một tài khoản.", "At least one account is needed."),
                        "no_account",
                    )
                ],
            )
        now = clock.now()
        before = vendor.status
        vendor.status = status
        vendor.status_changed_at = now
        vendor.status_changed_by_id = actor.user_id
        self.session.add(
            VendorStatusChange(
                vendor_id=vendor.id,
                from_status=before,
                to_status=status,
                at=now,
                by_id=actor.user_id,
                team_id=team_id or vendor.team_id,
                note=note,
            )
        )
        record(
            self.session,
            actor,
            "status",
            "vendor",
            vendor.id,
            area_id=vendor.area_id,
            before={"status": before},
            after={"status": status, "note": note},
            at=now,
        )

    async def deactivate(self, actor: Actor, vendor_id: int, data: Deactivation) -> Vendor:
        vendor = await self.one(actor, vendor_id)
        self._check_version(vendor, data.version)
        if not vendor.active:
            raise Conflict(Text("Tiểu thương đã ngừng hoạt động từ trước.", "The vendor is already deactivated."))
        vendor.active = False
        vendor.deactivated_reason = data.reason.strip()
        vendor.deactivated_at = clock.now()
        record(
            self.session,
            actor,
            "deactivate",
            "vendor",
            vendor.id,
            area_id=vendor.area_id,
            before={"active": True},
            after={"active": False, "reason": vendor.deactivated_reason},
        )
        await self._commit_versioned()
        return vendor

    async def add_account(
        self, actor: Actor, vendor_id: int, data: PaymentAccountInput, version: int | None = None
    ) -> Vendor:
        vendor = await self.one(actor, vendor_id)
        self._check_version(vendor, version)
        problems = Problems()
        (account,) = self._validated_accounts([data], vendor.full_name, problems, prefix="payment_account") or [{}]
        problems.raise_if_any()
        current = (await self.accounts_of([vendor.id])).get(vendor.id, [])
        await self._check_duplicates(
            personal_id=None,
            accounts=[account],
            phone=None,
            market_id=vendor.market_id,
            shares_phone=True,
            account_prefix="payment_account",
        )
        if not current:
            account["is_primary"] = True
        elif data.is_primary:
            for other in current:
                other.is_primary = False
        else:
            account["is_primary"] = False
        self.session.add(PaymentAccount(vendor_id=vendor.id, active=True, **account))
        vendor.updated_at = clock.now()  # bumps the version: the vendor as a whole changed
        record(self.session, actor, "add_account", "vendor", vendor.id, area_id=vendor.area_id, after=account)
        await self._commit_versioned()
        return vendor

    async def remove_account(self, actor: Actor, vendor_id: int, account_id: int) -> Vendor:
        vendor = await self.one(actor, vendor_id)
        account = await self.session.get(PaymentAccount, account_id)
        if account is None or account.vendor_id != vendor.id or not account.active:
            raise NotFound(Text(f"Không tìm thấy tài khoản {account_id}.", f"Account {account_id} not found."))
        account.active = False
        await revoke_for_accounts(self.session, [account.id], "account_removed")
        if account.is_primary:
            account.is_primary = False
            others = (await self.accounts_of([vendor.id])).get(vendor.id, [])
            remaining = [a for a in others if a.id != account.id]
            if remaining:
                remaining[0].is_primary = True
        vendor.updated_at = clock.now()
        record(
            self.session,
            actor,
            "remove_account",
            "vendor",
            vendor.id,
            area_id=vendor.area_id,
            before=_account_snapshot(account),
        )
        await self._commit_versioned()
        return vendor
