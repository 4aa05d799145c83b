"""Migrations on a real old database.

tests/data/chibo-0001-demo.duckdb.gz is a database file as chibo wrote it at schema 0001: the demo cell
for 2026-11-21 plus three accounts, a saved question and a changed setting (scripts/make-old-database.py
made it; it is never regenerated with newer code). Each test unpacks it into its own directory and opens
it with today's code, which migrates it to the latest version. What must survive is read from the old
file itself before migrating, so the checks stay valid as migrations 0002, 0003 ... are added; a few
hand-checked constants make sure the comparison is not empty."""

from __future__ import annotations

import gzip
import shutil
from collections import Counter
from datetime import date
from pathlib import Path

import duckdb
import pytest

import chibo.db
from chibo.db import Database, apply_migrations, migration_files, schema_version

OLD = Path(__file__).parent / "data" / "chibo-0001-demo.duckdb.gz"
OLD_VERSION = 1

# A migration that changes the rows of a table on purpose names the table here, with its reason
# ("0003_partners.sql drops a lead listed among its own partners"), and tests what it changed itself.
CHANGED_ON_PURPOSE: dict[str, str] = {}
# The same for a column a migration removes or renames: "table.column" -> reason.
DROPPED_ON_PURPOSE: dict[str, str] = {}

MAIN_TABLES = ["cell", "terms", "units", "members", "documents", "targets", "target_values", "measures", "tasks",
               "task_partners", "progress_updates", "supervisions", "meetings", "attendance", "meeting_scores",
               "evaluations", "evaluation_mentions", "month_task_snapshots", "ratings", "settings", "users",
               "audit_log", "saved_queries"]


def _tables(con) -> list[str]:
    return [r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' AND table_type = 'BASE TABLE'"
        " AND table_name <> 'schema_migrations' ORDER BY table_name").fetchall()]


def _columns(con, table: str) -> list[str]:
    return [r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'main' AND table_name = ?"
        " ORDER BY ordinal_position", [table]).fetchall()]


def _rows(con, table: str, columns: list[str]) -> list[tuple]:
    names = ", ".join(f'"{c}"' for c in columns)
    return con.execute(f"SELECT {names} FROM {table} ORDER BY ALL").fetchall()


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    """The old file unpacked once; read only, never migrated."""
    path = tmp_path_factory.mktemp("old") / "chibo-0001-demo.duckdb"
    path.write_bytes(gzip.decompress(OLD.read_bytes()))
    return path


@pytest.fixture(scope="module")
def old(pristine) -> dict:
    """What the old file holds, read with DuckDB alone before any chibo code touches it."""
    con = duckdb.connect(str(pristine), read_only=True)
    try:
        tables = _tables(con)
        columns = {t: _columns(con, t) for t in tables}
        return {
            "version": schema_version(con),
            "migrations": con.execute("SELECT version, name, applied_at FROM schema_migrations").fetchall(),
            "tables": tables,
            "columns": columns,
            "counts": {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables},
            "rows": {t: _rows(con, t, columns[t]) for t in tables},
        }
    finally:
        con.close()


@pytest.fixture
def copy(tmp_path, pristine) -> Path:
    """This test's own copy of the old file, not yet opened by chibo."""
    path = tmp_path / "chibo.duckdb"
    shutil.copyfile(pristine, path)
    return path


@pytest.fixture
def migrated(copy):
    db = Database(copy)
    yield db
    db.close()


def test_the_test_database_was_written_by_schema_0001(old):
    assert old["version"] == OLD_VERSION
    assert [(v, name) for v, name, _ in old["migrations"]] == [(1, "0001_initial.sql")]
    assert set(MAIN_TABLES) <= set(old["tables"])
    for table in ["cell", "members", "tasks", "documents", "meetings", "attendance", "evaluations", "targets",
                  "target_values", "progress_updates", "users", "audit_log", "saved_queries", "settings"]:
        assert old["counts"][table] > 0, f"{table} is empty in the old file: nothing to carry over"


