"""Edit forms in the app (AppTest) while someone else saves the same thing: what the user typed stays on screen, the
save is refused with both values, and the user chooses to keep theirs or take the stored one."""

from datetime import date

from chibo import auth, documents, evaluations, plans, tasks, ui
from chibo.db import Database
from tests.test_app import demo_app, isolated_app, member_account, signed_in  # noqa: F401 (fixtures)


def a_members_task(path, today) -> tuple[int, int]:
    """A member with open work, and one of their tasks still at a low progress."""
    db = Database(path)
    member, task_id = db.one(
        "SELECT t.lead_member_id, t.id FROM tasks t JOIN documents d ON d.id = t.document_id"
        " WHERE d.status = 'in_progress' AND t.status IN ('not_started', 'in_progress') AND t.progress < 50"
        " AND t.lead_member_id IS NOT NULL ORDER BY t.id LIMIT 1")
    db.close()
    return member, task_id


def open_progress_form(tmp_path, today):
    member, task_id = a_members_task(tmp_path / "app.duckdb", today)
    at = signed_in(member_account(tmp_path / "app.duckdb", member)).run()
    at.switch_page("screens/my_tasks.py").run()
    at.selectbox(key="mine_open").set_value(task_id).run()
    return at, task_id


def someone_else_records(tmp_path, task_id, percent, today):
    db = ui._database(str(tmp_path / "app.duckdb"))
    tasks.record_progress(db, auth.SYSTEM, task_id, percent, "Cập nhật của người khác", today=today)
    return db


def stored_progress(db, task_id) -> int:
    return db.scalar("SELECT progress FROM tasks WHERE id = ?", [task_id])


def percent_box(at):
    return next(n for n in at.number_input if n.label == "Tiến độ (%)")


def save_progress(at, percent: int, note: str):
    percent_box(at).set_value(percent)
    next(t for t in at.text_area if t.label == "Ghi chú").input(note)
    next(b for b in at.button if b.label == "Lưu tiến độ").click().run()


def test_a_progress_form_opened_before_someone_elses_save_shows_both_values_and_saves_nothing(demo_app, tmp_path, today):  # noqa: F811 (the fixture)
    at, task_id = open_progress_form(tmp_path, today)
    db = someone_else_records(tmp_path, task_id, 80, today)
    at.run()  # the rerun someone else's save brings about: the form still shows what it was opened on
    save_progress(at, 20, "Mới làm được một phần")
    assert not at.exception and not at.success
    assert [w.value for w in at.warning][0].startswith("Đồng chí he_thong đã lưu tiến độ nhiệm vụ «")
    assert [t.value for t in at.text] == ["Tiến độ: giá trị hiện tại 80%; giá trị của đồng chí: 20%"]
    assert stored_progress(db, task_id) == 80
    assert percent_box(at).value == 20  # nothing typed is lost
    assert next(t for t in at.text_area if t.label == "Ghi chú").value == "Mới làm được một phần"


def test_keeping_ones_own_value_saves_it_under_ones_own_name(demo_app, tmp_path, today):  # noqa: F811 (the fixture)
    at, task_id = open_progress_form(tmp_path, today)
    db = someone_else_records(tmp_path, task_id, 80, today)
    save_progress(at, 20, "Làm lại phần đầu")
    next(b for b in at.button if b.label == ui.KEEP_MINE).click().run()
    assert not at.exception and not at.warning
    assert [s.value for s in at.success] == ["Đã lưu tiến độ."]
    assert stored_progress(db, task_id) == 20
    assert db.one("SELECT username, after FROM audit_log ORDER BY id DESC LIMIT 1")[0] == "dangvien"
    assert db.scalar("SELECT note FROM progress_updates WHERE task_id = ? ORDER BY id DESC LIMIT 1",
                     [task_id]) == "Làm lại phần đầu"


def test_taking_the_stored_value_reopens_the_form_on_it_and_saves_nothing(demo_app, tmp_path, today):  # noqa: F811 (the fixture)
    at, task_id = open_progress_form(tmp_path, today)
    db = someone_else_records(tmp_path, task_id, 80, today)
    save_progress(at, 20, "Ghi chú của tôi")
    next(b for b in at.button if b.label == ui.TAKE_STORED).click().run()
    assert not at.exception and not at.warning
    assert percent_box(at).value == 80
    assert stored_progress(db, task_id) == 80


