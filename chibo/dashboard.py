"""Figures for the overview and the meeting display, every one aggregated in SQL."""

from __future__ import annotations

from datetime import date

import pandas as pd

from chibo import audit, cell, documents, meetings, months, targets, validate
from chibo.db import Database, memoised
from chibo.errors import InputError
from chibo.labels import FIELDS, TASK_STATUSES, missing, vn_date, vn_percent
from chibo.permissions import Actor, require
from chibo.tasks import status_counts

DEFAULT_THRESHOLDS = {"green": 90, "yellow": 60}


def thresholds(db: Database) -> dict:
    return cell.setting(db, "traffic_lights", DEFAULT_THRESHOLDS)


def thresholds_form(db: Database):
    """What the thresholds form is opened on."""
    return cell.setting_form(db, "traffic_lights", DEFAULT_THRESHOLDS)


def save_thresholds(db: Database, actor: Actor, green, yellow, opened: str | None = None) -> None:
    """Traffic-light thresholds of the scorecard, in percent of attainment. `opened`: the version of the form
    (thresholds_form)."""
    require(actor, "settings")
    green = validate.number(green, "Ngưỡng xanh", 1, 100)
    yellow = validate.number(yellow, "Ngưỡng vàng", 0, 100)
    if yellow >= green:
        raise InputError("Ngưỡng vàng phải thấp hơn ngưỡng xanh.")
    cell.save_setting(db, actor, "traffic_lights", {"green": green, "yellow": yellow}, opened,
                      {"green": "Xanh từ", "yellow": "Vàng từ"}, "ngưỡng đèn tín hiệu")


@memoised
def tasks_by_field_status(db: Database, today: date, month: date) -> pd.DataFrame:
    frame = db.query(
        "SELECT field, effective_status AS status, count(*) AS tasks FROM month_tasks(?, ?) GROUP BY ALL"
        " ORDER BY 1, 2", [month, today])
    frame["field_label"] = frame["field"].map(FIELDS)
    frame["status_label"] = frame["status"].map(TASK_STATUSES)
    return frame


@memoised
def monthly_progress(db: Database, today: date, months: int = 12) -> pd.DataFrame:
    """Per month that has ended: share of tasks finished (on time or late), and on time alone. This month and the
    months ahead are left out: their work is not due yet, and a trend would read it as failed."""
    return db.query(
        "SELECT month, count(*) AS tasks,"
        " round(100.0 * count(*) FILTER (WHERE status = 'done') / count(*), 1) AS done_rate,"
        " round(100.0 * count(*) FILTER (WHERE effective_status = 'done') / count(*), 1) AS on_time_rate,"
        " round(avg(progress), 1) AS avg_progress"
        " FROM resolution_tasks($1) WHERE month > $1::DATE - to_months($2) AND month < date_trunc('month', $1::DATE)"
        " GROUP BY month ORDER BY month DESC", [today, months]).sort_values("month")


@memoised
def workload_by_unit(db: Database, today: date, month: date | None = None) -> pd.DataFrame:
    led = "month_tasks($2, $1)" if month else "resolution_tasks($1)"
    return db.query(
        "SELECT u.name AS unit, count(t.id) AS tasks, count(t.id) FILTER (WHERE t.overdue) AS overdue"
        f" FROM {led} t JOIN units u ON u.id = t.lead_unit_id GROUP BY u.name ORDER BY tasks DESC, unit",
        [today] + ([month] if month else []))


@memoised
def workload_by_member(db: Database, today: date, month: date | None = None, limit: int = 15) -> pd.DataFrame:
    """Tasks a member leads or takes part in, and how many of those are overdue."""
    led = "month_tasks($2, $1)" if month else "resolution_tasks($1)"
    return db.query(
        f"WITH these AS (SELECT id, lead_member_id, overdue FROM {led}),"
        " involved AS (SELECT id, lead_member_id AS member_id, overdue FROM these WHERE lead_member_id IS NOT NULL"
        "  UNION SELECT t.id, p.member_id, t.overdue FROM these t JOIN task_partners p ON p.task_id = t.id"
        "  WHERE p.member_id IS NOT NULL)"
        " SELECT m.full_name AS member, count(*) AS tasks, count(*) FILTER (WHERE i.overdue) AS overdue"
        " FROM involved i JOIN members m ON m.id = i.member_id"
        f" GROUP BY m.full_name ORDER BY overdue DESC, tasks DESC, member LIMIT {int(limit)}",
        [today] + ([month] if month else []))


