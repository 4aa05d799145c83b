"""Two people edit the same thing: a save from a form opened before someone else's save is refused with both
values and changes nothing; the user keeps theirs only by saying so, and it is then saved under their name."""

from datetime import date, timedelta

import pytest

from chibo import auth, cell, dashboard, docs, documents, evaluations, meetings, members, plans, program, tasks, versions
from chibo.errors import StaleEdit
from chibo.labels import ROLES


@pytest.fixture
def people(demo_db):
    """Two committee members with accounts, as two browser sessions would act."""
    db = demo_db
    names = db.rows("SELECT id, full_name FROM members WHERE status = 'active' ORDER BY id LIMIT 2")
    actors = []
    for (member_id, _), username in zip(names, ("dongchi_a", "dongchi_b")):
        user_id = auth.add_user(db, auth.SYSTEM, username, "mat-khau-rat-dai", "quan_tri", member_id=member_id)
        actors.append(auth.actor_for(db, user_id))
    return db, actors[0], actors[1], names[0][1]


def open_task(db) -> int:
    return db.scalar("SELECT t.id FROM tasks t JOIN documents d ON d.id = t.document_id WHERE d.status = 'in_progress'"
                     " AND t.status IN ('not_started', 'in_progress') AND t.progress < 50 ORDER BY t.id LIMIT 1")


def progress(db, task_id):
    return db.one("SELECT progress, status FROM tasks WHERE id = ?", [task_id])


def last_audit(db):
    return db.one("SELECT username, action, after FROM audit_log ORDER BY id DESC LIMIT 1")


# -- progress ---------------------------------------------------------------------------
def test_a_progress_update_from_a_form_opened_before_another_save_is_refused_and_changes_nothing(people, today):
    db, a, b, _ = people
    task_id = open_task(db)
    seen_by_a = tasks.progress_form(db, task_id, today)
    seen_by_b = tasks.progress_form(db, task_id, today)
    tasks.record_progress(db, a, task_id, 80, "Xong phần lớn", today=today, opened=seen_by_a.version)
    updates = db.scalar("SELECT count(*) FROM progress_updates WHERE task_id = ?", [task_id])
    with pytest.raises(StaleEdit):
        tasks.record_progress(db, b, task_id, 20, "Mới bắt đầu", today=today, opened=seen_by_b.version)
    assert progress(db, task_id) == (80, "in_progress")
    assert db.scalar("SELECT count(*) FROM progress_updates WHERE task_id = ?", [task_id]) == updates
    assert last_audit(db)[0] == "dongchi_a"


def test_the_refusal_says_who_saved_and_shows_both_values(people, today):
    db, a, b, name_a = people
    task_id = open_task(db)
    seen_by_b = tasks.progress_form(db, task_id, today)
    tasks.record_progress(db, a, task_id, 80, today=today, opened=tasks.progress_form(db, task_id, today).version)
    with pytest.raises(StaleEdit) as refused:
        tasks.record_progress(db, b, task_id, 20, today=today, opened=seen_by_b.version)
    assert refused.value.headline.startswith(f"Đồng chí {name_a} đã lưu tiến độ nhiệm vụ «")
    assert "giá trị hiện tại 80%; giá trị của đồng chí: 20%" in str(refused.value)
    assert refused.value.changes == [("Tiến độ", "80%", "20%")]


def test_keeping_ones_own_progress_saves_it_under_ones_own_name(people, today):
    db, a, b, _ = people
    task_id = open_task(db)
    seen_by_b = tasks.progress_form(db, task_id, today)
    tasks.record_progress(db, a, task_id, 80, today=today, opened=tasks.progress_form(db, task_id, today).version)
    with pytest.raises(StaleEdit) as refused:
        tasks.record_progress(db, b, task_id, 20, "Làm lại từ đầu", today=today, opened=seen_by_b.version)
    tasks.record_progress(db, b, task_id, 20, "Làm lại từ đầu", today=today, opened=refused.value.version)
    assert progress(db, task_id) == (20, "in_progress")
    username, action, after = last_audit(db)
    assert (username, action) == ("dongchi_b", "cập nhật tiến độ") and '"note": "Làm lại từ đầu"' in after


