"""Vendor registry: registration with duplicate checks, search, updates with versions, status changes."""

from __future__ import annotations

from functools import partial
from typing import Any

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from qr.banks import BankDirectory
from qr.text import fold_ascii
from tracker.accounts.actor import Actor
from tracker.accounts.services import TeamService
from tracker.audit.services import changed, record
from tracker.lib import clock
from tracker.lib.exceptions import (
    Conflict,
    FieldProblem,
    NotFound,
    Problems,
    StaleWrite,
    ValidationFailed,
)
from tracker.lib.i18n import Text
from tracker.lib.identifiers import normalize_account_number, normalize_mobile, normalize_personal_id
from tracker.lib.schema import UnsetType
from tracker.lib.service import Service
from tracker.lib.text import search_key
from vendors.models import PaymentAccount, Vendor, VendorStatusChange
from vendors.reference import STATUS_TRANSITIONS, VENDOR_STATUSES
from vendors.schemas import (
    Deactivation,
    PaymentAccountInput,
    StatusChange,
    VendorCreate,
    VendorUpdate,
)
from vendors.services.markets import MarketService
from vendors.services.vendor_reads import VendorReads

VENDOR = Text("tiểu thương", "Vendor")
OLD_ID_WARNING = Text(
    "Số CMND cũ 9 chữ số: hãy cập nhật số CCCD 12 chữ số khi có thể.",
    "Old 9-digit ID card number: update to the 12-digit CCCD when possible.",
)
ACCOUNT_NAME_MAX = 50


def account_name_for(name: str) -> str:
    """The holder name as banks show it: ASCII, uppercase ("Nguyễn Thị Đào" → "NGUYEN THI DAO")."""
    return fold_ascii(name).upper()[:ACCOUNT_NAME_MAX]


def _search_text(name_search: str, code: str, phone: str | None) -> str:
    return " ".join(p for p in (name_search, code.lower(), phone or "") if p)


def _snapshot(vendor: Vendor) -> dict[str, Any]:
    return {
        "code": vendor.code,
        "full_name": vendor.full_name,
        "phone": vendor.phone,
        "personal_id": vendor.personal_id,
        "market_id": vendor.market_id,
        "stall": vendor.stall,
        "goods_category": vendor.goods_category,
        "household_business_no": vendor.household_business_no,
        "consent_date": vendor.consent_date,
        "status": vendor.status,
        "active": vendor.active,
        "shares_phone": vendor.shares_phone,
    }


def _account_snapshot(account: PaymentAccount) -> dict[str, Any]:
    return {
        "bank_bin": account.bank_bin,
        "account_number": account.account_number,
        "account_name": account.account_name,
        "is_primary": account.is_primary,
    }


