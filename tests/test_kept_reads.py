"""Kept reads per table written (chibo.db): a write drops only the answers that read a table it wrote, and every
answer still kept after a domain write is the one the database gives afresh."""

import math
from datetime import date, datetime, time, timedelta

import pandas as pd
import pytest

from chibo import (
    auth,
    cell,
    checklist,
    config,
    docs,
    documents,
    evaluations,
    meetings,
    members,
    months,
    plans,
    program,
    queries,
    sessions,
    targets,
    tasks,
    ui,
)
from chibo.db import EVERYTHING, Database
from chibo.errors import InputError
from tests.conftest import TODAY
from tests.test_app import PAGES, demo_app, isolated_app, signed_in  # noqa: F401 (fixtures)

MONTH = date(2026, 11, 1)
NOW = datetime(2026, 11, 21, 14, 0)


# -- which tables a statement reads and writes ----------------------------------------------------------------
def test_a_read_names_the_tables_behind_its_macros(fresh_db):
    reads = fresh_db._catalog.reads
    assert reads("SELECT * FROM month_tasks(?, ?)") == {"tasks", "documents", "members", "units"}
    assert reads("SELECT lead_name(?, NULL) AS lead") == {"members", "units"}
    assert reads("SELECT rate FROM meeting_attendance() WHERE meeting_id = ?") == {"attendance"}
    assert reads("WITH mine AS (SELECT id FROM tasks) SELECT count(*) FROM mine JOIN task_partners p"
                 " ON p.task_id = mine.id WHERE EXISTS (SELECT 1 FROM users)") == {"mine", "tasks", "task_partners",
                                                                                   "users"}
    assert reads("SELECT range FROM range(3)") == frozenset()


@pytest.mark.parametrize("sql", ["SELECT sum(estimated_size) FROM duckdb_tables()",
                                 "SELECT count(*) FROM information_schema.tables", "PRAGMA version",
                                 "this is no SQL"])
def test_a_read_whose_tables_cannot_be_told_counts_as_reading_everything(fresh_db, sql):
    assert fresh_db._catalog.reads(sql) is EVERYTHING


def test_a_write_names_the_table_it_writes(fresh_db):
    writes = fresh_db._catalog.writes
    assert writes("INSERT INTO tasks (title) SELECT name FROM units") == {"tasks"}
    assert writes("  update main.\"members\" SET full_name = ? WHERE id = ?") == {"members"}
    assert writes("DELETE FROM attendance WHERE meeting_id = ?") == {"attendance"}
    assert writes("INSERT OR REPLACE INTO settings VALUES (?, ?)") == {"settings"}
    assert writes("SELECT count(*) FROM users") == frozenset()
    assert writes("UPDATE a SET x = 1; DELETE FROM b") == {"a", "b"}
    for ddl in ("CREATE TABLE x (i INTEGER)", "CREATE OR REPLACE MACRO m(a) AS a", "DROP TABLE x",
                "ALTER TABLE x ADD COLUMN j INTEGER", "COPY x FROM 'f.csv'", "CHECKPOINT"):
        assert writes(ddl) is EVERYTHING, ddl


# -- what is kept, and what is dropped ------------------------------------------------------------------------
def test_a_write_keeps_every_answer_that_read_none_of_its_tables(fresh_db, statements):
    members.add_unit(fresh_db, auth.SYSTEM, "Tổ Toán", "to_chuyen_mon")
    units, people = "SELECT name FROM units", "SELECT full_name FROM members"
    fresh_db.rows(units), fresh_db.rows(people)
    statements.clear()
    fresh_db.write(lambda cur: cur.execute("UPDATE units SET name = 'Tổ Văn' WHERE name = 'Tổ Toán'"))
    assert fresh_db.rows(units) == [("Tổ Văn",)] and fresh_db.rows(people) == []
    assert statements == [units]  # the members were not read again


def test_a_kept_function_is_dropped_when_any_table_its_reads_touched_is_written(fresh_db, statements):
    calls = []

    def inner():
        return fresh_db.scalar("SELECT count(*) FROM members")

    def outer():
        calls.append(1)
        return (fresh_db.memo(("inner",), inner), fresh_db.scalar("SELECT count(*) FROM units"))

    assert fresh_db.memo(("outer",), outer) == (0, 0)
    fresh_db.write(lambda cur: cur.execute("INSERT INTO terms (name, start_date, end_date)"
                                           " VALUES ('NK', DATE '2025-01-01', DATE '2030-01-01')"))
    assert fresh_db.memo(("outer",), outer) == (0, 0) and len(calls) == 1  # terms: neither read
    fresh_db.memo(("inner",), inner)  # kept on its own: the outer one learns its tables from the kept answer too
    members.add_member(fresh_db, auth.SYSTEM, today=TODAY, full_name="Trần Văn Một", gender="nam", birth_year=1990)
    assert fresh_db.memo(("outer",), outer) == (1, 0) and len(calls) == 2


