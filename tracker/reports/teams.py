"""Team activity per week: registrations, posters issued and onboarding steps, by team and member."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ocop.models import Producer, Product
from tracker.accounts.actor import Actor
from tracker.accounts.models import Team, User
from tracker.lib import clock
from tracker.onboarding.models import Onboarding, OnboardingEvent
from tracker.reports.schemas import TeamsReport, TeamWeekRow
from tracker.reports.units import Scope
from tracker.reports.uptake import area_conditions, area_info
from vendors.models import Vendor, VendorStatusChange

KINDS = ("registrations", "posters", "onboarding_steps")
NO_TEAM = "(không thuộc tổ / no team)"


def week_of(moment: dt.datetime) -> dt.date:
    """The Monday (Vietnam time) of the week the moment falls in."""
    day = clock.local_date(moment)
    return day - dt.timedelta(days=day.weekday())


def _bounds(since: dt.date, until: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(since, dt.time(), clock.VIETNAM)
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), clock.VIETNAM)
    return start, end


async def teams(session: AsyncSession, actor: Actor, scope: Scope, since: dt.date, until: dt.date) -> TeamsReport:
    start, end = _bounds(since, until)
    conn = await session.connection()
    vendor_events = (
        select(
            VendorStatusChange.at,
            VendorStatusChange.team_id,
            VendorStatusChange.by_id,
            VendorStatusChange.from_status,
            VendorStatusChange.to_status,
        )
        .join(Vendor, Vendor.id == VendorStatusChange.vendor_id)
        .where(
            VendorStatusChange.at >= start, VendorStatusChange.at < end, *area_conditions(actor, scope, Vendor.area_id)
        )
    )
    tally: dict[tuple[dt.date, int | None, int | None], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in await conn.execute(vendor_events):
        key = (week_of(row.at), row.team_id, row.by_id)
        if row.from_status is None:
            tally[key]["registrations"] += 1
        elif row.to_status == "qr_issued":
            tally[key]["posters"] += 1
    area = func.coalesce(Product.area_id, Producer.area_id)
    onboarding_events = (
        select(OnboardingEvent.at, OnboardingEvent.team_id, OnboardingEvent.by_id)
        .join(Onboarding, Onboarding.id == OnboardingEvent.onboarding_id)
        .outerjoin(Product, and_(Product.id == Onboarding.product_id, Onboarding.subject_kind == "product"))
        .outerjoin(Producer, and_(Producer.id == Onboarding.producer_id, Onboarding.subject_kind == "producer"))
        .where(OnboardingEvent.at >= start, OnboardingEvent.at < end, *area_conditions(actor, scope, area))
    )
    for step in await conn.execute(onboarding_events):
        tally[(week_of(step.at), step.team_id, step.by_id)]["onboarding_steps"] += 1
    names = await _names(session, {k[1] for k in tally if k[1]}, {k[2] for k in tally if k[2]})
    rows = [
        _row(week, team_id, user_id, counts, names)
        for (week, team_id, user_id), counts in sorted(tally.items(), key=lambda kv: _order(kv[0]))
    ]
    per_team: dict[tuple[dt.date, int | None], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    overall: dict[str, int] = defaultdict(int)
    for (week, team_id, _), counts in tally.items():
        for kind in KINDS:
            per_team[(week, team_id)][kind] += counts[kind]
            overall[kind] += counts[kind]
    team_rows = [
        _row(week, team_id, None, counts, names)
        for (week, team_id), counts in sorted(per_team.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0))
    ]
    return TeamsReport(
        area=area_info(scope.area),
        since=since,
        until=until,
        rows=rows,
        teams=team_rows,
        total=_row(since, None, None, overall, names, team="Tổng / Total"),
    )


def _order(key: tuple[dt.date, int | None, int | None]) -> tuple[dt.date, int, int]:
    return key[0], key[1] or 0, key[2] or 0


def _row(
    week: dt.date,
    team_id: int | None,
    user_id: int | None,
    counts: dict[str, int],
    names: dict[str, dict[int, str]],
    team: str | None = None,
) -> TeamWeekRow:
    return TeamWeekRow(
        week=week,
        team_id=team_id,
        team=team or (names["teams"].get(team_id, NO_TEAM) if team_id else NO_TEAM),
        user_id=user_id,
        member=names["users"].get(user_id, "") if user_id else "",
        registrations=counts.get("registrations", 0),
        posters=counts.get("posters", 0),
        onboarding_steps=counts.get("onboarding_steps", 0),
    )


async def _names(session: AsyncSession, team_ids: set[Any], user_ids: set[Any]) -> dict[str, dict[int, str]]:
    teams_: dict[int, str] = dict(
        (await session.execute(select(Team.id, Team.name).where(Team.id.in_(team_ids)))).tuples().all()
    )
    users: dict[int, str] = dict(
        (await session.execute(select(User.id, User.full_name).where(User.id.in_(user_ids)))).tuples().all()
    )
    return {"teams": teams_, "users": users}
