"""``tracker backup`` and ``tracker restore``.

- SQLite: the online backup API copies a consistent snapshot while the service keeps running; a restore
  copies the snapshot back page by page (stop the service first: open connections would keep old pages).
- PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore --clean --if-exists`` from the machine's
  PostgreSQL client binaries (the same major version as the server).

A backup file is refused for restore unless it is a Chợ Số database (it has the migration table).
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from tracker.settings import Settings


class BackupError(RuntimeError):
    pass


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    kind: str


def _pg_binary(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)
    if not found:
        raise BackupError(f"{name} not found: install the PostgreSQL client (Debian: postgresql-client)")
    return found


def _libpq(settings: Settings) -> tuple[list[str], dict[str, str]]:
    """Connection arguments and environment for the PostgreSQL tools (the password never on the command line)."""
    url = make_url(settings.database_url)
    args = ["--host", url.host or "localhost", "--port", str(url.port or 5432), "--username", url.username or ""]
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    return [*args, "--dbname", url.database or ""], env


def _sqlite_path(settings: Settings) -> Path:
    database = make_url(settings.database_url).database
    if not database or database == ":memory:":
        raise BackupError("no SQLite file to back up")
    return Path(database)


def backup(settings: Settings, target: Path) -> BackupResult:
    target.parent.mkdir(parents=True, exist_ok=True)
    if settings.is_sqlite:
        source = sqlite3.connect(_sqlite_path(settings))
        destination = sqlite3.connect(target)
        try:
            with destination:
                source.backup(destination)
        finally:
            destination.close()
            source.close()
        return BackupResult(target, target.stat().st_size, "sqlite")
    args, env = _libpq(settings)
    result = subprocess.run(  # noqa: S603 (fixed program, arguments from settings)
        [_pg_binary("pg_dump"), "--format=custom", "--no-owner", "--file", str(target), *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    return BackupResult(target, target.stat().st_size, "postgresql")


def restore(settings: Settings, source: Path) -> None:
    if not source.exists():
        raise BackupError(f"{source} does not exist")
    if settings.is_sqlite:
        backup_db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            tables = {r[0] for r in backup_db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        except sqlite3.DatabaseError as exc:
            backup_db.close()
            raise BackupError(f"{source} is not an SQLite database: {exc}") from None
        if "alembic_version" not in tables:
            backup_db.close()
            raise BackupError(f"{source} is not a Chợ Số database")
        live = sqlite3.connect(_sqlite_path(settings))
        try:
            with live:
                backup_db.backup(live)
        finally:
            live.close()
            backup_db.close()
        return
    args, env = _libpq(settings)
    listing = subprocess.run(  # noqa: S603
        [_pg_binary("pg_restore"), "--list", str(source)], capture_output=True, text=True, check=False
    )
    if listing.returncode != 0 or "alembic_version" not in listing.stdout:
        raise BackupError(f"{source} is not a Chợ Số pg_dump archive")
    result = subprocess.run(  # noqa: S603
        [_pg_binary("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction", *args, str(source)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