@memoised
def attendance_by_month(db: Database, today: date, months: int = 12) -> pd.DataFrame:
    return db.query(
        "SELECT date_trunc('month', mt.held_on) AS month, sum(a.present) AS present,"
        " sum(a.absent_excused) AS absent_excused, sum(a.absent_unexcused) AS absent_unexcused,"
        " attendance_rate(sum(a.present), sum(a.expected)) AS rate"
        " FROM meetings mt JOIN meeting_attendance() a ON a.meeting_id = mt.id WHERE mt.kind = 'thuong_ky'"
        " AND mt.held_on > ?::DATE - to_months(?) GROUP BY 1 ORDER BY 1 DESC", [today, months]).sort_values("month")


def light_rule(db: Database) -> str:
    """How the scorecard's lights are decided, with the cell's thresholds: said beside every lit scorecard, so a red
    light on a target that looks nearly reached (97% of 100%, from 93,9%) can be read."""
    limits, lights = thresholds(db), targets.BAND_LABELS
    green, yellow = vn_percent(limits["green"]), vn_percent(limits["yellow"])
    return (f"Mức đạt là phần đã đi được từ giá trị ban đầu đến kế hoạch. {lights['xanh']}: từ {green}; "
            f"{lights['vang']}: từ {yellow} đến dưới {green}; {lights['do']}: dưới {yellow}. Chỉ tiêu định tính đạt "
            "100% khi kết quả đạt mức đề ra, 0% khi chưa. Ngưỡng do quản trị đặt trong «Cài đặt».")


@memoised
def lit_scorecard(db: Database, today: date) -> pd.DataFrame:
    """The scorecard with each target's traffic light under the cell's thresholds: `band` (targets.band) and `light`,
    e.g. '🟢 Đạt/đúng tiến độ'."""
    card = targets.scorecard(db, today)
    limits = thresholds(db)
    bands = [targets.band(a, limits) for a in card["attainment"]]
    return card.assign(band=bands, light=[targets.BAND_LABELS[b] for b in bands])


@memoised
def tiles(db: Database, today: date) -> dict:
    month = months.month_start(today)
    counts = status_counts(db, today, month)
    card = targets.scorecard(db, today)
    numeric = card["attainment"].dropna()
    last_meeting = db.scalar("SELECT id FROM meetings WHERE kind = 'thuong_ky' AND held_on <= ?"
                             " ORDER BY held_on DESC LIMIT 1", [today])
    return {
        "month": month,
        "tasks": sum(counts.values()), "done": counts.get("done", 0) + counts.get("done_late", 0),
        "in_progress": counts.get("in_progress", 0), "overdue": counts.get("overdue", 0),
        "overdue_all": status_counts(db, today).get("overdue", 0),
        "not_started": counts.get("not_started", 0),
        "attainment": round(float(numeric.mean()), 1) if len(numeric) else None,
        "targets": len(card), "targets_met": int((numeric >= 100).sum()),
        "attendance": meetings.attendance_summary(db, last_meeting) if last_meeting else None,
        "last_meeting": meetings.get(db, last_meeting) if last_meeting else None,
    }


@memoised
def overdue_tasks(db: Database, today: date, limit: int = 20) -> pd.DataFrame:
    """Open work past its deadline, of every month's resolution (the tile counts this month's: `tiles`), the
    longest overdue first."""
    return db.query(
        "SELECT id, month, title, field, lead, deadline, progress, date_diff('day', deadline, $1) AS days_late"
        " FROM resolution_tasks($1) WHERE overdue ORDER BY deadline, id LIMIT $2", [today, limit])


