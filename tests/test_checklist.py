"""The secretary's month (chibo.checklist): the day of each step from the meeting day and the cell's rules, a weekend
meeting day kept or moved, each step's state from the data, the reminders and who sees them, marking a step done,
the rules' checks, the rubric's preparation criterion and the term's history."""

import json
from datetime import date, timedelta

import pytest

from chibo import auth, checklist, documents, meetings, months, plans
from chibo.errors import InputError, PermissionDenied
from tests import test_app
from tests.conftest import TODAY, actor_of

A = auth.SYSTEM
OCT, NOV, DEC, JAN = date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1)


def states(db, month, today=TODAY) -> dict[str, str]:
    return {step.key: step.state for step in checklist.month_checklist(db, month, today)}


def test_each_steps_day_follows_from_the_meeting_day_and_the_cells_rules(demo_db):
    # December has no meeting recorded: the cell's day (the 3rd) plans it; January's 3rd closes the month.
    assert checklist.step_dates(demo_db, DEC) == {
        "draft": date(2026, 11, 26), "agree": date(2026, 11, 28), "notice": date(2026, 11, 30),
        "uploaded_before": date(2026, 12, 2), "meeting": date(2026, 12, 3), "issued": date(2026, 12, 5),
        "closed": date(2027, 1, 3)}
    meetings.save_meeting_rules(demo_db, A, {"draft_days_before": 10, "upload_days_before": 2, "send_within_days": 3})
    moved = checklist.step_dates(demo_db, DEC)
    assert (moved["draft"], moved["uploaded_before"], moved["issued"]) == (
        date(2026, 11, 23), date(2026, 12, 1), date(2026, 12, 6))


def test_a_held_meeting_dates_its_month_by_the_day_it_was_held(demo_db):
    meeting_id = meetings.create_meeting(demo_db, A, "2026-12-07")  # held later than the plan
    assert meetings.meeting_for_month(demo_db, DEC) == meeting_id
    dates = checklist.step_dates(demo_db, DEC)
    assert dates["meeting"] == date(2026, 12, 7) and dates["draft"] == date(2026, 11, 30)
    assert checklist.step_dates(demo_db, NOV)["closed"] == date(2026, 12, 7)  # November closes before it


@pytest.mark.parametrize("weekend,day", [("keep", date(2026, 10, 3)), ("before", date(2026, 10, 2)),
                                         ("after", date(2026, 10, 5))])
def test_a_meeting_day_on_a_saturday_moves_only_if_the_setting_says_so(weekend, day):
    assert date(2026, 10, 3).weekday() == 5
    assert months.planned_meeting_day(OCT, 3, weekend) == day


def test_a_move_off_the_weekend_never_leaves_the_month():
    assert date(2026, 11, 1).weekday() == 6 and date(2027, 2, 28).weekday() == 6
    assert months.planned_meeting_day(NOV, 1, "before") == date(2026, 11, 2)  # not Friday 30 October
    assert months.planned_meeting_day(date(2027, 2, 1), 28, "after") == date(2027, 2, 26)  # not Monday 1 March
    assert months.planned_meeting_day(NOV, 3, "after") == date(2026, 11, 3)  # a Tuesday stays


def test_the_weekend_setting_moves_the_planned_meeting_and_every_step_with_it(demo_db):
    assert date(2027, 1, 3).weekday() == 6
    assert months.meeting_date(demo_db, JAN) == date(2027, 1, 3)
    meetings.save_meeting_rules(demo_db, A, {"weekend": "after"})
    assert months.meeting_date(demo_db, JAN) == date(2027, 1, 4)  # what «Tạo buổi sinh hoạt» offers, too
    assert checklist.step_dates(demo_db, JAN)["draft"] == date(2026, 12, 28)
    assert checklist.step_dates(demo_db, DEC)["closed"] == date(2027, 1, 4)
    meetings.save_meeting_rules(demo_db, A, {"weekend": "before"})
    assert checklist.step_dates(demo_db, DEC)["closed"] == date(2027, 1, 1)


