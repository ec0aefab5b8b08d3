"""Onboarding records: one per subject and platform, walked through the stages with a full history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from sqlalchemy import ColumnElement, Select, and_, func, select
from sqlalchemy.orm.exc import StaleDataError

from tracker.accounts.actor import Actor
from tracker.accounts.services import TeamService, area_refs
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
from tracker.lib.i18n import Lang, Text
from tracker.lib.ids import is_id
from tracker.lib.pagination import PageParams
from tracker.lib.schema import UnsetType
from tracker.lib.service import Service
from tracker.onboarding.models import Onboarding, OnboardingEvent, Platform
from tracker.onboarding.platforms import rules_of
from tracker.onboarding.reference import (
    BROKEN_STEP,
    LISTING_STAGES,
    LIVE,
    NEXT_STEPS,
    RESOLVE_STEP,
    SHOP_DONE,
    SHOP_STAGES,
    STAGES,
    TRANSITIONS,
    VERDICTS,
)
from tracker.onboarding.schemas import (
    LastCheck,
    OnboardingCreate,
    OnboardingUpdate,
    PlatformRef,
    ProducerBrief,
    StageChange,
    StageEvent,
)
from tracker.onboarding.schemas import Onboarding as OnboardingOut
from tracker.onboarding.schemas import Subject as SubjectOut
from tracker.onboarding.services.platforms import PlatformService
from tracker.onboarding.services.subjects import Subject, Subjects
from tracker.onboarding.urls import ParsedUrl, Rules, parse_url

INITIAL_STAGES = ("planned", "account_created", "shop_pending", "shop_active", "listing_submitted", "listing_live")
NEEDS_LISTING = frozenset({"listing_submitted", "listing_live"})
SORTS: dict[str, Any] = {
    "id": Onboarding.id,
    "stage_changed_at": Onboarding.stage_changed_at,
    "checked_at": Onboarding.checked_at,
}


@dataclass(frozen=True, slots=True)
class OnboardingFilters:
    platform: str | None = None
    stage: str | None = None
    area_id: int | None = None
    producer_id: int | None = None
    product_id: int | None = None
    vendor_id: int | None = None
    subject_kind: str | None = None
    stars: int | None = None
    broken: bool | None = None
    q: str | None = None
    sort: str = "-id"


def onboarding_snapshot(o: Onboarding) -> dict[str, Any]:
    return {
        "subject_kind": o.subject_kind,
        "product_id": o.product_id,
        "producer_id": o.producer_id,
        "vendor_id": o.vendor_id,
        "platform_id": o.platform_id,
        "stage": o.stage,
        "shop_url": o.shop_url,
        "listing_url": o.listing_url,
        "item_key": o.item_key,
        "note": o.note,
    }


def next_step(o: Onboarding, lang: Lang) -> str:
    if o.broken:
        return BROKEN_STEP(lang)
    if o.needs_resolution and o.stage in LISTING_STAGES:
        return RESOLVE_STEP(lang)
    if o.subject_kind == "producer" and o.stage == "shop_active":
        return SHOP_DONE(lang)
    step = NEXT_STEPS[o.stage](lang)
    if o.stage == "listing_rejected" and o.rejection_reason:
        return f"{step} ({o.rejection_reason})"
    return step


def allowed_stages(o: Onboarding) -> list[str]:
    allowed = TRANSITIONS[o.stage]
    if o.subject_kind == "producer":
        allowed = allowed & SHOP_STAGES
    return [s for s in STAGES if s in allowed]


def last_check(o: Onboarding, lang: Lang) -> LastCheck | None:
    if o.checked_at is None or o.check_verdict is None:
        return None
    return LastCheck(
        checked_at=o.checked_at,
        verdict=o.check_verdict,  # type: ignore[arg-type]
        verdict_label=VERDICTS[o.check_verdict](lang),
        status_code=o.check_status,
        final_url=o.check_final_url,
    )


def checked_evidence(raw: str | None, problems: Problems) -> str | None:
    if raw is None or not raw.strip():
        return None
    value = raw.strip()
    if not value.lower().startswith(("https://", "http://")) or any(c.isspace() for c in value):
        problems.add(
            "evidence_url",
            Text(
                "Minh chứng phải là một địa chỉ http(s):// (ảnh chụp, trang sản phẩm...).",
                "Evidence must be an http(s):// address (a screenshot, the listing...).",
            ),
            "bad_url",
        )
        return None
    return value


def subject_taken(existing: Onboarding, platform: Platform, subject: Subject) -> Conflict:
    return Conflict(
        Text(
            f"{subject.code} đã có hồ sơ trên {platform.name}: hồ sơ {existing.id}.",
            f"{subject.code} already has a record on {platform.name}: record {existing.id}.",
        ),
        [
            FieldProblem(
                "platform",
                Text("Đã có hồ sơ cho đối tượng này trên sàn này.", "A record exists for this subject here."),
                "duplicate",
                {"existing": {"id": existing.id, "stage": existing.stage}},
            )
        ],
    )


def check_initial_stage(stage: str, subject_kind: str | None, has_listing: bool, problems: Problems) -> None:
    """A new record's stage and listing address: where a record may start, and what each start needs."""
    if stage not in INITIAL_STAGES:
        problems.add(
            "stage",
            Text(
                "Hồ sơ mới chỉ bắt đầu từ “dự kiến” đến “đang bán”.",
                "A new record starts at a stage from planned to listing_live.",
            ),
            "not_initial",
        )
    elif subject_kind == "producer" and stage not in SHOP_STAGES:
        problems.add(
            "stage",
            Text(
                "Hồ sơ gian hàng dừng ở “gian hàng hoạt động”; sản phẩm có hồ sơ riêng.",
                "A shop record ends at shop_active; products have their own records.",
            ),
            "shop_record",
        )
    if has_listing and subject_kind == "producer":
        problems.add(
            "listing_url",
            Text("Hồ sơ gian hàng không có địa chỉ sản phẩm.", "A shop record has no listing address."),
            "shop_record",
        )
    elif not has_listing and stage in NEEDS_LISTING:
        problems.add(
            "listing_url",
            Text("Cần địa chỉ sản phẩm trên sàn.", "The listing address is needed."),
            "required",
        )


