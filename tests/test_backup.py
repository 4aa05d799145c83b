import gzip
import os
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import pytest

from chibo import auth, backup, config, integrity, members
from chibo import db as dbmod
from chibo.db import Database
from chibo.errors import InputError
from tests.test_integrity import DAMAGES, OLD, damaged_copy, english_in

A = auth.SYSTEM


def content(db: Database) -> dict:
    """Every row of every table, to compare two databases."""
    tables = [r[0] for r in db.rows("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
                                    " ORDER BY 1")]
    return {t: db.rows(f"SELECT * FROM {t} ORDER BY ALL") for t in tables}


def test_restoring_a_backup_gives_identical_content(cell_db, tmp_path):
    out = backup.backup_to(cell_db, A, tmp_path / "copy.duckdb")
    expected = content(cell_db)
    members.add_unit(cell_db, A, "Đơn vị thêm sau sao lưu", "khac")
    target = cell_db.path
    cell_db.close()
    kept = backup.restore_file(target, out, tmp_path / "backups")
    restored = Database(target)
    assert content(restored) == expected
    assert kept.exists()  # the replaced database is kept as a backup
    old = Database(kept)
    assert old.scalar("SELECT count(*) FROM units WHERE name = 'Đơn vị thêm sau sao lưu'") == 1
    old.close()
    restored.close()


def test_a_restore_while_running_swaps_the_data_and_keeps_the_old(cell_db, tmp_path):
    out = backup.backup_to(cell_db, A, tmp_path / "copy.duckdb")
    expected = content(cell_db)
    members.add_unit(cell_db, A, "Sau sao lưu", "khac")
    kept = backup.restore_running(cell_db, A, out, tmp_path / "backups")
    assert content(cell_db) == expected
    assert kept.exists()
    assert not list(tmp_path.glob(".restore-*"))


WRITERS = 4


def start_writers(db: Database, stop: threading.Event, committed: list[int],
                  failures: list[Exception]) -> list[threading.Thread]:
    """Each writer, until stopped, commits transactions that add its next row to `ledger` and bump its
    `totals`; committed[w] is how many writer w has seen committed."""
    db.write(lambda cur: cur.execute("CREATE TABLE ledger (writer INTEGER, seq INTEGER)"))
    db.write(lambda cur: cur.execute("CREATE TABLE totals AS SELECT range::INTEGER AS writer, 0 AS n"
                                     f" FROM range({WRITERS})"))
    db.checkpoint()  # the tables are in the file; what the writers add is in the log until the backup's checkpoint

    def write_forever(writer: int) -> None:
        while not stop.is_set():
            seq = committed[writer]

            def work(cur, seq=seq):
                cur.execute("INSERT INTO ledger VALUES (?, ?)", [writer, seq])
                cur.execute("UPDATE totals SET n = n + 1 WHERE writer = ?", [writer])
            try:
                db.write(work)
            except Exception as exc:  # shown by the test, not lost in the thread
                failures.append(exc)
                return
            committed[writer] = seq + 1
            time.sleep(0.001)  # as users do; a writer that never lets go would starve the backup

    threads = [threading.Thread(target=write_forever, args=(w,)) for w in range(WRITERS)]
    for thread in threads:
        thread.start()
    return threads


def wait_until(condition, failures: list[Exception]) -> None:
    for _ in range(2000):
        if condition() or failures:
            return
        time.sleep(0.005)
    raise AssertionError("the writers made no progress")


def ledger_of(db: Database) -> dict[int, tuple[int, list[int]]]:
    """Per writer: its total and the sequence numbers of its rows."""
    totals = dict(db.rows("SELECT writer, n FROM totals"))
    return {w: (totals[w], [s for s, in db.rows("SELECT seq FROM ledger WHERE writer = ? ORDER BY seq", [w])])
            for w in totals}


def test_a_backup_taken_during_writes_is_consistent(demo_db, tmp_path, monkeypatch):
    commits_while_copying = []
    copy_file = subprocess.run

    def watched_copy(*args, **kwargs):
        start = demo_db.generation
        time.sleep(0.05)  # time enough for every writer to commit, were it let in
        done = copy_file(*args, **kwargs)
        commits_while_copying.append(demo_db.generation - start)
        return done
    monkeypatch.setattr(subprocess, "run", watched_copy)
    stop, committed, failures = threading.Event(), [0] * WRITERS, []
    threads = start_writers(demo_db, stop, committed, failures)
    try:
        wait_until(lambda: min(committed) >= 10, failures)
        before_backup = list(committed)
        out = backup.backup_to(demo_db, A, tmp_path / "during.duckdb")
        after_backup = list(committed)
        wait_until(lambda: all(committed[w] > after_backup[w] + 10 for w in range(WRITERS)), failures)  # still writing
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert not failures and commits_while_copying == [0]
    live = ledger_of(demo_db)
    copy = Database(out, migrate=False)
    try:
        copied = ledger_of(copy)
        assert copy.rows("SELECT version, name FROM schema_migrations ORDER BY 1") == \
            demo_db.rows("SELECT version, name FROM schema_migrations ORDER BY 1")
        assert {t: rows for t, rows in content(copy).items() if t not in ("ledger", "totals")} == \
            {t: rows for t, rows in content(demo_db).items() if t not in ("ledger", "totals")}
    finally:
        copy.close()
    for w in range(WRITERS):
        total, seqs = copied[w]
        assert seqs == list(range(total)), w  # whole transactions, in order: a prefix of the writer's rows
        assert total >= before_backup[w], w  # nothing committed before the backup began is missing
        assert live[w] == (committed[w], list(range(committed[w]))) and committed[w] > total, w