def test_a_computation_that_writes_or_reads_the_catalog_is_dropped_by_any_write(fresh_db):
    calls = []

    def sizes():
        calls.append(1)
        return fresh_db.scalar("SELECT count(*) FROM duckdb_tables()")

    fresh_db.memo(("sizes",), sizes)
    fresh_db.write(lambda cur: cur.execute("UPDATE cell SET name = name"))
    fresh_db.memo(("sizes",), sizes)
    assert len(calls) == 2

    def writes():
        calls.append(1)
        fresh_db.write(lambda cur: cur.execute("SELECT 1"))
        return 1

    fresh_db.memo(("writes",), writes)
    fresh_db.write(lambda cur: cur.execute("UPDATE cell SET name = name"))
    fresh_db.memo(("writes",), writes)
    assert len(calls) == 4


def test_an_answer_read_while_its_table_was_written_is_not_kept(fresh_db):
    def read_then_someone_writes():
        found = fresh_db.scalar("SELECT count(*) FROM units")  # goes to DuckDB: inside a computation being kept
        members.add_unit(fresh_db, auth.SYSTEM, "Tổ Toán", "to_chuyen_mon")
        return found

    assert fresh_db.memo(("race",), lambda: fresh_db.memo(("units",), read_then_someone_writes)) == 0
    assert fresh_db.memo(("race",), lambda: -1) == -1  # nothing was kept: computed again
    assert fresh_db.scalar("SELECT count(*) FROM units") == 1


def test_a_migration_drops_everything_and_learns_the_new_macros(fresh_db):
    fresh_db.rows("SELECT count(*) FROM tasks")
    fresh_db.write(lambda cur: cur.execute("CREATE OR REPLACE MACRO unit_count() AS TABLE SELECT count(*) FROM units"))
    kept = fresh_db._memo.get(Database.read_key("rows", "SELECT count(*) FROM tasks", []))
    assert kept is not None
    assert not fresh_db._fresh(*kept[:2])
    assert fresh_db._catalog.reads("SELECT * FROM unit_count()") == {"units"}


# -- the property: after any domain write, what is kept is what the database says -------------------------------
def _same(kept, fresh) -> bool:
    """Equal values; rows of a statement without ORDER BY may come in another order, so rows compare as a multiset."""
    if isinstance(kept, pd.DataFrame):
        return isinstance(fresh, pd.DataFrame) and (kept.equals(fresh) or (
            list(kept.columns) == list(fresh.columns) and _rows(kept.astype(str).values.tolist())
            == _rows(fresh.astype(str).values.tolist())))
    if isinstance(kept, dict):
        return isinstance(fresh, dict) and kept.keys() == fresh.keys() and all(_same(kept[k], fresh[k]) for k in kept)
    if isinstance(kept, (list, tuple)):
        return type(kept) is type(fresh) and len(kept) == len(fresh) and (
            all(map(_same, kept, fresh)) or _rows(kept) == _rows(fresh))
    if isinstance(kept, float) and isinstance(fresh, float) and math.isnan(kept) and math.isnan(fresh):
        return True
    if hasattr(kept, "__dataclass_fields__"):
        return type(kept) is type(fresh) and _same(vars(kept), vars(fresh))
    return kept == fresh


def _rows(rows) -> list[str]:
    return sorted(map(repr, rows))


class Checked:
    """Remembers how each kept answer was computed, to compute it again with nothing kept and compare."""

    def __init__(self, db: Database, monkeypatch):
        self.db, self.computes = db, {}
        original = Database.memo

        def memo(this, key, compute, keep=lambda value: True):
            if this is db:
                self.computes[key] = compute
            return original(this, key, compute, keep)
        monkeypatch.setattr(Database, "memo", memo)

    def stale_kept(self) -> tuple[int, list]:
        """(how many answers are still taken as fresh, those that differ from the database's)."""
        kept, wrong = 0, []
        for key in self.db._memo.keys():
            found = self.db._memo.get(key)
            if found is None or not self.db._fresh(found[0], found[1]) or key not in self.computes:
                continue
            kept += 1
            real = self.db._memo
            self.db._memo = type(real)(real.size, real.budget)  # nothing kept while computing afresh
            try:
                fresh = self.computes[key]()
            finally:
                self.db._memo = real
            if not _same(found[2], fresh):
                wrong.append(key)
        return kept, wrong


