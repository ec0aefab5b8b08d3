"""Listing checks: fetch live listings, keep each result, flag the ones that are gone.

No transaction is held while the network is used: the records are read, the transaction ends, the
addresses are fetched, and the results are written in a new transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tracker.accounts.actor import SYSTEM, Actor
from tracker.audit.services import record
from tracker.lib.exceptions import Conflict, ValidationFailed
from tracker.lib.i18n import Lang, Text
from tracker.lib.pagination import PageParams
from tracker.lib.service import Service
from tracker.onboarding.checker import ListingChecker, Outcome, Target
from tracker.onboarding.models import ListingCheck, Onboarding, Platform
from tracker.onboarding.platforms import rules_of
from tracker.onboarding.reference import LIVE, VERDICTS
from tracker.onboarding.schemas import BrokenListing, CheckSummary, Hop
from tracker.onboarding.schemas import ListingCheck as ListingCheckOut
from tracker.onboarding.services.onboardings import OnboardingService
from tracker.onboarding.services.subjects import Subjects
from tracker.onboarding.urls import parse_url

CheckerFactory = Callable[[], ListingChecker]


def present_check(c: ListingCheck, lang: Lang = "vi") -> ListingCheckOut:
    return ListingCheckOut(
        id=c.id,
        onboarding_id=c.onboarding_id,
        checked_at=c.checked_at,
        url=c.url,
        reachable=c.reachable,
        status_code=c.status_code,
        final_url=c.final_url,
        redirects=[Hop(**h) for h in c.redirects],
        error=c.error,
        elapsed_ms=c.elapsed_ms,
        verdict=c.verdict,  # type: ignore[arg-type]
        verdict_label=VERDICTS[c.verdict](lang),
        stage=c.stage,  # type: ignore[arg-type]
    )


class CheckService(Service[ListingCheck, "CheckService.Repo"]):
    class Repo(SQLAlchemyAsyncRepository[ListingCheck]):
        model_type = ListingCheck

    repository_type = Repo

    def __init__(self, session: AsyncSession, checker: CheckerFactory = ListingChecker, **kwargs: Any) -> None:
        super().__init__(session, **kwargs)
        self.checker = checker

    async def history(self, actor: Actor, onboarding_id: int, page: PageParams) -> tuple[list[ListingCheck], int]:
        await OnboardingService(self.session).one(actor, onboarding_id)
        query = select(ListingCheck).where(ListingCheck.onboarding_id == onboarding_id)
        total = await self.session.scalar(select(func.count()).select_from(query.subquery()))
        rows = await self.session.scalars(
            query.order_by(ListingCheck.checked_at.desc(), ListingCheck.id.desc()).limit(page.limit).offset(page.offset)
        )
        return list(rows), int(total or 0)

    async def _targets(self, onboardings: list[Onboarding]) -> dict[int, Target]:
        platforms = await OnboardingService(self.session).platforms_of(onboardings)
        return {
            o.id: Target(url=o.listing_url, rules=rules_of(platforms[o.platform_id]))
            for o in onboardings
            if o.listing_url
        }

    async def check_one(self, actor: Actor, onboarding_id: int) -> tuple[Onboarding, ListingCheck]:
        onboarding = await OnboardingService(self.session).one(actor, onboarding_id)
        if not onboarding.listing_url:
            raise Conflict(
                Text("Hồ sơ chưa có địa chỉ sản phẩm để kiểm tra.", "The record has no listing address to check.")
            )
        target = (await self._targets([onboarding]))[onboarding.id]
        await self.commit(then="write")  # no transaction (nor SQLite write lock) is held while the network is used
        async with self.checker() as checker:
            outcome = await checker.check(target)
        await self.session.refresh(onboarding)
        check = await self._apply(actor, onboarding, outcome)
        await self.commit()
        return onboarding, check

    async def check_live(self, *, area_id: int | None = None, actor: Actor = SYSTEM) -> CheckSummary:
        """Checks every live listing (within ``area_id`` if given); for ``tracker listings check``."""
        query = select(Onboarding).where(
            Onboarding.stage == LIVE,
            Onboarding.listing_url.is_not(None),
            Subjects(self.session).visible(actor, area_id=area_id),
            Onboarding.platform_id.in_(select(Platform.id).where(Platform.active)),
        )
        onboardings = list(await self.session.scalars(query.order_by(Onboarding.id)))
        targets = await self._targets(onboardings)
        await self.commit(then="write")
        async with self.checker() as checker:
            outcomes = await checker.check_many([targets[o.id] for o in onboardings])
        summary = {"checked": 0, "ok": 0, "broken": 0, "newly_broken": 0, "unreachable": 0, "inconclusive": 0}
        resolved = 0
        broken: list[Onboarding] = []
        for onboarding, outcome in zip(onboardings, outcomes, strict=True):
            await self.session.refresh(onboarding)
            was_broken, was_short = onboarding.broken, onboarding.needs_resolution
            check = await self._apply(actor, onboarding, outcome)
            summary["checked"] += 1
            summary[check.verdict] += 1
            summary["newly_broken"] += int(onboarding.broken and not was_broken)
            resolved += int(was_short and not onboarding.needs_resolution)
            if onboarding.broken:
                broken.append(onboarding)
        await self.commit()
        subjects = await Subjects(self.session).of(broken)
        platforms = await OnboardingService(self.session).platforms_of(broken)
        return CheckSummary(
            **summary,
            resolved=resolved,
            broken_listings=[
                BrokenListing(
                    onboarding_id=o.id,
                    subject_code=subjects[o.id].code,
                    subject_name=subjects[o.id].name,
                    platform=platforms[o.platform_id].name,
                    listing_url=o.listing_url or "",
                    status_code=o.check_status,
                    final_url=o.check_final_url,
                )
                for o in broken
            ],
        )

    async def _apply(self, actor: Actor, onboarding: Onboarding, outcome: Outcome) -> ListingCheck:
        """Keeps the result, updates the record's last check and its broken flag (not committed)."""
        verdict = outcome.verdict
        check = ListingCheck(
            onboarding_id=onboarding.id,
            checked_at=outcome.checked_at,
            url=outcome.url,
            reachable=outcome.reachable,
            status_code=outcome.status_code,
            final_url=outcome.final_url,
            redirects=[{"url": h.url, "status_code": h.status_code, "location": h.location} for h in outcome.hops],
            error=outcome.error,
            elapsed_ms=outcome.elapsed_ms,
            verdict=verdict,
            stage=onboarding.stage,
        )
        self.session.add(check)
        if outcome.url != onboarding.listing_url:
            # The address changed while it was being fetched: the result is kept but says nothing now.
            await self.session.flush()
            return check
        before = {"broken": onboarding.broken, "check_verdict": onboarding.check_verdict}
        onboarding.checked_at = outcome.checked_at
        onboarding.check_verdict = verdict
        onboarding.check_status = outcome.status_code
        onboarding.check_final_url = outcome.final_url
        if verdict == "broken" and onboarding.stage == LIVE:
            if not onboarding.broken:
                onboarding.broken = True
                onboarding.broken_since = outcome.checked_at
        elif verdict == "ok":
            onboarding.broken = False
            onboarding.broken_since = None
        after: dict[str, Any] = {"broken": onboarding.broken, "check_verdict": verdict, "status": outcome.status_code}
        if onboarding.needs_resolution and verdict == "ok" and outcome.final_url:
            after.update(await self._resolve(onboarding, outcome.final_url))
        await self.session.flush()
        record(
            self.session,
            actor,
            "check",
            "onboarding",
            onboarding.id,
            area_id=await OnboardingService(self.session).area_of(onboarding),
            before=before,
            after={**after, "check_id": check.id},
            at=outcome.checked_at,
        )
        return check

    async def _resolve(self, onboarding: Onboarding, final_url: str) -> dict[str, Any]:
        """A short link that led to a product page of its platform is replaced by the full address."""
        platform = await self.session.get(Platform, onboarding.platform_id)
        assert platform is not None
        try:
            parsed = parse_url(rules_of(platform), final_url, kind="product", field_name="listing_url")
        except ValidationFailed:
            return {}
        if parsed.kind != "product":
            return {}
        clash = await self.session.scalar(
            select(Onboarding.id).where(
                Onboarding.platform_id == platform.id,
                Onboarding.item_key == parsed.item_key,
                Onboarding.id != onboarding.id,
            )
        )
        if clash is not None:
            return {"resolution_conflict": clash}
        onboarding.listing_url = parsed.url
        onboarding.item_key = parsed.item_key
        onboarding.needs_resolution = False
        return {"listing_url": parsed.url, "item_key": parsed.item_key}