def test_an_old_database_is_migrated_to_the_latest_version(old, migrated):
    shipped = [(version, name) for version, name, _ in migration_files()]
    assert migrated.rows("SELECT version, name FROM schema_migrations ORDER BY version") == shipped
    # What was applied before keeps its record: 0001 was not run a second time.
    assert migrated.rows("SELECT version, name, applied_at FROM schema_migrations WHERE version <= ?"
                         " ORDER BY version", [OLD_VERSION]) == old["migrations"]


def test_an_old_database_is_migrated_without_losing_rows(old, migrated):
    counts = {t: migrated.scalar(f"SELECT count(*) FROM {t}") for t in old["tables"] if t not in CHANGED_ON_PURPOSE}
    assert counts == {t: n for t, n in old["counts"].items() if t not in CHANGED_ON_PURPOSE}
    # Hand-checked against the demo for 2026-11-21.
    assert counts["members"] == 33
    assert counts["tasks"] == 87
    assert counts["meetings"] == 6
    assert counts["attendance"] == 6 * 33
    assert counts["evaluations"] == 5
    assert counts["users"] == 3


def test_every_old_value_is_still_there_after_migrating(old, migrated):
    con = migrated._root
    tables = set(_tables(con))
    for table in old["tables"]:
        if table in CHANGED_ON_PURPOSE:
            continue
        assert table in tables, f"table {table} is gone"
        now = set(_columns(con, table))
        lost = [c for c in old["columns"][table] if c not in now and f"{table}.{c}" not in DROPPED_ON_PURPOSE]
        assert not lost, f"{table} lost columns {lost}"
        kept = [c for c in old["columns"][table] if c in now]
        positions = [old["columns"][table].index(c) for c in kept]
        expected = Counter(tuple(row[i] for i in positions) for row in old["rows"][table])
        assert Counter(_rows(con, table, kept)) == expected, f"values of {table} changed"


def test_the_cell_its_members_and_tasks_read_the_same_after_migrating(migrated):
    assert migrated.one("SELECT name, superior_name, place_name, meeting_day FROM cell") == (
        "Chi bộ Trường Tiểu học Sông Mây", "Đảng bộ thị trấn Tân Lộc", "Tân Lộc", 3)
    assert migrated.one("SELECT full_name, party_role, membership FROM members WHERE id = 11") == (
        "Lê Thu Nga", "bi_thu", "chinh_thuc")
    assert migrated.one("SELECT title, deadline, status, done_on, progress FROM tasks WHERE id = 83") == (
        "Kiểm tra nề nếp dạy học đầu tháng ở các lớp", date(2026, 6, 30), "done", date(2026, 6, 28), 100)
    per_month = migrated.rows("SELECT d.month, count(*) FROM tasks t JOIN documents d ON d.id = t.document_id"
                              " GROUP BY d.month ORDER BY d.month")
    assert per_month == [(date(2026, 6, 1), 12), (date(2026, 7, 1), 13), (date(2026, 8, 1), 15),
                         (date(2026, 9, 1), 17), (date(2026, 10, 1), 14), (date(2026, 11, 1), 16)]
    assert migrated.rows("SELECT status, count(*) FROM tasks GROUP BY status ORDER BY status") == [
        ("done", 66), ("in_progress", 11), ("not_done", 5), ("not_started", 5)]
    assert migrated.rows("SELECT u.username, u.role, m.full_name FROM users u LEFT JOIN members m"
                         " ON m.id = u.member_id ORDER BY u.id") == [
        ("quantri", "quan_tri", None), ("bithu", "chi_uy", "Lê Thu Nga"), ("dangvien", "dang_vien", None)]
    assert migrated.scalar("SELECT value FROM settings WHERE key = 'traffic_lights'") == \
        '{"green": 85.0, "yellow": 60.0}'


def test_new_rows_after_migrating_do_not_collide_with_old_ids(old, migrated):
    highest = max(max((r[0] for r in old["rows"][t]), default=0) for t in old["tables"]
                  if old["columns"][t][0] == "id" and t != "cell")
    new_id = migrated.write(lambda cur: cur.execute(
        "INSERT INTO units (name, kind) VALUES ('Tổ mới', 'khac') RETURNING id").fetchone()[0])
    assert new_id > highest


