"""What a person typed, cleaned once for every module: invisible and control characters out, NFC, names that a
spreadsheet would run as formulas refused."""

from datetime import date

import pytest

from chibo import auth, documents, evaluations, meetings, members, plans, tasks, validate
from chibo.errors import InputError
from tests.conftest import TODAY

A = auth.SYSTEM


@pytest.mark.parametrize("typed,stored", [
    ("Nguyễn\x01 Văn\x00 An", "Nguyễn Văn An"),
    ("Nguyễn\u200b Văn\u200c An\u200d", "Nguyễn Văn An"),  # zero-width space, non-joiner, joiner
    ("\u202eTrần Thị Mai\u202c", "Trần Thị Mai"),  # a right-to-left override and its end
    ("\u2067Lê Văn\u2069 Bình\u200e", "Lê Văn Bình"),  # bidi isolates and a left-to-right mark
    ("\ufeffPhạm\u00ad Hùng", "Phạm Hùng"),  # a byte-order mark pasted from a file, a soft hyphen
    ("Hoàng\u00a0Văn\u3000Nam", "Hoàng Văn Nam"),  # no-break and ideographic spaces
    ("Tổ chức\x0bhội thi", "Tổ chứchội thi"),  # a vertical tab pasted from Word
])
def test_invisible_and_control_characters_are_taken_out(typed, stored):
    assert validate.text(typed, "Tên") == stored


def test_long_text_keeps_its_lines_and_tabs():
    assert validate.long_text("Dòng một\r\nDòng\thai\u2028Dòng ba", "Ghi chú") == "Dòng một\nDòng\thai\nDòng ba"


def test_text_of_nothing_but_invisible_characters_is_empty():
    with pytest.raises(InputError, match="Họ và tên không được để trống"):
        validate.text("\u200b\x01 \u200d", "Họ và tên")


@pytest.mark.parametrize("typed", ["=cmd|' /C calc'!A0", "+84 912", "-Nguyễn Văn A", "@SUM(A1)",
                                   "\u200b=HYPERLINK(\"http://x\")", "  =1+1"])
def test_a_name_a_spreadsheet_would_run_as_a_formula_is_refused(typed):
    with pytest.raises(InputError, match="không được bắt đầu bằng «[=+\\-@]» \\(bảng tính sẽ hiểu thành công thức\\)"):
        validate.name(typed, "Họ và tên")


def test_a_name_is_one_line_with_single_spaces():
    assert validate.name("  Nguyễn \n  Thị\tLan ", "Họ và tên") == "Nguyễn Thị Lan"


# -- ids that name nothing -------------------------------------------------------------------------------
def _month(db):
    return documents.monthly_resolution(db, date(2026, 11, 1))


NOBODY = 99999
# what the id should name -> the refused call, made after whatever it needs is in place
NAMING_NOTHING = {
    "an account's member": ("đảng viên", lambda db: lambda: auth.add_user(
        db, A, "dv01", "mat-khau-dai-10", "dang_vien", member_id=NOBODY)),
    "a role's member": ("đảng viên", lambda db: (auth.add_user(db, A, "dv02", "mat-khau-dai-10", "dang_vien"),
                                                 lambda: auth.set_role(db, A, "dv02", "dang_vien", NOBODY))[1]),
    "a mention's member": ("đảng viên", lambda db: lambda: evaluations.add_mention(
        db, A, date(2026, 11, 1), NOBODY, "nhac_nho", "Chậm báo cáo")),
    "a rating's member": ("đảng viên", lambda db: lambda: evaluations.save_rating(db, A, 2025, 80, NOBODY)),
    "a supervised unit": ("đơn vị", lambda db: lambda: tasks.add_supervision(
        db, A, "2026-11-10", "kiem_tra", "Nội dung", "bieu_duong", unit_id=NOBODY, today=TODAY)),
    "a supervised task": ("nhiệm vụ", lambda db: lambda: tasks.add_supervision(
        db, A, "2026-11-10", "kiem_tra", "Nội dung", "bieu_duong", member_id=db.scalar("SELECT min(id) FROM members"),
        task_ids=[NOBODY], today=TODAY)),
    "a meeting's chair": ("đảng viên", lambda db: lambda: meetings.create_meeting(
        db, A, "2026-12-03", chair_id=NOBODY)),
    "a remark's speaker": ("đảng viên", lambda db: lambda: meetings.add_remark(
        db, A, _month(db).meeting_id, "khai_mac", "Ý kiến", speaker_id=NOBODY)),
    "a roll call's member": ("đảng viên", lambda db: lambda: meetings.record_attendance(
        db, A, _month(db).meeting_id, [{"member_id": NOBODY, "status": "present"}])),
    "a member's unit": ("đơn vị", lambda db: lambda: members.add_member(
        db, A, today=TODAY, full_name="Trần Văn Mới", gender="nam", birth_year=1990, unit_id=NOBODY)),
    "a task's lead unit": ("đơn vị", lambda db: (draft := plans.new_monthly_draft(db, A, date(2026, 12, 1), []),
                                                lambda: plans.save_task_table(db, A, draft, [{
                                                    "field": "chuyen_mon", "title": "Việc mới", "lead_unit_id": NOBODY,
                                                    "deadline": "2026-12-20"}]))[1]),
}


@pytest.mark.parametrize("case", list(NAMING_NOTHING))
def test_an_id_that_names_nothing_is_refused_and_nothing_is_written(demo_db, case):
    what, prepare = NAMING_NOTHING[case]
    refused = prepare(demo_db)
    changes = demo_db.scalar("SELECT count(*) FROM audit_log")
    with pytest.raises(InputError, match=f"Không có {what} nào mang mã {NOBODY}\\.( Chưa lưu dòng nào.*)?$"):
        refused()
    assert demo_db.scalar("SELECT count(*) FROM audit_log") == changes
