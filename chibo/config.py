"""Every setting, read once per process from the environment (CHIBO_*), with defaults.
A value that is set but unusable stops the start with a sentence naming it, rather than
being replaced by the default without a word."""

import os
import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path

from chibo.errors import ConfigError

PROJECT_DIR = Path(__file__).resolve().parent.parent


def _positive_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not re.fullmatch(r"[0-9]+", raw) or int(raw) == 0:  # not isdigit(): "²" passes it, then int() fails
        raise ConfigError(f"Biến môi trường {name} phải là số nguyên dương (đang là «{raw}»).")
    return int(raw)


def _whole_days(name: str, default: int) -> int:
    """A number of days where 0 means «never» (CHIBO_REMEMBER_DAYS)."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not re.fullmatch(r"[0-9]+", raw) or int(raw) > 3650:
        raise ConfigError(f"Biến môi trường {name} phải là số ngày từ 0 đến 3650 (đang là «{raw}»).")
    return int(raw)


def _day(name: str) -> date | None:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ConfigError(f"Biến môi trường {name} phải là một ngày dạng năm-tháng-ngày, ví dụ 2026-11-21 "
                          f"(đang là «{raw}»).") from None


def _megabytes(name: str, default: int, most: int) -> int:
    """A size limit in MB: a whole number from 1 to `most` (the server takes no upload above 200 MB)."""
    value = _positive_int(name, default)
    if value > most:
        raise ConfigError(f"Biến môi trường {name} phải là số MB từ 1 đến {most} (đang là «{value}»).")
    return value


EVIDENCE_MAX_MB = 10  # CHIBO_EVIDENCE_MAX_MB's default: a phone's photo is 2–5 MB, a scanned report a few


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
    max_failed_logins_per_address: int = 20
    query_memory_mb: int = 256
    query_threads: int = 1
    remember_days: int = 30  # CHIBO_REMEMBER_DAYS: a signed-in browser stays signed in this long; 0 = never
    evidence_max_mb: int = EVIDENCE_MAX_MB  # CHIBO_EVIDENCE_MAX_MB: the largest photo or file a progress entry takes
    fixed_day: date | None = None  # CHIBO_TODAY: the app lives on this day (demonstrations, browser tests)

    def today(self) -> date:
        """The day the app works on: the fixed day if one is set, else the calendar's."""
        return self.fixed_day or date.today()

    def now(self) -> datetime:
        """The moment the app works at: the real time of day on the day the app lives on, so the meeting
        display's clock runs on a fixed day (CHIBO_TODAY) as on the calendar's."""
        return datetime.combine(self.today(), datetime.now().time().replace(microsecond=0))


@cache
def load() -> Config:
    """The settings, read on the first call and kept for the life of the process.
    Whoever changes CHIBO_* afterwards (tests, the benchmark) calls load.cache_clear()."""
    db_path = Path(os.environ.get("CHIBO_DB", PROJECT_DIR / "data" / "chibo.duckdb"))
    backup_dir = Path(os.environ.get("CHIBO_BACKUP_DIR", db_path.parent / "backups"))
    return Config(
        db_path=db_path,
        backup_dir=backup_dir,
        backups_kept=_positive_int("CHIBO_BACKUPS_KEPT", 14),
        idle_minutes=_positive_int("CHIBO_IDLE_MINUTES", 60),
        max_failed_logins=_positive_int("CHIBO_MAX_FAILED_LOGINS", 5),
        lock_minutes=_positive_int("CHIBO_LOCK_MINUTES", 15),
        query_timeout_seconds=_positive_int("CHIBO_QUERY_TIMEOUT", 5),
        display_refresh_seconds=_positive_int("CHIBO_DISPLAY_REFRESH", 5),
        max_failed_logins_per_address=_positive_int("CHIBO_MAX_FAILED_LOGINS_PER_ADDRESS", 20),
        query_memory_mb=_positive_int("CHIBO_QUERY_MEMORY_MB", 256),
        query_threads=_positive_int("CHIBO_QUERY_THREADS", 1),
        remember_days=_whole_days("CHIBO_REMEMBER_DAYS", 30),
        evidence_max_mb=_megabytes("CHIBO_EVIDENCE_MAX_MB", EVIDENCE_MAX_MB, 200),
        fixed_day=_day("CHIBO_TODAY"),
    )
