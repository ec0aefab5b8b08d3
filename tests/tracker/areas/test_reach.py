"""The reach closure: who covers which unit, across the 2025 reform."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool

from tracker.areas.loader import compute_reach
from tracker.areas.models import AreaReach, AreaUnit
from tracker.areas.services import AreaService

OLD = dt.date(2025, 3, 1)


def test_compute_reach_follows_parents_mergers_and_common_predecessor_ancestors() -> None:
    # 1 province → 2 district → communes 3, 4; 5 is a new commune made of 3 and 4 under new province 6.
    parents = {1: None, 2: 1, 3: 2, 4: 2, 6: None, 5: 6, 7: None, 8: 7, 9: 6}
    full = {3: [5], 4: [5]}
    predecessors = {5: [3, 4], 9: [3, 8]}  # 9 takes parts of 3 and of 8 (another province)
    reach = compute_reach(parents, full, predecessors)
    assert reach[3] == {3, 2, 1, 5, 6}  # old commune: its chain, its successor and the new province
    assert reach[5] == {5, 6, 2, 1}  # the former district still covers the commune made only of its communes
    assert reach[9] == {9, 6}  # a unit made of parts of two provinces: no common old ancestor


async def _reach(settings, unit_id: int) -> set[int]:
    engine = create_async_engine(settings.database_url, poolclass=NullPool)
    async with async_sessionmaker(engine)() as session:
        rows = await session.scalars(select(AreaReach.ancestor_id).where(AreaReach.unit_id == unit_id))
        result = set(rows)
    await engine.dispose()
    return result


async def test_shipped_units_cover_the_duy_xuyen_mergers(settings, world) -> None:
    engine = create_async_engine(settings.database_url, poolclass=NullPool)
    async with async_sessionmaker(engine)() as session:
        areas = AreaService(session)
        new_nam_phuoc = await areas.resolve("20599")
        old_nam_phuoc = await areas.resolve("20599", OLD)
        duy_trinh = await areas.resolve("20617", OLD)
        new_duy_xuyen = await areas.resolve("20623")
        district = await areas.resolve("508")
        duy_thu = await areas.resolve("20602")
        duy_tan_old = await areas.resolve("20608", OLD)
        thu_bon = await areas.resolve("20611")
        assert (new_nam_phuoc.name, new_nam_phuoc.valid_from) == ("Xã Nam Phước", dt.date(2025, 7, 1))
        assert (old_nam_phuoc.name, old_nam_phuoc.valid_to) == ("Thị trấn Nam Phước", dt.date(2025, 7, 1))
        assert old_nam_phuoc.id != new_nam_phuoc.id
        assert (district.level, district.valid_to) == ("district", dt.date(2025, 7, 1))
        assert duy_thu.valid_to == dt.date(2025, 1, 1)
        old_units = await session.scalar(select(AreaUnit.id).where(AreaUnit.code == "20626"))
    await engine.dispose()
    # Today's Xã Nam Phước covers the former Thị trấn Nam Phước, Duy Phước and Duy Vinh.
    assert new_nam_phuoc.id in await _reach(settings, old_nam_phuoc.id)
    assert new_nam_phuoc.id in await _reach(settings, old_units)
    # A 2024 record in Duy Trinh counts in today's Xã Duy Xuyên, and in the former district.
    assert {new_duy_xuyen.id, district.id} <= await _reach(settings, duy_trinh.id)
    assert new_nam_phuoc.id not in await _reach(settings, duy_trinh.id)
    # The former district still covers the new communes made only of its communes.
    assert district.id in await _reach(settings, new_duy_xuyen.id)
    # Duy Thu went into Duy Tân on 2025-01-01, and with it into Xã Thu Bồn.
    assert {duy_tan_old.id, thu_bon.id, district.id} <= await _reach(settings, duy_thu.id)
    # ... but Duy Thu does not cover Duy Tân, which was bigger than what merged into it.
    assert duy_thu.id not in await _reach(settings, duy_tan_old.id)