def test_states_come_from_the_demo_cells_own_records(demo_db):
    november = {step.key: step for step in checklist.month_checklist(demo_db, NOV, TODAY)}
    assert {key: step.state for key, step in november.items()} == {
        "draft": "done", "agree": "done", "notice": "done", "uploaded_before": "done", "meeting": "done",
        "issued": "late", "closed": "due"}
    assert (november["notice"].done_on, november["notice"].done_by) == (date(2026, 10, 31), "hệ thống")
    chair = meetings.get(demo_db, meetings.meeting_for_month(demo_db, NOV))["chair"]
    assert november["meeting"].said == f"ngày 03/11/2026 ({chair}) · sinh hoạt 125 phút (tối thiểu 90 phút)"
    # The demo's slips: October's documents went up on the meeting day, August's notice was never recorded,
    # June's resolution reached the Đảng ủy four days after the meeting.
    assert states(demo_db, OCT)["uploaded_before"] == "done_late"
    assert states(demo_db, date(2026, 8, 1))["notice"] == "late"
    assert states(demo_db, date(2026, 6, 1))["issued"] == "done_late"
    assert states(demo_db, OCT)["closed"] == "done"  # closed on November's meeting day


def test_the_documents_issued_step_needs_both_documents_uploaded_and_sent(demo_db):
    from chibo import docs
    held = date(2026, 11, 3)
    resolution, report = documents.monthly_resolution(demo_db, NOV), documents.report_of(demo_db, OCT)
    for channel in ("so_tay", "dang_uy"):
        docs.mark_delivered(demo_db, A, resolution.id, channel, held + timedelta(days=1), TODAY)
    assert states(demo_db, NOV)["issued"] == "late"  # the report on October is not sent yet
    docs.mark_delivered(demo_db, A, report.id, "so_tay", held + timedelta(days=1), TODAY)
    docs.mark_delivered(demo_db, A, report.id, "dang_uy", held + timedelta(days=4), TODAY)
    step = next(s for s in checklist.month_checklist(demo_db, NOV, TODAY) if s.key == "issued")
    assert (step.state, step.done_on) == ("done_late", date(2026, 11, 7))


def test_a_meeting_shorter_than_the_minimum_is_short_and_a_thematic_session_raises_the_minimum(demo_db):
    meeting_id = meetings.meeting_for_month(demo_db, NOV)
    meetings.record_times(demo_db, A, meeting_id, "14:00", "15:00")
    assert states(demo_db, NOV)["meeting"] == "short"
    meetings.record_times(demo_db, A, meeting_id, "14:00", "15:45")  # 105 minutes: enough for 90
    assert states(demo_db, NOV)["meeting"] == "done"
    meetings.create_meeting(demo_db, A, "2026-11-03", kind="chuyen_de")  # the thematic meeting, same session
    step = next(s for s in checklist.month_checklist(demo_db, NOV, TODAY) if s.key == "meeting")
    assert step.state == "short" and step.note == "sinh hoạt 105 phút (tối thiểu 120 phút)"


def test_a_step_switched_off_is_off_and_never_reminded(demo_db):
    assert [s.key for s in checklist.reminders(demo_db, A, TODAY)] == ["issued"]
    meetings.save_meeting_rules(demo_db, A, {"off_steps": ["issued"]})
    assert states(demo_db, NOV)["issued"] == "off"
    assert checklist.reminders(demo_db, A, TODAY) == []


@pytest.mark.parametrize("role,reminded", [("quan_tri", True), ("chi_uy", True), ("dang_vien", False),
                                           ("trinh_chieu", False)])
def test_reminders_go_to_the_secretary_and_the_committee_only(demo_db, role, reminded):
    found = checklist.reminders(demo_db, actor_of(role, member_id=1), TODAY)
    assert [(s.key, s.month, s.state) for s in found] == ([("issued", NOV, "late")] if reminded else [])


def test_a_step_is_reminded_from_two_days_before_its_day(demo_db):
    def reminded(day):
        return [(s.key, s.month) for s in checklist.reminders(demo_db, A, day) if s.state == "due"]
    assert reminded(date(2026, 11, 23)) == []  # December's draft is due on the 26th: three days ahead
    assert reminded(date(2026, 11, 24)) == [("draft", DEC)]
    line = checklist.reminder_text(checklist.reminders(demo_db, A, date(2026, 11, 24))[-1], date(2026, 11, 24))
    assert line == ("Chuẩn bị dự thảo nghị quyết (Phó Bí thư hoặc chi ủy viên được phân công) — tháng 12/2026: "
                    "còn 2 ngày (hạn 26/11/2026)")


