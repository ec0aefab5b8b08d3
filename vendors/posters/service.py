"""Issuing VietQR posters for vendors: render, record, reuse, mark posted; a whole market at once.

HTTP stays in the controller: server-rendered pages call the same methods with the signed-in actor.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

import qr
from qr.banks import BankDirectory
from tracker.accounts.actor import Actor
from tracker.audit.services import record
from tracker.db.counters import add_one
from tracker.lib import clock
from tracker.lib.exceptions import Conflict, FieldProblem, NotFound, ValidationFailed
from tracker.lib.i18n import Text
from tracker.lib.service import Service
from vendors.models import Market, PaymentAccount, Vendor
from vendors.posters.models import PosterRecord
from vendors.posters.photos import read_qr_texts
from vendors.services import MarketService, VendorService

SIZES: dict[str, qr.PageSize] = {"A6": qr.A6, "A5": qr.A5, "A4": qr.A4}
LAYOUTS = {"page": qr.BatchLayout.ONE_PER_PAGE, "sheet": qr.BatchLayout.FOUR_A6_PER_A4}
NO_ACCOUNT = Text(
    "Tiểu thương chưa có tài khoản nhận tiền; hãy thêm tài khoản trước khi in mã.",
    "The vendor has no payment account; add one before printing a code.",
)
NO_POSTERS = Text(
    "Chợ chưa có tiểu thương nào có tài khoản nhận tiền để in mã.",
    "No vendor of this market has a payment account to print.",
)


def _field_error(field: str, message: Text, code: str) -> ValidationFailed:
    return ValidationFailed([FieldProblem(field, message, code)])


def qr_problem(field: str, error: qr.QRError) -> ValidationFailed:
    """A ``qr`` refusal as a 400 naming the request field it concerns."""
    return ValidationFailed(
        [FieldProblem(field, Text(error.vi, error.en), error.code, {"tag": error.tag} if error.tag else {})]
    )


@dataclass(frozen=True, slots=True)
class _Issue:
    vendor: Vendor
    account: PaymentAccount
    market: Market
    poster: qr.PosterData


class PosterService(Service[PosterRecord, "PosterService.Repo"]):
    class Repo(SQLAlchemyAsyncRepository[PosterRecord]):
        model_type = PosterRecord

    repository_type = Repo

    def __init__(
        self, session: AsyncSession, banks: BankDirectory, *, read_session: AsyncSession | None = None, **kwargs: Any
    ) -> None:
        super().__init__(session, **kwargs)
        self.banks = banks
        self.vendors = VendorService(session, banks)
        # Where a downloaded poster is drawn before it is recorded (SQLite; see render_vendor_poster).
        self.read_session = read_session

    # ----- building a poster ---------------------------------------------------------------------------

    def payload_for(self, vendor: Vendor, account: PaymentAccount, amount: int | None = None) -> str:
        try:
            return qr.encode(
                qr.VietQR(
                    bin=account.bank_bin,
                    account=account.account_number,
                    amount=amount,
                    purpose=f"Thanh toan {vendor.code}",
                    merchant_name=account.account_name,
                ),
                directory=self.banks,
            )
        except qr.PaymentInputError as exc:
            raise qr_problem("amount" if exc.code.startswith("amount") else "account", exc) from None

    def _poster(self, vendor: Vendor, account: PaymentAccount, market: Market, payload: str) -> qr.PosterData:
        return qr.PosterData.from_payload(
            payload,
            account_holder=account.account_name,
            vendor_name=vendor.full_name,
            vendor_code=vendor.code,
            market_name=market.name,
            stall=vendor.stall,
            directory=self.banks,
        )

    async def _account(self, vendor: Vendor, account_id: int | None) -> PaymentAccount:
        accounts = (await self.vendors.accounts_of([vendor.id])).get(vendor.id, [])
        if not accounts:
            raise _field_error("account", NO_ACCOUNT, "no_account")
        if account_id is None:
            return accounts[0]  # primary first
        for account in accounts:
            if account.id == account_id:
                return account
        raise _field_error(
            "account",
            Text(
                f"Tài khoản {account_id} không phải tài khoản đang dùng của tiểu thương này.",
                f"Account {account_id} is not a current account of this vendor.",
            ),
            "unknown_account",
        )

    async def _record(
        self,
        actor: Actor,
        vendor: Vendor,
        account: PaymentAccount,
        payload: str,
        fmt: str,
        size: str,
        amount: int | None,
    ) -> PosterRecord:
        """The live record of this poster, reused on a re-download, or a new one; not committed."""
        existing = await self.session.scalar(
            select(PosterRecord)
            .where(
                PosterRecord.vendor_id == vendor.id,
                PosterRecord.account_id == account.id,
                PosterRecord.format == fmt,
                PosterRecord.size == size,
                PosterRecord.payload == payload,
                PosterRecord.revoked_at.is_(None),
            )
            .order_by(PosterRecord.id.desc())
            .limit(1)
        )
        if existing is not None:
            downloads = await add_one(self.session, PosterRecord.downloads, existing.id)
            set_committed_value(existing, "downloads", downloads)
            return existing
        now = clock.now()
        poster = PosterRecord(
            vendor_id=vendor.id,
            account_id=account.id,
            area_id=vendor.area_id,
            payload=payload,
            format=fmt,
            size=size,
            amount=amount,
            issued_at=now,
            issued_by_id=actor.user_id,
            downloads=1,
        )
        self.session.add(poster)
        await self.session.flush()
        record(
            self.session,
            actor,
            "issue_poster",
            "vendor",
            vendor.id,
            area_id=vendor.area_id,
            after={"poster_id": poster.id, "account_id": account.id, "format": fmt, "size": size, "amount": amount},
            at=now,
        )
        if vendor.status == "registered":
            await self.vendors.transition(actor, vendor, "qr_issued", note=f"poster {poster.id}")
        return poster

    def _issuable(self, vendor: Vendor) -> None:
        if not vendor.active:
            raise Conflict(
                Text("Tiểu thương đã ngừng hoạt động; không in mã.", "The vendor is deactivated; no poster is printed.")
            )

    # ----- one vendor ----------------------------------------------------------------------------------

    async def render_vendor_poster(
        self,
        actor: Actor,
        vendor_id: int,
        size: str = "A6",
        fmt: str = "png",
        account_id: int | None = None,
        amount: int | None = None,
    ) -> tuple[bytes, PosterRecord]:
        """The poster of one vendor's account (primary unless ``account_id``), recorded as issued."""
        drawn: tuple[qr.PosterData, bytes] | None = None
        if self.read_session is not None:
            # Drawn from a read snapshot first, so that the write transaction (SQLite's one write lock) lasts
            # for reading the vendor again and recording the poster, not for drawing it.
            early = PosterService(self.read_session, self.banks)
            drawn = await early._draw(actor, vendor_id, size, fmt, account_id, amount)
            await self.read_session.rollback()
        vendor, account, payload, poster = await self._poster_of(actor, vendor_id, account_id, amount)
        # Without a snapshot, or when the vendor changed in between, what is recorded is drawn now.
        content = drawn[1] if drawn is not None and drawn[0] == poster else self._render(poster, size, fmt)
        row = await self._record(actor, vendor, account, payload, fmt, size, amount)
        await self.commit()
        return content, row

    async def _poster_of(
        self, actor: Actor, vendor_id: int, account_id: int | None, amount: int | None
    ) -> tuple[Vendor, PaymentAccount, str, qr.PosterData]:
        vendor = await self.vendors.one(actor, vendor_id)
        self._issuable(vendor)
        account = await self._account(vendor, account_id)
        market = await self.session.get_one(Market, vendor.market_id)
        payload = self.payload_for(vendor, account, amount)
        return vendor, account, payload, self._poster(vendor, account, market, payload)

    async def _draw(
        self, actor: Actor, vendor_id: int, size: str, fmt: str, account_id: int | None, amount: int | None
    ) -> tuple[qr.PosterData, bytes]:
        *_, poster = await self._poster_of(actor, vendor_id, account_id, amount)
        return poster, self._render(poster, size, fmt)

    @staticmethod
    def _render(poster: qr.PosterData, size: str, fmt: str) -> bytes:
        page = SIZES[size]
        try:
            return qr.render_pdf(poster, page) if fmt == "pdf" else qr.render_png(poster, page)
        except qr.PosterError as exc:
            raise qr_problem("size", exc) from None

    async def history(self, actor: Actor, vendor_id: int) -> list[PosterRecord]:
        await self.vendors.one(actor, vendor_id)
        rows = await self.session.scalars(
            select(PosterRecord).where(PosterRecord.vendor_id == vendor_id).order_by(PosterRecord.id.desc())
        )
        return list(rows)

    async def mark_posted(self, actor: Actor, vendor_id: int, poster_id: int) -> PosterRecord:
        """The task force hung this poster at the stall."""
        vendor = await self.vendors.one(actor, vendor_id)
        poster = await self.session.get(PosterRecord, poster_id)
        if poster is None or poster.vendor_id != vendor.id:
            raise NotFound(Text(f"Không tìm thấy áp phích {poster_id}.", f"Poster {poster_id} not found."))
        if poster.revoked_at is not None:
            raise Conflict(
                Text(
                    "Áp phích này đã bị thu hồi (tài khoản đã đổi); hãy in áp phích mới.",
                    "This poster was revoked (its account changed); print a new one.",
                ),
                [FieldProblem("poster_id", Text("Đã thu hồi.", "Revoked."), "revoked")],
            )
        if poster.posted_at is None:
            now = clock.now()
            poster.posted_at = now
            poster.posted_by_id = actor.user_id
            record(
                self.session,
                actor,
                "poster_posted",
                "vendor",
                vendor.id,
                area_id=vendor.area_id,
                after={"poster_id": poster.id},
                at=now,
            )
            await self.commit()
        return poster

    # ----- a whole market ------------------------------------------------------------------------------

    async def _market_issues(self, actor: Actor, market_id: int, amount: int | None = None) -> list[_Issue]:
        market = await MarketService(self.session).one(actor, market_id)
        vendors = list(
            await self.session.scalars(
                select(Vendor).where(Vendor.market_id == market.id, Vendor.active).order_by(Vendor.stall, Vendor.id)
            )
        )
        accounts = await self.vendors.accounts_of([v.id for v in vendors])
        issues = []
        for vendor in vendors:
            if vendor.id in accounts:
                account = accounts[vendor.id][0]
                payload = self.payload_for(vendor, account, amount)
                issues.append(_Issue(vendor, account, market, self._poster(vendor, account, market, payload)))
        if not issues:
            raise _field_error("market_id", NO_POSTERS, "no_posters")
        return issues

    async def render_market(
        self, actor: Actor, market_id: int, layout: str = "page", size: str = "A6"
    ) -> tuple[bytes, list[PosterRecord]]:
        """One PDF of a market's posters in stall order (``sheet``: four A6 per A4 with cut marks)."""
        if layout == "sheet" and size != "A6":
            raise _field_error(
                "size",
                Text(
                    "Khổ “sheet” in 4 áp phích A6 trên một tờ A4; hãy chọn size=A6.", "A sheet holds four A6 posters."
                ),
                "sheet_is_a6",
            )
        issues = await self._market_issues(actor, market_id)
        try:
            content = qr.render_batch_pdf(
                [i.poster for i in issues], size=SIZES[size], layout=LAYOUTS[layout], title=issues[0].market.name
            )
        except qr.PosterError as exc:
            raise qr_problem("size", exc) from None
        return content, await self._record_all(actor, issues, "pdf", size)

    async def render_market_zip(
        self, actor: Actor, market_id: int, size: str = "A6"
    ) -> tuple[bytes, list[PosterRecord]]:
        """A ZIP of the market's PNG posters, named by stall."""
        issues = await self._market_issues(actor, market_id)
        try:
            content = qr.render_batch_zip([i.poster for i in issues], size=SIZES[size])
        except qr.PosterError as exc:
            raise qr_problem("size", exc) from None
        return content, await self._record_all(actor, issues, "png", size)

    async def _record_all(self, actor: Actor, issues: Sequence[_Issue], fmt: str, size: str) -> list[PosterRecord]:
        rows = [await self._record(actor, i.vendor, i.account, i.poster.payload, fmt, size, None) for i in issues]
        await self.commit()
        return rows

    async def market_code(self, actor: Actor, market_id: int) -> str:
        return (await MarketService(self.session).one(actor, market_id)).code

    async def market_by_code(self, actor: Actor, code: str) -> int:
        market_id = await self.session.scalar(select(Market.id).where(Market.code == code.strip().upper()))
        if market_id is None:
            raise _field_error("market", Text(f"Không có chợ {code}.", f"No market {code}."), "unknown_market")
        await MarketService(self.session).one(actor, market_id)
        return market_id

    # ----- reading QR codes ----------------------------------------------------------------------------

    def decode_payload(self, payload: str) -> qr.ParsedVietQR:
        try:
            return qr.parse(payload, directory=self.banks)
        except qr.PayloadError as exc:
            problems = qr.validate(payload, directory=self.banks) or [exc.problem]
            raise ValidationFailed(
                [FieldProblem("payload", Text(p.vi, p.en), p.code, {"tag": p.tag}) for p in problems],
                Text(exc.vi, exc.en),
            ) from None

    def decode_photo(self, data: bytes) -> qr.ParsedVietQR:
        """The VietQR code in a photo (a bank's sticker): the first code found that reads as one."""
        texts = read_qr_texts(data)
        if not texts:
            raise _field_error(
                "file",
                Text("Không tìm thấy mã QR trong ảnh; hãy chụp gần và rõ hơn.", "No QR code found in the photo."),
                "no_qr",
            )
        for candidate in texts:
            try:
                return qr.parse(candidate, directory=self.banks)
            except qr.PayloadError:
                continue
        return self.decode_payload(texts[0])

    def search_banks(self, q: str | None) -> list[qr.Bank]:
        return list(self.banks.search(q)) if q and q.strip() else sorted(self.banks, key=lambda b: b.short_name)


__all__ = ["LAYOUTS", "SIZES", "PosterService", "qr_problem"]