def _duplicate(field: str, vi: str, en: str, existing: Vendor | tuple[int, str]) -> Conflict:
    vendor_id, code = (existing.id, existing.code) if isinstance(existing, Vendor) else existing
    return Conflict(
        Text(
            f"{vi} Đã có tiểu thương {code} (id {vendor_id}).",
            f"{en} Vendor {code} (id {vendor_id}) already has it.",
        ),
        [FieldProblem(field, Text(vi, en), "duplicate", {"existing": {"id": vendor_id, "code": code}})],
    )


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
        result: list[dict[str, Any]] = []
        seen: set[tuple[str, str]] = set()
        for index, item in enumerate(accounts):
            where = f"{prefix}[{index}]"
            bank_bin = item.bank_bin.strip()
            if bank_bin not in self.banks:
                problems.add(
                    f"{where}.bank_bin",
                    Text(
                        f"Mã BIN ngân hàng {bank_bin!r} không có trong danh bạ VietQR.",
                        f"Bank BIN {bank_bin!r} is not in the VietQR directory.",
                    ),
                    "unknown_bank",
                )
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
        not_self = Vendor.id != exclude_id if exclude_id is not None else None
        if personal_id:
            query = select(Vendor).where(Vendor.personal_id == personal_id)
            if not_self is not None:
                query = query.where(not_self)
            existing = await self.session.scalar(query)
            if existing:
                raise _duplicate(
                    "personal_id",
                    "Số định danh cá nhân này đã được đăng ký.",
                    "This personal ID is already registered.",
                    existing,
                )
        for index, account in enumerate(accounts):
            account_query = (
                select(Vendor.id, Vendor.code)
                .join(PaymentAccount, PaymentAccount.vendor_id == Vendor.id)
                .where(
                    PaymentAccount.bank_bin == account["bank_bin"],
                    PaymentAccount.account_number == account["account_number"],
                    PaymentAccount.active,
                )
            )
            if not_self is not None:
                account_query = account_query.where(not_self)
            row = (await self.session.execute(account_query)).first()
            if row:
                raise _duplicate(
                    f"{account_prefix}[{index}].account_number",
                    "Tài khoản ngân hàng này đã được đăng ký.",
                    "This bank account is already registered.",
                    (row.id, row.code),
                )
        if phone and not shares_phone:
            query = select(Vendor).where(
                Vendor.market_id == market_id,
                Vendor.phone == phone,
                Vendor.active,
                Vendor.shares_phone.is_(False),
            )
            if not_self is not None:
                query = query.where(not_self)
            existing = await self.session.scalar(query)
            if existing:
                raise _duplicate(
                    "phone",
                    "Số điện thoại này đã có ở chợ này (gia đình dùng chung số: chọn allow_duplicate_phone).",
                    "This phone is already registered in this market (a family sharing a phone: set "
                    "allow_duplicate_phone).",
                    existing,
                )

    # ----- writing -------------------------------------------------------------------------------------

    async def register(self, actor: Actor, data: VendorCreate) -> tuple[Vendor, list[FieldProblem]]:
        problems = Problems()
        warnings: list[FieldProblem] = []
        full_name = " ".join(data.full_name.split())
        phone = self._phone(data.phone, problems)
        personal_id = self._personal_id(data.personal_id, problems, warnings)
        if not data.consent:
            problems.add(
                "consent",
                Text(
                    "Cần có sự đồng ý của tiểu thương để lưu thông tin.",
                    "The vendor's consent is required to keep the data.",
                ),
                "required",
            )
        consent_date = data.consent_date or clock.today()
        if consent_date > clock.today():
            problems.add(
                "consent_date",
                Text("Ngày đồng ý không được ở tương lai.", "The consent date cannot be in the future."),
                "in_future",
            )
        accounts = self._validated_accounts(data.payment_accounts, full_name, problems)
        stall = data.stall.strip().upper()
        try:
            market = await MarketService(self.session).for_write(actor, data.market_id)
        except ValidationFailed as exc:
            problems.extend(exc.problems)
            market = None
        if market is not None and not market.active:
            problems.add("market_id", Text("Chợ này đã ngừng hoạt động.", "This market is closed."), "inactive")
        try:
            team_id = await TeamService(self.session).team_for_registration(actor, data.team_id)
        except ValidationFailed as exc:
            problems.extend(exc.problems)
            team_id = None
        problems.raise_if_any()
        assert market is not None
        check = partial(
            self._check_duplicates,
            personal_id=personal_id,
            accounts=accounts,
            phone=phone,
            market_id=market.id,
            shares_phone=data.allow_duplicate_phone,
        )
        await check()
        now = clock.now()
        code = await MarketService(self.session).next_vendor_code(market)
        name_search = search_key(full_name)
        vendor = Vendor(
            code=code,
            full_name=full_name,
            name_search=name_search,
            search_text=_search_text(name_search, code, phone),
            phone=phone,
            shares_phone=data.allow_duplicate_phone,
            personal_id=personal_id,
            market_id=market.id,
            area_id=market.area_id,
            stall=stall,
            goods_category=data.goods_category,
            household_business_no=(data.household_business_no or "").strip() or None,
            consent_date=consent_date,
            status="registered",
            status_changed_at=now,
            status_changed_by_id=actor.user_id,
            active=True,
            created_by_id=actor.user_id,
            team_id=team_id,
        )
        self.session.add(vendor)
        try:
            await self.session.flush()
            for account in accounts:
                self.session.add(PaymentAccount(vendor_id=vendor.id, active=True, **account))
            self.session.add(
                VendorStatusChange(
                    vendor_id=vendor.id,
                    from_status=None,
                    to_status="registered",
                    at=now,
                    by_id=actor.user_id,
                    team_id=team_id,
                )
            )
            record(
                self.session,
                actor,
                "create",
                "vendor",
                vendor.id,
                area_id=vendor.area_id,
                after={**_snapshot(vendor), "payment_accounts": accounts, "team_id": team_id},
                at=now,
            )
            await self.commit()
        except IntegrityError:
            # Another registration of the same person won the race: answer as the checks would have.
            await self.session.rollback()
            await check()
            raise
        return vendor, warnings

    def _phone(self, raw: str, problems: Problems) -> str | None:
        try:
            return normalize_mobile(raw)
        except ValidationFailed as exc:
            problems.extend(exc.problems)
            return None

    def _personal_id(self, raw: str | None, problems: Problems, warnings: list[FieldProblem]) -> str | None:
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
            vendor.full_name = " ".join(data.full_name.split())
            vendor.name_search = search_key(vendor.full_name)
        if not isinstance(data.phone, UnsetType):
            vendor.phone = self._phone(data.phone, problems)
        if not isinstance(data.personal_id, UnsetType):
            vendor.personal_id = self._personal_id(data.personal_id, problems, warnings)
        if not isinstance(data.stall, UnsetType):
            vendor.stall = data.stall.strip().upper()
        if not isinstance(data.goods_category, UnsetType):
            vendor.goods_category = data.goods_category
        if not isinstance(data.household_business_no, UnsetType):
            vendor.household_business_no = (data.household_business_no or "").strip() or None
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
