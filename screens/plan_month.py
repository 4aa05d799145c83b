"""Nghị quyết tháng: new month draft with its bases and carry-over, the task table, and the lifecycle."""


import streamlit as st

from chibo import calendar_ics, checklist, documents, meetings, members, months, plans, ui
from chibo.labels import BASE_KINDS, CHANNELS, FIELDS, MONTH_STEPS

db = ui.database()
actor = ui.actor()
today = ui.today()
can_edit = actor.can("edit_plans")
ui.show_success()
st.title("Nghị quyết thường kỳ")

# The grid shows what a person checks first — the task, its deadline, who leads it — before the rest.
CHOICE_COLUMNS = ("lead_member_id", "lead_unit_id", "measure_id")  # picked from a list; «—» is ui.NO_CHOICE
TASK_GRID_ORDER = ["title", "deadline", "lead_member_id", "lead_unit_id", "partner_ids", "field", "channel",
                   "report_at", "recurring", "measure_id"]


def one_task_form(doc, month, table_key: str, people: dict, units: dict, measures: dict) -> None:
    """One task at a time, for those who prefer a form to the grid; each field shows its own message."""
    box = ui.expander("➕ Thêm một nhiệm vụ bằng biểu mẫu (không dùng bảng)", key="one_task_box")
    if not box.open:
        return
    problems = st.session_state.get("one_task_problems", {})
    with box, st.form("one_task", enter_to_submit=False):
        st.caption("Thêm xong, bảng phía trên tải lại; hãy lưu bảng trước nếu đang sửa dở.")
        values = {"title": st.text_area("Nội dung nhiệm vụ", height=80, key="one_task_title")}
        ui.field_problem(problems, "title")
        values["field"] = st.selectbox("Lĩnh vực", list(FIELDS), index=None, format_func=FIELDS.get,
                                       placeholder="Chọn lĩnh vực", key="one_task_field")
        ui.field_problem(problems, "field")
        left, right = st.columns(2)
        values["lead_member_id"] = left.selectbox("Chủ trì (đảng viên)", list(people), index=None,
                                                  format_func=people.get, placeholder="Chọn đồng chí",
                                                  key="one_task_lead")
        values["lead_unit_id"] = right.selectbox("hoặc đơn vị chủ trì", list(units), index=None, format_func=units.get,
                                                 placeholder="Chọn đơn vị", key="one_task_unit")
        ui.field_problem(problems, "lead")  # under both boxes: either one answers it
        values["partner_ids"] = st.multiselect("Phối hợp", list(people), format_func=people.get,
                                               placeholder="Chọn các đồng chí phối hợp", key="one_task_partners")
        ui.field_problem(problems, "partner_ids")
        left, right = st.columns(2)  # a row of its own: each message stays under its box
        values["deadline"] = left.date_input("Hạn", None, min_value=month, max_value=months.month_end(month),
                                             format="DD/MM/YYYY", key="one_task_deadline")
        with left:
            ui.field_problem(problems, "deadline")
        values["channel"] = right.selectbox("Kênh triển khai", list(CHANNELS), format_func=CHANNELS.get,
                                            key="one_task_channel")
        values["report_at"] = st.text_input("Báo cáo tại (để trống: buổi sinh hoạt tháng sau)", key="one_task_report")
        values["measure_id"] = st.selectbox("Thuộc giải pháp của chương trình", list(measures), index=None,
                                            format_func=measures.get, placeholder="Không thuộc giải pháp nào",
                                            key="one_task_measure")
        ui.field_problem(problems, "measure_id")
        values["recurring"] = st.checkbox("Lặp lại hằng tháng", key="one_task_recurring")
        added = st.form_submit_button("Thêm nhiệm vụ", type="primary")
    if added:
        ui.add_with_field_problems("one_task_problems", plans.add_task, db, actor, doc.id, values,
                                   success="Đã thêm nhiệm vụ.", then_reopen=table_key)


