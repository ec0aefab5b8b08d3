"""How far a producer's products have come: the producer's own overview and the public lookup.

The public lookup answers only with public facts (the product's name, its stars and each platform's
stage). It needs the product code and the last four digits of the producer's phone; a wrong pair is
answered exactly as an unknown code is. Lookups are counted in the database (every worker agrees): per
client address, and failures per code, so that the four digits cannot be guessed.
"""

from __future__ import annotations

import datetime as dt
import hmac
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ocop.reference import CERTIFICATION_STATUSES, OCOP_MIN_STARS, effective_status
from ocop.services import ProducerService, ProductService
from ocop.services.certifications import CertificationService
from tracker.accounts import throttle
from tracker.accounts.actor import PRODUCER, Actor
from tracker.lib import clock
from tracker.lib.exceptions import FieldProblem, NotFound, ValidationFailed
from tracker.lib.i18n import Lang, Text
from tracker.onboarding.models import Onboarding, Platform
from tracker.onboarding.reference import STAGE_ORDER, STAGES
from tracker.onboarding.schemas import (
    CertificationBrief,
    ListingBrief,
    PlatformRef,
    ProducerBrief,
    ProducerOverview,
    ProductStatus,
    PublicPlatformStage,
    PublicStatus,
)
from tracker.onboarding.services.onboardings import OnboardingService, last_check, next_step

LOOKUPS_PER_ADDRESS = 30
LOOKUP_ADDRESS_WINDOW = dt.timedelta(minutes=10)
FAILED_LOOKUPS_PER_CODE = 10
LOOKUP_CODE_WINDOW = dt.timedelta(hours=1)
EXPIRY_NOTICE_DAYS = 90

NO_SUCH_PRODUCT = Text(
    "Không tìm thấy sản phẩm với mã và 4 số cuối điện thoại này.",
    "No product with this code and these last four phone digits.",
)


