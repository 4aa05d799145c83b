"""The vocabulary macros of schema/0002_vocabulary.sql, each against a hand count.

The `counted` cell (tests/test_dashboard.py): November, 2 tasks led by Hoa, both done on time.
December: "Xong" (Hoa, done on 9/12, due 10/12), "Trễ" (Hoa, due 12/12, Nam partners, open),
"Chưa đến hạn" (unit Tổ 1, due 28/12, open). Meetings 3/11 (both present) and 3/12 (Nam excused)."""

from datetime import date

import pytest

from chibo import auth, tasks
from tests.test_dashboard import DEC, TODAY, counted  # noqa: F401  (the hand-counted fixture)

NOV = date(2026, 11, 1)


def one(db, sql, params=()):
    return db.scalar(sql, list(params))


@pytest.mark.parametrize("status,deadline,as_of,expected", [
    ("in_progress", "2026-12-10", "2026-12-11", True),
    ("not_started", "2026-12-10", "2026-12-11", True),
    ("in_progress", "2026-12-10", "2026-12-10", False),  # due today is not late yet
    ("done", "2026-12-10", "2026-12-11", False),
    ("not_done", "2026-12-10", "2026-12-11", False),
    ("paused", "2026-12-10", "2026-12-11", False),
])
def test_task_overdue_is_open_work_past_its_deadline(fresh_db, status, deadline, as_of, expected):
    assert one(fresh_db, "SELECT task_overdue(?, ?::DATE, ?::DATE)", [status, deadline, as_of]) is expected


@pytest.mark.parametrize("status,done_on,expected", [
    ("done", "2026-12-11", True), ("done", "2026-12-10", False), ("done", "2026-12-01", False),
    ("in_progress", None, False),
])
def test_task_done_late_is_finished_after_the_deadline(fresh_db, status, done_on, expected):
    found = one(fresh_db, "SELECT task_done_late(?, ?::DATE, DATE '2026-12-10')", [status, done_on])
    assert bool(found) is expected


@pytest.mark.parametrize("status,done_on,as_of,expected", [
    ("done", "2026-12-09", "2026-12-20", "done"),
    ("done", "2026-12-12", "2026-12-20", "done_late"),
    ("in_progress", None, "2026-12-11", "overdue"),
    ("in_progress", None, "2026-12-10", "in_progress"),
    ("not_started", None, "2026-12-09", "not_started"),
    ("paused", None, "2026-12-20", "paused"),
    ("not_done", None, "2026-12-20", "not_done"),
])
def test_task_status_is_what_a_person_reads_on_the_day(fresh_db, status, done_on, as_of, expected):
    sql = "SELECT task_status(?, ?::DATE, DATE '2026-12-10', ?::DATE)"
    assert one(fresh_db, sql, [status, done_on, as_of]) == expected


def test_lead_name_is_the_member_else_the_unit(counted):  # noqa: F811
    leads = dict(counted.rows("SELECT title, lead_name(lead_member_id, lead_unit_id) FROM tasks"))
    assert leads["Trễ"] == "Lê Thị Hoa" and leads["Chưa đến hạn"] == "Tổ 1"
    assert one(counted, "SELECT lead_name(NULL, NULL)") is None


def test_resolution_tasks_carry_month_status_overdue_and_lead(counted):  # noqa: F811
    rows = counted.rows("SELECT month, title, effective_status, overdue, lead FROM resolution_tasks(?)"
                        " ORDER BY month, title", [TODAY])
    assert [(r[0].month, r[1], r[2], r[3], r[4]) for r in rows] == [
        (11, "Việc tháng 11 số 0", "done", False, "Lê Thị Hoa"),
        (11, "Việc tháng 11 số 1", "done", False, "Lê Thị Hoa"),
        (12, "Chưa đến hạn", "not_started", False, "Tổ 1"),
        (12, "Trễ", "overdue", True, "Lê Thị Hoa"),
        (12, "Xong", "done", False, "Lê Thị Hoa"),
    ]


def test_month_tasks_are_the_tasks_of_that_months_resolution(counted):  # noqa: F811
    december = counted.rows("SELECT title FROM month_tasks(?, ?) ORDER BY title", [DEC, TODAY])
    assert [r[0] for r in december] == ["Chưa đến hạn", "Trễ", "Xong"]
    assert one(counted, "SELECT count(*) FROM month_tasks(?, ?)", [NOV, TODAY]) == 2
    assert one(counted, "SELECT count(*) FROM month_tasks(DATE '2027-01-01', ?)", [TODAY]) == 0


def test_the_day_decides_overdue_everywhere(counted):  # noqa: F811
    before_the_deadline = date(2026, 12, 12)
    assert tasks.status_counts(counted, before_the_deadline, DEC) == {"done": 1, "not_started": 2}
    assert tasks.status_counts(counted, TODAY, DEC) == {"done": 1, "overdue": 1, "not_started": 1}


@pytest.mark.parametrize("present,expected,rate", [(1, 2, 50.0), (2, 3, 66.7), (0, 0, None), (3, 3, 100.0)])
def test_attendance_rate_is_present_over_expected(fresh_db, present, expected, rate):
    assert one(fresh_db, "SELECT attendance_rate(?, ?)", [present, expected]) == rate


def test_meeting_attendance_counts_each_meeting(counted):  # noqa: F811
    rows = counted.rows("SELECT mt.held_on, a.recorded, a.present, a.absent_excused, a.expected, a.rate"
                        " FROM meeting_attendance() a JOIN meetings mt ON mt.id = a.meeting_id ORDER BY 1")
    assert [r[1:] for r in rows] == [(2, 2, 0, 2, 100.0), (2, 1, 1, 2, 50.0)]


def test_an_exempt_member_is_recorded_but_not_expected(counted):  # noqa: F811
    meeting = one(counted, "SELECT id FROM meetings ORDER BY held_on DESC LIMIT 1")
    nam = one(counted, "SELECT id FROM members WHERE full_name = 'Phan Văn Nam'")
    counted.write(lambda cur: cur.execute("UPDATE attendance SET status = 'exempt' WHERE meeting_id = ? AND member_id = ?",
                                          [meeting, nam]))
    assert counted.one("SELECT recorded, expected, rate FROM meeting_attendance() WHERE meeting_id = ?",
                       [meeting]) == (2, 1, 100.0)


def test_no_python_module_spells_the_vocabulary_again():
    """The words live in the SQL file: no module may rebuild overdue or the lead from raw columns."""
    from pathlib import Path
    package = Path(auth.__file__).parent
    sources = "\n".join(p.read_text(encoding="utf-8") for p in package.rglob("*.py"))
    for spelled_out in ("'not_started', 'in_progress'", "THEN 'done_late'", "coalesce(m.full_name, u.name)",
                        "nullif("):
        assert spelled_out not in sources, spelled_out
