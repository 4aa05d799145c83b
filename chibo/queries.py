"""Ad-hoc progress queries: ready questions with parameters, and a read-only SQL box
over documented views, run in a sandbox that cannot touch the database or the server."""

from __future__ import annotations

import io
import json
import re
import threading
from dataclasses import dataclass, field
from datetime import date

import duckdb
import pandas as pd
import pyarrow as pa

from chibo import audit, meetings, sandbox, targets, tasks, validate
from chibo.db import Database
from chibo.errors import InputError, QueryError
from chibo.labels import FIELDS, TASK_STATUSES
from chibo.permissions import Actor, require

MAX_ROWS = 1000
EXAMPLE_SQL = ("SELECT nguoi_chu_tri, count(*) AS so_viec\nFROM nhiem_vu\nWHERE trang_thai = 'overdue'\n"
               "GROUP BY 1\nORDER BY 2 DESC")

# The views the SQL box sees: name -> (description, SQL over the real tables, {column: meaning}).
VIEWS = {
    "nhiem_vu": ("Mọi nhiệm vụ của các nghị quyết tháng", """
        SELECT t.id AS ma, t.month AS thang, f.name AS linh_vuc, t.title AS noi_dung,
               m.full_name AS nguoi_chu_tri, u.name AS don_vi_chu_tri, t.lead AS chu_tri, t.channel AS kenh,
               t.start_on AS ngay_bat_dau, t.deadline AS han, t.done_on AS ngay_xong, t.progress AS tien_do,
               t.effective_status AS trang_thai, t.overdue AS qua_han, t.extensions AS so_lan_gia_han,
               t.carried_from_id AS chuyen_tu
        FROM resolution_tasks(?) t JOIN fields f ON f.code = t.field
        LEFT JOIN members m ON m.id = t.lead_member_id LEFT JOIN units u ON u.id = t.lead_unit_id""", {
        "ma": "mã nhiệm vụ", "thang": "tháng của nghị quyết", "linh_vuc": "lĩnh vực", "noi_dung": "nội dung",
        "nguoi_chu_tri": "đảng viên chủ trì", "don_vi_chu_tri": "đơn vị chủ trì",
        "chu_tri": "người hoặc đơn vị chủ trì", "qua_han": "true nếu việc đang làm đã quá hạn",
        "kenh": "cuoc_hop / lien_tich / hoi_dong", "han": "hạn hoàn thành", "ngay_xong": "ngày hoàn thành",
        "tien_do": "tiến độ 0–100", "trang_thai": "done, done_late, overdue, in_progress, not_started, not_done, paused",
        "so_lan_gia_han": "số lần gia hạn", "chuyen_tu": "mã nhiệm vụ tháng trước nếu được chuyển tiếp"}),
    "dang_vien": ("Đảng viên", """
        SELECT m.id AS ma, m.full_name AS ho_ten, m.gender AS gioi_tinh, m.birth_year AS nam_sinh,
               m.membership AS loai, m.party_role AS chuc_vu_dang, u.name AS don_vi, m.joined_on AS ngay_vao_dang,
               m.status AS tinh_trang
        FROM members m LEFT JOIN units u ON u.id = m.unit_id""", {
        "ho_ten": "họ và tên", "loai": "chinh_thuc / du_bi", "chuc_vu_dang": "bi_thu, pho_bi_thu, chi_uy_vien, dang_vien",
        "tinh_trang": "active / exempt / inactive"}),
    "chi_tieu": ("Chỉ tiêu và giá trị đã ghi", """
        SELECT tg.id AS ma, tg.name AS ten, tg.unit AS don_vi_tinh, tg.kind AS loai, tg.direction AS chieu,
               tg.baseline AS ban_dau, tg.target_value AS chi_tieu, tg.target_text AS muc_dinh_tinh,
               tv.recorded_on AS ngay_ghi, tv.value AS gia_tri, tv.value_text AS ket_qua_dinh_tinh
        FROM targets tg LEFT JOIN target_values tv ON tv.target_id = tg.id""", {
        "ten": "tên chỉ tiêu", "loai": "snapshot / cumulative / qualitative", "chieu": "higher / lower",
        "ngay_ghi": "ngày ghi giá trị", "gia_tri": "giá trị số"}),
    "diem_danh": ("Điểm danh các buổi sinh hoạt", """
        SELECT mt.held_on AS ngay_hop, mt.kind AS loai_hop, a.member_id AS ma_dang_vien, m.full_name AS ho_ten,
               a.status AS diem_danh, a.reason AS ly_do
        FROM attendance a JOIN meetings mt ON mt.id = a.meeting_id JOIN members m ON m.id = a.member_id""", {
        "ma_dang_vien": "mã đảng viên (dang_vien.ma)",
        "diem_danh": "present / absent_excused / absent_unexcused / exempt", "loai_hop": "thuong_ky, chi_uy, …",
        "ly_do": "lý do vắng: chi ủy xem của mọi người, đảng viên chỉ xem của mình"}),
    "cap_nhat": ("Các lần cập nhật tiến độ (trừ những lần người ghi đã rút lại)", """
        SELECT p.task_id AS ma_nhiem_vu, p.recorded_at AS thoi_diem, p.progress AS tien_do, p.note AS ghi_chu
        FROM progress_updates p WHERE p.withdrawn_at IS NULL""", {"ma_nhiem_vu": "mã nhiệm vụ (nhiem_vu.ma)"}),
}


