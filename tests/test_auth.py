import inspect
import os
import threading
from datetime import date, datetime, timedelta

import pytest

from chibo import (
    auth,
    backup,
    calendar_ics,
    cell,
    checklist,
    dashboard,
    demo,
    docs,
    documents,
    evaluations,
    evidence,
    meetings,
    members,
    plans,
    program,
    queries,
    targets,
    tasks,
)
from chibo.errors import InputError, PermissionDenied
from tests.conftest import TODAY, actor_of

ROLES = list(auth.PERMISSIONS)


def test_passwords_are_stored_as_salted_argon2_hashes(fresh_db):
    auth.add_user(fresh_db, auth.SYSTEM, "bithu", "mat-khau-dai-10", "quan_tri")
    auth.add_user(fresh_db, auth.SYSTEM, "phobithu", "mat-khau-dai-10", "chi_uy")
    hashes = [r[0] for r in fresh_db.rows("SELECT password_hash FROM users")]
    assert all(h.startswith("$argon2id$") for h in hashes)
    assert hashes[0] != hashes[1]


def test_it_logs_in_with_the_right_password(fresh_db):
    auth.add_user(fresh_db, auth.SYSTEM, "bithu", "mat-khau-dai-10", "quan_tri")
    actor = auth.authenticate(fresh_db, "BiThu ", "mat-khau-dai-10")
    assert (actor.username, actor.role) == ("bithu", "quan_tri")


@pytest.mark.parametrize("username,password", [("bithu", "sai-mat-khau"), ("khong-co", "mat-khau-dai-10"), ("", "")])
def test_it_refuses_wrong_passwords_and_unknown_users_with_the_same_sentence(fresh_db, username, password):
    auth.add_user(fresh_db, auth.SYSTEM, "bithu", "mat-khau-dai-10", "quan_tri")
    with pytest.raises(InputError, match="Tên đăng nhập hoặc mật khẩu không đúng"):
        auth.authenticate(fresh_db, username, password, sleep=lambda s: None)


def test_repeated_failures_are_slowed_then_locked(fresh_db):
    auth.add_user(fresh_db, auth.SYSTEM, "bithu", "mat-khau-dai-10", "quan_tri")
    now = datetime(2026, 11, 21, 9, 0)
    waits = []
    for _ in range(5):
        with pytest.raises(InputError, match="Tên đăng nhập hoặc mật khẩu không đúng"):
            auth.authenticate(fresh_db, "bithu", "sai", max_failures=5, sleep=waits.append, now=now)
    assert waits == sorted(waits) and waits[-1] > waits[0]
    with pytest.raises(InputError, match="tạm khóa do đăng nhập sai nhiều lần; thử lại sau 09:15"):
        auth.authenticate(fresh_db, "bithu", "mat-khau-dai-10", max_failures=5, now=now)
    later = now + timedelta(minutes=16)
    assert auth.authenticate(fresh_db, "bithu", "mat-khau-dai-10", now=later).username == "bithu"


