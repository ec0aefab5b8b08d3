"""Vendor pages of the task force: list and search, register at the stall, the vendor's page with its
VietQR poster (print, share, mark posted) and its cashless status. Every rule is the vendor services'."""

from __future__ import annotations

import re
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from qr.banks import BankDirectory
from tracker.accounts.actor import OFFICER, TASKFORCE, Actor
from tracker.accounts.auth import requires
from tracker.areas.services import AreaService
from tracker.lib import clock
from tracker.lib.exceptions import FieldProblem, TrackerError, ValidationFailed
from tracker.lib.http_errors import translate_validation_message
from tracker.lib.i18n import Text
from tracker.lib.ids import MAX_ID
from tracker.lib.pagination import PageParams
from tracker.lib.routes import get, post
from tracker.web.csrf import csrf_protect
from tracker.web.render import lang_of, page, redirect_to
from vendors.posters.service import PosterService
from vendors.reference import GOODS_CATEGORIES, STATUS_TRANSITIONS, VENDOR_STATUSES
from vendors.schemas import StatusChange, VendorCreate, VendorStatus
from vendors.services import MarketService, VendorFilters, VendorService, check_registration

PER_PAGE = 20
VendorId = FromPath[Annotated[int, msgspec.Meta(ge=1, le=MAX_ID)]]
PosterSize = Annotated[str, QueryParameter(pattern="^(A6|A5|A4)$")]

# The registration form's fields (names as in the API, one payment account flattened).
TEXT_FIELDS = (
    "full_name",
    "phone",
    "market_id",
    "stall",
    "goods_category",
    "personal_id",
    "household_business_no",
    "bank_bin",
    "account_number",
    "account_name",
)
REQUIRED = ("full_name", "phone", "market_id", "stall", "goods_category", "bank_bin", "account_number")
REQUIRED_TEXT = Text("Hãy điền ô này.", "Please fill in this field.")
NOT_SAVED = Text(
    "Chưa lưu. Hãy sửa các ô được đánh dấu bên dưới; những gì đã nhập vẫn còn nguyên.",
    "Not saved. Correct the marked fields below; what you typed is kept.",
)
NO_POSTER = Text(
    "Chưa có áp phích nào còn hiệu lực; hãy in áp phích trước.", "No valid poster yet; print the poster first."
)
_ACCOUNT_FIELD = re.compile(r"^payment_accounts(?:\[\d+\])?\.?")
_MSGSPEC_PATH = re.compile(r"at `\$\.(?P<field>[a-z_]+)")


def form_field(api_field: str) -> str:
    """The page's field for a problem the service named: ``payment_accounts[0].bank_bin`` → ``bank_bin``."""
    name = _ACCOUNT_FIELD.sub("", api_field) or "account_number"
    return name if name in TEXT_FIELDS or name in ("consent", "consent_date") else "form"