resolved = documents.resolution_months(db)
new_month_box = ui.expander("➕ Lập nghị quyết tháng mới", key="new_resolution", expanded=not resolved)
if new_month_box.open:  # its draft preview and carry-over list run only when opened
    with new_month_box:
        if not can_edit:
            st.info("Chỉ chi ủy lập được nghị quyết.")
        else:
            upcoming = plans.month_to_draft(resolved, today)
            if upcoming is None:
                st.info(f"Đã có dự thảo {ui.month_label(resolved[0]).lower()}; nghị quyết tháng sau đó được lập khi "
                        "tháng này bắt đầu.")
            else:
                offered = plans.months_to_draft(resolved, today)
                new_month = st.selectbox("Tháng", offered, format_func=ui.month_label, key="new_resolution_month")
                st.write("**Căn cứ sẽ được điền sẵn:**")
                for base in plans.draft_bases(db, new_month):
                    st.write(f"- {ui.plain(base['text'])}")
                candidates = plans.carry_over_candidates(db, new_month)
                picked = []
                if not candidates.empty:
                    st.write("**Nhiệm vụ tháng trước chưa hoàn thành** — chọn việc chuyển tiếp:")
                    carry_keys = [f"carry_{task_id}" for task_id in candidates["id"]]
                    st.checkbox("Chọn tất cả", key="carry_all", on_change=ui.tick_all, args=("carry_all", carry_keys))
                    for row in candidates.itertuples():
                        if st.checkbox(f"{ui.plain(row.title)} — {ui.plain(row.lead)} ({row.progress}%)", key=f"carry_{row.id}"):
                            picked.append(int(row.id))
                if st.button("Tạo dự thảo", type="primary"):
                    created = ui.attempt(plans.new_monthly_draft, db, actor, new_month, picked, rerun=False,
                                         success=f"Đã tạo dự thảo nghị quyết {ui.month_label(new_month).lower()}.")
                    if created is not None:  # done: the box closes, so a second click cannot make the next month too
                        st.session_state.pop("new_resolution", None)
                        st.rerun()

if not resolved:
    st.stop()
month = ui.month_select("Nghị quyết", resolved)
doc = documents.monthly_resolution(db, month)
st.caption(f"{doc.number_shown} · {ui.plain(doc.summary)} · Trạng thái: **{doc.status_label}**"
           + (" · 🔒 đã khóa" if doc.locked else ""))
done_part, stages = documents.lifecycle_stage(doc)
st.progress(done_part, text=" → ".join(f"**{label}**" if current else label for label, current in stages))
steps = documents.next_steps(doc, actor)  # what this user may do with this document now

bases_tab, tasks_tab, adopt_tab, wording_tab, export_tab, steps_tab = ui.tabs(
    ["Căn cứ", "Phương hướng, nhiệm vụ", "Thông qua", "Lời văn", "Xuất văn bản", "Các bước trong tháng"],
    key="plan_month_tab")
if bases_tab.open:
    with bases_tab:
        opened_bases = ui.edit(f"bases_{doc.id}", lambda: plans.bases_form(db, doc.id))
        edited = st.data_editor(opened_bases.values[["kind", "text"]], placeholder="",
                                num_rows="dynamic" if "edit" in steps else "fixed",
                                disabled="edit" not in steps, hide_index=True,
                                width="stretch", key=opened_bases.widget("grid"), column_config={
                                    "kind": st.column_config.SelectboxColumn("Loại căn cứ", options=list(BASE_KINDS),
                                                                             format_func=BASE_KINDS.get,
                                                                             required=True, default="other"),
                                    "text": st.column_config.TextColumn("Nội dung", width="large", required=True)})
        saved = "edit" in steps and st.button("Lưu căn cứ")
        ui.save_edit(opened_bases, saved, lambda version: plans.save_bases(db, actor, doc.id, edited.to_dict("records"),
                                                                           opened=version), success="Đã lưu căn cứ.",
                     keep_label="Lưu căn cứ của tôi (thay căn cứ đã lưu)", take_label="Tải căn cứ đã lưu (bỏ thay đổi của tôi)")

