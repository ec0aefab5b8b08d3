"""Test fixtures: every database test runs on SQLite and on a throwaway PostgreSQL cluster.

Per backend, one database is migrated once and given a baseline (users and teams, whose password hashes
are slow to make). Before each test, every row added after the baseline is deleted, so tests start from
the same state without paying for migrations again.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from tests.support.api import Api
from tests.support.pg_cluster import ClusterUnavailable, PgCluster, start_cluster
from tracker.accounts.models import Team, TeamMember, User
from tracker.accounts.security import hash_password, issue_token
from tracker.app import create_app
from tracker.areas.models import AreaUnit
from tracker.db.all_models import metadata
from tracker.db.migrate import upgrade
from tracker.settings import Settings

BACKENDS = ["sqlite", "postgres"]
PASSWORD = "Thu-nghiem-2026"
SECRET = "test-secret-" + "x" * 40
_skipped_postgres: list[str] = []


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster | None]:
    try:
        cluster = start_cluster()
    except ClusterUnavailable as exc:
        if os.environ.get("CI"):
            pytest.exit(f"PostgreSQL is required when CI is set: {exc}", returncode=3)
        _skipped_postgres.append(str(exc))
        yield None
        return
    try:
        yield cluster
    finally:
        cluster.remove()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _skipped_postgres:
        terminalreporter.write_line(
            f"!!! PostgreSQL tests SKIPPED: {_skipped_postgres[0]} (install postgresql; under CI this fails)",
            red=True,
            bold=True,
        )


def make_settings(url: str, data_dir: Path) -> Settings:
    return Settings(database_url=url, secret_key=SECRET, data_dir=data_dir, db_pool_size=5, db_max_overflow=10)


@pytest.fixture(scope="session", params=BACKENDS)
def settings(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    data_dir = tmp_path_factory.mktemp(f"var-{request.param}")
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{data_dir / 'tracker.db'}"
    else:
        cluster: PgCluster | None = request.getfixturevalue("pg_cluster")
        if cluster is None:
            pytest.skip("PostgreSQL is not available on this machine")
        url = cluster.create_database("tracker_test")
    settings = make_settings(url, data_dir)
    upgrade(settings)
    return settings


@pytest.fixture(scope="session")
def backend(settings: Settings) -> str:
    return "sqlite" if settings.is_sqlite else "postgres"


@dataclass
class World:
    """The baseline every test starts from."""

    settings: Settings
    users: dict[str, int]
    teams: dict[str, int]
    tokens: dict[str, str]
    baseline: dict[str, int]
    area_ids: dict[str, int]


BASELINE_USERS = [
    # username, role, area code (in force today), team
    ("admin", "admin", None, None),
    ("officer_dx", "officer", "508", None),
    ("officer_qn", "officer", "49", None),
    ("taskforce_np", "taskforce", "20599", "team_np"),
    ("taskforce_dx", "taskforce", "20623", "team_dx"),
    ("taskforce_hn", "taskforce", "00004", "team_hn"),
    ("officer_hn", "officer", "01", None),
    ("producer_np", "producer", "20599", None),
]
TEAMS = {"team_np": "20599", "team_dx": "20623", "team_hn": "00004"}


async def _resolve(session: object, code: str) -> int:
    from tracker.areas.services import AreaService

    return (await AreaService(session).resolve(code)).id  # type: ignore[arg-type]


@pytest.fixture(scope="session")
async def world(settings: Settings) -> World:
    return await build_world(settings)


@pytest.fixture(scope="session")
async def sqlite_world(tmp_path_factory: pytest.TempPathFactory) -> World:
    """A separate SQLite database with the baseline, for tests that need only one backend (fuzzing)."""
    data_dir = tmp_path_factory.mktemp("var-sqlite-only")
    settings = make_settings(f"sqlite+aiosqlite:///{data_dir / 'tracker.db'}", data_dir)
    await asyncio.to_thread(upgrade, settings)
    return await build_world(settings)


async def build_world(settings: Settings) -> World:
    engine = create_async_engine(settings.database_url, poolclass=NullPool)
    from sqlalchemy.ext.asyncio import async_sessionmaker

    hashed = hash_password(PASSWORD)  # one slow hash, shared by every baseline user
    async with async_sessionmaker(engine, expire_on_commit=False)() as session:
        area_ids = {code: await _resolve(session, code) for code in {"508", "49", "20599", "20623", "00004", "01"}}
        teams: dict[str, int] = {}
        for name, code in TEAMS.items():
            team = Team(name=f"Tổ {name}", name_search=f"to {name}", area_id=area_ids[code], active=True)
            session.add(team)
            await session.flush()
            teams[name] = team.id
        users: dict[str, int] = {}
        for username, role, code, team_name in BASELINE_USERS:
            user = User(
                username=username,
                full_name=f"Người dùng {username}",
                role=role,
                area_id=area_ids[code] if code else None,
                active=True,
                password_hash=hashed,
                token_version=1,
            )
            session.add(user)
            await session.flush()
            users[username] = user.id
            if team_name:
                session.add(TeamMember(team_id=teams[team_name], user_id=user.id))
        await session.commit()
        baseline = {}
        for table in metadata.sorted_tables:
            baseline[table.name] = int(await session.scalar(select(func.coalesce(func.max(table.c.id), 0))) or 0)
    await engine.dispose()
    import datetime as dt

    tokens = {name: issue_token(SECRET, uid, 1, dt.timedelta(hours=6))[0] for name, uid in users.items()}
    return World(settings=settings, users=users, teams=teams, tokens=tokens, baseline=baseline, area_ids=area_ids)


async def reset_to_baseline(world: World) -> None:
    engine = create_async_engine(world.settings.database_url, poolclass=NullPool)
    async with engine.begin() as conn:
        # Records point at the import that wrote them, and imports at users who may point at producers: the
        # cycle is cut here, as ``use_alter`` cuts it in the metadata.
        for table in metadata.sorted_tables:
            if "import_id" in table.c and table.name != "import_rows":
                await conn.execute(
                    table.update().where(table.c.import_id > world.baseline["imports"]).values(import_id=None)
                )
        for table in reversed(metadata.sorted_tables):
            await conn.execute(table.delete().where(table.c.id > world.baseline[table.name]))
        # Baseline rows that tests may touch go back to their first state.
        await conn.execute(text("UPDATE users SET token_version = 1, active = :t"), {"t": True})
    await engine.dispose()


@pytest.fixture(scope="session")
async def app_client(world: World) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(world.settings)
    async with AsyncTestClient(app, base_url="http://testserver.local") as client:
        yield client


@pytest.fixture
async def clean(world: World) -> World:
    await reset_to_baseline(world)
    return world


@dataclass
class Clients:
    anonymous: Api
    admin: Api
    officer: Api  # Duy Xuyên (former district 508)
    officer_qn: Api  # Quảng Nam (former province 49)
    officer_hn: Api  # Hà Nội
    taskforce: Api  # Xã Nam Phước (20599 today)
    taskforce_dx: Api  # Xã Duy Xuyên (20623 today)
    taskforce_hn: Api  # Phường Ba Đình, Hà Nội
    producer: Api
    world: World

    def as_user(self, token: str) -> Api:
        return Api(self.anonymous.client, token)


@pytest.fixture
async def api(clean: World, app_client: httpx.AsyncClient) -> Clients:
    def signed(name: str) -> Api:
        return Api(app_client, clean.tokens[name])

    return Clients(
        anonymous=Api(app_client),
        admin=signed("admin"),
        officer=signed("officer_dx"),
        officer_qn=signed("officer_qn"),
        officer_hn=signed("officer_hn"),
        taskforce=signed("taskforce_np"),
        taskforce_dx=signed("taskforce_dx"),
        taskforce_hn=signed("taskforce_hn"),
        producer=signed("producer_np"),
        world=clean,
    )


@pytest.fixture
async def area_units(world: World) -> dict[str, int]:
    return world.area_ids


def pytest_configure(config: pytest.Config) -> None:
    # Litestar's test client runs the app's lifespan in the test's loop; keep output readable.
    os.environ.setdefault("TRACKER_ENV", "test")
    if sys.platform == "win32":  # pragma: no cover
        asyncio.set_event_loop_policy(asyncio.WindowsSelectorEventLoopPolicy())


__all__ = ["AreaUnit", "Clients", "World"]
