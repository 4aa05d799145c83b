from datetime import date

import pytest

from chibo import auth, cell, documents, evaluations, plans, program, targets, tasks
from chibo.errors import InputError, PermissionDenied
from tests.conftest import actor_of, december_draft_of_hoa_and_nam
from tests.test_plans import adopt_now

A = auth.SYSTEM
TODAY = date(2026, 12, 15)


@pytest.fixture
def month(fresh_db):
    """December 2026 with three tasks led by Hoa, one with Nam as partner."""
    db = fresh_db
    hoa, nam, doc_id = december_draft_of_hoa_and_nam(db)
    plans.save_task_table(db, A, doc_id, [
        {"field": "chuyen_mon", "title": "Việc đã qua hạn", "lead_member_id": hoa, "channel": "cuoc_hop",
         "deadline": date(2026, 12, 10), "partner_ids": [nam]},
        {"field": "tu_tuong", "title": "Việc sắp đến hạn", "lead_member_id": hoa, "channel": "hoi_dong",
         "deadline": date(2026, 12, 20)},
        {"field": "doan_the", "title": "Việc cuối tháng", "lead_member_id": hoa, "channel": "lien_tich",
         "deadline": date(2026, 12, 31)},
    ])
    ids = dict(db.rows("SELECT title, id FROM tasks"))
    return db, hoa, nam, ids, doc_id


def status_of(db, task_id, today=TODAY):
    return tasks.task(db, task_id, today)["effective_status"]


def test_overdue_follows_from_the_deadline_and_today(month):
    db, _, _, ids, _ = month
    late = ids["Việc đã qua hạn"]
    assert status_of(db, late, date(2026, 12, 10)) == "not_started"
    assert status_of(db, late, date(2026, 12, 11)) == "overdue"
    assert db.scalar("SELECT status FROM tasks WHERE id = ?", [late]) == "not_started"  # never stored stale


def test_done_after_the_deadline_reads_done_late(month):
    db, _, _, ids, _ = month
    tasks.record_progress(db, A, ids["Việc đã qua hạn"], 100, status="done", done_on="2026-12-12", today=TODAY)
    tasks.record_progress(db, A, ids["Việc sắp đến hạn"], 100, status="done", done_on="2026-12-14", today=TODAY)
    assert status_of(db, ids["Việc đã qua hạn"]) == "done_late"
    assert status_of(db, ids["Việc sắp đến hạn"]) == "done"


def test_paused_and_not_done_are_never_overdue(month):
    db, _, _, ids, _ = month
    tasks.record_progress(db, A, ids["Việc đã qua hạn"], 30, status="paused", today=TODAY)
    assert status_of(db, ids["Việc đã qua hạn"]) == "paused"


def test_every_progress_update_is_kept_with_who_and_when(month):
    db, hoa, _, ids, _ = month
    member = actor_of("dang_vien", hoa)
    tasks.record_progress(db, member, ids["Việc cuối tháng"], 20, "Bắt đầu", today=TODAY)
    tasks.record_progress(db, member, ids["Việc cuối tháng"], 60, "Đã xong phần lớn",
                          "https://example.org/minh-chung", today=TODAY)
    history = tasks.history(db, ids["Việc cuối tháng"])
    assert list(history["detail"]) == ["60%", "20%"]
    assert db.scalar("SELECT count(DISTINCT user_id) FROM progress_updates") == 1
    assert tasks.task(db, ids["Việc cuối tháng"], TODAY)["progress"] == 60


@pytest.mark.parametrize("progress,extra,message", [
    (101, {}, "từ 0 đến 100"), (-1, {}, "từ 0 đến 100"), ("nhiều", {}, "số nguyên"),
    (100, {"status": "done", "done_on": "2026-12-20"}, "tương lai"),
    (50, {"evidence_url": "file:///etc/passwd"}, "http"),
])
def test_bad_progress_is_refused_and_nothing_written(month, progress, extra, message):
    db, _, _, ids, _ = month
    with pytest.raises(InputError, match=message):
        tasks.record_progress(db, A, ids["Việc cuối tháng"], progress, today=TODAY, **extra)
    assert db.scalar("SELECT count(*) FROM progress_updates") == 0


