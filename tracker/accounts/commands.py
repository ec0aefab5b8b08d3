"""``tracker user create``: accounts from the command line, under the same rules as the API."""

from __future__ import annotations

import sys

from sqlalchemy import select

from tracker.accounts.actor import SYSTEM, Actor
from tracker.accounts.models import User
from tracker.accounts.schemas import UserCreate
from tracker.accounts.services import UserService
from tracker.db.engine import create_database
from tracker.lib.exceptions import TrackerError
from tracker.settings import Settings


async def create_user(
    settings: Settings,
    *,
    username: str,
    role: str,
    area: str | None,
    password: str,
    full_name: str | None = None,
    phone: str | None = None,
    as_user: str | None = None,
    producer_id: int | None = None,
) -> int:
    db = create_database(settings, null_pool=True)
    try:
        async with db.write() as session:
            actor = SYSTEM
            if as_user:
                acting = await session.scalar(select(User).where(User.username == as_user.lower()))
                if acting is None or not acting.active:
                    print(f"Không có tài khoản {as_user}. / No account {as_user}.", file=sys.stderr)
                    return 2
                actor = Actor(acting.id, acting.username, acting.role, acting.area_id, acting.full_name)
            data = UserCreate(
                username=username,
                full_name=full_name or username,
                role=role,  # type: ignore[arg-type]
                password=password,
                area_code=area,
                phone=phone,
                producer_id=producer_id,
            )
            try:
                user = await UserService(session).add(actor, data)
            except TrackerError as exc:
                print(f"{exc.message.vi} / {exc.message.en}", file=sys.stderr)
                for problem in exc.problems:
                    print(f"  - {problem.field}: {problem.message.vi} / {problem.message.en}", file=sys.stderr)
                return 1
            print(f"Đã tạo tài khoản / created account {user.username} ({user.role}), id {user.id}.")
            return 0
    finally:
        await db.dispose()
