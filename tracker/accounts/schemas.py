"""API shapes of sign-in, users and teams."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec

from tracker.areas.schemas import AreaRef
from tracker.lib.ids import Id
from tracker.lib.schema import UNSET, Input, Schema, UnsetType

Role = Literal["admin", "officer", "taskforce", "producer"]
Username = Annotated[str, msgspec.Meta(min_length=3, max_length=60, pattern=r"^[A-Za-z0-9._-]+$")]
FullName = Annotated[str, msgspec.Meta(min_length=1, max_length=120)]
Password = Annotated[str, msgspec.Meta(min_length=1, max_length=128)]
PhoneInput = Annotated[str, msgspec.Meta(max_length=20)]


class LoginRequest(Input):
    username: Annotated[str, msgspec.Meta(min_length=1, max_length=60)]
    password: Password


class TokenResponse(Schema):
    access_token: str
    token_type: str
    expires_at: dt.datetime


class TeamRef(Schema):
    id: int
    name: str


class User(Schema):
    id: int
    username: str
    full_name: str
    phone: str | None
    role: Role
    area: AreaRef | None
    active: bool
    teams: list[TeamRef]
    producer_id: int | None = None


class UserCreate(Input):
    username: Username
    full_name: FullName
    role: Role
    password: Password
    area_code: Annotated[str, msgspec.Meta(max_length=20)] | None = None
    phone: PhoneInput | None = None
    team_id: Id | None = None
    # For role producer: the OCOP producer this account belongs to (within the creator's area).
    producer_id: Id | None = None


class UserUpdate(Input):
    full_name: FullName | UnsetType = UNSET
    phone: PhoneInput | UnsetType | None = UNSET
    role: Role | UnsetType = UNSET
    area_code: Annotated[str, msgspec.Meta(max_length=20)] | UnsetType = UNSET
    active: bool | UnsetType = UNSET
    password: Password | UnsetType = UNSET


class PasswordChange(Input):
    current_password: Password
    new_password: Password


class TeamMember(Schema):
    id: int
    username: str
    full_name: str
    role: Role


class Team(Schema):
    id: int
    name: str
    area: AreaRef
    active: bool
    members: list[TeamMember]


class TeamCreate(Input):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=120)]
    area_code: Annotated[str, msgspec.Meta(min_length=1, max_length=20)]


class TeamUpdate(Input):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=120)] | UnsetType = UNSET
    active: bool | UnsetType = UNSET


class MemberAdd(Input):
    user_id: Id
