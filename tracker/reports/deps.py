"""The report service of a request: on the reports replica when one is configured, else the request's session."""

from __future__ import annotations

from collections.abc import AsyncIterator

from litestar.datastructures import State
from litestar.di import NamedDependency
from sqlalchemy.ext.asyncio import AsyncSession

from tracker.reports.service import ReportService


async def provide_report_service(
    db_session: NamedDependency[AsyncSession], state: State
) -> AsyncIterator[ReportService]:
    reports = state.db.reports
    if reports is None:
        yield ReportService(db_session)
        return
    async with reports() as session:
        yield ReportService(session)
