from datetime import date

import pytest

from chibo import auth, cell, documents, evaluations, meetings, members, months, plans, program
from chibo.errors import InputError
from tests.conftest import TODAY, actor_of

A = auth.SYSTEM
DEC = date(2026, 12, 1)
NOV = date(2026, 11, 1)


@pytest.fixture
def small_cell(fresh_db):
    """A cell with one term, two members, a unit: the smallest world a plan needs."""
    cell.create(fresh_db, A, "Chi bộ Trường Tiểu học Thử", "Đảng bộ xã Thử", "Đảng ủy xã Thử", "Thử", 3, "",
                "2025-07-01", "2027-06-30")
    lead = members.add_member(fresh_db, A, today=TODAY, full_name="Lê Thị Hoa", gender="nu", birth_year=1980, party_role="bi_thu")
    other = members.add_member(fresh_db, A, today=TODAY, full_name="Phan Văn Nam", gender="nam", birth_year=1985)
    unit = members.add_unit(fresh_db, A, "Công đoàn", "cong_doan")
    return fresh_db, lead, other, unit


def row(lead, title="Nhiệm vụ thử", deadline="2026-12-20", **extra):
    return {"field": "chuyen_mon", "title": title, "lead_member_id": lead, "channel": "cuoc_hop",
            "deadline": deadline} | extra


def adopt_now(db, doc_id, month=DEC):
    if documents.monthly_resolution(db, months.previous_month(month)):  # the month before is evaluated first
        evaluations.save(db, A, months.previous_month(month))
    meeting = meetings.create_meeting(db, A, months.meeting_date(db, month))
    roll = [{"member_id": m, "status": "present"} for m in members.member_choices(db)]
    meetings.record_attendance(db, A, meeting, roll)
    return documents.adopt(db, A, doc_id, meeting, len(roll))


def test_a_new_month_draft_is_filled_with_standing_duties(small_cell):
    db, *_ = small_cell
    doc_id = plans.new_monthly_draft(db, A, DEC)
    bases = plans.bases(db, doc_id)
    assert list(bases["text"]) == plans.DEFAULT_STANDING_DUTIES
    doc = documents.get(db, doc_id)
    assert doc.summary == "về lãnh đạo thực hiện nhiệm vụ tháng 12 năm 2026"
    assert doc.issued_on == date(2026, 12, 3) and doc.status == "draft" and doc.number_text() == "Số    -NQ/CB"


def test_the_draft_cites_higher_documents_received_since_last_meeting(small_cell):
    db, *_ = small_cell
    program.add_higher_doc(db, A, "14-HD/BTCTU", "Ban Tổ chức Tỉnh ủy", "2026-11-10", "về sinh hoạt chi bộ",
                           "2026-11-12", today=TODAY)
    program.add_higher_doc(db, A, "9-CV/ĐU", "Đảng ủy xã Thử", "2026-10-01", "đã cũ", "2026-10-02", today=TODAY)
    texts = [b["text"] for b in plans.draft_bases(db, DEC) if b["kind"] == "higher_doc"]
    assert texts == ["Hướng dẫn số 14-HD/BTCTU ngày 10/11/2026 của Ban Tổ chức Tỉnh ủy về sinh hoạt chi bộ"]


def test_last_months_shortcomings_become_bases(demo_db):
    shortcomings = [b["text"] for b in plans.draft_bases(demo_db, date(2026, 11, 1)) if b["kind"] == "shortcoming"]
    assert shortcomings == ["Công tác kiểm tra, giám sát còn chậm so với kế hoạch."]  # the demo's October evaluation


def test_unfinished_tasks_are_offered_and_only_the_picked_ones_carried_over(demo_db):
    candidates = plans.carry_over_candidates(demo_db, DEC)
    assert not candidates.empty and "done" not in set(candidates["status"])
    picked = int(candidates.iloc[0]["id"])
    doc_id = plans.new_monthly_draft(demo_db, A, DEC, [picked])
    carried = demo_db.records("SELECT * FROM tasks WHERE document_id = ? AND carried_from_id IS NOT NULL", [doc_id])
    assert [t["carried_from_id"] for t in carried] == [picked]
    assert carried[0]["deadline"] == date(2026, 12, 31)
    assert carried[0]["progress"] == candidates.iloc[0]["progress"]


