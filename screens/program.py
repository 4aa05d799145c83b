"""Chương trình hành động: the term program — sections, goals, targets with their values, measures."""

import streamlit as st

from chibo import cell, documents, members, program, targets, ui
from chibo.labels import DIRECTIONS, FIELDS, TARGET_KINDS

db = ui.database()
actor = ui.actor()
today = ui.today()
can_edit = actor.can("edit_plans")
ui.show_success()
st.title("Chương trình hành động")

doc = documents.current_program(db)
if doc is None:
    st.info("Chưa có chương trình hành động cho nhiệm kỳ.")
    term = cell.current_term(db, today)
    if can_edit and term:
        issued = st.date_input("Ngày ban hành", today, format="DD/MM/YYYY")
        if st.button("Tạo chương trình từ mẫu", type="primary"):
            ui.attempt(program.create_program, db, actor, term.id, issued, success="Đã tạo chương trình từ mẫu.")
    st.stop()

st.caption(f"{doc.number_text()} · {ui.plain(doc.summary)} · {doc.status_label}" + (" · 🔒 đã khóa" if doc.locked else ""))
editable = "edit" in documents.next_steps(doc, actor)  # an adopted program is locked
sections_tab, targets_tab, measures_tab, export_tab = ui.tabs(
    ["Nội dung", "Mục tiêu và chỉ tiêu", "Giải pháp và phân công", "Xuất văn bản"], key="program_tab")

if sections_tab.open:
    with sections_tab:
        titles = {key: title or "Mở đầu (dẫn Nghị quyết Đại hội)"
                  for key, title in program.section_titles(documents.sections(db, doc.id), program.headings(db),
                                                           printed=False).items()}
        written = ui.edit(f"sections_{doc.id}", lambda: documents.sections_form(db, doc.id, titles))
        with st.form("sections", enter_to_submit=False):
            edited = {key: st.text_area(ui.plain(title), written.values.get(key, ""), height=100, disabled=not editable,
                                        key=written.widget(key))
                      for key, title in titles.items()}
            saved = st.form_submit_button("Lưu nội dung", disabled=not editable)
        ui.save_edit(written, saved, lambda version: documents.save_sections(db, actor, doc.id, edited, version, titles),
                     success="Đã lưu nội dung chương trình.")

if targets_tab.open:
    with targets_tab:
        goals = program.goals(db, doc.id)
        for goal in goals.itertuples():
            st.markdown(f"**Mục tiêu:** {ui.plain(goal.title)} — _{ui.plain(goal.expected_result)}_")
        if editable:
            with st.form("add_goal", clear_on_submit=True, enter_to_submit=False):
                left, right = st.columns(2)
                goal_title = left.text_input("Mục tiêu mới")
                expected = right.text_input("Kết quả mong đợi")
                if st.form_submit_button("Thêm mục tiêu"):
                    ui.attempt(program.add_goal, db, actor, doc.id, goal_title, expected, success="Đã thêm mục tiêu.")
        card = targets.scorecard(db, today, doc.id)
        ui.table(card, {"name": "Tên chỉ tiêu", "field": "Lĩnh vực", "kind": "Loại", "direction": "Chiều",
                        "baseline_shown": "Ban đầu", "target_shown": "Kế hoạch", "actual_shown": "Thực hiện",
                        "attainment_shown": "Mức đạt"}, "Chưa có chỉ tiêu nào.",
                 codes={"field": FIELDS, "kind": TARGET_KINDS, "direction": DIRECTIONS})
        if actor.can("edit_tasks") and not card.empty:
            with st.form("target_value", clear_on_submit=True, enter_to_submit=False):
                st.markdown("**Ghi giá trị thực hiện**")
                names = dict(zip(card["id"], card["name"]))
                target_id = st.selectbox("Chỉ tiêu", list(names), format_func=names.get)
                left, right = st.columns(2)
                recorded_on = left.date_input("Ngày ghi nhận", today, format="DD/MM/YYYY")
                value = right.text_input("Giá trị (số, hoặc mức đánh giá với chỉ tiêu định tính)")
                note = st.text_input("Ghi chú")
                if st.form_submit_button("Ghi"):
                    ui.attempt(targets.record_value, db, actor, int(target_id), recorded_on, value, note=note,
                               today=today, success="Đã ghi giá trị.")
        if editable:
            with st.form("add_target", clear_on_submit=True, enter_to_submit=False):
                st.markdown("**Thêm chỉ tiêu**")
                left, right = st.columns(2)
                name = left.text_input("Tên chỉ tiêu")
                field = right.selectbox("Lĩnh vực", list(FIELDS), format_func=FIELDS.get)
                kind = left.selectbox("Loại", list(TARGET_KINDS), format_func=TARGET_KINDS.get)
                direction = right.selectbox("Chiều đánh giá", list(DIRECTIONS), format_func=DIRECTIONS.get)
                unit = left.text_input("Đơn vị tính", placeholder="%, học sinh, đảng viên…")
                baseline = right.text_input("Giá trị ban đầu")
                target_value = left.text_input("Giá trị chỉ tiêu")
                target_text = right.text_input("Mức định tính (nếu là chỉ tiêu định tính)")
                if st.form_submit_button("Thêm chỉ tiêu"):
                    ui.attempt(program.add_target, db, actor, doc.id, name=name, field=field, kind=kind,
                               direction=direction, unit=unit, baseline=baseline, target_value=target_value,
                               target_text=target_text, success="Đã thêm chỉ tiêu.")

if measures_tab.open:
    with measures_tab:
        frame = program.measures(db, doc.id)
        ui.table(frame, {"field": "Lĩnh vực", "title": "Giải pháp", "how": "Cách thực hiện", "lead": "Chủ trì",
                         "partners": "Phối hợp", "deadline": "Thời hạn"}, "Chưa có giải pháp nào.",
                 dates=("deadline",), codes={"field": FIELDS})
        if editable:
            people = members.member_choices(db)
            with st.form("add_measure", clear_on_submit=True, enter_to_submit=False):
                st.markdown("**Thêm giải pháp**")
                field = st.selectbox("Lĩnh vực", list(FIELDS), format_func=FIELDS.get, key="measure_field")
                title = st.text_input("Giải pháp")
                how = st.text_area("Cách thực hiện", height=70)
                left, right = st.columns(2)
                lead = left.selectbox("Chủ trì", list(people), format_func=people.get)
                deadline = right.date_input("Thời hạn", None, format="DD/MM/YYYY")
                partners = st.text_input("Phối hợp")
                if st.form_submit_button("Thêm giải pháp"):
                    ui.attempt(program.add_measure, db, actor, doc.id, field, title, how, lead, None, partners, deadline,
                               success="Đã thêm giải pháp.")

if export_tab.open:
    with export_tab:
        if actor.can("export"):
            ui.document_downloads(db, actor, "program", doc.id, today, "chương trình hành động")