def test_entries_from_before_0007_stand_and_a_finished_one_keeps_its_tasks_day(migrated):
    """0007 adds what a correction or a withdrawal needs: nothing old is withdrawn, and an entry that finished its
    task holds the task's completion day, so a later withdrawal can hand it back."""
    assert migrated.scalar("SELECT count(*) FROM progress_updates WHERE withdrawn_at IS NOT NULL"
                           " OR corrected_at IS NOT NULL") == 0
    assert migrated.scalar("SELECT count(*) FROM progress_updates WHERE status = 'done'") > 0
    assert migrated.scalar("SELECT count(*) FROM progress_updates WHERE status = 'done' AND done_on IS NULL") == 0
    assert migrated.scalar("SELECT count(*) FROM progress_updates p JOIN tasks t ON t.id = p.task_id"
                           " WHERE p.status = 'done' AND t.done_on IS NOT NULL AND p.done_on <> t.done_on") == 0
    assert migrated.scalar("SELECT count(*) FROM progress_evidence") == 0


def test_opening_a_migrated_database_again_applies_nothing(copy):
    db = Database(copy)
    first = db.rows("SELECT version, name, applied_at FROM schema_migrations ORDER BY version")
    counts = {t: db.scalar(f"SELECT count(*) FROM {t}") for t in MAIN_TABLES}
    db.close()
    db = Database(copy)
    try:
        assert db.rows("SELECT version, name, applied_at FROM schema_migrations ORDER BY version") == first
        assert apply_migrations(db) == []
        assert {t: db.scalar(f"SELECT count(*) FROM {t}") for t in MAIN_TABLES} == counts
    finally:
        db.close()


def test_a_pending_migration_runs_on_the_old_database_and_keeps_its_rows(copy, monkeypatch):
    """Even while 0001 is the only migration shipped: the next one, whatever it is, meets this file."""
    version = chibo.db.latest_version() + 1
    sql = ("ALTER TABLE tasks ADD COLUMN reviewed BOOLEAN DEFAULT false;"
           " UPDATE tasks SET reviewed = (status = 'done');"
           " CREATE MACRO test_is_done(status) AS status = 'done';")
    shipped = chibo.db.migration_files()
    monkeypatch.setattr(chibo.db, "migration_files",
                        lambda: [*shipped, (version, f"{version:04d}_test_pending.sql", sql)])
    db = Database(copy)
    try:
        assert db.scalar("SELECT max(version) FROM schema_migrations") == version
        assert db.one("SELECT count(*), count(*) FILTER (WHERE reviewed), count(*) FILTER (WHERE test_is_done(status))"
                      " FROM tasks") == (87, 66, 66)
        assert apply_migrations(db) == []
    finally:
        db.close()


def test_an_old_database_with_data_is_copied_before_it_is_migrated(old, copy):
    Database(copy, backup_dir=copy.parent / "kept").close()
    [kept] = (copy.parent / "kept").iterdir()
    assert kept.name.startswith("chibo-") and kept.name.endswith(f"-truoc-nang-cap-v{OLD_VERSION}.duckdb")
    con = duckdb.connect(str(kept), read_only=True)
    try:
        assert schema_version(con) == OLD_VERSION
        assert {t: _rows(con, t, old["columns"][t]) for t in old["tables"]} == old["rows"]
    finally:
        con.close()


def test_a_database_at_the_latest_version_is_not_copied_again_on_open(copy):
    Database(copy).close()  # migrates, after one copy beside it (backups/, the default)
    Database(copy).close()
    assert len(list((copy.parent / "backups").iterdir())) == 1


def test_an_old_database_without_data_is_migrated_without_a_copy(tmp_path):
    path = tmp_path / "empty-0001.duckdb"
    con = duckdb.connect(str(path))
    con.execute(chibo.db.SCHEMA_MIGRATIONS)
    version, name, sql = migration_files()[0]
    con.execute(sql)
    con.execute("DELETE FROM fields")  # what 0001 seeds: a file holding nothing at all
    con.execute("INSERT INTO schema_migrations VALUES (?, ?, TIMESTAMP '2026-11-21 08:00')", [version, name])
    con.close()
    db = Database(path)
    assert db.scalar("SELECT max(version) FROM schema_migrations") == chibo.db.latest_version()
    db.close()
    assert not (tmp_path / "backups").exists()