# Columns of the views that hold members' personal data: view -> {column: (kind of permissions.PERSONAL_DATA, the
# column saying whose it is)}. What the actor may not see is emptied before the sandbox is made, so no query can
# reach it.
PRIVATE_COLUMNS = {"diem_danh": {"ly_do": ("absence_reasons", "ma_dang_vien")}}


def _visible(view: str, frame: pd.DataFrame, actor: Actor) -> pd.DataFrame:
    for column, (kind, whose) in PRIVATE_COLUMNS.get(view, {}).items():
        everyone, member = actor.whose(kind)
        if not everyone:
            frame = frame.assign(**{column: frame[column].where(frame[whose] == member, None)})
    return frame


@dataclass
class Question:
    title: str
    sql: str
    params: dict[str, str] = field(default_factory=dict)  # name -> kind: 'date', 'int', 'month'


QUESTIONS = {
    "viec_qua_han": Question("Việc đang quá hạn", """
        SELECT noi_dung AS "Nhiệm vụ", chu_tri AS "Chủ trì", han AS "Hạn",
               tien_do AS "Tiến độ (%)", date_diff('day', han, $ngay) AS "Số ngày trễ"
        FROM nhiem_vu WHERE qua_han ORDER BY han""", {"ngay": "date"}),
    "tien_do_dang_vien": Question("Tiến độ theo đảng viên trong một tháng", """
        SELECT nguoi_chu_tri AS "Đảng viên", count(*) AS "Nhiệm vụ", round(avg(tien_do), 1) AS "Tiến độ bình quân (%)",
               count(*) FILTER (WHERE trang_thai = 'overdue') AS "Quá hạn"
        FROM nhiem_vu WHERE thang = $thang AND nguoi_chu_tri IS NOT NULL GROUP BY 1 ORDER BY 3""", {"thang": "month"}),
    "tien_do_don_vi": Question("Tiến độ theo đơn vị trong một tháng", """
        SELECT don_vi_chu_tri AS "Đơn vị", count(*) AS "Nhiệm vụ", round(avg(tien_do), 1) AS "Tiến độ bình quân (%)",
               count(*) FILTER (WHERE trang_thai = 'overdue') AS "Quá hạn"
        FROM nhiem_vu WHERE thang = $thang AND don_vi_chu_tri IS NOT NULL GROUP BY 1 ORDER BY 4 DESC, 1""",
        {"thang": "month"}),
    "don_vi_nhieu_viec_qua_han": Question("Đơn vị đang gánh nhiều việc quá hạn nhất", """
        SELECT coalesce(don_vi_chu_tri, 'Đảng viên chủ trì') AS "Đơn vị", count(*) AS "Việc quá hạn"
        FROM nhiem_vu WHERE trang_thai = 'overdue' GROUP BY 1 ORDER BY 2 DESC"""),
    "vang_nhieu_buoi": Question("Đảng viên vắng từ N buổi trở lên", """
        SELECT ho_ten AS "Đảng viên", count(*) AS "Số buổi vắng",
               count(*) FILTER (WHERE diem_danh = 'absent_unexcused') AS "Vắng không lý do"
        FROM diem_danh WHERE loai_hop = 'thuong_ky' AND diem_danh LIKE 'absent%' GROUP BY 1
        HAVING count(*) >= $so_buoi ORDER BY 2 DESC""", {"so_buoi": "int"}),
    "chuyen_tiep_nhieu_lan": Question("Nhiệm vụ bị chuyển tiếp từ hai tháng trở lên", """
        WITH RECURSIVE chain(ma, goc, buoc) AS (
            SELECT ma, ma, 0 FROM nhiem_vu WHERE chuyen_tu IS NULL
            UNION ALL SELECT n.ma, c.goc, c.buoc + 1 FROM nhiem_vu n JOIN chain c ON n.chuyen_tu = c.ma)
        SELECT n.noi_dung AS "Nhiệm vụ", c.buoc AS "Số lần chuyển tiếp", n.thang AS "Tháng hiện tại",
               n.trang_thai AS "Trạng thái"
        FROM chain c JOIN nhiem_vu n ON n.ma = c.ma WHERE c.buoc >= 2 ORDER BY c.buoc DESC"""),
    "chi_tieu_duoi_ke_hoach": Question("Chỉ tiêu số dưới kế hoạch (giá trị gần nhất)", """
        SELECT ten AS "Chỉ tiêu", arg_max(gia_tri, ngay_ghi) AS "Giá trị gần nhất", any_value(chi_tieu) AS "Kế hoạch",
               any_value(don_vi_tinh) AS "Đơn vị tính"
        FROM chi_tieu WHERE loai = 'snapshot' AND gia_tri IS NOT NULL GROUP BY ten, chieu
        HAVING (chieu = 'higher' AND arg_max(gia_tri, ngay_ghi) < any_value(chi_tieu))
            OR (chieu = 'lower' AND arg_max(gia_tri, ngay_ghi) > any_value(chi_tieu))"""),
    "gia_han_nhieu": Question("Nhiệm vụ đã gia hạn", """
        SELECT noi_dung AS "Nhiệm vụ", chu_tri AS "Chủ trì",
               so_lan_gia_han AS "Số lần gia hạn", han AS "Hạn hiện tại"
        FROM nhiem_vu WHERE so_lan_gia_han > 0 ORDER BY so_lan_gia_han DESC, han"""),
    "ket_qua_theo_linh_vuc": Question("Kết quả theo lĩnh vực trong một tháng", """
        SELECT linh_vuc AS "Lĩnh vực", count(*) AS "Nhiệm vụ",
               count(*) FILTER (WHERE trang_thai = 'done') AS "Đúng hạn",
               count(*) FILTER (WHERE trang_thai = 'done_late') AS "Trễ hạn",
               count(*) FILTER (WHERE trang_thai IN ('overdue', 'not_done')) AS "Chưa xong"
        FROM nhiem_vu WHERE thang = $thang GROUP BY 1 ORDER BY 1""", {"thang": "month"}),
}

