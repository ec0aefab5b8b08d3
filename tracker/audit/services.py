"""Writing and reading the audit log. A write and its audit entry share one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from sqlalchemy import Select, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from tracker.accounts.actor import Actor
from tracker.areas.scope import visible_to, within
from tracker.audit.chain import chain_rows, mark_recorded
from tracker.audit.models import AuditEntry
from tracker.db.base import table_of
from tracker.lib import clock
from tracker.lib.identifiers import mask
from tracker.lib.pagination import PageParams
from tracker.lib.service import Service

# Personal data never enters the log in clear; these fields are masked wherever they appear.
MASKED_FIELDS = frozenset({"phone", "personal_id", "account_number", "phone_last4"})
DROPPED_FIELDS = frozenset({"password", "password_hash"})
# One record's entry for ``record_many``: (entity_id, area_id, before, after).
AuditRecord = tuple[int | None, int | None, Mapping[str, Any] | None, Mapping[str, Any] | None]


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return scrub(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def scrub(values: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A JSON-safe copy with personal fields masked and secrets dropped."""
    if values is None:
        return None
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key in DROPPED_FIELDS:
            continue
        if key in MASKED_FIELDS and isinstance(value, str):
            out[key] = mask(value)
        else:
            out[key] = _plain(value)
    return out


def changed(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields that differ, for compact update entries."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def record(
    session: AsyncSession,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: int | None,
    *,
    area_id: int | None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> AuditEntry:
    """Adds an audit entry to the session; it is committed together with the change it describes."""
    entry = AuditEntry(
        at=at or clock.now(),
        actor_id=actor.user_id,
        actor_username=actor.username,
        action=action,
        entity=entity,
        entity_id=entity_id,
        area_id=area_id,
        before=scrub(before),
        after=scrub(after),
    )
    session.add(mark_recorded(entry))
    return entry


async def record_many(
    session: AsyncSession,
    actor: Actor,
    action: str,
    entity: str,
    entries: Iterable[AuditRecord],
    *,
    at: dt.datetime | None = None,
) -> int:
    """Like ``record`` for many records at once, ``(entity_id, area_id, before, after)`` each, in one
    multi-row INSERT; committed with the change they describe. Returns how many were written."""
    when = at or clock.now()
    rows = [
        {
            "at": when,
            "actor_id": actor.user_id,
            "actor_username": actor.username,
            "action": action,
            "entity": entity,
            "entity_id": entity_id,
            "area_id": area_id,
            "before": scrub(before),
            "after": scrub(after),
        }
        for entity_id, area_id, before, after in entries
    ]
    if rows:
        await session.flush()  # entries recorded one by one earlier are chained first
        await session.run_sync(lambda sync_session: chain_rows(sync_session, rows))
        await session.execute(insert(table_of(AuditEntry)), rows)
    return len(rows)


def audit_query(
    actor: Actor,
    *,
    entity: str | None = None,
    entity_id: int | None = None,
    actor_id: int | None = None,
    area_id: int | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> Select[tuple[AuditEntry]]:
    query = select(AuditEntry).where(visible_to(actor, AuditEntry.area_id))
    if entity:
        query = query.where(AuditEntry.entity == entity)
    if entity_id is not None:
        query = query.where(AuditEntry.entity_id == entity_id)
    if actor_id is not None:
        query = query.where(AuditEntry.actor_id == actor_id)
    if area_id is not None:
        query = query.where(within(AuditEntry.area_id, area_id))
    if since is not None:
        query = query.where(AuditEntry.at >= since)
    if until is not None:
        query = query.where(AuditEntry.at < until)
    return query


class AuditService(Service[AuditEntry, "AuditService.Repo"]):
    class Repo(SQLAlchemyAsyncRepository[AuditEntry]):
        model_type = AuditEntry

    repository_type = Repo

    async def search(
        self,
        actor: Actor,
        page: PageParams,
        *,
        entity: str | None = None,
        entity_id: int | None = None,
        actor_id: int | None = None,
        area_code: str | None = None,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
    ) -> tuple[list[AuditEntry], int]:
        from tracker.areas.services import AreaService  # areas record audit entries: imported late

        area_id = (await AreaService(self.session).resolve(area_code)).id if area_code else None
        query = audit_query(
            actor, entity=entity, entity_id=entity_id, actor_id=actor_id, area_id=area_id, since=since, until=until
        )
        total = await self.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
        rows = await self.session.scalars(query.order_by(AuditEntry.id.desc()).limit(page.limit).offset(page.offset))
        return list(rows), int(total or 0)
