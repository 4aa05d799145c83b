"""The meeting display's agenda items, as the projector receives them, and how they page. Each item's exact text is
built here from the demo's rows, read with plain SQL where it can be, so a change to the demo changes the expectation
with it while a wrong number, name, date, status or grouping on the display does not pass. The layout's functions
(rows in, pages out) are pure and tested on rows made here."""

import html as markup
import re
from datetime import date, datetime

import pytest

from chibo import agenda, auth, dashboard, evaluations, meetings, tasks
from chibo.agenda import Row
from chibo.labels import FIELDS, TASK_STATUSES
from tests.conftest import TODAY, actor_of

NOV = date(2026, 11, 1)   # the demo's last meeting, held on 03/11/2026
DEC = date(2026, 12, 1)   # the next one, not recorded: the cell plans it on 03/12/2026
NOON = datetime(2026, 11, 21, 12, 0)


def text_of(html: str) -> str:
    """What the back of the room reads: tags dropped, entities decoded, spaces collapsed."""
    return " ".join(markup.unescape(re.sub(r"<[^>]+>", " ", html)).split())


ROW = re.compile(r"(?:<span class='chip tone-(\w+)'>([^<]*)</span>|<span></span>)?<div class='what'>(.*?)</div>")


def rows_of(db, month: date, index: int) -> list[tuple[str, str, str]]:
    """Every row of an agenda item over all its pages: (chip's colour, chip's words, the row's text)."""
    pages = agenda.page_counts(db, TODAY, month)[index]
    return [(tone, text_of(chip), text_of(what)) for page in range(pages)
            for tone, chip, what in ROW.findall(agenda.section_html(db, TODAY, month, index, page))]


def texts_of(db, month: date, index: int) -> list[str]:
    return [text for _, _, text in rows_of(db, month, index)]


# -- pages: rows in, pages out ----------------------------------------------------------------------------------------
def test_lines_wraps_at_word_boundaries_and_breaks_a_word_longer_than_a_line():
    assert agenda.lines("", 10) == 1
    assert agenda.lines("aaa bbb", 7) == 1
    assert agenda.lines("aaa bbb c", 7) == 2
    assert agenda.lines("x" * 25, 10) == 3
    assert agenda.lines("ab " + "x" * 25, 10) == 4


def test_a_short_list_takes_one_page_in_the_largest_type():
    rows = tuple(Row(f"Việc {n}") for n in range(4))
    assert agenda.layout(rows) == agenda.Layout(agenda.SIZES[0], ((0, 1, 2, 3),))
    assert agenda.layout(()) == agenda.Layout(agenda.SIZES[0], ((),))


def test_fewer_rows_on_one_page_get_larger_type():
    sizes = [agenda.layout(tuple(Row(f"Nhiệm vụ số {n} của tháng") for n in range(count))).size
             for count in (4, 8, 10, 12)]
    assert sizes == sorted(sizes, reverse=True) and sizes[0] == agenda.SIZES[0] and sizes[-1] == agenda.SIZES[-1]
    assert all(len(agenda.layout(tuple(Row("Việc") for _ in range(count))).pages) == 1 for count in (4, 8, 10, 12))


def page_height(rows: tuple[Row, ...], page: tuple[int, ...], size: float) -> float:
    chips, group, height = agenda.chip_width(rows), None, 0.0
    for position, index in enumerate(page):
        row = rows[index]
        if row.group and (row.group != group or position == 0):
            height += agenda.group_height(size)
        height, group = height + agenda.row_height(row, size, chips), row.group
    return height


def test_a_long_list_takes_as_few_pages_as_the_smallest_type_needs_in_the_largest_type_that_keeps_them():
    rows = tuple(Row("Kiểm tra việc chấp hành Điều lệ Đảng của đảng viên", f" — tổ {n}", chip="Quá hạn", tone="overdue")
                 for n in range(40))
    laid = agenda.layout(rows)
    fewest = len(agenda.pack(rows, agenda.SIZES[-1], agenda.HEIGHT))
    assert fewest > 2 and len(laid.pages) == fewest
    assert all(len(agenda.pack(rows, size, agenda.HEIGHT)) > fewest for size in agenda.SIZES if size > laid.size)
    assert [index for page in laid.pages for index in page] == list(range(40))  # every row once, in order
    assert max(map(len, laid.pages)) - min(map(len, laid.pages)) <= 1  # spread evenly: no page with a row or two
    assert all(page_height(rows, page, laid.size) <= agenda.HEIGHT for page in laid.pages)