PARAM_LABELS = {"ngay": "Tính đến ngày", "thang": "Tháng", "so_buoi": "Số buổi vắng tối thiểu"}

REFUSALS = {
    "INSERT": "Hộp SQL chỉ được đọc dữ liệu: không được thêm dữ liệu.",
    "UPDATE": "Hộp SQL chỉ được đọc dữ liệu: không được sửa dữ liệu.",
    "DELETE": "Hộp SQL chỉ được đọc dữ liệu: không được xóa dữ liệu.",
    "COPY": "Hộp SQL không được đọc hay ghi tệp trên máy chủ.",
    "EXPORT": "Hộp SQL không được xuất dữ liệu ra tệp.",
    "ATTACH": "Hộp SQL không được gắn thêm cơ sở dữ liệu khác.",
    "DETACH": "Hộp SQL không được gỡ cơ sở dữ liệu.",
    "LOAD": "Hộp SQL không được cài hay nạp tiện ích mở rộng.",
    "SET": "Hộp SQL không được thay đổi cài đặt.",
    "VARIABLE_SET": "Hộp SQL không được thay đổi cài đặt.",
    "PRAGMA": "Hộp SQL không được thay đổi cài đặt.",
}
# What DuckDB offers beside the views and says about the server (settings and their folders, extensions and
# where they are installed, variables, other statements run from a string): never reachable from the box.
SYSTEM_PREFIXES = ("duckdb_", "pragma_", "sqlite_", "pg_")
DENIED_FUNCTIONS = {"current_setting", "getvariable", "getenv", "json_execute_serialized_sql", "query",
                    "query_table", "which_secret", "pg_sleep"}