def test_a_members_extension_is_a_request_the_task_keeps_its_deadline_until_the_committee_approves(month):
    db, hoa, _, ids, _ = month
    member = actor_of("dang_vien", hoa)
    task_id = ids["Việc sắp đến hạn"]
    with pytest.raises(InputError, match="Lý do gia hạn"):
        tasks.request_extension(db, member, task_id, "2026-12-25", "  ")
    request_id = tasks.request_extension(db, member, task_id, "2026-12-25", "Chờ số liệu của tổ")
    assert tasks.task(db, task_id, TODAY)["deadline"] == date(2026, 12, 20)
    assert list(tasks.pending_extensions(db, A)["title"]) == ["Việc sắp đến hạn"]
    with pytest.raises(InputError, match="đang có một đề nghị"):
        tasks.request_extension(db, member, task_id, "2026-12-28", "Lại chờ số liệu")
    tasks.decide_extension(db, actor_of("chi_uy"), request_id, True, "Đồng ý")
    record = tasks.task(db, task_id, TODAY)
    assert record["extensions"] == 1 and record["deadline"] == date(2026, 12, 25)
    assert tasks.pending_extensions(db, A).empty
    assert db.scalar("SELECT count(*) FROM audit_log WHERE action IN ('xin gia hạn nhiệm vụ', 'duyệt gia hạn',"
                     " 'gia hạn nhiệm vụ')") == 3


def test_a_refused_request_needs_a_note_and_leaves_the_deadline(month):
    db, hoa, _, ids, _ = month
    task_id = ids["Việc sắp đến hạn"]
    request_id = tasks.request_extension(db, actor_of("dang_vien", hoa), task_id, "2026-12-25", "Chờ số liệu")
    with pytest.raises(InputError, match="Ghi chú của chi ủy"):
        tasks.decide_extension(db, actor_of("chi_uy"), request_id, False, "")
    tasks.decide_extension(db, actor_of("chi_uy"), request_id, False, "Cần xong trước kỳ họp")
    assert tasks.task(db, task_id, TODAY)["deadline"] == date(2026, 12, 20)
    with pytest.raises(InputError, match="đã được quyết định"):
        tasks.decide_extension(db, actor_of("chi_uy"), request_id, True)
    assert "không duyệt" in tasks.history(db, task_id)["kind"].iat[0]


def test_only_the_committee_decides_an_extension(month):
    db, hoa, _, ids, _ = month
    member = actor_of("dang_vien", hoa)
    request_id = tasks.request_extension(db, member, ids["Việc sắp đến hạn"], "2026-12-25", "Chờ số liệu")
    with pytest.raises(PermissionDenied):
        tasks.decide_extension(db, member, request_id, True)
    with pytest.raises(PermissionDenied):
        tasks.extend_deadline(db, member, ids["Việc sắp đến hạn"], "2026-12-25", "Tự gia hạn")


def test_a_new_date_past_the_reporting_meeting_needs_a_reason_that_says_why(month):
    db, hoa, _, ids, _ = month
    member = actor_of("dang_vien", hoa)
    with pytest.raises(InputError, match="sau buổi sinh hoạt nghe báo cáo"):
        tasks.request_extension(db, member, ids["Việc cuối tháng"], "2027-06-30", "Bận")
    assert tasks.pending_extensions(db, A).empty
    tasks.request_extension(db, member, ids["Việc cuối tháng"], "2027-06-30",
                            "Chờ Sở công bố kết quả thi học sinh giỏi cấp tỉnh vào tháng 6")
    assert len(tasks.pending_extensions(db, A)) == 1


def test_a_member_asks_only_on_a_task_they_lead_or_take_part_in(month):
    db, _, nam, ids, _ = month
    with pytest.raises(InputError, match="chủ trì hoặc phối hợp"):
        tasks.request_extension(db, actor_of("dang_vien", nam), ids["Việc cuối tháng"], "2027-01-02", "Chờ số liệu")


def test_an_extension_must_move_the_deadline_later(month):
    db, _, _, ids, _ = month
    with pytest.raises(InputError, match="phải sau hạn hiện tại"):
        tasks.extend_deadline(db, A, ids["Việc sắp đến hạn"], "2026-12-19", "Lý do")


