"""The cell's calendar as iCalendar (RFC 5545, written with the `icalendar` library), so phones remind people: for
the committee, the regular meetings, the chi ủy and thematic meetings and the days of the month's checklist; for a
member, the regular meetings and the deadlines of their own open tasks.

Every event keeps one UID for what it is — the regular meeting of November 2026, the task 812, the notice step of
November 2026 — so a calendar that imports the file again updates its events instead of adding them twice."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar

from chibo import cell, checklist, meetings, members, months, tasks
from chibo.db import Database
from chibo.errors import InputError
from chibo.labels import MEETING_KINDS, MONTH_STEPS, STEP_STATES, TASK_STATUSES, vn_percent
from chibo.permissions import Actor, require

MIME = "text/calendar"
TIMEZONE = ZoneInfo("Asia/Ho_Chi_Minh")
MONTHS_BEFORE, MONTHS_AHEAD = 1, 6  # the months a calendar covers around today's
OTHER_MEETINGS = ("chi_uy", "chuyen_de")  # besides the regular meeting: the committee's and the thematic meeting
# When a phone reminds: a meeting at its time the day before; a day's deadline at 8:00 the day before.
TIMED_ALARM, DAY_ALARM = timedelta(days=-1), timedelta(hours=-16)


def cell_calendar(db: Database, actor: Actor, today: date, now: datetime) -> bytes:
    """The committee's calendar: meetings and the checklist's days, from last month to six months ahead."""
    require(actor, "edit_plans")
    calendar = _calendar(f"Lịch công tác {cell.get(db).name}")
    window = _window(today)
    stamp, host = _utc(now), _host(db)
    for month in window:
        calendar.add_component(_regular_meeting(db, month, stamp, host))
        for step in checklist.month_checklist(db, month, today):
            if step.key != "meeting" and step.state != "off":
                calendar.add_component(_step_event(step, stamp, host))
    for meeting in _other_meetings(db, window[0], months.month_end(window[-1])):
        calendar.add_component(_meeting_event(db, meeting, stamp, host))
    return calendar.to_ical()


def member_calendar(db: Database, actor: Actor, member_id: int, today: date, now: datetime) -> bytes:
    """A member's calendar: the regular meetings and the deadlines of the open tasks they lead or take part in.
    A member gets their own; the committee may make anyone's."""
    if actor.member_id != member_id:
        require(actor, "edit_tasks")
    name = members.member_choices(db, active_only=False).get(member_id)
    if name is None:
        raise InputError(f"Không tìm thấy đảng viên mã {member_id}.")
    calendar = _calendar(f"Việc của đồng chí {name}")
    stamp, host = _utc(now), _host(db)
    for month in _window(today):
        calendar.add_component(_regular_meeting(db, month, stamp, host))
    for row in tasks.my_tasks(db, member_id, today).itertuples():
        calendar.add_component(_task_event(row, stamp, host))
    return calendar.to_ical()


def file_name(member_id: int | None = None) -> str:
    return "lich-chi-bo.ics" if member_id is None else f"lich-viec-cua-toi-{member_id}.ics"


# -- pieces ---------------------------------------------------------------------------------------------------------
def _calendar(name: str) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//chibo//Lịch chi bộ//VI")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", str(TIMEZONE))
    return calendar


def _window(today: date) -> list[date]:
    found = [months.month_start(today)]
    for _ in range(MONTHS_BEFORE):
        found.insert(0, months.previous_month(found[0]))
    for _ in range(MONTHS_AHEAD):
        found.append(months.next_month(found[-1]))
    return found


def _utc(moment: datetime) -> datetime:
    """Times are written in UTC, which every calendar reads alike and shows in its own zone (no VTIMEZONE needed);
    a time without a zone is Vietnam's."""
    return (moment.replace(tzinfo=TIMEZONE) if moment.tzinfo is None else moment).astimezone(UTC)


def _host(db: Database) -> str:
    """The right-hand side of every UID: this cell's, fixed when its profile was first saved, so two cells' events
    never share a UID and one cell's keep theirs."""
    created = db.scalar("SELECT created_at FROM cell")
    return f"chibo-{created:%Y%m%d%H%M%S}" if created else "chibo"