def _guess_at_once(db, passwords: list[str], **rules) -> list[str]:
    """Every password tried at the same moment from its own thread; the answers, in order."""
    answers = [""] * len(passwords)
    start = threading.Barrier(len(passwords))

    def guess(i: int) -> None:
        start.wait()
        try:
            answers[i] = auth.authenticate(db, "bithu", passwords[i], sleep=lambda s: None, **rules).username
        except InputError as refused:
            answers[i] = str(refused)
    threads = [threading.Thread(target=guess, args=(i,)) for i in range(len(passwords))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_parallel_guesses_are_each_counted_and_no_more_than_the_limit_is_checked(fresh_db):
    auth.add_user(fresh_db, auth.SYSTEM, "bithu", "mat-khau-dai-10", "quan_tri")
    answers = _guess_at_once(fresh_db, [f"doan-{i}" for i in range(32)], max_failures=5, max_address_failures=100)
    assert sum("không đúng" in a for a in answers) == 5
    assert sum("tạm khóa" in a for a in answers) == 27
    assert fresh_db.one("SELECT failed_logins, locked_until IS NOT NULL FROM users") == (5, True)
    with pytest.raises(InputError, match="tạm khóa"):
        auth.authenticate(fresh_db, "bithu", "mat-khau-dai-10")


def test_the_right_password_among_parallel_guesses_gets_in_only_if_checked_before_the_limit(fresh_db):
    auth.add_user(fresh_db, auth.SYSTEM, "bithu", "mat-khau-dai-10", "quan_tri")
    answers = _guess_at_once(fresh_db, [f"doan-{i}" for i in range(15)] + ["mat-khau-dai-10"], max_failures=5,
                             max_address_failures=100)
    checked = [a for a in answers if "tạm khóa" not in a]
    assert len(checked) <= 5 and ("bithu" in answers) == ("bithu" in checked)


def test_a_name_nobody_has_answers_and_locks_exactly_like_a_real_one(fresh_db):
    auth.add_user(fresh_db, auth.SYSTEM, "bithu", "mat-khau-dai-10", "quan_tri")
    now = datetime(2026, 11, 21, 9, 0)
    seen = {}
    for name in ("bithu", "khong-co"):
        waits, answers = [], []
        for _ in range(6):
            try:
                auth.authenticate(fresh_db, name, "sai-mat-khau", sleep=waits.append, now=now, address="10.0.0.7")
            except InputError as refused:
                answers.append(str(refused))
        seen[name] = (answers, waits)
    assert seen["bithu"] == seen["khong-co"]
    assert seen["bithu"][0][-1] == "Tài khoản tạm khóa do đăng nhập sai nhiều lần; thử lại sau 09:15."


def test_too_many_failures_from_one_address_block_it_whatever_the_names(fresh_db):
    auth.add_user(fresh_db, auth.SYSTEM, "bithu", "mat-khau-dai-10", "quan_tri")
    now = datetime(2026, 11, 21, 9, 0)
    rules = {"sleep": lambda s: None, "now": now, "max_address_failures": 3}
    for name in ("an", "binh", "chi"):
        with pytest.raises(InputError, match="không đúng"):
            auth.authenticate(fresh_db, name, "sai-mat-khau", address="10.0.0.9", **rules)
    with pytest.raises(InputError, match="Máy này đã đăng nhập sai quá nhiều lần nên tạm bị chặn; thử lại sau 09:15"):
        auth.authenticate(fresh_db, "bithu", "mat-khau-dai-10", address="10.0.0.9", **rules)
    assert auth.authenticate(fresh_db, "bithu", "mat-khau-dai-10", address="10.0.0.10", **rules).username == "bithu"
    later = {**rules, "now": now + timedelta(minutes=16)}
    assert auth.authenticate(fresh_db, "bithu", "mat-khau-dai-10", address="10.0.0.9", **later).username == "bithu"


def test_failed_sign_ins_and_the_locks_they_set_are_in_the_audit_log(fresh_db):
    user_id = auth.add_user(fresh_db, auth.SYSTEM, "bithu", "mat-khau-dai-10", "quan_tri")
    for name in ["bithu"] * 5 + ["ai-do"]:
        with pytest.raises(InputError):
            auth.authenticate(fresh_db, name, "sai-mat-khau", sleep=lambda s: None, address="10.0.0.5",
                              max_address_failures=6)
    rows = fresh_db.rows("SELECT action, username, entity_id, after FROM audit_log WHERE action <> 'thêm tài khoản'"
                         " ORDER BY id")
    assert [r[:3] for r in rows] == [("đăng nhập sai", "bithu", user_id)] * 5 + [
        ("tạm khóa đăng nhập", "bithu", user_id), ("đăng nhập sai", "ai-do", None), ("chặn máy đăng nhập sai", "ai-do", None)]
    assert '"address": "10.0.0.5"' in rows[0][3] and '"failures": 5' in rows[4][3]


def test_a_disabled_account_says_so_only_to_whoever_knows_its_password(fresh_db):
    auth.add_user(fresh_db, auth.SYSTEM, "dv01", "mat-khau-8", "dang_vien")
    auth.set_active(fresh_db, auth.SYSTEM, "dv01", False)
    with pytest.raises(InputError, match="không đúng"):
        auth.authenticate(fresh_db, "dv01", "sai-mat-khau", sleep=lambda s: None)


def test_the_last_active_administrator_can_be_neither_demoted_nor_disabled(fresh_db):
    auth.add_user(fresh_db, auth.SYSTEM, "bithu", "mat-khau-dai-10", "quan_tri")
    auth.add_user(fresh_db, auth.SYSTEM, "cu", "mat-khau-dai-10", "quan_tri")
    auth.set_active(fresh_db, auth.SYSTEM, "cu", False)  # a disabled administrator is no administrator
    audit_before = fresh_db.scalar("SELECT count(*) FROM audit_log")
    with pytest.raises(InputError, match="«bithu» là quản trị viên cuối cùng còn hoạt động"):
        auth.set_role(fresh_db, auth.SYSTEM, "bithu", "chi_uy", None)
    with pytest.raises(InputError, match="quản trị viên cuối cùng"):
        auth.set_active(fresh_db, auth.SYSTEM, "bithu", False)
    assert fresh_db.one("SELECT role, active FROM users WHERE username = 'bithu'") == ("quan_tri", True)
    assert fresh_db.scalar("SELECT count(*) FROM audit_log") == audit_before
    auth.set_active(fresh_db, auth.SYSTEM, "cu", True)
    auth.set_role(fresh_db, auth.SYSTEM, "bithu", "chi_uy", None)
    assert fresh_db.scalar("SELECT role FROM users WHERE username = 'bithu'") == "chi_uy"


def test_a_disabled_account_cannot_log_in_and_its_session_ends(fresh_db):
    user_id = auth.add_user(fresh_db, auth.SYSTEM, "dv01", "mat-khau-8", "dang_vien")
    auth.set_active(fresh_db, auth.SYSTEM, "dv01", False)
    with pytest.raises(InputError, match="vô hiệu hóa"):
        auth.authenticate(fresh_db, "dv01", "mat-khau-8")
    assert auth.actor_for(fresh_db, user_id) is None


def test_the_first_administrator_can_be_created_only_once(fresh_db):
    auth.create_first_admin(fresh_db, "quantri", "mat-khau-dai-10")
    with pytest.raises(InputError, match="Đã có tài khoản quản trị"):
        auth.create_first_admin(fresh_db, "khac", "mat-khau-dai-10")


@pytest.mark.parametrize("password,message", [("ngan", "ít nhất 10 ký tự"), ("", "ít nhất 10 ký tự"),
                                              ("aaaaaaaaaaaa", "quá đơn giản")])
def test_weak_passwords_are_refused(fresh_db, password, message):
    with pytest.raises(InputError, match=message):
        auth.add_user(fresh_db, auth.SYSTEM, "bithu", password, "quan_tri")
    assert not auth.has_users(fresh_db)


def test_usernames_with_diacritics_are_refused(fresh_db):
    with pytest.raises(InputError, match="không dấu"):
        auth.add_user(fresh_db, auth.SYSTEM, "bíthư", "mat-khau-dai-10", "chi_uy")


# -- the role matrix: every write function, every role ------------------------------------------
def _task_id(db):
    return db.scalar("SELECT t.id FROM tasks t JOIN documents d ON d.id = t.document_id WHERE d.month = ?"
                     " AND t.status IN ('in_progress','not_started') ORDER BY t.id LIMIT 1", [date(2026, 11, 1)])


def _resolution(db):
    return documents.monthly_resolution(db, date(2026, 11, 1)).id


WRITES = {
    "auth.add_user": ("manage_users", lambda db, a: auth.add_user(db, a, "moi01", "mat-khau-dai-10", "dang_vien")),
    "auth.set_password": ("manage_users", lambda db, a: auth.set_password(db, a, "he_thong_x", "mat-khau-dai-10")),
    "auth.set_password_hash": ("manage_users", lambda db, a: auth.set_password_hash(
        db, a, "he_thong_x", auth.new_password_hash("mat-khau-dai-10"))),
    "auth.set_active": ("manage_users", lambda db, a: auth.set_active(db, a, "nobody", True)),
    "auth.set_role": ("manage_users", lambda db, a: auth.set_role(db, a, "nobody", "chi_uy", None)),
    "cell.save_profile": ("settings", lambda db, a: cell.save_profile(db, a, "Chi bộ A", "Đảng bộ B", "Đảng ủy B", "B")),
    "cell.create": ("settings", lambda db, a: cell.create(db, a, "A", "B", "C", "D", 3, "", "2026-01-01", "2027-01-01")),
    "cell.add_term": ("settings", lambda db, a: cell.add_term(db, a, "", "2030-01-01", "2032-12-31")),
    "cell.save_setting": ("settings", lambda db, a: cell.save_setting(db, a, "x", 1)),
    "dashboard.save_thresholds": ("settings", lambda db, a: dashboard.save_thresholds(db, a, 90, 60)),
    "members.add_unit": ("edit_members", lambda db, a: members.add_unit(db, a, "Tổ mới", "to_chuyen_mon")),
    "members.update_unit": ("edit_members", lambda db, a: members.update_unit(db, a, -1, "X", "khac", "")),
    "members.delete_unit": ("edit_members", lambda db, a: members.delete_unit(db, a, -1)),
    "members.add_member": ("edit_members", lambda db, a: members.add_member(
        db, a, today=TODAY, full_name="Trần Văn Mới", gender="nam", birth_year=1990)),
    "members.update_member": ("edit_members", lambda db, a: members.update_member(
        db, a, -1, today=TODAY, full_name="X Y", gender="nam", birth_year=1990)),
    "members.set_member_status": ("edit_members", lambda db, a: members.set_member_status(db, a, -1, "active")),
    "members.import_members": ("edit_members", lambda db, a: members.import_members(db, a, b"", "x.csv", TODAY)),
    "documents.set_number": ("edit_plans", lambda db, a: documents.set_number(db, a, -1, 5)),
    "plans.new_monthly_draft": ("edit_plans", lambda db, a: plans.new_monthly_draft(db, a, date(2026, 12, 1))),
    "plans.save_bases": ("edit_plans", lambda db, a: plans.save_bases(db, a, _resolution(db), [])),
    "documents.save_sections": ("edit_plans", lambda db, a: documents.save_sections(db, a, _resolution(db), {})),
    "documents.agree": ("edit_plans", lambda db, a: documents.agree(db, a, _resolution(db))),
    "documents.start_work": ("edit_plans", lambda db, a: documents.start_work(db, a, _resolution(db))),
    "documents.adopt": ("edit_plans", lambda db, a: documents.adopt(db, a, _resolution(db), -1, 1)),
    "documents.reopen": ("edit_plans", lambda db, a: documents.reopen(db, a, _resolution(db), "sửa lỗi")),
    "plans.save_task_table": ("edit_plans", lambda db, a: plans.save_task_table(db, a, _resolution(db), [])),
    "plans.add_task": ("edit_plans", lambda db, a: plans.add_task(db, a, _resolution(db), {})),
    "documents.delete_document": ("edit_plans", lambda db, a: documents.delete_document(db, a, _resolution(db))),
    "program.create_program": ("edit_plans", lambda db, a: program.create_program(db, a, -1, "2026-01-01")),
    "program.add_goal": ("edit_plans", lambda db, a: program.add_goal(db, a, -1, "Mục tiêu")),
    "program.add_target": ("edit_plans", lambda db, a: program.add_target(db, a, -1)),
    "program.delete_target": ("edit_plans", lambda db, a: program.delete_target(db, a, -1)),
    "program.add_measure": ("edit_plans", lambda db, a: program.add_measure(db, a, -1, "chuyen_mon", "Giải pháp")),
    "program.add_higher_doc": ("edit_plans", lambda db, a: program.add_higher_doc(
        db, a, "01-CV/ĐU", "Đảng ủy", "2026-10-01", "về việc thử", today=TODAY)),
    "tasks.record_progress": ("record_progress", lambda db, a: tasks.record_progress(
        db, a, _task_id(db), 50, today=TODAY)),
    "tasks.correct_progress": ("record_progress", lambda db, a: tasks.correct_progress(
        db, a, -1, 50, now=datetime(2026, 11, 21, 9))),
    "tasks.withdraw_progress": ("record_progress", lambda db, a: tasks.withdraw_progress(
        db, a, -1, now=datetime(2026, 11, 21, 9))),
    "tasks.save_edit_hours": ("settings", lambda db, a: tasks.save_edit_hours(db, a, 48)),
    "evidence.content": ("view_evidence", lambda db, a: evidence.content(db, a, -1)),
    "tasks.extend_deadline": ("decide_extensions", lambda db, a: tasks.extend_deadline(
        db, a, _task_id(db), "2026-11-30", "Chờ số liệu")),
    "tasks.request_extension": ("record_progress", lambda db, a: tasks.request_extension(
        db, a, _task_id(db), "2026-11-30", "Chờ số liệu")),
    "tasks.decide_extension": ("decide_extensions", lambda db, a: tasks.decide_extension(db, a, -1, True)),
    "tasks.set_unit_plan": ("edit_tasks", lambda db, a: tasks.set_unit_plan(db, a, -1, "")),
    "tasks.add_supervision": ("edit_tasks", lambda db, a: tasks.add_supervision(
        db, a, "2026-11-10", "kiem_tra", "Nội dung", "nhac_nho", member_id=None, today=TODAY)),
    "targets.record_value": ("edit_tasks", lambda db, a: targets.record_value(db, a, -1, "2026-11-01", 1, today=TODAY)),
    "meetings.create_meeting": ("run_meeting", lambda db, a: meetings.create_meeting(db, a, "2026-12-03")),
    "meetings.record_attendance": ("run_meeting", lambda db, a: meetings.record_attendance(db, a, -1, [])),
    "meetings.move_display": ("move_display", lambda db, a: meetings.move_display(
        db, a, date(2030, 1, 1), 1, datetime(2026, 11, 21, 14, 0), (1,) * len(meetings.AGENDA))),
    "meetings.add_remark": ("run_meeting", lambda db, a: meetings.add_remark(db, a, -1, "khai_mac", "Ý kiến")),
    "meetings.record_vote": ("run_meeting", lambda db, a: meetings.record_vote(db, a, -1, 0)),
    "meetings.record_times": ("run_meeting", lambda db, a: meetings.record_times(db, a, -1, "14:00", "16:00")),
    "meetings.set_presenters": ("run_meeting", lambda db, a: meetings.set_presenters(db, a, -1, {"ket_qua": None})),
    "meetings.mark_all_present": ("run_meeting", lambda db, a: meetings.mark_all_present(db, a, -1)),
    "meetings.start_meeting": ("run_meeting", lambda db, a: meetings.start_meeting(db, a, -1, datetime(2026, 11, 21, 14))),
    "meetings.record_item_start": ("run_meeting", lambda db, a: meetings.record_item_start(
        db, a, -1, "ket_qua", datetime(2026, 11, 21, 14))),
    "meetings.end_meeting": ("run_meeting", lambda db, a: meetings.end_meeting(db, a, -1, datetime(2026, 11, 21, 16))),
    "meetings.save_meeting_rules": ("settings", lambda db, a: meetings.save_meeting_rules(db, a, {"min_minutes": 100})),
    "checklist.mark_done": ("edit_plans", lambda db, a: checklist.mark_done(db, a, date(2026, 12, 1), "notice",
                                                                           TODAY, TODAY)),
    "calendar_ics.cell_calendar": ("edit_plans", lambda db, a: calendar_ics.cell_calendar(
        db, a, TODAY, datetime(2026, 11, 21, 9))),
    "calendar_ics.member_calendar": ("edit_tasks", lambda db, a: calendar_ics.member_calendar(  # another's: committee
        db, a, 1, TODAY, datetime(2026, 11, 21, 9))),
    "meetings.save_scores": ("edit_evaluations", lambda db, a: meetings.save_scores(db, a, -1, {})),
    "meetings.save_rubric": ("settings", lambda db, a: meetings.save_rubric(db, a, meetings.DEFAULT_RUBRIC)),
    "evaluations.save": ("edit_evaluations", lambda db, a: evaluations.save(db, a, date(2026, 11, 1))),
    "evaluations.add_mention": ("edit_evaluations", lambda db, a: evaluations.add_mention(
        db, a, date(2026, 11, 1), 1, "bieu_duong", "Tốt")),
    "evaluations.close_month": ("edit_evaluations", lambda db, a: evaluations.close_month(
        db, a, date(2026, 11, 1), date(2026, 12, 2))),
    "evaluations.reopen_month": ("reopen_month", lambda db, a: evaluations.reopen_month(
        db, a, date(2026, 10, 1), "Sửa số liệu")),
    "evaluations.save_rating": ("edit_evaluations", lambda db, a: evaluations.save_rating(db, a, 2025, 80)),
    "queries.save_query": ("query", lambda db, a: queries.save_query(db, a, "Câu hỏi", "SELECT 1")),
    "backup.backup_to": ("backup", lambda db, a: backup.backup_to(db, a, db.path.parent / "b.duckdb")),
    "backup.backup_bytes": ("backup", lambda db, a: backup.backup_bytes(db, a)),
    "backup.restore_running": ("backup", lambda db, a: backup.restore_running(db, a, "/nonexistent", db.path.parent)),
    "docs.save_profile": ("settings", lambda db, a: docs.save_profile(db, a, {})),
    "docs.export_bytes": ("export", lambda db, a: docs.export_bytes(db, a, "resolution", _resolution(db), TODAY)),
    "docs.upload_pack": ("export", lambda db, a: docs.upload_pack(db, a, date(2030, 1, 1), TODAY)),
    "docs.mark_delivered": ("export", lambda db, a: docs.mark_delivered(db, a, _resolution(db), "so_tay",
                                                                       "2026-11-10", TODAY)),
    "demo.load": ("settings", lambda db, a: demo.load(db, a, today=TODAY)),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(WRITES))
def test_every_write_function_checks_the_acting_role(demo_db, role, name):
    permission, call = WRITES[name]
    actor = actor_of(role, member_id=None)
    audit_before = demo_db.scalar("SELECT count(*) FROM audit_log")
    if permission in auth.PERMISSIONS[role]:
        try:
            call(demo_db, actor)
        except PermissionDenied:  # pragma: no cover - the failure itself
            pytest.fail(f"{role} should be allowed to call {name}")
        except InputError:
            pass  # allowed, refused for its input: not a permission matter
    else:
        with pytest.raises(PermissionDenied, match=f"«{actor.role_label}» không được phép làm việc này"):
            call(demo_db, actor)
        assert demo_db.scalar("SELECT count(*) FROM audit_log") == audit_before


def test_the_matrix_covers_every_function_that_checks_a_permission():
    modules = [auth, backup, calendar_ics, cell, checklist, dashboard, demo, docs, evaluations, evidence, meetings,
               members, plans, program, queries, targets, tasks]
    readers = {"queries.run_sql", "queries.ask", "auth.list_users", "docs.rewordable"}  # tests/test_privacy.py
    guarded = {f"{module.__name__.split('.')[-1]}.{name}"
               for module in modules for name, func in inspect.getmembers(module, inspect.isfunction)
               if not name.startswith("_") and func.__module__.startswith(module.__name__)
               and "require(actor, " in inspect.getsource(func)}
    assert guarded - readers <= set(WRITES), sorted(guarded - readers - set(WRITES))


def test_a_member_records_progress_only_on_their_own_tasks(demo_db):
    task_id = _task_id(demo_db)
    lead = demo_db.scalar("SELECT lead_member_id FROM tasks WHERE id = ?", [task_id])
    other = demo_db.scalar("SELECT id FROM members WHERE id <> ? AND id NOT IN (SELECT member_id FROM task_partners"
                           " WHERE task_id = ? AND member_id IS NOT NULL) LIMIT 1", [lead or -1, task_id])
    with pytest.raises(InputError, match="chỉ cập nhật được nhiệm vụ mình"):
        tasks.record_progress(demo_db, actor_of("dang_vien", other), task_id, 40, today=TODAY)
    partner = demo_db.scalar("SELECT member_id FROM task_partners WHERE task_id = ? AND member_id IS NOT NULL",
                             [task_id])
    tasks.record_progress(demo_db, actor_of("dang_vien", partner), task_id, 40, today=TODAY)
    assert demo_db.scalar("SELECT progress FROM tasks WHERE id = ?", [task_id]) == 40


def test_every_write_is_in_the_audit_log_with_before_and_after(fresh_db):
    unit_id = members.add_unit(fresh_db, auth.SYSTEM, "Tổ 1", "to_chuyen_mon")
    members.update_unit(fresh_db, auth.SYSTEM, unit_id, "Tổ khối 1", "to_chuyen_mon", "")
    row = fresh_db.records("SELECT * FROM audit_log WHERE action = 'sửa đơn vị'")[0]
    assert row["username"] == "he_thong" and row["entity"] == "units" and row["entity_id"] == unit_id
    assert '"Tổ 1"' in row["before"] and '"Tổ khối 1"' in row["after"]


def test_a_room_signing_in_at_once_from_one_address_is_neither_blocked_nor_counted(fresh_db):
    """33 members at the meeting sign in together behind the school's one address: attempts being checked wait for
    a place among the address's limit instead of counting as failures."""
    for i in range(12):
        auth.add_user(fresh_db, auth.SYSTEM, f"dv{i:02d}", "mat-khau-dai-10", "dang_vien")
    answers, start = [""] * 12, threading.Barrier(12)

    def sign_in(i: int) -> None:
        start.wait()
        try:
            answers[i] = auth.authenticate(fresh_db, f"dv{i:02d}", "mat-khau-dai-10", sleep=lambda s: None,
                                           address="10.0.0.1", max_address_failures=3).username
        except InputError as refused:
            answers[i] = str(refused)
    threads = [threading.Thread(target=sign_in, args=(i,)) for i in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [f"dv{i:02d}" for i in range(12)]
    for name in ("dv00", "dv01"):  # two typos later the address still signs in: nothing was counted
        with pytest.raises(InputError, match="không đúng"):
            auth.authenticate(fresh_db, name, "sai-mat-khau", sleep=lambda s: None, address="10.0.0.1",
                              max_address_failures=3)
    assert auth.authenticate(fresh_db, "dv02", "mat-khau-dai-10", address="10.0.0.1",
                             max_address_failures=3).username == "dv02"


def test_parallel_guesses_from_one_address_check_no_more_passwords_than_its_limit(fresh_db):
    answers, start = [""] * 16, threading.Barrier(16)

    def guess(i: int) -> None:
        start.wait()
        try:
            auth.authenticate(fresh_db, f"ten-{i}", "sai-mat-khau", sleep=lambda s: None, address="10.0.0.2",
                              max_address_failures=4)
        except InputError as refused:
            answers[i] = str(refused)
    threads = [threading.Thread(target=guess, args=(i,)) for i in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum("không đúng" in a for a in answers) == 4
    assert sum("tạm bị chặn" in a for a in answers) == 12


def test_no_more_passwords_are_hashed_at_once_than_the_machine_has_cores(fresh_db, monkeypatch):
    auth.add_user(fresh_db, auth.SYSTEM, "bithu", "mat-khau-dai-10", "quan_tri")
    running, most, lock = [0], [0], threading.Lock()
    real = auth._hasher

    class Counting:  # argon2's hasher, counting the hashes under way
        def verify(self, stored, password):
            with lock:
                running[0] += 1
                most[0] = max(most[0], running[0])
            try:
                return real.verify(stored, password)
            finally:
                with lock:
                    running[0] -= 1
    monkeypatch.setattr(auth, "_hasher", Counting())
    monkeypatch.setattr(auth, "HASHING", threading.BoundedSemaphore(2))  # as on a 2-core machine
    threads = [threading.Thread(target=auth.authenticate, args=(fresh_db, "bithu", "mat-khau-dai-10"),
                                kwargs={"address": f"10.0.1.{i}", "max_failures": 100}) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most[0] == 2
    assert auth.HASHES_AT_ONCE == (os.cpu_count() or 1)
