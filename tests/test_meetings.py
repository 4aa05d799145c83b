"""The meeting display's clock (chibo.meetings): the secretary starts the meeting, each agenda item's start is
recorded as the display moves on, the end closes it; the clock's figures, and the rubric's duration from them.
`now` is always passed in: no test reads the clock."""

import json
from datetime import date, datetime, time

import pytest

from chibo import agenda, audit, auth, meetings
from chibo.errors import InputError
from tests.conftest import TODAY, actor_of

A = auth.SYSTEM
AT_TWO = datetime.combine(TODAY, time(14, 0, 27))


def minutes_later(minutes: int) -> datetime:
    return datetime.combine(TODAY, time(14 + minutes // 60, minutes % 60, 5))


@pytest.fixture
def meeting_today(fresh_db):
    return meetings.create_meeting(fresh_db, A, TODAY, place="Phòng họp")


def test_the_secretary_starts_the_meeting_and_the_clock_runs_from_it(fresh_db, meeting_today):
    assert meetings.clock(fresh_db, meeting_today, AT_TWO)["starts_at"] is None
    meetings.start_meeting(fresh_db, A, meeting_today, AT_TWO)
    assert meetings.get(fresh_db, meeting_today)["starts_at"] == time(14, 0)  # to the minute, as the minutes say it
    assert meetings.clock(fresh_db, meeting_today, minutes_later(47)) == {
        "starts_at": time(14, 0), "ends_at": None, "elapsed": 47, "running": True, "minimum": 90, "today": True}
    with pytest.raises(InputError, match="đã bắt đầu lúc 14:00"):
        meetings.start_meeting(fresh_db, A, meeting_today, minutes_later(5))


def test_each_item_keeps_the_time_it_was_first_reached_and_the_end_closes_the_meeting(fresh_db, meeting_today):
    meetings.start_meeting(fresh_db, A, meeting_today, AT_TWO)
    assert meetings.record_item_start(fresh_db, A, meeting_today, "ket_qua", minutes_later(12))
    assert meetings.record_item_start(fresh_db, A, meeting_today, "chi_tieu", minutes_later(40))
    assert not meetings.record_item_start(fresh_db, A, meeting_today, "ket_qua", minutes_later(45))  # back: kept
    meetings.end_meeting(fresh_db, A, meeting_today, minutes_later(95))
    times = meetings.item_times(fresh_db, meeting_today, minutes_later(200))
    assert [(t["item"], f"{t['started_at']:%H:%M}", t["minutes"]) for t in times] == [
        ("khai_mac", "14:00", 12), ("ket_qua", "14:12", 28), ("chi_tieu", "14:40", 55)]
    clock = meetings.clock(fresh_db, meeting_today, minutes_later(200))
    assert (clock["ends_at"], clock["elapsed"], clock["running"]) == (time(15, 35), 95, False)
    assert meetings.measured_quality(fresh_db, meeting_today)["Thời gian"] == (5.0, "Sinh hoạt 95 phút (tối thiểu "
                                                                                     "90 phút).")
    assert not meetings.record_item_start(fresh_db, A, meeting_today, "bieu_quyet", minutes_later(201))  # ended


def test_the_clock_runs_only_on_the_meetings_day(fresh_db, meeting_today):
    tomorrow = datetime(2026, 11, 22, 14, 0)
    with pytest.raises(InputError, match="Buổi sinh hoạt này ngày 21/11/2026; chỉ tính giờ vào đúng ngày họp"):
        meetings.start_meeting(fresh_db, A, meeting_today, tomorrow)
    assert not meetings.record_item_start(fresh_db, A, meeting_today, "ket_qua", AT_TWO)  # not started: a page turn
    with pytest.raises(InputError, match="chưa bắt đầu tính giờ"):
        meetings.end_meeting(fresh_db, A, meeting_today, AT_TWO)
    assert fresh_db.scalar("SELECT count(*) FROM meeting_items") == 0


def test_only_who_runs_the_meeting_moves_its_clock(fresh_db, meeting_today):
    from chibo.errors import PermissionDenied
    for role in ("dang_vien", "trinh_chieu"):
        with pytest.raises(PermissionDenied):
            meetings.start_meeting(fresh_db, actor_of(role), meeting_today, AT_TWO)
    meetings.start_meeting(fresh_db, actor_of("chi_uy"), meeting_today, AT_TWO)
    assert fresh_db.scalar("SELECT count(*) FROM audit_log WHERE action = 'bắt đầu sinh hoạt'") == 1


def test_a_thematic_meeting_in_the_same_session_raises_the_minimum(fresh_db, meeting_today):
    assert meetings.clock(fresh_db, meeting_today, AT_TWO)["minimum"] == 90
    meetings.create_meeting(fresh_db, A, TODAY, kind="chuyen_de")
    assert meetings.clock(fresh_db, meeting_today, AT_TWO)["minimum"] == 120


def test_the_display_shows_start_minutes_held_and_the_minimum_red_while_short():
    running = {"starts_at": time(14, 0), "ends_at": None, "elapsed": 47, "running": True, "minimum": 90}
    assert agenda.clock_text(running) == ("🕑 Bắt đầu 14:00 · đã sinh hoạt <strong class='short'>47 phút</strong>"
                                          " · tối thiểu 90 phút")
    ended = running | {"ends_at": time(16, 5), "elapsed": 125, "running": False}
    assert agenda.clock_text(ended) == ("🕑 Bắt đầu 14:00 · sinh hoạt <strong>125 phút</strong> · kết thúc 16:05"
                                        " · tối thiểu 90 phút")
    waiting = running | {"starts_at": None, "elapsed": None}
    assert agenda.clock_text(waiting) == "🕑 Chưa bắt đầu tính giờ · tối thiểu 90 phút"


def test_the_demo_meeting_held_weeks_ago_shows_its_recorded_length(demo_db):
    meeting_id = meetings.meeting_for_month(demo_db, date(2026, 11, 1))
    clock = meetings.clock(demo_db, meeting_id, datetime.combine(TODAY, time(9, 0)))
    assert (clock["elapsed"], clock["running"], clock["today"]) == (125, False, False)


ONE_PAGE_EACH = (1,) * len(meetings.AGENDA)
THIS_MONTH = TODAY.replace(day=1)


def test_the_display_position_is_held_per_meetings_month_on_the_server_and_kept_within_the_agenda(fresh_db,
                                                                                                  meeting_today):
    secretary = actor_of("chi_uy")
    assert meetings.display_position(fresh_db, THIS_MONTH) == (0, 0)
    assert meetings.move_display(fresh_db, secretary, THIS_MONTH, 2, minutes_later(5), ONE_PAGE_EACH) == (2, 0)
    assert meetings.display_position(fresh_db, THIS_MONTH) == (2, 0)  # what every screen reads on its refresh
    assert meetings.display_position(fresh_db, TODAY) == (2, 0)  # any day of the month names its meeting
    assert meetings.move_display(fresh_db, secretary, THIS_MONTH, 99, minutes_later(6), ONE_PAGE_EACH) == (
        len(meetings.AGENDA) - 1, 0)
    assert meetings.move_display(fresh_db, secretary, THIS_MONTH, -99, minutes_later(7), ONE_PAGE_EACH) == (0, 0)


def test_next_turns_an_items_pages_before_the_next_item_and_back_opens_the_previous_items_last_page():
    pages = (1, 3, 2, 1, 1, 1)
    assert meetings.step_position(pages, 0, 0, 1) == (1, 0)
    assert meetings.step_position(pages, 1, 0, 1) == (1, 1)
    assert meetings.step_position(pages, 1, 2, 1) == (2, 0)
    assert meetings.step_position(pages, 2, 0, -1) == (1, 2)
    assert meetings.step_position(pages, 1, 1, 3) == (2, 1)
    assert meetings.step_position(pages, 5, 0, 1) == (5, 0) and meetings.step_position(pages, 0, 0, -1) == (0, 0)
    assert meetings.step_position(pages, 1, 7, 0) == (1, 2)  # the item's list got shorter: its last page


def test_a_meeting_only_planned_has_a_display_position_of_its_own(fresh_db):
    december = date(2026, 12, 1)  # no meeting recorded: the display shows the cell's planned day
    assert meetings.move_display(fresh_db, actor_of("chi_uy"), december, 1, minutes_later(1), ONE_PAGE_EACH) == (1, 0)
    assert meetings.display_position(fresh_db, december) == (1, 0)
    assert meetings.display_position(fresh_db, THIS_MONTH) == (0, 0)


def moves(db) -> list[tuple]:
    return [(user, entity_id, json.loads(before), json.loads(after)) for user, entity_id, before, after in db.rows(
        "SELECT username, entity_id, before, after FROM audit_log WHERE action = 'chuyển màn trình chiếu' ORDER BY id")]


def test_every_move_of_the_display_is_audited_with_who_moved_it_from_where_to_where(fresh_db, meeting_today):
    pages = (1, 2, 1, 1, 1, 1)
    meetings.move_display(fresh_db, actor_of("chi_uy"), THIS_MONTH, 1, minutes_later(1), pages)
    meetings.move_display(fresh_db, actor_of("trinh_chieu"), THIS_MONTH, 1, minutes_later(2), pages)
    opening, results = {"meeting_month": "11/2026", "item": "1. Khai mạc và điểm danh", "page": 1}, {
        "meeting_month": "11/2026", "item": "2. Kết quả tháng trước", "page": 1}
    assert moves(fresh_db) == [("test_chi_uy", meeting_today, opening, results),
                               ("test_trinh_chieu", meeting_today, results, results | {"page": 2})]
    assert "mục: 2. Kết quả tháng trước; buổi sinh hoạt tháng: 11/2026; trang: 2" == audit.readable(fresh_db.scalar(
        "SELECT after FROM audit_log WHERE action = 'chuyển màn trình chiếu' ORDER BY id DESC LIMIT 1"))


def test_a_move_and_its_audit_row_are_one_write(fresh_db, meeting_today, monkeypatch):
    def refused(*args, **kwargs):
        raise RuntimeError("the audit log is full")
    monkeypatch.setattr(meetings.audit, "log", refused)
    with pytest.raises(RuntimeError):
        meetings.move_display(fresh_db, actor_of("chi_uy"), THIS_MONTH, 2, minutes_later(1), ONE_PAGE_EACH)
    assert fresh_db.scalar("SELECT count(*) FROM display_position") == 0


def test_the_projector_moves_the_display_only_while_the_setting_allows(fresh_db, meeting_today):
    from chibo import cell
    from chibo.errors import PermissionDenied
    projector = actor_of("trinh_chieu")
    assert meetings.move_display(fresh_db, projector, THIS_MONTH, 1, minutes_later(1), ONE_PAGE_EACH) == (1, 0)
    cell.save_setting(fresh_db, A, meetings.PROJECTOR_MOVES, False)
    with pytest.raises(PermissionDenied):
        meetings.move_display(fresh_db, projector, THIS_MONTH, 1, minutes_later(2), ONE_PAGE_EACH)
    with pytest.raises(PermissionDenied):
        meetings.move_display(fresh_db, actor_of("dang_vien"), THIS_MONTH, 1, minutes_later(2), ONE_PAGE_EACH)
    assert meetings.display_position(fresh_db, THIS_MONTH) == (1, 0)
    assert len(moves(fresh_db)) == 1  # a refused move leaves no audit row


def test_the_secretarys_move_while_the_meeting_runs_records_when_the_item_began(fresh_db, meeting_today):
    meetings.start_meeting(fresh_db, A, meeting_today, AT_TWO)
    meetings.move_display(fresh_db, actor_of("chi_uy"), THIS_MONTH, 1, minutes_later(9), ONE_PAGE_EACH)
    assert [t["item"] for t in meetings.item_times(fresh_db, meeting_today, minutes_later(10))] == ["khai_mac", "ket_qua"]
