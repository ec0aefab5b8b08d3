"""Platforms: the shipped marketplaces and the provincial portals officers add."""

from __future__ import annotations

from typing import Any

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from tracker.accounts.actor import OFFICER, Actor
from tracker.accounts.services import area_refs
from tracker.areas.scope import actor_covers
from tracker.areas.services import AreaService
from tracker.audit.services import changed, record
from tracker.lib.exceptions import Conflict, FieldProblem, NotFound, PermissionDenied, Problems, StaleWrite
from tracker.lib.i18n import Text
from tracker.lib.ids import is_id
from tracker.lib.pagination import PageParams
from tracker.lib.schema import UnsetType
from tracker.lib.service import Service
from tracker.lib.text import like_escape, search_key
from tracker.onboarding.models import Platform
from tracker.onboarding.platforms import rules_of
from tracker.onboarding.schemas import Platform as PlatformOut
from tracker.onboarding.schemas import PlatformCreate, PlatformUpdate
from tracker.onboarding.urls import Rules, ShapeError, compile_shape, host_variants, valid_host


def _snapshot(p: Platform) -> dict[str, Any]:
    return {
        "key": p.key,
        "name": p.name,
        "operator": p.operator,
        "hosts": list(p.hosts),
        "short_link_hosts": list(p.short_link_hosts),
        "product_paths": list(p.product_paths),
        "shop_paths": list(p.shop_paths),
        "keep_params": list(p.keep_params),
        "active": p.active,
    }


def _hosts(field: str, values: list[str], problems: Problems) -> list[str]:
    hosts = []
    for index, raw in enumerate(values):
        host = raw.strip().lower().removeprefix("https://").rstrip("/")
        if not valid_host(host):
            problems.add(
                f"{field}[{index}]",
                Text(
                    f"{raw!r} không phải tên miền (ví dụ santhuongmai.quangnam.gov.vn).",
                    f"{raw!r} is not a host name (for example santhuongmai.quangnam.gov.vn).",
                ),
                "bad_host",
            )
        hosts.append(host)
    return hosts


def _shapes(field: str, values: list[str], problems: Problems, *, needs_item: bool) -> list[str]:
    shapes = []
    for index, raw in enumerate(values):
        shape = raw.strip()
        try:
            compile_shape(shape)
        except ShapeError as exc:
            problems.add(
                f"{field}[{index}]",
                Text(f"Dạng đường dẫn không dùng được: {exc}", f"Unusable path shape: {exc}"),
                "bad_shape",
            )
        else:
            if needs_item and "<itemid>" not in shape:
                problems.add(
                    f"{field}[{index}]",
                    Text(
                        "Dạng địa chỉ sản phẩm phải có <itemid> (mã sản phẩm).",
                        "A product path shape must contain <itemid>.",
                    ),
                    "no_item_id",
                )
        shapes.append(shape)
    return shapes