def _event(uid: str, summary: str, stamp: datetime, description: str = "", location: str = "") -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("summary", summary)
    if description:
        event.add("description", description)
    if location:
        event.add("location", location)
    return event


def _on_day(event: icalendar.Event, day, alarm: str | None) -> icalendar.Event:
    """An all-day event; reminded at 8:00 the day before."""
    day = day.date() if isinstance(day, datetime) else day  # a pandas Timestamp is a datetime: the day alone
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("transp", "TRANSPARENT")
    return _alarmed(event, DAY_ALARM, alarm)


def _timed(event: icalendar.Event, day: date, starts: time, ends: time | None, minimum: int,
           alarm: str) -> icalendar.Event:
    begin = datetime.combine(day, starts)
    event.add("dtstart", _utc(begin))
    event.add("dtend", _utc(datetime.combine(day, ends) if ends and ends > starts else begin + timedelta(minutes=minimum)))
    return _alarmed(event, TIMED_ALARM, alarm)


def _alarmed(event: icalendar.Event, trigger: timedelta, text: str | None) -> icalendar.Event:
    if text:
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", text)
        alarm.add("trigger", trigger)
        event.add_component(alarm)
    return event


def _regular_meeting(db: Database, month: date, stamp: datetime, host: str) -> icalendar.Event:
    """The month's regular meeting: as recorded (its day, time, place), else on the day the cell plans it."""
    summary = f"Sinh hoạt chi bộ thường kỳ tháng {month.month}/{month.year}"
    meeting_id = meetings.meeting_for_month(db, month)
    event = _event(f"sinh-hoat-{month:%Y-%m}@{host}", summary, stamp,
                   description="Theo lịch sinh hoạt của chi bộ." if meeting_id is None else "",
                   location=meetings.get(db, meeting_id)["place"] if meeting_id else "")
    if meeting_id is None:
        return _on_day(event, months.meeting_date(db, month), summary)
    meeting = meetings.get(db, meeting_id)
    if meeting["starts_at"] is None:
        return _on_day(event, meeting["held_on"], summary)
    return _timed(event, meeting["held_on"], meeting["starts_at"], meeting["ends_at"],
                  meetings.minimum_minutes(db, meeting), summary)


def _other_meetings(db: Database, first: date, last: date) -> list[dict]:
    return db.records(f"SELECT id, kind, held_on, starts_at, ends_at, place FROM meetings WHERE kind IN "
                      f"({', '.join('?' * len(OTHER_MEETINGS))}) AND held_on BETWEEN ? AND ? ORDER BY held_on, id",
                      [*OTHER_MEETINGS, first, last])


def _meeting_event(db: Database, meeting: dict, stamp: datetime, host: str) -> icalendar.Event:
    summary = f"{MEETING_KINDS[meeting['kind']]} ngày {meeting['held_on']:%d/%m/%Y}"
    event = _event(f"cuoc-hop-{meeting['id']}@{host}", summary, stamp, location=meeting["place"])
    if meeting["starts_at"] is None:
        return _on_day(event, meeting["held_on"], summary)
    return _timed(event, meeting["held_on"], meeting["starts_at"], meeting["ends_at"], 60, summary)


def _step_event(step: checklist.Step, stamp: datetime, host: str) -> icalendar.Event:
    done = step.state in ("done", "done_late", "short")
    what = MONTH_STEPS[step.key].split(" (")[0]  # a phone shows the first words: who drafts is in the checklist
    summary = f"{'✅ ' if done else 'Hạn: '}{what} (tháng {step.month.month}/{step.month.year})"
    description = STEP_STATES[step.state] + (f" — {step.said}" if step.said else "")
    event = _event(f"buoc-{step.key}-{step.month:%Y-%m}@{host}", summary, stamp, description=description)
    return _on_day(event, step.due, None if done else summary)


def _task_event(row, stamp: datetime, host: str) -> icalendar.Event:
    role = row.role if row.role == "Chủ trì" else f"{row.role} với {row.lead}"
    summary = f"Hạn nhiệm vụ: {row.title}"
    event = _event(f"nhiem-vu-{row.id}@{host}", summary, stamp,
                   description=f"{role}. Trạng thái: {TASK_STATUSES[row.effective_status]}, tiến độ {vn_percent(row.progress)}.")
    return _on_day(event, row.deadline, summary)
