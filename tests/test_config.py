"""Settings: read once per process from CHIBO_*, and a bad value is a sentence, not a silent default."""

from pathlib import Path

import pytest

from chibo import config
from chibo.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent
NUMBERS = ["CHIBO_BACKUPS_KEPT", "CHIBO_IDLE_MINUTES", "CHIBO_MAX_FAILED_LOGINS", "CHIBO_LOCK_MINUTES",
           "CHIBO_QUERY_TIMEOUT", "CHIBO_DISPLAY_REFRESH", "CHIBO_MAX_FAILED_LOGINS_PER_ADDRESS",
           "CHIBO_QUERY_MEMORY_MB", "CHIBO_QUERY_THREADS"]


@pytest.fixture(autouse=True)
def clean_settings(monkeypatch):
    """No CHIBO_* from the machine running the tests (conftest clears the settings read before)."""
    for name in [*NUMBERS, "CHIBO_DB", "CHIBO_BACKUP_DIR"]:
        monkeypatch.delenv(name, raising=False)


def test_unset_settings_take_their_defaults():
    cfg = config.load()
    assert cfg.db_path == config.PROJECT_DIR / "data" / "chibo.duckdb"
    assert cfg.backup_dir == cfg.db_path.parent / "backups"
    assert (cfg.backups_kept, cfg.idle_minutes, cfg.max_failed_logins, cfg.lock_minutes,
            cfg.query_timeout_seconds, cfg.display_refresh_seconds) == (14, 60, 5, 15, 5, 5)
    assert (cfg.max_failed_logins_per_address, cfg.query_memory_mb, cfg.query_threads) == (20, 256, 1)


def test_set_values_are_used(monkeypatch, tmp_path):
    monkeypatch.setenv("CHIBO_DB", str(tmp_path / "x.duckdb"))
    monkeypatch.setenv("CHIBO_IDLE_MINUTES", " 30 ")
    cfg = config.load()
    assert cfg.db_path == Path(tmp_path / "x.duckdb") and cfg.backup_dir == tmp_path / "backups"
    assert cfg.idle_minutes == 30


def test_a_blank_number_takes_its_default(monkeypatch):
    monkeypatch.setenv("CHIBO_LOCK_MINUTES", "  ")
    assert config.load().lock_minutes == 15


@pytest.mark.parametrize("bad", ["abc", "-5", "0", "1.5", "²"])
def test_a_bad_number_is_refused_with_a_sentence_naming_the_variable_and_the_value(monkeypatch, bad):
    monkeypatch.setenv("CHIBO_IDLE_MINUTES", bad)
    expected = f"Biến môi trường CHIBO_IDLE_MINUTES phải là số nguyên dương (đang là «{bad}»)."
    with pytest.raises(ConfigError) as refused:
        config.load()
    assert str(refused.value) == expected


@pytest.mark.parametrize("name", NUMBERS)
def test_every_number_setting_is_checked(monkeypatch, name):
    monkeypatch.setenv(name, "abc")
    with pytest.raises(ConfigError, match=f"^Biến môi trường {name} phải là số nguyên dương"):
        config.load()


def test_settings_are_read_once_until_the_cache_is_cleared(monkeypatch):
    monkeypatch.setenv("CHIBO_QUERY_TIMEOUT", "7")
    first = config.load()
    monkeypatch.setenv("CHIBO_QUERY_TIMEOUT", "9")
    assert config.load() is first and config.load().query_timeout_seconds == 7
    config.load.cache_clear()
    assert config.load().query_timeout_seconds == 9


def test_the_app_and_the_cli_each_read_settings_in_one_place():
    sources = [*ROOT.glob("chibo/**/*.py"), *ROOT.glob("screens/*.py"), ROOT / "app.py"]
    readers = {str(path.relative_to(ROOT)): count for path in sources
               if (count := path.read_text(encoding="utf-8").count("config.load()"))}
    assert readers == {"chibo/ui.py": 1, "chibo/cli.py": 1}


def test_a_fixed_day_is_the_apps_today_and_a_bad_one_is_refused(monkeypatch):
    from datetime import date
    monkeypatch.setenv("CHIBO_TODAY", "2026-11-21")
    config.load.cache_clear()
    assert config.load().today() == date(2026, 11, 21)
    monkeypatch.setenv("CHIBO_TODAY", "21/11/2026")
    config.load.cache_clear()
    with pytest.raises(ConfigError, match="CHIBO_TODAY phải là một ngày dạng năm-tháng-ngày.*«21/11/2026»"):
        config.load()


def test_remembering_defaults_to_thirty_days_and_zero_means_never(monkeypatch):
    assert config.load().remember_days == 30
    monkeypatch.setenv("CHIBO_REMEMBER_DAYS", "0")
    config.load.cache_clear()
    assert config.load().remember_days == 0


@pytest.mark.parametrize("bad", ["abc", "-1", "4000"])
def test_a_bad_remember_days_stops_the_start_with_a_sentence(monkeypatch, bad):
    monkeypatch.setenv("CHIBO_REMEMBER_DAYS", bad)
    with pytest.raises(ConfigError, match="CHIBO_REMEMBER_DAYS"):
        config.load()
