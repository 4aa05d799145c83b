"""The calendars (chibo.calendar_ics), parsed back with the same library (icalendar): the committee's events —
meetings as held or planned, chi ủy and thematic meetings, the checklist's days —, UIDs that stay the same from one
export to the next so a phone updates instead of duplicating, a member's deadlines and only theirs, and the CLI."""

import io
import sys
from datetime import UTC, date, datetime, time, timedelta

import icalendar
import pytest

from chibo import auth, calendar_ics, checklist, cli, meetings, tasks
from chibo.errors import InputError, PermissionDenied
from tests.conftest import TODAY, actor_of

A = auth.SYSTEM
NOW = datetime.combine(TODAY, time(9, 30))
DEC = date(2026, 12, 1)


def events(data: bytes) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(data)
    found = {str(event["uid"]).split("@")[0]: event for event in calendar.walk("VEVENT")}
    assert len(found) == len(calendar.walk("VEVENT"))  # no UID twice
    return found


def test_the_committees_calendar_holds_the_meetings_and_the_checklists_days(demo_db):
    found = events(calendar_ics.cell_calendar(demo_db, A, TODAY, NOW))
    held = found["sinh-hoat-2026-11"]  # as recorded: 14:00–16:05, Vietnam time
    assert (held.decoded("dtstart"), held.decoded("dtend")) == (datetime(2026, 11, 3, 7, 0, tzinfo=UTC),
                                                                  datetime(2026, 11, 3, 9, 5, tzinfo=UTC))
    assert str(held["location"]) == "Phòng họp Trường Tiểu học Sông Mây"
    planned = found["sinh-hoat-2026-12"]  # not recorded yet: a day, on the cell's meeting day
    assert planned.decoded("dtstart") == date(2026, 12, 3) and "Sinh hoạt chi bộ thường kỳ tháng 12/2026" == str(
        planned["summary"])
    assert [key for key in found if key.startswith("sinh-hoat-")] == [
        f"sinh-hoat-{m}" for m in ("2026-10", "2026-11", "2026-12", "2027-01", "2027-02", "2027-03", "2027-04",
                                   "2027-05")]
    notice = found["buoc-notice-2026-12"]
    assert notice.decoded("dtstart") == date(2026, 11, 30)
    assert str(notice["summary"]) == ("Hạn: Thông báo thời gian, địa điểm, nội dung cho đảng viên và đồng chí Đảng ủy "
                                      "viên phụ trách (tháng 12/2026)")
    assert notice.walk("VALARM")[0].decoded("trigger") == timedelta(hours=-16)  # at 8:00 the day before
    done = found["buoc-draft-2026-11"]
    assert str(done["summary"]).startswith("✅ Chuẩn bị dự thảo nghị quyết") and not done.walk("VALARM")
    assert not any(key.startswith("buoc-meeting") for key in found)  # the meeting is its own event


def test_chi_uy_and_thematic_meetings_are_in_the_committees_calendar_and_a_step_switched_off_is_not(demo_db):
    chi_uy = meetings.create_meeting(demo_db, A, "2026-11-28", kind="chi_uy", place="Phòng Hiệu trưởng",
                                     starts_at="16:30")
    meetings.save_meeting_rules(demo_db, A, {"off_steps": ["notice"]})
    found = events(calendar_ics.cell_calendar(demo_db, A, TODAY, NOW))
    event = found[f"cuoc-hop-{chi_uy}"]
    assert str(event["summary"]) == "Họp chi ủy ngày 28/11/2026"
    assert event.decoded("dtstart") == datetime(2026, 11, 28, 9, 30, tzinfo=UTC)
    assert not any(key.startswith("buoc-notice") for key in found)


