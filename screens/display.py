"""Trình chiếu: the meeting display — the agenda item by item, page by page, refreshing itself; between meetings the
next meeting. Projected (the projector's account, or «Màn chiếu» on a committee member's device) it fills the window
and never scrolls, the controls small in a corner; the secretary's tools are on their own device («Thư ký»)."""

import streamlit as st

from chibo import agenda, dashboard, docs, meetings, ui
from chibo.labels import ATTENDANCE, vn_date

db = ui.database()
actor = ui.actor()
today = ui.today()
refresh = ui.settings().display_refresh_seconds
ui.show_success()

# A committee member's device is either the projector («Màn chiếu»: the agenda only, full screen) or the secretary's
# own («Thư ký»: the tools under the agenda); the projector's account is always the projector.
committee = actor.can("run_meeting")
projected = actor.role == "trinh_chieu" or (committee and st.session_state.get("display_mode") == "Màn chiếu")
look = agenda.PROJECTED if projected else agenda.NO_SIDEBAR if st.session_state.get("display_fullscreen") else ""
st.html(agenda.STYLE + look)

# Which meeting this device shows: the committee may open any (kept for this device only: a look at a past meeting
# moves no other screen); otherwise today's or the next one.
choices = dashboard.display_choices(db, today) if committee else {}
if st.session_state.get("display_month") not in choices:  # nothing picked, or a pick no longer offered
    st.session_state["display_month"] = None
context = dashboard.display_meeting(db, today, st.session_state["display_month"])


def move(step: int) -> None:
    """Button callback: runs before the rerun, so the new page shows at once here; every other screen of the meeting
    follows within its refresh (the position is held on the server: meetings.move_display)."""
    ui.attempt(agenda.move, db, actor, today, context["month"], step, ui.now(), rerun=False)


movable = context is not None and meetings.may_move_display(db, actor)
if committee or movable:
    with st.container(key="display_controls", horizontal=True, vertical_alignment="center", gap="small"):
        if committee:
            st.segmented_control("Thiết bị này", ["Thư ký", "Màn chiếu"], default="Thư ký", required=True,
                                 key="display_mode", label_visibility="collapsed")
            with st.popover("📅 Buổi sinh hoạt"):
                st.selectbox("Mở trên thiết bị này", [None, *choices], key="display_month",
                             format_func=lambda month: choices.get(month, "Tự động: buổi hôm nay hoặc buổi tới"))
        if movable:
            back, on = agenda.can_step(db, today, context["month"])
            # A presentation clicker sends Page Up / Page Down. No tooltip on the projected screen: the room sees it.
            st.button("◀ Trước", disabled=not back, key="display_prev", on_click=move, args=(-1,), shortcut="PageUp",
                      help=None if projected else "Trang hoặc mục trước (phím Page Up, bút trình chiếu)")
            st.button("Tiếp ▶", disabled=not on, key="display_next", on_click=move, args=(1,), shortcut="PageDown",
                      help=None if projected else "Trang hoặc mục sau (phím Page Down, bút trình chiếu)")


@st.fragment(run_every=refresh)
def display() -> None:
    """What refreshes by itself: one block, its item's page made once per write (chibo.agenda); shown only while the
    session holds (a refresh reruns this function alone, not the page's sign-in check). The position is read from the
    server on each refresh: the screen follows the secretary."""
    ui.still_signed_in(db)
    st.html(agenda.screen(db, ui.today(), st.session_state.get("display_month"), ui.now(), refresh))


display()