ALLOWED = ", ".join(VIEWS)


def _refusal(statement_type: str) -> str:
    return REFUSALS.get(statement_type, "Hộp SQL chỉ nhận một câu lệnh SELECT để đọc dữ liệu.")


def check_read_only(sql: str) -> str:
    """Exactly one SELECT statement over the documented views, or one clear sentence saying why not."""
    text = validate.text(sql, "Câu truy vấn", max_len=5000)
    try:
        statements = duckdb.extract_statements(text)
    except duckdb.Error as exc:
        raise explain("ParserException", str(exc)) from None
    if len(statements) != 1:
        raise InputError("Mỗi lần chỉ chạy một câu lệnh SELECT.")
    kind = statements[0].type.name
    if kind != "SELECT":
        raise InputError(_refusal(kind))
    _check_names(text)
    return text


# Parses statements (json_serialize_sql) and turns answers into frames; never runs a statement of the box.
_local = duckdb.connect(":memory:")
_local_lock = threading.Lock()


def _check_names(text: str) -> None:
    """Every table the statement reads is one of the views (or its own WITH), every table function a
    generator, and no function that reports on the server: decided on DuckDB's own parse of the statement."""
    with _local_lock:
        parsed = _local.execute("SELECT json_serialize_sql(?)", [text]).fetchall()[0][0]
    try:
        tree = json.loads(parsed)
    except RecursionError:
        raise InputError("Câu truy vấn lồng nhau quá sâu; hãy viết gọn lại.") from None
    if tree.get("error"):
        raise QueryError("Hộp SQL không hiểu được câu lệnh này; hãy viết nó dưới dạng SELECT … FROM ….",
                         tree.get("error_message", ""))
    nodes = list(_nodes(tree))
    own = {entry["key"].lower() for node in nodes for entry in (node.get("cte_map") or {}).get("map", [])}
    for name in own:
        if name.startswith(SYSTEM_PREFIXES):
            raise InputError(f"Hộp SQL không cho đặt tên «{name}» cho một bảng tạm trong WITH; hãy đặt tên khác.")
    for node in nodes:
        _check_node(node, own)


def _check_node(node: dict, own: set[str]) -> None:
    kind = node.get("type")
    if kind == "BASE_TABLE":
        name = ".".join(p for p in (node.get("catalog_name"), node.get("schema_name"), node.get("table_name")) if p)
        if name.lower() not in VIEWS and name.lower() not in own:
            raise InputError(f"Không có bảng «{name}» trong hộp SQL. Các bảng được phép: {ALLOWED}.")
    elif kind == "TABLE_FUNCTION":
        name = node["function"].get("function_name", "").lower()
        if name not in sandbox.ALLOWED_TABLE_FUNCTIONS:
            raise InputError(f"Hộp SQL không được dùng «{name}(…)»: không đọc tệp, không xem cài đặt máy chủ. "
                             f"Hãy đọc các bảng được phép: {ALLOWED}.")
    elif kind == "SHOW_REF" and node.get("table_name"):
        raise InputError(f"Hộp SQL chỉ đọc các bảng được phép: {ALLOWED}.")
    elif node.get("class") == "FUNCTION":
        name = node.get("function_name", "").lower()
        if name in DENIED_FUNCTIONS or name.startswith(SYSTEM_PREFIXES) or node.get("schema") or node.get("catalog"):
            raise InputError(f"Hộp SQL không được dùng hàm «{name}»; hãy dùng các hàm tính trên dữ liệu "
                             "(count, sum, avg, lower, …).")