@memoised
def changes_since(db: Database, actor: Actor, since, today: date, limit: int = 50) -> dict:
    """'Since the last meeting': newly overdue tasks, target values recorded, and who changed what — the latter for
    those who see the audit activity, changes to accounts only for those who see the accounts."""
    overdue = db.query(
        "SELECT title, lead, deadline FROM resolution_tasks($2) WHERE deadline >= $1 AND overdue"
        " ORDER BY deadline", [since, today])
    moved = db.query(
        "SELECT tg.name, tv.recorded_on, tv.value, tv.value_text, tg.unit"
        " FROM target_values tv JOIN targets tg ON tg.id = tv.target_id WHERE tv.recorded_on >= ?"
        " ORDER BY tv.recorded_on DESC", [since])
    moved["value"] = [text if missing(value) else targets.with_unit(value, unit)  # «97%», «3 đảng viên»
                      for value, text, unit in zip(moved["value"], moved["value_text"], moved["unit"])]
    changed = db.query(
        "SELECT logged_at, username, action, entity, entity_id FROM audit_log WHERE logged_at >= ? AND ?"
        " AND (? OR entity <> 'users') AND action <> ? ORDER BY id DESC LIMIT ?",  # turning the display changes no data
        [since, actor.sees("audit_activity") == "all", actor.sees("accounts") == "all", meetings.DISPLAY_MOVED, limit])
    return {"overdue": overdue, "targets": moved, "changes": audit.with_shown_names(db, changed)}


def meeting_to_show(today: date, held: dict[date, date], planned: dict[date, date]) -> date | None:
    """The month whose regular meeting the display shows when nobody picked one: the meeting of today, else the next
    one. `held`: month -> the day of its recorded meeting; `planned`: month -> the day the cell plans it, for the months
    without a record (months.meeting_date, only days inside a term). None: nothing is scheduled."""
    coming = [(day, month) for month, day in (planned | held).items() if day >= today]
    return min(coming)[1] if coming else None


@memoised
def next_meeting_month(db: Database, today: date) -> date | None:
    """meeting_to_show on the database: recorded regular meetings from this month on, and this month's and next
    month's planned day where none is recorded (a month has one regular meeting: meetings.meeting_for_month)."""
    this = months.month_start(today)
    held = dict(db.rows("SELECT date_trunc('month', held_on)::DATE, min(held_on) FROM meetings"
                        " WHERE kind = 'thuong_ky' AND held_on >= ? GROUP BY 1", [this]))
    planned = {month: months.meeting_date(db, month) for month in (this, months.next_month(this)) if month not in held}
    return meeting_to_show(today, held, {month: day for month, day in planned.items() if cell.term_for(db, day)})


@memoised
def display_meeting(db: Database, today: date, month: date | None = None) -> dict | None:
    """The regular meeting the display shows: `month`'s (a device's pick: display_choices), else today's or the next
    one (next_meeting_month); None when none is scheduled. A meeting not recorded yet is on the day the cell plans it.
    Its figures are as of its day (`as_of`), or today for a meeting still to come."""
    month = months.month_start(month) if month else next_meeting_month(db, today)
    if month is None:
        return None
    meeting_id = meetings.meeting_for_month(db, month)
    meeting = meetings.get(db, meeting_id) if meeting_id else None
    held_on = meeting["held_on"] if meeting else months.meeting_date(db, month)
    return {"meeting": meeting, "month": month, "held_on": held_on, "today": today, "as_of": min(held_on, today),
            "previous": months.previous_month(month), "resolution": documents.monthly_resolution(db, month),
            "previous_resolution": documents.monthly_resolution(db, months.previous_month(month))}


@memoised
def display_choices(db: Database, today: date) -> dict[date, str]:
    """What a device may open on the display, newest first: every recorded regular meeting (by its month) and the
    next one if it is only planned."""
    held = db.rows("SELECT date_trunc('month', held_on)::DATE AS month, min(held_on) FROM meetings"
                   " WHERE kind = 'thuong_ky' GROUP BY 1 ORDER BY 1 DESC")
    coming = next_meeting_month(db, today)
    choices = {month: _choice_label(day, today, recorded=True) for month, day in held}
    if coming is not None and coming not in choices:
        choices = {coming: _choice_label(months.meeting_date(db, coming), today, recorded=False)} | choices
    return dict(sorted(choices.items(), reverse=True))


def _choice_label(day: date, today: date, recorded: bool) -> str:
    when = " — hôm nay" if day == today else " — sắp tới" if day > today else ""
    return f"Sinh hoạt ngày {vn_date(day)}{when}" + ("" if recorded else " (theo lịch định kỳ)")
