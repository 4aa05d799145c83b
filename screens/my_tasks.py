"""Việc của tôi: the tasks a member leads or takes part in; what falls due within 7 days first."""

import streamlit as st

from chibo import calendar_ics, members, tasks, ui

db = ui.database()
actor = ui.actor()
today = ui.today()
ui.show_success()
st.title("Việc của tôi")
if actor.member_id is None:
    st.info("Tài khoản của đồng chí chưa gắn với một đảng viên trong danh sách. Hãy nhờ quản trị viên gắn tài khoản "
            "với tên của mình (mục Quản trị → Tài khoản).")
    st.stop()
name = members.member_choices(db, active_only=False).get(actor.member_id, "")
st.caption(f"Đồng chí {ui.plain(name)} · các nhiệm vụ chủ trì hoặc phối hợp chưa kết thúc")
now = ui.now()
st.download_button("📅 Thêm vào lịch", lambda: calendar_ics.member_calendar(db, actor, actor.member_id, today, now),
                   calendar_ics.file_name(actor.member_id), mime=calendar_ics.MIME, key="my_calendar",
                   help="Tệp lịch .ics với hạn các nhiệm vụ của đồng chí và các buổi sinh hoạt chi bộ: mở trên điện "
                        "thoại hoặc nhập vào Google Calendar, Outlook để được nhắc trước một ngày. Tải lại sau khi có "
                        "việc mới: lịch cập nhật, không nhân đôi.")
mine = tasks.my_tasks(db, actor.member_id, today)
if mine.empty:
    st.success("Đồng chí không có nhiệm vụ nào đang mở.")
    st.stop()
soon = int(mine["due_soon"].sum())
late = int((mine["effective_status"] == "overdue").sum())
first, second, third = st.columns(3)
first.metric("Nhiệm vụ đang mở", len(mine))
second.metric("Đến hạn trong 7 ngày", soon)
third.metric("Quá hạn", late)
chosen = ui.task_list(mine, "mine")
if chosen:
    ui.task_panel(db, actor, chosen)
else:
    st.caption("Chọn một nhiệm vụ để cập nhật tiến độ hoặc xin gia hạn.")