def test_recurring_tasks_come_back_every_month_fresh(demo_db):
    recurring = demo_db.scalar("SELECT count(*) FROM tasks t JOIN documents d ON d.id = t.document_id"
                               " WHERE d.month = ? AND t.recurring", [NOV])
    doc_id = plans.new_monthly_draft(demo_db, A, DEC)
    copied = demo_db.records("SELECT * FROM tasks WHERE document_id = ? AND recurring", [doc_id])
    assert len(copied) == recurring >= 1
    assert all(t["progress"] == 0 and t["status"] == "not_started" for t in copied)


@pytest.mark.parametrize("which", ["finished", "unknown"])
def test_carrying_over_a_finished_or_unknown_task_is_refused(demo_db, which):
    done = demo_db.scalar("SELECT t.id FROM tasks t JOIN documents d ON d.id = t.document_id WHERE d.month = ?"
                          " AND t.status = 'done' AND NOT t.recurring LIMIT 1", [NOV])
    with pytest.raises(InputError, match="Chỉ chuyển tiếp được nhiệm vụ chưa hoàn thành của tháng trước"):
        plans.new_monthly_draft(demo_db, A, DEC, [done if which == "finished" else 999999])
    assert documents.monthly_resolution(demo_db, DEC) is None


def test_a_month_has_one_resolution(small_cell):
    db, *_ = small_cell
    plans.new_monthly_draft(db, A, DEC)
    with pytest.raises(InputError, match="Đã có nghị quyết tháng 12/2026"):
        plans.new_monthly_draft(db, A, DEC)


def test_the_whole_task_table_saves_in_one_go(small_cell):
    db, lead, other, unit = small_cell
    doc_id = plans.new_monthly_draft(db, A, DEC)
    rows = [row(lead, f"Việc {i}", partner_ids=[other]) for i in range(20)] + [
        {"field": "doan_the", "title": "Việc của Công đoàn", "lead_unit_id": unit, "channel": "lien_tich",
         "deadline": date(2026, 12, 15)}]
    assert plans.save_task_table(db, A, doc_id, rows) == {"added": 21, "updated": 0, "deleted": 0}
    table = plans.task_table(db, doc_id)
    assert len(table) == 21 and list(table.iloc[0]["partner_ids"]) == [str(other)]  # the editor edits lists of text
    edited = table.to_dict("records")[1:]
    edited[0]["title"] = "Việc đã sửa"
    assert plans.save_task_table(db, A, doc_id, edited) == {"added": 0, "updated": 1, "deleted": 1}


@pytest.mark.parametrize("bad,message", [
    ({"deadline": "2027-01-05"}, "nằm ngoài tháng 12/2026"),
    ({"title": "  "}, "Nội dung nhiệm vụ không được để trống"),
    ({"lead_member_id": None}, "Chưa chọn người hoặc đơn vị chủ trì"),
    ({"field": "khac"}, "Lĩnh vực không hợp lệ"),
    ({"deadline": None}, "Cột «Hạn»: Chưa nhập hạn hoàn thành"),
])
def test_a_bad_row_is_named_and_nothing_is_written(small_cell, bad, message):
    db, lead, *_ = small_cell
    doc_id = plans.new_monthly_draft(db, A, DEC)
    rows = [row(lead, "Việc tốt"), row(lead, "Việc tốt 2"), row(lead) | bad]
    with pytest.raises(InputError, match=message) as error:
        plans.save_task_table(db, A, doc_id, rows)
    assert error.value.row == 3 and str(error.value).startswith("Dòng 3:")
    assert db.scalar("SELECT count(*) FROM tasks") == 0


def test_an_inactive_lead_is_refused(small_cell):
    db, lead, other, _ = small_cell
    members.set_member_status(db, A, other, "inactive")
    doc_id = plans.new_monthly_draft(db, A, DEC)
    with pytest.raises(InputError, match="không còn sinh hoạt"):
        plans.save_task_table(db, A, doc_id, [row(other)])