def test_the_written_judgement_opened_before_another_save_is_refused(demo_app, tmp_path, today):  # noqa: F811 (the fixture)
    november = date(2026, 11, 1)
    at = signed_in(demo_app["quan_tri"]).run()
    at.switch_page("screens/evaluation.py").run()
    at.selectbox[1].set_value(november).run()
    db = ui._database(str(tmp_path / "app.duckdb"))
    evaluations.save(db, auth.SYSTEM, november, results="Kết quả do người khác ghi.")
    at.run()
    results = next(t for t in at.text_area if t.label == "Kết quả đạt được")
    assert results.value == ""  # still what the form was opened on
    results.input("Kết quả tôi ghi.")
    next(b for b in at.button if b.label == "Lưu đánh giá").click().run()
    assert not at.exception and not at.success
    assert "đã lưu đánh giá tháng 11/2026" in at.warning[0].value
    assert evaluations.get(db, november)["results"] == "Kết quả do người khác ghi."
    assert next(t for t in at.text_area if t.label == "Kết quả đạt được").value == "Kết quả tôi ghi."


def test_a_task_table_opened_before_someone_added_a_task_does_not_delete_it(demo_app, tmp_path, today):  # noqa: F811 (the fixture)
    db = ui._database(str(tmp_path / "app.duckdb"))
    draft = plans.new_monthly_draft(db, auth.SYSTEM, date(2026, 12, 1))
    at = signed_in(demo_app["quan_tri"]).run()
    at.switch_page("screens/plan_month.py").run()
    at.session_state["plan_month_tab"] = "Phương hướng, nhiệm vụ"
    at.run()
    assert documents.get(db, draft).status == "draft"
    rows = plans.task_table(db, draft)[plans.TASK_TABLE_COLUMNS].to_dict("records")
    lead = db.scalar("SELECT min(id) FROM members WHERE status = 'active'")
    plans.save_task_table(db, auth.SYSTEM, draft, rows + [
        {"field": "doan_the", "title": "Việc người khác thêm", "lead_member_id": lead, "channel": "cuoc_hop",
         "deadline": date(2026, 12, 28)}])
    at.run()
    next(b for b in at.button if b.label == "Lưu bảng nhiệm vụ").click().run()
    assert not at.exception and not at.success
    assert at.warning[0].value.startswith("Đồng chí he_thong đã sửa bảng nhiệm vụ lúc ")
    assert [t.value for t in at.text] == ["Nhiệm vụ «Việc người khác thêm»: giá trị hiện tại có (được thêm sau khi "
                                          "đồng chí mở bảng); giá trị của đồng chí: không có (giữ bảng của mình sẽ "
                                          "xóa nhiệm vụ này)"]
    assert "Việc người khác thêm" in set(plans.task_table(db, draft)["title"])
    assert not db.scalar("SELECT count(*) FROM audit_log WHERE action = 'xóa nhiệm vụ' AND username = 'quantri'")


def test_a_member_added_elsewhere_does_not_switch_the_member_form_being_filled(demo_app, tmp_path, today):  # noqa: F811
    from chibo import members
    at = signed_in(demo_app["quan_tri"]).run()
    at.switch_page("screens/members.py").run()
    db = ui._database(str(tmp_path / "app.duckdb"))
    member = db.scalar("SELECT max(id) FROM members WHERE status = 'active'")
    next(s for s in at.selectbox if s.label == "Thêm hoặc sửa").set_value(member).run()
    members.add_member(db, auth.SYSTEM, today=today, full_name="Nguyễn Văn Mới", gender="nam", birth_year=1995)
    at.run()
    title = next(t for t in at.text_input if t.label == "Chức vụ chuyên môn")
    title.input("Tổ trưởng tổ 3")
    next(b for b in at.button if b.label == "Lưu").click().run()
    assert not at.exception and not at.error and not at.warning
    assert db.scalar("SELECT job_title FROM members WHERE id = ?", [member]) == "Tổ trưởng tổ 3"


def test_a_quick_button_fills_the_progress_box_and_the_date_shows_only_once_finished(demo_app, tmp_path, today):  # noqa: F811 (the fixture)
    at, task_id = open_progress_form(tmp_path, today)
    assert not any(d.label == "Ngày hoàn thành" for d in at.date_input)
    assert not at.slider  # a number box and quick buttons instead of a 12-px slider
    at.button_group[0].set_value(75).run()
    assert percent_box(at).value == 75
    next(c for c in at.checkbox if c.label == "Đã hoàn thành").check().run()
    assert any(d.label == "Ngày hoàn thành" for d in at.date_input)