def invalid_transition(current: str, wanted: str, allowed: list[str]) -> Conflict:
    return Conflict(
        Text(
            f"Không thể chuyển từ “{STAGES[current].vi}” sang “{STAGES[wanted].vi}”.",
            f"Cannot move from “{STAGES[current].en}” to “{STAGES[wanted].en}”.",
        ),
        [
            FieldProblem(
                "stage",
                Text("Chuyển bước không hợp lệ.", "Invalid stage change."),
                "invalid_transition",
                {"current": current, "allowed": allowed},
            )
        ],
    )


def item_taken(platform: Platform, existing: Onboarding, subject: Subject) -> Conflict:
    return Conflict(
        Text(
            f"Sản phẩm này trên {platform.name} đã được ghi ở hồ sơ {existing.id} ({subject.code} {subject.name}).",
            f"This item on {platform.name} is already recorded in record {existing.id} "
            f"({subject.code} {subject.name}).",
        ),
        [
            FieldProblem(
                "listing_url",
                Text("Sản phẩm trên sàn đã được ghi.", "This item is already recorded."),
                "duplicate",
                {"existing": {"id": existing.id, "subject_code": subject.code, "stage": existing.stage}},
            )
        ],
    )


class OnboardingService(Service[Onboarding, "OnboardingService.Repo"]):
    class Repo(SQLAlchemyAsyncRepository[Onboarding]):
        model_type = Onboarding

    repository_type = Repo

    @cached_property
    def subjects(self) -> Subjects:
        return Subjects(self.session)

    # ----- reading -------------------------------------------------------------------------------------

    async def one(self, actor: Actor, onboarding_id: int) -> Onboarding:
        """A record whose subject the actor may see; otherwise it does not exist (404)."""
        found: Onboarding | None = None
        if is_id(onboarding_id):
            found = await self.session.scalar(
                select(Onboarding).where(Onboarding.id == onboarding_id, self.subjects.visible(actor))
            )
        if found is None:
            raise NotFound(
                Text(f"Không tìm thấy hồ sơ lên sàn {onboarding_id}.", f"Onboarding record {onboarding_id} not found.")
            )
        return found

    def filtered(self, actor: Actor, filters: OnboardingFilters) -> Select[tuple[Onboarding]]:
        subjects = self.subjects
        query = select(Onboarding).where(subjects.visible(actor, area_id=filters.area_id))
        conditions: list[ColumnElement[bool]] = []
        if filters.platform:
            conditions.append(
                Onboarding.platform_id.in_(select(Platform.id).where(Platform.key == filters.platform.lower()))
            )
        if filters.stage:
            conditions.append(Onboarding.stage == filters.stage)
        if filters.producer_id is not None:
            conditions.append(Onboarding.producer_id == filters.producer_id)
        if filters.product_id is not None:
            conditions.append(Onboarding.product_id == filters.product_id)
        if filters.vendor_id is not None:
            conditions.append(Onboarding.vendor_id == filters.vendor_id)
        if filters.subject_kind:
            conditions.append(Onboarding.subject_kind == filters.subject_kind)
        if filters.stars is not None:
            conditions.append(Onboarding.product_id.in_(subjects.with_stars(filters.stars)))
        if filters.broken is not None:
            conditions.append(Onboarding.broken.is_(filters.broken))
        if filters.q and filters.q.strip():
            conditions.append(subjects.matching(actor, filters.q))
        return query.where(and_(*conditions)) if conditions else query

    async def search(self, actor: Actor, filters: OnboardingFilters, page: PageParams) -> tuple[list[Onboarding], int]:
        query = self.filtered(actor, filters)
        descending = filters.sort.startswith("-")
        column = SORTS[filters.sort.lstrip("-")]
        order = [column.desc() if descending else column.asc()]
        if column is not Onboarding.id:
            order.append(Onboarding.id.desc() if descending else Onboarding.id.asc())
        total = await self.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
        rows = await self.session.scalars(query.order_by(*order).limit(page.limit).offset(page.offset))
        return list(rows), int(total or 0)

    async def platforms_of(self, onboardings: list[Onboarding]) -> dict[int, Platform]:
        ids = {o.platform_id for o in onboardings}
        if not ids:
            return {}
        return {p.id: p for p in await self.session.scalars(select(Platform).where(Platform.id.in_(ids)))}

    async def present(self, onboardings: list[Onboarding], lang: Lang = "vi") -> list[OnboardingOut]:
        subjects = await self.subjects.of(onboardings)
        platforms = await self.platforms_of(onboardings)
        areas = await area_refs(self.session, {s.area_id for s in subjects.values()})
        stars = await self.subjects.products.current_stars({o.product_id for o in onboardings if o.product_id})
        out = []
        for o in onboardings:
            subject, platform = subjects[o.id], platforms[o.platform_id]
            out.append(
                OnboardingOut(
                    id=o.id,
                    subject=SubjectOut(
                        kind=subject.kind,  # type: ignore[arg-type]
                        id=subject.id,
                        code=subject.code,
                        name=subject.name,
                        producer=ProducerBrief(
                            id=subject.producer_id, code=subject.producer_code or "", name=subject.producer_name or ""
                        )
                        if subject.producer_id is not None
                        else None,
                        stars=stars.get(o.product_id) if o.product_id is not None else None,
                    ),
                    platform=PlatformRef(id=platform.id, key=platform.key, name=platform.name),
                    stage=o.stage,  # type: ignore[arg-type]
                    stage_label=STAGES[o.stage](lang),
                    stage_changed_at=o.stage_changed_at,
                    shop_url=o.shop_url,
                    listing_url=o.listing_url,
                    item_key=o.item_key,
                    needs_resolution=o.needs_resolution,
                    rejection_reason=o.rejection_reason,
                    note=o.note,
                    team_id=o.team_id,
                    next_step=next_step(o, lang),
                    allowed_stages=allowed_stages(o),  # type: ignore[arg-type]
                    last_check=last_check(o, lang),
                    broken=o.broken,
                    broken_since=o.broken_since,
                    area=areas[subject.area_id],
                    version=o.version,
                    created_at=o.created_at,
                    updated_at=o.updated_at,
                )
            )
        return out

    async def history(self, actor: Actor, onboarding_id: int, lang: Lang = "vi") -> list[StageEvent]:
        await self.one(actor, onboarding_id)
        rows = await self.session.scalars(
            select(OnboardingEvent)
            .where(OnboardingEvent.onboarding_id == onboarding_id)
            .order_by(OnboardingEvent.at, OnboardingEvent.id)
        )
        return [
            StageEvent(
                from_stage=e.from_stage,  # type: ignore[arg-type]
                from_label=STAGES[e.from_stage](lang) if e.from_stage else None,
                to_stage=e.to_stage,  # type: ignore[arg-type]
                to_label=STAGES[e.to_stage](lang),
                at=e.at,
                by_id=e.by_id,
                by_username=e.by_username,
                team_id=e.team_id,
                evidence_url=e.evidence_url,
                note=e.note,
                reason=e.reason,
            )
            for e in rows
        ]

    async def area_of(self, onboarding: Onboarding) -> int:
        return (await self.subjects.of([onboarding]))[onboarding.id].area_id

    # ----- addresses -----------------------------------------------------------------------------------

    async def _parse(self, platform: Platform, raw: str, kind: str, field: str, problems: Problems) -> ParsedUrl | None:
        others: list[Rules] = await PlatformService(self.session).all_rules()
        try:
            return parse_url(rules_of(platform), raw, kind=kind, field_name=field, others=others)  # type: ignore[arg-type]
        except ValidationFailed as exc:
            problems.extend(exc.problems)
            return None

    async def check_item_free(self, platform: Platform, item_key: str | None, exclude_id: int | None) -> None:
        """409 naming the record that already holds this item on this platform."""
        if item_key is None:
            return
        query = select(Onboarding).where(Onboarding.platform_id == platform.id, Onboarding.item_key == item_key)
        if exclude_id is not None:
            query = query.where(Onboarding.id != exclude_id)
        existing = await self.session.scalar(query)
        if existing is None:
            return
        subject = (await self.subjects.of([existing]))[existing.id]
        raise item_taken(platform, existing, subject)

    def _set_listing(self, o: Onboarding, parsed: ParsedUrl | None) -> None:
        if parsed is None:
            return
        if parsed.url != o.listing_url:
            # A new address: the checks of the old one no longer say anything.
            o.checked_at = None
            o.check_verdict = None
            o.check_status = None
            o.check_final_url = None
            o.broken = False
            o.broken_since = None
        o.listing_url = parsed.url
        o.item_key = parsed.item_key
        o.needs_resolution = parsed.needs_resolution

    # ----- writing -------------------------------------------------------------------------------------

    async def add(self, actor: Actor, data: OnboardingCreate) -> Onboarding:
        problems = Problems()
        platform: Platform | None = None
        try:
            platform = await PlatformService(self.session).by_key(data.platform)
        except NotFound as exc:
            problems.extend(exc.problems)
        subject = await self.subjects.resolve(
            actor,
            product_id=data.product_id,
            producer_id=data.producer_id,
            vendor_id=data.vendor_id,
            problems=problems,
        )
        check_initial_stage(data.stage, subject.kind if subject else None, bool(data.listing_url), problems)
        listing = shop = None
        if platform is not None:
            if data.listing_url and (subject is None or subject.kind != "producer"):
                listing = await self._parse(platform, data.listing_url, "product", "listing_url", problems)
            if data.shop_url:
                shop = await self._parse(platform, data.shop_url, "shop", "shop_url", problems)
        evidence = checked_evidence(data.evidence_url, problems)
        try:
            team_id = await TeamService(self.session).team_for_registration(actor, data.team_id)
        except ValidationFailed as exc:
            problems.extend(exc.problems)
            team_id = None
        problems.raise_if_any()
        assert platform is not None
        assert subject is not None
        await self._check_subject_free(platform, subject)
        await self.check_item_free(platform, listing.item_key if listing else None, None)
        now = clock.now()
        onboarding = Onboarding(
            subject_kind=subject.kind,
            product_id=subject.product_id,
            producer_id=subject.producer_id,
            vendor_id=subject.vendor_id,
            platform_id=platform.id,
            stage=data.stage,
            stage_changed_at=now,
            shop_url=shop.url if shop else None,
            listing_url=None,
            item_key=None,
            needs_resolution=False,
            note=(data.note or "").strip() or None,
            team_id=team_id,
            created_by_id=actor.user_id,
            broken=False,
        )
        self._set_listing(onboarding, listing)
        self.session.add(onboarding)
        await self.session.flush()
        self.session.add(
            OnboardingEvent(
                onboarding_id=onboarding.id,
                from_stage=None,
                to_stage=data.stage,
                at=now,
                by_id=actor.user_id,
                by_username=actor.username,
                team_id=team_id,
                evidence_url=evidence,
                note=onboarding.note,
            )
        )
        record(
            self.session,
            actor,
            "create",
            "onboarding",
            onboarding.id,
            area_id=subject.area_id,
            after={**onboarding_snapshot(onboarding), "platform": platform.key, "team_id": team_id},
            at=now,
        )
        await self.commit()
        return onboarding

    async def _check_subject_free(self, platform: Platform, subject: Subject) -> None:
        column = {"product": Onboarding.product_id, "producer": Onboarding.producer_id, "vendor": Onboarding.vendor_id}
        existing = await self.session.scalar(
            select(Onboarding).where(
                Onboarding.platform_id == platform.id,
                Onboarding.subject_kind == subject.kind,
                column[subject.kind] == subject.id,
            )
        )
        if existing is not None:
            raise subject_taken(existing, platform, subject)

    async def edit(self, actor: Actor, onboarding_id: int, data: OnboardingUpdate) -> Onboarding:
        onboarding = await self.one(actor, onboarding_id)
        if onboarding.version != data.version:
            raise StaleWrite()
        platform = await PlatformService(self.session).one(onboarding.platform_id)
        before = onboarding_snapshot(onboarding)
        problems = Problems()
        if not isinstance(data.listing_url, UnsetType):
            if data.listing_url is None or not data.listing_url.strip():
                if onboarding.stage in NEEDS_LISTING:
                    problems.add(
                        "listing_url",
                        Text("Sản phẩm trên sàn cần có địa chỉ.", "A listing at this stage needs its address."),
                        "required",
                    )
                else:
                    onboarding.listing_url = onboarding.item_key = None
                    onboarding.needs_resolution = False
            elif onboarding.subject_kind == "producer":
                problems.add(
                    "listing_url",
                    Text("Hồ sơ gian hàng không có địa chỉ sản phẩm.", "A shop record has no listing address."),
                    "shop_record",
                )
            else:
                self._set_listing(
                    onboarding, await self._parse(platform, data.listing_url, "product", "listing_url", problems)
                )
        if not isinstance(data.shop_url, UnsetType):
            if data.shop_url is None or not data.shop_url.strip():
                onboarding.shop_url = None
            else:
                shop = await self._parse(platform, data.shop_url, "shop", "shop_url", problems)
                if shop is not None:
                    onboarding.shop_url = shop.url
        if not isinstance(data.note, UnsetType):
            onboarding.note = (data.note or "").strip() or None
        if problems:
            await self.session.rollback()
            problems.raise_if_any()
        if onboarding.item_key != before["item_key"]:
            await self.check_item_free(platform, onboarding.item_key, onboarding.id)
        old, new = changed(before, onboarding_snapshot(onboarding))
        if new:
            record(
                self.session,
                actor,
                "update",
                "onboarding",
                onboarding.id,
                area_id=await self.area_of(onboarding),
                before=old,
                after=new,
            )
        await self._commit_versioned()
        return onboarding

    async def change_stage(self, actor: Actor, onboarding_id: int, data: StageChange) -> Onboarding:
        onboarding = await self.one(actor, onboarding_id)
        if data.version is not None and data.version != onboarding.version:
            raise StaleWrite()
        current, wanted = onboarding.stage, data.stage
        allowed = allowed_stages(onboarding)
        if wanted not in allowed:
            raise invalid_transition(current, wanted, allowed)
        platform = await PlatformService(self.session).one(onboarding.platform_id)
        problems = Problems()
        reason = (data.reason or "").strip() or None
        if wanted == "listing_rejected" and reason is None:
            problems.add(
                "reason",
                Text("Cần ghi lý do sàn từ chối.", "Give the reason the platform rejected the listing."),
                "required",
            )
        evidence = checked_evidence(data.evidence_url, problems)
        before = onboarding_snapshot(onboarding)
        if data.listing_url:
            if onboarding.subject_kind == "producer":
                problems.add(
                    "listing_url",
                    Text("Hồ sơ gian hàng không có địa chỉ sản phẩm.", "A shop record has no listing address."),
                    "shop_record",
                )
            else:
                self._set_listing(
                    onboarding, await self._parse(platform, data.listing_url, "product", "listing_url", problems)
                )
        elif wanted in NEEDS_LISTING and onboarding.listing_url is None:
            problems.add(
                "listing_url",
                Text("Cần địa chỉ sản phẩm trên sàn.", "The listing address is needed."),
                "required",
            )
        if data.shop_url:
            shop = await self._parse(platform, data.shop_url, "shop", "shop_url", problems)
            if shop is not None:
                onboarding.shop_url = shop.url
        now = clock.now()
        at = data.at or now
        if at.tzinfo is None:
            problems.add(
                "at", Text("Cần ghi múi giờ (ví dụ +07:00).", "Give the time zone (for example +07:00)."), "no_tz"
            )
        elif at > now + dt.timedelta(minutes=5):
            problems.add(
                "at", Text("Thời điểm không được ở tương lai.", "The time cannot be in the future."), "in_future"
            )
        elif at < onboarding.stage_changed_at:
            problems.add(
                "at",
                Text("Thời điểm trước lần chuyển bước trước.", "The time is before the previous stage change."),
                "before_previous",
            )
        try:
            team_id = await TeamService(self.session).team_for_registration(actor, data.team_id)
        except ValidationFailed as exc:
            problems.extend(exc.problems)
            team_id = None
        if problems:
            await self.session.rollback()
            problems.raise_if_any()
        if onboarding.item_key != before["item_key"]:
            await self.check_item_free(platform, onboarding.item_key, onboarding.id)
        onboarding.stage = wanted
        onboarding.stage_changed_at = at
        onboarding.rejection_reason = reason if wanted == "listing_rejected" else None
        if wanted != LIVE:
            # A listing that is no longer live is not "broken": its stage says what it is.
            onboarding.broken = False
            onboarding.broken_since = None
        note = (data.note or "").strip() or None
        self.session.add(
            OnboardingEvent(
                onboarding_id=onboarding.id,
                from_stage=current,
                to_stage=wanted,
                at=at,
                by_id=actor.user_id,
                by_username=actor.username,
                team_id=team_id or onboarding.team_id,
                evidence_url=evidence,
                note=note,
                reason=reason,
            )
        )
        old, new = changed(before, onboarding_snapshot(onboarding))
        record(
            self.session,
            actor,
            "stage",
            "onboarding",
            onboarding.id,
            area_id=await self.area_of(onboarding),
            before=old,
            after={**new, "reason": reason, "evidence_url": evidence},
            at=now,
        )
        await self._commit_versioned()
        return onboarding

    async def _commit_versioned(self) -> None:
        try:
            await self.commit()
        except StaleDataError:
            await self.session.rollback()
            raise StaleWrite() from None