def _nodes(tree):
    """Every object of DuckDB's parse tree (without recursion: a statement may nest deep)."""
    pending = [tree]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            yield value
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)


def body(text: str) -> str:
    """The statement without its closing semicolon and the comments after it, so that it can be wrapped
    (`SELECT count(*) FROM (\n…\n)`): a trailing `-- comment` must not swallow the closing bracket."""
    raw = text.encode()  # DuckDB's token positions count bytes
    tokens = [(start, kind) for start, kind in duckdb.tokenize(text) if kind != duckdb.token_type.comment]
    if tokens and tokens[-1][1] == duckdb.token_type.operator and raw[tokens[-1][0]:tokens[-1][0] + 1] == b";":
        return raw[:tokens[-1][0]].decode()
    return text


def _tables(db: Database, as_of: date, actor: Actor) -> dict[str, bytes]:
    """The views as they read on `as_of` (the one parameter a view may take: the day that decides what is
    overdue) and as the actor may see them, each as an Arrow stream for the sandbox."""
    tables = {}
    for name, (_, view_sql, _) in VIEWS.items():
        visible = _visible(name, db.query(view_sql, [as_of] * view_sql.count("?")), actor)
        frame = pa.Table.from_pandas(visible, preserve_index=False)
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, frame.schema) as writer:
            writer.write_table(frame)
        tables[name] = sink.getvalue().to_pybytes()
    return tables


@dataclass
class Result:
    frame: pd.DataFrame
    total: int

    @property
    def truncated(self) -> bool:
        return self.total > len(self.frame)

    def csv(self) -> bytes:
        """UTF-8 with a byte-order mark, so Excel opens the Vietnamese right."""
        return spreadsheet_safe(self.frame).to_csv(index=False).encode("utf-8-sig")

    def excel(self) -> bytes:
        buffer = io.BytesIO()
        spreadsheet_safe(self.frame).to_excel(buffer, index=False)
        return buffer.getvalue()


