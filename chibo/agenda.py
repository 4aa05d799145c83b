"""What the meeting display shows for each agenda item: one block of HTML per item, made once per
write. The projector asks for it every few seconds; between writes the answer cannot change, and a
single block is one element for Streamlit to send instead of a dozen. Every text that people typed
(names, task titles, remarks) is escaped."""

from __future__ import annotations

from datetime import date
from html import escape

from chibo import dashboard, evaluations, meetings, members, plans
from chibo.db import Database, memoised
from chibo.labels import ATTENDANCE, FIELDS, TASK_STATUSES, missing, vn_date, vn_percent

SECTIONS = meetings.AGENDA

# The display's look: large type for the back of a classroom. Shown once per page, outside the refresh.
STYLE = """<style>
.chibo-agenda h2 {font-size: 2.6rem; margin: 0.4rem 0 1rem}
.chibo-agenda p, .chibo-agenda li {font-size: 1.6rem; line-height: 1.5}
.chibo-agenda .tiles {display: flex; gap: 1.5rem; flex-wrap: wrap; margin-bottom: 1rem}
.chibo-agenda .tile {flex: 1 1 12rem}
.chibo-agenda .tile .value {font-size: 3.5rem; font-weight: 700; line-height: 1.2}
.chibo-agenda .tile .label {font-size: 1.2rem; opacity: 0.8}
.chibo-agenda .note {padding: 0.8rem 1rem; border-radius: 0.5rem; background: rgba(28, 131, 225, 0.1)}
.chibo-agenda .good {background: rgba(33, 195, 84, 0.12)}
.chibo-agenda blockquote {font-size: 1.6rem; border-left: 0.3rem solid #b71c1c; margin: 0.6rem 0; padding-left: 1rem}
.chibo-agenda .refresh {font-size: 1rem; opacity: 0.6}
.chibo-agenda .clock {font-size: 1.5rem; margin: 0 0 0.4rem; font-variant-numeric: tabular-nums}
.chibo-agenda .clock.short strong {color: #c62828}
</style>"""


@memoised
def section_html(db: Database, today: date, index: int, refresh_seconds: int) -> str:
    """Agenda item `index` of the meeting on display, with the remarks recorded for it."""
    context = dashboard.display_meeting(db, today)
    key, title = SECTIONS[index]
    parts = [f"<h2>{index + 1}. {escape(title)}</h2>", *_BODIES[key](db, context, today)]
    parts += [f"<blockquote>💬 {escape(row.text)}" + (f" — {escape(row.speaker)}" if isinstance(row.speaker, str)
                                                      else "") + "</blockquote>"
              for row in _remarks(db, context["meeting"]["id"], key)]
    parts.append(f"<p class='refresh'>Tự làm mới mỗi {refresh_seconds} giây.</p>")
    return "<div class='chibo-agenda'>" + "".join(parts) + "</div>"


def clock_html(clock: dict) -> str:
    """The meeting's clock above the agenda (meetings.clock): when it began, how long it has run, the minimum; the
    minutes held show red while short of the minimum."""
    minimum = f"tối thiểu {clock['minimum']} phút"
    if clock["starts_at"] is None:
        said = f"🕑 Chưa bắt đầu tính giờ · {minimum}"
    else:
        parts = [f"🕑 Bắt đầu {clock['starts_at']:%H:%M}"]
        if clock["elapsed"] is not None:
            parts.append(f"{'đã sinh hoạt' if clock['running'] else 'sinh hoạt'} <strong>{clock['elapsed']} phút</strong>")
        if clock["ends_at"] is not None:
            parts.append(f"kết thúc {clock['ends_at']:%H:%M}")
        said = " · ".join([*parts, minimum])
    short = clock["elapsed"] is not None and clock["elapsed"] < clock["minimum"]
    return f"<div class='chibo-agenda'><p class='clock{' short' if short else ''}'>{said}</p></div>"


def _remarks(db: Database, meeting_id: int, key: str):
    notes = meetings.remarks(db, meeting_id)
    return notes[notes["section"] == key].itertuples()


def _text(value) -> str:
    return "" if missing(value) else escape(str(value))


def _tiles(pairs: list[tuple[str, object]]) -> str:
    return "<div class='tiles'>" + "".join(
        f"<div class='tile'><div class='value'>{escape(str(value))}</div><div class='label'>{escape(label)}</div></div>"
        for label, value in pairs) + "</div>"


