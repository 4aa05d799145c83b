"""The cell's calendar: months as their first day, and the day of a month's regular meeting."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from chibo import cell
from chibo.db import Database


def month_start(day: date) -> date:
    return date(day.year, day.month, 1)


def month_end(day: date) -> date:
    return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


def previous_month(day: date) -> date:
    return date(day.year - 1, 12, 1) if day.month == 1 else date(day.year, day.month - 1, 1)


def next_month(day: date) -> date:
    return date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)


def report_meeting(month: date) -> str:
    """Where a task of `month` reports back: the regular meeting of the month after, which evaluates it."""
    after = next_month(month)
    return f"kỳ sinh hoạt tháng {after.month}/{after.year}"


# Where the regular meeting goes when its day falls on a Saturday or a Sunday: local practice differs, so it is the
# cell's setting (meetings.DEFAULT_MEETING_RULES["weekend"], stored with the other meeting rules).
WEEKEND_MOVES = {"keep": "Giữ nguyên ngày (họp cả thứ Bảy, Chủ nhật)",
                 "before": "Họp sớm hơn, vào thứ Sáu liền trước",
                 "after": "Họp muộn hơn, vào thứ Hai liền sau"}
WEEKEND_DEFAULT = "keep"


def planned_meeting_day(month: date, meeting_day: int, weekend: str = WEEKEND_DEFAULT) -> date:
    """The day of a month's regular meeting: the cell's day of the month, moved off a weekend if the cell says so.
    A move that would leave the month goes the other way (the 1st on a Sunday cannot become the 30th before)."""
    day = date(month.year, month.month, meeting_day)
    if day.weekday() < 5 or weekend not in ("before", "after"):
        return day
    friday, monday = day - timedelta(days=day.weekday() - 4), day + timedelta(days=7 - day.weekday())
    moved = friday if weekend == "before" else monday
    return moved if moved.month == month.month else (monday if moved == friday else friday)


def meeting_date(db: Database, month: date) -> date:
    profile = cell.get(db)
    weekend = cell.setting(db, "meeting_rules", {}).get("weekend", WEEKEND_DEFAULT)
    return planned_meeting_day(month, profile.meeting_day if profile else 3, weekend)
