"""The demo-based suite's key checks, run with "today" a year after the demo's own day: a suite that
reads the clock passes in November and fails on 1 December, and this one must not."""

import pytest

from chibo import auth, dashboard, docs, documents, meetings, months, tasks, ui
from chibo.db import Database
from tests.conftest import A_YEAR_LATER, TODAY, build_demo
from tests.test_app import demo_app, present_on_display, signed_in  # noqa: F401  (fixtures and helpers)

CALENDARS = [TODAY, A_YEAR_LATER]


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory):
    """One demo cell per day, built around that day."""
    folder = tmp_path_factory.mktemp("calendars")
    return {day: build_demo(folder / f"demo-{day:%Y%m%d}.duckdb", day) for day in CALENDARS}


@pytest.fixture(params=CALENDARS, ids=lambda day: f"today={day:%Y-%m-%d}")
def today(request):
    """Overrides conftest's `today`: the tests in this file run once per calendar."""
    return request.param


@pytest.fixture
def demo_template(demo_files, today):
    """Overrides conftest's template: the demo made around the day under test (test_app's demo_app copies it)."""
    return demo_files[today]


@pytest.fixture(autouse=True)
def pages_see_the_day(monkeypatch, today, tmp_path):
    monkeypatch.setenv("CHIBO_DB", str(tmp_path / "app.duckdb"))
    monkeypatch.setenv("CHIBO_BACKUP_DIR", str(tmp_path / "backups"))
    monkeypatch.setenv("CHIBO_TODAY", today.isoformat())
    import streamlit as st
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()


@pytest.fixture
def db(demo_template, tmp_path):
    path = tmp_path / "copy.duckdb"
    path.write_bytes(demo_template.read_bytes())
    database = Database(path)
    yield database
    database.close()


def test_this_months_meeting_is_found_and_takes_the_roll_call(db, today):
    meeting = meetings.meeting_for_month(db, months.month_start(today))
    assert meeting is not None
    roll = meetings.attendance(db, auth.SYSTEM, meeting)
    rows = [{"member_id": r.member_id, "status": "present", "reason": ""} for r in roll.itertuples()
            if isinstance(r.status, str)]
    meetings.record_attendance(db, auth.SYSTEM, meeting, rows)
    assert meetings.attendance_summary(db, meeting)["present"] == len(rows)


def test_this_month_has_its_resolution_and_its_tasks_add_up(db, today):
    month = months.month_start(today)
    assert documents.monthly_resolution(db, month) is not None
    counts = tasks.status_counts(db, today, month)
    assert sum(counts.values()) == len(tasks.board(db, today, month=month)) > 0
    assert counts.get("overdue", 0) >= 1  # the demo always leaves some work late on its own day


def test_the_overview_tiles_speak_of_the_current_month(db, today):
    tiles = dashboard.tiles(db, today)
    assert tiles["month"] == months.month_start(today)


def test_the_months_resolution_exports(db, today):
    doc = documents.monthly_resolution(db, months.month_start(today))
    assert docs.export_bytes(db, auth.SYSTEM, "resolution", doc.id, today)[:2] == b"PK"


def test_the_display_shows_a_roll_call_change_on_its_next_refresh(demo_app, tmp_path, today):  # noqa: F811
    db = ui._database(str(tmp_path / "app.duckdb"))
    coming = dashboard.display_meeting(db, today)  # the next meeting, on the cell's planned day: called now
    assert coming["held_on"] > today and coming["meeting"] is None
    meeting = meetings.create_meeting(db, auth.SYSTEM, coming["held_on"])
    meetings.mark_all_present(db, auth.SYSTEM, meeting)
    at = signed_in(demo_app["trinh_chieu"]).run()
    before = present_on_display(at)
    roll = meetings.attendance(db, auth.SYSTEM, meeting)
    first_present = next(r.member_id for r in roll.itertuples() if r.status == "present")
    rows = [{"member_id": r.member_id, "status": "absent_excused" if r.member_id == first_present else r.status,
             "reason": "Đi công tác"} for r in roll.itertuples() if isinstance(r.status, str)]
    meetings.record_attendance(db, auth.SYSTEM, meeting, rows)
    at.run()
    assert present_on_display(at) == before - 1

