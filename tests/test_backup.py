from datetime import date
from pathlib import Path

import duckdb
import pytest

from chibo import auth, backup, config, members
from chibo.db import Database
from chibo.errors import InputError

A = auth.SYSTEM


def content(db: Database) -> dict:
    """Every row of every table, to compare two databases."""
    tables = [r[0] for r in db.rows("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
                                    " ORDER BY 1")]
    return {t: db.rows(f"SELECT * FROM {t} ORDER BY ALL") for t in tables}


def test_restoring_a_backup_gives_identical_content(demo_db, tmp_path):
    out = backup.backup_to(demo_db, A, tmp_path / "copy.duckdb")
    expected = content(demo_db)
    members.add_unit(demo_db, A, "Đơn vị thêm sau sao lưu", "khac")
    target = demo_db.path
    demo_db.close()
    kept = backup.restore_file(target, out, tmp_path / "backups")
    restored = Database(target)
    assert content(restored) == expected
    assert kept.exists()  # the replaced database is kept as a backup
    old = Database(kept)
    assert old.scalar("SELECT count(*) FROM units WHERE name = 'Đơn vị thêm sau sao lưu'") == 1
    old.close()
    restored.close()


def test_a_restore_while_running_swaps_the_data_and_keeps_the_old(demo_db, tmp_path):
    out = backup.backup_to(demo_db, A, tmp_path / "copy.duckdb")
    expected = content(demo_db)
    members.add_unit(demo_db, A, "Sau sao lưu", "khac")
    kept = backup.restore_running(demo_db, A, out, tmp_path / "backups")
    assert content(demo_db) == expected
    assert kept.exists()


def test_a_backup_taken_during_writes_is_consistent(demo_db):
    data = backup.backup_bytes(demo_db, A)
    assert data[8:12] == b"DUCK"


@pytest.mark.parametrize("payload,message", [
    (b"not a database at all", "không phải cơ sở dữ liệu chibo"),
    (None, "không phải bản sao lưu của chibo"),
])
def test_foreign_or_tampered_files_are_refused_and_data_untouched(demo_db, tmp_path, payload, message):
    bad = tmp_path / "bad.duckdb"
    if payload is None:
        con = duckdb.connect(str(bad))
        con.execute("CREATE TABLE something (x INTEGER)")
        con.close()
    else:
        bad.write_bytes(payload)
    before = content(demo_db)
    with pytest.raises(InputError, match=message):
        backup.restore_running(demo_db, A, bad, tmp_path / "backups")
    assert content(demo_db) == before


def test_a_backup_from_a_newer_version_is_refused(demo_db, tmp_path):
    out = backup.backup_to(demo_db, A, tmp_path / "newer.duckdb")
    newer = Database(out)
    newer.write(lambda cur: cur.execute("INSERT INTO schema_migrations VALUES (999, '0999_future.sql', now())"))
    newer.close()
    with pytest.raises(InputError, match="phiên bản chibo mới hơn"):
        backup.inspect(out)


def test_an_older_backup_is_migrated_on_restore(demo_db, tmp_path, monkeypatch):
    from chibo import db as dbmod
    out = backup.backup_to(demo_db, A, tmp_path / "old.duckdb")
    extra = (dbmod.latest_version() + 1, f"{dbmod.latest_version() + 1:04d}_test.sql",
             "CREATE TABLE migrated_marker (x INTEGER);")
    monkeypatch.setattr(dbmod, "migration_files", lambda original=dbmod.migration_files: [*original(), extra])
    kept_dir = tmp_path / "backups"
    backup.restore_running(demo_db, A, out, kept_dir)
    assert demo_db.scalar("SELECT count(*) FROM migrated_marker") == 0
    assert demo_db.scalar("SELECT max(version) FROM schema_migrations") == extra[0]


def test_the_daily_backup_runs_once_a_day_and_keeps_the_newest_n(demo_db, tmp_path):
    cfg = config.Config(demo_db.path, tmp_path / "backups", 3, 60, 5, 15, 5, 5)
    made = [backup.daily_backup(demo_db, cfg, date(2026, 11, d)) for d in range(1, 7)]
    assert all(made)
    assert backup.daily_backup(demo_db, cfg, date(2026, 11, 6)) is None
    names = sorted(p.name for p in (tmp_path / "backups").iterdir())
    assert names == ["chibo-2026-11-04-auto.duckdb", "chibo-2026-11-05-auto.duckdb", "chibo-2026-11-06-auto.duckdb"]


def test_an_empty_database_is_not_backed_up(fresh_db, tmp_path):
    cfg = config.Config(fresh_db.path, tmp_path / "b", 3, 60, 5, 15, 5, 5)
    assert backup.daily_backup(fresh_db, cfg, date(2026, 11, 6)) is None
    assert not Path(tmp_path / "b").exists()


def test_a_backup_keeps_the_database_locked_against_other_processes(demo_db, tmp_path):
    import subprocess
    import sys
    root = Path(__file__).resolve().parent.parent
    backup.backup_to(demo_db, A, tmp_path / "copy.duckdb")
    result = subprocess.run([sys.executable, "-m", "chibo", "check", "--db", str(demo_db.path)], cwd=root,
                            capture_output=True, text=True)
    assert result.returncode != 0 and "đang được một chương trình khác sử dụng" in result.stderr