meeting = context["meeting"] if context else None
if committee and not projected and context:
    secretary = ui.expander("Thư ký: điểm danh, ghi ý kiến, biểu quyết", key="display_secretary")
    with secretary:
        st.toggle("Chế độ toàn màn hình (ẩn thanh bên)", key="display_fullscreen")
        if secretary.open and meeting is None:  # the next meeting, only planned: the secretary calls it here
            st.info(f"Buổi sinh hoạt ngày {vn_date(context['held_on'])} chưa được tạo: tạo để điểm danh, ghi ý kiến, "
                    "biểu quyết.")
            if st.button(f"Tạo buổi sinh hoạt ngày {vn_date(context['held_on'])}"):
                ui.attempt(meetings.create_meeting, db, actor, context["held_on"], success="Đã tạo buổi sinh hoạt.")
        elif secretary.open:  # the roll call and forms run only when the secretary opens them
            timer = meetings.clock(db, meeting["id"], ui.now())
            if timer["today"] and timer["starts_at"] is None and st.button("▶ Bắt đầu sinh hoạt (tính giờ)"):
                ui.attempt(meetings.start_meeting, db, actor, meeting["id"], ui.now(), success="Đã bắt đầu tính giờ.")
            if timer["running"] and st.button("■ Kết thúc sinh hoạt"):
                ui.attempt(meetings.end_meeting, db, actor, meeting["id"], ui.now(), success="Đã ghi giờ kết thúc.")
            for item in meetings.item_times(db, meeting["id"], ui.now()):
                took = f" — {item['minutes']} phút" if item["minutes"] is not None else ""
                st.caption(f"{item['started_at']:%H:%M} {item['title']}{took}")
            if st.button("Điểm danh: tất cả có mặt", disabled=meetings.attendance_summary(db, meeting["id"])["total"] > 0):
                ui.attempt(meetings.mark_all_present, db, actor, meeting["id"], success="Đã điểm danh; hãy sửa người vắng.")
            opened_roll = ui.edit(f"roll_{meeting['id']}", lambda: meetings.roll_form(db, actor, meeting["id"]))
            roll = opened_roll.values
            edited = st.data_editor(roll[["member_id", "full_name", "status", "reason"]], hide_index=True,
                                    disabled=["member_id", "full_name"], key=opened_roll.widget("grid"), width="stretch",
                                    column_config={
                                        "member_id": None, "full_name": "Đảng viên",
                                        "status": st.column_config.SelectboxColumn("Điểm danh", options=list(ATTENDANCE),
                                                                                   format_func=ATTENDANCE.get),
                                        "reason": "Lý do"})
            saved = st.button("Lưu điểm danh")
            ui.save_edit(opened_roll, saved, lambda version: meetings.record_attendance(
                db, actor, meeting["id"], edited.to_dict("records"), opened=version), success="Đã lưu điểm danh.")
            index = meetings.display_position(db, context["month"])[0]  # the remark's item follows the display
            with st.form("remark", clear_on_submit=True, enter_to_submit=False):
                st.selectbox("Mục", [k for k, _ in agenda.SECTIONS], format_func=dict(agenda.SECTIONS).get,
                             index=index, key=f"remark_section_{index}")
                people = dict(zip(roll["member_id"], roll["full_name"]))
                st.selectbox("Người phát biểu", list(people), index=None, format_func=people.get,
                                       placeholder="Chọn đồng chí phát biểu (nếu có)", key="remark_speaker")
                st.text_input("Ý kiến, ghi chú", key="remark_text")
                st.form_submit_button("Ghi ý kiến", on_click=ui.on_click(  # saved before the run: one run, not two
                    meetings.add_remark, db, actor, meeting["id"], ui.typed(f"remark_section_{index}"),
                    ui.typed("remark_text"), ui.typed("remark_speaker"), success="Đã ghi ý kiến.", where="remark"))
            ui.outcome("remark")  # beside the form: the secretary's eyes are here, not at the top
            facts = ui.edit(f"minutes_facts_{meeting['id']}",
                            lambda: docs.minutes_facts_form(db, context["month"], meeting["id"]))
            with st.form("minutes_facts", enter_to_submit=False):
                st.markdown("**Cho biên bản**")
                start_col, end_col = st.columns(2)
                starts = start_col.time_input("Giờ bắt đầu", facts.values["starts_at"], step=300, key=facts.widget("starts"))
                ends = end_col.time_input("Giờ kết thúc", facts.values["ends_at"], step=300, key=facts.widget("ends"))
                guests = st.text_input("Đại biểu dự", facts.values["guests"], key=facts.widget("guests"),
                                       placeholder="đồng chí …, Đảng ủy viên phụ trách Chi bộ")
                chair = f"Đồng chí chủ trì ({meeting['chair']})" if meeting["chair"] else "Đồng chí chủ trì"
                speakers = {None: chair} | people
                named = meetings.presenters(db, meeting["id"])
                presenters = {item: st.selectbox(label, list(speakers), format_func=speakers.get,
                                                 key=facts.widget(f"presenter_{item}"),
                                                 index=list(speakers).index(named.get(item)) if named.get(item) in speakers
                                                 else 0)
                              for item, label in meetings.PRESENTED_ITEMS.items()}
                conclusion = st.text_area("Kết luận của đồng chí chủ trì", facts.values["conclusion"], height=80,
                                          key=facts.widget("conclusion"))
                saved = st.form_submit_button("Ghi vào biên bản")
            ui.save_edit(facts, saved, lambda version: docs.record_minutes_facts(
                db, actor, context["month"], starts, ends, guests, conclusion, today, opened=version,
                presenters=presenters), success="Đã ghi vào biên bản.")
            vote = ui.edit(f"vote_{meeting['id']}", lambda: meetings.vote_form(db, meeting["id"]))
            with st.form("vote", enter_to_submit=False):
                votes = st.number_input("Số đồng chí tán thành", 0, 200, int(vote.values["votes_for"] or 0),
                                        key=vote.widget("votes"))
                saved = st.form_submit_button("Ghi kết quả biểu quyết")
            ui.save_edit(vote, saved, lambda version: meetings.record_vote(db, actor, meeting["id"], votes, opened=version),
                         success="Đã ghi biểu quyết.")
