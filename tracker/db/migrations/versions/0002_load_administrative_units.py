"""Load Vietnam's administrative units before and after the 2025 reform, and the crosswalk.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tracker.areas.loader import load_units

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    load_units(op.get_bind())


def downgrade() -> None:
    bind = op.get_bind()
    for table in ("area_reach", "area_successions"):
        bind.execute(sa.text(f"DELETE FROM {table}"))
    # Villages (local units) may reference national units; only national units are removed.
    bind.execute(sa.text("DELETE FROM area_units WHERE level <> 'village'"))
