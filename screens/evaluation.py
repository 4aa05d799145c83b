"""Đánh giá tháng: figures from the data, the written judgement, mentions, quality score, month close,
and the term review."""

import streamlit as st

from chibo import cell, charts, checklist, documents, evaluations, meetings, members, targets, ui
from chibo.labels import CONCLUSIONS, FIELDS, TASK_STATUSES, vn_date, vn_number, vn_percent

db = ui.database()
actor = ui.actor()
today = ui.today()
can_edit = actor.can("edit_evaluations")
ui.show_success()
st.title("Đánh giá tháng")

resolved = documents.resolution_months(db)
if not resolved:
    st.info("Chưa có nghị quyết tháng nào để đánh giá.")
    st.stop()
begun = documents.months_begun(resolved, today)
month = ui.month_select("Tháng được đánh giá", begun, default=evaluations.month_to_evaluate(begun, today))
figures = evaluations.figures(db, month, today)
evaluation = evaluations.get(db, month) or {}
closed = bool(evaluation.get("closed_at"))
if closed:
    st.success(f"Tháng đã chốt lúc {evaluation['closed_at']:%H:%M %d/%m/%Y}; số liệu dưới đây là số liệu đã chốt.")

month_tab, quality_tab, term_tab = ui.tabs(["Đánh giá tháng", "Chất lượng sinh hoạt", "Đánh giá nhiệm kỳ"], key="evaluation_tab")
if month_tab.open:
    with month_tab:
        cols = st.columns(5)
        cols[0].metric("Nhiệm vụ", figures["tasks"])
        cols[1].metric("Hoàn thành đúng hạn", figures["done_on_time"])
        cols[2].metric("Hoàn thành trễ hạn", figures["done_late"])
        cols[3].metric("Không hoàn thành", figures["not_done"])
        cols[4].metric("Quá hạn", figures["overdue"])
        results = evaluations.task_results(db, month, today)
        ui.table(results,
                 {"title": "Nhiệm vụ đề ra", "effective_status": "Tình trạng", "deadline": "Hạn", "done_on": "Ngày xong",
                  "progress": "Kết quả (%)", "field": "Lĩnh vực"}, "Nghị quyết tháng này không có nhiệm vụ.",
                 dates=("deadline", "done_on"), codes={"field": FIELDS, "effective_status": TASK_STATUSES})
        summary = figures["attendance"]
        if summary:
            st.write(f"**Điểm danh:** tổng số {summary['total']} đồng chí (chính thức {summary['full']}, dự bị "
                     f"{summary['probationary']}), miễn sinh hoạt {summary['exempt']}, có mặt {summary['present']}, "
                     f"vắng có lý do {summary['absent_excused']}, vắng không lý do {summary['absent_unexcused']}.")
        if figures["avg_attainment"] is not None:
            st.write(f"**Chỉ tiêu:** đạt bình quân {vn_percent(figures['avg_attainment'])} so với chỉ tiêu nhiệm kỳ.")
        if figures["supervision"]:
            st.write("**Kiểm tra, giám sát:** " + ", ".join(f"{CONCLUSIONS[k]} {v}" for k, v in figures["supervision"].items()))

        written = ui.edit(f"evaluation_{month:%Y%m}", lambda: evaluations.texts_form(db, month))
        with st.form("evaluation", enter_to_submit=False):
            texts = {key: st.text_area(label, written.values[key], height=90, disabled=closed or not can_edit,
                                       key=written.widget(key))
                     for key, label in evaluations.TEXT_FIELDS.items()}
            st.caption("Hạn chế, khuyết điểm ghi mỗi ý một dòng: chúng sẽ thành căn cứ của nghị quyết tháng sau.")
            saved = st.form_submit_button("Lưu đánh giá", type="primary", disabled=closed or not can_edit)
        ui.save_edit(written, saved, lambda version: evaluations.save(db, actor, month, opened=version, **texts),
                     success="Đã lưu đánh giá.")

        st.markdown("**Biểu dương, nhắc nhở**")
        mentions = evaluations.mentions(db, actor, month)
        ui.table(mentions, {"full_name": "Đảng viên", "kind": "Hình thức", "reason": "Lý do"}, "Chưa có.",
                 codes={"kind": {"bieu_duong": "Biểu dương", "nhac_nho": "Nhắc nhở"}})
        if can_edit and not closed:
            people = members.member_choices(db)
            with st.form("mention", clear_on_submit=True, enter_to_submit=False):
                left, middle, right = st.columns([2, 1, 3])
                member = left.selectbox("Đảng viên", list(people), format_func=people.get)
                kind = middle.selectbox("Hình thức", ["bieu_duong", "nhac_nho"],
                                        format_func={"bieu_duong": "Biểu dương", "nhac_nho": "Nhắc nhở"}.get)
                reason = right.text_input("Lý do")
                if st.form_submit_button("Thêm"):
                    ui.attempt(evaluations.add_mention, db, actor, month, member, kind, reason, success="Đã ghi.")

        st.markdown("**Chốt tháng**")
        if closed and actor.can("reopen_month"):
            with st.form("reopen_month", enter_to_submit=False):
                reason = st.text_input("Lý do mở lại tháng")
                if st.form_submit_button("Mở lại tháng"):
                    ui.attempt(evaluations.reopen_month, db, actor, month, reason, success="Đã mở lại tháng.")
        elif not closed and can_edit:
            with st.popover("Chốt tháng", type="primary"):
                st.warning(evaluations.close_consequence(month))
                early = actor.can("reopen_month") and st.checkbox(
                    "Chốt trước khi tháng kết thúc (quyền quản trị, ghi vào nhật ký)")
                if st.button(f"Xác nhận chốt {ui.month_label(month).lower()}", type="primary"):
                    ui.attempt(evaluations.close_month, db, actor, month, today, early, success="Đã chốt tháng.")
        st.markdown("**Kết quả qua các tháng**")
        trend = evaluations.month_over_month(db, today)
        ui.table(trend.assign(month=trend["month"].map(ui.month_label), done_rate=trend["done_rate"].map(vn_percent)),
                 {"month": "Tháng", "tasks": "Nhiệm vụ", "done_on_time": "Đúng hạn", "done_late": "Trễ hạn",
                  "not_done": "Không hoàn thành", "overdue": "Quá hạn", "done_rate": "Tỷ lệ hoàn thành"},
                 "Chưa có số liệu các tháng.")