def _open_task(db) -> int:
    return db.scalar("SELECT t.id FROM month_tasks(?, ?) t WHERE t.lead_member_id IS NOT NULL"
                     " AND t.status IN ('in_progress', 'not_started') ORDER BY t.id LIMIT 1", [MONTH, TODAY])


def _domain_writes(db) -> list:
    """One or more writes of every domain module that writes, with the demo's own ids."""
    admin = auth.SYSTEM
    task = _open_task(db)
    lead = db.scalar("SELECT lead_member_id FROM tasks WHERE id = ?", [task])
    member = auth.Actor(auth.add_user(db, admin, "tacgia", "mat-khau-dai-10", "dang_vien", member_id=lead), "tacgia",
                        "dang_vien", lead)  # an author: their entries may be corrected and withdrawn
    entries = []
    meeting = meetings.create_meeting(db, admin, TODAY)  # held today: the clock may start and end
    resolution = documents.monthly_resolution(db, MONTH).id
    people = [row[0] for row in db.rows("SELECT id FROM members WHERE status = 'active' ORDER BY id")]
    deadline = db.scalar("SELECT deadline FROM tasks WHERE id = ?", [task])
    target = db.scalar("SELECT id FROM targets WHERE kind <> 'qualitative' ORDER BY id LIMIT 1")
    unit = db.scalar("SELECT id FROM units ORDER BY id LIMIT 1")

    def draft():
        return documents.monthly_resolution(db, date(2026, 12, 1)).id
    return [
        ("progress", lambda: entries.append(tasks.record_progress(db, member, task, 55, "Đã làm một nửa", today=TODAY,
                                                                  now=NOW))),
        ("entry corrected", lambda: tasks.correct_progress(db, member, entries[-1], 60, "Sửa lại", now=NOW)),
        ("entry withdrawn", lambda: tasks.withdraw_progress(db, member, entries[-1], now=NOW)),
        ("extension asked", lambda: tasks.request_extension(db, member, task, deadline + timedelta(days=1), "Chờ số liệu")),
        ("extension decided", lambda: tasks.decide_extension(
            db, admin, db.scalar("SELECT max(id) FROM extension_requests"), True)),
        ("unit plan", lambda: tasks.set_unit_plan(db, admin, unit, "Kế hoạch riêng của tổ")),
        ("supervision", lambda: tasks.add_supervision(db, admin, date(2026, 11, 10), "kiem_tra", "Nội dung",
                                                      "nhac_nho", member_id=lead, today=TODAY)),
        ("all present", lambda: meetings.mark_all_present(db, admin, meeting)),
        ("vote", lambda: meetings.record_vote(db, admin, meeting, 1)),
        ("roll call", lambda: meetings.record_attendance(db, admin, meeting, [
            {"member_id": people[0], "status": "absent_excused", "reason": "Ốm"}])),
        ("remark", lambda: meetings.add_remark(db, admin, meeting, "khai_mac", "Ý kiến thử", people[1])),
        ("start", lambda: meetings.start_meeting(db, admin, meeting, NOW)),
        ("display moved", lambda: meetings.move_display(db, admin, months.month_start(TODAY), 1, NOW,
                                                        (1,) * len(meetings.AGENDA))),
        ("presenters", lambda: meetings.set_presenters(db, admin, meeting, {"ket_qua": people[2]})),
        ("end", lambda: meetings.end_meeting(db, admin, meeting, datetime(2026, 11, 21, 16, 0))),
        ("minutes", lambda: docs.record_minutes_facts(db, admin, MONTH, time(14, 0), time(16, 0), "Đồng chí Khách",
                                                      "Kết luận thử", TODAY)),
        ("new unit", lambda: members.add_unit(db, admin, "Tổ mới", "to_chuyen_mon")),
        ("new member", lambda: members.add_member(db, admin, today=TODAY, full_name="Trần Văn Mới", gender="nam",
                                                  birth_year=1990)),
        ("member status", lambda: members.set_member_status(db, admin, people[-1], "inactive")),
        ("cell profile", lambda: cell.save_profile(db, admin, "Chi bộ Thử", "Đảng bộ xã Thử", "Đảng ủy xã Thử",
                                                   "Thử")),
        ("setting", lambda: cell.save_setting(db, admin, "projector_moves_display", False)),
        ("new draft", lambda: plans.new_monthly_draft(db, admin, date(2026, 12, 1))),
        ("sections", lambda: documents.save_sections(db, admin, draft(), {"trong_tam": "Trọng tâm mới"})),
        ("task added", lambda: plans.add_task(db, admin, draft(), {
            "field": "chuyen_mon", "title": "Nhiệm vụ thêm", "lead_member_id": lead,
            "deadline": date(2026, 12, 20), "channel": "cuoc_hop"})),
        ("checklist", lambda: checklist.mark_done(db, admin, MONTH, "notice", date(2026, 11, 1), TODAY)),
        ("delivered", lambda: docs.mark_delivered(db, admin, resolution, "so_tay", date(2026, 11, 20), TODAY)),
        ("evaluation", lambda: evaluations.save(db, admin, MONTH, strengths="Điểm mạnh mới")),
        ("mention", lambda: evaluations.add_mention(db, admin, MONTH, lead, "bieu_duong", "Làm tốt")),
        ("rating", lambda: evaluations.save_rating(db, admin, 2025, 85, member_id=lead)),
        ("target value", lambda: targets.record_value(db, admin, target, date(2026, 11, 15), 42, today=TODAY)),
        ("higher document", lambda: program.add_higher_doc(db, admin, "09-CV/ĐU", "Đảng ủy", date(2026, 11, 2),
                                                           "về việc thử", today=TODAY)),
        ("query saved", lambda: queries.save_query(db, admin, "Câu hỏi thử", "SELECT 1")),
        ("account", lambda: auth.add_user(db, admin, "moi01", "mat-khau-dai-10", "dang_vien")),
        ("account off", lambda: auth.set_active(db, admin, "moi01", False)),
        ("remembered", lambda: sessions.open_session(db, db.scalar("SELECT id FROM users ORDER BY id LIMIT 1"), 30,
                                                     NOW)),
        ("progress again", lambda: tasks.record_progress(db, member, task, 100, "Xong", status="done",
                                                         done_on=TODAY, today=TODAY, now=NOW)),
        ("month closed", lambda: evaluations.close_month(db, admin, MONTH, TODAY, early=True)),
        ("month reopened", lambda: evaluations.reopen_month(db, admin, MONTH, "Sửa số liệu")),
    ]


