"""``tracker listings check``: fetch every live listing and flag the ones that are gone."""

from __future__ import annotations

import sys

from tracker.areas.services import AreaService
from tracker.db.engine import create_database
from tracker.lib.exceptions import TrackerError
from tracker.onboarding.checker import ListingChecker
from tracker.onboarding.schemas import CheckSummary
from tracker.onboarding.services import CheckService
from tracker.settings import Settings


def summary_lines(summary: CheckSummary) -> list[str]:
    lines = [
        f"Đã kiểm tra / checked: {summary.checked} liên kết đang bán / live listings",
        f"  hoạt động / ok: {summary.ok}",
        f"  hỏng / broken: {summary.broken} (mới / new: {summary.newly_broken})",
        f"  không kết nối được / unreachable: {summary.unreachable}",
        f"  chưa rõ / inconclusive: {summary.inconclusive}",
    ]
    if summary.resolved:
        lines.append(f"  link rút gọn đã giải / short links resolved: {summary.resolved}")
    for item in summary.broken_listings:
        answer = f"HTTP {item.status_code}" if item.status_code is not None else "-"
        where = f" → {item.final_url}" if item.final_url and item.final_url != item.listing_url else ""
        lines.append(
            f"  HỎNG / BROKEN #{item.onboarding_id} {item.subject_code} {item.subject_name} "
            f"[{item.platform}] {item.listing_url} ({answer}{where})"
        )
    return lines


async def check_listings(
    settings: Settings,
    *,
    area: str | None,
    request_timeout: float,
    per_host: int,
    delay: float,
    concurrency: int,
) -> int:
    db = create_database(settings, null_pool=True)
    try:
        async with db.write() as session:
            area_id = None
            if area:
                try:
                    area_id = (await AreaService(session).resolve(area)).id
                except TrackerError as exc:
                    print(f"{exc.message.vi} / {exc.message.en}", file=sys.stderr)
                    return 2
                await session.commit()
            service = CheckService(
                session,
                checker=lambda: ListingChecker(
                    timeout=request_timeout, per_host=per_host, delay=delay, concurrency=concurrency
                ),
            )
            summary = await service.check_live(area_id=area_id)
        print("\n".join(summary_lines(summary)))
        return 0
    finally:
        await db.dispose()