def test_my_tasks_show_led_and_partnered_work_with_the_next_seven_days_first(month):
    db, hoa, nam, ids, doc_id = month
    assert tasks.my_tasks(db, hoa, TODAY).empty  # a draft assigns no work until the cell adopts it
    adopt_now(db, doc_id)
    mine = tasks.my_tasks(db, hoa, TODAY)
    assert list(mine["title"])[0] == "Việc sắp đến hạn"
    assert list(mine["due_soon"]) == [True, False, False]
    partner = tasks.my_tasks(db, nam, TODAY)
    assert list(partner["title"]) == ["Việc đã qua hạn"] and list(partner["role"]) == ["Phối hợp"]


def test_the_screens_that_follow_the_work_open_on_the_running_month_not_on_next_months_draft():
    resolved = [date(2026, 12, 1), date(2026, 11, 1), date(2026, 10, 1)]
    assert documents.months_begun(resolved, date(2026, 11, 26)) == resolved[1:]
    assert documents.months_begun(resolved, date(2026, 12, 1)) == resolved
    assert documents.months_begun(resolved[:1], date(2026, 11, 26)) == resolved[:1]  # only a draft: that one


def test_the_board_filters_and_sorts_by_deadline(month):
    db, hoa, _, _, _ = month
    assert list(tasks.board(db, TODAY)["title"]) == ["Việc đã qua hạn", "Việc sắp đến hạn", "Việc cuối tháng"]
    assert list(tasks.board(db, TODAY, status="overdue")["title"]) == ["Việc đã qua hạn"]
    assert list(tasks.board(db, TODAY, channel="hoi_dong")["title"]) == ["Việc sắp đến hạn"]
    assert list(tasks.board(db, TODAY, field="doan_the")["title"]) == ["Việc cuối tháng"]


def test_no_update_lands_on_a_closed_month(month):
    db, _, _, ids, _ = month
    evaluations.close_month(db, A, date(2026, 12, 1), today=TODAY, early=True)
    with pytest.raises(InputError, match="đã chốt"):
        tasks.record_progress(db, A, ids["Việc cuối tháng"], 50, today=TODAY)


def test_supervision_links_tasks_and_refuses_a_future_date(month):
    db, hoa, _, ids, _ = month
    sup = tasks.add_supervision(db, A, "2026-12-12", "giam_sat", "Việc thực hiện nghị quyết", "nhac_nho",
                                "Chậm tiến độ", member_id=hoa, task_ids=[ids["Việc đã qua hạn"]], today=TODAY)
    assert tasks.supervisions(db, A).iloc[0]["tasks"] == 1 and sup
    with pytest.raises(InputError, match="tương lai"):
        tasks.add_supervision(db, A, "2026-12-30", "giam_sat", "X", "nhac_nho", member_id=hoa, today=TODAY)


# -- roll-up to targets ------------------------------------------------------------------------
@pytest.fixture
def program_targets(month):
    db, hoa, _, ids, _ = month
    program_id = program.create_program(db, A, cell.terms(db)[0].id, "2025-08-01")

    def add(**values):
        base = {"field": "chuyen_mon", "period_start": "2025-07-01", "period_end": "2027-06-30"}
        return program.add_target(db, A, program_id, **(base | values))
    return db, program_id, add, hoa, ids


def attainment(db, target_id, today=TODAY):
    card = targets.scorecard(db, today)
    return card.set_index("id").loc[target_id, ["actual", "attainment"]].tolist()


def test_a_higher_is_better_snapshot_counts_from_its_baseline(program_targets):
    db, _, add, *_ = program_targets
    target = add(name="Hoàn thành chương trình", unit="%", kind="snapshot", baseline=98, target_value=99)
    targets.record_value(db, A, target, "2026-06-01", 98.2, today=TODAY)
    targets.record_value(db, A, target, "2026-12-01", 98.5, today=TODAY)
    assert attainment(db, target) == pytest.approx([98.5, 50.0])


def test_a_lower_is_better_target_counts_downwards(program_targets):
    db, _, add, *_ = program_targets
    target = add(name="Học sinh bỏ học", unit="học sinh", kind="snapshot", direction="lower", baseline=4,
                 target_value=0)
    targets.record_value(db, A, target, "2026-10-01", 1, today=TODAY)
    assert attainment(db, target) == pytest.approx([1.0, 75.0])