def _walk(user_ids: dict, db: Database | None = None, task: int | None = None) -> None:
    """Every page each role sees, as the server runs it, and a task opened: what pages read is what gets kept."""
    if db is not None:
        tasks.task(db, task, TODAY), tasks.history(db, task), tasks.pending_extensions(db, auth.SYSTEM, task)
    for user_id in user_ids.values():
        at = signed_in(user_id).run()
        for page in [*PAGES, "screens/display.py"]:
            try:
                at.switch_page(page)
            except ValueError:  # not among the role's pages
                continue
            at.run()
            assert not at.exception, (page, at.exception)


def test_after_every_domain_write_each_answer_still_kept_is_the_databases_own(demo_app, monkeypatch):  # noqa: F811
    _walk(demo_app)  # opens the app's database and fills its memo
    db = ui._database(str(config.load().db_path))
    checked = Checked(db, monkeypatch)
    task = _open_task(db)
    _walk(demo_app, db, task)  # again, now that how each answer is computed is remembered
    done, refused, survived = [], [], 0
    for name, write in _domain_writes(db):
        try:
            write()
        except InputError as exc:
            refused.append(f"{name}: {exc}")
            continue
        done.append(name)
        kept, wrong = checked.stale_kept()
        assert wrong == [], f"after «{name}» these kept answers are stale: {wrong}"
        survived += kept
        _walk(demo_app, db, task)  # read again what the write dropped
    assert refused == [], refused
    assert len(done) >= 30
    assert survived > 0  # writes do leave answers kept: the check compared something


def test_a_write_that_only_probes_its_cursor_keeps_the_answers_of_other_tables(fresh_db, statements):
    fresh_db.rows("SELECT full_name FROM members")

    def probing(cur):
        assert not hasattr(cur, "scalar")  # validate.existing_id asks whether it holds a Database or a cursor
        cur.execute("INSERT INTO units (name, kind) VALUES ('Tổ Toán', 'to_chuyen_mon')")
    fresh_db.write(probing)
    statements.clear()
    fresh_db.rows("SELECT full_name FROM members")
    assert statements == []
