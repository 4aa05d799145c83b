from datetime import date

import pytest

from chibo import auth, cell, documents, evaluations, meetings, members, plans, tasks
from chibo.errors import InputError, PermissionDenied
from tests.conftest import actor_of

A = auth.SYSTEM
DEC = date(2026, 12, 1)
TODAY = date(2027, 1, 2)


@pytest.fixture
def december(fresh_db):
    """Hand-counted: 5 tasks — 2 done on time, 1 done late, 1 not done, 1 still open past its deadline."""
    db = fresh_db
    cell.create(db, A, "Chi bộ Thử", "Đảng bộ Thử", "Đảng ủy Thử", "Thử", 3, "", "2025-07-01", "2027-06-30")
    people = [members.add_member(db, A, today=TODAY, full_name=f"Đảng Viên {n}", gender="nu", birth_year=1980 + n)
              for n in range(4)]
    doc_id = plans.new_monthly_draft(db, A, DEC)
    rows = [{"field": "chuyen_mon", "title": f"Việc {n}", "lead_member_id": people[n % 4], "channel": "cuoc_hop",
             "deadline": date(2026, 12, 20)} for n in range(5)]
    plans.save_task_table(db, A, doc_id, rows)
    ids = [r[0] for r in db.rows("SELECT id FROM tasks ORDER BY title")]
    tasks.record_progress(db, A, ids[0], 100, status="done", done_on="2026-12-18", today=TODAY)
    tasks.record_progress(db, A, ids[1], 100, status="done", done_on="2026-12-20", today=TODAY)
    tasks.record_progress(db, A, ids[2], 100, status="done", done_on="2026-12-23", today=TODAY)
    tasks.record_progress(db, A, ids[3], 40, status="not_done", today=TODAY)
    tasks.record_progress(db, A, ids[4], 70, today=TODAY)
    meeting = meetings.create_meeting(db, A, "2026-12-03")  # December's own meeting: its attendance is the month's
    meetings.record_attendance(db, A, meeting, [
        {"member_id": people[0], "status": "present"}, {"member_id": people[1], "status": "present"},
        {"member_id": people[2], "status": "absent_excused", "reason": "Ốm"},
        {"member_id": people[3], "status": "absent_unexcused"}])
    return db, people, ids


def test_the_evaluation_figures_match_a_hand_count(december):
    db, _, _ = december
    figures = evaluations.figures(db, DEC, TODAY)
    assert (figures["tasks"], figures["done_on_time"], figures["done_late"], figures["not_done"],
            figures["overdue"]) == (5, 2, 1, 1, 1)
    attendance = figures["attendance"]
    assert (attendance["total"], attendance["present"], attendance["absent_excused"],
            attendance["absent_unexcused"], attendance["rate"]) == (4, 2, 1, 1, 50.0)
    assert [n for n, _ in attendance["absent_names"]] == ["Đảng Viên 2", "Đảng Viên 3"]


def test_a_closed_month_keeps_its_figures_when_tasks_change_later(december):
    db, _, ids = december
    evaluations.close_month(db, A, DEC, TODAY)
    frozen = evaluations.task_results(db, DEC, TODAY)
    db.write(lambda cur: cur.execute("UPDATE tasks SET status = 'done', done_on = DATE '2026-12-19', progress = 100"
                                     " WHERE id = ?", [ids[4]]))
    assert evaluations.task_results(db, DEC, TODAY).equals(frozen)
    assert evaluations.figures(db, DEC, TODAY)["overdue"] == 1
    assert documents.monthly_resolution(db, DEC).status == "evaluated"


def test_a_closed_month_keeps_its_target_figures_when_values_come_later(december):
    from chibo import program, targets
    db, _, _ = december
    program_id = program.create_program(db, A, cell.terms(db)[0].id, "2025-08-01")
    target = program.add_target(db, A, program_id, field="chuyen_mon", name="Tỷ lệ", unit="%", kind="snapshot",
                                baseline=0, target_value=100)
    targets.record_value(db, A, target, "2026-12-10", 50, today=TODAY)
    evaluations.close_month(db, A, DEC, TODAY)
    targets.record_value(db, A, target, "2026-12-20", 90, today=TODAY)  # a late entry for December
    assert evaluations.figures(db, DEC, TODAY)["avg_attainment"] == 50.0


