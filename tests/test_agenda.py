"""The meeting display's agenda items, as the projector receives them. Each item's exact text is built
here from the demo's rows, read with plain SQL where it can be, so a change to the demo changes the
expectation with it while a wrong number, name, date or grouping on the display does not pass."""

import html as markup
import re

from chibo import agenda, auth, dashboard, evaluations, meetings
from chibo.labels import FIELDS, TASK_STATUSES
from tests.conftest import TODAY


def text_of(html: str) -> str:
    """What the back of the room reads: tags dropped, entities decoded, spaces collapsed."""
    return " ".join(markup.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def items_of(html: str) -> list[str]:
    return [text_of(item) for item in re.findall(r"<li>(.*?)</li>", html)]


def on_display(db) -> dict:
    return dashboard.display_meeting(db, TODAY)


def test_every_agenda_item_is_one_block_with_its_number_title_and_refresh_note(demo_db):
    for index, (_, title) in enumerate(agenda.SECTIONS):
        html = agenda.section_html(demo_db, TODAY, index, 5)
        assert html.startswith(f"<div class='chibo-agenda'><h2>{index + 1}. {title}</h2>"), title
        assert html.endswith("<p class='refresh'>Tự làm mới mỗi 5 giây.</p></div>"), title


def test_the_opening_shows_the_roll_call_the_chair_and_who_is_absent_but_never_why(demo_db):
    meeting_id = on_display(demo_db)["meeting"]["id"]
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
    html = agenda.section_html(demo_db, TODAY, 0, 5)
    assert len({roll["present"], roll["absent_excused"], roll["absent_unexcused"]}) == 3
    assert (f"{sum(roll.values())} Tổng số đảng viên {roll['present']} Có mặt {roll.get('absent_excused', 0)} Vắng có "
            f"lý do {roll.get('absent_unexcused', 0)} Vắng không lý do") in text_of(html)
    assert f"Chủ trì: {chair} · Thư ký: {secretary} · Miễn sinh hoạt: {roll.get('exempt', 0)}" in text_of(html)
    said = {"absent_excused": "vắng có lý do", "absent_unexcused": "vắng không lý do"}
    assert absent and items_of(html) == [f"{name}: {said[status]}" for name, status, _ in absent]
    reasons = [reason for _, _, reason in absent if reason]
    assert reasons and not any(reason in html for reason in reasons)  # projected to the room: private


def test_last_months_results_are_counted_and_each_task_named_with_its_status(demo_db):
    results = evaluations.task_results(demo_db, on_display(demo_db)["previous"], TODAY)
    status = results["effective_status"]
    html = agenda.section_html(demo_db, TODAY, 1, 5)
    assert (f"{len(results)} Nhiệm vụ {(status == 'done').sum()} Đúng hạn {(status == 'done_late').sum()} Trễ hạn "
            f"{status.isin(['not_done', 'overdue']).sum()} Chưa xong") in text_of(html)
    assert status.nunique() > 1
    assert items_of(html) == [f"{title} — {TASK_STATUSES[s]}" for title, s in zip(results["title"], status)]


def test_the_targets_show_the_actual_against_the_target_with_a_light(demo_db):
    card = dashboard.lit_scorecard(demo_db, TODAY)
    shown = items_of(agenda.section_html(demo_db, TODAY, 2, 5))
    assert len(card) > 1 and shown == [
        f"{light.split()[0]} {name}: {actual or 'chưa có số liệu'} / {target}"
        for light, name, actual, target in zip(card["light"], card["name"], card["actual_shown"], card["target_shown"])]
    assert {line.split()[0] for line in shown} <= {"🟢", "🟡", "🔴"}


def test_overdue_work_names_the_lead_the_deadline_and_the_days_late(demo_db):
    late = demo_db.rows("SELECT title, lead_name(lead_member_id, lead_unit_id), deadline, progress FROM tasks"
                        " WHERE status IN ('not_started', 'in_progress') AND deadline < ? ORDER BY deadline, id", [TODAY])
    assert len(late) > 1 and items_of(agenda.section_html(demo_db, TODAY, 3, 5)) == [
        f"🔴 {title} — {lead}, hạn {deadline:%d/%m/%Y} ({(TODAY - deadline).days} ngày), {progress}%"
        for title, lead, deadline, progress in late]


def test_next_months_tasks_are_grouped_by_field_with_lead_and_deadline(demo_db):
    doc = on_display(demo_db)["resolution"]
    expected = {}
    for field, title, lead, deadline in demo_db.rows(
            "SELECT field, title, lead_name(lead_member_id, lead_unit_id), deadline FROM tasks WHERE document_id = ?",
            [doc.id]):
        expected.setdefault(FIELDS[field], []).append(f"{title} — {lead}, hạn {deadline:%d/%m/%Y}")
    html = agenda.section_html(demo_db, TODAY, 4, 5)
    groups = {text_of(label): sorted(items_of(block))
              for label, block in re.findall(r"<p><strong>(.*?)</strong></p>(<ul>.*?</ul>)", html)}
    assert len(groups) > 1 and groups == {label: sorted(items) for label, items in expected.items()}


def test_the_vote_counts_those_in_favour_against_those_present(demo_db):
    shown = on_display(demo_db)
    meeting_id = shown["meeting"]["id"]
    present = demo_db.scalar("SELECT count(*) FROM attendance WHERE meeting_id = ? AND status = 'present'", [meeting_id])
    votes = demo_db.scalar("SELECT votes_for FROM meetings WHERE id = ?", [meeting_id])
    assert (f"{votes}/{present} Tán thành Nghị quyết: {shown['resolution'].status_label}"
            in text_of(agenda.section_html(demo_db, TODAY, 5, 5)))
    meetings.record_vote(demo_db, auth.SYSTEM, meeting_id, present - 2, 2)
    assert f"{present - 2}/{present} Tán thành" in text_of(agenda.section_html(demo_db, TODAY, 5, 5))


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
