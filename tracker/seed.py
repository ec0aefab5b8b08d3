"""``tracker seed --demo``: the Duy Xuyên setting (Quảng Nam, before the 2025 reform).

Idempotent: when the demo accounts exist, nothing is added. Records are created through the services
(the same validation, duplicate checks and audit entries as the API) with the clock set to the dates of
a programme that started in 2024, so that the history and its audit entries carry those dates from the
start; only the ORM's own ``created_at`` defaults are moved back afterwards (they are not audited).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from tracker.accounts.actor import SYSTEM, Actor
from tracker.accounts.models import User
from tracker.accounts.schemas import MemberAdd, TeamCreate, UserCreate
from tracker.accounts.services import TeamService, UserService
from tracker.areas.schemas import VillageCreate
from tracker.areas.services import AreaService
from tracker.db.engine import create_database
from tracker.lib import clock
from tracker.lib.exceptions import ValidationFailed
from tracker.lib.identifiers import normalize_mobile
from tracker.settings import Settings

DEMO_PASSWORD = "ChoSo@2026"  # noqa: S105 (printed on purpose: demonstration accounts only)


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    role: str
    area: str | None
    phone: str | None


DEMO_USERS = [
    DemoUser("admin", "Quản trị hệ thống", "admin", None, None),
    DemoUser("canbo.duyxuyen", "Trần Thị Minh Thư", "officer", "508", "0905111222"),
    DemoUser("tocns.namphuoc", "Nguyễn Văn Hòa", "taskforce", "20599", "0935222333"),
    DemoUser("tocns.duytrinh", "Lê Thị Hạnh", "taskforce", "20623", "0914333444"),
    DemoUser("tocns.thubon", "Phạm Quốc Bảo", "taskforce", "20611", "0983555666"),
    DemoUser("sanxuat.demo", "Huỳnh Văn Lộc", "producer", "20599", "0979444555"),
]

MARKETS = [
    # name, code, area code (before the reform), kind, stalls, address, (lat, lon)
    (
        "Chợ Nam Phước",
        "NP",
        "20599",
        "hang_1",
        420,
        "Đường Hùng Vương, Thị trấn Nam Phước",
        (15.8336, 108.2549),
    ),
    ("Chợ Trà Kiệu", "TK", "20620", "hang_2", 180, "Thôn Trà Kiệu Tây, Xã Duy Sơn", (15.8171, 108.2319)),
    ("Chợ Chiêm Sơn", "CS", "20617", "hang_3", 95, "Thôn Chiêm Sơn, Xã Duy Trinh", (15.8077, 108.2133)),
    ("Chợ Kiểm Lâm", "KL", "20611", "hang_3", 120, "Thôn Kiểm Lâm, Xã Duy Hòa", (15.7985, 108.1952)),
]
VILLAGES = [
    ("20599", "Mỹ Hòa", "Khối phố"),
    ("20599", "Long Xuyên", "Khối phố"),
    ("20617", "Chiêm Sơn", "Thôn"),
]

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Huỳnh",
    "Hoàng",
    "Phan",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Trương",
    "Đoàn",
]
MIDDLE_F = ["Thị", "Thị Kim", "Thị Thu", "Thị Ngọc", "Thị Mỹ", "Thị Thanh"]
MIDDLE_M = ["Văn", "Hữu", "Đức", "Minh", "Công", "Quang"]
GIVEN_F = [
    "Lan",
    "Hoa",
    "Cúc",
    "Đào",
    "Hồng",
    "Mai",
    "Nga",
    "Phượng",
    "Sương",
    "Tâm",
    "Thu",
    "Trang",
    "Yến",
    "Hạnh",
    "Liên",
    "Nhung",
    "Oanh",
    "Xuân",
]
GIVEN_M = ["An", "Bình", "Dũng", "Hải", "Hùng", "Khánh", "Lộc", "Phúc", "Sơn", "Tuấn", "Thành", "Vinh"]
PREFIXES = [
    "090",
    "093",
    "089",
    "070",
    "079",
    "077",
    "076",
    "078",
    "091",
    "094",
    "088",
    "083",
    "084",
    "085",
    "081",
    "082",
    "086",
    "096",
    "097",
    "098",
    "032",
    "033",
    "034",
    "035",
    "036",
    "037",
    "038",
    "039",
]
BANKS = [
    ("970405", 13),
    ("970436", 13),
    ("970415", 12),
    ("970418", 12),
    ("970422", 10),
    ("970403", 12),
    ("970423", 11),
    ("970416", 8),
]
CATEGORIES = [
    "rau_cu_qua",
    "thit",
    "thuy_hai_san",
    "gao_hang_kho",
    "quan_ao_vai",
    "an_uong",
    "tap_hoa",
    "hoa_cay_canh",
    "khac",
]
PROGRAMME_START = dt.datetime(2024, 3, 1, 8, 0, tzinfo=dt.UTC)
MARKETS_OPENED = PROGRAMME_START - dt.timedelta(days=14)


def _phone(rng: random.Random, taken: set[str]) -> str:
    while True:
        candidate = rng.choice(PREFIXES) + f"{rng.randrange(10**7):07d}"
        try:
            phone = normalize_mobile(candidate)
        except ValidationFailed:
            continue
        if phone not in taken:
            taken.add(phone)
            return phone


def _name(rng: random.Random) -> str:
    if rng.random() < 0.7:  # most market stall holders are women
        return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE_F)} {rng.choice(GIVEN_F)}"
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE_M)} {rng.choice(GIVEN_M)}"


def _actor(user: User) -> Actor:
    return Actor(user.id, user.username, user.role, user.area_id, user.full_name)


async def _users(session: AsyncSession) -> dict[str, User]:
    service = UserService(session)
    users: dict[str, User] = {}
    for demo in DEMO_USERS:
        users[demo.username] = await service.add(
            SYSTEM,
            UserCreate(
                username=demo.username,
                full_name=demo.full_name,
                role=demo.role,  # type: ignore[arg-type]
                password=DEMO_PASSWORD,
                area_code=demo.area,
                phone=demo.phone,
            ),
        )
    return users


async def seed_demo(settings: Settings) -> str:
    from qr.banks import load_directory
    from vendors.schemas import MarketCreate, PaymentAccountInput, StatusChange, VendorCreate
    from vendors.services import MarketService, VendorService

    db = create_database(settings, null_pool=True)
    try:
        async with db.write() as session:
            if await session.scalar(select(User.id).where(User.username == "canbo.duyxuyen")) is not None:
                return "Dữ liệu mẫu đã có sẵn; không thêm gì. / Demonstration data already present; nothing added."
            rng = random.Random(2025)
            users = await _users(session)
            officer = _actor(users["canbo.duyxuyen"])
            areas = AreaService(session)
            for commune, name, kind in VILLAGES:
                await areas.add_village(
                    officer,
                    VillageCreate(parent_code=commune, name=name, type=kind, valid_from=dt.date(2020, 1, 1)),
                )
            teams = TeamService(session)
            team_np = await teams.add(
                officer, TeamCreate(name="Tổ công nghệ số cộng đồng Nam Phước", area_code="20599")
            )
            team_dx = await teams.add(
                officer, TeamCreate(name="Tổ công nghệ số cộng đồng Duy Xuyên", area_code="20623")
            )
            team_tb = await teams.add(officer, TeamCreate(name="Tổ công nghệ số cộng đồng Thu Bồn", area_code="20611"))
            await teams.add_member(officer, team_np.id, MemberAdd(user_id=users["tocns.namphuoc"].id))
            await teams.add_member(officer, team_dx.id, MemberAdd(user_id=users["tocns.duytrinh"].id))
            await teams.add_member(officer, team_tb.id, MemberAdd(user_id=users["tocns.thubon"].id))
            # Which task force works each market (the commune it lies in since the reform).
            crews = {
                "NP": (_actor(users["tocns.namphuoc"]), team_np.id),
                "TK": (_actor(users["tocns.duytrinh"]), team_dx.id),
                "CS": (_actor(users["tocns.duytrinh"]), team_dx.id),
                "KL": (_actor(users["tocns.thubon"]), team_tb.id),
            }

            markets = []
            market_service = MarketService(session)
            for name, code, area_code, kind, stalls, address, (lat, lon) in MARKETS:
                before = dt.date(2025, 6, 30)
                area = await areas.resolve(area_code, before)
                with clock.fixed_at(MARKETS_OPENED):
                    market = await market_service.add(
                        officer,
                        MarketCreate(
                            name=name,
                            code=code,
                            area_code=area.code,
                            kind=kind,  # type: ignore[arg-type]
                            stall_count=stalls,
                            address=address,
                            latitude=lat,
                            longitude=lon,
                        ),
                    )
                markets.append(market)
            # The markets belong to the units in force when they were registered (before the reform).
            for market, (_, _, area_code, *_rest) in zip(markets, MARKETS, strict=True):
                unit = await areas.resolve(area_code, dt.date(2025, 6, 30))
                market.area_id = unit.id
                market.created_at = market.updated_at = MARKETS_OPENED
            await session.commit()

            vendors = VendorService(session, load_directory(settings.extra_banks_csv))
            phones: set[str] = set()
            plan = [("NP", 30), ("TK", 12), ("CS", 10), ("KL", 8)]
            created = 0
            for market in markets:
                count = dict(plan)[market.code]
                actor, team_id = crews[market.code]
                for n in range(count):
                    registered_at = PROGRAMME_START + dt.timedelta(days=rng.randrange(600), hours=rng.randrange(9))
                    name = _name(rng)
                    bin_, digits = rng.choice(BANKS)
                    accounts = []
                    if rng.random() < 0.85:
                        accounts.append(
                            PaymentAccountInput(
                                bank_bin=bin_,
                                account_number=str(rng.randrange(10 ** (digits - 1), 10**digits)),
                            )
                        )
                    if rng.random() < 0.2:
                        other_bin, other_digits = rng.choice([b for b in BANKS if b[0] != bin_])
                        accounts.append(
                            PaymentAccountInput(
                                bank_bin=other_bin,
                                account_number=str(rng.randrange(10 ** (other_digits - 1), 10**other_digits)),
                            )
                        )
                    with clock.fixed_at(registered_at):
                        vendor, _ = await vendors.register(
                            actor,
                            VendorCreate(
                                full_name=name,
                                phone=_phone(rng, phones),
                                market_id=market.id,
                                stall=f"{rng.choice('ABCDEK')}{n + 1}",
                                goods_category=rng.choice(CATEGORIES),  # type: ignore[arg-type]
                                consent=True,
                                consent_date=registered_at.date(),
                                personal_id=f"049{rng.randrange(10**9):09d}" if rng.random() < 0.6 else None,
                                payment_accounts=accounts,
                                team_id=team_id,
                            ),
                        )
                    created += 1
                    await _backdate(session, vendor.id, registered_at)
                    roll = rng.random()
                    path = (
                        []
                        if roll < 0.35 or not accounts
                        else ["qr_issued"]
                        if roll < 0.6
                        else ["qr_issued", "active"]
                        if roll < 0.9
                        else ["qr_issued", "active", "paused"]
                    )
                    moment = registered_at
                    for status in path:
                        moment = moment + dt.timedelta(days=rng.randrange(3, 60))
                        with clock.fixed_at(moment):
                            vendor = await vendors.change_status(actor, vendor.id, StatusChange(status=status))  # type: ignore[arg-type]
            await session.commit()
            from ocop.seed import seed_ocop_demo

            ocop_summary = await seed_ocop_demo(session, users)
            from tracker.reports.seed import seed_report_demo

            targets_summary = await seed_report_demo(session, users)
            lines = [
                f"Đã tạo dữ liệu mẫu / demonstration data created: {len(markets)} chợ, {created} tiểu thương.",
                ocop_summary,
                targets_summary,
                "Tài khoản mẫu / demo accounts (mật khẩu / password: " + DEMO_PASSWORD + "):",
            ]
            lines += [f"  {u.username:<16} {u.role:<10} {u.full_name}" for u in DEMO_USERS]
            return "\n".join(lines)
    finally:
        await db.dispose()


async def _backdate(session: AsyncSession, vendor_id: int, at: dt.datetime) -> None:
    """The ORM's ``created_at`` defaults read the system clock; they are moved to the registration date."""
    from vendors.models import PaymentAccount, Vendor

    await session.execute(
        update(Vendor)
        .where(Vendor.id == vendor_id)
        .values(created_at=at, updated_at=at)
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        update(PaymentAccount)
        .where(PaymentAccount.vendor_id == vendor_id)
        .values(created_at=at, updated_at=at)
        .execution_options(synchronize_session=False)
    )
    await session.commit()
