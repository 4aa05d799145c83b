"""Trình chiếu: the meeting display — large type, the agenda section by section, refreshing itself."""

import streamlit as st

from chibo import config, dashboard, evaluations, meetings, members, plans, targets, ui
from chibo.labels import ATTENDANCE, FIELDS, TASK_STATUSES, vn_date

db = ui.database()
actor = ui.actor()
today = ui.today()
refresh = config.load().display_refresh_seconds
ui.show_success()

if st.session_state.setdefault("display_fullscreen", actor.role == "trinh_chieu"):
    st.html("<style>[data-testid='stSidebar'], [data-testid='stSidebarCollapsedControl'] {display:none}"
            " [data-testid='stHeader'] {background: transparent; pointer-events: none}"
            " .block-container {padding-top: 3.5rem; max-width: 100%}</style>")
st.html("<style>.st-key-big [data-testid='stMarkdownContainer'] p, .st-key-big li"
        " {font-size: 1.6rem !important; line-height: 1.5} .st-key-big h2 {font-size: 2.6rem}"
        " .st-key-big [data-testid='stMetricValue'],"
        " .st-key-big [data-testid='stMetricValue'] [data-testid='stMarkdownContainer'] p"
        " {font-size: 3.5rem !important; line-height: 1.2}</style>")

context = dashboard.display_meeting(db, today)
if context is None:
    st.title("Trình chiếu")
    st.info("Chưa có buổi sinh hoạt nào. Hãy tạo buổi sinh hoạt ở trang «Nghị quyết tháng».")
    st.stop()
meeting = context["meeting"]
SECTIONS = meetings.AGENDA


def section_body(key: str) -> None:
    """One agenda item, read fresh from the database on every refresh."""
    if key == "khai_mac":
        summary = meetings.attendance_summary(db, meeting["id"])
        cols = st.columns(4)
        cols[0].metric("Tổng số đảng viên", summary["total"])
        cols[1].metric("Có mặt", summary["present"])
        cols[2].metric("Vắng có lý do", summary["absent_excused"])
        cols[3].metric("Vắng không lý do", summary["absent_unexcused"])
        st.markdown(f"Chủ trì: **{meeting['chair'] or '—'}** · Thư ký: **{meeting['secretary'] or '—'}** · "
                    f"Miễn sinh hoạt: {summary['exempt']}")
        for name, status, reason in summary["absent_names"]:
            st.markdown(f"- {name}: {ATTENDANCE[status].lower()}{' — ' + reason if reason else ''}")
    elif key == "ket_qua":
        if not context["previous_resolution"]:
            st.info("Không có nghị quyết tháng trước.")
            return
        figures = evaluations.figures(db, context["previous"], today)
        cols = st.columns(4)
        cols[0].metric("Nhiệm vụ", figures["tasks"])
        cols[1].metric("Đúng hạn", figures["done_on_time"])
        cols[2].metric("Trễ hạn", figures["done_late"])
        cols[3].metric("Chưa xong", figures["not_done"] + figures["overdue"])
        results = evaluations.task_results(db, context["previous"], today)
        for row in results.itertuples():
            st.markdown(f"- {row.title} — **{TASK_STATUSES[row.effective_status]}**")
    elif key == "chi_tieu":
        card = targets.scorecard(db, today)
        if card.empty:
            st.info("Chưa có chỉ tiêu.")
        limits = dashboard.thresholds(db)
        for row in card.itertuples():
            light = targets.BAND_LABELS[targets.band(row.attainment, limits)].split()[0]
            st.markdown(f"- {light} {row.name}: **{row.actual_shown or 'chưa có số liệu'}** / {row.target_shown}")
    elif key == "ton_tai":
        late = dashboard.overdue_tasks(db, today)
        if late.empty:
            st.success("Không có việc quá hạn.")
        for row in late.itertuples():
            st.markdown(f"- 🔴 {row.title} — {row.lead}, hạn {vn_date(row.deadline)} ({row.days_late} ngày), "
                        f"{row.progress}%")
    elif key == "nhiem_vu":
        doc = context["resolution"]
        if not doc:
            st.info("Chưa có dự thảo nghị quyết cho tháng này.")
            return
        frame = plans.task_table(db, doc.id)
        people, units = members.member_choices(db, False), members.unit_choices(db)
        for field, rows in frame.groupby("field", sort=False):
            st.markdown(f"**{FIELDS[field]}**")
            for row in rows.itertuples():
                lead = people.get(row.lead_member_id) or units.get(row.lead_unit_id) or ""
                st.markdown(f"- {row.title} — {lead}, hạn {vn_date(row.deadline)}")
    elif key == "bieu_quyet":
        doc = context["resolution"]
        summary = meetings.attendance_summary(db, meeting["id"])
        fresh = meetings.get(db, meeting["id"])
        st.metric("Tán thành", f"{fresh['votes_for'] or 0}/{summary['present']}")
        if doc:
            st.markdown(f"Nghị quyết: **{doc.status_label}**")
    notes = meetings.remarks(db, meeting["id"])
    notes = notes[notes["section"] == key]
    for row in notes.itertuples():
        st.markdown(f"> 💬 {row.text}" + (f" — {row.speaker}" if isinstance(row.speaker, str) else ""))


