"""The cell's calendar: months as their first day, and the day of a month's regular meeting."""

from __future__ import annotations

import calendar
from datetime import date

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


def meeting_date(db: Database, month: date) -> date:
    profile = cell.get(db)
    return date(month.year, month.month, profile.meeting_day if profile else 3)
