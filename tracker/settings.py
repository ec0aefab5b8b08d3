"""Settings from environment variables, read when asked for, never at import time."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path


class SettingsError(RuntimeError):
    """A configuration that the service refuses to start with."""


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str
    env: str = "development"
    data_dir: Path = Path("var")
    debug: bool = False
    token_ttl_minutes: int = 12 * 60
    # Login throttling: after this many failures in the window, the username (or address) is refused.
    login_max_failures_per_user: int = 5
    login_max_failures_per_address: int = 30
    login_window_seconds: int = 15 * 60
    # An operator's CSV of extra or corrected banks (same columns as the shipped directory).
    extra_banks_csv: str | None = None
    db_pool_size: int = 20
    db_max_overflow: int = 20
    cookie_secure: bool | None = None  # None: Secure exactly when the request came over https
    log_format: str = "text"
    # A read-only replica for reports (PostgreSQL streaming replication); the primary when unset.
    reports_database_url: str | None = None
    # Answers kept in memory until the next commit (vendor lists, signed-in users); 0 turns them off.
    memory_cache_entries: int = 512
    extra: Mapping[str, str] = field(default_factory=dict)

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        data_dir = Path(env.get("TRACKER_DATA_DIR", "var"))
        tracker_env = env.get("TRACKER_ENV", "development").strip().lower()
        debug = _flag(env.get("TRACKER_DEBUG"))
        database_url = env.get("DATABASE_URL") or f"sqlite+aiosqlite:///{data_dir / 'tracker.db'}"
        secret_key = env.get("SECRET_KEY", "")
        if tracker_env == "production":
            if debug:
                raise SettingsError("TRACKER_DEBUG must be off when TRACKER_ENV=production.")
            if len(secret_key) < 32:
                raise SettingsError(
                    "SECRET_KEY is required when TRACKER_ENV=production (at least 32 characters; "
                    "generate one with: python -c 'import secrets; print(secrets.token_urlsafe(48))')."
                )
        elif not secret_key:
            secret_key = development_secret(data_dir)
        return cls(
            database_url=database_url,
            secret_key=secret_key,
            env=tracker_env,
            data_dir=data_dir,
            debug=debug,
            token_ttl_minutes=int(env.get("TOKEN_TTL_MINUTES", 12 * 60)),
            extra_banks_csv=env.get("TRACKER_EXTRA_BANKS") or None,
            db_pool_size=int(env.get("DB_POOL_SIZE", 20)),
            db_max_overflow=int(env.get("DB_MAX_OVERFLOW", 20)),
            log_format=env.get("TRACKER_LOG_FORMAT", "json" if tracker_env == "production" else "text"),
            reports_database_url=env.get("REPORTS_DATABASE_URL") or None,
            memory_cache_entries=int(env.get("MEMORY_CACHE_ENTRIES", 512)),
        )


def development_secret(data_dir: Path) -> str:
    """A secret generated once into ``var/`` so that tokens survive a restart on a developer's machine."""
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secret + "\n")
    return secret
