"""Two people edit the same thing: a save from a form opened before someone else's save is refused with both
values and changes nothing; the user keeps theirs only by saying so, and it is then saved under their name."""

from datetime import date, timedelta

import pytest

from chibo import auth, evaluations, plans, tasks, versions
from chibo.errors import StaleEdit


@pytest.fixture
def people(demo_db):
    """Two committee members with accounts, as two browser sessions would act."""
    db = demo_db
    names = db.rows("SELECT id, full_name FROM members WHERE status = 'active' ORDER BY id LIMIT 2")
    actors = []
    for (member_id, _), username in zip(names, ("dongchi_a", "dongchi_b")):
        user_id = auth.add_user(db, auth.SYSTEM, username, "mat-khau-rat-dai", "chi_uy", member_id=member_id)
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
    assert refused.value.changes == [("«Việc A thêm»", "được thêm sau khi đồng chí mở bảng",
                                      "không có trong bảng của đồng chí: giữ bảng của mình sẽ xóa nhiệm vụ này")]
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
    assert [c[0] for c in refused.value.changes] == [f"«{changed}»"]


def test_a_row_someone_deleted_is_named_and_comes_back_only_if_the_user_keeps_their_table(draft):
    db, a, b, doc_id, _ = draft
    seen_by_b = plans.task_table_form(db, doc_id)
    rows_of_b = grid(db, doc_id)
    gone = next(r for r in rows_of_b if r["title"] == "Học tập nghị quyết")
    plans.save_task_table(db, a, doc_id, [r for r in grid(db, doc_id) if r["title"] != "Học tập nghị quyết"],
                          opened=plans.task_table_form(db, doc_id).version)
    with pytest.raises(StaleEdit) as refused:
        plans.save_task_table(db, b, doc_id, rows_of_b, opened=seen_by_b.version)
    assert ("«Học tập nghị quyết»", "đã bị xóa sau khi đồng chí mở bảng",
            "còn trong bảng của đồng chí: giữ bảng của mình sẽ thêm lại") in refused.value.changes
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


def test_a_version_is_the_stored_values_so_equal_values_give_equal_versions():
    assert versions.token({"a": 1, "b": "x"}) == versions.token({"b": "x", "a": 1})
    assert versions.token({"a": 1}) != versions.token({"a": 2})
