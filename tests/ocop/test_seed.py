"""``tracker seed --demo`` on a new database adds the OCOP demonstration data, once."""

from __future__ import annotations

import asyncio
import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from ocop.models import Certification, Producer, Product
from tests.conftest import SECRET
from tracker import cli
from tracker.accounts.models import User
from tracker.lib import clock
from tracker.onboarding.models import Onboarding


async def test_demo_data(tmp_path, monkeypatch, capsys):
    url = f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("SECRET_KEY", SECRET)
    monkeypatch.setenv("TRACKER_DATA_DIR", str(tmp_path))
    assert await asyncio.to_thread(cli.main, ["db", "upgrade"]) == 0
    assert await asyncio.to_thread(cli.main, ["seed", "--demo"]) == 0
    assert "OCOP: 3 chủ thể, 15 sản phẩm" in capsys.readouterr().out

    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            kinds = set(await conn.scalars(select(Producer.kind)))
            assert kinds == {"hop_tac_xa", "ho_kinh_doanh", "doanh_nghiep"}
            assert await conn.scalar(select(func.count()).select_from(Product)) == 15
            today = clock.today()
            current = (
                await conn.execute(
                    select(Certification.stars, Certification.valid_until).where(Certification.status == "active")
                )
            ).all()
            assert {stars for stars, _ in current} == {3, 4}
            assert sum(1 for _, until in current if until < today) == 1  # one expired
            assert sum(1 for _, until in current if today <= until <= today + dt.timedelta(days=90)) == 1
            assert await conn.scalar(select(func.count()).where(Certification.status == "superseded")) == 1
            stages = set(await conn.scalars(select(Onboarding.stage)))
            assert {"planned", "shop_active", "listing_submitted", "listing_live", "listing_rejected"} <= stages
            platforms = await conn.scalar(select(func.count(func.distinct(Onboarding.platform_id))))
            assert platforms >= 5
            linked = await conn.scalar(select(User.producer_id).where(User.username == "sanxuat.demo"))
            first = await conn.scalar(select(Producer.id).where(Producer.name == "Hợp tác xã Dệt lụa Mã Châu"))
            assert linked == first
    finally:
        await engine.dispose()

    assert await asyncio.to_thread(cli.main, ["seed", "--demo"]) == 0
    assert "không thêm gì" in capsys.readouterr().out