def test_a_cell_new_to_chibo_is_not_told_it_missed_what_it_did_on_paper(fresh_db):
    from chibo import cell
    cell.create(fresh_db, A, "Chi bộ Mới", "Đảng bộ Mới", "Đảng ủy Mới", "Mới", 3, "", "2026-01-01", "2028-12-31")
    assert checklist.followed_months(fresh_db, TODAY) == [DEC]  # November's meeting (the 3rd) is past
    assert checklist.reminders(fresh_db, A, TODAY) == []
    assert [s.key for s in checklist.reminders(fresh_db, A, date(2026, 11, 25))] == ["draft"]


def test_marking_a_step_records_the_day_and_who_and_is_audited(demo_db, committee):
    checklist.mark_done(demo_db, committee, DEC, "notice", "2026-11-20", TODAY)
    step = next(s for s in checklist.month_checklist(demo_db, DEC, TODAY) if s.key == "notice")
    assert (step.state, step.done_on, step.done_by) == ("done", date(2026, 11, 20), "test_chi_uy")
    checklist.mark_done(demo_db, committee, DEC, "notice", "2026-11-21", TODAY)  # marked again: the new day
    assert demo_db.scalar("SELECT done_on FROM month_steps WHERE month = ? AND step = 'notice'", [DEC]) == TODAY
    assert demo_db.scalar("SELECT count(*) FROM audit_log WHERE entity = 'month_steps' AND username = 'test_chi_uy'") == 2


def test_a_future_day_or_a_lifecycle_step_not_taken_is_refused_and_nothing_changes(demo_db, committee):
    before = demo_db.scalar("SELECT count(*) FROM month_steps")
    with pytest.raises(InputError, match="không thể ở tương lai"):
        checklist.mark_done(demo_db, committee, DEC, "notice", TODAY + timedelta(days=1), TODAY)
    with pytest.raises(InputError, match="chưa có dự thảo nghị quyết"):
        checklist.mark_done(demo_db, committee, DEC, "draft", TODAY, TODAY)
    plans.new_monthly_draft(demo_db, committee, DEC)
    with pytest.raises(InputError, match="chưa được ghi nhận chi ủy thống nhất"):
        checklist.mark_done(demo_db, committee, DEC, "agree", TODAY, TODAY)
    with pytest.raises(InputError, match="Bước không hợp lệ"):
        checklist.mark_done(demo_db, committee, DEC, "meeting", TODAY, TODAY)
    with pytest.raises(PermissionDenied):
        checklist.mark_done(demo_db, actor_of("dang_vien", member_id=1), DEC, "notice", TODAY, TODAY)
    assert demo_db.scalar("SELECT count(*) FROM month_steps") == before


def test_the_draft_and_the_agreement_are_read_from_the_lifecycle_and_a_mark_gives_their_real_day(demo_db, committee):
    doc_id = plans.new_monthly_draft(demo_db, committee, DEC)
    draft = next(s for s in checklist.month_checklist(demo_db, DEC, TODAY) if s.key == "draft")
    assert draft.state == "done" and draft.done_by == "test_chi_uy"  # on the day the draft was made (or today)
    assert states(demo_db, DEC)["agree"] == "due"
    documents.agree(demo_db, committee, doc_id)
    assert states(demo_db, DEC)["agree"] == "done"
    checklist.mark_done(demo_db, committee, DEC, "agree", "2026-11-19", TODAY)
    agreed = next(s for s in checklist.month_checklist(demo_db, DEC, TODAY) if s.key == "agree")
    assert agreed.done_on == date(2026, 11, 19)


def test_the_rules_are_checked_together_and_nothing_is_saved_if_one_is_wrong(demo_db):
    wrong = [({"draft_days_before": 3}, "Dự thảo phải xong trước khi chi ủy họp"),
             ({"notice_days_before": 6}, "không thể sớm hơn ngày chi ủy thống nhất"),
             ({"min_minutes_thematic": 60}, "không thể ngắn hơn"),
             ({"min_minutes": "chín mươi"}, "phải là số nguyên"),
             ({"send_within_days": 40}, "từ 0 đến 28"),
             ({"weekend": "sunday"}, "Ngày họp rơi vào cuối tuần không hợp lệ"),
             ({"off_steps": ["vote"]}, "Không có bước «vote»"),
             ({"max_minutes": 10}, "Không có quy định")]
    for values, message in wrong:
        with pytest.raises(InputError, match=message):
            meetings.save_meeting_rules(demo_db, A, values)
    assert meetings.meeting_rules(demo_db) == meetings.DEFAULT_MEETING_RULES
    with pytest.raises(PermissionDenied):
        meetings.save_meeting_rules(demo_db, actor_of("chi_uy"), {"min_minutes": 100})