def test_a_downloaded_backup_is_the_same_database_down_to_the_last_write(demo_db, tmp_path):
    members.add_unit(demo_db, A, "Đơn vị vừa thêm", "khac")
    (tmp_path / "download.duckdb").write_bytes(backup.backup_bytes(demo_db, A))
    downloaded = Database(tmp_path / "download.duckdb", migrate=False)
    assert content(downloaded) == content(demo_db)
    downloaded.close()


def live_bytes(db: Database) -> bytes:
    db.checkpoint()  # all of it in the file: what a restore must leave exactly as it was
    return db.path.read_bytes()


@pytest.mark.parametrize("kind", list(DAMAGES))
def test_a_damaged_backup_is_refused_in_vietnamese_and_the_live_file_is_untouched(cell_db, cell_template, tmp_path,
                                                                                     kind):
    bad = damaged_copy(cell_template, tmp_path / "upload", kind)
    before = live_bytes(cell_db)
    with pytest.raises(InputError) as refused:
        backup.restore_running(cell_db, A, bad, tmp_path / "backups")
    assert DAMAGES[kind][1] in str(refused.value) and not english_in(str(refused.value))
    assert live_bytes(cell_db) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cell.duckdb", "upload"]  # no stray copy, nothing kept


def test_a_file_with_nothing_in_it_is_refused(cell_db, tmp_path):
    Database(tmp_path / "new.duckdb").close()
    with pytest.raises(InputError, match="^Tệp chưa có dữ liệu nào"):
        backup.restore_running(cell_db, A, tmp_path / "new.duckdb", tmp_path / "backups")
    assert cell_db.scalar("SELECT count(*) FROM members") > 0


def test_an_interrupted_restore_leaves_no_copy_behind_and_the_data_untouched(cell_db, tmp_path, monkeypatch):
    out = backup.backup_to(cell_db, A, tmp_path / "good" / "copy.duckdb")
    before = live_bytes(cell_db)

    def interrupted(path):
        assert path.name.startswith(".restore-") and path.exists()  # cut off with the staged copy made
        raise KeyboardInterrupt
    monkeypatch.setattr(integrity, "verify", interrupted)
    with pytest.raises(KeyboardInterrupt):
        backup.restore_running(cell_db, A, out, tmp_path / "backups")
    assert not list(tmp_path.glob(".restore-*"))
    assert live_bytes(cell_db) == before


def test_copies_left_by_a_restore_cut_off_by_a_crash_are_removed_at_the_next_start(tmp_path):
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = tmp_path / f".restore-{gone.stdout.strip()}-abc.duckdb"
    ours = tmp_path / f".restore-{os.getpid()}-def.duckdb"  # a restore this process is preparing right now
    for path in (dead, Path(str(dead) + ".wal"), ours):
        path.write_bytes(b"x")
    assert sorted(backup.clear_stale_restores(tmp_path)) == [dead, Path(str(dead) + ".wal")]
    assert [p.name for p in tmp_path.iterdir()] == [ours.name]


def test_a_damaged_live_database_is_still_replaced_and_kept_as_it_was(cell_template, tmp_path):
    live = damaged_copy(cell_template, tmp_path / "data", "truncated to 50%")
    damaged = live.read_bytes()
    kept = backup.restore_file(live, cell_template, tmp_path / "backups")
    assert kept.read_bytes() == damaged
    assert integrity.examine(live).problems == []


def test_an_old_backup_of_schema_0001_is_migrated_and_restored(cell_db, tmp_path):
    old = tmp_path / "old.duckdb"
    old.write_bytes(gzip.decompress(OLD.read_bytes()))
    backup.restore_running(cell_db, A, old, tmp_path / "backups")
    assert cell_db.scalar("SELECT max(version) FROM schema_migrations") == dbmod.latest_version()
    assert cell_db.scalar("SELECT count(*) FROM users") == 3  # the old file's accounts, not the live one's
    assert old.read_bytes() == gzip.decompress(OLD.read_bytes())  # the upload itself is never changed


def test_an_older_backup_is_migrated_on_restore(cell_db, tmp_path, monkeypatch):
    out = backup.backup_to(cell_db, A, tmp_path / "old.duckdb")
    extra = (dbmod.latest_version() + 1, f"{dbmod.latest_version() + 1:04d}_test.sql",
             "CREATE TABLE migrated_marker (x INTEGER);")
    monkeypatch.setattr(dbmod, "migration_files", lambda original=dbmod.migration_files: [*original(), extra])
    kept_dir = tmp_path / "backups"
    backup.restore_running(cell_db, A, out, kept_dir)
    assert cell_db.scalar("SELECT count(*) FROM migrated_marker") == 0
    assert cell_db.scalar("SELECT max(version) FROM schema_migrations") == extra[0]


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
    root = Path(__file__).resolve().parent.parent
    backup.backup_to(demo_db, A, tmp_path / "copy.duckdb")
    result = subprocess.run([sys.executable, "-m", "chibo", "check", "--db", str(demo_db.path)], cwd=root,
                            capture_output=True, text=True)
    assert result.returncode != 0 and "đang được một chương trình khác sử dụng" in result.stderr
