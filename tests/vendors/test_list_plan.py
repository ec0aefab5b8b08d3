"""How SQLite reads a newest-first page of vendors: the whole register's order for a province, an index for a commune.

SQLite keeps no statistics, so unless told how much of the register a scope holds it reads every vendor of
a province through the area index and sorts them all for one page (a province of 100,000 vendors: about
250 ms a page). These tests read the query plan SQLite chooses (not a timing) on a register where one
commune holds 1 vendor in 100, and check that the pages are the same whichever way they are read.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool

from bench.dataset import commune_ids, load_vendors
from qr.banks import load_directory
from tracker.accounts.actor import TASKFORCE, Actor
from tracker.areas.models import AreaUnit
from tracker.db.migrate import upgrade
from tracker.lib.pagination import PageParams
from tracker.settings import Settings
from vendors.models import Vendor
from vendors.services.vendor_reads import VendorFilters
from vendors.services.vendors import VendorService

PAGE = 50


class Register:
    def __init__(self, session: AsyncSession, province: int, big: int, small: int) -> None:
        self.session = session
        self.province, self.big, self.small = province, big, small
        self.service = VendorService(session, load_directory())

    def actor(self, area_id: int) -> Actor:
        return Actor(user_id=None, username="to-cong-nghe", role=TASKFORCE, area_id=area_id)

    async def plan(self, area_id: int) -> str:
        actor, filters = self.actor(area_id), VendorFilters()
        share = await self.service._scope_share(actor, filters, Vendor.id)
        ids = self.service.matching_ids(actor, filters, share).order_by(Vendor.id.desc()).limit(PAGE)
        sql = str(ids.compile(self.session.bind, compile_kwargs={"literal_binds": True}))
        rows = await self.session.execute(text(f"EXPLAIN QUERY PLAN {sql}"))
        return "\n".join(str(row[-1]) for row in rows)

    async def page(self, area_id: int) -> list[int]:
        vendors, _ = await self.service.search(self.actor(area_id), VendorFilters(), PageParams(limit=PAGE, offset=0))
        return [v.id for v in vendors]

    async def newest(self, area_id: int) -> list[int]:
        """The page computed without the service: the scope's vendors, newest first."""
        units = text("SELECT unit_id FROM area_reach WHERE ancestor_id = :a").bindparams(a=area_id)
        query = select(Vendor.id).where(Vendor.area_id.in_(units), Vendor.active).order_by(Vendor.id.desc())
        return list((await self.session.scalars(query.limit(PAGE))).all())


@pytest.fixture(scope="module")
async def register(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Register]:
    data_dir: Path = tmp_path_factory.mktemp("plan")
    settings = Settings(database_url=f"sqlite+aiosqlite:///{data_dir / 'plan.db'}", secret_key="p" * 40)
    await asyncio.to_thread(upgrade, settings)
    engine = create_async_engine(settings.database_url, poolclass=NullPool)
    communes = await commune_ids(engine, "49", dt.date(2025, 3, 1))
    big, small = communes[0], communes[1]
    # 100 markets: 99 in one commune, 1 in another; the loader spreads 10,000 vendors evenly over them.
    await load_vendors(engine, vendors=10_000, markets=100, communes=[big] * 99 + [small])
    async with engine.connect() as conn:
        province = (await conn.execute(select(AreaUnit.id).where(AreaUnit.code == "49"))).scalar_one()
    async with async_sessionmaker(engine)() as session:
        yield Register(session, province, big, small)
    await engine.dispose()


async def test_a_province_page_walks_the_register_newest_first(register: Register) -> None:
    plan = await register.plan(register.province)
    assert "SCAN vendors" in plan
    assert "TEMP B-TREE" not in plan


async def test_a_small_commune_page_reads_its_vendors_through_the_area_index(register: Register) -> None:
    plan = await register.plan(register.small)
    assert "USING INDEX" in plan.split("LIST SUBQUERY")[0]


@pytest.mark.parametrize("which", ["province", "big", "small"])
async def test_pages_hold_the_scope_s_newest_vendors_whichever_plan(register: Register, which: str) -> None:
    area_id: Any = getattr(register, which)
    expected = await register.newest(area_id)
    assert len(expected) == PAGE
    assert await register.page(area_id) == expected
