"""``tracker report uptake|ocop|teams|trend``: the office's monthly report as a file."""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec
from sqlalchemy import select

from tracker.accounts.actor import SYSTEM, Actor
from tracker.accounts.models import User
from tracker.db.engine import create_database
from tracker.lib.exceptions import TrackerError
from tracker.reports import exports
from tracker.reports.service import ReportService
from tracker.settings import Settings

KINDS = ("uptake", "ocop", "teams", "trend")


@dataclass(frozen=True)
class ReportRequest:
    kind: str
    area: str | None
    on: dt.date | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    by: str | None = None
    fmt: str = "xlsx"
    output: Path | None = None
    as_user: str | None = None


async def _actor(service: ReportService, username: str | None) -> Actor:
    if username is None:
        return SYSTEM
    user = await service.session.scalar(select(User).where(User.username == username, User.active.is_(True)))
    if user is None:
        raise SystemExit(f"Không có tài khoản / no such account: {username}")
    return Actor(user.id, user.username, user.role, user.area_id, user.full_name, producer_id=user.producer_id)


async def _report(service: ReportService, actor: Actor, request: ReportRequest) -> Any:
    if request.kind == "uptake":
        return await service.uptake(actor, request.area, request.on, request.by)  # type: ignore[arg-type]
    if request.kind == "ocop":
        return await service.ocop(actor, request.area, request.on)
    if request.kind == "teams":
        return await service.teams(actor, request.area, request.since, request.until)
    return await service.trend(actor, request.area, request.since, request.until, request.on)


def _filters(report: Any, request: ReportRequest) -> dict[str, str]:
    values = {
        "area": getattr(report.area, "code", None),
        "on": request.on,
        "since": request.since,
        "until": request.until,
        "by": getattr(report, "by", None),
    }
    return {k: str(v) for k, v in values.items() if v is not None}


async def write_report(settings: Settings, request: ReportRequest) -> int:
    db = create_database(settings, null_pool=True)
    try:
        async with db.reports_sessions()() as session:
            service = ReportService(session)
            try:
                report = await _report(service, await _actor(service, request.as_user), request)
            except TrackerError as exc:
                print(f"Lỗi / error: {exc.message.vi} / {exc.message.en}", file=sys.stderr)
                return 2
    finally:
        await db.dispose()
    if request.fmt == "json":
        content = msgspec.json.format(msgspec.json.encode(report), indent=2)
    else:
        content, _, _ = exports.render(report, request.fmt, _filters(report, request))
    if request.output is None:
        sys.stdout.buffer.write(content)
    else:
        request.output.write_bytes(content)
        print(f"Đã ghi / written: {request.output} ({len(content)} bytes)")
    return 0