def test_a_long_row_takes_more_lines_and_so_more_room():
    short, long = Row("Thu đảng phí"), Row("Thu đảng phí " * 12)
    assert agenda.row_height(long, 1.75, 0) > 2 * agenda.row_height(short, 1.75, 0)
    assert agenda.row_height(short, 2.5, 0) > agenda.row_height(short, 1.75, 0)


def test_a_groups_heading_is_counted_and_comes_again_at_the_top_of_a_page_it_continues_on():
    rows = tuple(Row(f"Nhiệm vụ số {n} của tổ chuyên môn, có hạn và người chủ trì", group="Công tác xây dựng Đảng")
                 for n in range(30))
    laid = agenda.layout(rows)
    assert len(laid.pages) > 1 and all(page_height(rows, page, laid.size) <= agenda.HEIGHT for page in laid.pages)
    drawn = agenda._rows_html([rows[i] for i in laid.pages[1]], laid.size, chips=False)
    assert drawn.count("<div class='group'>Công tác xây dựng Đảng</div>") == 1


def test_a_row_taller_than_a_page_has_a_page_to_itself():
    rows = (Row("Mở đầu"), Row("ý kiến " * 600, remark=True), Row("Kết thúc"))
    assert agenda.pack(rows, 1.75, agenda.HEIGHT) == [[0], [1], [2]]


def test_every_page_of_the_demos_meetings_fits_the_body_by_the_layouts_own_measure(demo_db):
    for month in (NOV, DEC):
        for index in range(len(agenda.SECTIONS)):
            found, laid = agenda.body(demo_db, TODAY, month, index)
            for page in laid.pages:
                assert found.top_height + page_height(found.rows, page, laid.size) <= agenda.HEIGHT, (month, index)


# -- what each item says ----------------------------------------------------------------------------------------------
def test_every_agenda_item_names_the_meeting_where_the_display_is_and_its_title(demo_db):
    for index, (_, title) in enumerate(agenda.SECTIONS):
        html = agenda.section_html(demo_db, TODAY, NOV, index, 0)
        pages = agenda.page_counts(demo_db, TODAY, NOV)[index]
        where = f"Mục {index + 1}/6" + (f" · Trang 1/{pages}" if pages > 1 else "")
        assert html.startswith("<div class='where'><span class='meeting'>Buổi sinh hoạt đã họp: Thứ Ba, 03/11/2026 · "
                               f"14:00 · Phòng họp Trường Tiểu học Sông Mây</span><span class='position'>{where}</span>"
                               f"</div><h2>{index + 1}. {title}</h2><div class='body'>"), title
    assert agenda.page_counts(demo_db, TODAY, NOV)[1] > 1  # the demo has an item that pages


def test_the_next_meeting_says_its_day_and_what_is_not_set_yet(demo_db):
    assert agenda.meeting_line(dashboard.display_meeting(demo_db, TODAY, DEC)) == (
        "Buổi sinh hoạt tới: Thứ Năm, 03/12/2026 · ngày sinh hoạt định kỳ; giờ, địa điểm chưa ghi")
    meetings.create_meeting(demo_db, auth.SYSTEM, "2026-12-04", place="Thư viện trường", starts_at="14:30")
    assert agenda.meeting_line(dashboard.display_meeting(demo_db, TODAY, DEC)) == (
        "Buổi sinh hoạt tới: Thứ Sáu, 04/12/2026 · 14:30 · Thư viện trường")


def test_a_meeting_to_come_opens_with_when_and_where_and_its_programme(demo_db):
    assert texts_of(demo_db, DEC, 0) == [f"{n}. {title}" for n, (_, title) in enumerate(agenda.SECTIONS, start=1)]
    assert ("<p class='lead'><strong>Thứ Năm, 03/12/2026 · ngày sinh hoạt định kỳ; giờ, địa điểm chưa ghi. "
            "Chương trình:</strong></p>") in agenda.section_html(demo_db, TODAY, DEC, 0, 0)
    meeting_id = meetings.create_meeting(demo_db, auth.SYSTEM, "2026-12-03")
    on_the_day = agenda.section_html(demo_db, date(2026, 12, 3), DEC, 0, 0)
    assert "Chưa điểm danh. Chương trình buổi sinh hoạt:" in on_the_day and "<div class='what'>6. Biểu quyết</div>" in on_the_day
    meetings.mark_all_present(demo_db, auth.SYSTEM, meeting_id)
    assert "Có mặt" in agenda.section_html(demo_db, date(2026, 12, 3), DEC, 0, 0)