def test_the_uids_stay_the_same_from_one_export_to_the_next_so_a_phone_updates(demo_db, committee):
    first = events(calendar_ics.cell_calendar(demo_db, A, TODAY, NOW))
    checklist.mark_done(demo_db, committee, DEC, "notice", TODAY, TODAY)
    second = events(calendar_ics.cell_calendar(demo_db, A, TODAY, datetime(2026, 11, 21, 15, 0)))
    assert {str(e["uid"]) for e in first.values()} == {str(e["uid"]) for e in second.values()}  # whole UIDs, host too
    assert str(first["buoc-notice-2026-12"]["summary"]).startswith("Hạn: ")
    assert str(second["buoc-notice-2026-12"]["summary"]).startswith("✅ ")  # the same event, now done
    assert first["buoc-notice-2026-12"].decoded("dtstamp") < second["buoc-notice-2026-12"].decoded("dtstamp")


def test_a_members_calendar_holds_their_own_open_deadlines_and_only_theirs(demo_db):
    # A member who leads open work and takes part in a unit's: both kinds of row reach their calendar.
    member = next(m for (m,) in demo_db.rows("SELECT DISTINCT p.member_id FROM task_partners p JOIN tasks t"
                                             " ON t.id = p.task_id WHERE t.lead_unit_id IS NOT NULL ORDER BY 1")
                  if {"Chủ trì", "Phối hợp"} <= set(tasks.my_tasks(demo_db, m, TODAY)["role"]))
    own = tasks.my_tasks(demo_db, member, TODAY)
    found = events(calendar_ics.member_calendar(demo_db, actor_of("dang_vien", member), member, TODAY, NOW))
    deadlines = {key: event for key, event in found.items() if key.startswith("nhiem-vu-")}
    assert set(deadlines) == {f"nhiem-vu-{task_id}" for task_id in own["id"]}
    for row in own.itertuples():
        event = deadlines[f"nhiem-vu-{row.id}"]
        assert event.decoded("dtstart") == row.deadline.date() and str(event["summary"]) == f"Hạn nhiệm vụ: {row.title}"
        said = "Chủ trì." if row.role == "Chủ trì" else f"Phối hợp với {row.lead}."
        assert str(event["description"]).startswith(said)
    others = demo_db.rows("SELECT id FROM tasks WHERE id NOT IN (SELECT id FROM tasks WHERE lead_member_id = ?"
                          " UNION SELECT task_id FROM task_partners WHERE member_id = ?)", [member, member])
    assert not {f"nhiem-vu-{task_id}" for (task_id,) in others} & set(found)
    assert not any(key.startswith(("buoc-", "cuoc-hop-")) for key in found)  # the committee's days are not theirs
    assert "sinh-hoat-2026-12" in found  # the meetings they attend are


def test_a_member_gets_only_their_own_calendar_and_the_committee_anyones(demo_db):
    member, other = [r[0] for r in demo_db.rows("SELECT id FROM members ORDER BY id LIMIT 2")]
    with pytest.raises(PermissionDenied):
        calendar_ics.member_calendar(demo_db, actor_of("dang_vien", member), other, TODAY, NOW)
    with pytest.raises(PermissionDenied):
        calendar_ics.cell_calendar(demo_db, actor_of("dang_vien", member), TODAY, NOW)
    assert events(calendar_ics.member_calendar(demo_db, actor_of("chi_uy"), other, TODAY, NOW))
    with pytest.raises(InputError, match="Không tìm thấy đảng viên mã 99999"):
        calendar_ics.member_calendar(demo_db, A, 99999, TODAY, NOW)


def test_the_calendar_command_writes_a_file_the_library_reads_back(demo_template, tmp_path, monkeypatch, capsys):
    import shutil
    monkeypatch.setenv("CHIBO_TODAY", TODAY.isoformat())
    path = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_template, path)
    out = tmp_path / "lich.ics"
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert cli.main(["calendar", "--db", str(path), "--out", str(out)]) == 0
    found = events(out.read_bytes())
    assert "sinh-hoat-2026-11" in found and "buoc-issued-2026-11" in found
    assert capsys.readouterr().out == f"Đã ghi lịch {out} ({len(found)} sự kiện).\n"
    member = tmp_path / "cua-toi.ics"
    assert cli.main(["calendar", "--db", str(path), "--out", str(member), "--member-id", "99999"]) == 2
    assert capsys.readouterr().err == "Lỗi: Không tìm thấy đảng viên mã 99999.\n" and not member.exists()