def test_the_rubric_measures_the_preparation_members_see(demo_db):
    november = meetings.measured_quality(demo_db, meetings.meeting_for_month(demo_db, NOV))
    assert november["Công tác chuẩn bị"] == (10.0, "Thông báo cho đảng viên: đúng hạn (31/10/2026); Tài liệu đăng Sổ "
                                                  "tay trước buổi sinh hoạt: đúng hạn (02/11/2026).")
    october = meetings.measured_quality(demo_db, meetings.meeting_for_month(demo_db, OCT))
    assert october["Công tác chuẩn bị"][0] == 5.0  # the documents went up on the meeting day
    august = meetings.measured_quality(demo_db, meetings.meeting_for_month(demo_db, date(2026, 8, 1)))
    assert "Thông báo cho đảng viên: chưa ghi nhận" in august["Công tác chuẩn bị"][1]


def test_the_terms_history_counts_each_months_steps(demo_db):
    history = checklist.history(demo_db, TODAY)
    assert [m for m in history["month"]] == [date(2026, month, 1) for month in range(6, 12)]
    assert history[["on_time", "late", "missed", "pending", "off"]].values.tolist() == [
        [6, 1, 0, 0, 0], [6, 1, 0, 0, 0], [6, 0, 1, 0, 0], [6, 1, 0, 0, 0], [6, 1, 0, 0, 0], [5, 0, 1, 1, 0]]


def test_the_checklist_is_the_committees_tool(committee):
    assert checklist.sees_checklist(committee) and checklist.sees_checklist(auth.SYSTEM)
    assert not checklist.sees_checklist(actor_of("dang_vien")) and not checklist.sees_checklist(actor_of("trinh_chieu"))


# -- on the screens (AppTest, as tests/test_app.py runs the pages) ---------------------------------------------------
# The pages run as tests/test_app.py runs them: its fixtures (each test its own app database, on the demo's day).
demo_app, isolated_app, signed_in = test_app.demo_app, test_app.isolated_app, test_app.signed_in

LATE_NOVEMBER = ("Ban hành nghị quyết, báo cáo; gửi Đảng ủy và đăng Sổ tay đảng viên — tháng 11/2026: quá hạn 16 "
                 "ngày (hạn 05/11/2026)")


def test_the_first_screen_reminds_the_committee_and_not_a_member_or_the_projector(demo_app):
    at = signed_in(demo_app["quan_tri"]).run()
    assert not at.exception
    assert [w.value for w in at.warning] == [f"**Việc chi ủy cần làm trong tháng**\n\n- {LATE_NOVEMBER}"]
    assert any(e.label == "Các bước công việc tháng 11/2026" for e in at.expander)
    member = signed_in(demo_app["dang_vien"]).run()
    member.switch_page("screens/overview.py").run()  # a member lands on their own tasks (issue 19)
    assert member.title[0].value == "Tổng quan" and not member.warning
    assert not any(e.label.startswith("Các bước công việc") for e in member.expander)
    projector = signed_in(demo_app["trinh_chieu"]).run()
    projector.switch_page("screens/overview.py").run()
    assert projector.title[0].value == "Tổng quan" and not projector.warning


def test_the_months_steps_tab_lists_the_steps_and_marks_one_done(demo_app, tmp_path, today):
    from chibo import ui
    at = signed_in(demo_app["quan_tri"]).run()
    at.switch_page("screens/plan_month.py").run()
    at.session_state["plan_month_tab"] = "Các bước trong tháng"
    at.run()
    assert not at.exception, at.exception
    shown = at.dataframe[0].value
    assert list(shown["Bước"])[:2] == [checklist.MONTH_STEPS["draft"], checklist.MONTH_STEPS["agree"]]
    assert list(shown["Tình trạng"])[-2:] == ["🔴 Quá hạn, chưa làm", "⏳ Chưa đến hạn"]
    next(s for s in at.selectbox if s.label == "Bước").set_value("notice")
    next(b for b in at.button if b.label == "Ghi nhận").click().run()
    assert not at.exception and not at.error
    db = ui._database(str(tmp_path / "app.duckdb"))
    assert db.scalar("SELECT done_on FROM month_steps WHERE month = ? AND step = 'notice'", [NOV]) == today
    assert db.scalar("SELECT username FROM month_steps WHERE month = ? AND step = 'notice'", [NOV]) == "quantri"


