"""HTTP endpoints of VietQR posters and QR reading; the service does the work."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.status_codes import HTTP_200_OK

import qr
from tracker.accounts.actor import OFFICER, TASKFORCE, Actor
from tracker.accounts.auth import requires
from tracker.accounts.visibility import sees_personal_data
from tracker.lib.exceptions import FieldProblem, ValidationFailed
from tracker.lib.i18n import Text
from tracker.lib.ids import MAX_ID, PathId
from tracker.lib.routes import get, post
from vendors.posters.models import PosterRecord
from vendors.posters.photos import MAX_PHOTO_BYTES
from vendors.posters.schemas import BankOut, DecodedQR, DecodeInput, MarketLayout, Poster, PosterSize
from vendors.posters.service import PosterService

Amount = Annotated[
    int | None, QueryParameter(ge=1, lt=qr.MAX_AMOUNT, description="Số tiền cố định (đồng) / fixed amount")
]
AccountId = Annotated[
    int | None, QueryParameter(ge=1, le=MAX_ID, description="Tài khoản (mặc định: tài khoản chính) / account")
]
Size = Annotated[PosterSize, QueryParameter(description="Khổ giấy / paper size")]


def poster_out(row: PosterRecord, actor: Actor) -> Poster:
    """An issued poster; its QR payload holds the account number, so only roles that see account numbers
    in full receive it (``tracker/accounts/visibility.py``)."""
    return Poster(
        id=row.id,
        vendor_id=row.vendor_id,
        account_id=row.account_id,
        payload=row.payload if sees_personal_data(actor) else None,
        format=row.format,  # type: ignore[arg-type]
        size=row.size,  # type: ignore[arg-type]
        amount=row.amount,
        issued_at=row.issued_at,
        issued_by_id=row.issued_by_id,
        downloads=row.downloads,
        posted_at=row.posted_at,
        posted_by_id=row.posted_by_id,
        revoked_at=row.revoked_at,
        revoked_reason=row.revoked_reason,
        live=row.revoked_at is None,
    )


def decoded_out(code: qr.ParsedVietQR) -> DecodedQR:
    return DecodedQR(
        payload=code.payload,
        bank=BankOut(bin=code.bank.bin, code=code.bank.code, short_name=code.bank.short_name, name=code.bank.name),
        account_number=code.account,
        service=code.service.value,
        is_card=code.is_card,
        account_name=code.merchant_name,
        merchant_city=code.merchant_city,
        amount=code.amount,
        purpose=code.purpose,
    )


def _file(content: bytes, name: str, media_type: str, poster_ids: list[int]) -> Response[bytes]:
    return Response(
        content=content,
        media_type=media_type,
        headers={
            "Content-Disposition": f'inline; filename="{name}"',
            "X-Poster-Ids": ",".join(str(i) for i in poster_ids[:200]),
            "Cache-Control": "no-store",
        },
    )


# Printing a poster records it and may move the vendor's status: the roles that edit vendors.
PRINTS = [requires(TASKFORCE)]


class PosterController(Controller):
    path = "/api"
    tags = ["Áp phích VietQR / VietQR posters"]
    guards = [requires(OFFICER, TASKFORCE)]

    async def _vendor_poster(
        self,
        actor: Actor,
        service: PosterService,
        vendor_id: int,
        fmt: str,
        size: str,
        account: int | None,
        amount: int | None,
    ) -> Response[bytes]:
        content, row = await service.render_vendor_poster(actor, vendor_id, size, fmt, account, amount)
        media = "application/pdf" if fmt == "pdf" else "image/png"
        return _file(content, f"vietqr-{vendor_id}-{size}.{fmt}", media, [row.id])

    @get("/vendors/{vendor_id:int}/poster.png", operation_id="vendor_poster_png", guards=PRINTS, media_type="image/png")
    async def poster_png(
        self,
        vendor_id: PathId,
        actor: NamedDependency[Actor],
        poster_service: NamedDependency[PosterService],
        size: Size = "A6",
        account: AccountId = None,
        amount: Amount = None,
    ) -> Response[bytes]:
        """Áp phích VietQR của tiểu thương (PNG). A vendor's VietQR poster as PNG; recorded as issued."""
        return await self._vendor_poster(actor, poster_service, vendor_id, "png", size, account, amount)

    @get(
        "/vendors/{vendor_id:int}/poster.pdf",
        operation_id="vendor_poster_pdf",
        guards=PRINTS,
        media_type="application/pdf",
    )
    async def poster_pdf(
        self,
        vendor_id: PathId,
        actor: NamedDependency[Actor],
        poster_service: NamedDependency[PosterService],
        size: Size = "A6",
        account: AccountId = None,
        amount: Amount = None,
    ) -> Response[bytes]:
        """Áp phích VietQR của tiểu thương (PDF). A vendor's VietQR poster as vector PDF; recorded as issued."""
        return await self._vendor_poster(actor, poster_service, vendor_id, "pdf", size, account, amount)

    @get("/vendors/{vendor_id:int}/posters", operation_id="vendor_posters")
    async def history(
        self, vendor_id: PathId, actor: NamedDependency[Actor], poster_service: NamedDependency[PosterService]
    ) -> list[Poster]:
        """Các áp phích đã in, mới nhất trước. Posters issued for the vendor, newest first."""
        return [poster_out(r, actor) for r in await poster_service.history(actor, vendor_id)]

    @post(
        "/vendors/{vendor_id:int}/posters/{poster_id:int}/posted",
        operation_id="mark_poster_posted",
        guards=PRINTS,
        status_code=HTTP_200_OK,
    )
    async def posted(
        self,
        vendor_id: PathId,
        poster_id: PathId,
        actor: NamedDependency[Actor],
        poster_service: NamedDependency[PosterService],
    ) -> Poster:
        """Đã dán áp phích tại quầy. The poster hangs at the stall."""
        return poster_out(await poster_service.mark_posted(actor, vendor_id, poster_id), actor)

    @get(
        "/markets/{market_id:int}/posters.pdf",
        operation_id="market_posters_pdf",
        guards=PRINTS,
        media_type="application/pdf",
    )
    async def market_pdf(
        self,
        market_id: PathId,
        actor: NamedDependency[Actor],
        poster_service: NamedDependency[PosterService],
        layout: Annotated[
            MarketLayout, QueryParameter(description="page: mỗi trang một áp phích; sheet: 4 A6 trên tờ A4")
        ] = "page",
        size: Size = "A6",
    ) -> Response[bytes]:
        """Áp phích cả chợ theo thứ tự quầy. A market's posters in stall order, one PDF."""
        content, rows = await poster_service.render_market(actor, market_id, layout, size)
        code = await poster_service.market_code(actor, market_id)
        return _file(content, f"vietqr-{code}-{layout}.pdf", "application/pdf", [r.id for r in rows])

    @get(
        "/markets/{market_id:int}/posters.zip",
        operation_id="market_posters_zip",
        guards=PRINTS,
        media_type="application/zip",
    )
    async def market_zip(
        self,
        market_id: PathId,
        actor: NamedDependency[Actor],
        poster_service: NamedDependency[PosterService],
        size: Size = "A6",
    ) -> Response[bytes]:
        """Ảnh PNG áp phích cả chợ, đặt tên theo quầy. A ZIP of the market's PNG posters named by stall."""
        content, rows = await poster_service.render_market_zip(actor, market_id, size)
        code = await poster_service.market_code(actor, market_id)
        return _file(content, f"vietqr-{code}.zip", "application/zip", [r.id for r in rows])