if quality_tab.open:
    with quality_tab:
        meeting_id = meetings.month_meeting(db, month)
        held = meetings.get(db, meeting_id) if meeting_id else None
        if not held:
            st.info(f"{ui.month_label(month)} chưa có buổi sinh hoạt thường kỳ để chấm điểm.")
        elif meetings.yet_to_be_held(held, today):
            st.info(f"Buổi sinh hoạt thường kỳ {ui.month_label(month).lower()} (ngày {vn_date(held['held_on'])}) chưa "
                    "diễn ra; chấm điểm sau buổi sinh hoạt.")
        else:
            st.markdown(f"**Buổi sinh hoạt thường kỳ {ui.month_label(month).lower()}, ngày {vn_date(held['held_on'])}**")
            criteria = meetings.rubric(db)
            given = ui.edit(f"scores_{meeting_id}", lambda: meetings.scores_form(db, meeting_id))
            measured = meetings.measured_quality(db, meeting_id)
            starts = meetings.starting_points(db, given.values, measured)
            with st.form("scores", enter_to_submit=False):
                st.caption("Các tiêu chí đo được từ số liệu (giờ sinh hoạt, điểm danh, thông báo và tài liệu đăng trước "
                           "buổi sinh hoạt, ngày đăng Sổ tay và gửi Đảng ủy) "
                           "được gợi ý sẵn điểm khi chưa chấm; Chi ủy vẫn chấm lại được.")
                points = {}
                for name, maximum in criteria.items():
                    suggested, facts = measured.get(name, (None, ""))
                    points[name] = st.number_input(f"{ui.plain(name)} (tối đa {vn_number(maximum)})", 0.0,
                                                   float(maximum), float(starts[name]), step=0.5, key=given.widget(name),
                                                   format=ui.DECIMAL_BOX)
                    if facts:
                        st.caption(facts + (f" Gợi ý: {vn_number(suggested)} điểm." if suggested is not None else ""))
                saved = st.form_submit_button("Lưu điểm", disabled=not can_edit)
            ui.save_edit(given, saved, lambda version: meetings.save_scores(db, actor, meeting_id, points, opened=version),
                         success="Đã lưu điểm chất lượng.")
            saved, band = meetings.score(db, meeting_id)
            if saved is not None:
                st.metric("Tổng điểm chất lượng sinh hoạt", f"{vn_number(saved)}/100", band)