# What a spreadsheet runs as a formula when a cell starts with it (a tab or a carriage return first hides one).
_FORMULA_STARTS = (*validate.FORMULA_STARTS, "\t", "\r")


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every text a spreadsheet would run as a formula (a progress note `=HYPERLINK(...)`) given a
    leading apostrophe, so Excel shows it as the text it is; headers too, since a saved question names them."""
    def safe(value):
        return f"'{value}" if isinstance(value, str) and value.startswith(_FORMULA_STARTS) else value
    texts = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])
             and not pd.api.types.is_datetime64_any_dtype(frame[c])]
    return frame.assign(**{c: frame[c].map(safe) for c in texts}).rename(columns=safe)


def _run(db: Database, actor: Actor, as_of: date, sql: str, params: dict, limits: sandbox.Limits) -> Result:
    """The query in its own process (chibo.sandbox): the count of its rows and the first MAX_ROWS."""
    try:
        total, rows = sandbox.run(_tables(db, as_of, actor), f"SELECT count(*) FROM (\n{sql}\n)",
                                  f"SELECT * FROM (\n{sql}\n) LIMIT {MAX_ROWS}", params, limits)
    except sandbox.QueryFailed as failed:
        raise explain(failed.kind, failed.message, limits) from None
    return Result(_frame(rows), total)


def _frame(rows: bytes) -> pd.DataFrame:
    """The answer as DuckDB itself would hand it to pandas (numbers as numbers, as the box always showed)."""
    with _local_lock:
        _local.register("answer", pa.ipc.open_stream(rows).read_all())
        try:
            return _local.execute("SELECT * FROM answer").df()
        finally:
            _local.unregister("answer")


# DuckDB's error, as a sentence a teacher can act on: (error class, pattern of its message, sentence).
# The first match wins; its groups fill the sentence. Without a match the class alone decides.
EXPLAINED = [
    ("ParserException", r'syntax error at or near "([^"]*)"', "Câu truy vấn sai cú pháp gần «{0}»."),
    ("ParserException", r"", "Câu truy vấn sai cú pháp."),
    ("CatalogException", r"Table with name (\S+) does not exist",
     "Không có bảng «{0}» trong hộp SQL. Các bảng được phép: " + ALLOWED + "."),
    ("CatalogException", r"Function with name (\S+) does not exist", "Không có hàm «{0}»."),
    ("CatalogException", r"", "Không có bảng, cột hay hàm được nêu trong câu truy vấn."),
    ("BinderException", r'Referenced column "([^"]*)" not found', "Tên cột không đúng: không có cột «{0}»."),
    ("BinderException", r'column "([^"]*)" must appear in the GROUP BY',
     "Cột «{0}» phải có trong GROUP BY hoặc nằm trong một hàm gộp (count, sum, avg, …)."),
    ("BinderException", r"No function matches the given name and argument types '([^(']*)",
     "Hàm «{0}» không nhận kiểu dữ liệu đã đưa vào; hãy đổi kiểu, ví dụ CAST(… AS VARCHAR)."),
    ("BinderException", r'Ambiguous reference to column name "([^"]*)"',
     "Cột «{0}» có ở nhiều bảng; hãy ghi rõ tên bảng, ví dụ nhiem_vu.{0}."),
    ("BinderException", r"", "Tên cột không đúng hoặc kiểu dữ liệu không hợp."),
    ("ConversionException", r"Could not convert string '([^']*)' to (\w+)",
     "Không đổi được giá trị «{0}» sang kiểu {1}."),
    ("ConversionException", r"", "Có giá trị không đổi được sang kiểu dữ liệu cần dùng."),
    ("OutOfRangeException", r"", "Có phép tính vượt quá giới hạn của kiểu số."),
    ("InvalidInputException", r"", "Dữ liệu đưa vào một hàm không hợp lệ."),
    ("PermissionException", r"", "Hộp SQL không được truy cập tệp, mạng hay cài đặt của máy chủ."),
    ("Busy", r"", "Đang có nhiều truy vấn chạy cùng lúc; hãy thử lại sau ít giây."),
    ("ResultTooLarge", r"", "Kết quả quá lớn để hiển thị; hãy chọn ít cột hơn hoặc rút ngắn nội dung."),
    ("Crashed", r"", "Truy vấn bị dừng giữa chừng; hãy thu hẹp điều kiện rồi chạy lại."),
]


def explain(kind: str, message: str, limits: sandbox.Limits | None = None) -> QueryError:
    """DuckDB's error (its class name and English message) as a Vietnamese sentence, the original kept."""
    if kind == "TimedOut":
        seconds = limits.seconds if limits else 0
        return QueryError(f"Truy vấn chạy quá {seconds:g} giây nên đã bị dừng; hãy thu hẹp điều kiện.", message)
    if kind == "OutOfMemoryException":
        memory = f" {limits.memory_mb} MB" if limits else ""
        return QueryError(f"Truy vấn cần nhiều bộ nhớ hơn mức cho phép{memory} nên đã bị dừng; hãy thu hẹp điều "
                          "kiện hoặc bớt cột.", message)
    for known, pattern, sentence in EXPLAINED:
        found = re.search(pattern, message) if known == kind else None
        if found:
            return QueryError(sentence.format(*(group[:100] for group in found.groups())), message)
    return QueryError("Không chạy được truy vấn này.", message)


def run_sql(db: Database, actor: Actor, sql: str, timeout: float = 5.0, *, today: date, memory_mb: int = 256,
            threads: int = 1) -> Result:
    require(actor, "query")
    text = body(check_read_only(sql))
    return _run(db, actor, today, text, {}, sandbox.Limits(timeout, memory_mb, threads))


def clean_params(question: Question, raw: dict) -> dict:
    values = {}
    for name, kind in question.params.items():
        label = PARAM_LABELS.get(name, name)
        if kind == "int":
            values[name] = validate.integer(raw.get(name), label, 1, 1000)
        else:
            day = validate.a_date(raw.get(name), label)
            values[name] = date(day.year, day.month, 1) if kind == "month" else day
    return values