def test_a_deadline_outside_the_term_is_refused(fresh_db):
    cell.create(fresh_db, A, "Chi bộ X", "Đảng bộ Y", "Đảng ủy Y", "Y", 3, "", "2026-01-01", "2026-12-10")
    lead = members.add_member(fresh_db, A, today=TODAY, full_name="Lê Thị Hoa", gender="nu", birth_year=1980)
    doc_id = plans.new_monthly_draft(fresh_db, A, DEC)
    with pytest.raises(InputError, match="ngoài nhiệm kỳ"):
        plans.save_task_table(fresh_db, A, doc_id, [row(lead, deadline="2026-12-20")])


def test_lifecycle_runs_draft_agreed_adopted_in_progress(small_cell):
    db, lead, *_ = small_cell
    doc_id = plans.new_monthly_draft(db, A, DEC)
    plans.save_task_table(db, A, doc_id, [row(lead)])
    documents.agree(db, A, doc_id)
    number = adopt_now(db, doc_id)
    doc = documents.get(db, doc_id)
    assert (doc.status, doc.number, doc.number_text()) == ("adopted", number, f"Số {number:02d}-NQ/CB")
    documents.start_work(db, A, doc_id)
    assert documents.get(db, doc_id).status == "in_progress"


def test_adoption_needs_attendance_and_a_majority(small_cell):
    db, lead, *_ = small_cell
    doc_id = plans.new_monthly_draft(db, A, DEC)
    plans.save_task_table(db, A, doc_id, [row(lead)])
    meeting = meetings.create_meeting(db, A, "2026-12-03")
    with pytest.raises(InputError, match="điểm danh"):
        documents.adopt(db, A, doc_id, meeting, 1)
    meetings.record_attendance(db, A, meeting, [{"member_id": m, "status": "present"}
                                                for m in members.member_choices(db)])
    with pytest.raises(InputError, match="chưa quá một nửa"):
        documents.adopt(db, A, doc_id, meeting, 1)
    with pytest.raises(InputError, match="Số phiếu tán thành"):
        documents.adopt(db, A, doc_id, meeting, 5)
    assert documents.get(db, doc_id).status == "draft"


def test_an_adopted_resolution_is_locked_until_reopened_and_the_reopen_is_audited(small_cell):
    db, lead, *_ = small_cell
    doc_id = plans.new_monthly_draft(db, A, DEC)
    plans.save_task_table(db, A, doc_id, [row(lead)])
    adopt_now(db, doc_id)
    table = plans.task_table(db, doc_id).to_dict("records")
    table[0]["title"] = "Sửa sau khi thông qua"
    with pytest.raises(InputError, match="đang khóa"):
        plans.save_task_table(db, A, doc_id, table)
    with pytest.raises(InputError, match="đang khóa"):
        plans.save_bases(db, A, doc_id, [{"kind": "other", "text": "x"}])
    documents.reopen(db, A, doc_id, "Sửa lỗi chính tả")
    plans.save_task_table(db, A, doc_id, table)
    assert db.scalar("SELECT title FROM tasks WHERE document_id = ?", [doc_id]) == "Sửa sau khi thông qua"
    logged = db.scalar("SELECT after FROM audit_log WHERE action = 'mở lại để sửa'")
    assert "Sửa lỗi chính tả" in logged


def test_numbers_are_never_duplicated_within_a_kind_and_term(small_cell):
    db, lead, *_ = small_cell
    first = plans.new_monthly_draft(db, A, NOV)
    second = plans.new_monthly_draft(db, A, DEC)
    documents.set_number(db, A, first, 5)
    with pytest.raises(InputError, match="đã dùng"):
        documents.set_number(db, A, second, 5)
    plans.save_task_table(db, A, second, [row(lead)])
    assert adopt_now(db, second) == 6


def test_numbering_starts_again_at_01_in_a_new_term(small_cell):
    db, lead, *_ = small_cell
    cell.add_term(db, A, "", "2027-07-01", "2029-06-30")
    last_old = plans.new_monthly_draft(db, A, date(2027, 6, 1))
    first_new = plans.new_monthly_draft(db, A, date(2027, 7, 1))
    plans.save_task_table(db, A, last_old, [row(lead, deadline="2027-06-20")])
    plans.save_task_table(db, A, first_new, [row(lead, deadline="2027-07-20")])
    documents.set_number(db, A, last_old, 24)
    assert adopt_now(db, first_new, date(2027, 7, 1)) == 1
    documents.set_number(db, A, first_new, 24)  # the same number in another term is fine
    assert documents.get(db, first_new).number == 24