def _lookup_blocked(seconds: int) -> Text:
    minutes = max(1, (seconds + 59) // 60)
    return Text(
        f"Tra cứu quá nhiều lần. Vui lòng thử lại sau {minutes} phút.",
        f"Too many lookups. Please try again in {minutes} minute(s).",
    )


def certification_step(valid_until: dt.date | None, status: str | None, lang: Lang) -> str | None:
    today = clock.today()
    if status is None:
        return Text(
            "Chưa có chứng nhận OCOP: liên hệ phòng kinh tế để được đánh giá.",
            "No OCOP certificate yet: ask the economic office for an evaluation.",
        )(lang)
    if status != "active" or valid_until is None:
        return Text(
            "Chứng nhận không còn hiệu lực: đăng ký đánh giá, công nhận lại.",
            "The certificate is no longer valid: apply for re-evaluation.",
        )(lang)
    if (valid_until - today).days <= EXPIRY_NOTICE_DAYS:
        return Text(
            f"Chứng nhận hết hạn ngày {valid_until:%d/%m/%Y}: chuẩn bị hồ sơ đánh giá lại.",
            f"The certificate runs out on {valid_until.isoformat()}: prepare the re-evaluation file.",
        )(lang)
    return None


class StatusService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def _brief(self, o: Onboarding, platform: Platform, lang: Lang) -> ListingBrief:
        return ListingBrief(
            onboarding_id=o.id,
            platform=PlatformRef(id=platform.id, key=platform.key, name=platform.name),
            stage=o.stage,  # type: ignore[arg-type]
            stage_label=STAGES[o.stage](lang),
            stage_changed_at=o.stage_changed_at,
            listing_url=o.listing_url,
            shop_url=o.shop_url,
            last_check=last_check(o, lang),
            broken=o.broken,
            rejection_reason=o.rejection_reason,
            next_step=next_step(o, lang),
        )

    async def _records(self, producer_id: int) -> tuple[list[Onboarding], dict[int, Platform]]:
        records = list(
            await self.session.scalars(
                select(Onboarding).where(Onboarding.producer_id == producer_id).order_by(Onboarding.platform_id)
            )
        )
        return records, await OnboardingService(self.session).platforms_of(records)

    async def overview(self, actor: Actor, producer_id: int | None, lang: Lang = "vi") -> ProducerOverview:
        """A producer's products with their certificates and, per platform, the stage, last check and next step."""
        if producer_id is None:
            if actor.role != PRODUCER or actor.producer_id is None:
                raise ValidationFailed(
                    [FieldProblem("producer_id", Text("Cần chọn chủ thể.", "Choose a producer."), "required")]
                )
            producer_id = actor.producer_id
        producer = await ProducerService(self.session).one(actor, producer_id)
        products = await ProductService(self.session).of_producer(producer.id)
        certifications = await CertificationService(self.session).of_products([p.id for p in products])
        records, platforms = await self._records(producer.id)
        today = clock.today()
        listings: dict[int, list[ListingBrief]] = defaultdict(list)
        shops: list[ListingBrief] = []
        for o in records:
            brief = self._brief(o, platforms[o.platform_id], lang)
            if o.subject_kind == "product" and o.product_id is not None:
                listings[o.product_id].append(brief)
            else:
                shops.append(brief)
        items = []
        for p in products:
            history = certifications.get(p.id, [])
            current = CertificationService.current(history, today)
            shown = current or (history[0] if history else None)
            status = effective_status(shown.status, shown.valid_until, today) if shown else None
            items.append(
                ProductStatus(
                    id=p.id,
                    code=p.code,
                    name=p.name,
                    stars=current.stars if current else None,
                    certification=CertificationBrief(
                        stars=shown.stars,
                        decision_no=shown.decision_no,
                        decision_date=shown.decision_date,
                        valid_until=shown.valid_until,
                        status=status or "",
                        status_label=CERTIFICATION_STATUSES[status or "active"](lang),
                        days_left=(shown.valid_until - today).days if status == "active" else None,
                    )
                    if shown
                    else None,
                    certification_step=certification_step(shown.valid_until if shown else None, status, lang),
                    listings=listings.get(p.id, []),
                )
            )
        return ProducerOverview(
            producer=ProducerBrief(id=producer.id, code=producer.code, name=producer.name),
            shops=shops,
            products=items,
        )

    async def public(self, code: str, phone_last4: str, address: str, lang: Lang = "vi") -> PublicStatus:
        """The public facts of a product, for whoever holds its code and the producer's last four phone digits."""
        code = code.strip().upper()[:24]
        address_key, code_key = f"lookup:addr:{address}"[:120], f"lookup:code:{code}"
        await throttle.ensure_not_blocked(self.session, [address_key, code_key], _lookup_blocked)
        await throttle.record_failure(self.session, {address_key: LOOKUPS_PER_ADDRESS}, LOOKUP_ADDRESS_WINDOW)
        product = await ProductService(self.session).by_code(code)
        # An unknown code takes the same path as a wrong pair (the same queries, the same comparison).
        producers = await ProducerService(self.session).by_ids({product.producer_id if product else 0})
        producer = producers.get(product.producer_id) if product else None
        # An anonymised producer has no phone: nothing matches it any more.
        expected = producer.phone[-4:] if producer and len(producer.phone) >= 4 else "----"
        if not hmac.compare_digest(expected.encode(), phone_last4.encode()) or product is None:
            await throttle.record_failure(self.session, {code_key: FAILED_LOOKUPS_PER_CODE}, LOOKUP_CODE_WINDOW)
            await self.session.commit()
            raise NotFound(NO_SUCH_PRODUCT)
        await self.session.commit()
        today = clock.today()
        history = (await CertificationService(self.session).of_products([product.id])).get(product.id, [])
        current = CertificationService.current(history, today)
        records, platforms = await self._records(product.producer_id)
        own = {o.platform_id: o for o in records if o.product_id == product.id}
        shops = {o.platform_id: o for o in records if o.subject_kind == "producer" and o.platform_id not in own}
        shown = sorted(
            [*own.values(), *shops.values()],
            key=lambda o: (-STAGE_ORDER.index(o.stage), platforms[o.platform_id].name),
        )
        return PublicStatus(
            code=product.code,
            name=product.name,
            stars=current.stars if current else None,
            is_ocop=current is not None and current.stars >= OCOP_MIN_STARS,
            certificate_valid_until=current.valid_until if current else None,
            platforms=[
                PublicPlatformStage(
                    platform=platforms[o.platform_id].key,
                    platform_name=platforms[o.platform_id].name,
                    stage=o.stage,  # type: ignore[arg-type]
                    stage_label=STAGES[o.stage](lang),
                    since=clock.local_date(o.stage_changed_at),
                )
                for o in shown
            ],
        )
