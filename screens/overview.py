"""Tổng quan: the page the secretary opens every day."""

import streamlit as st

from chibo import charts, checklist, dashboard, tasks, ui
from chibo.labels import FIELDS, vn_date, vn_percent

db = ui.database()
actor = ui.actor()
today = ui.today()
ui.show_success()
figures = dashboard.tiles(db, today)
st.title("Tổng quan")
st.caption(f"Hôm nay {vn_date(today)} · {ui.month_label(figures['month'])}")
ui.reminders(checklist.reminders(db, actor, today), today)  # empty for members and the projector
ui.extension_requests(db, actor, tasks.pending_extensions(db, actor))  # the committee decides them from here first
if checklist.sees_checklist(actor):
    steps_box = ui.expander(f"Các bước công việc {ui.month_label(figures['month']).lower()}", key="overview_steps")
    if steps_box.open:
        with steps_box:
            ui.month_checklist(checklist.month_checklist(db, figures["month"], today))

month_name = ui.month_label(figures["month"]).lower()
done, progress, overdue, attainment, attendance = st.columns(5)
done.metric("Nhiệm vụ đã hoàn thành", f"{figures['done']}/{figures['tasks']}",
            help=f"Nhiệm vụ của nghị quyết {month_name} đã hoàn thành, đúng hạn hoặc trễ hạn.")
progress.metric("Đang thực hiện", figures["in_progress"] + figures["not_started"],
                help=f"Nhiệm vụ của nghị quyết {month_name} chưa xong và chưa quá hạn.")
overdue.metric("Quá hạn trong tháng", figures["overdue"],
               help=f"Nhiệm vụ của nghị quyết {month_name} đã quá hạn mà chưa xong. Cả những tháng trước: "
                    f"{figures['overdue_all']} việc (bảng «Việc quá hạn» bên dưới).")
attainment.metric("Đạt chỉ tiêu (bình quân)",
                  "—" if figures["attainment"] is None else vn_percent(figures['attainment']))
summary = figures["attendance"]
attendance.metric("Dự sinh hoạt lần gần nhất",
                  "—" if not summary else f"{summary['present']}/{summary['total'] - summary['exempt']}")

if figures["tasks"] == 0:
    st.info("Tháng này chưa có nhiệm vụ nào. Hãy lập nghị quyết tháng ở mục «Nghị quyết tháng».")

st.subheader("Bảng chỉ tiêu")
card = dashboard.lit_scorecard(db, today)
if card.empty:
    st.info("Chưa có chỉ tiêu nào. Hãy nhập chỉ tiêu trong «Chương trình hành động».")
else:
    ui.table(card, {"light": "Tình trạng", "attainment_shown": "Mức đạt", "name": "Tên chỉ tiêu",
                    "baseline_shown": "Ban đầu", "target_shown": "Kế hoạch", "actual_shown": "Thực hiện",
                    "field": "Lĩnh vực"}, "Chưa có chỉ tiêu.", codes={"field": FIELDS})
    st.caption(dashboard.light_rule(db))

left, right = st.columns(2)
by_field = dashboard.tasks_by_field_status(db, today, figures["month"])
with left:
    if by_field.empty:
        st.info("Tháng này chưa có nhiệm vụ để vẽ biểu đồ.")
    else:
        ui.chart(charts.tasks_by_field, by_field)
with right:
    monthly = dashboard.monthly_progress(db, today)
    if monthly.empty:
        st.info("Chưa có tháng nào để so sánh.")
    else:
        ui.chart(charts.monthly_progress, monthly)
    st.caption(f"Chỉ vẽ các tháng đã kết thúc; {month_name} đang thực hiện.")

left, right = st.columns(2)
with left:
    units = dashboard.workload_by_unit(db, today)
    if units.empty:
        st.info("Chưa có nhiệm vụ giao cho đơn vị.")
    else:
        ui.chart(charts.workload, units, "unit", "Khối lượng việc theo đơn vị")
with right:
    people = dashboard.workload_by_member(db, today, figures["month"])
    if people.empty:
        st.info("Tháng này chưa có nhiệm vụ giao cho đảng viên.")
    else:
        ui.chart(charts.workload, people, "member", "Khối lượng việc theo đảng viên (tháng này)")

attendance_history = dashboard.attendance_by_month(db, today)
if attendance_history.empty:
    st.info("Chưa có buổi sinh hoạt nào được điểm danh.")
else:
    ui.chart(charts.attendance, attendance_history)

st.subheader("Việc quá hạn")
late = dashboard.overdue_tasks(db, today)
if figures["overdue_all"]:
    st.caption(f"Việc chưa xong đã quá hạn của mọi nghị quyết tháng: {figures['overdue_all']} việc, trong đó "
               f"{figures['overdue']} việc của {month_name} (ô «Quá hạn trong tháng» ở trên)"
               + (f"; hiện {len(late)} việc quá hạn lâu nhất." if len(late) < figures["overdue_all"] else "."))
ui.table(late.assign(month=late["month"].map(ui.month_label)),  # what a phone shows first: the task, how late
         {"title": "Nhiệm vụ", "deadline": "Hạn", "days_late": "Trễ (ngày)", "lead": "Chủ trì", "month": "Nghị quyết",
          "progress": "Tiến độ (%)", "field": "Lĩnh vực"}, "Không có việc quá hạn.",
         dates=("deadline",), codes={"field": FIELDS})

last = figures["last_meeting"]
if last:
    st.subheader(f"Từ buổi sinh hoạt trước ({vn_date(last['held_on'])})")
    since = dashboard.changes_since(db, actor, last["held_on"], today)
    activity = actor.sees("audit_activity") != "none"  # who changed what: not for a member nor the projector
    columns = st.columns(3 if activity else 2)
    left, middle = columns[:2]
    with left:
        st.markdown("**Việc mới quá hạn**")
        ui.table(since["overdue"], {"title": "Nhiệm vụ", "lead": "Chủ trì", "deadline": "Hạn"},
                 "Không có việc nào mới quá hạn kể từ buổi sinh hoạt trước.", dates=("deadline",))
    with middle:
        st.markdown("**Chỉ tiêu có số liệu mới**")
        ui.table(since["targets"], {"name": "Chỉ tiêu", "recorded_on": "Ngày", "value": "Giá trị"},
                 "Chưa ghi thêm số liệu chỉ tiêu nào kể từ buổi sinh hoạt trước.", dates=("recorded_on",))
    if activity:
        with columns[2]:
            st.markdown("**Ai đã thay đổi gì**")
            ui.table(since["changes"], {"logged_at": "Lúc", "who": "Người", "action": "Thao tác"},
                     "Chưa có thay đổi nào kể từ buổi sinh hoạt trước.", dates=("logged_at",))