class PlatformService(Service[Platform, "PlatformService.Repo"]):
    class Repo(SQLAlchemyAsyncRepository[Platform]):
        model_type = Platform

    repository_type = Repo

    async def one(self, platform_id: int) -> Platform:
        platform = await self.session.get(Platform, platform_id) if is_id(platform_id) else None
        if platform is None:
            raise NotFound(Text(f"Không tìm thấy sàn {platform_id}.", f"Platform {platform_id} not found."))
        return platform

    async def by_key(self, key: str, field: str = "platform") -> Platform:
        platform = await self.session.scalar(select(Platform).where(Platform.key == key.strip().lower()))
        if platform is None or not platform.active:
            raise NotFound(
                Text(f"Không có sàn {key!r}.", f"No platform {key!r}."),
                [FieldProblem(field, Text("Sàn không tồn tại.", "Unknown platform."), "unknown_platform")],
            )
        return platform

    async def all_rules(self) -> list[Rules]:
        return [rules_of(p) for p in await self.session.scalars(select(Platform).order_by(Platform.id))]

    async def search(
        self, page: PageParams, *, kind: str | None = None, active: bool | None = True, q: str | None = None
    ) -> tuple[list[Platform], int]:
        query = select(Platform)
        if kind:
            query = query.where(Platform.kind == kind)
        if active is not None:
            query = query.where(Platform.active.is_(active))
        if q:
            term = f"%{like_escape(search_key(q))}%"
            query = query.where(
                func.lower(Platform.name).like(term, escape="\\") | Platform.key.like(term, escape="\\")
            )
        total = await self.session.scalar(select(func.count()).select_from(query.subquery()))
        rows = await self.session.scalars(query.order_by(Platform.id).limit(page.limit).offset(page.offset))
        return list(rows), int(total or 0)

    async def present(self, platforms: list[Platform]) -> list[PlatformOut]:
        areas = await area_refs(self.session, {p.area_id for p in platforms if p.area_id is not None})
        return [
            PlatformOut(
                id=p.id,
                key=p.key,
                name=p.name,
                operator=p.operator,
                kind=p.kind,  # type: ignore[arg-type]
                hosts=list(p.hosts),
                short_link_hosts=list(p.short_link_hosts),
                product_paths=list(p.product_paths),
                shop_paths=list(p.shop_paths),
                keep_params=list(p.keep_params),
                confidence=p.confidence,
                area=areas.get(p.area_id) if p.area_id is not None else None,
                active=p.active,
                version=p.version,
            )
            for p in platforms
        ]

    async def _check_hosts_free(self, hosts: list[str], exclude_id: int | None = None) -> None:
        wanted = {v for h in hosts for v in host_variants(h)}
        for other in await self.session.scalars(select(Platform)):
            if other.id == exclude_id:
                continue
            taken = {v for h in [*other.hosts, *other.short_link_hosts] for v in host_variants(h)}
            clash = sorted(wanted & taken)
            if clash:
                raise Conflict(
                    Text(
                        f"Tên miền {clash[0]} đã thuộc sàn {other.name} ({other.key}).",
                        f"The host {clash[0]} already belongs to {other.name} ({other.key}).",
                    ),
                    [
                        FieldProblem(
                            "hosts",
                            Text("Tên miền đã thuộc sàn khác.", "The host belongs to another platform."),
                            "duplicate",
                            {"existing": {"id": other.id, "key": other.key}},
                        )
                    ],
                )

    async def add(self, actor: Actor, data: PlatformCreate) -> Platform:
        """A provincial portal, in the officer's area (or the area given, within it)."""
        if not actor.has_role(OFFICER):
            raise PermissionDenied(Text("Chỉ cán bộ thêm được sàn của tỉnh.", "Only officers add provincial portals."))
        problems = Problems()
        hosts = _hosts("hosts", data.hosts, problems)
        if not hosts:
            problems.add("hosts", Text("Cần ít nhất một tên miền.", "At least one host is needed."), "required")
        short_hosts = _hosts("short_link_hosts", data.short_link_hosts, problems)
        product_paths = _shapes("product_paths", data.product_paths, problems, needs_item=True)
        if not product_paths:
            problems.add(
                "product_paths",
                Text("Cần ít nhất một dạng địa chỉ sản phẩm.", "At least one product path shape is needed."),
                "required",
            )
        shop_paths = _shapes("shop_paths", data.shop_paths, problems, needs_item=False)
        area_id = actor.area_id
        if data.area_code:
            try:
                area_id = (await AreaService(self.session).resolve(data.area_code, field="area_code")).id
            except NotFound as exc:
                problems.extend(exc.problems)
        problems.raise_if_any()
        if area_id is not None and not await actor_covers(self.session, actor, area_id):
            raise PermissionDenied(Text("Địa bàn này nằm ngoài địa bàn của bạn.", "This area is outside yours."))
        existing = await self.session.scalar(select(Platform.id).where(Platform.key == data.key))
        if existing is not None:
            raise Conflict(
                Text(f"Mã sàn {data.key} đã được dùng.", f"The platform key {data.key} is taken."),
                [
                    FieldProblem(
                        "key",
                        Text("Mã đã được dùng.", "Already taken."),
                        "duplicate",
                        {"existing": {"id": existing}},
                    )
                ],
            )
        await self._check_hosts_free([*hosts, *short_hosts])
        platform = Platform(
            key=data.key,
            name=" ".join(data.name.split()),
            operator=(data.operator or "").strip() or None,
            kind="portal",
            hosts=hosts,
            short_link_hosts=short_hosts,
            product_paths=product_paths,
            shop_paths=shop_paths,
            keep_params=[p.strip() for p in data.keep_params if p.strip()],
            confidence=None,
            area_id=area_id,
            active=True,
        )
        self.session.add(platform)
        await self.session.flush()
        record(self.session, actor, "create", "platform", platform.id, area_id=area_id, after=_snapshot(platform))
        await self.commit()
        return platform

    async def edit(self, actor: Actor, platform_id: int, data: PlatformUpdate) -> Platform:
        platform = await self.one(platform_id)
        allowed = actor.is_admin or (
            actor.role == OFFICER
            and platform.kind == "portal"
            and platform.area_id is not None
            and await actor_covers(self.session, actor, platform.area_id)
        )
        if not allowed:
            raise PermissionDenied(
                Text(
                    "Chỉ quản trị viên sửa được sàn này; cán bộ sửa sàn của tỉnh mình.",
                    "Only an administrator can change this platform; officers change their own portals.",
                )
            )
        if platform.version != data.version:
            raise StaleWrite()
        before = _snapshot(platform)
        problems = Problems()
        if not isinstance(data.name, UnsetType):
            platform.name = " ".join(data.name.split())
        if not isinstance(data.operator, UnsetType):
            platform.operator = (data.operator or "").strip() or None
        if not isinstance(data.hosts, UnsetType):
            platform.hosts = _hosts("hosts", data.hosts, problems)
        if not isinstance(data.short_link_hosts, UnsetType):
            platform.short_link_hosts = _hosts("short_link_hosts", data.short_link_hosts, problems)
        if not isinstance(data.product_paths, UnsetType):
            platform.product_paths = _shapes("product_paths", data.product_paths, problems, needs_item=True)
        if not isinstance(data.shop_paths, UnsetType):
            platform.shop_paths = _shapes("shop_paths", data.shop_paths, problems, needs_item=False)
        if not isinstance(data.keep_params, UnsetType):
            platform.keep_params = [p.strip() for p in data.keep_params if p.strip()]
        if not isinstance(data.active, UnsetType):
            platform.active = data.active
        if not platform.hosts:
            problems.add("hosts", Text("Cần ít nhất một tên miền.", "At least one host is needed."), "required")
        if not platform.product_paths:
            problems.add(
                "product_paths",
                Text("Cần ít nhất một dạng địa chỉ sản phẩm.", "At least one product path shape is needed."),
                "required",
            )
        if problems:
            await self.session.rollback()
            problems.raise_if_any()
        await self._check_hosts_free([*platform.hosts, *platform.short_link_hosts], exclude_id=platform.id)
        old, new = changed(before, _snapshot(platform))
        if new:
            record(
                self.session, actor, "update", "platform", platform.id, area_id=platform.area_id, before=old, after=new
            )
        try:
            await self.commit()
        except StaleDataError:
            await self.session.rollback()
            raise StaleWrite() from None
        return platform
