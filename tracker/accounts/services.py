"""Sign-in, users and teams, with the rules on who may manage whom."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from tracker.accounts import throttle
from tracker.accounts.actor import ADMIN, OFFICER, PRODUCER, TASKFORCE, Actor
from tracker.accounts.models import Team, TeamMember, User
from tracker.accounts.passwords import password_problems
from tracker.accounts.schemas import (
    LoginRequest,
    MemberAdd,
    PasswordChange,
    TeamCreate,
    TeamRef,
    TeamUpdate,
    TokenResponse,
    UserCreate,
    UserUpdate,
)
from tracker.accounts.schemas import Team as TeamOut
from tracker.accounts.schemas import TeamMember as TeamMemberOut
from tracker.accounts.schemas import User as UserOut
from tracker.accounts.security import hash_password, issue_token, needs_rehash, verify_password
from tracker.areas.models import AreaUnit
from tracker.areas.schemas import AreaRef
from tracker.areas.scope import actor_covers, covers, visible_to
from tracker.areas.services import AreaService
from tracker.audit.services import changed, record
from tracker.lib import clock
from tracker.lib.exceptions import (
    Conflict,
    FieldProblem,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    Problems,
    ValidationFailed,
)
from tracker.lib.i18n import Text
from tracker.lib.identifiers import normalize_mobile
from tracker.lib.pagination import PageParams
from tracker.lib.schema import UnsetType
from tracker.lib.service import Service
from tracker.lib.text import like_escape, search_key
from tracker.settings import Settings

# Built once: every registration asks it.
_ACTIVE_TEAMS_OF = (
    select(Team.id)
    .join(TeamMember, TeamMember.team_id == Team.id)
    .where(TeamMember.user_id == bindparam("user_id"), Team.active)
    .order_by(Team.id)
)

BAD_LOGIN = Text("Sai tên đăng nhập hoặc mật khẩu.", "Wrong username or password.")
USER = Text("người dùng", "User")
TEAM = Text("tổ", "Team")


def _user_snapshot(user: User, area_code: str | None) -> dict[str, object]:
    return {
        "username": user.username,
        "full_name": user.full_name,
        "phone": user.phone,
        "role": user.role,
        "area": area_code,
        "active": user.active,
        "producer_id": user.producer_id,
    }


async def area_refs(session: AsyncSession, ids: set[int]) -> dict[int, AreaRef]:
    if not ids:
        return {}
    rows = await session.execute(
        select(AreaUnit.id, AreaUnit.code, AreaUnit.name, AreaUnit.level).where(AreaUnit.id.in_(ids))
    )
    return {r.id: AreaRef(id=r.id, code=r.code, name=r.name, level=r.level) for r in rows}


class AuthService(Service[User, "AuthService.Repo"]):
    class Repo(SQLAlchemyAsyncRepository[User]):
        model_type = User

    repository_type = Repo

    async def login(self, settings: Settings, data: LoginRequest, address: str) -> TokenResponse:
        username = data.username.strip().lower()
        user_key, address_key = f"user:{username}", f"addr:{address}"
        await throttle.ensure_not_blocked(self.session, [user_key, address_key])
        user = await self.session.scalar(select(User).where(User.username == username))
        ok = verify_password(user.password_hash if user else None, data.password)
        if not ok or user is None or not user.active:
            await throttle.record_failure(
                self.session,
                {
                    user_key: settings.login_max_failures_per_user,
                    address_key: settings.login_max_failures_per_address,
                },
                dt.timedelta(seconds=settings.login_window_seconds),
            )
            await self.commit()
            raise NotAuthenticated(BAD_LOGIN)
        await throttle.clear(self.session, user_key)
        if needs_rehash(user.password_hash):
            user.password_hash = hash_password(data.password)
        user.last_login_at = clock.now()
        token, expires = issue_token(
            settings.secret_key, user.id, user.token_version, dt.timedelta(minutes=settings.token_ttl_minutes)
        )
        await self.commit()
        return TokenResponse(access_token=token, token_type="bearer", expires_at=expires)  # noqa: S106

    async def revoke_all(self, actor: Actor) -> None:
        """Signs the user out everywhere: every token issued so far stops working."""
        await self.session.execute(
            update(User).where(User.id == actor.user_id).values(token_version=User.token_version + 1)
        )
        record(self.session, actor, "logout_all", "user", actor.user_id, area_id=actor.area_id)
        await self.commit()

    async def change_password(self, actor: Actor, data: PasswordChange) -> None:
        user = await self.session.get(User, actor.user_id)
        if user is None or not verify_password(user.password_hash, data.current_password):
            raise ValidationFailed(
                [
                    FieldProblem(
                        "current_password",
                        Text("Mật khẩu hiện tại không đúng.", "Wrong current password."),
                        "wrong_password",
                    )
                ]
            )
        problems = password_problems(data.new_password, user.username, "new_password")
        if problems:
            raise ValidationFailed(problems)
        user.password_hash = hash_password(data.new_password)
        user.token_version += 1
        record(self.session, actor, "change_password", "user", user.id, area_id=user.area_id)
        await self.commit()


class UserService(Service[User, "UserService.Repo"]):
    class Repo(SQLAlchemyAsyncRepository[User]):
        model_type = User

    repository_type = Repo

    async def present(self, users: list[User]) -> list[UserOut]:
        areas = await area_refs(self.session, {u.area_id for u in users if u.area_id is not None})
        teams: dict[int, list[TeamRef]] = defaultdict(list)
        if users:
            rows = await self.session.execute(
                select(TeamMember.user_id, Team.id, Team.name)
                .join(Team, Team.id == TeamMember.team_id)
                .where(TeamMember.user_id.in_([u.id for u in users]), Team.active)
                .order_by(Team.name)
            )
            for row in rows:
                teams[row.user_id].append(TeamRef(id=row.id, name=row.name))
        return [
            UserOut(
                id=u.id,
                username=u.username,
                full_name=u.full_name,
                phone=u.phone,
                role=u.role,  # type: ignore[arg-type]
                area=areas.get(u.area_id) if u.area_id is not None else None,
                active=u.active,
                teams=teams.get(u.id, []),
                producer_id=u.producer_id,
            )
            for u in users
        ]

    async def one(self, actor: Actor, user_id: int) -> User:
        """A user the actor may see (itself, or within its area for officers and admins); else 404."""
        user = await self.session.get(User, user_id)
        visible = user is not None and (
            actor.is_admin
            or user.id == actor.user_id
            or (
                actor.role == OFFICER
                and user.area_id is not None
                and user.role != ADMIN
                and await actor_covers(self.session, actor, user.area_id)
            )
        )
        if user is None or not visible:
            raise NotFound(Text(f"Không tìm thấy người dùng {user_id}.", f"User {user_id} not found."))
        return user

    async def _check_manageable(self, actor: Actor, role: str, area_id: int | None) -> None:
        if actor.is_admin:
            return
        if actor.role != OFFICER or role == ADMIN:
            raise PermissionDenied(
                Text(
                    "Chỉ quản trị viên mới tạo hoặc sửa được tài khoản này.",
                    "Only an administrator can create or change this account.",
                )
            )
        if area_id is None or not await actor_covers(self.session, actor, area_id):
            raise PermissionDenied(
                Text(
                    "Địa bàn của tài khoản nằm ngoài địa bàn của bạn.",
                    "The account's area is outside your area.",
                )
            )

    async def add(self, actor: Actor, data: UserCreate) -> User:
        problems = Problems()
        username = data.username.strip().lower()
        problems.extend(password_problems(data.password, username))
        phone = None
        if data.phone:
            try:
                phone = normalize_mobile(data.phone)
            except ValidationFailed as exc:
                problems.extend(exc.problems)
        producer_area_id = None
        if data.producer_id is not None:
            producer_area_id = await self._producer_area(actor, data.role, data.producer_id, problems)
        area_id = None
        if data.area_code:
            try:
                area_id = (await AreaService(self.session).resolve(data.area_code, field="area_code")).id
            except NotFound as exc:
                problems.extend(exc.problems)
        elif producer_area_id is not None:
            area_id = producer_area_id
        elif data.role != ADMIN:
            problems.add(
                "area_code",
                Text("Cần chọn địa bàn cho tài khoản này.", "An area is required for this role."),
                "required",
            )
        problems.raise_if_any()
        await self._check_manageable(actor, data.role, area_id)
        existing = await self.session.scalar(select(User.id).where(User.username == username))
        if existing is not None:
            raise Conflict(
                Text(f"Tên đăng nhập {username} đã được dùng.", f"The username {username} is taken."),
                [
                    FieldProblem(
                        "username",
                        Text("Đã có người dùng tên này.", "Already taken."),
                        "duplicate",
                        {"existing": {"id": existing}},
                    )
                ],
            )
        user = User(
            username=username,
            full_name=" ".join(data.full_name.split()),
            phone=phone,
            role=data.role,
            area_id=area_id,
            active=True,
            password_hash=hash_password(data.password),
            token_version=1,
            producer_id=data.producer_id,
        )
        self.session.add(user)
        await self.session.flush()
        if data.team_id is not None:
            await TeamService(self.session).add_member(actor, data.team_id, MemberAdd(user_id=user.id), commit=False)
        record(
            self.session,
            actor,
            "create",
            "user",
            user.id,
            area_id=area_id,
            after=_user_snapshot(user, data.area_code),
        )
        await self.commit()
        return user

    async def _producer_area(self, actor: Actor, role: str, producer_id: int, problems: Problems) -> int | None:
        """The area of the OCOP producer a producer account is linked to; the creator must see it."""
        if role != PRODUCER:
            problems.add(
                "producer_id",
                Text(
                    "Chỉ tài khoản chủ thể sản xuất mới gắn với chủ thể OCOP.",
                    "Only a producer account is linked to an OCOP producer.",
                ),
                "wrong_role",
            )
            return None
        from ocop.services import ProducerService  # the OCOP domain's public service (imported late: no cycle)

        try:
            return (await ProducerService(self.session).one(actor, producer_id)).area_id
        except NotFound:
            problems.add(
                "producer_id",
                Text("Không có chủ thể OCOP này trong địa bàn của bạn.", "No such OCOP producer in your area."),
                "unknown_producer",
            )
            return None

    async def search(
        self,
        actor: Actor,
        page: PageParams,
        *,
        role: str | None = None,
        q: str | None = None,
        active: bool | None = None,
    ) -> tuple[list[User], int]:
        query = select(User).where(visible_to(actor, User.area_id))
        if not actor.is_admin:
            query = query.where(User.role != ADMIN)
        if role:
            query = query.where(User.role == role)
        if active is not None:
            query = query.where(User.active.is_(active))
        if q:
            pattern = f"%{like_escape(search_key(q))}%"
            query = query.where(
                func.lower(User.username).like(pattern, escape="\\")
                | User.full_name.like(f"%{like_escape(q.strip())}%", escape="\\")
            )
        total = await self.session.scalar(select(func.count()).select_from(query.subquery()))
        rows = await self.session.scalars(query.order_by(User.username).limit(page.limit).offset(page.offset))
        return list(rows), int(total or 0)

    async def edit(self, actor: Actor, user_id: int, data: UserUpdate) -> User:
        user = await self.one(actor, user_id)
        own = user.id == actor.user_id
        touches_rights = any(not isinstance(v, UnsetType) for v in (data.role, data.area_code, data.active))
        if not own or touches_rights:
            await self._check_manageable(actor, user.role, user.area_id)
        before = _user_snapshot(user, None)
        problems = Problems()
        if not isinstance(data.full_name, UnsetType):
            user.full_name = " ".join(data.full_name.split())
        if data.phone is None:
            user.phone = None
        elif not isinstance(data.phone, UnsetType):
            try:
                user.phone = normalize_mobile(data.phone)
            except ValidationFailed as exc:
                problems.extend(exc.problems)
        if not isinstance(data.area_code, UnsetType):
            try:
                user.area_id = (await AreaService(self.session).resolve(data.area_code, field="area_code")).id
            except NotFound as exc:
                problems.extend(exc.problems)
        if not isinstance(data.role, UnsetType):
            user.role = data.role
        if not isinstance(data.password, UnsetType):
            problems.extend(password_problems(data.password, user.username))
            user.password_hash = hash_password(data.password)
            user.token_version += 1
        if not isinstance(data.active, UnsetType):
            if own and not data.active:
                problems.add(
                    "active",
                    Text("Không thể tự khóa tài khoản của mình.", "You cannot deactivate yourself."),
                    "self",
                )
            if user.active and not data.active:
                user.token_version += 1  # a deactivated account's tokens stop working at once
            user.active = data.active
        problems.raise_if_any()
        if touches_rights:
            # The account as changed must still be one the actor may manage (no promotion out of reach).
            await self._check_manageable(actor, user.role, user.area_id)
        old, new = changed(before, _user_snapshot(user, None))
        if not isinstance(data.password, UnsetType):
            new["password"] = "changed"  # noqa: S105 (the audit says that it changed, never what to)
        record(self.session, actor, "update", "user", user.id, area_id=user.area_id, before=old, after=new)
        await self.commit()
        return user


class TeamService(Service[Team, "TeamService.Repo"]):
    class Repo(SQLAlchemyAsyncRepository[Team]):
        model_type = Team

    repository_type = Repo

    async def present(self, teams: list[Team]) -> list[TeamOut]:
        areas = await area_refs(self.session, {t.area_id for t in teams})
        members: dict[int, list[TeamMemberOut]] = defaultdict(list)
        if teams:
            rows = await self.session.execute(
                select(TeamMember.team_id, User)
                .join(User, User.id == TeamMember.user_id)
                .where(TeamMember.team_id.in_([t.id for t in teams]))
                .order_by(User.full_name)
            )
            for team_id, user in rows.tuples():
                members[team_id].append(
                    TeamMemberOut(id=user.id, username=user.username, full_name=user.full_name, role=user.role)  # type: ignore[arg-type]
                )
        return [
            TeamOut(id=t.id, name=t.name, area=areas[t.area_id], active=t.active, members=members.get(t.id, []))
            for t in teams
        ]

    def _require_staff(self, actor: Actor) -> None:
        """Teams list the staff of an area (names, user names, roles): producer accounts do not read them."""
        if not actor.has_role(OFFICER, TASKFORCE):
            raise PermissionDenied(Text("Vai trò của bạn không xem được các tổ.", "Your role may not read teams."))

    async def one(self, actor: Actor, team_id: int) -> Team:
        self._require_staff(actor)
        team = await self.session.get(Team, team_id)
        if team is None or not await actor_covers(self.session, actor, team.area_id):
            raise NotFound(Text(f"Không tìm thấy tổ {team_id}.", f"Team {team_id} not found."))
        return team

    async def search(self, actor: Actor, page: PageParams, *, q: str | None = None) -> tuple[list[Team], int]:
        self._require_staff(actor)
        query = select(Team).where(visible_to(actor, Team.area_id))
        if q:
            query = query.where(Team.name_search.like(f"%{like_escape(search_key(q))}%", escape="\\"))
        total = await self.session.scalar(select(func.count()).select_from(query.subquery()))
        rows = await self.session.scalars(query.order_by(Team.name, Team.id).limit(page.limit).offset(page.offset))
        return list(rows), int(total or 0)

    def _require_manager(self, actor: Actor) -> None:
        if not actor.has_role(OFFICER):
            raise PermissionDenied(
                Text("Chỉ cán bộ phòng kinh tế quản lý các tổ.", "Only the economic office manages teams.")
            )

    async def add(self, actor: Actor, data: TeamCreate) -> Team:
        self._require_manager(actor)
        area = await AreaService(self.session).resolve(data.area_code, field="area_code")
        if not await actor_covers(self.session, actor, area.id):
            raise PermissionDenied(Text("Địa bàn này nằm ngoài địa bàn của bạn.", "This area is outside yours."))
        name = " ".join(data.name.split())
        team = Team(name=name, name_search=search_key(name), area_id=area.id, active=True)
        self.session.add(team)
        await self.session.flush()
        record(
            self.session,
            actor,
            "create",
            "team",
            team.id,
            area_id=area.id,
            after={"name": name, "area": area.code},
        )
        await self.commit()
        return team

    async def edit(self, actor: Actor, team_id: int, data: TeamUpdate) -> Team:
        self._require_manager(actor)
        team = await self.one(actor, team_id)
        before = {"name": team.name, "active": team.active}
        if isinstance(data.name, str):
            team.name = " ".join(data.name.split())
            team.name_search = search_key(team.name)
        if isinstance(data.active, bool):
            team.active = data.active
        old, new = changed(before, {"name": team.name, "active": team.active})
        record(self.session, actor, "update", "team", team.id, area_id=team.area_id, before=old, after=new)
        await self.commit()
        return team

    async def add_member(self, actor: Actor, team_id: int, data: MemberAdd, *, commit: bool = True) -> Team:
        self._require_manager(actor)
        team = await self.one(actor, team_id)
        user = await UserService(self.session).one(actor, data.user_id)
        if user.role not in (TASKFORCE, OFFICER):
            raise ValidationFailed(
                [
                    FieldProblem(
                        "user_id",
                        Text(
                            "Chỉ tổ viên hoặc cán bộ mới vào tổ được.",
                            "Only task-force members and officers join teams.",
                        ),
                        "wrong_role",
                    )
                ]
            )
        related = user.area_id is not None and (
            await covers(self.session, user.area_id, team.area_id)
            or await covers(self.session, team.area_id, user.area_id)
        )
        if not related:
            raise ValidationFailed(
                [
                    FieldProblem(
                        "user_id",
                        Text(
                            "Người dùng thuộc địa bàn khác với tổ.",
                            "The user's area differs from the team's.",
                        ),
                        "other_area",
                    )
                ]
            )
        exists = await self.session.scalar(
            select(TeamMember.id).where(TeamMember.team_id == team.id, TeamMember.user_id == user.id)
        )
        if exists is None:
            self.session.add(TeamMember(team_id=team.id, user_id=user.id))
            record(
                self.session,
                actor,
                "add_member",
                "team",
                team.id,
                area_id=team.area_id,
                after={"user_id": user.id, "username": user.username},
            )
        if commit:
            await self.commit()
        return team

    async def remove_member(self, actor: Actor, team_id: int, user_id: int) -> Team:
        self._require_manager(actor)
        team = await self.one(actor, team_id)
        membership = await self.session.scalar(
            select(TeamMember).where(TeamMember.team_id == team.id, TeamMember.user_id == user_id)
        )
        if membership is None:
            raise NotFound(Text("Người dùng không thuộc tổ này.", "The user is not in this team."))
        await self.session.delete(membership)
        record(
            self.session,
            actor,
            "remove_member",
            "team",
            team.id,
            area_id=team.area_id,
            before={"user_id": user_id},
        )
        await self.commit()
        return team

    async def team_for_registration(self, actor: Actor, team_id: int | None) -> int | None:
        """The team a registration is credited to: the given one (if the actor belongs to it or manages
        it), else the actor's only team. A member of several teams must say which."""
        rows = list(await self.session.scalars(_ACTIVE_TEAMS_OF, {"user_id": actor.user_id}))
        if team_id is not None:
            if team_id in rows:
                return team_id
            team = await self.session.get(Team, team_id)
            if team is not None and actor.has_role(OFFICER) and await actor_covers(self.session, actor, team.area_id):
                return team_id
            raise ValidationFailed(
                [
                    FieldProblem(
                        "team_id",
                        Text("Bạn không thuộc tổ này.", "You are not a member of this team."),
                        "not_member",
                    )
                ]
            )
        if len(rows) == 1:
            return rows[0]
        if len(rows) > 1:
            raise ValidationFailed(
                [
                    FieldProblem(
                        "team_id",
                        Text(
                            "Bạn thuộc nhiều tổ: hãy chọn tổ thực hiện.",
                            "You belong to several teams: choose one.",
                        ),
                        "required",
                        {"choices": rows},
                    )
                ]
            )
        return None


__all__ = ["PRODUCER", "AuthService", "TeamService", "UserService"]