def ask(db: Database, actor: Actor, name: str, raw_params: dict | None = None, timeout: float = 5.0, *,
        today: date, memory_mb: int = 256, threads: int = 1) -> Result:
    """A ready question; one that asks "as of which day" sees the views as they read on that day."""
    require(actor, "query")
    if name not in QUESTIONS:
        raise InputError(f"Không có câu hỏi «{name}». Các câu hỏi: {', '.join(QUESTIONS)}.")
    question = QUESTIONS[name]
    params = clean_params(question, raw_params or {})
    return _run(db, actor, params.get("ngay", today), question.sql, params, sandbox.Limits(timeout, memory_mb, threads))


def chart_spec(frame: pd.DataFrame) -> tuple[str, str] | None:
    """A (label column, number column) pair when the result suits a bar chart."""
    if frame.empty or len(frame) > 50 or len(frame.columns) < 2:
        return None
    label = frame.columns[0]
    numbers = [c for c in frame.columns[1:] if pd.api.types.is_numeric_dtype(frame[c])]
    if not numbers or pd.api.types.is_numeric_dtype(frame[label]):
        return None
    return label, numbers[0]


# -- the filter builder ------------------------------------------------------------------
def filter_tasks(db: Database, today: date, month=None, field=None, status=None, words: str = "") -> Result:
    """Filtered in SQL and capped: a term's whole history is counted, never loaded."""
    chosen = {"month": month, "field": field, "status": status, "words": words}
    frame = tasks.board(db, today, limit=MAX_ROWS, **chosen)
    shown = pd.DataFrame({
        "Nhiệm vụ": frame["title"], "Lĩnh vực": frame["field_label"], "Chủ trì": frame["lead"],
        "Hạn": frame["deadline"], "Trạng thái": frame["effective_status"].map(TASK_STATUSES),
        "Tiến độ (%)": frame["progress"]})
    return Result(shown, tasks.board_count(db, today, **chosen))


def filter_targets(db: Database, today: date, field=None, below: float = 101) -> Result:
    card = targets.scorecard(db, today)
    if field:
        card = card[card["field"] == field]
    card = card[card["attainment"].isna() | (card["attainment"] < below)]
    shown = pd.DataFrame({"Chỉ tiêu": card["name"], "Lĩnh vực": card["field"].map(FIELDS),
                          "Kế hoạch": card["target_value"], "Thực hiện": card["actual"],
                          "Định tính": card["actual_text"], "Đạt (%)": card["attainment"].round(1)})
    return Result(shown, len(shown))


def filter_meetings(db: Database, since=None, below_rate: float = 101) -> Result:
    held = meetings.meetings(db)
    held = held[held["recorded"] > 0]
    if since is not None:
        held = held[held["held_on"] >= pd.Timestamp(since)]
    held = held[held["rate"].fillna(0) < below_rate]
    frame = pd.DataFrame({"Ngày họp": held["held_on"], "Có mặt": held["present"],
                          "Vắng có lý do": held["absent_excused"], "Vắng không lý do": held["absent_unexcused"],
                          "Tỷ lệ dự họp (%)": held["rate"]})
    return Result(frame, len(frame))


# -- saved questions ------------------------------------------------------------------
def save_query(db: Database, actor: Actor, name: str, sql: str) -> int:
    require(actor, "query")
    name = validate.text(name, "Tên câu hỏi", max_len=100)
    sql = check_read_only(sql)

    def work(cur):
        if cur.execute("SELECT count(*) FROM saved_queries WHERE lower(name) = lower(?)", [name]).fetchone()[0]:
            raise InputError(f"Đã có câu hỏi tên «{name}».")
        query_id = cur.execute("INSERT INTO saved_queries (name, sql, user_id) VALUES (?, ?, ?) RETURNING id",
                               [name, sql, actor.user_id]).fetchone()[0]
        audit.log(cur, actor, "lưu câu hỏi", "saved_queries", query_id, None, {"name": name, "sql": sql})
        return query_id
    return db.write(work)


def saved_queries(db: Database) -> pd.DataFrame:
    return db.query("SELECT q.id, q.name, q.sql, u.username, q.created_at FROM saved_queries q"
                    " LEFT JOIN users u ON u.id = q.user_id ORDER BY q.name")
