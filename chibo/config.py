"""Every setting, read once from the environment (CHIBO_*), with defaults."""

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw.isdigit() else default


@dataclass(frozen=True)
class Config:
    db_path: Path
    backup_dir: Path
    backups_kept: int
    idle_minutes: int
    max_failed_logins: int
    lock_minutes: int
    query_timeout_seconds: int
    display_refresh_seconds: int


def load() -> Config:
    db_path = Path(os.environ.get("CHIBO_DB", PROJECT_DIR / "data" / "chibo.duckdb"))
    backup_dir = Path(os.environ.get("CHIBO_BACKUP_DIR", db_path.parent / "backups"))
    return Config(
        db_path=db_path,
        backup_dir=backup_dir,
        backups_kept=_int("CHIBO_BACKUPS_KEPT", 14),
        idle_minutes=_int("CHIBO_IDLE_MINUTES", 60),
        max_failed_logins=_int("CHIBO_MAX_FAILED_LOGINS", 5),
        lock_minutes=_int("CHIBO_LOCK_MINUTES", 15),
        query_timeout_seconds=_int("CHIBO_QUERY_TIMEOUT", 5),
        display_refresh_seconds=_int("CHIBO_DISPLAY_REFRESH", 5),
    )
