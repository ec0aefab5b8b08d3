"""Who is making a request: the authenticated user as the services see it."""

from __future__ import annotations

from dataclasses import dataclass, field

ADMIN, OFFICER, TASKFORCE, PRODUCER = "admin", "officer", "taskforce", "producer"


@dataclass(frozen=True, slots=True)
class Actor:
    user_id: int | None
    username: str
    role: str
    area_id: int | None
    full_name: str = ""
    team_ids: tuple[int, ...] = field(default=())
    # For a producer account: the one OCOP producer whose records it may read.
    producer_id: int | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN

    def has_role(self, *roles: str) -> bool:
        return self.role == ADMIN or self.role in roles


SYSTEM = Actor(user_id=None, username="system", role=ADMIN, area_id=None, full_name="Hệ thống")
