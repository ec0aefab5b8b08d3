"""Importing vendors with their payment accounts.

Each row goes through the API's own checks (``VendorCreate`` and ``check_registration``), then through the
duplicate checks of ``TakenValues`` for the whole file at once. A row is matched to a stored vendor by its
code when it has one, else by market + stall + phone. Blank optional cells keep what is stored.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import anyio.to_thread
from sqlalchemy import insert, select

from tracker.accounts.actor import TASKFORCE
from tracker.accounts.services import TeamService
from tracker.areas.scope import actor_covers
from tracker.audit.services import changed, record_many
from tracker.db.base import table_of
from tracker.imports import Column, ImportKind, RowPlan, SourceRow, TemplateContext, convert_struct
from tracker.lib.exceptions import Conflict, FieldProblem, NotFound, PermissionDenied, StaleWrite
from tracker.lib.i18n import Text
from tracker.lib.pagination import PageParams
from tracker.lib.text import search_key
from vendors.imports.lookups import GOODS_INDEX, BankIndex, MarketIndex, bank_choices, from_choices
from vendors.models import Market, PaymentAccount, Vendor, VendorStatusChange
from vendors.reference import GOODS_CATEGORIES
from vendors.schemas import VendorCreate
from vendors.services.markets import MARKET_CLOSED, UNKNOWN_MARKET, MarketService
from vendors.services.registration import (
    IN_CHUNK,
    TakenValues,
    VendorDraft,
    check_registration,
    new_vendor_values,
    search_text,
    snapshot,
    unknown_bank,
)

YES_NO = ["Có", "Không"]

COLUMNS = (
    Column(
        "full_name",
        Text("Họ và tên", "Full name"),
        Text("Họ tên đầy đủ của tiểu thương, có dấu.", "The vendor's full name."),
        required=True,
        aliases=("Họ tên", "Tên tiểu thương", "Họ và tên tiểu thương", "Tên", "Name"),
        example="Nguyễn Thị Đào",
        width=26,
    ),
    Column(
        "phone",
        Text("Số điện thoại", "Phone"),
        Text(
            "Số di động 10 chữ số, đầu 03, 05, 07, 08 hoặc 09 (+84… cũng được).",
            "A 10-digit mobile number starting 03, 05, 07, 08 or 09 (+84… accepted).",
        ),
        type="digits",
        required=True,
        aliases=("SĐT", "Số ĐT", "Điện thoại", "ĐT", "Di động", "Số di động", "Phone number", "Mobile"),
        example="0905123456",
        personal=True,
        pad=((9, 10),),
        width=15,
    ),
    Column(
        "personal_id",
        Text("Số CCCD", "Personal ID (CCCD)"),
        Text(
            "Số căn cước công dân 12 chữ số (CMND cũ 9 chữ số được nhận, kèm lưu ý). Không bắt buộc.",
            "The 12-digit citizen ID (old 9-digit ID cards accepted with a note). Optional.",
        ),
        type="digits",
        aliases=(
            "CCCD",
            "Căn cước",
            "Số căn cước",
            "Số căn cước công dân",
            "CMND",
            "Số CMND",
            "CCCD/CMND",
            "Số định danh",
            "Số định danh cá nhân",
            "Personal ID",
        ),
        example="049185001234",
        personal=True,
        pad=((11, 12), (8, 9)),
        width=16,
    ),
    Column(
        "market",
        Text("Chợ", "Market"),
        Text(
            "Mã chợ (ví dụ NP) hoặc tên chợ. Có thể bỏ cột này khi chọn chợ lúc nhập.",
            "The market's code (for example NP) or name. May be left out when the market is chosen on import.",
        ),
        required=True,
        aliases=("Mã chợ", "Tên chợ", "Market code"),
        example="NP",
        choices="markets",
        width=22,
    ),
    Column(
        "stall",
        Text("Quầy/Sạp", "Stall"),
        Text("Số hoặc tên quầy, sạp, ki-ốt (tối đa 20 ký tự).", "The stall or kiosk number (20 characters at most)."),
        required=True,
        aliases=("Quầy", "Sạp", "Số sạp", "Số quầy", "Quầy sạp", "Ki ốt", "Kiốt", "Lô", "Vị trí"),
        example="A12",
        width=10,
    ),
    Column(
        "goods_category",
        Text("Ngành hàng", "Goods category"),
        Text(
            "Chọn trong danh sách: " + ", ".join(t.vi for t in GOODS_CATEGORIES.values()) + ".",
            "One of: " + ", ".join(t.en for t in GOODS_CATEGORIES.values()) + ".",
        ),
        required=True,
        aliases=("Nhóm hàng", "Mặt hàng", "Loại hàng", "Ngành hàng kinh doanh", "Mặt hàng kinh doanh"),
        example="Rau củ quả",
        choices="goods_categories",
        width=20,
    ),
    Column(
        "bank",
        Text("Ngân hàng (BIN hoặc tên)", "Bank (BIN or name)"),
        Text(
            "Ngân hàng nhận tiền: chọn trong danh sách, hoặc ghi mã BIN 6 số, mã hay tên viết tắt (VCB, Vietcombank).",
            "The receiving bank: pick from the list, or write its 6-digit BIN, code or short name.",
        ),
        aliases=("Ngân hàng", "Tên ngân hàng", "Mã ngân hàng", "BIN", "Bank"),
        example="Vietcombank — 970436",
        choices="banks",
        width=24,
    ),
    Column(
        "account_number",
        Text("Số tài khoản", "Account number"),
        Text("Số tài khoản nhận tiền, 6–19 chữ số.", "The receiving account number, 6 to 19 digits."),
        type="digits",
        aliases=("STK", "Số TK", "Tài khoản", "Số tài khoản ngân hàng", "Account"),
        example="1012345678",
        personal=True,
        width=20,
    ),
    Column(
        "account_name",
        Text("Tên chủ tài khoản", "Account holder"),
        Text(
            "Tên chủ tài khoản như ngân hàng ghi; bỏ trống thì lấy họ tên tiểu thương.",
            "The holder's name as the bank shows it; blank: the vendor's name.",
        ),
        aliases=("Chủ tài khoản", "Tên tài khoản", "Tên TK", "Account name"),
        example="NGUYEN THI DAO",
        width=22,
    ),
    Column(
        "consent",
        Text("Đồng ý lưu thông tin", "Consent"),
        Text(
            "Tiểu thương đã đồng ý cho lưu thông tin: Có / Không (bắt buộc Có).",
            "Whether the vendor agreed to their data being kept: must be yes (Có).",
        ),
        type="bool",
        required=True,
        aliases=("Đồng ý", "Đã đồng ý", "Đồng ý lưu trữ", "Đồng ý lưu thông tin cá nhân"),
        example="Có",
        choices="yes_no",
        width=12,
    ),
    Column(
        "consent_date",
        Text("Ngày đồng ý", "Consent date"),
        Text("Ngày/tháng/năm, ví dụ 05/03/2025; bỏ trống: hôm nay.", "Day/month/year; blank: today."),
        type="date",
        aliases=("Ngày ký", "Ngày đồng ý lưu thông tin"),
        example=dt.date(2025, 3, 5),
        width=13,
    ),
    Column(
        "code",
        Text("Mã tiểu thương", "Vendor code"),
        Text(
            "Để trống khi đăng ký mới. Ghi mã đã cấp (ví dụ NP-001) để sửa thông tin tiểu thương đó.",
            "Blank for a new vendor; the code given (for example NP-001) to change that vendor.",
        ),
        aliases=("Mã TT", "Mã số tiểu thương", "Vendor code"),
        width=14,
    ),
    Column(
        "household_business_no",
        Text("Số đăng ký hộ kinh doanh", "Household business number"),
        Text("Nếu có.", "If any."),
        aliases=("Số ĐKKD", "ĐKKD", "Số giấy phép kinh doanh", "Giấy phép kinh doanh", "Hộ kinh doanh"),
        width=18,
    ),
    Column(
        "shares_phone",
        Text("Dùng chung số điện thoại", "Shares a phone"),
        Text(
            "Có: người nhà dùng chung một số điện thoại ở cùng chợ.",
            "Yes: family members at the same market share one phone number.",
        ),
        type="bool",
        aliases=("Dùng chung SĐT", "SĐT dùng chung", "Chung SĐT"),
        choices="yes_no",
        width=12,
    ),
)

# The API's field names → this kind's columns (the messages stay the API's).
FIELD_COLUMNS = {
    "market_id": "market",
    "allow_duplicate_phone": "shares_phone",
    "payment_accounts": "account_number",
    "payment_accounts[0]": "account_number",
    "payment_accounts[0].bank_bin": "bank",
    "bank_bin": "bank",
    "payment_accounts[0].account_number": "account_number",
    "payment_accounts[0].account_name": "account_name",
    "payment_accounts[0].is_primary": "bank",
}
# A valid registration, in which each field is tried alone to report every refused field of a row.
_TEMPLATE: dict[str, Any] = {
    "full_name": "A",
    "phone": "0905123456",
    "market_id": 1,
    "stall": "A1",
    "goods_category": "khac",
    "consent": True,
}

NOT_FOUND_CODE = "Không tìm thấy tiểu thương {code}."
REPEATED_ROW = Text("Dòng này lặp lại dòng {row} của tệp.", "This row repeats row {row} of the file.")
REPEATED_VALUE = {
    "personal_id": Text(
        "Số định danh cá nhân này đã có ở dòng {row} của tệp.", "This personal ID is already on row {row} of the file."
    ),
    "account_number": Text(
        "Tài khoản ngân hàng này đã có ở dòng {row} của tệp.", "This bank account is already on row {row} of the file."
    ),
    "phone": Text(
        "Số điện thoại này đã có ở dòng {row} của tệp, cùng chợ.",
        "This phone is already on row {row} of the file, in the same market.",
    ),
}
DEACTIVATED = Text(
    "Tiểu thương đã ngừng hoạt động; không sửa được.", "The vendor is deactivated and cannot be changed."
)


def _to_column(problem: FieldProblem) -> FieldProblem:
    column = FIELD_COLUMNS.get(problem.field, problem.field)
    return FieldProblem(column, problem.message, problem.code, problem.details) if column != problem.field else problem


@dataclass
class Checked:
    """One row after its own checks: the draft, its market and the values the file gives explicitly."""

    draft: VendorDraft | None
    market: Market | None
    code: str | None
    problems: list[FieldProblem]
    warnings: list[FieldProblem]
    given: set[str] = field(default_factory=set)


Stored = Any  # a row of STORED_COLUMNS (or of a payment account's columns)
STORED_COLUMNS = (
    Vendor.id,
    Vendor.code,
    Vendor.version,
    Vendor.active,
    Vendor.area_id,
    *(getattr(Vendor, name) for name in ("full_name", "phone", "market_id", "stall", "goods_category")),
    *(getattr(Vendor, name) for name in ("personal_id", "household_business_no", "consent_date", "shares_phone")),
)


@dataclass
class Change:
    vendor: Stored
    values: dict[str, Any]
    account: dict[str, Any] | None = None  # a new account (made primary)
    rename: Stored | None = None  # an account whose holder name changes
    draft: VendorDraft | None = None


class VendorImport(ImportKind):
    name = "vendors"
    entity = "vendor"
    title = Text("Tiểu thương", "Vendors")
    roles = (TASKFORCE,)
    columns = COLUMNS

    @classmethod
    async def reference_lists(cls, ctx: TemplateContext) -> dict[str, list[str]]:
        markets = await MarketService(ctx.session).search(ctx.actor, PageParams(limit=500, offset=0))
        return {
            "banks": bank_choices(ctx.banks),
            "goods_categories": [t.vi for t in GOODS_CATEGORIES.values()],
            "yes_no": YES_NO,
            "markets": [f"{m.code} — {m.name}" for m in markets[0]],
        }

    def required_columns(self) -> set[str]:
        required = super().required_columns()
        return required - {"market"} if self.ctx.options.market else required

    async def begin(self) -> None:
        ctx = self.ctx
        if ctx.options.market:
            index = await MarketIndex.load(ctx.session, ctx.actor, [ctx.options.market])
            market, _ = index.find(ctx.options.market)
            if market is None:
                raise NotFound(
                    Text(f"Không tìm thấy chợ {ctx.options.market}.", f"Market {ctx.options.market} not found."),
                    [FieldProblem("market", UNKNOWN_MARKET, "unknown_market")],
                )
            if not await actor_covers(ctx.session, ctx.actor, market.area_id):
                raise PermissionDenied(
                    Text(f"Chợ {market.code} nằm ngoài địa bàn của bạn.", f"Market {market.code} is outside your area.")
                )
            if not market.active:
                raise Conflict(MARKET_CLOSED, [FieldProblem("market", MARKET_CLOSED, "inactive")])
            ctx.market_id, ctx.market_code = market.id, market.code
            ctx.areas.add(market.area_id)
            self.default_market: Market | None = market
        else:
            self.default_market = None
        ctx.team_id = await TeamService(ctx.session).team_for_registration(ctx.actor, ctx.options.team_id)

    # ----- planning -----------------------------------------------------------------------------------

    async def plan(self, rows: list[SourceRow]) -> list[RowPlan]:
        ctx = self.ctx
        markets = await MarketIndex.load(
            ctx.session, ctx.actor, {str(r.get("market")) for r in rows if r.get("market") is not None}
        )
        banks = BankIndex(ctx.banks)
        checked = await anyio.to_thread.run_sync(self._check_rows, rows, markets, banks)
        ready = [c for c in checked if c.draft is not None and c.market is not None and not c.problems]
        taken = await TakenValues.load(
            ctx.session,
            personal_ids=[c.draft.personal_id for c in ready if c.draft and c.draft.personal_id],
            accounts=[(a["bank_bin"], a["account_number"]) for c in ready if c.draft for a in c.draft.accounts],
            phones=[(c.market.id, c.draft.phone) for c in ready if c.market and c.draft and c.draft.phone],
        )
        by_code, by_key, accounts = await self._stored(ready)
        visible_areas = await self._visible_areas({v.area_id for v in by_code.values()})
        return self._classify(rows, checked, taken, by_code, by_key, accounts, visible_areas)

    def _check_rows(self, rows: list[SourceRow], markets: MarketIndex, banks: BankIndex) -> list[Checked]:
        out = []
        total = len(rows)
        for position, row in enumerate(rows, start=1):
            out.append(self._check_row(row, markets, banks))
            if position % 500 == 0 or position == total:
                self.ctx.progress("check", position, total)
        return out

    def _check_row(self, row: SourceRow, markets: MarketIndex, banks: BankIndex) -> Checked:
        ctx = self.ctx
        problems = list(row.problems)
        given = {k for k, v in row.values.items() if v is not None}
        payload: dict[str, Any] = {}
        for key in ("full_name", "phone", "stall", "personal_id", "household_business_no"):
            if row.get(key) is not None:
                payload[key] = str(row.get(key))
        if row.get("goods_category") is not None:
            payload["goods_category"] = from_choices(GOODS_INDEX, str(row.get("goods_category")))
        payload["consent"] = bool(row.get("consent"))
        if row.get("consent") is None and "consent" not in {p.field for p in problems}:
            payload.pop("consent")
        if row.get("consent_date") is not None:
            payload["consent_date"] = row.get("consent_date")
        if row.get("shares_phone") is not None:
            payload["allow_duplicate_phone"] = bool(row.get("shares_phone"))
        market: Market | None = None
        cell = row.get("market")
        if cell is not None:
            market, usable = markets.find(str(cell))
            if market is None or not usable:
                problems.append(FieldProblem("market", UNKNOWN_MARKET, "unknown_market"))
                market = None
            elif not market.active:
                problems.append(FieldProblem("market", MARKET_CLOSED, "inactive"))
        elif self.default_market is not None:
            market = self.default_market
        if market is not None:
            payload["market_id"] = market.id
        elif cell is not None:
            payload["market_id"] = 0  # reported above
        account: dict[str, Any] = {}
        if row.get("bank") is not None:
            raw_bank = str(row.get("bank"))
            bank_bin = banks.resolve(raw_bank)
            if bank_bin is None:
                problems.append(FieldProblem("bank", unknown_bank(raw_bank), "unknown_bank"))
                bank_bin = next(iter(ctx.banks)).bin
            account["bank_bin"] = bank_bin
        if row.get("account_number") is not None:
            account["account_number"] = str(row.get("account_number"))
        if row.get("account_name") is not None:
            account["account_name"] = str(row.get("account_name"))
        if account:
            payload["payment_accounts"] = [account]
        data, struct_problems, _ = convert_struct(VendorCreate, payload, _TEMPLATE)
        faulty = {p.field for p in problems}
        problems += [p for p in (_to_column(q) for q in struct_problems) if p.field not in faulty]
        code = str(row.get("code")).strip().upper() if row.get("code") is not None else None
        if data is None:
            return Checked(None, market, code, problems, [], given)
        draft, own, warnings = check_registration(data, ctx.banks, ctx.today)
        refused = {p.field for p in problems}
        problems += [p for p in (_to_column(q) for q in own.items) if p.field not in refused]
        return Checked(draft, market, code, problems, [_to_column(w) for w in warnings], given)

    async def _stored(
        self, ready: list[Checked]
    ) -> tuple[dict[str, Stored], dict[tuple[int, str, str], list[Stored]], dict[int, list[Stored]]]:
        """The stored vendors the rows may name (by code, or by market + stall + phone) and their accounts, as
        plain rows: only the vendors that change are loaded as models, when written."""
        session = self.ctx.session
        codes = sorted({c.code for c in ready if c.code})
        by_code: dict[str, Stored] = {}
        for start in range(0, len(codes), IN_CHUNK):
            found = await session.execute(
                select(*STORED_COLUMNS).where(Vendor.code.in_(codes[start : start + IN_CHUNK]))
            )
            for vendor in found:
                by_code[vendor.code] = vendor
        keyed = [c for c in ready if not c.code and c.draft and c.market and c.draft.phone]
        phones = sorted({c.draft.phone for c in keyed if c.draft and c.draft.phone})
        market_ids = sorted({c.market.id for c in keyed if c.market})
        by_key: dict[tuple[int, str, str], list[Stored]] = defaultdict(list)
        for start in range(0, len(phones), IN_CHUNK):
            found = await session.execute(
                select(*STORED_COLUMNS)
                .where(
                    Vendor.market_id.in_(market_ids),
                    Vendor.phone.in_(phones[start : start + IN_CHUNK]),
                    Vendor.active,
                )
                .order_by(Vendor.id)
            )
            for vendor in found:
                by_key[(vendor.market_id, vendor.stall, vendor.phone or "")].append(vendor)
        ids = sorted({v.id for v in by_code.values()} | {v.id for vs in by_key.values() for v in vs})
        accounts: dict[int, list[Stored]] = defaultdict(list)
        for start in range(0, len(ids), IN_CHUNK):
            found = await session.execute(
                select(
                    PaymentAccount.id,
                    PaymentAccount.vendor_id,
                    PaymentAccount.bank_bin,
                    PaymentAccount.account_number,
                    PaymentAccount.account_name,
                )
                .where(PaymentAccount.vendor_id.in_(ids[start : start + IN_CHUNK]), PaymentAccount.active)
                .order_by(PaymentAccount.is_primary.desc(), PaymentAccount.id)
            )
            for account in found:
                accounts[account.vendor_id].append(account)
        return by_code, by_key, accounts

    async def _visible_areas(self, area_ids: set[int]) -> set[int]:
        ctx = self.ctx
        return {a for a in area_ids if await actor_covers(ctx.session, ctx.actor, a)}

    def _classify(
        self,
        rows: list[SourceRow],
        checked: list[Checked],
        taken: TakenValues,
        by_code: dict[str, Stored],
        by_key: dict[tuple[int, str, str], list[Stored]],
        accounts: dict[int, list[Stored]],
        visible_areas: set[int],
    ) -> list[RowPlan]:
        plans: list[RowPlan] = []
        seen_target: dict[tuple[Any, ...], int] = {}
        seen_value: dict[tuple[Any, ...], tuple[int, tuple[Any, ...]]] = {}
        for row, check in zip(rows, checked, strict=True):
            plan = RowPlan(row=row, status="error", problems=list(check.problems), warnings=list(check.warnings))
            plans.append(plan)
            draft, market = check.draft, check.market
            if plan.problems or draft is None or market is None:
                continue
            target: Stored | None = None
            if check.code:
                target = by_code.get(check.code)
                if target is None or target.area_id not in visible_areas:
                    message = NOT_FOUND_CODE.format(code=check.code)
                    plan.problems.append(
                        FieldProblem("code", Text(message, f"Vendor {check.code} not found."), "unknown_code")
                    )
                    continue
            else:
                candidates = by_key.get((market.id, draft.stall, draft.phone or ""), [])
                target = candidates[0] if candidates else None
            if target is not None:
                plan.record_id, plan.record_code = target.id, target.code
            target_key: tuple[Any, ...] = ("id", target.id) if target else ("new", market.id, draft.stall, draft.phone)
            if target_key in seen_target:
                plan.status = "duplicate"
                plan.problems.append(
                    FieldProblem(
                        "code" if check.code else "phone",
                        REPEATED_ROW.format(row=seen_target[target_key]),
                        "repeated_row",
                        _existing(target),
                    )
                )
                continue
            repeats = self._repeats(row.number, draft, market, target_key, seen_value)
            clashes = taken.clashes(
                personal_id=draft.personal_id,
                accounts=draft.accounts,
                phone=draft.phone,
                market_id=market.id,
                shares_phone=draft.shares_phone,
                exclude_id=target.id if target else None,
            )
            if repeats or clashes:
                plan.status = "duplicate"
                plan.problems += repeats
                for clash in clashes:
                    conflict = clash.conflict()
                    plan.problems.append(
                        _to_column(
                            FieldProblem(clash.field, conflict.message, "duplicate", conflict.problems[0].details)
                        )
                    )
                continue
            seen_target[target_key] = row.number
            self.ctx.areas.add(market.area_id)
            if target is None:
                plan.status = "created"
                plan.work = (draft, market)
                continue
            change = self._change(target, draft, market, check.given, accounts.get(target.id, []))
            if change is None:
                plan.status = "unchanged"
            elif not target.active:
                plan.problems.append(FieldProblem("code", DEACTIVATED, "deactivated"))
            else:
                plan.status = "updated"
                plan.work = change
        return plans

    def _repeats(
        self,
        number: int,
        draft: VendorDraft,
        market: Market,
        target_key: tuple[Any, ...],
        seen: dict[tuple[Any, ...], tuple[int, tuple[Any, ...]]],
    ) -> list[FieldProblem]:
        keys: list[tuple[str, tuple[Any, ...]]] = []
        if draft.personal_id:
            keys.append(("personal_id", ("personal_id", draft.personal_id)))
        for account in draft.accounts:
            keys.append(("account_number", ("account", account["bank_bin"], account["account_number"])))
        if draft.phone and not draft.shares_phone:
            keys.append(("phone", ("phone", market.id, draft.phone)))
        found = []
        for column, key in keys:
            earlier = seen.get(key)
            if earlier is not None and earlier[1] != target_key:
                found.append(FieldProblem(column, REPEATED_VALUE[column].format(row=earlier[0]), "repeated_in_file"))
        if not found:
            for _, key in keys:
                seen.setdefault(key, (number, target_key))
        return found

    def _change(
        self, vendor: Stored, draft: VendorDraft, market: Market, given: set[str], stored: list[Stored]
    ) -> Change | None:
        wanted: dict[str, Any] = {
            "full_name": draft.full_name,
            "phone": draft.phone,
            "market_id": market.id,
            "stall": draft.stall,
            "goods_category": draft.goods_category,
        }
        if "personal_id" in given:
            wanted["personal_id"] = draft.personal_id
        if "household_business_no" in given:
            wanted["household_business_no"] = draft.household_business_no
        if "consent_date" in given:
            wanted["consent_date"] = draft.consent_date
        if "shares_phone" in given:
            wanted["shares_phone"] = draft.shares_phone
        values = {k: v for k, v in wanted.items() if getattr(vendor, k) != v}
        change = Change(vendor=vendor, values=values, draft=draft)
        if draft.accounts:
            account = draft.accounts[0]
            same = next(
                (
                    a
                    for a in stored
                    if (a.bank_bin, a.account_number) == (account["bank_bin"], account["account_number"])
                ),
                None,
            )
            if same is None:
                change.account = account
            elif "account_name" in given and same.account_name != account["account_name"]:
                change.rename = same
                change.account = account
        if not values and change.account is None:
            return None
        return change

    # ----- writing ------------------------------------------------------------------------------------

    async def apply(self, plans: list[RowPlan]) -> None:
        created = [p for p in plans if p.status == "created"]
        updated = [p for p in plans if p.status == "updated"]
        if created:
            await self._create(created)
        if updated:
            await self._update(updated)

    async def _create(self, plans: list[RowPlan]) -> None:
        ctx = self.ctx
        session = ctx.session
        assert ctx.import_id is not None
        by_market: dict[int, list[RowPlan]] = defaultdict(list)
        markets: dict[int, Market] = {}
        for plan in plans:
            _, market = plan.work
            by_market[market.id].append(plan)
            markets[market.id] = market
        service = MarketService(session)
        rows: list[dict[str, Any]] = []
        for market_id, group in by_market.items():
            codes = (await service.take_vendor_codes(markets[market_id], len(group))).codes
            for plan, code in zip(group, codes, strict=True):
                draft, market = plan.work
                values = new_vendor_values(
                    draft,
                    code=code,
                    market_id=market.id,
                    area_id=market.area_id,
                    actor_id=ctx.actor.user_id,
                    team_id=ctx.team_id,
                    now=ctx.now,
                )
                values.update(import_id=ctx.import_id, version=1, created_at=ctx.now, updated_at=ctx.now)
                rows.append(values)
                plan.record_code = code
        ids: dict[str, int] = {}
        for start in range(0, len(rows), 1000):
            result = await session.execute(
                insert(table_of(Vendor)).returning(table_of(Vendor).c.id, table_of(Vendor).c.code),
                rows[start : start + 1000],
            )
            ids.update({code: vendor_id for vendor_id, code in result.tuples()})
        done = 0
        account_rows: list[dict[str, Any]] = []
        history: list[dict[str, Any]] = []
        audit: list[tuple[int | None, int | None, dict[str, Any] | None, dict[str, Any] | None]] = []
        for plan, values in zip((p for g in by_market.values() for p in g), rows, strict=True):
            draft, market = plan.work
            vendor_id = ids[values["code"]]
            plan.record_id = vendor_id
            for account in draft.accounts:
                account_rows.append(
                    {"vendor_id": vendor_id, "active": True, "created_at": ctx.now, "updated_at": ctx.now, **account}
                )
            history.append(
                {
                    "vendor_id": vendor_id,
                    "from_status": None,
                    "to_status": "registered",
                    "at": ctx.now,
                    "by_id": ctx.actor.user_id,
                    "team_id": ctx.team_id,
                }
            )
            after = {
                **snapshot(values),
                "payment_accounts": draft.accounts,
                "team_id": ctx.team_id,
                "import_id": ctx.import_id,
            }
            audit.append((vendor_id, market.area_id, None, after))
            done += 1
        # Core inserts (the ORM's bulk path adds nothing here and costs a third of the time).
        if account_rows:
            await session.execute(insert(table_of(PaymentAccount)), account_rows)
        await session.execute(insert(table_of(VendorStatusChange)), history)
        await record_many(session, ctx.actor, "create", "vendor", audit, at=ctx.now)
        ctx.progress("save", done, len(plans))

    async def _update(self, plans: list[RowPlan]) -> None:
        ctx = self.ctx
        session = ctx.session
        audit: list[tuple[int | None, int | None, dict[str, Any] | None, dict[str, Any] | None]] = []
        markets: dict[int, Market] = {}
        ids = sorted(p.work.vendor.id for p in plans)
        loaded: dict[int, Vendor] = {}
        for start in range(0, len(ids), IN_CHUNK):
            for model in await session.scalars(select(Vendor).where(Vendor.id.in_(ids[start : start + IN_CHUNK]))):
                loaded[model.id] = model
        for plan in plans:
            change: Change = plan.work
            vendor = loaded[change.vendor.id]
            if vendor.version != change.vendor.version:
                raise StaleWrite()
            before = snapshot(vendor)
            for key, value in change.values.items():
                setattr(vendor, key, value)
            if "market_id" in change.values:
                market = markets.get(vendor.market_id) or await session.get(Market, vendor.market_id)
                assert market is not None
                markets[market.id] = market
                vendor.area_id = market.area_id
            if "full_name" in change.values:
                vendor.name_search = search_key(vendor.full_name)
            vendor.search_text = search_text(vendor.name_search, vendor.code, vendor.phone)
            vendor.import_id = ctx.import_id
            vendor.updated_at = ctx.now  # the vendor changed as a whole: its version moves on
            old, new = changed(before, snapshot(vendor))
            if change.account is not None:
                if change.rename is not None:
                    renamed = await session.get(PaymentAccount, change.rename.id)
                    assert renamed is not None
                    old["account_name"] = renamed.account_name
                    renamed.account_name = change.account["account_name"]
                    new["account_name"] = change.account["account_name"]
                else:
                    stored = await session.scalars(
                        select(PaymentAccount).where(PaymentAccount.vendor_id == vendor.id, PaymentAccount.active)
                    )
                    for other in stored:
                        other.is_primary = False
                    session.add(
                        PaymentAccount(
                            vendor_id=vendor.id,
                            active=True,
                            **{**change.account, "is_primary": True},
                        )
                    )
                    new["payment_account"] = change.account
            new["import_id"] = ctx.import_id
            audit.append((vendor.id, vendor.area_id, old, new))
        await session.flush()
        await record_many(session, ctx.actor, "update", "vendor", audit, at=ctx.now)


def _existing(vendor: Stored | None) -> dict[str, Any]:
    return {"existing": {"id": vendor.id, "code": vendor.code}} if vendor is not None else {}


__all__ = ["VendorImport"]
