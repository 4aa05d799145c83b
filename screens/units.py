"""Đơn vị và giám sát: what each unit carries and how far along it is; inspection and supervision records."""

import streamlit as st

from chibo import members, months, tasks, ui
from chibo.labels import CONCLUSIONS, SUPERVISION_KINDS, UNIT_KINDS, vn_percent

db = ui.database()
actor = ui.actor()
today = ui.today()
ui.show_success()
st.title("Đơn vị và kiểm tra, giám sát")
units_tab, supervision_tab = ui.tabs(["Đơn vị", "Kiểm tra, giám sát"], key="units_tab")

if units_tab.open:
    with units_tab:
        month = months.month_start(today)
        load = tasks.unit_load(db, today)
        if load.empty:
            st.info("Chưa có đơn vị nào. Hãy thêm ở mục «Đảng viên».")
        else:
            ui.table(load, {"name": "Đơn vị", "kind": "Loại", "tasks": "Nhiệm vụ chủ trì", "done": "Đã xong",
                            "overdue": "Quá hạn", "avg_progress": "Tiến độ bình quân (%)"}, "Chưa có đơn vị.",
                     codes={"kind": UNIT_KINDS})
            names = dict(zip(load["id"], load["name"]))
            # Keyed: a unit added elsewhere changes the list, and must not switch the plan form under the user's hands.
            unit_id = st.selectbox("Xem một đơn vị", list(names), format_func=names.get, key="unit_pick")
            row = load[load["id"] == unit_id].iloc[0]
            st.progress(float(row["avg_progress"]) / 100, text=f"Tiến độ bình quân {vn_percent(row['avg_progress'])}")
            # Newest first and capped: a unit's whole history stays in the database until asked for in Tra cứu.
            carried = tasks.board(db, today, unit_id=int(unit_id), limit=tasks.BOARD_LIMIT, newest_first=True)
            if carried.empty:
                st.info("Đơn vị chưa chủ trì nhiệm vụ nào.")
            else:
                total = tasks.board_count(db, today, unit_id=int(unit_id))
                if total > len(carried):
                    st.caption(f"Hiện {len(carried)} nhiệm vụ có hạn gần nhất trong {total} nhiệm vụ đơn vị đã chủ trì; "
                               "xem đủ ở mục «Tra cứu».")
                chosen = ui.task_list(carried, f"unit_{unit_id}")
                if chosen:
                    ui.task_panel(db, actor, chosen)
            st.markdown("**Kế hoạch riêng của đơn vị** (nội dung hoặc đường dẫn)")
            if actor.can("edit_tasks"):
                plan = ui.edit(f"unit_plan_{unit_id}", lambda: tasks.unit_plan_form(db, int(unit_id)))
                with st.form(f"unit_plan_{unit_id}", enter_to_submit=False):
                    text = st.text_area("Kế hoạch", plan.values["sub_plan"], height=120, label_visibility="collapsed",
                                        key=plan.widget("text"))
                    saved = st.form_submit_button("Lưu kế hoạch đơn vị")
                ui.save_edit(plan, saved, lambda version: tasks.set_unit_plan(db, actor, int(unit_id), text, opened=version),
                             success="Đã lưu kế hoạch đơn vị.")
            else:
                st.markdown(ui.plain(row["sub_plan"]) or "Chưa có.")

if supervision_tab.open:
    with supervision_tab:
        records = tasks.supervisions(db, actor)
        ui.table(records, {"held_on": "Ngày", "kind": "Hình thức", "subject": "Đối tượng", "content": "Nội dung",
                           "finding": "Kết quả", "conclusion": "Kết luận", "tasks": "Nhiệm vụ liên quan"},
                 "Chưa có cuộc kiểm tra, giám sát nào." if actor.sees("supervision_findings") == "all"
                 else "Chưa có cuộc kiểm tra, giám sát nào về đồng chí.", dates=("held_on",),
                 codes={"kind": SUPERVISION_KINDS, "conclusion": CONCLUSIONS})
        if actor.can("edit_tasks"):
            people = members.member_choices(db)
            unit_names = members.unit_choices(db)
            open_tasks = tasks.board(db, today, month=months.month_start(today))
            with st.form("supervision", clear_on_submit=True, enter_to_submit=False):
                st.markdown("**Ghi cuộc kiểm tra, giám sát**")
                left, right = st.columns(2)
                held_on = left.date_input("Ngày", today, format="DD/MM/YYYY")
                kind = right.selectbox("Hình thức", list(SUPERVISION_KINDS), format_func=SUPERVISION_KINDS.get)
                member = left.selectbox("Đảng viên", [None, *people], format_func=lambda m: people.get(m, "—"))
                unit = right.selectbox("hoặc đơn vị", [None, *unit_names], format_func=lambda u: unit_names.get(u, "—"))
                content = st.text_area("Nội dung", height=70)
                finding = st.text_area("Kết quả", height=70)
                conclusion = st.selectbox("Kết luận", list(CONCLUSIONS), format_func=CONCLUSIONS.get)
                linked = st.multiselect("Nhiệm vụ liên quan (tháng này)", list(open_tasks["id"]),
                                        format_func=dict(zip(open_tasks["id"], open_tasks["title"])).get)
                if st.form_submit_button("Lưu", type="primary"):
                    ui.attempt(tasks.add_supervision, db, actor, held_on, kind, content, conclusion, finding, member, unit,
                               linked, today=today, success="Đã ghi kiểm tra, giám sát.")