def test_closing_a_month_twice_is_refused(december):
    db, _, _ = december
    evaluations.close_month(db, A, DEC, TODAY)
    with pytest.raises(InputError, match="đã chốt"):
        evaluations.close_month(db, A, DEC, TODAY)
    assert db.scalar("SELECT count(*) FROM month_task_snapshots") == 5


def test_only_the_administrator_reopens_a_month_and_it_is_audited(december):
    db, _, _ = december
    evaluations.close_month(db, A, DEC, TODAY)
    with pytest.raises(PermissionDenied, match="«Chi ủy» không được phép"):
        evaluations.reopen_month(db, auth.Actor(9, "cu", "chi_uy"), DEC, "Sửa")
    evaluations.reopen_month(db, A, DEC, "Nhập thiếu kết quả")
    assert db.scalar("SELECT count(*) FROM month_task_snapshots") == 0
    assert "Nhập thiếu kết quả" in db.scalar("SELECT after FROM audit_log WHERE action = 'mở lại tháng'")


def test_a_closed_evaluation_cannot_be_edited(december):
    db, _, _ = december
    evaluations.save(db, A, DEC, strengths="Đoàn kết")
    evaluations.close_month(db, A, DEC, TODAY)
    with pytest.raises(InputError, match="đã chốt"):
        evaluations.save(db, A, DEC, strengths="Sửa lại")
    assert evaluations.get(db, DEC)["strengths"] == "Đoàn kết"


def test_evaluating_a_month_without_a_resolution_is_refused(december):
    db, _, _ = december
    with pytest.raises(InputError, match="chưa có nghị quyết"):
        evaluations.save(db, A, date(2026, 10, 1), strengths="x")
    with pytest.raises(InputError, match="chưa có nghị quyết"):
        evaluations.figures(db, date(2026, 10, 1), TODAY)


def test_the_evaluation_shortcomings_open_the_next_plan(december):
    db, _, _ = december
    evaluations.save(db, A, DEC, weaknesses="- Báo cáo chậm\n- Dự giờ chưa đủ")
    bases = [b["text"] for b in plans.draft_bases(db, date(2027, 1, 1)) if b["kind"] == "shortcoming"]
    assert bases == ["Báo cáo chậm", "Dự giờ chưa đủ"]


def test_mentions_are_kept_with_their_reason(december):
    db, people, _ = december
    evaluations.add_mention(db, A, DEC, people[0], "bieu_duong", "Hoàn thành sớm")
    evaluations.add_mention(db, A, DEC, people[3], "nhac_nho", "Vắng không lý do")
    assert list(evaluations.mentions(db, A, DEC)["kind"]) == ["bieu_duong", "nhac_nho"]
    with pytest.raises(InputError, match="Lý do"):
        evaluations.add_mention(db, A, DEC, people[1], "nhac_nho", "")


@pytest.mark.parametrize("score,band", [(49.9, "Không hoàn thành nhiệm vụ"), (50, "Hoàn thành nhiệm vụ"),
                                        (69.9, "Hoàn thành nhiệm vụ"), (70, "Hoàn thành tốt nhiệm vụ"),
                                        (89.9, "Hoàn thành tốt nhiệm vụ"), (90, "Hoàn thành xuất sắc nhiệm vụ"),
                                        (100, "Hoàn thành xuất sắc nhiệm vụ"), (0, "Không hoàn thành nhiệm vụ")])
def test_rating_bands_have_exact_edges(score, band):
    assert evaluations.rating_band(score) == band


@pytest.mark.parametrize("score,band", [(49.9, "Kém"), (50, "Trung bình"), (69.9, "Trung bình"), (70, "Khá"),
                                        (89.9, "Khá"), (90, "Tốt")])
def test_meeting_quality_bands_have_exact_edges(score, band):
    assert meetings.quality_band(score) == band


