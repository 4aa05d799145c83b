"""Two people edit the same thing: a save from a form opened before someone else's save is refused with both
values and changes nothing; the user keeps theirs only by saying so, and it is then saved under their name."""

from datetime import timedelta

import pytest

from chibo import auth, tasks, versions
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


def test_a_version_is_the_stored_values_so_equal_values_give_equal_versions():
    assert versions.token({"a": 1, "b": "x"}) == versions.token({"b": "x", "a": 1})
    assert versions.token({"a": 1}) != versions.token({"a": 2})