def test_a_cumulative_target_sums_its_values_within_the_period(program_targets):
    db, _, add, *_ = program_targets
    target = add(name="Kết nạp đảng viên", unit="đảng viên", kind="cumulative", baseline=0, target_value=4)
    for day in ("2025-12-01", "2026-05-01", "2026-11-01"):
        targets.record_value(db, A, target, day, 1, today=TODAY)
    assert attainment(db, target) == pytest.approx([3.0, 75.0])
    assert attainment(db, target, date(2026, 1, 1)) == pytest.approx([1.0, 25.0])


def test_attainment_never_exceeds_100_nor_drops_below_0(program_targets):
    db, _, add, *_ = program_targets
    up = add(name="Vượt", unit="%", kind="snapshot", baseline=50, target_value=60)
    down = add(name="Lùi", unit="%", kind="snapshot", baseline=50, target_value=60)
    targets.record_value(db, A, up, "2026-01-01", 70, today=TODAY)
    targets.record_value(db, A, down, "2026-01-01", 40, today=TODAY)
    assert attainment(db, up)[1] == 100 and attainment(db, down)[1] == 0


def test_a_qualitative_target_is_met_at_or_above_its_level(program_targets):
    db, _, add, *_ = program_targets
    target = add(name="Chi bộ xếp loại", kind="qualitative", target_text="Hoàn thành tốt nhiệm vụ")
    targets.record_value(db, A, target, "2026-01-01", value_text="Hoàn thành nhiệm vụ", today=TODAY)
    assert attainment(db, target)[1] == 0
    targets.record_value(db, A, target, "2026-06-01", value_text="Hoàn thành xuất sắc nhiệm vụ", today=TODAY)
    assert attainment(db, target)[1] == 100


def test_a_target_computed_from_tasks_rolls_up_their_progress(program_targets):
    db, program_id, add, hoa, ids = program_targets
    target = add(name="Bồi dưỡng giáo viên", unit="%", kind="snapshot", baseline=80, target_value=100,
                 from_tasks=True)
    measure = program.add_measure(db, A, program_id, "chuyen_mon", "Bồi dưỡng", lead_member_id=hoa, target_id=target)
    db.write(lambda cur: cur.execute("UPDATE tasks SET measure_id = ? WHERE id IN (?, ?)",
                                     [measure, ids["Việc đã qua hạn"], ids["Việc cuối tháng"]]))
    tasks.record_progress(db, A, ids["Việc đã qua hạn"], 100, status="done", done_on="2026-12-09", today=TODAY)
    tasks.record_progress(db, A, ids["Việc cuối tháng"], 50, today=TODAY)
    assert attainment(db, target) == pytest.approx([95.0, 75.0])
    with pytest.raises(InputError, match="tính từ tiến độ nhiệm vụ"):
        targets.record_value(db, A, target, "2026-12-01", 90, today=TODAY)


@pytest.mark.parametrize("day,value,message", [
    ("2024-01-01", 5, "ngoài kỳ"), ("2026-12-16", 5, "tương lai"), ("2026-01-01", 120, "khoảng 0 đến 100"),
])
def test_bad_target_values_are_refused(program_targets, day, value, message):
    db, _, add, *_ = program_targets
    target = add(name="Tỷ lệ", unit="%", kind="snapshot", baseline=0, target_value=100)
    with pytest.raises(InputError, match=message):
        targets.record_value(db, A, target, day, value, today=TODAY)
    assert db.scalar("SELECT count(*) FROM target_values") == 0



@pytest.mark.parametrize("values,message", [
    ({"unit": "học sinh", "kind": "snapshot", "target_value": -1000},
     "Giá trị chỉ tiêu không thể là số âm \\(đang là -1.000 học sinh\\)"),
    ({"unit": "đảng viên", "kind": "cumulative", "baseline": -2, "target_value": 4},
     "Giá trị ban đầu không thể là số âm \\(đang là -2 đảng viên\\)"),
    ({"unit": "%", "kind": "snapshot", "baseline": 101, "target_value": 100},
     "Giá trị ban đầu tính theo % phải nằm trong khoảng 0 đến 100 \\(đang là 101\\)"),
])
def test_absurd_target_values_are_refused_by_the_rule_of_their_kind(program_targets, values, message):
    db, _, add, *_ = program_targets
    with pytest.raises(InputError, match=message):
        add(name="Chỉ tiêu", **values)
    assert db.scalar("SELECT count(*) FROM targets") == 0


