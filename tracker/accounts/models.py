"""Users, teams (Tổ công nghệ số cộng đồng) and login throttling."""

from __future__ import annotations

import datetime as dt

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tracker.db.base import BigIntAuditBase, BigIntBase

ROLES = ("admin", "officer", "taskforce", "producer")


class User(BigIntAuditBase):
    __tablename__ = "users"

    username: Mapped[str] = mapped_column(String(60), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(10), nullable=True)
    role: Mapped[str] = mapped_column(String(12))
    # The area whose units the user may see and change; NULL only for a nationwide administrator.
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area_units.id"), index=True, nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    # Raised to revoke every token issued before; tokens carry the version they were issued under.
    token_version: Mapped[int] = mapped_column(Integer, default=1)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
    # A producer account reads the records of this OCOP producer only.
    producer_id: Mapped[int | None] = mapped_column(ForeignKey("ocop_producers.id"), nullable=True, index=True)


class Team(BigIntAuditBase):
    __tablename__ = "teams"

    name: Mapped[str] = mapped_column(String(120))
    name_search: Mapped[str] = mapped_column(String(120), index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area_units.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class TeamMember(BigIntBase):
    __tablename__ = "team_members"
    __table_args__ = (UniqueConstraint("team_id", "user_id", name="uq_team_members_team_user"),)

    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)


class LoginThrottle(BigIntBase):
    """Failed sign-ins per username or address, kept in the database so that every worker agrees."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(120), unique=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_start: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
    blocked_until: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
