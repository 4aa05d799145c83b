from datetime import date

from chibo import auth, demo, documents, targets
from chibo.db import Database
from tests.conftest import TODAY

CLOCK_COLUMNS = {"created_at", "updated_at"}  # when the rows were written, not what they say


def snapshot(db):
    tables = ["members", "units", "documents", "tasks", "task_partners", "progress_updates", "targets",
              "target_values", "meetings", "attendance", "evaluations", "evaluation_mentions", "ratings"]
    result = {}
    for table in tables:
        columns = [r[0] for r in db.rows("SELECT column_name FROM information_schema.columns WHERE table_name = ?"
                                         " ORDER BY ordinal_position", [table]) if r[0] not in CLOCK_COLUMNS]
        result[table] = db.rows(f"SELECT {', '.join(columns)} FROM {table} ORDER BY ALL")
    return result


def test_the_demo_is_deterministic(tmp_path):
    first, second = Database(tmp_path / "a.duckdb"), Database(tmp_path / "b.duckdb")
    demo.load(first, auth.SYSTEM, today=TODAY)
    demo.load(second, auth.SYSTEM, today=TODAY)
    assert snapshot(first) == snapshot(second)


def test_the_demo_cell_has_what_the_brief_asks(demo_db):
    counts = dict(demo_db.rows("SELECT membership, count(*) FROM members GROUP BY 1"))
    assert sum(counts.values()) == 33 and counts["du_bi"] >= 1
    assert demo_db.scalar("SELECT count(*) FROM members WHERE party_role <> 'dang_vien'") == 4
    kinds = {r[0] for r in demo_db.rows("SELECT kind FROM targets")}
    assert kinds == {"snapshot", "cumulative", "qualitative"}
    assert demo_db.scalar("SELECT count(*) FROM targets") >= 8
    per_month = demo_db.rows("SELECT d.month, count(*), count(DISTINCT t.field), count(DISTINCT t.channel) FROM tasks t"
                             " JOIN documents d ON d.id = t.document_id GROUP BY 1")
    assert len(per_month) >= 6
    assert all(n >= 12 and fields == 6 and channels == 3 for _, n, fields, channels in per_month)
    statuses = demo_db.rows(
        "SELECT count(*) FILTER (WHERE status = 'done' AND done_on > deadline),"
        " count(*) FILTER (WHERE status IN ('not_started','in_progress') AND deadline < ?) FROM tasks", [TODAY])[0]
    assert statuses[0] > 0 and statuses[1] > 0  # some finished late, some overdue now
    assert demo_db.scalar("SELECT count(*) FROM evaluations") >= 5
    assert demo_db.scalar("SELECT count(*) FROM attendance") >= 6 * 33


def test_the_demo_holds_together(demo_db):
    assert documents.monthly_resolution(demo_db, date(2026, 11, 1)).status == "in_progress"
    assert not targets.scorecard(demo_db, TODAY)["attainment"].isna().all()


def test_the_demo_closes_its_past_months_as_a_user_does_targets_included(demo_db):
    closed = demo_db.rows("SELECT e.month, count(DISTINCT s.task_id), count(DISTINCT ts.target_id)"
                          " FROM evaluations e JOIN month_task_snapshots s ON s.evaluation_id = e.id"
                          " JOIN month_target_snapshots ts ON ts.evaluation_id = e.id"
                          " WHERE e.closed_at IS NOT NULL GROUP BY 1 ORDER BY 1")
    targets_total = demo_db.scalar("SELECT count(*) FROM targets")
    assert len(closed) == 5 and all(frozen_targets == targets_total for _, _, frozen_targets in closed)
    assert demo_db.scalar("SELECT count(*) FROM audit_log WHERE action = 'chốt tháng'") == 5
