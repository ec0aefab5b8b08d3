"""Which personal data each role sees. One policy for API responses, pages and exports.

- Task forces register and call vendors, and admins administer: they see phones, personal IDs and
  account numbers in full.
- Officers of the economic office review figures: they see these masked (``09******89``).
- Producers see only their own producer record.
"""

from __future__ import annotations

from tracker.accounts.actor import ADMIN, TASKFORCE, Actor
from tracker.lib.identifiers import mask

FULL_PERSONAL_DATA_ROLES = frozenset({ADMIN, TASKFORCE})


def sees_personal_data(actor: Actor) -> bool:
    return actor.role in FULL_PERSONAL_DATA_ROLES


def shown(actor: Actor, value: str | None, keep_end: int = 2) -> str | None:
    """The value as this actor may see it."""
    if value is None or sees_personal_data(actor):
        return value
    return mask(value, keep_start=2, keep_end=keep_end)
