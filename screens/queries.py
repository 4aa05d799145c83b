"""Tra cứu: ready questions, a filter over tasks, and a read-only SQL box over documented views."""


import pandas as pd
import streamlit as st

from chibo import charts, documents, queries, ui
from chibo.labels import FIELDS, TASK_STATUSES, vn_number

db = ui.database()
actor = ui.actor()
today = ui.today()
cfg = ui.settings()
timeout = cfg.query_timeout_seconds
limits = {"memory_mb": cfg.query_memory_mb, "threads": cfg.query_threads}
ui.show_success()
st.title("Tra cứu")


def show(result: queries.Result | None, key: str) -> None:
    if result is None:
        return
    if result.frame.empty:
        st.info("Không có kết quả nào.")
        return
    if result.truncated:
        st.warning(f"Có {vn_number(result.total)} dòng; chỉ hiện {vn_number(len(result.frame))} dòng đầu.")
    else:
        st.caption(f"{vn_number(result.total)} dòng.")
    ui.result_table(result.frame)
    spec = queries.chart_spec(result.frame)
    if spec:
        label, number = spec
        ui.chart(charts.result_bars, result.frame[[label, number]], label, number)
    left, right = st.columns(2)
    # Files are made only when asked for, and downloading does not rerun the page (the answer stays).
    left.download_button("Tải CSV", result.csv, "tra-cuu.csv", "text/csv", key=f"csv_{key}", on_click="ignore")
    right.download_button("Tải Excel", result.excel, "tra-cuu.xlsx", key=f"xlsx_{key}", on_click="ignore")

ready_tab, filter_tab, sql_tab = ui.tabs(["Câu hỏi có sẵn", "Bộ lọc nhiệm vụ", "SQL nâng cao"], key="queries_tab")
if ready_tab.open:
    with ready_tab:
        titles = {name: q.title for name, q in queries.QUESTIONS.items()}
        name = st.selectbox("Câu hỏi", list(titles), format_func=titles.get)
        params = {}
        for param, kind in queries.QUESTIONS[name].params.items():
            label = queries.PARAM_LABELS.get(param, param)
            params[param] = st.number_input(label, 1, 100, 2) if kind == "int" else \
                st.date_input(label, today, format="DD/MM/YYYY")
        if st.button("Trả lời", type="primary"):
            show(ui.attempt(queries.ask, db, actor, name, params, timeout, today=today, rerun=False, **limits),
                 "ready")

if filter_tab.open:
    with filter_tab:
        subject = st.radio("Lọc trên", ["tasks", "targets", "meetings"], horizontal=True,
                           format_func={"tasks": "Nhiệm vụ", "targets": "Chỉ tiêu", "meetings": "Buổi sinh hoạt"}.get)
        if subject == "tasks":
            months = documents.resolution_months(db)
            year_box, month_box, middle, right = st.columns(4)
            month = ui.month_select("Tháng", months, months[0] if months else None, "Tất cả",
                                    boxes=(year_box, month_box))
            field = middle.selectbox("Lĩnh vực", [None, *FIELDS], format_func=lambda f: FIELDS.get(f, "Tất cả"))
            status = right.selectbox("Trạng thái", [None, *TASK_STATUSES],
                                     format_func=lambda s: TASK_STATUSES.get(s, "Tất cả"))
            words = st.text_input("Nội dung có chứa")
            show(queries.filter_tasks(db, today, month, field, status, words), "filter_tasks")
        elif subject == "targets":
            left, right = st.columns(2)
            field = left.selectbox("Lĩnh vực", [None, *FIELDS], format_func=lambda f: FIELDS.get(f, "Tất cả"),
                                   key="target_field")
            below = right.number_input("Chỉ những chỉ tiêu đạt dưới (%)", 0, 101, 101)
            show(queries.filter_targets(db, today, field, below), "filter_targets")
        else:
            left, right = st.columns(2)
            since = left.date_input("Từ ngày", None, format="DD/MM/YYYY")
            rate = right.number_input("Chỉ buổi có tỷ lệ dự họp dưới (%)", 0, 101, 101)
            show(queries.filter_meetings(db, since, rate), "filter_meetings")

if sql_tab.open:
    with sql_tab:
        st.write(f"Chỉ đọc, chạy tối đa {timeout} giây, trả tối đa {vn_number(queries.MAX_ROWS)} dòng. Các bảng được phép:")
        st.caption("Cột mã (như `trang_thai`) giữ mã để lọc trong WHERE — mỗi mã và nghĩa của nó ở bảng dưới; cột cùng "
                   "tên thêm `_ten` (như `trang_thai_ten`) ghi bằng chữ để đọc («Quá hạn»): hãy chọn cột `_ten` để kết "
                   "quả dễ đọc.")
        for view, (description, _, _) in queries.VIEWS.items():
            with st.expander(f"`{view}` — {description}"):
                columns = queries.view_columns(view)
                st.table(pd.DataFrame({"Cột": list(columns), "Ý nghĩa": list(columns.values())}))
        saved = queries.saved_queries(db)
        chosen = st.selectbox("Câu hỏi đã lưu", [None, *saved["id"]],
                              format_func=lambda i: "—" if i is None else saved.set_index("id").loc[i, "name"])
        default = saved.set_index("id").loc[chosen, "sql"] if chosen else queries.EXAMPLE_SQL
        sql = st.text_area("SQL", default, height=160)
        left, right = st.columns([1, 2])
        if left.button("Chạy", type="primary"):
            show(ui.attempt(queries.run_sql, db, actor, sql, timeout, today=today, rerun=False, **limits), "sql")
        with right.form("save_query", clear_on_submit=True):
            name = st.text_input("Lưu câu hỏi này với tên")
            if st.form_submit_button("Lưu"):
                ui.attempt(queries.save_query, db, actor, name, sql, success="Đã lưu câu hỏi.")
