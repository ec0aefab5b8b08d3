"""Liveness and readiness.

- ``GET /health`` answers ``{"status": "ok"}`` only with the database reachable (load balancers, uptime
  checks).
- ``GET /ready`` also checks that the database schema is at the revision this code expects, so that a
  new release is not sent traffic before ``tracker db upgrade`` has run.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from litestar import Response
from litestar.datastructures import State
from sqlalchemy import text

from tracker.db.engine import Database
from tracker.db.migrate import current_heads
from tracker.lib.routes import get


@cache
def expected_revisions() -> frozenset[str]:
    return frozenset(current_heads())


async def _database_revisions(db: Database) -> frozenset[str] | None:
    """The schema revisions recorded in the database, or None when it cannot be reached."""
    try:
        async with db.read() as session:
            rows = await session.execute(text("SELECT version_num FROM alembic_version"))
            return frozenset(str(r[0]) for r in rows)
    except Exception:
        return None


@get("/health", operation_id="health", tags=["Vận hành / Operations"], exclude_from_auth=True, cache=False)
async def health(state: State) -> Response[dict[str, Any]]:
    """Tình trạng dịch vụ và cơ sở dữ liệu. Service and database status."""
    if await _database_revisions(state.db) is not None:
        return Response({"status": "ok", "database": "ok"})
    return Response({"status": "unavailable", "database": "unreachable"}, status_code=503)


@get("/ready", operation_id="ready", tags=["Vận hành / Operations"], exclude_from_auth=True, cache=False)
async def ready(state: State) -> Response[dict[str, Any]]:
    """Sẵn sàng nhận yêu cầu: CSDL truy cập được và đã cập nhật. Ready: database reachable and migrated."""
    found = await _database_revisions(state.db)
    if found is None:
        return Response({"status": "unavailable", "database": "unreachable"}, status_code=503)
    expected = expected_revisions()
    if found != expected:
        body = {"status": "migrations pending", "database": sorted(found), "expected": sorted(expected)}
        return Response(body, status_code=503)
    return Response({"status": "ready", "revision": sorted(found)})
