"""Cài đặt: the cell profile, terms, standing duties, traffic-light thresholds, the meeting rubric,
the register of higher-level documents, and the document format profile."""

import pandas as pd
import streamlit as st

from chibo import cell, dashboard, docs, labels, meetings, months, plans, program, tasks, ui
from chibo.labels import MONTH_STEPS

db = ui.database()
actor = ui.actor()
today = ui.today()
ui.show_success()
st.title("Cài đặt")
cell_tab, terms_tab, higher_tab, rules_tab, format_tab = ui.tabs(
    ["Hồ sơ chi bộ", "Nhiệm kỳ", "Văn bản cấp trên", "Ngưỡng và thang điểm", "Thể thức văn bản"], key="settings_tab")

if cell_tab.open:
    with cell_tab:
        form = ui.edit("profile", lambda: cell.profile_form(db, plans.DEFAULT_STANDING_DUTIES))
        stored = form.values
        with st.form("profile", enter_to_submit=False):
            name = st.text_input("Tên chi bộ", stored["name"], key=form.widget("name"))
            superior = st.text_input("Đảng bộ cấp trên", stored["superior_name"], key=form.widget("superior"))
            committee = st.text_input("Đảng ủy nhận báo cáo", stored["superior_committee"], key=form.widget("committee"))
            place = st.text_input("Địa danh ghi ngày tháng", stored["place_name"], key=form.widget("place"))
            day = st.number_input("Ngày sinh hoạt chi bộ hằng tháng", 1, 28, stored["meeting_day"], key=form.widget("day"))
            duties = st.text_area("Nhiệm vụ thường xuyên của chi bộ (mỗi dòng một ý; là căn cứ của mọi kế hoạch tháng)",
                                  "\n".join(stored["standing_duties"]), height=150, key=form.widget("duties"))
            saved = st.form_submit_button("Lưu", type="primary")
        ui.save_edit(form, saved, lambda version: cell.save_profile(
            db, actor, name, superior, committee, place, day, standing_duties=duties.splitlines(), opened=version),
            success="Đã lưu hồ sơ chi bộ.")

if terms_tab.open:
    with terms_tab:
        terms = pd.DataFrame([t.__dict__ for t in cell.terms(db)])
        ui.table(terms, {"name": "Nhiệm kỳ", "start_date": "Bắt đầu", "end_date": "Kết thúc"}, "Chưa có nhiệm kỳ.",
                 dates=("start_date", "end_date"))
        with st.form("term", clear_on_submit=True, enter_to_submit=False):
            left, middle, right = st.columns(3)
            term_name = left.text_input("Tên nhiệm kỳ", placeholder="Nhiệm kỳ 2027–2030")
            start = middle.date_input("Bắt đầu", None, format="DD/MM/YYYY")
            end = right.date_input("Kết thúc", None, format="DD/MM/YYYY")
            if st.form_submit_button("Thêm nhiệm kỳ"):
                ui.attempt(cell.add_term, db, actor, term_name, start, end, success="Đã thêm nhiệm kỳ.")

if higher_tab.open:
    with higher_tab:
        ui.table(program.higher_docs(db), {"number": "Số, ký hiệu", "issuer": "Cơ quan ban hành",
                                           "issued_on": "Ngày ban hành", "title": "Trích yếu", "received_on": "Ngày nhận"},
                 "Sổ văn bản cấp trên đang trống.", dates=("issued_on", "received_on"))
        with st.form("higher_doc", clear_on_submit=True, enter_to_submit=False):
            left, right = st.columns(2)
            number = left.text_input("Số, ký hiệu", placeholder="14-HD/BTCTU")
            issuer = right.text_input("Cơ quan ban hành", placeholder="Ban Tổ chức Tỉnh ủy")
            issued = left.date_input("Ngày ban hành", today, format="DD/MM/YYYY")
            received = right.date_input("Ngày nhận", today, format="DD/MM/YYYY")
            title = st.text_input("Trích yếu", placeholder="về hướng dẫn nội dung sinh hoạt chi bộ")
            if st.form_submit_button("Thêm vào sổ"):
                ui.attempt(program.add_higher_doc, db, actor, number, issuer, issued, title, received,
                           today=today, success="Đã thêm văn bản cấp trên.")