def test_reports_and_resolutions_are_numbered_separately(small_cell):
    db, *_ = small_cell
    doc_id = plans.new_monthly_draft(db, A, DEC)
    documents.set_number(db, A, doc_id, 1)
    program_id = program.create_program(db, A, cell.terms(db)[0].id, "2025-08-01")
    documents.set_number(db, A, program_id, 1)
    assert documents.get(db, program_id).number == 1


def test_deleting_a_draft_removes_its_children_in_one_transaction(small_cell):
    db, lead, other, _ = small_cell
    doc_id = plans.new_monthly_draft(db, A, DEC)
    plans.save_task_table(db, A, doc_id, [row(lead, partner_ids=[other])])
    documents.delete_document(db, A, doc_id)
    for table in ("documents", "tasks", "task_partners", "document_bases"):
        assert db.scalar(f"SELECT count(*) FROM {table}") == 0


def test_terms_cannot_overlap_or_end_before_they_start(small_cell):
    db, *_ = small_cell
    with pytest.raises(InputError, match="trùng thời gian"):
        cell.add_term(db, A, "", "2027-01-01", "2028-01-01")
    with pytest.raises(InputError, match="không được trước"):
        cell.add_term(db, A, "", "2030-01-01", "2029-01-01")


def test_the_program_template_holds_every_section_of_the_guide(small_cell):
    db, lead, *_ = small_cell
    program_id = program.create_program(db, A, cell.terms(db)[0].id, "2025-08-01")
    assert set(documents.sections(db, program_id)) == set(program.PROGRAM_SECTIONS)
    with pytest.raises(InputError, match="Đơn vị tính không được để trống"):
        program.add_target(db, A, program_id, field="chuyen_mon", name="Tỷ lệ", kind="snapshot", target_value=99)
    assert db.scalar("SELECT count(*) FROM targets") == 0
    program.add_measure(db, A, program_id, "chuyen_mon", "Bồi dưỡng giáo viên", lead_member_id=lead,
                        deadline="2026-05-31")
    assert len(program.measures(db, program_id)) == 1


def test_the_roll_call_can_start_with_everyone_present(small_cell):
    db, lead, other, _ = small_cell
    members.set_member_status(db, A, other, "exempt")
    meeting = meetings.create_meeting(db, A, "2026-12-03")
    assert meetings.mark_all_present(db, A, meeting) == 2
    summary = meetings.attendance_summary(db, meeting)
    assert (summary["present"], summary["exempt"]) == (1, 1)
    with pytest.raises(InputError, match="đã có điểm danh"):
        meetings.mark_all_present(db, A, meeting)


# -- what a page may offer: the lifecycle decided once (documents.STEPS_FROM) -------------------------
@pytest.mark.parametrize("status,expected", [
    ("draft", {"edit", "agree", "adopt", "delete"}),
    ("agreed", {"edit", "adopt", "delete"}),
    ("adopted", {"start_work", "reopen"}),
    ("in_progress", {"reopen"}),
    ("evaluated", set()),
])
def test_next_steps_follow_the_lifecycle(status, expected):
    doc = documents.Document(1, "nq_thang", 1, None, NOV, "", None, "", status, None, None)
    assert documents.next_steps(doc, A) == expected
    assert documents.next_steps(doc, actor_of("dang_vien")) == set()


def test_a_step_the_page_does_not_offer_is_refused_by_the_domain(small_cell):
    db, *_ = small_cell
    doc_id = plans.new_monthly_draft(db, A, DEC)
    doc = documents.get(db, doc_id)
    assert "start_work" not in documents.next_steps(doc, A)
    with pytest.raises(InputError, match="không thể chuyển sang"):
        documents.start_work(db, A, doc_id)


def test_no_page_decides_the_lifecycle_itself():
    from pathlib import Path
    pages = Path(__file__).resolve().parent.parent / "screens"
    for page in pages.glob("*.py"):
        text = page.read_text(encoding="utf-8")
        assert "status ==" not in text and "status in (" not in text and "status !=" not in text, page.name