def test_a_form_saving_what_is_stored_already_is_not_refused(people, today):
    db, a, b, _ = people
    task_id = open_task(db)
    seen_by_b = tasks.progress_form(db, task_id, today)
    tasks.record_progress(db, a, task_id, 60, today=today, opened=tasks.progress_form(db, task_id, today).version)
    tasks.record_progress(db, b, task_id, 60, "Cùng ý", today=today, opened=seen_by_b.version)
    assert last_audit(db)[0] == "dongchi_b"


def test_an_extension_from_a_form_opened_before_the_deadline_moved_is_refused(people, today):
    db, a, b, _ = people
    task_id = open_task(db)
    deadline = tasks.task(db, task_id, today)["deadline"]
    seen_by_b = tasks.deadline_form(db, task_id, today)
    tasks.extend_deadline(db, a, task_id, deadline + timedelta(days=3), "Chờ kết quả thi",
                          opened=tasks.deadline_form(db, task_id, today).version)
    with pytest.raises(StaleEdit):
        tasks.extend_deadline(db, b, task_id, deadline + timedelta(days=5), "Lý do khác", opened=seen_by_b.version)
    assert db.one("SELECT deadline, extensions FROM tasks WHERE id = ?", [task_id]) == (deadline + timedelta(days=3), 1)


# -- the written judgement of a month ------------------------------------------------------
NOVEMBER, DECEMBER = date(2026, 11, 1), date(2026, 12, 1)


def test_a_judgement_saved_from_an_older_form_is_refused_and_keeps_the_other_text(people):
    db, a, b, name_a = people
    seen_by_b = evaluations.texts_form(db, NOVEMBER)
    evaluations.save(db, a, NOVEMBER, opened=evaluations.texts_form(db, NOVEMBER).version,
                     results="Hoàn thành 9/10 nhiệm vụ.")
    with pytest.raises(StaleEdit) as refused:
        evaluations.save(db, b, NOVEMBER, opened=seen_by_b.version, results="Hoàn thành tốt.", lessons="Bài học.")
    assert evaluations.get(db, NOVEMBER)["results"] == "Hoàn thành 9/10 nhiệm vụ."
    assert evaluations.get(db, NOVEMBER)["lessons"] == ""
    assert refused.value.changes == [("Kết quả đạt được", "«Hoàn thành 9/10 nhiệm vụ.»", "«Hoàn thành tốt.»"),
                                     ("Bài học kinh nghiệm", "(trống)", "«Bài học.»")]
    assert refused.value.headline.startswith(f"Đồng chí {name_a} đã lưu đánh giá tháng 11/2026 lúc ")
    assert last_audit(db)[0] == "dongchi_a"


def test_keeping_ones_own_judgement_saves_it_and_the_log_names_who_wrote_it(people):
    db, a, b, _ = people
    seen_by_b = evaluations.texts_form(db, NOVEMBER)
    evaluations.save(db, a, NOVEMBER, opened=evaluations.texts_form(db, NOVEMBER).version, results="Lời của A.")
    with pytest.raises(StaleEdit) as refused:
        evaluations.save(db, b, NOVEMBER, opened=seen_by_b.version, results="Lời của B.")
    evaluations.save(db, b, NOVEMBER, opened=refused.value.version, results="Lời của B.")
    assert evaluations.get(db, NOVEMBER)["results"] == "Lời của B."
    username, _, after = last_audit(db)
    assert username == "dongchi_b" and "Lời của B." in after