if rules_tab.open:
    with rules_tab:
        limits = ui.edit("thresholds", lambda: dashboard.thresholds_form(db))
        with st.form("thresholds", enter_to_submit=False):
            st.markdown("**Đèn tín hiệu của bảng chỉ tiêu** (tỷ lệ đạt, %)")
            green = st.number_input("Xanh từ", 0, 100, int(limits.values["green"]), key=limits.widget("green"))
            yellow = st.number_input("Vàng từ", 0, 100, int(limits.values["yellow"]), key=limits.widget("yellow"))
            saved = st.form_submit_button("Lưu ngưỡng")
        ui.save_edit(limits, saved, lambda version: dashboard.save_thresholds(db, actor, green, yellow, opened=version),
                     success="Đã lưu ngưỡng.")
        window = ui.edit("progress_edit_hours", lambda: tasks.edit_hours_form(db))
        with st.form("progress_edit_hours", enter_to_submit=False):
            st.markdown("**Sửa, rút lại cập nhật tiến độ** — trong thời hạn này, người ghi một cập nhật tiến độ được sửa "
                        "hoặc rút lại cập nhật của mình (chi ủy cũng không sửa thay được); 0 là không cho sửa.")
            hours = st.number_input(tasks.EDIT_HOURS_LABEL, *tasks.EDIT_HOURS_RANGE, int(window.values),
                                    key=window.widget("hours"))
            saved = st.form_submit_button("Lưu thời hạn")
        ui.save_edit(window, saved, lambda version: tasks.save_edit_hours(db, actor, hours, opened=version),
                     success="Đã lưu thời hạn sửa, rút lại cập nhật tiến độ.")
        rubric = ui.edit("rubric", lambda: meetings.rubric_form(db))
        edited = st.data_editor(pd.DataFrame({"Tiêu chí": list(rubric.values), "Điểm tối đa": list(rubric.values.values())}),
                                num_rows="dynamic", hide_index=True, key=rubric.widget("grid"))
        saved = st.button("Lưu thang điểm chất lượng sinh hoạt")
        ui.save_edit(rubric, saved, lambda version: meetings.save_rubric(
            db, actor, dict(zip(edited["Tiêu chí"], edited["Điểm tối đa"])), opened=version), success="Đã lưu thang điểm.")
        rules = ui.edit("meeting_rules", lambda: meetings.meeting_rules_form(db))
        with st.form("meeting_rules", enter_to_submit=False):
            st.markdown("**Các bước công việc trong tháng, thời gian sinh hoạt** — mặc định theo Chỉ thị 50-CT/TW và "
                        "Hướng dẫn 42-HD/BTCTW; sửa theo hướng dẫn của Đảng ủy cấp trên. Hạn của mỗi bước tính từ ngày "
                        "sinh hoạt chi bộ (tab «Hồ sơ chi bộ»).")
            columns = st.columns(2)
            values = {key: columns[index % 2].number_input(label, value=int(rules.values[key]), step=1,
                                                          key=rules.widget(key))
                      for index, (key, label) in enumerate(meetings.RULE_LABELS.items())}
            values["weekend"] = st.selectbox("Ngày sinh hoạt rơi vào thứ Bảy, Chủ nhật", list(months.WEEKEND_MOVES),
                                             index=list(months.WEEKEND_MOVES).index(rules.values["weekend"]),
                                             format_func=months.WEEKEND_MOVES.get, key=rules.widget("weekend"))
            followed = st.multiselect("Các bước chi bộ theo dõi (bỏ một bước nếu hướng dẫn của cấp trên không yêu cầu)",
                                      list(MONTH_STEPS),
                                      [step for step in MONTH_STEPS if step not in rules.values["off_steps"]],
                                      format_func=MONTH_STEPS.get, key=rules.widget("followed"))
            values["off_steps"] = [step for step in MONTH_STEPS if step not in followed]
            saved = st.form_submit_button("Lưu quy định")
        ui.save_edit(rules, saved, lambda version: meetings.save_meeting_rules(db, actor, values, opened=version),
                     success="Đã lưu quy định sinh hoạt.")

if format_tab.open:
    with format_tab:
        st.write("Mọi thông số thể thức văn bản (Hướng dẫn 36-HD/VPTW) nằm ở đây, để khi có hướng dẫn mới chỉ cần sửa số.")
        layout = ui.edit("format_profile", lambda: docs.profile_form(db))
        edited = st.data_editor(pd.DataFrame({"key": list(layout.values),
                                              "Thông số": [docs.PROFILE_LABELS.get(k, k) for k in layout.values],
                                              "Giá trị": [labels.vn_plain_number(v) for v in layout.values.values()]}),
                                column_config={"key": None}, disabled=["Thông số"], hide_index=True,
                                key=layout.widget("grid"), height=500, placeholder="")
        saved = st.button("Lưu thể thức")
        ui.save_edit(layout, saved, lambda version: docs.save_profile(
            db, actor, dict(zip(edited["key"], edited["Giá trị"])), opened=version),
            success="Đã lưu thể thức văn bản.")
        template = ui.edit("implementation_text", lambda: docs.implementation_form(db))
        with st.form("implementation_text", enter_to_submit=False):
            st.markdown("**Mục «Tổ chức thực hiện» của nghị quyết tháng** — lời văn điền sẵn cho mỗi nghị quyết mới; "
                        "«[Đảng ủy cấp trên]» được thay bằng tên Đảng ủy cấp trên (tab «Hồ sơ chi bộ»).")
            text = st.text_area("Tổ chức thực hiện", template.values, height=220, key=template.widget("text"))
            saved = st.form_submit_button("Lưu lời văn mẫu")
        ui.save_edit(template, saved, lambda version: docs.save_implementation_template(db, actor, text, opened=version),
                     success="Đã lưu lời văn mẫu.")
        current = ui.edit("program_headings", lambda: program.headings_form(db))
        with st.form("program_headings", enter_to_submit=False):
            st.markdown("**Đề mục của chương trình hành động** — mặc định theo mẫu của Đảng. Sửa tên mục, thêm mục ở "
                        "dòng cuối, bỏ mục bằng cách chọn dòng rồi bấm 🗑; chương trình đã lập theo các đề mục cũ vẫn "
                        "xuất theo đề mục cũ.")
            listed = st.data_editor(pd.DataFrame({"key": list(current.values), "Đề mục": list(current.values.values())}),
                                    num_rows="dynamic", hide_index=True, key=current.widget("grid"), width="stretch",
                                    column_config={"key": None, "Đề mục": st.column_config.TextColumn(required=True)})
            saved = st.form_submit_button("Lưu đề mục")
        rows = [(key if isinstance(key, str) else None, title) for key, title in zip(listed["key"], listed["Đề mục"])]
        ui.save_edit(current, saved, lambda version: program.save_headings(db, actor, rows, opened=version),
                     success="Đã lưu đề mục chương trình.")