if tasks_tab.open:
    with tasks_tab:
        opened_table = ui.edit(f"tasks_{doc.id}", lambda: plans.task_table_form(db, doc.id))
        people, units, measures = (opened_table.values[k] for k in ("people", "units", "measures"))
        table = opened_table.values["table"]
        editable = ui.editor_frame(table[plans.TASK_TABLE_COLUMNS], dates=("deadline",), lists=("partner_ids",),
                                   choices=CHOICE_COLUMNS, texts=("report_at",))
        if "edit" in steps:
            st.caption("Mỗi dòng một nhiệm vụ. Chọn chủ trì là một đồng chí hoặc một đơn vị; hạn phải trong "
                       "tháng. Bấm «Lưu bảng nhiệm vụ» để lưu cả bảng một lần; dòng nào thiếu thì chưa lưu gì và "
                       "thông báo nói dòng nào, cột nào — các dòng đã nhập vẫn giữ nguyên trong bảng.")
        # No column is `required`: the grid would silently drop a new row with an empty required cell. Every row
        # reaches plans.save_task_table, which names each incomplete row and its column and saves nothing.
        edited = st.data_editor(
            editable, num_rows="dynamic" if "edit" in steps else "fixed", disabled="edit" not in steps,
            width="stretch", hide_index=True, placeholder="",
            key=opened_table.widget("grid"), column_order=TASK_GRID_ORDER,
            column_config={
                "field": st.column_config.SelectboxColumn("Lĩnh vực", options=list(FIELDS), format_func=FIELDS.get),
                "title": st.column_config.TextColumn("Nội dung nhiệm vụ", width="large", max_chars=500, pinned=True),
                "lead_member_id": st.column_config.SelectboxColumn("Chủ trì (đảng viên)", options=[ui.NO_CHOICE, *people],
                                                                   format_func=lambda m: people.get(m, "—")),
                "lead_unit_id": st.column_config.SelectboxColumn("hoặc đơn vị", options=[ui.NO_CHOICE, *units],
                                                                 format_func=lambda u: units.get(u, "—")),
                "partner_ids": st.column_config.MultiselectColumn("Phối hợp", options=[str(m) for m in people],
                                                                  format_func=lambda m: people.get(int(m), "")),
                "channel": st.column_config.SelectboxColumn("Kênh triển khai", options=list(CHANNELS),
                                                            default="cuoc_hop", format_func=CHANNELS.get),
                "deadline": st.column_config.DateColumn("Hạn", format="DD/MM/YYYY", width="small",
                                                        min_value=month, max_value=months.month_end(month)),
                "report_at": st.column_config.TextColumn("Báo cáo tại"),
                "recurring": st.column_config.CheckboxColumn("Lặp lại hằng tháng", default=False),
                "measure_id": st.column_config.SelectboxColumn("Thuộc giải pháp của chương trình",
                                                               options=[ui.NO_CHOICE, *measures],
                                                               format_func=lambda m: measures.get(m, "—")),
            })
        saved = "edit" in steps and st.button("Lưu bảng nhiệm vụ", type="primary")
        rows = ui.editor_rows(edited, choices=CHOICE_COLUMNS)
        ui.save_edit(opened_table, saved,
                     lambda version: plans.save_task_table(db, actor, doc.id, rows, opened=version),
                     success=lambda result: f"Đã lưu: thêm {result['added']}, sửa {result['updated']}, "
                                            f"xóa {result['deleted']} nhiệm vụ.",
                     keep_label="Lưu bảng của tôi (thay các dòng trên)",
                     take_label="Tải bảng đã lưu (bỏ thay đổi của tôi)")
        if "edit" in steps:
            one_task_form(doc, month, opened_table.key, people, units, measures)
        st.caption(f"{len(table)} nhiệm vụ.")

