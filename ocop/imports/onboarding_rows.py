"""Importing onboarding records (task forces): one per subject (an OCOP product, a producer's shop or a
market vendor, named by its code) and platform. A stored record's stage only moves forward, through the
legal transitions, each step kept in its history as if walked through the API."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select

from ocop.imports.lookups import IN_CHUNK, REPEATED_ROW, choice_index, from_choices, text_of
from ocop.models import Producer, Product
from ocop.scope import visible
from tracker.accounts.actor import TASKFORCE
from tracker.accounts.services import TeamService
from tracker.areas.scope import visible_to
from tracker.audit.services import changed, record
from tracker.imports import Column, ImportKind, RowPlan, SourceRow, TemplateContext, convert_struct
from tracker.lib.exceptions import FieldProblem, Problems, ValidationFailed
from tracker.lib.i18n import Text
from tracker.lib.text import search_key
from tracker.onboarding.models import Onboarding, OnboardingEvent, Platform
from tracker.onboarding.platforms import rules_of
from tracker.onboarding.reference import LIVE, SHOP_STAGES, STAGES, TRANSITIONS
from tracker.onboarding.schemas import OnboardingCreate
from tracker.onboarding.services.onboardings import (
    NEEDS_LISTING,
    check_initial_stage,
    checked_evidence,
    invalid_transition,
    item_taken,
    onboarding_snapshot,
)
from tracker.onboarding.services.subjects import Subject, Subjects
from tracker.onboarding.urls import ParsedUrl, Rules, parse_url
from vendors.models import Vendor

COLUMNS = (
    Column(
        "subject",
        Text("Mã đối tượng", "Subject code"),
        Text(
            "Mã sản phẩm OCOP (CT00001-01), mã chủ thể cho gian hàng (CT00001) hoặc mã tiểu thương (NP-042).",
            "An OCOP product's code, a producer's code (its shop) or a market vendor's code.",
        ),
        required=True,
        aliases=("Mã sản phẩm", "Mã SP", "Mã chủ thể", "Mã tiểu thương", "Đối tượng", "Subject"),
        example="CT00001-01",
        width=16,
    ),
    Column(
        "platform",
        Text("Sàn", "Platform"),
        Text("Sàn thương mại điện tử: Shopee, Lazada, Tiki, Postmart...", "The e-commerce platform."),
        required=True,
        aliases=("Sàn TMĐT", "Sàn thương mại điện tử", "Nền tảng", "Platform"),
        example="Postmart",
        choices="platforms",
        width=16,
    ),
    Column(
        "stage",
        Text("Bước", "Stage"),
        Text(
            "Một trong: " + "; ".join(t.vi for t in STAGES.values()) + ". Chỉ đi tới, theo đúng thứ tự các bước.",
            "One of: " + "; ".join(t.en for t in STAGES.values()) + ". Moves forward only.",
        ),
        required=True,
        aliases=("Giai đoạn", "Trạng thái", "Tình trạng", "Stage"),
        example="Sản phẩm đang bán",
        choices="stages",
        width=22,
    ),
    Column(
        "shop_url",
        Text("Địa chỉ gian hàng", "Shop URL"),
        Text("https://... của gian hàng trên sàn. Không bắt buộc.", "The shop's https:// address. Optional."),
        aliases=("Link gian hàng", "Gian hàng", "Shop URL", "Shop"),
        width=36,
    ),
    Column(
        "listing_url",
        Text("Địa chỉ sản phẩm", "Listing URL"),
        Text("https://... của sản phẩm trên sàn; cần từ bước “Đã gửi sản phẩm”.", "The listing's address."),
        aliases=("Link sản phẩm", "Đường dẫn sản phẩm", "Listing URL", "Listing"),
        example="https://postmart.vn/p/banh-trang-phu-chiem-123456.html",
        width=40,
    ),
    Column(
        "evidence_url",
        Text("Minh chứng", "Evidence"),
        Text("Địa chỉ ảnh chụp hoặc trang làm minh chứng. Không bắt buộc.", "An evidence address. Optional."),
        aliases=("Link minh chứng", "Evidence URL", "Evidence"),
        width=30,
    ),
    Column(
        "reason",
        Text("Lý do từ chối", "Rejection reason"),
        Text("Bắt buộc khi bước là “Sản phẩm bị từ chối”.", "Required for a rejected listing."),
        aliases=("Lý do", "Reason"),
        width=24,
    ),
    Column("note", Text("Ghi chú", "Note"), Text("Không bắt buộc.", "Optional."), aliases=("Note",), width=24),
)
STAGE_INDEX = choice_index(STAGES)
# Where each stage stands on the way to a live listing: a row may move a record only to a later (or, for a
# rejected listing resubmitted, an equal) standing, never back.
STANDING = {
    "planned": 0,
    "account_created": 1,
    "shop_pending": 2,
    "shop_active": 3,
    "listing_submitted": 4,
    "listing_rejected": 4,
    "listing_live": 5,
    "delisted": 6,
}
_TEMPLATE: dict[str, Any] = {"platform": "shopee", "product_id": 1, "stage": "planned"}
UNKNOWN_SUBJECT = Text(
    "Không có sản phẩm, chủ thể hay tiểu thương mang mã này trong địa bàn của bạn.",
    "No product, producer or vendor with this code in your area.",
)
UNKNOWN_PLATFORM = Text("Sàn không tồn tại.", "Unknown platform.")
REASON_NEEDED = Text("Cần ghi lý do sàn từ chối.", "Give the reason the platform rejected the listing.")
LISTING_NEEDED = Text("Cần địa chỉ sản phẩm trên sàn.", "The listing address is needed.")


def forward_path(current: str, wanted: str, subject_kind: str) -> list[str] | None:
    """The shortest walk of legal stage changes from ``current`` to ``wanted`` that never goes back."""
    if STANDING[wanted] < STANDING[current]:
        return None
    allowed = SHOP_STAGES if subject_kind == "producer" else frozenset(STAGES)
    queue: deque[list[str]] = deque([[current]])
    while queue:
        path = queue.popleft()
        for step in sorted(TRANSITIONS[path[-1]] & allowed):
            if step in path or (STANDING[step] < STANDING[path[-1]] and path[-1] != "listing_rejected"):
                continue
            if step == wanted:
                return [*path[1:], step]
            queue.append([*path, step])
    return None


@dataclass
class Checked:
    subject: Subject
    platform: Platform
    stage: str
    shop: ParsedUrl | None
    listing: ParsedUrl | None
    evidence: str | None
    reason: str | None
    note: str | None


@dataclass
class Work:
    item: Checked
    target: Onboarding | None = None
    path: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)


class OnboardingImport(ImportKind):
    name = "onboardings"
    entity = "onboarding"
    title = Text("Lên sàn TMĐT", "Onboardings")
    roles = (TASKFORCE,)
    columns = COLUMNS

    @classmethod
    async def reference_lists(cls, ctx: TemplateContext) -> dict[str, list[str]]:
        platforms = await ctx.session.scalars(select(Platform).where(Platform.active).order_by(Platform.id))
        return {"platforms": [p.name for p in platforms], "stages": [t.vi for t in STAGES.values()]}

    async def begin(self) -> None:
        ctx = self.ctx
        ctx.team_id = await TeamService(ctx.session).team_for_registration(ctx.actor, ctx.options.team_id)

    async def _subjects(self, codes: list[str]) -> dict[str, Subject]:
        ctx = self.ctx
        actor = ctx.actor
        found: dict[str, Subject] = {}
        for start in range(0, len(codes), IN_CHUNK):
            chunk = codes[start : start + IN_CHUNK]
            rows = await ctx.session.execute(
                select(Product, Producer)
                .join(Producer, Producer.id == Product.producer_id)
                .where(Product.code.in_(chunk), visible(actor, Product.producer_id, Product.area_id))
            )
            for product, producer in rows.tuples():
                found[product.code] = Subject(
                    "product", product.id, product.code, product.name, product.area_id, product.id, producer.id,
                    producer_code=producer.code, producer_name=producer.name,
                )  # fmt: skip
            for producer in await ctx.session.scalars(
                select(Producer).where(Producer.code.in_(chunk), visible(actor, Producer.id, Producer.area_id))
            ):
                found[producer.code] = Subject(
                    "producer", producer.id, producer.code, producer.name, producer.area_id, None, producer.id,
                    producer_code=producer.code, producer_name=producer.name,
                )  # fmt: skip
            for vendor in await ctx.session.scalars(
                select(Vendor).where(Vendor.code.in_(chunk), Vendor.active, visible_to(actor, Vendor.area_id))
            ):
                found[vendor.code] = Subject(
                    "vendor", vendor.id, vendor.code, vendor.full_name, vendor.area_id, vendor_id=vendor.id
                )
        return found

    def _parse(
        self, rules: Rules, others: list[Rules], raw: Any, kind: str, name: str, plan: RowPlan
    ) -> ParsedUrl | None:
        text = text_of(raw)
        if text is None:
            return None
        try:
            return parse_url(rules, text, kind=kind, field_name=name, others=others)  # type: ignore[arg-type]
        except ValidationFailed as exc:
            self._add(plan, exc.problems)
            return None

    @staticmethod
    def _add(plan: RowPlan, problems: list[FieldProblem]) -> None:
        faulty = {p.field for p in plan.problems}
        plan.problems += [p for p in problems if p.field not in faulty]

    def _check(
        self,
        row: SourceRow,
        subjects: dict[str, Subject],
        platforms: dict[str, Platform],
        others: list[Rules],
        plan: RowPlan,
    ) -> Checked | None:
        subject = platform = None
        code = text_of(row.get("subject"))
        if code is not None:
            subject = subjects.get(code.upper())
            if subject is None:
                plan.problems.append(FieldProblem("subject", UNKNOWN_SUBJECT, "not_found"))
        raw_platform = text_of(row.get("platform"))
        payload: dict[str, Any] = {"product_id": 1}
        if raw_platform is not None:
            platform = platforms.get(search_key(raw_platform))
            if platform is None:
                plan.problems.append(FieldProblem("platform", UNKNOWN_PLATFORM, "unknown_platform"))
            payload["platform"] = platform.key if platform else raw_platform
        if text_of(row.get("stage")) is not None:
            payload["stage"] = from_choices(STAGE_INDEX, str(row.get("stage")))
        for key in ("shop_url", "listing_url", "evidence_url", "note"):
            if text_of(row.get(key)) is not None:
                payload[key] = text_of(row.get(key))
        data, struct_problems, _ = convert_struct(OnboardingCreate, payload, _TEMPLATE)
        self._add(plan, struct_problems)
        problems = Problems()
        evidence = checked_evidence(data.evidence_url if data else None, problems)
        self._add(plan, problems.items)
        if data is None or platform is None or subject is None:
            return None
        rules = rules_of(platform)
        shop = self._parse(rules, others, data.shop_url, "shop", "shop_url", plan)
        listing = None
        if subject.kind != "producer":
            listing = self._parse(rules, others, data.listing_url, "product", "listing_url", plan)
        reason = text_of(row.get("reason"))
        if data.stage == "listing_rejected" and reason is None:
            plan.problems.append(FieldProblem("reason", REASON_NEEDED, "required"))
        if plan.problems:
            return None
        return Checked(
            subject, platform, data.stage, shop, listing, evidence, reason, (data.note or "").strip() or None
        )

    async def plan(self, rows: list[SourceRow]) -> list[RowPlan]:
        ctx = self.ctx
        session = ctx.session
        all_platforms = list(await session.scalars(select(Platform).order_by(Platform.id)))
        platforms: dict[str, Platform] = {}
        for p in all_platforms:
            if p.active:
                platforms[search_key(p.key)] = platforms[search_key(p.name)] = p
        others = [rules_of(p) for p in all_platforms]
        subjects = await self._subjects(
            sorted({str(r.get("subject")).strip().upper() for r in rows if text_of(r.get("subject"))})
        )
        plans: list[RowPlan] = []
        checked: list[Checked | None] = []
        for row in rows:
            plan = RowPlan(row=row, status="error", problems=list(row.problems))
            plans.append(plan)
            checked.append(self._check(row, subjects, platforms, others, plan))
        ready = [c for c in checked if c is not None]
        stored = await self._stored(ready)
        records = {(o.subject_kind, self._subject_id(o), o.platform_id): o for o in stored}
        items = {(o.platform_id, o.item_key): o for o in stored if o.item_key}
        holders = await Subjects(session).of([o for o in stored if o.item_key])
        seen: dict[tuple[Any, ...], int] = {}
        seen_items: dict[tuple[int, str], int] = {}
        for plan, item in zip(plans, checked, strict=True):
            if item is None:
                continue
            key = (item.subject.kind, item.subject.id, item.platform.id)
            if key in seen:
                plan.status = "duplicate"
                plan.problems.append(FieldProblem("subject", REPEATED_ROW.format(row=seen[key]), "repeated_row"))
                continue
            target = records.get(key)
            item_key = item.listing.item_key if item.listing else None
            if item_key is not None:
                holder = items.get((item.platform.id, item_key))
                if holder is not None and (target is None or holder.id != target.id):
                    conflict = item_taken(item.platform, holder, holders[holder.id])
                    plan.status = "duplicate"
                    plan.problems.append(
                        FieldProblem("listing_url", conflict.message, "duplicate", conflict.problems[0].details)
                    )
                    continue
                if (item.platform.id, item_key) in seen_items:
                    plan.status = "duplicate"
                    earlier = seen_items[(item.platform.id, item_key)]
                    plan.problems.append(FieldProblem("listing_url", REPEATED_ROW.format(row=earlier), "repeated_row"))
                    continue
            seen[key] = plan.row.number
            if item_key is not None:
                seen_items[(item.platform.id, item_key)] = plan.row.number
            work = Work(item=item, target=target)
            if target is None:
                problems = Problems()
                check_initial_stage(item.stage, item.subject.kind, item.listing is not None, problems)
                if problems:
                    plan.problems += problems.items
                    continue
                ctx.areas.add(item.subject.area_id)
                plan.status, plan.work = "created", work
                continue
            plan.record_id, plan.record_code = target.id, item.subject.code
            if item.stage != target.stage:
                path = forward_path(target.stage, item.stage, item.subject.kind)
                if path is None:
                    allowed = sorted(TRANSITIONS[target.stage])
                    conflict = invalid_transition(target.stage, item.stage, allowed)
                    plan.problems.append(
                        FieldProblem("stage", conflict.message, "invalid_transition", conflict.problems[0].details)
                    )
                    continue
                work.path = path
            if item.listing is not None and item.listing.url != target.listing_url:
                work.values.update(
                    listing_url=item.listing.url,
                    item_key=item.listing.item_key,
                    needs_resolution=item.listing.needs_resolution,
                )
            if item.shop is not None and item.shop.url != target.shop_url:
                work.values["shop_url"] = item.shop.url
            if item.note is not None and item.note != target.note:
                work.values["note"] = item.note
            if item.stage in NEEDS_LISTING and item.listing is None and target.listing_url is None:
                plan.problems.append(FieldProblem("listing_url", LISTING_NEEDED, "required"))
                continue
            ctx.areas.add(item.subject.area_id)
            if work.path or work.values:
                plan.status, plan.work = "updated", work
            else:
                plan.status = "unchanged"
        return plans

    @staticmethod
    def _subject_id(o: Onboarding) -> int | None:
        return {"product": o.product_id, "producer": o.producer_id, "vendor": o.vendor_id}[o.subject_kind]

    async def _stored(self, ready: list[Checked]) -> list[Onboarding]:
        session = self.ctx.session
        found: dict[int, Onboarding] = {}
        columns = {"product": Onboarding.product_id, "producer": Onboarding.producer_id, "vendor": Onboarding.vendor_id}
        for kind, column in columns.items():
            ids = sorted({c.subject.id for c in ready if c.subject.kind == kind})
            for start in range(0, len(ids), IN_CHUNK):
                rows = await session.scalars(
                    select(Onboarding).where(Onboarding.subject_kind == kind, column.in_(ids[start : start + IN_CHUNK]))
                )
                found.update({o.id: o for o in rows})
        keys = sorted({c.listing.item_key for c in ready if c.listing and c.listing.item_key})
        for start in range(0, len(keys), IN_CHUNK):
            rows = await session.scalars(
                select(Onboarding).where(or_(Onboarding.item_key.in_(keys[start : start + IN_CHUNK])))
            )
            found.update({o.id: o for o in rows})
        return list(found.values())

    async def apply(self, plans: list[RowPlan]) -> None:
        ctx = self.ctx
        session = ctx.session
        actor = ctx.actor
        for plan in plans:
            work: Work = plan.work
            item = work.item
            if plan.status == "created":
                onboarding = Onboarding(
                    subject_kind=item.subject.kind,
                    product_id=item.subject.product_id,
                    producer_id=item.subject.producer_id,
                    vendor_id=item.subject.vendor_id,
                    platform_id=item.platform.id,
                    stage=item.stage,
                    stage_changed_at=ctx.now,
                    shop_url=item.shop.url if item.shop else None,
                    listing_url=item.listing.url if item.listing else None,
                    item_key=item.listing.item_key if item.listing else None,
                    needs_resolution=item.listing.needs_resolution if item.listing else False,
                    rejection_reason=item.reason if item.stage == "listing_rejected" else None,
                    note=item.note,
                    team_id=ctx.team_id,
                    created_by_id=actor.user_id,
                    broken=False,
                    import_id=ctx.import_id,
                )
                session.add(onboarding)
                await session.flush()
                plan.record_id, plan.record_code = onboarding.id, item.subject.code
                self._event(onboarding, None, item.stage, item, last=True)
                after = {**onboarding_snapshot(onboarding), "platform": item.platform.key, "import_id": ctx.import_id}
                record(
                    session, actor, "create", "onboarding", onboarding.id, area_id=item.subject.area_id, after=after,
                    at=ctx.now,
                )  # fmt: skip
            elif plan.status == "updated":
                target = work.target
                assert target is not None
                before = onboarding_snapshot(target)
                for key, value in work.values.items():
                    setattr(target, key, value)
                if "listing_url" in work.values:
                    target.checked_at = target.check_verdict = target.check_status = target.check_final_url = None
                    target.broken, target.broken_since = False, None
                current = target.stage
                for position, step in enumerate(work.path):
                    self._event(target, current, step, item, last=position == len(work.path) - 1)
                    current = step
                if work.path:
                    target.stage = current
                    target.stage_changed_at = ctx.now
                    target.rejection_reason = item.reason if current == "listing_rejected" else None
                    if current != LIVE:
                        target.broken, target.broken_since = False, None
                target.import_id = ctx.import_id
                await session.flush()
                old, new = changed(before, onboarding_snapshot(target))
                record(
                    session, actor, "stage" if work.path else "update", "onboarding", target.id,
                    area_id=item.subject.area_id, before=old,
                    after={**new, "path": work.path, "import_id": ctx.import_id}, at=ctx.now,
                )  # fmt: skip

    def _event(self, o: Onboarding, from_stage: str | None, to_stage: str, item: Checked, *, last: bool) -> None:
        ctx = self.ctx
        self.ctx.session.add(
            OnboardingEvent(
                onboarding_id=o.id,
                from_stage=from_stage,
                to_stage=to_stage,
                at=ctx.now,
                by_id=ctx.actor.user_id,
                by_username=ctx.actor.username,
                team_id=ctx.team_id or o.team_id,
                evidence_url=item.evidence if last else None,
                note=item.note if last else None,
                reason=item.reason if last and to_stage == "listing_rejected" else None,
            )
        )


__all__ = ["OnboardingImport", "forward_path"]