class QRController(Controller):
    path = "/api/qr"
    tags = ["Áp phích VietQR / VietQR posters"]
    guards = [requires(OFFICER, TASKFORCE)]

    @post(
        "/decode",
        operation_id="decode_qr",
        status_code=HTTP_200_OK,
        request_max_body_size=MAX_PHOTO_BYTES + 1024 * 1024,
    )
    async def decode(
        self, request: Request[Any, Any, Any], poster_service: NamedDependency[PosterService]
    ) -> DecodedQR:
        """Đọc mã VietQR: JSON {"payload": …} hoặc ảnh chụp (multipart, trường file).
        Read a VietQR code from JSON {"payload": …} or a photo upload (multipart field ``file``)."""
        content_type = request.headers.get("content-type", "")
        if content_type.startswith("multipart/form-data"):
            form = await request.form()
            upload = form.get("file")
            if upload is None or isinstance(upload, str):
                raise ValidationFailed([FieldProblem("file", Text("Thiếu ảnh.", "The photo is missing."), "missing")])
            return decoded_out(poster_service.decode_photo(await upload.read()))
        try:
            data = msgspec.json.decode(await request.body(), type=DecodeInput)
        except msgspec.ValidationError as exc:
            raise ValidationFailed(
                [FieldProblem("payload", Text(f"Không hợp lệ: {exc}", f"Invalid: {exc}"), "invalid")]
            ) from None
        except msgspec.DecodeError:
            raise ValidationFailed(
                [
                    FieldProblem(
                        "payload",
                        Text(
                            'Gửi JSON {"payload": "…"} hoặc ảnh (multipart, trường file).',
                            'Send JSON {"payload": "…"} or a photo (multipart, field file).',
                        ),
                        "invalid_body",
                    )
                ]
            ) from None
        return decoded_out(poster_service.decode_payload(data.payload))

    @get("/banks", operation_id="list_qr_banks")
    async def banks(
        self,
        poster_service: NamedDependency[PosterService],
        q: Annotated[
            str | None, QueryParameter(max_length=60, description="Tên ngắn, mã hoặc BIN, không dấu cũng được")
        ] = None,
    ) -> list[BankOut]:
        """Danh bạ ngân hàng VietQR. The VietQR bank directory, searchable by short name, code or BIN."""
        return [
            BankOut(bin=b.bin, code=b.code, short_name=b.short_name, name=b.name)
            for b in poster_service.search_banks(q)
        ]