def _items(lines: list[str]) -> str:
    """A bullet list of lines that are already HTML."""
    return "<ul>" + "".join(f"<li>{line}</li>" for line in lines) + "</ul>" if lines else ""


def _note(text: str, good: bool = False) -> str:
    return f"<p class='note{' good' if good else ''}'>{escape(text)}</p>"


def _opening(db: Database, context: dict, today: date) -> list[str]:
    meeting = context["meeting"]
    summary = meetings.attendance_summary(db, meeting["id"])
    # Names and whether excused, never the reason: the display is projected to the room (and to the projector's
    # account, which sees no absence reasons).
    absent = [f"{escape(name)}: {ATTENDANCE[status].lower()}" for name, status in summary["absent_names"]]
    return [_tiles([("Tổng số đảng viên", summary["total"]), ("Có mặt", summary["present"]),
                    ("Vắng có lý do", summary["absent_excused"]), ("Vắng không lý do", summary["absent_unexcused"])]),
            f"<p>Chủ trì: <strong>{escape(meeting['chair'] or '—')}</strong> · Thư ký: "
            f"<strong>{escape(meeting['secretary'] or '—')}</strong> · Miễn sinh hoạt: {summary['exempt']}</p>",
            _items(absent)]


def _last_month(db: Database, context: dict, today: date) -> list[str]:
    if not context["previous_resolution"]:
        return [_note("Không có nghị quyết tháng trước.")]
    figures = evaluations.figures(db, context["previous"], today)
    results = evaluations.task_results(db, context["previous"], today)
    return [_tiles([("Nhiệm vụ", figures["tasks"]), ("Đúng hạn", figures["done_on_time"]),
                    ("Trễ hạn", figures["done_late"]), ("Chưa xong", figures["not_done"] + figures["overdue"])]),
            _items([f"{escape(row.title)} — <strong>{TASK_STATUSES[row.effective_status]}</strong>"
                    for row in results.itertuples()])]


def _targets(db: Database, context: dict, today: date) -> list[str]:
    card = dashboard.lit_scorecard(db, today)
    if card.empty:
        return [_note("Chưa có chỉ tiêu.")]
    return [_items([f"{row.light.split()[0]} {escape(row.name)}: "
                    f"<strong>{escape(row.actual_shown or 'chưa có số liệu')}</strong> / {escape(row.target_shown)}"
                    for row in card.itertuples()])]


def _overdue(db: Database, context: dict, today: date) -> list[str]:
    late = dashboard.overdue_tasks(db, today)
    if late.empty:
        return [_note("Không có việc quá hạn.", good=True)]
    return [_items([f"🔴 {escape(row.title)} — {_text(row.lead)}, hạn {vn_date(row.deadline)} "
                    f"({row.days_late} ngày), {vn_percent(row.progress)}" for row in late.itertuples()])]


def _next_month(db: Database, context: dict, today: date) -> list[str]:
    doc = context["resolution"]
    if not doc:
        return [_note("Chưa có dự thảo nghị quyết cho tháng này.")]
    frame = plans.task_table(db, doc.id)
    people, units = members.member_choices(db, False), members.unit_choices(db)
    parts = []
    for field, rows in frame.groupby("field", sort=False):
        parts.append(f"<p><strong>{escape(FIELDS[field])}</strong></p>")
        parts.append(_items([f"{escape(row.title)} — "
                             f"{escape(people.get(row.lead_member_id) or units.get(row.lead_unit_id) or '')}, "
                             f"hạn {vn_date(row.deadline)}" for row in rows.itertuples()]))
    return parts


def _vote(db: Database, context: dict, today: date) -> list[str]:
    meeting_id = context["meeting"]["id"]
    summary = meetings.attendance_summary(db, meeting_id)
    parts = [_tiles([("Tán thành", f"{meetings.get(db, meeting_id)['votes_for'] or 0}/{summary['present']}")])]
    if context["resolution"]:
        parts.append(f"<p>Nghị quyết: <strong>{escape(context['resolution'].status_label)}</strong></p>")
    return parts


_BODIES = {"khai_mac": _opening, "ket_qua": _last_month, "chi_tieu": _targets, "ton_tai": _overdue,
           "nhiem_vu": _next_month, "bieu_quyet": _vote}
