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


def test_the_demo_is_made_with_the_functions_a_user_triggers(demo_db):
    actions = dict(demo_db.rows("SELECT action, count(*) FROM audit_log GROUP BY 1"))
    assert actions["tạo văn bản"] == 6 + 5  # six resolutions, five reports
    assert actions["chi bộ thông qua"] == 6 and actions["bắt đầu triển khai"] == 6
    assert actions["chuyển tiếp nhiệm vụ"] >= 5 and actions["lặp lại nhiệm vụ"] >= 3
    fee_months = [r[0].month for r in demo_db.rows(
        "SELECT month FROM resolution_tasks(DATE '2026-11-21') WHERE title = 'Thu, nộp đảng phí đúng quy định' ORDER BY 1")]
    assert fee_months == list(range(fee_months[0], 12)) and fee_months[0] <= 8  # once set, every month after
    assert actions["điểm danh"] == 6 and actions["chốt tháng"] == 5 and actions["ban hành báo cáo"] == 5


def test_every_copied_task_of_the_demo_reports_back_after_its_new_month(demo_db):
    stale = demo_db.scalar("SELECT count(*) FROM tasks t JOIN documents d ON d.id = t.document_id"
                           " WHERE t.report_at <> 'kỳ sinh hoạt tháng ' || month(d.month + INTERVAL 1 MONTH)"
                           " || '/' || year(d.month + INTERVAL 1 MONTH)")
    assert stale == 0


def test_the_demo_cell_is_current_no_district_no_township(demo_db):
    texts = " ".join(str(v) for row in demo_db.rows("SELECT name, superior_name, superior_committee FROM cell")
                     for v in row)
    issuers = " ".join(r[0] for r in demo_db.rows("SELECT issuer FROM higher_docs"))
    for word in ("thị trấn", "huyện", "Huyện"):
        assert word not in texts + issuers
    assert "Đảng ủy xã Tân Lộc" in texts
