"""The meeting display's agenda items, as the projector receives them."""

import re

from chibo import agenda, auth, dashboard, meetings
from tests.conftest import TODAY


def text_of(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def test_every_agenda_item_shows_its_title_and_content(demo_db):
    expected = ["Tổng số đảng viên", "Đúng hạn", "chưa có số liệu|/", "ngày", "hạn", "Tán thành"]
    for index, ((_, title), needle) in enumerate(zip(agenda.SECTIONS, expected)):
        html = agenda.section_html(demo_db, TODAY, index, 5)
        assert html.startswith("<div class='chibo-agenda'>") and f"{index + 1}. {title}" in html
        assert re.search(needle, text_of(html)), title
        assert "Tự làm mới mỗi 5 giây" in html


def test_the_opening_counts_match_the_roll_call(demo_db):
    meeting = dashboard.display_meeting(demo_db, TODAY)["meeting"]
    summary = meetings.attendance_summary(demo_db, meeting["id"])
    html = agenda.section_html(demo_db, TODAY, 0, 5)
    assert f"<div class='value'>{summary['present']}</div><div class='label'>Có mặt</div>" in html


def test_an_item_is_made_once_per_write_and_a_remark_appears_after_it(demo_db):
    first = agenda.section_html(demo_db, TODAY, 4, 5)
    assert agenda.section_html(demo_db, TODAY, 4, 5) is first  # kept: the refresh does no work
    meeting = dashboard.display_meeting(demo_db, TODAY)["meeting"]
    meetings.add_remark(demo_db, auth.SYSTEM, meeting["id"], "nhiem_vu", "Giao thêm cho tổ Toán & Tin")
    after = agenda.section_html(demo_db, TODAY, 4, 5)
    assert "💬 Giao thêm cho tổ Toán &amp; Tin" in after and "Giao thêm" not in first