def test_after_a_save_the_confirmation_is_beside_the_form_and_the_form_is_empty(demo_app, tmp_path, today):  # noqa: F811 (the fixture)
    at, task_id = open_progress_form(tmp_path, today)
    save_progress(at, 40, "Đã họp tổ")
    assert not at.exception
    assert [s.value for s in at.success] == ["Đã lưu tiến độ."]
    assert next(t for t in at.text_area if t.label == "Ghi chú").value == ""
    assert percent_box(at).value == 40  # the box reopens on what is stored now


def counting_runs(monkeypatch) -> list:
    """One entry per run of a page (each page shows the held success message first)."""
    runs, real = [], ui.show_success
    monkeypatch.setattr(ui, "show_success", lambda: (runs.append(1), real())[1])
    return runs


def test_a_progress_save_is_one_run_that_shows_what_is_stored_and_says_so_by_the_button(demo_app, tmp_path, today, monkeypatch):  # noqa: F811 (the fixture)
    at, task_id = open_progress_form(tmp_path, today)
    runs = counting_runs(monkeypatch)
    save_progress(at, 60, "Xong một nửa")
    assert not at.exception and not at.error
    assert len(runs) == 1  # saved on the click, before the run: no second run to show the result
    assert [s.value for s in at.success] == ["Đã lưu tiến độ."]
    assert stored_progress(ui._database(str(tmp_path / "app.duckdb")), task_id) == 60
    assert percent_box(at).value == 60  # the form reopened on what is stored
    assert any("**Tiến độ:** 60%" in m.value for m in at.markdown)  # and the panel shows it
    assert next(t for t in at.text_area if t.label == "Ghi chú").value == ""


def test_a_refused_progress_save_says_why_beside_the_button_and_keeps_what_was_typed(demo_app, tmp_path, today):  # noqa: F811 (the fixture)
    at, task_id = open_progress_form(tmp_path, today)
    before = stored_progress(ui._database(str(tmp_path / "app.duckdb")), task_id)
    next(t for t in at.text_input if t.label == "Đường dẫn minh chứng (nếu có)").input("không phải địa chỉ")
    save_progress(at, before + 5, "Ghi chú giữ lại")
    assert not at.exception and not at.success
    assert at.error and "minh chứng" in at.error[0].value.lower()
    assert next(t for t in at.text_area if t.label == "Ghi chú").value == "Ghi chú giữ lại"
    assert stored_progress(ui._database(str(tmp_path / "app.duckdb")), task_id) == before
    assert percent_box(at).value == before + 5


def a_photo_recorded_by(tmp_path, member: int, task_id: int) -> tuple[int, int]:
    """The member's account records progress on their task with a photo, now: an entry they may still correct."""
    import io

    from PIL import Image

    from chibo import config, evidence
    from chibo.permissions import Actor
    user_id = member_account(tmp_path / "app.duckdb", member)
    picture = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 120, 200)).save(picture, "PNG")
    db = Database(tmp_path / "app.duckdb")
    entry = tasks.record_progress(db, Actor(user_id, "dangvien", "dang_vien", member), task_id, 40, "Có ảnh",
                                  today=config.load().today(), now=config.load().now(),
                                  upload=evidence.Upload("anh.png", picture.getvalue()))
    db.close()
    return user_id, entry


def test_the_author_opens_their_entry_corrects_it_and_every_word_is_vietnamese(demo_app, tmp_path, today):  # noqa: F811 (the fixture)
    from tests.test_vietnamese import english_words
    member, task_id = a_members_task(tmp_path / "app.duckdb", today)
    user_id, entry = a_photo_recorded_by(tmp_path, member, task_id)
    at = signed_in(user_id).run()
    at.switch_page("screens/my_tasks.py").run()
    at.selectbox(key="mine_open").set_value(task_id).run()
    assert "⬇️ Tải ảnh/tệp minh chứng" in [b.label for b in at.get("download_button")]
    at.session_state[f"entry_box_{entry}"] = True  # the entry opened
    at.run()
    assert not at.exception and english_words(at) == set()
    at.number_input(key=f"entry_{entry}.0.percent").set_value(25)  # the correction's box, opened on the entry
    next(b for b in at.button if b.label == "Lưu bản sửa").click().run()
    assert not at.exception and "Đã sửa cập nhật tiến độ." in [s.value for s in at.success]
    db = ui._database(str(tmp_path / "app.duckdb"))
    assert stored_progress(db, task_id) == 25
    assert db.scalar("SELECT action FROM audit_log WHERE entity = 'progress_updates' ORDER BY id DESC LIMIT 1") == \
        "sửa cập nhật tiến độ"
