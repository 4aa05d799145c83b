import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from chibo import auth, members
from chibo.db import Database, apply_migrations, latest_version, migration_files
from chibo.errors import DatabaseInUse

ROOT = Path(__file__).resolve().parent.parent


def table_names(db):
    return {r[0] for r in db.rows("SELECT table_name FROM information_schema.tables")}


def test_migrations_create_the_whole_domain_on_an_empty_file(fresh_db):
    expected = {"cell", "terms", "members", "units", "documents", "targets", "target_values", "measures", "tasks",
                "progress_updates", "supervisions", "meetings", "attendance", "evaluations", "users", "audit_log"}
    assert expected <= table_names(fresh_db)
    assert fresh_db.scalar("SELECT max(version) FROM schema_migrations") == latest_version()


def test_a_second_migration_run_changes_nothing(fresh_db):
    before = fresh_db.rows("SELECT version, name FROM schema_migrations")
    assert apply_migrations(fresh_db) == []
    assert fresh_db.rows("SELECT version, name FROM schema_migrations") == before


def test_migration_files_are_numbered_without_gaps():
    versions = [v for v, _, _ in migration_files()]
    assert versions == list(range(1, len(versions) + 1))


def test_a_failed_write_leaves_nothing_behind(fresh_db):
    def work(cur):
        cur.execute("INSERT INTO units (name, kind) VALUES ('Tổ 1', 'to_chuyen_mon')")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        fresh_db.write(work)
    assert fresh_db.scalar("SELECT count(*) FROM units") == 0


def test_eight_threads_of_conflicting_updates_are_all_counted(fresh_db):
    fresh_db.write(lambda cur: cur.execute("INSERT INTO settings VALUES ('counter', '0')"))

    def bump(cur):
        value = int(cur.execute("SELECT value FROM settings WHERE key = 'counter'").fetchone()[0])
        cur.execute("UPDATE settings SET value = ? WHERE key = 'counter'", [str(value + 1)])

    def worker():
        for _ in range(25):
            fresh_db.write(bump)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert fresh_db.scalar("SELECT value FROM settings WHERE key = 'counter'") == str(8 * 25)


def test_concurrent_domain_writes_from_eight_threads_all_land(fresh_db):
    errors = []

    def worker(n):
        try:
            for i in range(5):
                members.add_unit(fresh_db, auth.SYSTEM, f"Tổ {n}-{i}", "to_chuyen_mon")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert fresh_db.scalar("SELECT count(*) FROM units") == 40
    assert fresh_db.scalar("SELECT count(*) FROM audit_log WHERE entity = 'units'") == 40


WRITER = """
import sys
from chibo import auth, members
from chibo.db import Database
db = Database(sys.argv[1])
i = 0
while True:
    members.add_unit(db, auth.SYSTEM, f"Đơn vị {i}", "khac")
    print(i, flush=True)
    i += 1
"""


def test_a_writer_killed_mid_work_leaves_a_file_that_opens_with_every_commit(tmp_path):
    path = tmp_path / "killed.duckdb"
    Database(path).close()
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    committed = -1
    deadline = time.time() + 60
    while committed < 30 and time.time() < deadline:
        committed = int(proc.stdout.readline())
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    db = Database(path)
    assert db.scalar("SELECT count(*) FROM units") >= committed + 1
    assert db.scalar("SELECT count(*) FROM units") == db.scalar("SELECT count(*) FROM audit_log")


def test_a_second_process_gets_one_clear_sentence(tmp_path):
    path = tmp_path / "busy.duckdb"
    holder = Database(path)
    result = subprocess.run([sys.executable, "-m", "chibo", "check", "--db", str(path)], cwd=ROOT,
                            capture_output=True, text=True)
    holder.close()
    assert result.returncode != 0
    assert "đang được một chương trình khác sử dụng" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_database_in_use_is_raised_in_process_terms(tmp_path):
    path = tmp_path / "busy.duckdb"
    code = f"from chibo.db import Database; db = Database({str(path)!r}); import time; time.sleep(30)"
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT)
    try:
        for _ in range(100):
            time.sleep(0.1)
            if path.exists():
                break
        time.sleep(1)
        with pytest.raises(DatabaseInUse, match="đang được một chương trình khác sử dụng"):
            Database(path)
    finally:
        proc.kill()
        proc.wait()