# -- data rules the documents need -------------------------------------------------------------------
def test_a_lead_listed_among_the_partners_is_refused_with_its_row(small_cell):
    db, lead, other, _ = small_cell
    doc_id = plans.new_monthly_draft(db, A, DEC)
    refused = "Dòng 2: nhiệm vụ «Việc hai» — Cột «Phối hợp»: Đồng chí chủ trì không đồng thời là người phối hợp"
    with pytest.raises(InputError, match=refused):
        plans.save_task_table(db, A, doc_id, [row(lead), row(lead, "Việc hai", partner_ids=[other, lead])])
    assert plans.task_table(db, doc_id).empty  # nothing half-written


def test_a_carried_over_task_reports_back_at_the_meeting_after_its_new_month(demo_db):
    picked = int(plans.carry_over_candidates(demo_db, DEC).iloc[0]["id"])
    assert demo_db.scalar("SELECT report_at FROM tasks WHERE id = ?", [picked]) == "kỳ sinh hoạt tháng 12/2026"
    doc_id = plans.new_monthly_draft(demo_db, A, DEC, [picked])
    copied = demo_db.rows("SELECT DISTINCT report_at FROM tasks WHERE document_id = ?", [doc_id])
    assert copied == [("kỳ sinh hoạt tháng 1/2027",)]


def test_carrying_over_the_same_task_twice_into_a_month_is_refused(demo_db):
    candidate = plans.carry_over_candidates(demo_db, DEC).iloc[0]
    twin = demo_db.write(lambda cur: cur.execute(
        "INSERT INTO tasks (document_id, field, title, lead_member_id, lead_unit_id, channel, start_on, deadline)"
        " SELECT document_id, field, upper(title), lead_member_id, lead_unit_id, channel, start_on, deadline"
        " FROM tasks WHERE id = ? RETURNING id", [int(candidate["id"])]).fetchone()[0])
    with pytest.raises(InputError, match=r"có hai lần trong danh sách chuyển sang tháng 12/2026"):
        plans.new_monthly_draft(demo_db, A, DEC, [int(candidate["id"]), twin])
    assert documents.monthly_resolution(demo_db, DEC) is None


def test_the_demo_lists_no_lead_among_its_partners(demo_db):
    assert demo_db.scalar("SELECT count(*) FROM tasks t JOIN task_partners p ON p.task_id = t.id"
                          " AND p.member_id = t.lead_member_id") == 0


def test_a_row_without_a_deadline_is_named_with_its_column_and_nothing_is_saved(small_cell):
    db, lead, *_ = small_cell
    doc_id = plans.new_monthly_draft(db, A, DEC)
    rows = [row(lead, "Việc đủ"), row(lead, "Họp tổ khối 5", deadline=None)]
    with pytest.raises(InputError) as error:
        plans.save_task_table(db, A, doc_id, rows)
    assert str(error.value).startswith("Dòng 2: nhiệm vụ «Họp tổ khối 5» — Cột «Hạn»: Chưa nhập hạn hoàn thành")
    assert db.scalar("SELECT count(*) FROM tasks") == 0


def test_every_incomplete_row_is_named_not_only_the_first(small_cell):
    db, lead, *_ = small_cell
    doc_id = plans.new_monthly_draft(db, A, DEC)
    rows = [row(lead, "Một", field=None), row(lead, "Hai"), {"title": "Ba", "channel": "cuoc_hop", "recurring": False}]
    with pytest.raises(InputError) as error:
        plans.save_task_table(db, A, doc_id, rows)
    message = str(error.value)
    assert "Dòng 1: nhiệm vụ «Một» — Cột «Lĩnh vực»: Chưa chọn lĩnh vực." in message
    assert "Dòng 3: nhiệm vụ «Ba» — Cột «Lĩnh vực»" in message and "Cột «Hạn»" in message and "Cột «Chủ trì»" in message
    assert db.scalar("SELECT count(*) FROM tasks") == 0


def test_a_row_the_editor_added_with_only_its_defaults_is_skipped(small_cell):
    db, lead, *_ = small_cell
    doc_id = plans.new_monthly_draft(db, A, DEC)
    untouched = {"id": None, "field": None, "title": None, "lead_member_id": None, "lead_unit_id": None,
                 "partner_ids": None, "channel": "cuoc_hop", "deadline": None, "report_at": None, "recurring": False,
                 "measure_id": None}
    assert plans.save_task_table(db, A, doc_id, [row(lead), untouched])["added"] == 1