def _rule_box(at, rule: str):
    return next(box for box in at.number_input if box.label == meetings.RULE_LABELS[rule])


def test_the_settings_form_saves_the_rules_or_says_what_is_wrong(demo_app, tmp_path):
    from chibo import ui
    at = signed_in(demo_app["quan_tri"]).run()
    at.switch_page("screens/settings.py").run()
    at.session_state["settings_tab"] = "Ngưỡng và thang điểm"
    at.run()
    _rule_box(at, "draft_days_before").set_value(3)
    next(b for b in at.button if b.label == "Lưu quy định").click().run()
    assert [e.value for e in at.error] == ["Dự thảo phải xong trước khi chi ủy họp thống nhất: số ngày chuẩn bị dự thảo "
                                           "phải từ 5 ngày trở lên."]
    _rule_box(at, "draft_days_before").set_value(10)
    next(b for b in at.button if b.label == "Lưu quy định").click().run()
    assert not at.error
    assert meetings.meeting_rules(ui._database(str(tmp_path / "app.duckdb")))["draft_days_before"] == 10


def test_the_display_shows_the_meetings_clock(demo_app):
    at = signed_in(demo_app["trinh_chieu"]).run()
    shown = "".join(h.value for h in at.get("html"))
    assert ("<p class='clock'>🕑 Bắt đầu 14:00 · sinh hoạt <strong>125 phút</strong> · kết thúc 16:05 · tối thiểu 90 "
            "phút</p>") in shown


def test_the_term_review_shows_the_months_checklist_history(demo_app):
    at = signed_in(demo_app["quan_tri"]).run()
    at.switch_page("screens/evaluation.py").run()
    at.session_state["evaluation_tab"] = "Đánh giá nhiệm kỳ"
    at.run()
    assert not at.exception, at.exception
    history = next(d.value for d in at.dataframe if "Đúng hạn" in d.value.columns)
    assert list(history["Tháng"]) == [f"Tháng {m}/2026" for m in range(6, 12)]
    assert list(history["Quá hạn, chưa làm"]) == [0, 0, 1, 0, 0, 1]
    titles = [json.loads(c.proto.spec).get("title") for c in at.get("vega_lite_chart")]
    assert "Các bước công việc mỗi tháng trong nhiệm kỳ" in titles


def test_the_secretary_starts_the_meeting_on_the_display_and_moving_on_records_the_items_start(demo_app, tmp_path, today):
    from chibo import ui
    db = ui._database(str(tmp_path / "app.duckdb"))
    meeting_id = meetings.meeting_for_month(db, NOV)
    meetings.record_times(db, A, meeting_id, None, None)
    db.write(lambda cur: cur.execute("UPDATE meetings SET held_on = ? WHERE id = ?", [today, meeting_id]))  # today's
    at = signed_in(demo_app["quan_tri"]).run()
    at.switch_page("screens/display.py").run()
    assert "🕑 Chưa bắt đầu tính giờ · tối thiểu 90 phút" in "".join(h.value for h in at.get("html"))
    at.session_state["display_secretary"] = True
    at.run()
    next(b for b in at.button if b.label == "▶ Bắt đầu sinh hoạt (tính giờ)").click().run()
    assert not at.exception and not at.error
    assert meetings.get(db, meeting_id)["starts_at"] is not None
    assert "▶ Bắt đầu sinh hoạt (tính giờ)" not in [b.label for b in at.button]
    assert "■ Kết thúc sinh hoạt" in [b.label for b in at.button]
    at.button(key="display_next").click().run()
    recorded = {item for item, in db.rows("SELECT item FROM meeting_items WHERE meeting_id = ?", [meeting_id])}
    assert recorded == {"khai_mac", "ket_qua"}  # the opening when the clock started, the report when reached