def move(step: int) -> None:
    """Button callback: runs before the rerun, so the new section shows at once."""
    st.session_state["display_section"] = min(max(st.session_state["display_section"] + step, 0), len(SECTIONS) - 1)


@st.fragment(run_every=refresh)
def display() -> None:
    index = st.session_state.setdefault("display_section", 0)
    key, title = SECTIONS[index]
    left, middle, right = st.columns([1, 6, 1])
    left.button("◀ Trước", disabled=index == 0, width="stretch", key="display_prev", on_click=move, args=(-1,))
    right.button("Tiếp ▶", disabled=index == len(SECTIONS) - 1, width="stretch", key="display_next",
                 on_click=move, args=(1,))
    middle.markdown(f"<div style='text-align:center'>Sinh hoạt chi bộ ngày {vn_date(meeting['held_on'])} · "
                    f"mục {index + 1}/{len(SECTIONS)}</div>", unsafe_allow_html=True)
    with st.container(key="big"):
        st.markdown(f"## {index + 1}. {title}")
        section_body(key)
    st.caption(f"Tự làm mới mỗi {refresh} giây.")


display()

if actor.can("run_meeting"):
    with st.expander("Thư ký: điểm danh, ghi ý kiến, biểu quyết"):
        st.toggle("Chế độ toàn màn hình (ẩn thanh bên)", key="display_fullscreen")
        if st.button("Điểm danh: tất cả có mặt", disabled=meetings.attendance_summary(db, meeting["id"])["total"] > 0):
            ui.attempt(meetings.mark_all_present, db, actor, meeting["id"], success="Đã điểm danh; hãy sửa người vắng.")
        roll = meetings.attendance(db, meeting["id"])
        edited = st.data_editor(roll[["member_id", "full_name", "status", "reason"]], hide_index=True,
                                disabled=["member_id", "full_name"], key="roll", width="stretch", column_config={
                                    "member_id": None, "full_name": "Đảng viên",
                                    "status": st.column_config.SelectboxColumn("Điểm danh", options=list(ATTENDANCE),
                                                                               format_func=ATTENDANCE.get),
                                    "reason": "Lý do"})
        if st.button("Lưu điểm danh"):
            ui.attempt(meetings.record_attendance, db, actor, meeting["id"], edited.to_dict("records"),
                       success="Đã lưu điểm danh.")
        with st.form("remark", clear_on_submit=True):
            section = st.selectbox("Mục", [k for k, _ in SECTIONS], format_func=dict(SECTIONS).get,
                                   index=st.session_state.get("display_section", 0))
            text = st.text_input("Ý kiến, ghi chú")
            if st.form_submit_button("Ghi ý kiến"):
                ui.attempt(meetings.add_remark, db, actor, meeting["id"], section, text, success="Đã ghi ý kiến.")
        with st.form("vote"):
            votes = st.number_input("Số đồng chí tán thành", 0, 200, int(meeting["votes_for"] or 0))
            if st.form_submit_button("Ghi kết quả biểu quyết"):
                ui.attempt(meetings.record_vote, db, actor, meeting["id"], votes, success="Đã ghi biểu quyết.")