# -- the task table of a draft -------------------------------------------------------------
@pytest.fixture
def draft(people):
    db, a, b, _ = people
    doc_id = plans.new_monthly_draft(db, auth.SYSTEM, DECEMBER)
    lead = db.scalar("SELECT min(id) FROM members WHERE status = 'active'")
    plans.save_task_table(db, auth.SYSTEM, doc_id, [
        {"field": "chuyen_mon", "title": "Dự giờ tổ 1", "lead_member_id": lead, "channel": "cuoc_hop",
         "deadline": date(2026, 12, 15)},
        {"field": "tu_tuong", "title": "Học tập nghị quyết", "lead_member_id": lead, "channel": "cuoc_hop",
         "deadline": date(2026, 12, 20)}])
    return db, a, b, doc_id, lead


def grid(db, doc_id) -> list[dict]:
    """The rows as the editor hands them back."""
    return plans.task_table(db, doc_id)[plans.TASK_TABLE_COLUMNS].to_dict("records")


def titles(db, doc_id) -> set[str]:
    return {r[0] for r in db.rows("SELECT title FROM tasks WHERE document_id = ?", [doc_id])}


def test_a_table_opened_before_someone_added_a_task_cannot_delete_it(draft):
    db, a, b, doc_id, lead = draft
    seen_by_b = plans.task_table_form(db, doc_id)
    rows_of_b = grid(db, doc_id)
    plans.save_task_table(db, a, doc_id, grid(db, doc_id) + [
        {"field": "doan_the", "title": "Việc A thêm", "lead_member_id": lead, "channel": "cuoc_hop",
         "deadline": date(2026, 12, 28)}], opened=plans.task_table_form(db, doc_id).version)
    rows_of_b[0]["title"] = "Dự giờ tổ 1 và tổ 2"
    with pytest.raises(StaleEdit) as refused:
        plans.save_task_table(db, b, doc_id, rows_of_b, opened=seen_by_b.version)
    assert "Việc A thêm" in titles(db, doc_id) and "Dự giờ tổ 1 và tổ 2" not in titles(db, doc_id)
    assert refused.value.changes == [("Nhiệm vụ «Việc A thêm»", "có (được thêm sau khi đồng chí mở bảng)",
                                      "không có (giữ bảng của mình sẽ xóa nhiệm vụ này)")]
    assert not db.scalar("SELECT count(*) FROM audit_log WHERE action = 'xóa nhiệm vụ' AND username = 'dongchi_b'")


def test_a_table_opened_before_someone_changed_a_row_cannot_overwrite_it(draft):
    db, a, b, doc_id, _ = draft
    seen_by_b = plans.task_table_form(db, doc_id)
    rows_of_b = grid(db, doc_id)
    rows_of_a = grid(db, doc_id)
    changed = rows_of_a[0]["title"]
    rows_of_a[0]["report_at"] = "Họp chi ủy ngày 05/01/2027"
    plans.save_task_table(db, a, doc_id, rows_of_a, opened=plans.task_table_form(db, doc_id).version)
    with pytest.raises(StaleEdit) as refused:
        plans.save_task_table(db, b, doc_id, rows_of_b, opened=seen_by_b.version)
    assert db.scalar("SELECT report_at FROM tasks WHERE title = ?", [changed]) == "Họp chi ủy ngày 05/01/2027"
    assert [c[0] for c in refused.value.changes] == [f"Nhiệm vụ «{changed}»"]


def test_a_row_someone_deleted_is_named_and_comes_back_only_if_the_user_keeps_their_table(draft):
    db, a, b, doc_id, _ = draft
    seen_by_b = plans.task_table_form(db, doc_id)
    rows_of_b = grid(db, doc_id)
    gone = next(r for r in rows_of_b if r["title"] == "Học tập nghị quyết")
    plans.save_task_table(db, a, doc_id, [r for r in grid(db, doc_id) if r["title"] != "Học tập nghị quyết"],
                          opened=plans.task_table_form(db, doc_id).version)
    with pytest.raises(StaleEdit) as refused:
        plans.save_task_table(db, b, doc_id, rows_of_b, opened=seen_by_b.version)
    assert ("Nhiệm vụ «Học tập nghị quyết»", "không có (đã bị xóa sau khi đồng chí mở bảng)",
            "có (giữ bảng của mình sẽ thêm lại)") in refused.value.changes
    assert "Học tập nghị quyết" not in titles(db, doc_id)
    plans.save_task_table(db, b, doc_id, rows_of_b, opened=refused.value.version)
    assert "Học tập nghị quyết" in titles(db, doc_id)
    assert db.scalar("SELECT id FROM tasks WHERE title = 'Học tập nghị quyết'") != gone["id"]


