"""``tracker posters``: a market's posters as one PDF (a poster per page, or four A6 per A4) or a ZIP of PNGs."""

from __future__ import annotations

import sys
from pathlib import Path

from sqlalchemy import select

from qr.banks import load_directory
from tracker.accounts.actor import SYSTEM, Actor
from tracker.accounts.models import User
from tracker.db.engine import create_database
from tracker.lib.exceptions import TrackerError
from tracker.settings import Settings
from vendors.posters.service import PosterService


async def print_market_posters(
    settings: Settings,
    *,
    market: str,
    layout: str,
    size: str,
    output: Path,
    as_user: str | None = None,
) -> tuple[int, bytes]:
    """The file's content (``.zip``: PNGs named by stall, else a PDF) and an exit status; prints the outcome."""
    db = create_database(settings, null_pool=True)
    try:
        async with db.write() as session:
            actor: Actor = SYSTEM
            if as_user:
                user = await session.scalar(select(User).where(User.username == as_user.lower()))
                if user is None:
                    print(f"Không có tài khoản {as_user}. / No account {as_user}.", file=sys.stderr)
                    return 2, b""
                actor = Actor(user.id, user.username, user.role, user.area_id, user.full_name)
            service = PosterService(session, load_directory(settings.extra_banks_csv))
            try:
                market_id = await service.market_by_code(actor, market)
                if output.suffix.lower() == ".zip":
                    content, rows = await service.render_market_zip(actor, market_id, size)
                else:
                    content, rows = await service.render_market(actor, market_id, layout, size)
            except TrackerError as exc:
                details = "; ".join(f"{p.field}: {p.message('vi')} / {p.message('en')}" for p in exc.problems)
                print(f"{exc.message.vi} / {exc.message.en}" + (f" ({details})" if details else ""), file=sys.stderr)
                return 1, b""
    finally:
        await db.dispose()
    print(f"Đã in {len(rows)} áp phích / printed {len(rows)} posters: {output} ({len(content):,} bytes)")
    return 0, content