def test_the_opening_shows_the_roll_call_the_chair_and_who_is_absent_named_but_never_why(demo_db):
    meeting_id = meetings.meeting_for_month(demo_db, NOV)
    # Two more absent without excuse, so that no two of the counts on the tiles are alike.
    roll = meetings.attendance(demo_db, auth.SYSTEM, meeting_id)
    truants = set(roll.loc[roll["status"] == "present", "member_id"][:2])
    meetings.record_attendance(demo_db, auth.SYSTEM, meeting_id, [
        {"member_id": r.member_id, "status": "absent_unexcused" if r.member_id in truants else r.status,
         "reason": r.reason} for r in roll.itertuples() if isinstance(r.status, str)])
    roll = dict(demo_db.rows("SELECT status, count(*) FROM attendance WHERE meeting_id = ? GROUP BY status",
                             [meeting_id]))
    chair, secretary = demo_db.one("SELECT c.full_name, s.full_name FROM meetings mt JOIN members c ON c.id ="
                                   " mt.chair_id JOIN members s ON s.id = mt.secretary_id WHERE mt.id = ?", [meeting_id])
    absent = demo_db.rows("SELECT m.full_name, a.status, a.reason FROM attendance a JOIN members m ON m.id = a.member_id"
                          " WHERE a.meeting_id = ? AND a.status LIKE 'absent%' ORDER BY m.full_name COLLATE vi", [meeting_id])
    html = agenda.section_html(demo_db, TODAY, NOV, 0, 0)
    assert len({roll["present"], roll["absent_excused"], roll["absent_unexcused"]}) == 3
    assert (f"{sum(roll.values())} Tổng số đảng viên {roll['present']} Có mặt {roll.get('absent_excused', 0)} Vắng có "
            f"lý do {roll.get('absent_unexcused', 0)} Vắng không lý do") in text_of(html)
    assert f"Chủ trì: {chair} · Thư ký: {secretary} · Miễn sinh hoạt: {roll.get('exempt', 0)}" in text_of(html)
    said = {"absent_excused": ("waiting", "Vắng có lý do"), "absent_unexcused": ("overdue", "Vắng không lý do")}
    assert absent and rows_of(demo_db, NOV, 0) == [(*said[status], name) for name, status, _ in absent]
    reasons = [reason for _, _, reason in absent if reason]
    assert reasons and not any(reason in html for reason in reasons)  # projected to the room: private


def test_last_months_results_are_counted_and_each_task_named_with_its_status_named_and_coloured(demo_db):
    previous = date(2026, 10, 1)
    results = evaluations.task_results(demo_db, previous, date(2026, 11, 3))  # as of the meeting's day
    status = results["effective_status"]
    html = agenda.section_html(demo_db, TODAY, NOV, 1, 0)
    assert (f"{len(results)} Nhiệm vụ {(status == 'done').sum()} Đúng hạn {(status == 'done_late').sum()} Trễ hạn "
            f"{status.isin(['in_progress', 'not_started', 'paused']).sum()} Đang làm "
            f"{status.isin(['not_done', 'overdue']).sum()} Chưa xong") in text_of(html)  # the five add up
    assert status.nunique() > 1
    assert rows_of(demo_db, NOV, 1) == [(agenda.STATUS_TONES[s], TASK_STATUSES[s], title)
                                        for title, s in zip(results["title"], status)]


def test_the_targets_show_the_actual_against_the_target_with_a_named_light(demo_db):
    card = dashboard.lit_scorecard(demo_db, date(2026, 11, 3))
    named = {"xanh": "Đạt/đúng tiến độ", "vang": "Cần chú ý", "do": "Chậm", "chua_co": "Chưa có số liệu"}
    assert len(card) > 1 and card["band"].nunique() > 1 and rows_of(demo_db, NOV, 2) == [
        (agenda.BAND_TONES[band], named[band], f"{name}: {actual or 'chưa có số liệu'} / {target}")
        for band, name, actual, target in zip(card["band"], card["name"], card["actual_shown"], card["target_shown"])]


def test_overdue_work_names_the_lead_the_deadline_and_the_days_late(demo_db):
    late = demo_db.rows("SELECT title, lead_name(lead_member_id, lead_unit_id), deadline, progress FROM tasks"
                        " WHERE status IN ('not_started', 'in_progress') AND deadline < ? ORDER BY deadline, id", [TODAY])
    assert len(late) > 1 and rows_of(demo_db, DEC, 3) == [
        ("overdue", "Quá hạn", f"{title} — {lead}, hạn {deadline:%d/%m/%Y} ({(TODAY - deadline).days} ngày), {progress}%")
        for title, lead, deadline, progress in late]