def test_keeping_ones_own_table_deletes_the_added_task_explicitly_and_under_ones_own_name(draft):
    db, a, b, doc_id, lead = draft
    seen_by_b = plans.task_table_form(db, doc_id)
    rows_of_b = grid(db, doc_id)
    plans.save_task_table(db, a, doc_id, grid(db, doc_id) + [
        {"field": "doan_the", "title": "Việc A thêm", "lead_member_id": lead, "channel": "cuoc_hop",
         "deadline": date(2026, 12, 28)}], opened=plans.task_table_form(db, doc_id).version)
    with pytest.raises(StaleEdit) as refused:
        plans.save_task_table(db, b, doc_id, rows_of_b, opened=seen_by_b.version)
    plans.save_task_table(db, b, doc_id, rows_of_b, opened=refused.value.version)
    assert "Việc A thêm" not in titles(db, doc_id)
    assert db.one("SELECT username FROM audit_log WHERE action = 'xóa nhiệm vụ' ORDER BY id DESC LIMIT 1") == ("dongchi_b",)


def test_a_members_progress_update_does_not_stand_in_the_way_of_the_table(draft, today):
    db, a, b, doc_id, _ = draft
    seen_by_b = plans.task_table_form(db, doc_id)
    rows_of_b = grid(db, doc_id)
    task_id = rows_of_b[0]["id"]
    tasks.record_progress(db, a, task_id, 40, today=today)
    rows_of_b[0]["title"] = "Dự giờ cả trường"
    plans.save_task_table(db, b, doc_id, rows_of_b, opened=seen_by_b.version)
    assert db.one("SELECT title, progress FROM tasks WHERE id = ?", [task_id]) == ("Dự giờ cả trường", 40)


def test_bases_saved_from_an_older_editor_are_refused(draft):
    db, a, b, doc_id, _ = draft
    seen_by_b = plans.bases_form(db, doc_id)
    bases = plans.bases(db, doc_id).to_dict("records")
    plans.save_bases(db, a, doc_id, bases + [{"kind": "other", "text": "Công văn mới"}],
                     opened=plans.bases_form(db, doc_id).version)
    with pytest.raises(StaleEdit):
        plans.save_bases(db, b, doc_id, bases[:1], opened=seen_by_b.version)
    assert "Công văn mới" in set(plans.bases(db, doc_id)["text"])


# -- every other form whose defaults come from the database ---------------------------------
def _meeting(db):
    return meetings.meeting_for_month(db, NOVEMBER)


def _draft(db):
    return plans.new_monthly_draft(db, auth.SYSTEM, DECEMBER)


def _wording(db, actor, doc_id, text, opened, today):
    parts = docs.rewordable(db, actor, "resolution", doc_id, today)
    edited = {part.key: part.text for part in parts} | {"mo_dau": text}
    docs.save_wording(db, actor, "resolution", doc_id, edited, today, opened=opened)


def _profile(db, actor, place, opened):
    now = cell.get(db)
    cell.save_profile(db, actor, now.name, now.superior_name, now.superior_committee, place, now.meeting_day,
                      standing_duties=plans.standing_duties(db), opened=opened)


def _member(db, actor, member_id, job, opened, today):
    now = members.member_form(db, member_id).values
    members.update_member(db, actor, member_id, today=today, opened=opened, **(now | {"job_title": job}))


