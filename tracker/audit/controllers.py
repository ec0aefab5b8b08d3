"""Reading the audit log (officers and admins, within their area)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from tracker.accounts.actor import OFFICER, Actor
from tracker.accounts.auth import requires
from tracker.areas.services import AreaService
from tracker.audit.services import audit_query, list_entries
from tracker.lib.pagination import PageParams
from tracker.lib.schema import Page, Schema


class AuditEntry(Schema):
    id: int
    at: dt.datetime
    actor_id: int | None
    actor_username: str
    action: str
    entity: str
    entity_id: int | None
    area_id: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class AuditController(Controller):
    path = "/api/audit"
    tags = ["Nhật ký / Audit"]
    guards = [requires(OFFICER)]

    @get("/", operation_id="list_audit")
    async def list_audit(
        self,
        actor: NamedDependency[Actor],
        db_session: NamedDependency[AsyncSession],
        page: NamedDependency[PageParams],
        entity: Annotated[str | None, QueryParameter(max_length=40)] = None,
        entity_id: Annotated[int | None, QueryParameter(ge=0)] = None,
        actor_id: Annotated[int | None, QueryParameter(ge=0)] = None,
        area: Annotated[str | None, QueryParameter(max_length=20)] = None,
        since: Annotated[dt.datetime | None, QueryParameter()] = None,
        until: Annotated[dt.datetime | None, QueryParameter()] = None,
    ) -> Page[AuditEntry]:
        """Nhật ký thay đổi trong địa bàn. The change log within one's area."""
        area_id = (await AreaService(db_session).resolve(area)).id if area else None
        query = audit_query(
            actor,
            entity=entity,
            entity_id=entity_id,
            actor_id=actor_id,
            area_id=area_id,
            since=since,
            until=until,
        )
        rows, total = await list_entries(db_session, query, page)
        items = [
            AuditEntry(
                id=r.id,
                at=r.at,
                actor_id=r.actor_id,
                actor_username=r.actor_username,
                action=r.action,
                entity=r.entity,
                entity_id=r.entity_id,
                area_id=r.area_id,
                before=r.before,
                after=r.after,
            )
            for r in rows
        ]
        return Page(items=items, total=total, limit=page.limit, offset=page.offset)
