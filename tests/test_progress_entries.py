"""Issue 19: a member corrects or withdraws their own progress entry within the cell's window, audited; evidence as a
photo or a file kept in the database (so backups carry it), refused with a sentence when too big or of another kind."""

import io
import json
import zipfile
from datetime import date, datetime, timedelta

import pytest
from PIL import Image

from chibo import auth, backup, cell, dashboard, evaluations, evidence, integrity, plans, tasks
from chibo.db import Database
from chibo.errors import InputError, PermissionDenied, StaleEdit
from chibo.permissions import Actor
from tests.conftest import december_draft_of_hoa_and_nam

A = auth.SYSTEM
TODAY = date(2026, 12, 15)
NOW = datetime(2026, 12, 15, 9, 0)
HOUR = timedelta(hours=1)


def picture(kind: str = "PNG", size=(40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (183, 28, 28)).save(out, kind)
    return out.getvalue()


def word_file() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


@pytest.fixture
def month(fresh_db):
    """December 2026: a task led by Hoa with Nam as partner; their accounts and the secretary's."""
    db = fresh_db
    hoa, nam, doc_id = december_draft_of_hoa_and_nam(db)
    plans.save_task_table(db, A, doc_id, [
        {"field": "chuyen_mon", "title": "Chuyên đề đổi mới dạy học", "lead_member_id": hoa, "channel": "cuoc_hop",
         "deadline": date(2026, 12, 28), "partner_ids": [nam]}])
    task_id = db.scalar("SELECT id FROM tasks")
    people = {"hoa": Actor(11, "hoa", "dang_vien", hoa), "nam": Actor(12, "nam", "dang_vien", nam),
              "bithu": Actor(13, "bithu", "chi_uy")}
    return db, task_id, people


def record(db, actor, task_id, percent, at=NOW, **extra) -> int:
    return tasks.record_progress(db, actor, task_id, percent, extra.pop("note", f"{percent}%"), today=at.date(), now=at,
                                 **extra)


def figures(db, task_id) -> tuple:
    return db.one("SELECT progress, status, done_on FROM tasks WHERE id = ?", [task_id])


# -- correct ----------------------------------------------------------------------------------------------------
def test_the_author_corrects_their_entry_within_the_window_and_the_task_follows(month):
    db, task_id, people = month
    entry = record(db, people["hoa"], task_id, 60)
    tasks.correct_progress(db, people["hoa"], entry, 40, "Mới xong phần khung", now=NOW + 23 * HOUR)
    assert figures(db, task_id) == (40, "in_progress", None)
    assert db.one("SELECT progress, note, corrected_at FROM progress_updates WHERE id = ?", [entry]) == (
        40, "Mới xong phần khung", NOW + 23 * HOUR)
    assert tasks.history(db, task_id)["kind"].iat[0] == "Cập nhật tiến độ (đã sửa)"


def test_a_correction_to_finished_takes_the_day_and_the_task_reads_done(month):
    db, task_id, people = month
    entry = record(db, people["hoa"], task_id, 80)
    tasks.correct_progress(db, people["hoa"], entry, 80, status="done", done_on="2026-12-14", now=NOW + HOUR)
    assert figures(db, task_id) == (100, "done", date(2026, 12, 14))
    assert tasks.task(db, task_id, TODAY)["effective_status"] == "done"


def test_after_the_window_the_author_is_refused_and_nothing_changes(month):
    db, task_id, people = month
    entry = record(db, people["hoa"], task_id, 60)
    tasks.correct_progress(db, people["hoa"], entry, 50, now=NOW + 24 * HOUR)  # the last minute still counts
    audit_rows = db.scalar("SELECT count(*) FROM audit_log")
    for act in (lambda at: tasks.correct_progress(db, people["hoa"], entry, 30, now=at),
                lambda at: tasks.withdraw_progress(db, people["hoa"], entry, now=at)):
        with pytest.raises(InputError, match="đã quá 24 giờ được phép sửa hoặc rút lại"):
            act(NOW + 24 * HOUR + timedelta(minutes=1))
    assert figures(db, task_id)[0] == 50
    assert db.scalar("SELECT count(*) FROM audit_log") == audit_rows
    assert tasks.editable_entries(db, people["hoa"], task_id, NOW + 25 * HOUR) == []


@pytest.mark.parametrize("who", ["nam", "bithu", "system"])
def test_only_the_author_may_correct_or_withdraw_not_a_partner_nor_the_committee(month, who):
    db, task_id, people = month
    entry = record(db, people["hoa"], task_id, 60)
    other = A if who == "system" else people[who]
    with pytest.raises(InputError, match="Chỉ người ghi cập nhật tiến độ mới sửa hoặc rút lại"):
        tasks.correct_progress(db, other, entry, 10, now=NOW + HOUR)
    with pytest.raises(InputError, match="Chỉ người ghi cập nhật tiến độ"):
        tasks.withdraw_progress(db, other, entry, now=NOW + HOUR)
    assert figures(db, task_id)[0] == 60
    assert tasks.editable_entries(db, other, task_id, NOW + HOUR) == []
    record(db, other, task_id, 70, at=NOW + HOUR)  # they add their own instead
    assert figures(db, task_id)[0] == 70


def test_the_projector_may_neither_correct_nor_withdraw(month):
    db, task_id, people = month
    entry = record(db, people["hoa"], task_id, 60)
    with pytest.raises(PermissionDenied):
        tasks.withdraw_progress(db, Actor(11, "hoa", "trinh_chieu"), entry, now=NOW)


def test_a_correction_opened_on_an_entry_changed_since_is_refused_with_both_values(month):
    db, task_id, people = month
    entry = record(db, people["hoa"], task_id, 60)
    first_tab, second_tab = tasks.entry_form(db, entry), tasks.entry_form(db, entry)
    tasks.correct_progress(db, people["hoa"], entry, 40, now=NOW + HOUR, opened=first_tab.version)
    with pytest.raises(StaleEdit) as refused:
        tasks.correct_progress(db, people["hoa"], entry, 70, now=NOW + HOUR, opened=second_tab.version)
    assert ("Tiến độ", "40%", "70%") in refused.value.changes
    with pytest.raises(StaleEdit):
        tasks.withdraw_progress(db, people["hoa"], entry, now=NOW + HOUR, opened=second_tab.version)
    assert figures(db, task_id)[0] == 40
    tasks.withdraw_progress(db, people["hoa"], entry, now=NOW + HOUR, opened=refused.value.version)
    assert figures(db, task_id)[0] == 0


def test_a_correction_that_changes_nothing_is_said_and_not_written(month):
    db, task_id, people = month
    entry = record(db, people["hoa"], task_id, 60, note="Đã họp tổ")
    with pytest.raises(InputError, match="Chưa có gì khác"):
        tasks.correct_progress(db, people["hoa"], entry, 60, "Đã họp tổ", now=NOW + HOUR)
    assert db.scalar("SELECT corrected_at FROM progress_updates WHERE id = ?", [entry]) is None


# -- withdraw ---------------------------------------------------------------------------------------------------
def test_a_withdrawn_entry_no_longer_counts_the_task_takes_the_latest_standing_one(month):
    db, task_id, people = month
    record(db, people["hoa"], task_id, 20)
    done = record(db, people["hoa"], task_id, 100, at=NOW + HOUR, status="done", done_on="2026-12-15")
    assert tasks.status_counts(db, TODAY, date(2026, 12, 1)) == {"done": 1}
    tasks.withdraw_progress(db, people["hoa"], done, now=NOW + 2 * HOUR)
    assert figures(db, task_id) == (20, "in_progress", None)
    # every reader reads the task's figures: the board, the month's counts, the evaluation, the overview
    assert tasks.board(db, TODAY)["progress"].tolist() == [20]
    assert tasks.status_counts(db, TODAY, date(2026, 12, 1)) == {"in_progress": 1}
    assert evaluations.task_results(db, date(2026, 12, 1), TODAY)["effective_status"].tolist() == ["in_progress"]
    assert dashboard.tasks_by_field_status(db, TODAY, date(2026, 12, 1))["status"].tolist() == ["in_progress"]
    after_december = date(2027, 1, 5)  # the trend draws months that have ended
    assert dashboard.monthly_progress(db, after_december)[["done_rate", "avg_progress"]].values.tolist() == [[0.0, 20.0]]
    row = db.one("SELECT progress, withdrawn_at FROM progress_updates WHERE id = ?", [done])
    assert row == (100, NOW + 2 * HOUR)  # kept for the record, marked
    assert tasks.history(db, task_id)["kind"].iat[0] == "Cập nhật tiến độ (đã rút lại)"


def test_withdrawing_an_older_entry_leaves_the_task_on_a_newer_one(month):
    db, task_id, people = month
    mine = record(db, people["hoa"], task_id, 30)
    record(db, people["nam"], task_id, 50, at=NOW + HOUR)
    assert "giữ nguyên 50%" in tasks.withdraw_consequence(db, mine, TODAY)
    tasks.withdraw_progress(db, people["hoa"], mine, now=NOW + 2 * HOUR)
    assert figures(db, task_id)[0] == 50


def test_withdrawing_the_only_entry_gives_the_task_back_what_it_had_before(month):
    db, task_id, people = month
    entry = record(db, people["hoa"], task_id, 100, status="done")
    consequence = tasks.withdraw_consequence(db, entry, TODAY)
    assert "trở về 0% (Chưa bắt đầu)" in consequence and "Không hoàn tác được" in consequence
    assert "trở về 0% (Quá hạn)" in tasks.withdraw_consequence(db, entry, date(2026, 12, 29))  # read on its day
    tasks.withdraw_progress(db, people["hoa"], entry, now=NOW + HOUR)
    assert figures(db, task_id) == (0, "not_started", None)


def test_a_withdrawn_entry_can_be_neither_corrected_nor_withdrawn_again(month):
    db, task_id, people = month
    entry = record(db, people["hoa"], task_id, 60)
    tasks.withdraw_progress(db, people["hoa"], entry, now=NOW + HOUR)
    with pytest.raises(InputError, match="đã được rút lại"):
        tasks.correct_progress(db, people["hoa"], entry, 70, now=NOW + HOUR)
    with pytest.raises(InputError, match="đã được rút lại"):
        tasks.withdraw_progress(db, people["hoa"], entry, now=NOW + HOUR)


def test_corrections_and_withdrawals_are_audited_with_old_and_new_values(month):
    db, task_id, people = month
    entry = record(db, people["hoa"], task_id, 60, note="Bản đầu")
    tasks.correct_progress(db, people["hoa"], entry, 40, "Bản sửa", now=NOW + HOUR)
    tasks.withdraw_progress(db, people["hoa"], entry, now=NOW + 2 * HOUR)
    rows = db.records("SELECT action, entity, entity_id, before, after, username FROM audit_log"
                      " WHERE action LIKE '%cập nhật%' OR action LIKE 'tiến độ theo%' ORDER BY id")
    actions = [(r["action"], r["entity"]) for r in rows]
    assert actions == [("cập nhật tiến độ", "tasks"), ("sửa cập nhật tiến độ", "progress_updates"),
                       ("tiến độ theo cập nhật đã sửa", "tasks"), ("rút lại cập nhật tiến độ", "progress_updates"),
                       ("tiến độ theo cập nhật đã rút lại", "tasks")]
    corrected = rows[1]
    assert json.loads(corrected["before"])["progress"] == 60 and json.loads(corrected["before"])["note"] == "Bản đầu"
    assert json.loads(corrected["after"])["progress"] == 40 and json.loads(corrected["after"])["note"] == "Bản sửa"
    assert json.loads(rows[4]["before"])["progress"] == 40 and json.loads(rows[4]["after"])["progress"] == 0
    assert {r["username"] for r in rows} == {"hoa"}


def test_a_closed_month_refuses_corrections(month):
    db, task_id, people = month
    entry = record(db, people["hoa"], task_id, 60)
    db.write(lambda cur: cur.execute("INSERT INTO evaluations (month, document_id, closed_at) SELECT month, id, ?"
                                     " FROM documents", [NOW]))
    with pytest.raises(InputError, match="đã chốt"):
        tasks.withdraw_progress(db, people["hoa"], entry, now=NOW + HOUR)


# -- the window is the cell's --------------------------------------------------------------------------------------
def test_the_window_is_the_cells_setting(month):
    db, task_id, people = month
    entry = record(db, people["hoa"], task_id, 60)
    tasks.save_edit_hours(db, A, 1, opened=tasks.edit_hours_form(db).version)
    assert tasks.edit_hours(db) == 1
    with pytest.raises(InputError, match="đã quá 1 giờ"):
        tasks.correct_progress(db, people["hoa"], entry, 50, now=NOW + 2 * HOUR)
    tasks.save_edit_hours(db, A, 0)
    with pytest.raises(InputError, match="Chi bộ không cho sửa hoặc rút lại"):
        tasks.withdraw_progress(db, people["hoa"], entry, now=NOW)
    assert [e["id"] for e in tasks.editable_entries(db, people["hoa"], task_id, NOW)] == []


@pytest.mark.parametrize("hours", [-1, 721, "một ngày"])
def test_a_window_out_of_range_is_refused(fresh_db, hours):
    with pytest.raises(InputError, match="Thời hạn đảng viên sửa hoặc rút lại"):
        tasks.save_edit_hours(fresh_db, A, hours)
    assert tasks.edit_hours(fresh_db) == 24


def test_only_an_administrator_sets_the_window(fresh_db):
    with pytest.raises(PermissionDenied):
        tasks.save_edit_hours(fresh_db, Actor(13, "bithu", "chi_uy"), 48)


def test_the_author_sees_which_entries_are_still_theirs_to_change_and_until_when(month):
    db, task_id, people = month
    first = record(db, people["hoa"], task_id, 20)
    second = record(db, people["hoa"], task_id, 40, at=NOW + 3 * HOUR)
    record(db, people["nam"], task_id, 50, at=NOW + 4 * HOUR)
    found = tasks.editable_entries(db, people["hoa"], task_id, NOW + 25 * HOUR)
    assert [(e["id"], e["until"]) for e in found] == [(second, NOW + 27 * HOUR)]
    assert first not in [e["id"] for e in found]


# -- evidence -----------------------------------------------------------------------------------------------------
def test_a_photo_is_kept_with_its_entry_with_a_thumbnail(month):
    db, task_id, people = month
    photo = picture("JPEG", (1200, 900))
    entry = record(db, people["hoa"], task_id, 50, upload=evidence.Upload("IMG_0412.jpg", photo))
    files = evidence.files(db, people["nam"], task_id)
    assert files[["update_id", "file_name", "media_type", "size_bytes"]].values.tolist() == [
        [entry, "IMG_0412.jpg", "image/jpeg", len(photo)]]
    with Image.open(io.BytesIO(files["thumbnail"].iat[0])) as thumb:
        assert max(thumb.size) == evidence.THUMBNAIL_PIXELS
    assert evidence.content(db, people["nam"], entry) == photo
    assert tasks.history(db, task_id)["file_name"].iat[0] == "IMG_0412.jpg"


def test_documents_and_heic_photos_are_kept_without_a_thumbnail(month):
    db, task_id, people = month
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(100)
    record(db, people["hoa"], task_id, 30, upload=evidence.Upload("bao-cao.docx", word_file()))
    record(db, people["hoa"], task_id, 40, upload=evidence.Upload("IMG_0413.HEIC", heic))
    files = evidence.files(db, people["hoa"], task_id)
    assert files["media_type"].tolist() == ["image/heic", evidence.KINDS["docx"]]
    assert files["thumbnail"].isna().all()


@pytest.mark.parametrize("name,data,max_mb,message", [
    ("anh-lon.png", picture() + bytes(1024 * 1024), 1, "quá giới hạn 1 MB"),
    ("virus.exe", b"MZ" + bytes(100), 10, "không thuộc loại được nhận"),
    ("ghi-chu.txt", "ghi chú".encode(), 10, "không thuộc loại được nhận"),
    ("doi-ten.png", b"%PDF-1.7 " + bytes(100), 10, "không phải tệp .png"),
    ("doi-ten.docx", b"PK\x03\x04" + bytes(100), 10, "không phải tệp .docx"),
    ("rong.pdf", b"", 10, "rỗng"),
    ("hong.png", b"\x89PNG\r\n\x1a\n" + bytes(50), 10, "Không đọc được ảnh"),
])
def test_a_file_too_big_or_of_another_kind_is_refused_and_nothing_saved(month, name, data, max_mb, message):
    db, task_id, people = month
    with pytest.raises(InputError, match=message):
        record(db, people["hoa"], task_id, 50, upload=evidence.Upload(name, data), max_mb=max_mb)
    assert db.scalar("SELECT count(*) FROM progress_updates") == 0
    assert db.scalar("SELECT count(*) FROM progress_evidence") == 0
    assert figures(db, task_id)[0] == 0


def test_a_file_at_the_limit_is_taken(month):
    db, task_id, people = month
    pdf = b"%PDF-1.7\n" + bytes(1024 * 1024 - 9)
    record(db, people["hoa"], task_id, 50, upload=evidence.Upload("bien-ban.pdf", pdf), max_mb=1)
    assert db.scalar("SELECT size_bytes FROM progress_evidence") == 1024 * 1024


def test_a_file_name_loses_its_folders_and_invisible_characters(month):
    db, task_id, people = month
    record(db, people["hoa"], task_id, 50, upload=evidence.Upload("C:\\Ảnh\\bien\u200b ban.pdf", b"%PDF-1.4"))
    assert db.scalar("SELECT file_name FROM progress_evidence") == "bien ban.pdf"


def test_a_correction_replaces_or_removes_the_file_and_the_audit_names_both(month):
    db, task_id, people = month
    entry = record(db, people["hoa"], task_id, 50, upload=evidence.Upload("nham.png", picture()))
    tasks.correct_progress(db, people["hoa"], entry, 50, "50%", now=NOW + HOUR,
                           upload=evidence.Upload("dung.pdf", b"%PDF-1.4 dung"))
    assert db.one("SELECT file_name, content FROM progress_evidence WHERE update_id = ?", [entry]) == (
        "dung.pdf", b"%PDF-1.4 dung")
    logged = db.one("SELECT before, after FROM audit_log WHERE action = 'sửa cập nhật tiến độ'")
    assert "nham.png" in logged[0] and "dung.pdf" in logged[1] and "SHA-256" in logged[1]
    tasks.correct_progress(db, people["hoa"], entry, 50, "50%", now=NOW + HOUR, drop_file=True)
    assert db.scalar("SELECT count(*) FROM progress_evidence") == 0


def test_a_correction_with_a_bad_file_changes_nothing(month):
    db, task_id, people = month
    entry = record(db, people["hoa"], task_id, 50)
    with pytest.raises(InputError, match="không thuộc loại"):
        tasks.correct_progress(db, people["hoa"], entry, 70, now=NOW + HOUR, upload=evidence.Upload("a.zip", b"PK"))
    assert figures(db, task_id)[0] == 50 and db.scalar("SELECT corrected_at FROM progress_updates") is None


def test_only_those_who_see_the_tasks_progress_get_the_files(month):
    db, task_id, people = month
    entry = record(db, people["hoa"], task_id, 50, upload=evidence.Upload("anh.png", picture()))
    projector = Actor(14, "maychieu", "trinh_chieu")
    assert evidence.files(db, projector, task_id).empty
    with pytest.raises(PermissionDenied):
        evidence.content(db, projector, entry)
    assert evidence.content(db, people["bithu"], entry) == picture()


def test_a_deleted_task_takes_its_files_with_it(month):
    db, task_id, people = month
    record(db, people["hoa"], task_id, 50, upload=evidence.Upload("anh.png", picture()))
    db.write(lambda cur: tasks.delete_rows(cur, task_id))
    assert db.scalar("SELECT count(*) FROM progress_evidence") == 0


# -- backups and the file's examination ------------------------------------------------------------------------------
def _task_with_a_photo(db) -> tuple[int, bytes]:
    task_id = db.scalar("SELECT t.id FROM tasks t JOIN documents d ON d.id = t.document_id WHERE d.month = ?"
                        " AND t.status IN ('in_progress', 'not_started') ORDER BY t.id LIMIT 1", [date(2026, 11, 1)])
    photo = picture("PNG", (64, 48))
    entry = tasks.record_progress(db, A, task_id, 70, "Ảnh buổi chuyên đề", today=date(2026, 11, 21),
                                  now=datetime(2026, 11, 21, 10), upload=evidence.Upload("chuyen-de.png", photo))
    return entry, photo


def test_a_backup_and_its_restore_carry_the_evidence_file(cell_db, tmp_path):
    entry, photo = _task_with_a_photo(cell_db)
    out = backup.backup_to(cell_db, A, tmp_path / "copy.duckdb")
    cell_db.write(lambda cur: cur.execute("DELETE FROM progress_evidence"))
    backup.restore_running(cell_db, A, out, tmp_path / "backups")
    assert evidence.content(cell_db, A, entry) == photo


def test_the_examination_accepts_a_file_with_evidence_and_counts_a_file_without_its_entry(cell_db, tmp_path):
    entry, _ = _task_with_a_photo(cell_db)
    found = integrity.examine(backup.backup_to(cell_db, A, tmp_path / "with-file.duckdb"))
    assert found.problems == [] and set(found.orphans.values()) == {0}
    cell_db.write(lambda cur: cur.execute("DELETE FROM progress_updates WHERE id = ?", [entry]))
    found = integrity.examine(backup.backup_to(cell_db, A, tmp_path / "orphan.duckdb"))
    assert found.orphans["tệp minh chứng không thuộc cập nhật tiến độ nào"] == 1


def test_an_older_file_is_examined_without_the_evidence_table(tmp_path):
    older = Database(tmp_path / "v6.duckdb", migrate=False)
    from chibo import db as dbmod
    older.write(lambda cur: cur.execute(dbmod.SCHEMA_MIGRATIONS))
    for version, name, sql in dbmod.migration_files():
        if version <= 6:
            older.write(lambda cur, v=version, n=name, s=sql: (cur.execute(s), cur.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, ?)", [v, n, NOW])))
    auth.add_user(older, A, "quantri", "mat-khau-quan-tri", "quan_tri")
    cell.create(older, A, "Chi bộ Cũ", "Đảng bộ", "Đảng ủy", "Thử", 3, "", "2025-07-01", "2027-06-30")
    older.close()
    found = integrity.examine(tmp_path / "v6.duckdb")
    assert (found.version, found.problems) == (6, [])
    assert "tệp minh chứng không thuộc cập nhật tiến độ nào" not in found.orphans


@pytest.mark.parametrize("role,sees", [("quan_tri", True), ("chi_uy", True), ("dang_vien", True),
                                       ("trinh_chieu", False)])
def test_the_files_are_everyones_who_sees_the_tasks_never_the_projected_room(month, role, sees):
    db, task_id, people = month
    entry = record(db, people["hoa"], task_id, 50, upload=evidence.Upload("bien-ban.pdf", b"%PDF-1.4 rieng"))
    reader = Actor(20, "nguoi_xem", role)
    assert len(evidence.files(db, reader, task_id)) == (1 if sees else 0)
    if sees:
        assert evidence.content(db, reader, entry) == b"%PDF-1.4 rieng"
    else:
        with pytest.raises(PermissionDenied):
            evidence.content(db, reader, entry)


def test_the_sql_box_counts_no_withdrawn_entry(month):
    from chibo import queries
    db, task_id, people = month
    record(db, people["hoa"], task_id, 20, note="giữ")
    withdrawn = record(db, people["hoa"], task_id, 90, at=NOW + HOUR, note="rút")
    tasks.withdraw_progress(db, people["hoa"], withdrawn, now=NOW + 2 * HOUR)
    found = queries.run_sql(db, A, "SELECT ghi_chu, tien_do FROM cap_nhat", 10, today=TODAY)
    assert found.frame.values.tolist() == [["giữ", 20]]
