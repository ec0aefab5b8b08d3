"""Reading the audit log (officers and admins, within their area)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from litestar import Controller
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from tracker.accounts.actor import OFFICER, Actor
from tracker.accounts.auth import requires
from tracker.audit.services import AuditService
from tracker.lib.pagination import PageParams
from tracker.lib.routes import get
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
        audit_service: NamedDependency[AuditService],
        page: NamedDependency[PageParams],
        entity: Annotated[str | None, QueryParameter(max_length=40)] = None,
        entity_id: Annotated[int | None, QueryParameter(ge=0)] = None,
        actor_id: Annotated[int | None, QueryParameter(ge=0)] = None,
        area: Annotated[str | None, QueryParameter(max_length=20)] = None,
        since: Annotated[dt.datetime | None, QueryParameter()] = None,
        until: Annotated[dt.datetime | None, QueryParameter()] = None,
    ) -> Page[AuditEntry]:
        """Nhật ký thay đổi trong địa bàn. The change log within one's area."""
        rows, total = await audit_service.search(
            actor,
            page,
            entity=entity,
            entity_id=entity_id,
            actor_id=actor_id,
            area_code=area,
            since=since,
            until=until,
        )
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