def test_a_past_meeting_shows_its_figures_as_of_its_day(demo_db):
    shown = dashboard.display_meeting(demo_db, TODAY, NOV)
    assert shown["as_of"] == date(2026, 11, 3) and dashboard.display_meeting(demo_db, TODAY, DEC)["as_of"] == TODAY
    late_then = demo_db.scalar("SELECT count(*) FROM resolution_tasks(DATE '2026-11-03') WHERE overdue")
    assert len(rows_of(demo_db, NOV, 3)) == late_then < len(rows_of(demo_db, DEC, 3))


@pytest.fixture
def asked(demo_db):
    """A member's pending extension request, with a reason that is theirs and the committee's only."""
    member, task_id = demo_db.one(
        "SELECT t.lead_member_id, t.id FROM tasks t JOIN documents d ON d.id = t.document_id WHERE d.month = ?"
        " AND t.status IN ('not_started', 'in_progress') AND t.lead_member_id IS NOT NULL AND t.deadline >= ?"
        " ORDER BY t.deadline, t.id LIMIT 1", [NOV, TODAY])
    user_id = auth.add_user(demo_db, auth.SYSTEM, "nguoi.xin", "mat-khau-dai-10", "dang_vien", member_id=member)
    member_actor = auth.Actor(user_id, "nguoi.xin", "dang_vien", member)
    tasks.request_extension(demo_db, member_actor, task_id, "2026-11-30", "Điều trị bệnh riêng, xin lùi hạn")
    title, deadline, name = demo_db.one("SELECT t.title, t.deadline, m.full_name FROM tasks t, members m"
                                        " WHERE t.id = ? AND m.id = ?", [task_id, member])
    return title, deadline, name


def test_pending_extension_requests_show_where_the_meeting_discusses_overdue_work_without_their_reason(demo_db, asked):
    title, deadline, name = asked
    shown = rows_of(demo_db, DEC, 3)
    assert shown[-1] == ("pending", "Chờ quyết định", f"{title} — {name} đề nghị hạn {deadline:%d/%m/%Y} → 30/11/2026")
    html = "".join(agenda.section_html(demo_db, TODAY, DEC, 3, page)
                   for page in range(agenda.page_counts(demo_db, TODAY, DEC)[3]))
    assert "Đề nghị gia hạn chờ chi ủy quyết định" in html and "Việc quá hạn" in html
    # The same block goes to every screen, the committee's too: the reason, which the committee reads elsewhere,
    # is not given to the projector's role, so it is never projected.
    assert "Điều trị" not in html
    assert "Điều trị" in tasks.pending_extensions(demo_db, actor_of("chi_uy"))["reason"].iloc[0]
    assert tasks.pending_extensions(demo_db, agenda.ROOM)["reason"].iloc[0] == ""


def test_a_past_meeting_does_not_show_todays_pending_requests(demo_db, asked):
    assert not any(chip == "Chờ quyết định" for _, chip, _ in rows_of(demo_db, NOV, 3))


def test_next_months_tasks_are_grouped_by_field_with_lead_and_deadline(demo_db):
    doc = dashboard.display_meeting(demo_db, TODAY, NOV)["resolution"]
    expected = {}
    for field, title, lead, deadline in demo_db.rows(
            "SELECT field, title, lead_name(lead_member_id, lead_unit_id), deadline FROM tasks WHERE document_id = ?",
            [doc.id]):
        expected.setdefault(FIELDS[field], []).append(f"{title} — {lead}, hạn {deadline:%d/%m/%Y}")
    groups: dict[str, list[str]] = {}
    for page in range(agenda.page_counts(demo_db, TODAY, NOV)[4]):
        html = agenda.section_html(demo_db, TODAY, NOV, 4, page)
        for label, block in re.findall(r"<div class='group'>(.*?)</div>((?:<div class='what'>.*?</div>)+)", html):
            groups.setdefault(text_of(label), []).extend(text_of(what) for what in re.findall(
                r"<div class='what'>(.*?)</div>", block))
    assert len(groups) > 1 and {k: sorted(v) for k, v in groups.items()} == {k: sorted(v) for k, v in expected.items()}


def test_the_vote_counts_those_in_favour_against_those_present(demo_db):
    shown = dashboard.display_meeting(demo_db, TODAY, NOV)
    meeting_id = shown["meeting"]["id"]
    present = demo_db.scalar("SELECT count(*) FROM attendance WHERE meeting_id = ? AND status = 'present'", [meeting_id])
    votes = demo_db.scalar("SELECT votes_for FROM meetings WHERE id = ?", [meeting_id])
    assert (f"{votes}/{present} Tán thành Nghị quyết: {shown['resolution'].status_label}"
            in text_of(agenda.section_html(demo_db, TODAY, NOV, 5, 0)))
    meetings.record_vote(demo_db, auth.SYSTEM, meeting_id, present - 2, 2)
    assert f"{present - 2}/{present} Tán thành" in text_of(agenda.section_html(demo_db, TODAY, NOV, 5, 0))


