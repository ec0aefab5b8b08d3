"""Demonstration data of the OCOP side: Duy Xuyên-style producers, their products and certificates, and
their progress on e-commerce platforms. Called at the end of ``tracker seed --demo``.

Created through the services (the same checks and audit entries as the API). Decision dates are set
relative to today so that one certificate is always about to run out and one has run out. Idempotent:
nothing is added when the demo producers exist.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ocop.models import Producer
from ocop.reference import VALIDITY_MONTHS, add_months
from ocop.schemas import CertificationCreate, ProducerCreate, ProductCreate
from ocop.services import ProducerService, ProductService
from tracker.accounts.actor import Actor
from tracker.accounts.models import User
from tracker.audit.services import record
from tracker.lib import clock

DEMO_PRODUCER_ACCOUNT = "sanxuat.demo"


@dataclass(frozen=True)
class DemoProduct:
    name: str
    subgroup: str
    product_set: str | None
    # (stars, score, months before today) per decision, oldest first; None: not certified yet.
    decisions: tuple[tuple[int, int, int], ...]
    # (platform, stage, listing path or None, rejection reason or None)
    onboardings: tuple[tuple[str, str, str | None, str | None], ...] = ()


@dataclass(frozen=True)
class DemoProducer:
    name: str
    kind: str
    representative: str
    phone: str
    tax_code: str | None
    area: str
    address: str
    crew: str  # the task force account that registers it
    products: tuple[DemoProduct, ...]
    shops: tuple[tuple[str, str, str | None], ...] = ()  # (platform, stage, shop address)


EXPIRING = VALIDITY_MONTHS - 1  # decided 35 months ago: runs out in about a month
EXPIRED = VALIDITY_MONTHS + 4

PRODUCERS = (
    DemoProducer(
        name="Hợp tác xã Dệt lụa Mã Châu",
        kind="hop_tac_xa",
        representative="Huỳnh Văn Lộc",
        phone="0979444555",
        tax_code=None,
        area="20599",
        address="Khối phố Mã Châu, Xã Nam Phước",
        crew="tocns.namphuoc",
        shops=(("shopee", "shop_active", "https://shopee.vn/luamachau"), ("postmart", "shop_active", None)),
        products=(
            DemoProduct(
                "Khăn lụa tơ tằm Mã Châu",
                "4.2",
                None,
                ((3, 64, 30), (4, 76, 8)),
                (
                    ("postmart", "listing_live", "/p/khan-lua-to-tam-ma-chau-80231.html", None),
                    ("shopee", "listing_live", "/khan-lua-to-tam-ma-chau-i.90210555.2301774411", None),
                    ("lazada", "account_created", None, None),
                ),
            ),
            DemoProduct(
                "Áo dài lụa Mã Châu",
                "4.2",
                None,
                ((4, 72, 14),),
                (
                    ("shopee", "listing_submitted", "/ao-dai-lua-ma-chau-i.90210555.2301774412", None),
                    ("postmart", "listing_rejected", "/p/ao-dai-lua-ma-chau-80232.html", "Ảnh sản phẩm chưa đủ"),
                ),
            ),
            DemoProduct("Túi lụa thêu tay", "4.1", None, ((3, 58, 20),), (("tiktok_shop", "planned", None, None),)),
            DemoProduct("Tranh lụa Thu Bồn", "4.1", None, ((3, 55, EXPIRED),)),
            DemoProduct("Khăn choàng lụa tơ tằm", "4.2", None, ((3, 61, 5),), (("voso", "shop_pending", None, None),)),
        ),
    ),
    DemoProducer(
        name="Hộ kinh doanh Bánh tráng Bà Tư",
        kind="ho_kinh_doanh",
        representative="Nguyễn Thị Tư",
        phone="0935777888",
        tax_code="049168001234",
        area="20623",
        address="Thôn Chiêm Sơn, Xã Duy Xuyên",
        crew="tocns.duytrinh",
        products=(
            DemoProduct(
                "Bánh tráng nước dừa Bà Tư",
                "1.3",
                "1.3.b",
                ((3, 66, EXPIRING),),
                (
                    ("voso", "listing_live", "/banh-trang-nuoc-dua-ba-tu-p551203.html", None),
                    ("postmart", "shop_active", None, None),
                ),
            ),
            DemoProduct("Bánh tráng mè đen Bà Tư", "1.3", "1.3.b", ((3, 60, 12),), (("voso", "planned", None, None),)),
            DemoProduct("Bánh tráng ớt cay", "1.3", "1.3.b", ((3, 52, 2),)),
            DemoProduct("Bánh đa nướng Chiêm Sơn", "1.3", "1.3.b", ((3, 57, 26),)),
        ),
    ),
    DemoProducer(
        name="Công ty TNHH Thực phẩm Thu Bồn",
        kind="doanh_nghiep",
        representative="Trương Công Thành",
        phone="0905666777",
        tax_code="4001234569",  # a well-formed demonstration code
        area="20611",
        address="Thôn Kiểm Lâm, Xã Thu Bồn",
        crew="tocns.thubon",
        products=(
            DemoProduct(
                "Nước mắm cá cơm Cửa Đại",
                "1.4",
                "1.4.a",
                ((4, 81, 10),),
                (
                    ("tiki", "listing_live", "/nuoc-mam-ca-com-cua-dai-p271845903.html", None),
                    ("lazada", "listing_submitted", "/products/nuoc-mam-ca-com-cua-dai-i2290114477.html", None),
                ),
            ),
            DemoProduct("Tương ớt Thu Bồn", "1.4", "1.4.a", ((3, 63, 18),), (("tiki", "shop_active", None, None),)),
            DemoProduct(
                "Mật ong rừng Hòn Kẽm", "1.2", "1.2.b", ((4, 74, 6),), (("shopee", "shop_pending", None, None),)
            ),
            DemoProduct("Tinh dầu sả chanh", "3.3", None, ((4, 79, 3),)),
            DemoProduct("Trà thảo mộc Duy Xuyên", "1.5", "1.5.b", ((3, 59, 22),)),
            DemoProduct(
                "Rượu gạo Trà Kiệu", "2.1", "2.1.a", ((3, 62, 16),), (("sendo", "account_created", None, None),)
            ),
        ),
    ),
)

PLATFORM_HOSTS = {
    "shopee": "https://shopee.vn",
    "lazada": "https://www.lazada.vn",
    "tiki": "https://tiki.vn",
    "sendo": "https://www.sendo.vn",
    "tiktok_shop": "https://shop.tiktok.com",
    "postmart": "https://postmart.vn",
    "voso": "https://voso.vn",
}
WALK = ("planned", "account_created", "shop_pending", "shop_active", "listing_submitted", "listing_live")


def _actor(user: User) -> Actor:
    return Actor(user.id, user.username, user.role, user.area_id, user.full_name)


async def seed_ocop_demo(session: AsyncSession, users: dict[str, User]) -> str:
    from tracker.onboarding.schemas import OnboardingCreate, StageChange
    from tracker.onboarding.services import OnboardingService

    if await session.scalar(select(Producer.id).where(Producer.name == PRODUCERS[0].name)) is not None:
        return "Dữ liệu OCOP mẫu đã có sẵn. / OCOP demonstration data already present."
    today = clock.today()
    producers, products_made, onboardings_made = 0, 0, 0
    decision_no = 2900
    for demo in PRODUCERS:
        actor = _actor(users[demo.crew])
        producer = await ProducerService(session).add(
            actor,
            ProducerCreate(
                name=demo.name,
                kind=demo.kind,  # type: ignore[arg-type]
                representative=demo.representative,
                phone=demo.phone,
                area_code=demo.area,
                tax_code=demo.tax_code,
                address=demo.address,
            ),
        )
        producers += 1
        onboarding = OnboardingService(session)
        for platform, stage, shop_url in demo.shops:
            await onboarding.add(
                actor,
                OnboardingCreate(platform=platform, producer_id=producer.id, stage=stage, shop_url=shop_url),  # type: ignore[arg-type]
            )
            onboardings_made += 1
        for item in demo.products:
            service = ProductService(session)
            product = await service.add(
                actor,
                ProductCreate(
                    producer_id=producer.id, name=item.name, subgroup=item.subgroup, product_set=item.product_set
                ),
            )
            products_made += 1
            for stars, score, months_ago in item.decisions:
                decision_no += 17
                await service.certify(
                    actor,
                    product.id,
                    CertificationCreate(
                        stars=stars,
                        score=score,
                        decision_no=f"{decision_no}/QĐ-UBND",
                        decision_date=add_months(today, -months_ago) - dt.timedelta(days=3),
                    ),
                )
            for platform, stage, path, reason in item.onboardings:
                final = "listing_submitted" if stage == "listing_rejected" else stage
                url = f"{PLATFORM_HOSTS[platform]}{path}" if path else None
                record_ = await onboarding.add(
                    actor,
                    OnboardingCreate(
                        platform=platform,
                        product_id=product.id,
                        listing_url=url if final in ("listing_submitted", "listing_live") else None,
                    ),
                )
                for step in WALK[1 : WALK.index(final) + 1]:
                    record_ = await onboarding.change_stage(actor, record_.id, StageChange(stage=step))  # type: ignore[arg-type]
                if stage == "listing_rejected":
                    await onboarding.change_stage(actor, record_.id, StageChange(stage=stage, reason=reason))  # type: ignore[arg-type]
                onboardings_made += 1
    account = users.get(DEMO_PRODUCER_ACCOUNT)
    first = await session.scalar(select(Producer).where(Producer.name == PRODUCERS[0].name))
    if account is not None and first is not None:
        account.producer_id = first.id
        record(
            session,
            _actor(users["canbo.duyxuyen"]),
            "update",
            "user",
            account.id,
            area_id=account.area_id,
            before={"producer_id": None},
            after={"producer_id": first.id},
        )
        await session.commit()
    return (
        f"OCOP: {producers} chủ thể, {products_made} sản phẩm, {onboardings_made} hồ sơ lên sàn; "
        f"tài khoản {DEMO_PRODUCER_ACCOUNT} xem hồ sơ của {PRODUCERS[0].name}."
    )
