"""The read side of the vendor registry: filtered lists, totals, search and the API shape.

Lists are the hottest path of the service (task forces search at the stall, officers page through
their area), so this module works with SQLAlchemy Core rows rather than ORM objects:
- one statement for the page: the ids from the indexes alone, then the rows joined to the market and unit
  codes, with the payment accounts aggregated as JSON per vendor;
- ``total`` from the trigger-kept ``vendor_tallies`` when the filters are those it is keyed by, so that
  no request counts the whole vendors table;
- ``q`` through a substring index: FTS5 trigram on SQLite, pg_trgm on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import msgspec
from sqlalchemy import ColumnElement, Row, Select, and_, exists, func, literal_column, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from qr.banks import BankDirectory
from tracker.accounts.actor import Actor
from tracker.accounts.visibility import shown
from tracker.areas.models import AreaUnit
from tracker.areas.scope import actor_covers, visible_to, within
from tracker.db.changes import ChangeSignal
from tracker.lib.exceptions import FieldProblem, NotFound
from tracker.lib.i18n import Lang, Text
from tracker.lib.memory_cache import GenerationCache
from tracker.lib.pagination import PageParams
from tracker.lib.text import like_escape, search_key
from vendors.models import Market, PaymentAccount, Vendor, VendorStatusChange, VendorTally
from vendors.posters.models import PosterRecord
from vendors.schemas import MarketRef, Problem, StatusHistoryItem
from vendors.schemas import PaymentAccount as PaymentAccountOut
from vendors.schemas import Vendor as VendorOut

SORTS: dict[str, Any] = {
    "id": Vendor.id,
    "code": Vendor.code,
    "full_name": Vendor.name_search,
    "stall": Vendor.stall,
    "created_at": Vendor.created_at,
    "status": Vendor.status,
    "status_changed_at": Vendor.status_changed_at,
}
# Trigram indexes match substrings of three characters or more; shorter terms are checked row by row.
MIN_INDEXED_TERM = 3


def _likely(condition: ColumnElement[bool], share: float | None) -> ColumnElement[bool]:
    """``condition`` with the share of rows it keeps told to SQLite's planner (a no-op when it runs)."""
    if share is None:
        return condition
    # Untyped: a Boolean-typed function would be written ``likelihood(…) = 1`` on SQLite, which no index serves.
    return func.likelihood(condition, literal_column(repr(share)))


@dataclass(frozen=True, slots=True)
class VendorFilters:
    market_id: int | None = None
    area_id: int | None = None
    status: str | None = None
    bank_bin: str | None = None
    goods_category: str | None = None
    team_id: int | None = None
    active: bool | None = True
    q: str | None = None
    sort: str = "-id"

    @property
    def tallied(self) -> bool:
        """Whether ``vendor_tallies`` can answer the total: no filter outside its key."""
        return (
            not (self.q and self.q.strip())
            and self.bank_bin is None
            and self.team_id is None
            and self.goods_category is None
        )


# The vendor's own columns of its API shape: what a list reads and what a registration's insert returns.
ANSWER_COLUMNS = (
    Vendor.id,
    Vendor.code,
    Vendor.full_name,
    Vendor.phone,
    Vendor.personal_id,
    Vendor.market_id,
    Vendor.stall,
    Vendor.goods_category,
    Vendor.household_business_no,
    Vendor.consent_date,
    Vendor.status,
    Vendor.status_changed_at,
    Vendor.active,
    Vendor.deactivated_reason,
    Vendor.team_id,
    Vendor.version,
    Vendor.created_at,
    Vendor.updated_at,
    Vendor.import_id,
)
_PAGE_COLUMNS = (
    *ANSWER_COLUMNS,
    Market.code.label("market_code"),
    Market.name.label("market_name"),
    AreaUnit.code.label("area_code"),
)


def _reprint_due() -> Any:
    """A poster was printed once, but none is live for the vendor's current (primary) account.

    A vendor with no active account (all removed, or consent withdrawn) has nothing to reprint."""
    printed = and_(
        exists().where(PosterRecord.vendor_id == Vendor.id),
        exists().where(PaymentAccount.vendor_id == Vendor.id, PaymentAccount.active),
    )
    live = (
        select(PosterRecord.id)
        .join(PaymentAccount, PaymentAccount.id == PosterRecord.account_id)
        .where(
            PosterRecord.vendor_id == Vendor.id,
            PosterRecord.revoked_at.is_(None),
            PaymentAccount.active,
            PaymentAccount.is_primary,
        )
        .exists()
    )
    return and_(printed, ~live).label("reprint_due")


