"""``ReportService``: every report for a signed-in actor, without HTTP (API, CLI and pages share it)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from tracker.accounts.actor import ADMIN, OFFICER, TASKFORCE, Actor
from tracker.lib import clock
from tracker.lib.exceptions import FieldProblem, PermissionDenied, ValidationFailed
from tracker.lib.i18n import Text
from tracker.reports.models import Target
from tracker.reports.ocop import ocop
from tracker.reports.progress import progress
from tracker.reports.schemas import Breakdown, OcopReport, TargetProgress, TeamsReport, TrendReport, UptakeReport
from tracker.reports.targets import TargetService
from tracker.reports.teams import teams
from tracker.reports.trend import months_between, trend
from tracker.reports.units import Scope, resolve_scope
from tracker.reports.uptake import uptake

EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2100, 12, 31)
VENDOR_INDICATORS = ("vendors", "with_account", "with_poster", "active")
DEFAULT_WEEKS = 12
DEFAULT_MONTHS = 12

# Officers and task forces read the figures of their own area; a producer sees only its own records.
READERS = (ADMIN, OFFICER, TASKFORCE)


def ensure_reader(actor: Actor) -> None:
    if actor.role not in READERS:
        raise PermissionDenied(Text("Vai trò của bạn không xem được báo cáo.", "Your role may not read reports."))


class ReportService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def uptake(
        self, actor: Actor, area_code: str | None = None, on: dt.date | None = None, by: Breakdown | None = None
    ) -> UptakeReport:
        ensure_reader(actor)
        check_date("on", on)
        scope = await resolve_scope(self.session, actor, area_code, on)
        report = await uptake(self.session, actor, scope, by or ("unit" if scope.children else "market"))
        report.targets = await self._progress(actor, scope, VENDOR_INDICATORS)
        return report

    async def ocop(self, actor: Actor, area_code: str | None = None, on: dt.date | None = None) -> OcopReport:
        ensure_reader(actor)
        check_date("on", on)
        scope = await resolve_scope(self.session, actor, area_code, on)
        report = await ocop(self.session, actor, scope)
        report.targets = await self._progress(actor, scope, ("ocop_online",))
        return report

    async def teams(
        self,
        actor: Actor,
        area_code: str | None = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
    ) -> TeamsReport:
        ensure_reader(actor)
        check_date("until", until)
        until = until or clock.today()
        since = since or until - dt.timedelta(weeks=DEFAULT_WEEKS)
        _check_period(since, until, max_days=400)
        scope = await resolve_scope(self.session, actor, area_code, until)
        return await teams(self.session, actor, scope, since, until)

    async def trend(
        self,
        actor: Actor,
        area_code: str | None = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
        on: dt.date | None = None,
    ) -> TrendReport:
        """Month by month from ``since``'s month to ``until``'s (default: the last twelve months)."""
        ensure_reader(actor)
        check_date("until", until)
        until = until or clock.today()
        if since is None:
            since = dt.date(until.year - 1, until.month, 1)
        _check_period(since, until, max_days=366 * 5)
        check_date("on", on)
        scope = await resolve_scope(self.session, actor, area_code, on)
        return await trend(self.session, actor, scope, since, until)

    async def _progress(self, actor: Actor, scope: Scope, indicators: tuple[str, ...]) -> list[TargetProgress]:
        area_id = scope.area.id if scope.area else None
        targets: list[Target] = await TargetService(self.session).search(actor, area_id)
        return [await progress(self.session, t) for t in targets if t.indicator in indicators]

    async def target_progress(self, actor: Actor, target_id: int) -> TargetProgress:
        ensure_reader(actor)
        return await progress(self.session, await TargetService(self.session).one(actor, target_id))


def check_date(field: str, value: dt.date | None) -> None:
    if value is not None and not EARLIEST <= value <= LATEST:
        raise ValidationFailed(
            [
                FieldProblem(
                    field,
                    Text(f"Ngày phải từ {EARLIEST} đến {LATEST}.", f"The date must be from {EARLIEST} to {LATEST}."),
                    "date_out_of_range",
                )
            ]
        )


def _check_period(since: dt.date, until: dt.date, *, max_days: int) -> None:
    from tracker.lib.i18n import Text as T

    check_date("since", since)
    check_date("until", until)
    if since > until:
        raise ValidationFailed(
            [FieldProblem("since", T("Ngày bắt đầu sau ngày kết thúc.", "since is after until."), "bad_period")]
        )
    if (until - since).days > max_days:
        raise ValidationFailed(
            [FieldProblem("since", T("Khoảng thời gian quá dài.", "The period is too long."), "period_too_long")]
        )


__all__ = ["ReportService", "months_between"]
