"""HTTP endpoints of sign-in, users and teams."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request
from litestar.di import NamedDependency
from litestar.params import JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_204_NO_CONTENT

from tracker.accounts.actor import OFFICER, TASKFORCE, Actor
from tracker.accounts.auth import requires
from tracker.accounts.schemas import (
    LoginRequest,
    MemberAdd,
    PasswordChange,
    Role,
    Team,
    TeamCreate,
    TeamUpdate,
    TokenResponse,
    User,
    UserCreate,
    UserUpdate,
)
from tracker.accounts.services import AuthService, TeamService, UserService
from tracker.lib.ids import PathId
from tracker.lib.pagination import PageParams
from tracker.lib.routes import delete, get, patch, post
from tracker.lib.schema import Page
from tracker.settings import Settings


def client_address(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client else "unknown"


class AuthController(Controller):
    path = "/api/auth"
    tags = ["Đăng nhập / Authentication"]

    @post("/login", operation_id="login", status_code=HTTP_200_OK, exclude_from_auth=True)
    async def login(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[LoginRequest],
        auth_service: NamedDependency[AuthService],
        settings: NamedDependency[Settings],
    ) -> TokenResponse:
        """Đăng nhập, nhận mã truy cập (bearer token). Sign in and receive a bearer token."""
        return await auth_service.login(settings, data, client_address(request))

    @get("/me", operation_id="me")
    async def me(self, actor: NamedDependency[Actor], user_service: NamedDependency[UserService]) -> User:
        """Người dùng hiện tại, vai trò và địa bàn. The current user, role and scope."""
        assert actor.user_id is not None
        (user,) = await user_service.present([await user_service.one(actor, actor.user_id)])
        return user

    @post("/logout", operation_id="logout_everywhere", status_code=HTTP_204_NO_CONTENT)
    async def logout(self, actor: NamedDependency[Actor], auth_service: NamedDependency[AuthService]) -> None:
        """Thu hồi mọi mã truy cập đã cấp cho tài khoản. Revoke every token issued to this account."""
        await auth_service.revoke_all(actor)

    @post("/password", operation_id="change_password", status_code=HTTP_204_NO_CONTENT)
    async def change_password(
        self,
        data: JSONBody[PasswordChange],
        actor: NamedDependency[Actor],
        auth_service: NamedDependency[AuthService],
    ) -> None:
        """Đổi mật khẩu (các phiên khác bị đăng xuất). Change the password (other sessions are signed out)."""
        await auth_service.change_password(actor, data)


class UserController(Controller):
    path = "/api/users"
    tags = ["Người dùng / Users"]
    guards = [requires(OFFICER)]

    @get("/", operation_id="list_users")
    async def list_users(
        self,
        actor: NamedDependency[Actor],
        user_service: NamedDependency[UserService],
        page: NamedDependency[PageParams],
        role: Annotated[Role | None, QueryParameter(description="Lọc theo vai trò / filter by role")] = None,
        active: Annotated[bool | None, QueryParameter()] = None,
        q: Annotated[str | None, QueryParameter(max_length=100)] = None,
    ) -> Page[User]:
        users, total = await user_service.search(actor, page, role=role, q=q, active=active)
        return Page(items=await user_service.present(users), total=total, limit=page.limit, offset=page.offset)

    @post("/", operation_id="create_user")
    async def create_user(
        self,
        data: JSONBody[UserCreate],
        actor: NamedDependency[Actor],
        user_service: NamedDependency[UserService],
    ) -> User:
        """Tạo tài khoản trong địa bàn của mình. Create an account within one's own area."""
        (user,) = await user_service.present([await user_service.add(actor, data)])
        return user

    @get("/{user_id:int}", operation_id="get_user")
    async def get_user(
        self,
        user_id: PathId,
        actor: NamedDependency[Actor],
        user_service: NamedDependency[UserService],
    ) -> User:
        (user,) = await user_service.present([await user_service.one(actor, user_id)])
        return user

    @patch("/{user_id:int}", operation_id="update_user")
    async def update_user(
        self,
        user_id: PathId,
        data: JSONBody[UserUpdate],
        actor: NamedDependency[Actor],
        user_service: NamedDependency[UserService],
    ) -> User:
        (user,) = await user_service.present([await user_service.edit(actor, user_id, data)])
        return user


class TeamController(Controller):
    path = "/api/teams"
    tags = ["Tổ công nghệ số / Teams"]
    guards = [requires(OFFICER, TASKFORCE)]

    @get("/", operation_id="list_teams")
    async def list_teams(
        self,
        actor: NamedDependency[Actor],
        team_service: NamedDependency[TeamService],
        page: NamedDependency[PageParams],
        q: Annotated[str | None, QueryParameter(max_length=100)] = None,
    ) -> Page[Team]:
        teams, total = await team_service.search(actor, page, q=q)
        return Page(items=await team_service.present(teams), total=total, limit=page.limit, offset=page.offset)

    @post("/", operation_id="create_team")
    async def create_team(
        self,
        data: JSONBody[TeamCreate],
        actor: NamedDependency[Actor],
        team_service: NamedDependency[TeamService],
    ) -> Team:
        (team,) = await team_service.present([await team_service.add(actor, data)])
        return team

    @get("/{team_id:int}", operation_id="get_team")
    async def get_team(
        self,
        team_id: PathId,
        actor: NamedDependency[Actor],
        team_service: NamedDependency[TeamService],
    ) -> Team:
        (team,) = await team_service.present([await team_service.one(actor, team_id)])
        return team

    @patch("/{team_id:int}", operation_id="update_team")
    async def update_team(
        self,
        team_id: PathId,
        data: JSONBody[TeamUpdate],
        actor: NamedDependency[Actor],
        team_service: NamedDependency[TeamService],
    ) -> Team:
        (team,) = await team_service.present([await team_service.edit(actor, team_id, data)])
        return team

    @post("/{team_id:int}/members", operation_id="add_team_member", status_code=HTTP_200_OK)
    async def add_member(
        self,
        team_id: PathId,
        data: JSONBody[MemberAdd],
        actor: NamedDependency[Actor],
        team_service: NamedDependency[TeamService],
    ) -> Team:
        (team,) = await team_service.present([await team_service.add_member(actor, team_id, data)])
        return team

    @delete("/{team_id:int}/members/{user_id:int}", operation_id="remove_team_member", status_code=HTTP_200_OK)
    async def remove_member(
        self,
        team_id: PathId,
        user_id: PathId,
        actor: NamedDependency[Actor],
        team_service: NamedDependency[TeamService],
    ) -> Team:
        (team,) = await team_service.present([await team_service.remove_member(actor, team_id, user_id)])
        return team