def test_an_item_is_made_once_per_write_and_a_remark_appears_after_it(demo_db):
    first = agenda.section_html(demo_db, TODAY, NOV, 5, 0)
    assert agenda.section_html(demo_db, TODAY, NOV, 5, 0) is first  # kept: the refresh does no work
    meeting_id = meetings.meeting_for_month(demo_db, NOV)
    meetings.add_remark(demo_db, auth.SYSTEM, meeting_id, "bieu_quyet", "Nhất trí cho tổ Toán & Tin")
    after = agenda.section_html(demo_db, TODAY, NOV, 5, 0)
    assert "<div class='remark'>💬 Nhất trí cho tổ Toán &amp; Tin</div>" in after and "Nhất trí cho" not in first


def test_the_screen_shows_the_page_every_screen_is_on_and_the_day_its_figures_are_as_of(demo_db):
    pages = agenda.page_counts(demo_db, TODAY, DEC)
    assert agenda.move(demo_db, auth.SYSTEM, TODAY, DEC, 2, NOON) == (1, 1)  # item 2 has two pages
    assert pages[1] == 2
    html = agenda.screen(demo_db, TODAY, None, NOON, 5)  # no device's pick: the next meeting, December's
    assert html.startswith("<div class='chibo-agenda screen'>") and "Mục 2/6 · Trang 2/2" in html
    assert "<div class='foot'><span>Số liệu tính đến 21/11/2026 · tự làm mới mỗi 5 giây</span></div>" in html
    assert agenda.can_step(demo_db, TODAY, DEC) == (True, True)


def test_todays_meeting_shows_its_clock_in_the_footer(demo_db):
    meeting_id = meetings.create_meeting(demo_db, auth.SYSTEM, "2026-12-03")
    december_third = date(2026, 12, 3)
    meetings.start_meeting(demo_db, auth.SYSTEM, meeting_id, datetime(2026, 12, 3, 14, 0))
    html = agenda.screen(demo_db, december_third, None, datetime(2026, 12, 3, 14, 40), 5)
    assert "Sinh hoạt chi bộ hôm nay: Thứ Năm, 03/12/2026 · 14:00" in html
    assert "🕑 Bắt đầu 14:00 · đã sinh hoạt <strong class='short'>40 phút</strong> · tối thiểu 90 phút" in html


def test_with_no_meeting_to_come_the_display_says_none_is_scheduled(demo_db):
    after_the_term = date(2027, 6, 20)  # June's meeting is past, July's falls outside the term (to 30/06/2027)
    html = agenda.screen(demo_db, after_the_term, None, datetime(2027, 6, 20, 9, 0), 5)
    assert "<h2>Chưa có lịch sinh hoạt tiếp theo</h2>" in html and "Mục" not in html


def test_the_buttons_have_somewhere_to_go_except_at_either_end_of_the_agenda(demo_db):
    assert agenda.can_step(demo_db, TODAY, DEC) == (False, True)
    end = sum(agenda.page_counts(demo_db, TODAY, DEC)) - 1
    assert agenda.move(demo_db, auth.SYSTEM, TODAY, DEC, end, NOON) == (5, 0)
    assert agenda.can_step(demo_db, TODAY, DEC) == (True, False)
    assert agenda.move(demo_db, auth.SYSTEM, TODAY, DEC, -1, NOON) == (4, agenda.page_counts(demo_db, TODAY, DEC)[4] - 1)


def contrast_with_white(colour: str) -> float:
    """WCAG's contrast ratio of white type on `colour` (#rrggbb)."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 1.05 / (0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2] + 0.05)


def test_every_status_chip_keeps_its_white_words_readable_on_a_washed_out_projector():
    assert {tone: round(contrast_with_white(colour), 1) for tone, colour in agenda.TONES.items()
            if contrast_with_white(colour) < 7} == {}
    used = set(agenda.STATUS_TONES.values()) | set(agenda.BAND_TONES.values()) | set(agenda.ABSENCE_TONES.values())
    assert used | {"pending"} == set(agenda.TONES)  # every colour named is drawn, none is missing
    assert all(f".chibo-agenda .tone-{tone} {{background: {colour}}}" in agenda.STYLE for tone, colour in agenda.TONES.items())