if adopt_tab.open:
    with adopt_tab:
        if not can_edit:
            st.info("Chỉ chi ủy thực hiện các bước thông qua.")
        if "agree" in steps:
            st.write("Sau khi họp chi ủy thống nhất dự thảo:")
            if st.button("Chi ủy đã thống nhất dự thảo"):
                ui.attempt(documents.agree, db, actor, doc.id, success="Đã ghi nhận chi ủy thống nhất.")
        if "adopt" in steps:
            meeting_id = meetings.meeting_for_month(db, month)
            if meeting_id is None:
                st.write("Chưa có buổi sinh hoạt tháng này. Tạo buổi sinh hoạt để điểm danh và biểu quyết:")
                held_on = st.date_input("Ngày sinh hoạt", months.meeting_date(db, month), format="DD/MM/YYYY")
                if st.button("Tạo buổi sinh hoạt"):
                    ui.attempt(meetings.create_meeting, db, actor, held_on, success="Đã tạo buổi sinh hoạt; hãy điểm danh "
                               "ở trang Trình chiếu hoặc dưới đây.")
            else:
                summary = meetings.attendance_summary(db, meeting_id)
                st.write(f"Buổi sinh hoạt ngày {meetings.get(db, meeting_id)['held_on']:%d/%m/%Y}: "
                         f"có mặt **{summary['present']}** đồng chí.")
                if not summary["total"] and st.button("Điểm danh: tất cả có mặt (sửa người vắng ở trang Trình chiếu)"):
                    ui.attempt(meetings.mark_all_present, db, actor, meeting_id, success="Đã điểm danh.")
                people = {None: "— chọn —"} | members.member_choices(db)
                with st.form("adopt", enter_to_submit=False):
                    votes = st.number_input("Số đồng chí tán thành", 0, 200, summary["present"])
                    number = st.number_input("Số nghị quyết (điền sẵn số tiếp theo)", 1, 999,
                                             documents.number_to_give(db, doc))
                    usual = meetings.usual_chair_and_secretary(db, meeting_id)
                    chair_box, secretary_box = st.columns(2)
                    chair, secretary = (box.selectbox(label, list(people), format_func=people.get,
                                                      index=list(people).index(who) if who in people else 0)
                                        for box, label, who in ((chair_box, "Chủ trì buổi sinh hoạt", usual[0]),
                                                                (secretary_box, "Thư ký buổi sinh hoạt", usual[1])))
                    st.warning(documents.adopt_consequence(doc))
                    confirmed = st.checkbox("Tôi đã đọc và xác nhận")
                    if st.form_submit_button("Chi bộ thông qua nghị quyết", type="primary"):
                        if not confirmed:
                            st.error("Hãy đánh dấu «Tôi đã đọc và xác nhận» trước khi thông qua.")
                        else:
                            ui.attempt(documents.adopt, db, actor, doc.id, meeting_id, votes, number,
                                       chair, secretary, success="Nghị quyết đã được thông qua và khóa.")
        if "start_work" in steps and st.button("Bắt đầu triển khai"):
            ui.attempt(documents.start_work, db, actor, doc.id, success="Nghị quyết chuyển sang đang thực hiện.")
        if "reopen" in steps:
            with st.form("reopen", enter_to_submit=False):
                st.caption("Mở lại: nghị quyết thôi khóa để sửa; số giữ nguyên; việc mở lại và lý do ghi vào nhật ký.")
                reason = st.text_input("Lý do mở lại để sửa (ghi vào nhật ký)")
                if st.form_submit_button("Mở lại để sửa"):
                    ui.attempt(documents.reopen, db, actor, doc.id, reason, success="Đã mở lại nghị quyết để sửa.")
        if "delete" in steps:
            with st.popover("Xóa dự thảo"):
                st.write(f"Xóa dự thảo {ui.month_label(month).lower()}: toàn bộ nhiệm vụ, tiến độ đã ghi và căn cứ "
                         "của nó bị xóa hẳn, không khôi phục được.")
                if st.button("Xóa hẳn", type="primary"):
                    ui.attempt(documents.delete_document, db, actor, doc.id, success="Đã xóa dự thảo.")

