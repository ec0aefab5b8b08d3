"""Liveness and readiness: ``/health`` answers ``{"status": "ok"}`` only with the database reachable."""

from __future__ import annotations

from typing import Any

from litestar import Response, get
from litestar.datastructures import State
from sqlalchemy import text

from tracker.db.engine import Database


async def _database_ok(db: Database) -> bool:
    try:
        async with db.read() as session:
            await session.execute(text("SELECT 1"))
    except Exception:
        return False
    return True


@get("/health", operation_id="health", tags=["Vận hành / Operations"], exclude_from_auth=True, cache=False)
async def health(state: State) -> Response[dict[str, Any]]:
    """Tình trạng dịch vụ và cơ sở dữ liệu. Service and database status."""
    if await _database_ok(state.db):
        return Response({"status": "ok", "database": "ok"})
    return Response({"status": "unavailable", "database": "unreachable"}, status_code=503)