# SQLite returns the accounts' aggregate as text; msgspec decodes it several times faster than json.
_decode_json = msgspec.json.Decoder().decode


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


class VendorReads:
    session: AsyncSession
    banks: BankDirectory
    # Set by the request's provider: the planner hint of ``_scope_share`` is kept until the next commit.
    changes: ChangeSignal | None = None
    hints: GenerationCache[tuple[float | None]] | None = None

    async def one(self, actor: Actor, vendor_id: int) -> Vendor:
        """A vendor the actor may see; outside its area it does not exist (404)."""
        vendor = await self.session.get(Vendor, vendor_id)
        if vendor is None or not await actor_covers(self.session, actor, vendor.area_id):
            raise NotFound(Text(f"Không tìm thấy tiểu thương {vendor_id}.", f"Vendor {vendor_id} not found."))
        return vendor

    def _search_conditions(self, q: str) -> list[ColumnElement[bool]]:
        terms = search_key(q).split()
        indexed = [t for t in terms if len(t) >= MIN_INDEXED_TERM]
        conditions: list[ColumnElement[bool]] = []
        if indexed and self.session.bind.dialect.name == "sqlite":
            match = " AND ".join(_fts_phrase(t) for t in indexed)
            conditions.append(
                Vendor.id.in_(
                    select(literal_column("rowid"))
                    .select_from(text("vendor_search"))
                    .where(text("vendor_search MATCH :vendor_match").bindparams(vendor_match=match))
                )
            )
            terms = [t for t in terms if len(t) < MIN_INDEXED_TERM]
        # On PostgreSQL the pg_trgm GIN index serves these LIKEs directly.
        conditions += [Vendor.search_text.like(f"%{like_escape(t)}%", escape="\\") for t in terms]
        return conditions

    def _conditions(
        self, actor: Actor, filters: VendorFilters, share: float | None = None
    ) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = [_likely(visible_to(actor, Vendor.area_id), share)]
        if filters.market_id is not None:
            conditions.append(Vendor.market_id == filters.market_id)
        if filters.area_id is not None:
            conditions.append(_likely(within(Vendor.area_id, filters.area_id), share))
        if filters.status:
            conditions.append(Vendor.status == filters.status)
        if filters.goods_category:
            conditions.append(Vendor.goods_category == filters.goods_category)
        if filters.team_id is not None:
            conditions.append(Vendor.team_id == filters.team_id)
        if filters.active is not None:
            conditions.append(Vendor.active.is_(filters.active))
        if filters.bank_bin:
            conditions.append(
                Vendor.id.in_(
                    select(PaymentAccount.vendor_id).where(
                        PaymentAccount.bank_bin == filters.bank_bin, PaymentAccount.active
                    )
                )
            )
        if filters.q:
            conditions += self._search_conditions(filters.q)
        return conditions

    def matching_ids(self, actor: Actor, filters: VendorFilters, share: float | None = None) -> Select[tuple[int]]:
        """The ids of the vendors a list with these filters holds, as a subquery for other domains."""
        return select(Vendor.id).where(and_(*self._conditions(actor, filters, share)))

    async def _scope_share(self, actor: Actor, filters: VendorFilters, column: Any) -> float | None:
        """The share of the register that a newest-first page's area terms keep, for SQLite's planner.

        Without statistics SQLite takes ``area_id IN (…)`` as selective, reads every vendor of the scope
        through the area index and sorts them all for a page of 50: a province of 100,000 vendors costs
        about 250 ms. Told the real share (from the tallies, ``likelihood()``), it walks the primary key
        newest-first instead and stops after the page, when the scope is most of the register; a commune
        keeps the index. ``None``: nothing to tell (no area term, another order, counts not tallied).
        """
        if (
            self.session.bind.dialect.name != "sqlite"
            or column is not Vendor.id
            or not filters.tallied
            or filters.market_id is not None
            or (actor.is_admin and filters.area_id is None)
        ):
            return None
        key = (actor.area_id, actor.role, filters.area_id, filters.status, filters.active)
        generation = self.changes.generation() if self.changes is not None else None
        known = self.hints.get(key, generation) if self.hints is not None else None
        if known is not None:
            return known[0]
        share = await self._measure_share(actor, filters)
        if self.hints is not None:
            self.hints.put(key, generation, (share,))
        return share

    async def _measure_share(self, actor: Actor, filters: VendorFilters) -> float | None:
        everywhere: list[ColumnElement[bool]] = []
        if filters.active is not None:
            everywhere.append(VendorTally.active.is_(filters.active))
        if filters.status:
            everywhere.append(VendorTally.status == filters.status)
        register = select(func.coalesce(func.sum(VendorTally.n), 0)).where(*everywhere).scalar_subquery()
        conn = await self.session.connection()
        kept, total = (await conn.execute(select(self._total_query(actor, filters).scalar_subquery(), register))).one()
        if not total:
            return None
        # One significant digit: the planner needs the magnitude, and few distinct statements stay cached.
        return min(1.0, max(0.0001, float(f"{int(kept) / int(total):.1g}")))

    def _total_query(self, actor: Actor, filters: VendorFilters) -> Select[tuple[int]]:
        """The number of vendors a list with these filters holds (the same conditions as the list)."""
        if filters.tallied:
            tally: list[ColumnElement[bool]] = [visible_to(actor, VendorTally.area_id)]
            if filters.market_id is not None:
                tally.append(VendorTally.market_id == filters.market_id)
            if filters.area_id is not None:
                tally.append(within(VendorTally.area_id, filters.area_id))
            if filters.status:
                tally.append(VendorTally.status == filters.status)
            if filters.active is not None:
                tally.append(VendorTally.active.is_(filters.active))
            return select(func.coalesce(func.sum(VendorTally.n), 0)).where(*tally)
        return select(func.count()).select_from(Vendor).where(*self._conditions(actor, filters))

    async def total(self, actor: Actor, filters: VendorFilters) -> int:
        conn = await self.session.connection()
        return int((await conn.execute(self._total_query(actor, filters))).scalar() or 0)

    def _page_query(self) -> Select[Any]:
        return (
            select(*_PAGE_COLUMNS, _reprint_due())
            .join(Market, Market.id == Vendor.market_id)
            .join(AreaUnit, AreaUnit.id == Vendor.area_id)
        )

    async def search(
        self, actor: Actor, filters: VendorFilters, page: PageParams, lang: Lang = "vi"
    ) -> tuple[list[VendorOut], int]:
        descending = filters.sort.startswith("-")
        column = SORTS[filters.sort.lstrip("-")]
        order = [column.desc() if descending else column.asc()]
        if column is not Vendor.id:
            order.append(Vendor.id.desc() if descending else Vendor.id.asc())
        # One statement: the page's ids from the indexes alone (an uncorrelated subquery with the order
        # and limit), then the joins and the accounts' aggregate only for the rows shown.
        share = await self._scope_share(actor, filters, column)
        ids = (
            self.matching_ids(actor, filters, share)
            .order_by(*order)
            .limit(page.limit)
            .offset(page.offset)
            .correlate(None)
        )
        query = self._page_query().add_columns(self._accounts_column()).where(Vendor.id.in_(ids)).order_by(*order)
        if filters.tallied:
            # The trigger-kept tallies answer the total cheaply, so it rides along in the same statement.
            query = query.add_columns(self._total_query(actor, filters).scalar_subquery().label("total"))
        conn = await self.session.connection()
        rows = list(await conn.execute(query))
        if len(rows) < page.limit and (rows or page.offset == 0):
            total = page.offset + len(rows)  # the last page: what it holds is the rest of the count
        elif rows and filters.tallied:
            total = int(rows[0].total or 0)
        else:
            total = await self.total(actor, filters)
        return [self._vendor_from_row(actor, row, []) for row in rows], total

    async def present(
        self, actor: Actor, vendor_ids: Sequence[int], lang: Lang = "vi", warnings: list[FieldProblem] | None = None
    ) -> list[VendorOut]:
        """The API shape of these vendors, in the given order: one query, accounts aggregated."""
        if not vendor_ids:
            return []
        query = self._page_query().add_columns(self._accounts_column()).where(Vendor.id.in_(vendor_ids))
        conn = await self.session.connection()
        rows = {row.id: row for row in await conn.execute(query)}
        notes = [Problem(field=w.field, code=w.code, message=w.message(lang)) for w in warnings or []]
        return [self._vendor_from_row(actor, rows[i], notes) for i in vendor_ids if i in rows]

    def _accounts_column(self) -> Any:
        """A vendor's active payment accounts as one JSON array of ``[id, bin, number, name, primary]``:
        a correlated aggregate instead of a join that would multiply the page's rows (ordered in Python)."""
        item = func.json_build_array if self.session.bind.dialect.name == "postgresql" else func.json_array
        aggregate = func.json_agg if self.session.bind.dialect.name == "postgresql" else func.json_group_array
        fields = (
            PaymentAccount.id,
            PaymentAccount.bank_bin,
            PaymentAccount.account_number,
            PaymentAccount.account_name,
            PaymentAccount.is_primary,
        )
        return (
            select(aggregate(item(*fields)))
            .where(PaymentAccount.vendor_id == Vendor.id, PaymentAccount.active)
            .scalar_subquery()
            .label("accounts")
        )

    async def accounts_of(self, vendor_ids: Sequence[int]) -> dict[int, list[PaymentAccount]]:
        result: dict[int, list[PaymentAccount]] = defaultdict(list)
        if vendor_ids:
            rows = await self.session.scalars(
                select(PaymentAccount)
                .where(PaymentAccount.vendor_id.in_(vendor_ids), PaymentAccount.active)
                .order_by(PaymentAccount.is_primary.desc(), PaymentAccount.id)
            )
            for account in rows:
                result[account.vendor_id].append(account)
        return result

    def _account(self, actor: Actor, item: list[Any]) -> PaymentAccountOut:
        account_id, bank_bin, number, name, primary = item
        bank = self.banks.get(bank_bin)
        return PaymentAccountOut(
            id=account_id,
            bank_bin=bank_bin,
            bank_code=bank.code if bank else None,
            bank_short_name=bank.short_name if bank else None,
            account_number=shown(actor, number, keep_end=3) or "",
            account_name=name,
            is_primary=bool(primary),
        )

    def _vendor_from_row(self, actor: Actor, row: Row[Any], notes: list[Problem]) -> VendorOut:
        raw = row.accounts
        items = [item for item in (_decode_json(raw) if isinstance(raw, str) else raw) or [] if item[0] is not None]
        items.sort(key=lambda item: (not item[4], item[0]))  # primary first, then in the order added
        return self._vendor(actor, row, [self._account(actor, item) for item in items], notes)

    def _vendor(self, actor: Actor, r: Row[Any], accounts: list[PaymentAccountOut], notes: list[Problem]) -> VendorOut:
        return VendorOut(
            id=r.id,
            code=r.code,
            full_name=r.full_name,
            phone=shown(actor, r.phone),
            personal_id=shown(actor, r.personal_id),
            market_id=r.market_id,
            market=MarketRef(id=r.market_id, code=r.market_code, name=r.market_name),
            area_code=r.area_code,
            stall=r.stall,
            goods_category=r.goods_category,
            household_business_no=r.household_business_no,
            consent_date=r.consent_date,
            status=r.status,
            status_changed_at=r.status_changed_at,
            active=r.active,
            deactivated_reason=r.deactivated_reason,
            team_id=r.team_id,
            version=r.version,
            created_at=r.created_at,
            updated_at=r.updated_at,
            payment_accounts=accounts,
            warnings=notes,
            import_id=r.import_id,
            reprint_due=bool(r.reprint_due),
        )

    async def history(self, actor: Actor, vendor_id: int) -> list[StatusHistoryItem]:
        await self.one(actor, vendor_id)
        rows = await self.session.scalars(
            select(VendorStatusChange).where(VendorStatusChange.vendor_id == vendor_id).order_by(VendorStatusChange.id)
        )
        return [
            StatusHistoryItem(
                from_status=r.from_status,  # type: ignore[arg-type]
                to_status=r.to_status,  # type: ignore[arg-type]
                at=r.at,
                by_id=r.by_id,
                team_id=r.team_id,
                note=r.note,
            )
            for r in rows
        ]


__all__ = ["ANSWER_COLUMNS", "SORTS", "VendorFilters", "VendorReads", "dt"]