def test_a_memoised_read_is_reused_until_the_next_write(fresh_db):
    calls = []

    def count_units():
        calls.append(1)
        return fresh_db.scalar("SELECT count(*) FROM units")

    assert fresh_db.memo(("units",), count_units) == 0
    assert fresh_db.memo(("units",), count_units) == 0
    assert len(calls) == 1
    members.add_unit(fresh_db, auth.SYSTEM, "Tổ 1", "to_chuyen_mon")
    assert fresh_db.memo(("units",), count_units) == 1
    assert len(calls) == 2


def test_a_failed_write_does_not_invalidate_but_a_committed_one_does(fresh_db):
    before = fresh_db.generation
    with pytest.raises(RuntimeError, match="boom"):
        fresh_db.write(lambda cur: (_ for _ in ()).throw(RuntimeError("boom")))
    assert fresh_db.generation == before
    fresh_db.write(lambda cur: cur.execute("SELECT 1"))
    assert fresh_db.generation == before + 1


def test_every_read_is_kept_until_a_write_and_then_answered_afresh(fresh_db, statements):
    sql = "SELECT name FROM units ORDER BY name"
    assert fresh_db.query(sql).empty
    assert fresh_db.rows(sql) == []
    assert fresh_db.query(sql).empty and fresh_db.rows(sql) == []
    assert len(statements) == 2  # one per shape, the repeats were kept
    members.add_unit(fresh_db, auth.SYSTEM, "Tổ Toán", "to_chuyen_mon")
    statements.clear()
    assert list(fresh_db.query(sql)["name"]) == ["Tổ Toán"]
    assert fresh_db.rows(sql) == [("Tổ Toán",)]
    assert fresh_db.records(sql) == [{"name": "Tổ Toán"}]
    assert len(statements) == 3


def test_a_caller_changing_a_kept_answer_changes_nobody_elses(fresh_db):
    members.add_unit(fresh_db, auth.SYSTEM, "Tổ Toán", "to_chuyen_mon")
    frame = fresh_db.query("SELECT name FROM units")
    frame.loc[0, "name"] = "đã sửa"
    records = fresh_db.records("SELECT name FROM units")
    records[0]["name"] = "đã sửa"
    records.append({"name": "thêm"})
    assert list(fresh_db.query("SELECT name FROM units")["name"]) == ["Tổ Toán"]
    assert fresh_db.records("SELECT name FROM units") == [{"name": "Tổ Toán"}]


def test_a_large_answer_is_not_kept(fresh_db, statements):
    calls = statements
    big = "SELECT range AS n FROM range(6000)"
    assert len(fresh_db.rows(big)) == 6000
    assert len(fresh_db.rows(big)) == 6000
    assert len(calls) == 2


def test_reads_are_answered_while_a_long_write_is_running(fresh_db):
    members.add_unit(fresh_db, auth.SYSTEM, "Tổ Toán", "to_chuyen_mon")
    fresh_db.query("SELECT name FROM units")  # kept
    inside, read_done, during = threading.Event(), threading.Event(), []

    def long_write(cur):
        inside.set()
        during.append(read_done.wait(10))  # the write stays open until the reads are done (or 10 s)
        cur.execute("SELECT 1")

    writer = threading.Thread(target=fresh_db.write, args=(long_write,))
    writer.start()
    assert inside.wait(10)
    kept = fresh_db.query("SELECT name FROM units")  # answered from the memo
    fresh = fresh_db.rows("SELECT count(*) FROM units")  # answered by DuckDB
    read_done.set()
    writer.join()
    assert list(kept["name"]) == ["Tổ Toán"] and fresh == [(1,)]
    assert during == [True]  # both reads finished while the write still held its lock


def test_kept_answers_stay_within_their_memory_budget(fresh_db, monkeypatch):
    monkeypatch.setattr(fresh_db._memo, "budget", 200_000)
    for i in range(40):  # 40 frames of ~40 kB: far more than the budget
        fresh_db.query(f"SELECT range AS n, range * {i} AS m FROM range(2500)")
    assert fresh_db._memo.held <= 200_000 and 0 < len(fresh_db._memo) < 40
    assert fresh_db._memo.held == sum(fresh_db._memo.sizes())
    newest = "SELECT range AS n, range * 39 AS m FROM range(2500)"
    assert any(key[2] == newest for key in fresh_db._memo.keys())  # the oldest went first