def test_meeting_scores_outside_the_rubric_are_refused(december):
    db, _, _ = december
    meeting = meetings.meeting_for_month(db, DEC)
    with pytest.raises(InputError, match="tối đa|khoảng"):
        meetings.save_scores(db, A, meeting, {"Thời gian": 6})
    with pytest.raises(InputError, match="không có trong thang điểm"):
        meetings.save_scores(db, A, meeting, {"Ăn mặc": 1})
    assert meetings.save_scores(db, A, meeting, {name: maximum for name, maximum in meetings.DEFAULT_RUBRIC.items()}) == 100
    assert meetings.score(db, meeting) == (100, "Tốt")


def test_a_rubric_must_total_100(december):
    db, _, _ = december
    with pytest.raises(InputError, match="bằng 100"):
        meetings.save_rubric(db, A, {"Thời gian": 50})


def test_ratings_sit_beside_their_evidence(december):
    db, people, _ = december
    evaluations.save_rating(db, A, 2026, 91, people[0])
    rated = evaluations.ratings_with_evidence(db, A, 2026, TODAY).set_index("member_id")
    assert rated.loc[people[0], "band"] == "Hoàn thành xuất sắc nhiệm vụ"
    assert rated.loc[people[0], "tasks"] == 2 and rated.loc[people[0], "on_time"] == 1
    with pytest.raises(InputError, match="Điểm xếp loại phải nằm trong khoảng 0 đến 100"):
        evaluations.save_rating(db, A, 2026, 101, people[1])


def test_month_over_month_compares_closed_and_open_months(december):
    db, _, _ = december
    evaluations.close_month(db, A, DEC, TODAY)
    row = evaluations.month_over_month(db, TODAY).iloc[0]
    assert (row["tasks"], row["done_on_time"], row["done_late"], row["done_rate"]) == (5, 2, 1, 60.0)


@pytest.mark.parametrize("resolved,today,expected", [
    ([date(2026, 12, 1), date(2026, 11, 1)], date(2026, 12, 15), date(2026, 11, 1)),  # December still runs
    ([date(2026, 12, 1), date(2026, 11, 1)], date(2027, 1, 5), date(2026, 12, 1)),   # no January plan yet
    ([date(2026, 12, 1)], date(2026, 12, 15), date(2026, 12, 1)),                    # the only month there is
    ([], date(2026, 12, 15), None),
    # a draft for next month already made: the evaluation still opens on the month that ended (issue 19)
    ([date(2026, 12, 1), date(2026, 11, 1), date(2026, 10, 1)], date(2026, 11, 21), date(2026, 10, 1)),
])
def test_the_evaluation_opens_on_the_month_just_ended(resolved, today, expected):
    assert evaluations.month_to_evaluate(resolved, today) == expected


def test_a_month_cannot_be_closed_before_it_has_ended(december):
    db, _, _ = december
    with pytest.raises(InputError, match="chưa kết thúc"):
        evaluations.close_month(db, actor_of("chi_uy"), DEC, date(2026, 12, 31))
    assert not db.scalar("SELECT count(*) FROM evaluations WHERE closed_at IS NOT NULL")
    evaluations.close_month(db, actor_of("chi_uy"), DEC, date(2027, 1, 1))
    assert evaluations.get(db, DEC)["closed_at"] is not None


def test_only_an_administrator_closes_a_month_early_and_the_log_says_so(december):
    db, _, _ = december
    mid_december = date(2026, 12, 20)
    with pytest.raises(PermissionDenied):
        evaluations.close_month(db, actor_of("chi_uy"), DEC, mid_december, early=True)
    evaluations.close_month(db, A, DEC, mid_december, early=True)
    assert db.scalar("SELECT count(*) FROM audit_log WHERE action = 'chốt tháng sớm'") == 1


def test_the_close_confirmation_names_what_follows():
    assert evaluations.close_consequence(date(2026, 11, 1)).startswith(
        "Chốt tháng 11/2026: các nhiệm vụ và số liệu chỉ tiêu của tháng sẽ bị khóa")


def test_a_year_without_recorded_work_is_said_so_beside_its_ratings(demo_db):
    before_chibo = evaluations.ratings_with_evidence(demo_db, A, 2000, TODAY)
    assert evaluations.no_evidence_recorded(before_chibo)
    assert not evaluations.no_evidence_recorded(evaluations.ratings_with_evidence(demo_db, A, 2026, TODAY))