if wording_tab.open:
    with wording_tab:
        if not actor.can("export"):  # the documents' words state what only the committee sees (absence reasons)
            st.info("Lời văn của nghị quyết, báo cáo và biên bản do chi ủy soạn; đồng chí xem phương hướng, nhiệm vụ "
                    "ở thẻ «Phương hướng, nhiệm vụ».")
            st.stop()
        st.caption("Lời văn dưới đây được điền sẵn từ số liệu; chi ủy sửa cho đúng lời của chi bộ rồi bấm «Lưu lời văn». "
                   "Xóa trắng một ô để dùng lại lời gợi ý. Văn bản đã thông qua thì khóa cùng lời văn.")
        if "edit" not in steps and "reopen" in steps:
            st.info("Nghị quyết đã thông qua nên lời văn của nghị quyết đang khóa; muốn sửa: thẻ «Thông qua» → «Mở lại "
                    "để sửa». Biên bản vẫn sửa được.")
        ui.wording_form(db, actor, "resolution", doc.id, today, "edit" in steps, "Nghị quyết")
        report_doc = documents.issued_with(db, doc, "report")
        if report_doc is not None:
            ui.wording_form(db, actor, "report", report_doc.id, today, "edit" in documents.next_steps(report_doc, actor),
                            f"Báo cáo gửi Đảng ủy ({report_doc.number_shown})")
        else:
            st.info("Báo cáo gửi Đảng ủy về tháng trước được lập khi xuất lần đầu (thẻ «Xuất văn bản»); sau đó "
                    "lời văn của báo cáo hiện ở đây.")
        minutes_doc = documents.issued_with(db, doc, "minutes")
        if minutes_doc is not None:  # minutes stay editable after adoption: they record what was said
            ui.wording_form(db, actor, "minutes", minutes_doc.id, today,
                            "edit" in documents.next_steps(minutes_doc, actor), "Biên bản sinh hoạt (vẫn sửa được)")
        elif doc.meeting_id:
            st.info("Biên bản buổi sinh hoạt được lập khi xuất lần đầu (thẻ «Xuất văn bản»); sau đó lời văn của biên "
                    "bản hiện ở đây và vẫn sửa được sau khi nghị quyết đã thông qua.")

if export_tab.open:
    with export_tab:
        if not actor.can("export"):
            st.info("Chỉ chi ủy xuất được văn bản.")
        else:
            for kind, label in (("resolution", "nghị quyết"), ("report", "báo cáo gửi Đảng ủy"),
                                ("minutes", "biên bản sinh hoạt")):
                ui.document_downloads(db, actor, kind, doc.id, today, label)
            ui.upload_pack(db, actor, month, today)

if steps_tab.open:
    with steps_tab:
        st.caption("Mỗi bước có hạn tính từ ngày sinh hoạt của chi bộ và các quy định trong Cài đặt → «Ngưỡng và thang "
                   "điểm». Bước «Dự thảo» và «Chi ủy thống nhất» tự ghi nhận theo nghị quyết; buổi sinh hoạt, việc gửi "
                   "văn bản và chốt tháng theo dữ liệu của các trang khác.")
        ui.month_checklist(checklist.month_checklist(db, month, today))
        if can_edit:
            with st.form("mark_step", enter_to_submit=False):
                st.markdown("**Ghi nhận một bước đã làm** — ghi lại để sửa ngày đã ghi.")
                left, right = st.columns(2)
                step = left.selectbox("Bước", checklist.MARKED, format_func=MONTH_STEPS.get)
                day = right.date_input("Ngày thực hiện", today, format="DD/MM/YYYY")
                if st.form_submit_button("Ghi nhận"):
                    ui.attempt(checklist.mark_done, db, actor, month, step, day, today, success="Đã ghi nhận.")
            if meetings.thematic_to_add(db, month) and st.button(
                    "Buổi này có sinh hoạt chuyên đề (thời gian tối thiểu dài hơn)"):
                ui.attempt(meetings.add_thematic, db, actor, month, success="Đã ghi sinh hoạt chuyên đề cùng buổi.")
            now = ui.now()
            st.download_button("📅 Tải lịch chi bộ (.ics) — sinh hoạt, họp chi ủy, hạn các bước",
                               lambda: calendar_ics.cell_calendar(db, actor, today, now),
                               calendar_ics.file_name(), mime=calendar_ics.MIME, key="cell_calendar")