def field_errors(problems: list[FieldProblem], lang: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    for problem in problems:
        name = form_field(problem.field)
        message = problem.message("en" if lang == "en" else "vi")
        errors[name] = f"{errors[name]} {message}" if name in errors else message
    return errors


def bank_label(short_name: str, code: str, bank_bin: str) -> str:
    """How a bank reads in the list: short name, code (when it differs) and BIN, all searchable."""
    parts = [short_name] + ([code] if code.casefold() != short_name.casefold() else []) + [bank_bin]
    return " · ".join(parts)


def _text(form: Any, name: str) -> str:
    value = form.get(name)
    return value.strip()[:200] if isinstance(value, str) else ""


# Stand-ins for empty required fields, so that the service's checks of the filled-in ones still run and
# every problem shows at once; problems of a stand-in are dropped (its field already says "required").
_STAND_INS = {
    "full_name": "-",
    "phone": "0900000000",
    "market_id": "1",
    "stall": "-",
    "goods_category": "khac",
    "bank_bin": "-",
    "account_number": "0",
}


def registration_from(
    values: dict[str, str], checks: dict[str, bool], banks: BankDirectory
) -> tuple[VendorCreate, list[FieldProblem]]:
    """The API's input built from the form, and the problems found without the database: missing fields
    here, everything else by the service's own ``check_registration``."""
    missing = {name for name in REQUIRED if not values[name]}
    problems = [FieldProblem(name, REQUIRED_TEXT, "required") for name in REQUIRED if name in missing]
    if values["market_id"] and not values["market_id"].isdigit():
        problems.append(FieldProblem("market_id", REQUIRED_TEXT, "required"))
        missing.add("market_id")
    if values["goods_category"] and values["goods_category"] not in GOODS_CATEGORIES:
        problems.append(FieldProblem("goods_category", REQUIRED_TEXT, "required"))
        missing.add("goods_category")
    filled = {name: _STAND_INS[name] if name in missing else value for name, value in values.items()}
    account = {"bank_bin": filled["bank_bin"], "account_number": filled["account_number"], "is_primary": True}
    if filled["account_name"]:
        account["account_name"] = filled["account_name"]
    raw = {
        "full_name": filled["full_name"],
        "phone": filled["phone"],
        "market_id": int(filled["market_id"]),
        "stall": filled["stall"],
        "goods_category": filled["goods_category"],
        "consent": checks["consent"],
        "personal_id": filled["personal_id"] or None,
        "household_business_no": filled["household_business_no"] or None,
        "payment_accounts": [account],
        "allow_duplicate_phone": checks["allow_duplicate_phone"],
    }
    try:
        data = msgspec.convert(raw, VendorCreate)
    except msgspec.ValidationError as exc:
        match = _MSGSPEC_PATH.search(str(exc))
        problems.append(translate_validation_message(str(exc), match["field"] if match else None))
        raise ValidationFailed(problems) from None
    _, found, _ = check_registration(data, banks, clock.today())
    problems += [p for p in found.items if form_field(p.field) not in missing]
    return data, problems


def _poster_file(content: bytes, name: str, media_type: str) -> Response[bytes]:
    return Response(
        content=content,
        media_type=media_type,
        headers={"Content-Disposition": f'inline; filename="{name}"', "Cache-Control": "no-store"},
    )


class VendorPages(Controller):
    path = "/vendors"
    include_in_schema = False
    guards = [requires(OFFICER, TASKFORCE), csrf_protect]

    # ----- list ------------------------------------------------------------------------------------------

    @get("/", name="vendor_list")
    async def vendor_list(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        vendor_service: NamedDependency[VendorService],
        market_service: NamedDependency[MarketService],
        area_service: NamedDependency[AreaService],
        q: Annotated[str | None, QueryParameter(max_length=100)] = None,
        market_id: Annotated[int | None, QueryParameter(ge=1, le=MAX_ID)] = None,
        area: Annotated[str | None, QueryParameter(max_length=20)] = None,
        status: Annotated[VendorStatus | None, QueryParameter()] = None,
        offset: Annotated[int, QueryParameter(ge=0, le=1_000_000)] = 0,
    ) -> Template:
        markets, _ = await market_service.search(actor, PageParams(limit=200, offset=0))
        areas = await area_service.present(await area_service.by_ids(m.area_id for m in markets))
        area_id = (await area_service.resolve(area)).id if area else None
        filters = VendorFilters(market_id=market_id, area_id=area_id, status=status, q=q or None)
        lang = lang_of(request)
        vendors, total = await vendor_service.search(actor, filters, PageParams(PER_PAGE, offset), lang)
        return page(
            request,
            "vendors/list.html",
            vendors=vendors,
            total=total,
            offset=offset,
            per_page=PER_PAGE,
            markets=markets,
            areas=areas,
            q=q or "",
            market_id=market_id,
            area=area or "",
            status=status or "",
            statuses=VENDOR_STATUSES,
        )

    # ----- registration ----------------------------------------------------------------------------------

    async def _form(
        self,
        request: Request[Any, Any, Any],
        actor: Actor,
        market_service: MarketService,
        *,
        values: dict[str, str],
        checks: dict[str, bool],
        errors: dict[str, str],
        status_code: int = 200,
        duplicate_phone: bool = False,
    ) -> Template:
        markets, _ = await market_service.search(actor, PageParams(limit=200, offset=0))
        if not values.get("market_id") and len(markets) == 1:
            values = {**values, "market_id": str(markets[0].id)}
        banks = sorted(request.app.state.banks, key=lambda b: b.short_name.casefold())
        lang = lang_of(request)
        return page(
            request,
            "vendors/new.html",
            status_code=status_code,
            values=values,
            checks=checks,
            errors=errors,
            market_options=[(m.id, m.name) for m in markets],
            bank_options=[(b.bin, bank_label(b.short_name, b.code, b.bin)) for b in banks],
            category_options=[(key, label(lang)) for key, label in GOODS_CATEGORIES.items()],
            not_saved=NOT_SAVED if errors else None,
            duplicate_phone=duplicate_phone,
        )

    @get("/new", name="vendor_new", guards=[requires(TASKFORCE)])
    async def new_vendor(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        market_service: NamedDependency[MarketService],
    ) -> Template:
        values = dict.fromkeys(TEXT_FIELDS, "")
        checks = {"consent": False, "allow_duplicate_phone": False}
        return await self._form(request, actor, market_service, values=values, checks=checks, errors={})

    @post("/new", name="vendor_register", guards=[requires(TASKFORCE)])
    async def register(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        vendor_service: NamedDependency[VendorService],
        market_service: NamedDependency[MarketService],
    ) -> Template | Redirect:
        form = await request.form()
        values = {name: _text(form, name) for name in TEXT_FIELDS}
        checks = {name: form.get(name) == "on" for name in ("consent", "allow_duplicate_phone")}
        lang = lang_of(request)
        try:
            data, problems = registration_from(values, checks, vendor_service.banks)
            if problems:
                raise ValidationFailed(problems)
            vendor, warnings = await vendor_service.register(actor, data)
        except TrackerError as exc:
            # The form comes back filled in, with each message next to its field.
            await vendor_service.session.rollback()
            errors = field_errors(exc.problems, lang) or {"form": exc.message(lang)}
            if "form" in errors and exc.problems:
                errors["form"] = exc.message(lang)
            return await self._form(
                request,
                actor,
                market_service,
                values=values,
                checks=checks,
                errors=errors,
                status_code=exc.status_code,
                duplicate_phone=any(p.field == "phone" and p.code == "duplicate" for p in exc.problems),
            )
        done = Text(f"Đã đăng ký tiểu thương {vendor.code}.", f"Vendor {vendor.code} registered.")
        for warning in warnings:
            done = Text(f"{done.vi} {warning.message.vi}", f"{done.en} {warning.message.en}")
        return redirect_to(request, f"/vendors/{vendor.id}?registered=1", flash=done)

    # ----- one vendor ------------------------------------------------------------------------------------

    @get("/{vendor_id:int}", name="vendor_page")
    async def vendor_page(
        self,
        request: Request[Any, Any, Any],
        vendor_id: VendorId,
        actor: NamedDependency[Actor],
        vendor_service: NamedDependency[VendorService],
        registered: Annotated[int | None, QueryParameter(ge=0, le=1)] = None,
    ) -> Template:
        lang = lang_of(request)
        vendor = await vendor_service.one(actor, vendor_id)
        (out,) = await vendor_service.present(actor, [vendor.id], lang)
        history = await vendor_service.history(actor, vendor.id)
        banks = request.app.state.banks
        poster_rows = list(await PosterService(vendor_service.session, banks).history(actor, vendor.id))
        may_edit = actor.has_role(TASKFORCE)
        # The poster shown below is issued as the page loads it (as the API's download is): the status moves
        # to "QR issued" by itself, so that is not offered as a button.
        issues_poster = may_edit and out.active and bool(out.payment_accounts) and out.status == "registered"
        transitions = sorted(STATUS_TRANSITIONS[out.status] - ({"qr_issued"} if issues_poster else set()))
        return page(
            request,
            "vendors/detail.html",
            vendor=out,
            history=history,
            posters=poster_rows,
            live_poster=next((p for p in poster_rows if p.revoked_at is None), None),
            may_edit=may_edit,
            issues_poster=issues_poster,
            transitions=transitions,
            statuses=VENDOR_STATUSES,
            categories=GOODS_CATEGORIES,
            bank_names={b.bin: b.short_name for b in banks},
            clear_draft=bool(registered),
        )

    @get("/{vendor_id:int}/poster.png", name="vendor_poster_png", guards=[requires(TASKFORCE)])
    async def poster_png(
        self,
        vendor_id: VendorId,
        actor: NamedDependency[Actor],
        poster_service: NamedDependency[PosterService],
        size: PosterSize = "A6",
    ) -> Response[bytes]:
        """The vendor's VietQR poster as an image; recorded as issued, as the API's download is."""
        content, _ = await poster_service.render_vendor_poster(actor, vendor_id, size, "png")
        return _poster_file(content, f"vietqr-{vendor_id}-{size}.png", "image/png")

    @get("/{vendor_id:int}/poster.pdf", name="vendor_poster_pdf", guards=[requires(TASKFORCE)])
    async def poster_pdf(
        self,
        vendor_id: VendorId,
        actor: NamedDependency[Actor],
        poster_service: NamedDependency[PosterService],
        size: PosterSize = "A6",
    ) -> Response[bytes]:
        content, _ = await poster_service.render_vendor_poster(actor, vendor_id, size, "pdf")
        return _poster_file(content, f"vietqr-{vendor_id}-{size}.pdf", "application/pdf")

    @post("/{vendor_id:int}/posted", name="vendor_poster_posted", guards=[requires(TASKFORCE)])
    async def posted(
        self,
        request: Request[Any, Any, Any],
        vendor_id: VendorId,
        actor: NamedDependency[Actor],
        poster_service: NamedDependency[PosterService],
    ) -> Redirect:
        """The newest valid poster now hangs at the stall."""
        rows = await poster_service.history(actor, vendor_id)
        live = next((row for row in rows if row.revoked_at is None), None)
        if live is None:
            return redirect_to(request, f"/vendors/{vendor_id}", flash=NO_POSTER)
        await poster_service.mark_posted(actor, vendor_id, live.id)
        return redirect_to(
            request, f"/vendors/{vendor_id}", flash=Text("Đã ghi nhận: áp phích đã dán.", "Recorded: poster posted.")
        )

    @post("/{vendor_id:int}/status", name="vendor_status", guards=[requires(TASKFORCE)])
    async def change_status(
        self,
        request: Request[Any, Any, Any],
        vendor_id: VendorId,
        actor: NamedDependency[Actor],
        vendor_service: NamedDependency[VendorService],
    ) -> Redirect:
        # The buttons send the wanted status only: showing the poster may itself have moved the vendor to
        # "QR issued" (and its version on) since the page was drawn. The service still refuses a change
        # the current status does not allow.
        form = await request.form()
        version = _text(form, "version")
        try:
            change = msgspec.convert(
                {"status": _text(form, "status"), "version": int(version) if version.isdigit() else None},
                StatusChange,
            )
        except msgspec.ValidationError:
            raise ValidationFailed(
                [FieldProblem("status", Text("Trạng thái không hợp lệ.", "Not a valid status."), "not_allowed")]
            ) from None
        try:
            vendor = await vendor_service.change_status(actor, vendor_id, change)
        except TrackerError as exc:
            if exc.status_code != 409:
                raise
            return redirect_to(request, f"/vendors/{vendor_id}", flash=exc.message)
        label = VENDOR_STATUSES[vendor.status]
        return redirect_to(
            request,
            f"/vendors/{vendor_id}",
            flash=Text(f"Đã chuyển trạng thái: {label.vi}.", f"Status changed: {label.en}."),
        )


__all__ = ["VendorPages"]