def test_the_one_task_form_says_what_is_wrong_with_each_field(small_cell):
    from chibo.errors import FieldErrors
    db, lead, *_ = small_cell
    doc_id = plans.new_monthly_draft(db, A, DEC)
    with pytest.raises(FieldErrors) as error:
        plans.add_task(db, A, doc_id, {"title": " ", "deadline": date(2027, 1, 5), "channel": "cuoc_hop"})
    assert set(error.value.fields) == {"field", "title", "deadline", "lead"}
    assert "nằm ngoài tháng 12/2026" in error.value.fields["deadline"]
    assert db.scalar("SELECT count(*) FROM tasks") == 0


def test_the_one_task_form_adds_a_task_with_its_partners(small_cell):
    db, lead, other, _ = small_cell
    doc_id = plans.new_monthly_draft(db, A, DEC)
    plans.add_task(db, A, doc_id, row(lead, "Việc từ biểu mẫu", partner_ids=[str(other)]))
    table = plans.task_table(db, doc_id)
    assert list(table["title"]) == ["Việc từ biểu mẫu"] and list(table.iloc[0]["partner_ids"]) == [str(other)]


def test_the_month_of_a_new_draft_is_offered_as_a_month_after_the_newest_resolution():
    assert plans.months_to_draft([NOV], TODAY) == [DEC, date(2027, 1, 1), date(2027, 2, 1)]
    assert plans.months_to_draft([], TODAY) == [NOV, DEC, date(2026, 10, 1)]


def test_next_months_resolution_waits_for_this_months_evaluation(small_cell):
    db, lead, *_ = small_cell
    plans.new_monthly_draft(db, A, NOV)
    december = plans.new_monthly_draft(db, A, DEC)
    plans.save_task_table(db, A, december, [row(lead)])
    meeting = meetings.create_meeting(db, A, months.meeting_date(db, DEC))
    roll = [{"member_id": m, "status": "present"} for m in members.member_choices(db)]
    meetings.record_attendance(db, A, meeting, roll)
    with pytest.raises(InputError, match="Tháng 11/2026 chưa có đánh giá"):
        documents.adopt(db, A, december, meeting, len(roll))
    assert documents.get(db, december).status == "draft"
    cell.save_setting(db, A, documents.ADOPT_NEEDS_EVALUATION, False)
    documents.adopt(db, A, december, meeting, len(roll), chair_id=lead)
    assert meetings.get(db, meeting)["chair_id"] == lead


def test_a_new_draft_is_not_offered_for_the_month_after_next():
    assert plans.month_to_draft([date(2026, 12, 1), date(2026, 11, 1)], date(2026, 11, 21)) is None
    assert plans.month_to_draft([date(2026, 11, 1)], date(2026, 11, 21)) == date(2026, 12, 1)
    assert plans.month_to_draft([], date(2026, 11, 21)) == date(2026, 11, 1)


def test_the_adoption_form_offers_the_next_number_and_last_meetings_chair_and_secretary(demo_db):
    db = demo_db
    december = plans.new_monthly_draft(db, A, DEC)
    adopted = db.scalar("SELECT max(number) FROM documents WHERE kind = 'nq_thang' AND term_id = ?",
                        [documents.get(db, december).term_id])
    assert documents.number_to_give(db, documents.get(db, december)) == adopted + 1
    november = meetings.meeting_for_month(db, NOV)
    db.write(lambda cur: cur.execute("UPDATE meetings SET chair_id = 2, secretary_id = 3 WHERE id = ?", [november]))
    meeting = meetings.create_meeting(db, A, months.meeting_date(db, DEC))
    assert meetings.usual_chair_and_secretary(db, meeting) == (2, 3)
    db.write(lambda cur: cur.execute("UPDATE meetings SET chair_id = NULL, secretary_id = NULL"))
    secretary = db.scalar("SELECT id FROM members WHERE party_role = 'bi_thu'")
    assert meetings.usual_chair_and_secretary(db, meeting) == (secretary, None)