def test_a_count_recorded_against_a_target_is_never_negative(program_targets):
    db, _, add, *_ = program_targets
    target = add(name="Học sinh bỏ học", unit="học sinh", kind="snapshot", direction="lower", baseline=4,
                 target_value=0)
    with pytest.raises(InputError, match="Giá trị thực hiện không thể là số âm"):
        targets.record_value(db, A, target, "2026-10-01", -3, today=TODAY)
    assert db.scalar("SELECT count(*) FROM target_values") == 0

def test_the_board_is_capped_but_counts_everything(month):
    db, *_ = month
    assert len(tasks.board(db, TODAY, limit=2)) == 2
    assert tasks.board_count(db, TODAY) == 3
    assert tasks.board_count(db, TODAY, status="overdue") == 1


def test_the_scorecard_reads_in_vietnamese(program_targets):
    db, _, add, *_ = program_targets
    rate = add(name="Tỷ lệ", unit="%", kind="snapshot", baseline=98, target_value=99.5)
    level = add(name="Xếp loại", kind="qualitative", target_text="Hoàn thành tốt nhiệm vụ")
    targets.record_value(db, A, rate, "2026-12-01", 98.75, today=TODAY)
    card = targets.shown(targets.scorecard(db, TODAY)).set_index("id")
    assert (card.loc[rate, "target_shown"], card.loc[rate, "actual_shown"]) == ("99,5%", "98,8%")
    assert (card.loc[level, "target_shown"], card.loc[level, "actual_shown"]) == ("Hoàn thành tốt nhiệm vụ", "")


def test_attainment_reads_with_a_decimal_comma(program_targets):
    db, _, add, *_ = program_targets
    rate = add(name="Tỷ lệ", unit="%", kind="snapshot", baseline=0, target_value=3)
    targets.record_value(db, A, rate, "2026-12-01", 1, today=TODAY)
    assert targets.shown(targets.scorecard(db, TODAY)).set_index("id").loc[rate, "attainment_shown"] == "33,3%"


def test_board_totals_count_overdue_over_every_match_not_the_shown_rows(month):
    db, hoa, _, ids, _ = month
    assert tasks.board_totals(db, TODAY, member_id=hoa) == {"total": 3, "overdue": 1}
    assert len(tasks.board(db, TODAY, member_id=hoa, limit=1)) == 1  # the page shows fewer, the count stays
    assert tasks.board_totals(db, TODAY, status="overdue") == {"total": 1, "overdue": 1}


def test_a_members_own_list_leaves_out_work_of_a_closed_month_they_can_no_longer_update(month):
    db, hoa, _, ids, doc_id = month
    adopt_now(db, doc_id)
    assert len(tasks.my_tasks(db, hoa, TODAY)) == 3
    evaluations.close_month(db, A, date(2026, 12, 1), TODAY, early=True)
    assert tasks.my_tasks(db, hoa, TODAY).empty
    with pytest.raises(InputError, match="đã chốt"):
        tasks.record_progress(db, A, ids["Việc cuối tháng"], 50, today=TODAY)


def test_the_update_forms_are_offered_to_a_member_only_on_their_own_tasks(month):
    db, hoa, nam, ids, _ = month
    assert tasks.may_update(db, actor_of("dang_vien", nam), ids["Việc đã qua hạn"])  # a partner
    assert not tasks.may_update(db, actor_of("dang_vien", nam), ids["Việc cuối tháng"])
    assert not tasks.may_update(db, actor_of("dang_vien"), ids["Việc cuối tháng"])  # an account linked to nobody
    assert tasks.may_update(db, actor_of("chi_uy"), ids["Việc cuối tháng"])
    assert not tasks.may_update(db, actor_of("trinh_chieu"), ids["Việc cuối tháng"])