def _roll(db, actor, meeting_id, reason, opened):
    rows = meetings.attendance(db, auth.SYSTEM, meeting_id).to_dict("records")
    rows[0] |= {"status": "absent_excused", "reason": reason}
    meetings.record_attendance(db, actor, meeting_id, rows, opened=opened)


def _facts(db, actor, meeting_id, conclusion, opened, today):
    now = docs.minutes_facts_form(db, NOVEMBER, meeting_id).values
    docs.record_minutes_facts(db, actor, NOVEMBER, now["starts_at"], now["ends_at"], "", conclusion, today,
                              opened=opened)


def _role_code(shown: str) -> str:
    return next(code for code, name in ROLES.items() if name == shown)


# name: (what the test works on, the form opened, a save of a value, the value stored, A's value, B's value)
FORMS = {
    "lời văn nghị quyết": (
        _draft, lambda db, doc, today: docs.wording_form(db, auth.SYSTEM, "resolution", doc, today),
        _wording, lambda db, doc: documents.sections(db, doc).get("mo_dau"), "Lời của A.", "Lời của B."),
    "nội dung văn bản": (
        _draft, lambda db, doc, today: documents.sections_form(db, doc, ["nq_y_kien"]),
        lambda db, actor, doc, text, opened, today: documents.save_sections(db, actor, doc, {"nq_y_kien": text}, opened),
        lambda db, doc: documents.sections(db, doc).get("nq_y_kien"), "Ý của A.", "Ý của B."),
    "đề mục chương trình": (
        lambda db: next(iter(program.headings(db))), lambda db, key, today: program.headings_form(db),
        lambda db, actor, key, text, opened, today: program.save_headings(db, actor, program.headings(db) | {key: text},
                                                                          opened=opened),
        lambda db, key: program.headings(db)[key], "ĐỀ MỤC A", "ĐỀ MỤC B"),
    "hồ sơ chi bộ": (
        lambda db: None, lambda db, _, today: cell.profile_form(db, plans.DEFAULT_STANDING_DUTIES),
        lambda db, actor, _, place, opened, today: _profile(db, actor, place, opened),
        lambda db, _: cell.get(db).place_name, "Mỹ Hòa", "Mỹ Lợi"),
    "ngưỡng đèn tín hiệu": (
        lambda db: None, lambda db, _, today: dashboard.thresholds_form(db),
        lambda db, actor, _, green, opened, today: dashboard.save_thresholds(db, actor, green, 50, opened=opened),
        lambda db, _: dashboard.thresholds(db)["green"], 85, 95),
    "thang điểm": (
        lambda db: None, lambda db, _, today: meetings.rubric_form(db),
        lambda db, actor, _, first, opened, today: meetings.save_rubric(
            db, actor, {"Chuẩn bị": first, "Tiến hành": 100 - first}, opened=opened),
        lambda db, _: meetings.rubric(db).get("Chuẩn bị"), 40, 30),
    "quy định sinh hoạt": (
        lambda db: None, lambda db, _, today: meetings.meeting_rules_form(db),
        lambda db, actor, _, minutes, opened, today: meetings.save_meeting_rules(db, actor, {"min_minutes": minutes},
                                                                                 opened=opened),
        lambda db, _: meetings.meeting_rules(db)["min_minutes"], 100, 120),
    "tài khoản": (
        lambda db: auth.add_user(db, auth.SYSTEM, "thu_ky_moi", "mat-khau-rat-dai", "dang_vien") and "thu_ky_moi",
        lambda db, name, today: auth.account_form(db, name),
        lambda db, actor, name, role, opened, today: auth.set_role(db, actor, name, _role_code(role), None,
                                                                   opened=opened),
        lambda db, name: ROLES[db.scalar("SELECT role FROM users WHERE username = ?", [name])], "Chi ủy", "Quản trị"),
    "thể thức văn bản": (
        lambda db: None, lambda db, _, today: docs.profile_form(db),
        lambda db, actor, _, size, opened, today: docs.save_profile(db, actor, docs.profile(db) | {"body_pt": size},
                                                                    opened=opened),
        lambda db, _: docs.profile(db)["body_pt"], 13.0, 13.5),
    "lời văn mẫu": (
        lambda db: None, lambda db, _, today: docs.implementation_form(db),
        lambda db, actor, _, text, opened, today: docs.save_implementation_template(db, actor, text, opened=opened),
        lambda db, _: docs.implementation_template(db), "Mẫu của A.", "Mẫu của B."),
    "hồ sơ đảng viên": (
        lambda db: db.scalar("SELECT max(id) FROM members"), lambda db, member, today: members.member_form(db, member),
        _member, lambda db, member: db.scalar("SELECT job_title FROM members WHERE id = ?", [member]),
        "Tổ trưởng", "Giáo viên"),
    "kế hoạch đơn vị": (
        lambda db: db.scalar("SELECT min(id) FROM units"), lambda db, unit, today: tasks.unit_plan_form(db, unit),
        lambda db, actor, unit, text, opened, today: tasks.set_unit_plan(db, actor, unit, text, opened=opened),
        lambda db, unit: db.scalar("SELECT sub_plan FROM units WHERE id = ?", [unit]), "Kế hoạch A", "Kế hoạch B"),
    "điểm chất lượng": (
        _meeting, lambda db, meeting, today: meetings.scores_form(db, meeting),
        lambda db, actor, meeting, points, opened, today: meetings.save_scores(
            db, actor, meeting, meetings.scores(db, meeting) | {"Thời gian": points}, opened=opened),
        lambda db, meeting: meetings.scores(db, meeting)["Thời gian"], 5.0, 3.0),
    "điểm danh": (
        _meeting, lambda db, meeting, today: meetings.roll_form(db, auth.SYSTEM, meeting),
        lambda db, actor, meeting, reason, opened, today: _roll(db, actor, meeting, reason, opened),
        lambda db, meeting: meetings.attendance(db, auth.SYSTEM, meeting)["reason"].iat[0],
        "Ốm", "Đi công tác"),
    "biên bản": (
        _meeting, lambda db, meeting, today: docs.minutes_facts_form(db, NOVEMBER, meeting),
        _facts, lambda db, meeting: docs.minutes_facts(db, NOVEMBER)["conclusion"], "Kết luận A.", "Kết luận B."),
    "biểu quyết": (
        _meeting, lambda db, meeting, today: meetings.vote_form(db, meeting),
        lambda db, actor, meeting, votes, opened, today: meetings.record_vote(db, actor, meeting, votes, opened=opened),
        lambda db, meeting: meetings.get(db, meeting)["votes_for"], 20, 25),
}


@pytest.mark.parametrize("form", FORMS)
def test_every_form_refuses_a_save_opened_before_anothers_and_keeps_it_only_when_asked(people, today, form):
    db, a, b, _ = people
    setup, opened, save, stored, by_a, by_b = FORMS[form]
    thing = setup(db)
    seen_by_b = opened(db, thing, today)
    save(db, a, thing, by_a, opened(db, thing, today).version, today)
    logged = db.scalar("SELECT count(*) FROM audit_log")
    with pytest.raises(StaleEdit) as refused:
        save(db, b, thing, by_b, seen_by_b.version, today)
    assert stored(db, thing) == by_a
    assert db.scalar("SELECT count(*) FROM audit_log") == logged
    assert any(by_b_shown.find(str(by_b)) >= 0 for _, _, by_b_shown in refused.value.changes)
    save(db, b, thing, by_b, refused.value.version, today)
    assert stored(db, thing) == by_b
    assert last_audit(db)[0] == "dongchi_b"


def test_a_version_is_the_stored_values_so_equal_values_give_equal_versions():
    assert versions.token({"a": 1, "b": "x"}) == versions.token({"b": "x", "a": 1})
    assert versions.token({"a": 1}) != versions.token({"a": 2})
