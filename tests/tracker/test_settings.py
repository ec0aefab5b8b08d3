from __future__ import annotations

from pathlib import Path

import pytest

from tracker.settings import Settings, SettingsError


def test_defaults_use_sqlite_under_var_and_generate_a_secret_once(tmp_path: Path) -> None:
    env = {"TRACKER_DATA_DIR": str(tmp_path / "var")}
    first = Settings.from_env(env)
    assert first.database_url == f"sqlite+aiosqlite:///{tmp_path / 'var' / 'tracker.db'}"
    assert len(first.secret_key) >= 32
    assert Settings.from_env(env).secret_key == first.secret_key
    assert (tmp_path / "var" / "secret_key").stat().st_mode & 0o077 == 0


def test_production_requires_a_real_secret(tmp_path: Path) -> None:
    env = {"TRACKER_ENV": "production", "TRACKER_DATA_DIR": str(tmp_path)}
    with pytest.raises(SettingsError, match="SECRET_KEY"):
        Settings.from_env(env)
    with pytest.raises(SettingsError, match="SECRET_KEY"):
        Settings.from_env({**env, "SECRET_KEY": "short"})
    with pytest.raises(SettingsError, match="DEBUG"):
        Settings.from_env({**env, "SECRET_KEY": "s" * 40, "TRACKER_DEBUG": "1"})
    settings = Settings.from_env({**env, "SECRET_KEY": "s" * 40, "DATABASE_URL": "postgresql+asyncpg://u@h/db"})
    assert settings.is_production
    assert not settings.is_sqlite
    assert not (tmp_path / "secret_key").exists()