if term_tab.open:
    with term_tab:
        term = cell.current_term(db, today)
        st.write(f"**{ui.plain(term.name)}**" if term else "")
        card = targets.scorecard(db, today)
        if card.empty:
            st.info("Chưa có chỉ tiêu.")
        else:
            names = dict(zip(card["id"], card["name"]))
            target_id = st.selectbox("Diễn biến chỉ tiêu", list(names), format_func=names.get)
            grain = st.radio("Theo", ["quarter", "year"], format_func={"quarter": "Quý", "year": "Năm"}.get, horizontal=True)
            course = targets.course_by_period(db, int(target_id), grain)
            ui.table(course.assign(period=course["period"].map(
                lambda p: f"Quý {(p.month - 1) // 3 + 1}/{p.year}" if grain == "quarter" else str(p.year))),
                {"period": "Kỳ", "value": "Giá trị", "value_text": "Kết quả định tính"}, "Chưa có số liệu.")
        st.markdown("**Các bước công việc mỗi tháng** — đúng hạn, trễ hạn (hoặc sinh hoạt chưa đủ thời gian), quá hạn chưa làm; "
                    "căn cứ cho đánh giá nhiệm kỳ và xếp loại chất lượng chi bộ.")
        steps_history = checklist.history(db, today)
        if steps_history.empty:
            st.info("Chưa có tháng nào trong nhiệm kỳ để tổng hợp.")
        else:
            ui.chart(charts.checklist_history, steps_history, tuple(checklist.HISTORY_BUCKETS.items()))
            ui.table(steps_history.assign(month=steps_history["month"].map(ui.month_label)),
                     {"month": "Tháng", **checklist.HISTORY_BUCKETS, "off": "Không áp dụng"}, "")
        year = st.number_input("Năm xếp loại", 2000, 2100, today.year - 1)
        rated = evaluations.ratings_with_evidence(db, actor, int(year), today)
        if evaluations.no_evidence_recorded(rated):
            st.caption(f"Năm {int(year)} chưa có nhiệm vụ, buổi sinh hoạt hay biểu dương, nhắc nhở nào được ghi trên "
                       "chibo: các cột minh chứng đều bằng 0, điểm là điểm chi bộ đã chấm.")
        ui.table(rated, {"full_name": "Đảng viên", "score": "Điểm", "band": "Xếp loại", "tasks": "Nhiệm vụ chủ trì",
                         "on_time": "Đúng hạn", "late": "Trễ", "missed": "Chưa xong", "present": "Dự họp",
                         "unexcused": "Vắng không lý do", "commended": "Biểu dương", "reminded": "Nhắc nhở"},
                 "Chưa có đảng viên." if actor.sees("ratings") == "all" else
                 "Đồng chí chỉ xem được xếp loại của mình; tài khoản chưa gắn với đảng viên nào, hoặc chưa có."
                 if actor.member_id is None else "Chưa có xếp loại của đồng chí trong năm này.")
        if can_edit:
            with st.form("rating", clear_on_submit=True, enter_to_submit=False):
                people = {None: "Chi bộ (tập thể)"} | members.member_choices(db)
                left, right = st.columns(2)
                who = left.selectbox("Đối tượng", list(people), format_func=people.get)
                score = right.number_input("Điểm (0–100)", 0.0, 100.0, 80.0, step=0.5, format=ui.DECIMAL_BOX)
                if st.form_submit_button("Lưu xếp loại"):
                    ui.attempt(evaluations.save_rating, db, actor, int(year), score, who,
                               success=f"Đã lưu: {evaluations.rating_band(score)}.")
