"""Bảng nhiệm vụ: every task, filtered, overdue first to the eye, each opening to its history."""

import streamlit as st

from chibo import documents, members, tasks, ui
from chibo.labels import CHANNELS, FIELDS, TASK_STATUSES

db = ui.database()
actor = ui.actor()
today = ui.today()
ui.show_success()
st.title("Bảng nhiệm vụ")

resolved = documents.resolution_months(db)
if not resolved:
    st.info("Chưa có nghị quyết tháng nào, nên chưa có nhiệm vụ để theo dõi.")
    st.stop()
unit_names = members.unit_choices(db)
people = members.member_choices(db, active_only=False)
row1 = st.columns(4)
# The running month by default (a next month's draft is one pick away): the whole history of a long-lived cell is
# never loaded unasked.
month = ui.month_select("Tháng", resolved, documents.months_begun(resolved, today)[0], "Tất cả các năm",
                        boxes=(row1[0], row1[1]))
field = row1[2].selectbox("Lĩnh vực", [None, *FIELDS], format_func=lambda f: FIELDS.get(f, "Tất cả lĩnh vực"))
status = row1[3].selectbox("Trạng thái", [None, *TASK_STATUSES],
                           format_func=lambda s: TASK_STATUSES.get(s, "Tất cả trạng thái"))
row2 = st.columns(3)
unit = row2[0].selectbox("Đơn vị chủ trì", [None, *unit_names], format_func=lambda u: unit_names.get(u, "Tất cả"))
member = row2[1].selectbox("Đảng viên", [None, *people], format_func=lambda m: people.get(m, "Tất cả"))
channel = row2[2].selectbox("Kênh triển khai", [None, *CHANNELS], format_func=lambda c: CHANNELS.get(c, "Tất cả"))

frame = tasks.board(db, today, month=month, field=field, unit_id=unit, member_id=member, channel=channel,
                    status=status, limit=tasks.BOARD_LIMIT)
totals = tasks.board_totals(db, today, month=month, field=field, unit_id=unit, member_id=member, channel=channel,
                            status=status)
total = totals["total"]
shown = f"{total} nhiệm vụ" if total == len(frame) else f"{total} nhiệm vụ (hiện {len(frame)} nhiệm vụ có hạn sớm nhất)"
st.caption(f"{shown} · {totals['overdue']} quá hạn · sắp xếp theo hạn hoàn thành. Chọn một dòng để xem lịch sử.")
asked = tasks.pending_extensions(db, actor)
if not asked.empty:
    st.warning(f"{len(asked)} đề nghị gia hạn chờ chi ủy: " + "; ".join(ui.plain(t) for t in asked["title"]))
if frame.empty:
    st.info("Không có nhiệm vụ nào khớp bộ lọc.")
    st.stop()
chosen = ui.task_list(frame, "board")
if chosen:
    ui.task_panel(db, actor, chosen)
