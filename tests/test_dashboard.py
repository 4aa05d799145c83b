"""Each chart's data against a hand-counted month."""

from datetime import date

import pandas as pd
import pytest

from chibo import audit, auth, cell, charts, dashboard, meetings, members, plans, tasks
from chibo.errors import InputError

A = auth.SYSTEM
DEC = date(2026, 12, 1)
TODAY = date(2026, 12, 15)


@pytest.fixture
def counted(fresh_db):
    """December: Hoa leads 2 chuyên môn tasks (1 done, 1 overdue); Tổ 1 leads 1 đoàn thể task (open, not due);
    Nam partners Hoa's overdue task. November: 2 tasks, both done."""
    db = fresh_db
    cell.create(db, A, "Chi bộ Đếm", "Đảng bộ Đếm", "Đảng ủy Đếm", "Đếm", 3, "", "2025-07-01", "2027-06-30")
    hoa = members.add_member(db, A, today=TODAY, full_name="Lê Thị Hoa", gender="nu", birth_year=1980)
    nam = members.add_member(db, A, today=TODAY, full_name="Phan Văn Nam", gender="nam", birth_year=1985)
    team = members.add_unit(db, A, "Tổ 1", "to_chuyen_mon")
    nov = plans.new_monthly_draft(db, A, date(2026, 11, 1))
    plans.save_task_table(db, A, nov, [
        {"field": "tu_tuong", "title": f"Việc tháng 11 số {i}", "lead_member_id": hoa, "channel": "cuoc_hop",
         "deadline": date(2026, 11, 20)} for i in range(2)])
    for task_id, in db.rows("SELECT id FROM tasks"):
        tasks.record_progress(db, A, task_id, 100, status="done", done_on="2026-11-19", today=TODAY)
    dec = plans.new_monthly_draft(db, A, DEC)
    plans.save_task_table(db, A, dec, [
        {"field": "chuyen_mon", "title": "Xong", "lead_member_id": hoa, "channel": "cuoc_hop", "deadline": date(2026, 12, 10)},
        {"field": "chuyen_mon", "title": "Trễ", "lead_member_id": hoa, "channel": "cuoc_hop", "deadline": date(2026, 12, 12),
         "partner_ids": [nam]},
        {"field": "doan_the", "title": "Chưa đến hạn", "lead_unit_id": team, "channel": "lien_tich",
         "deadline": date(2026, 12, 28)}])
    done = db.scalar("SELECT id FROM tasks WHERE title = 'Xong'")
    tasks.record_progress(db, A, done, 100, status="done", done_on="2026-12-09", today=TODAY)
    for month, present in ((date(2026, 11, 3), 2), (date(2026, 12, 3), 1)):
        meeting = meetings.create_meeting(db, A, month)
        meetings.record_attendance(db, A, meeting, [
            {"member_id": hoa, "status": "present"},
            {"member_id": nam, "status": "present" if present == 2 else "absent_excused", "reason": "Ốm"}])
    return db


def drawn(chart) -> tuple[str, dict[str, str], list[dict]]:
    """What Vega-Lite is given (schema-checked): the mark, each channel's "field:type", and the rows; of a layered
    chart, its first layer's."""
    spec = chart.to_dict(validate=True)
    (name, rows), = spec["datasets"].items()
    assert spec["data"] == {"name": name}
    layer = spec["layer"][0] if "layer" in spec else spec
    encoding = {**spec.get("encoding", {}), **layer["encoding"]}
    channels = {channel: f"{e['field']}:{e['type']}" for channel, e in encoding.items() if "field" in e}
    return layer["mark"]["type"], channels, rows


def test_tasks_by_field_and_status_match_the_hand_count(counted):
    frame = dashboard.tasks_by_field_status(counted, TODAY, DEC)
    assert sorted(zip(frame["field"], frame["status"], frame["tasks"])) == [
        ("chuyen_mon", "done", 1), ("chuyen_mon", "overdue", 1), ("doan_the", "not_started", 1)]
    mark, channels, rows = drawn(charts.tasks_by_field(frame))
    assert mark == "bar"
    assert channels == {"y": "field_lines:nominal", "x": "tasks:quantitative", "color": "status_label:nominal",
                        "order": "status_order:quantitative"}
    assert sorted((r["field_label"], r["status_label"], r["tasks"]) for r in rows) == [
        ("Lãnh đạo các đoàn thể", "Chưa bắt đầu", 1), ("Lãnh đạo nhiệm vụ chuyên môn", "Hoàn thành", 1),
        ("Lãnh đạo nhiệm vụ chuyên môn", "Quá hạn", 1)]


def test_the_field_chart_names_every_field_in_order_on_short_lines_and_only_the_statuses_drawn(counted):
    from chibo.labels import FIELDS
    spec = charts.tasks_by_field(dashboard.tasks_by_field_status(counted, TODAY, DEC)).to_dict(validate=True)
    rows = {row: lines.split(charts.LINE_BREAK) for row, lines in
            zip(FIELDS.values(), spec["encoding"]["y"]["scale"]["domain"])}
    assert {row: " ".join(lines) for row, lines in rows.items()} == {label: label for label in FIELDS.values()}
    assert rows["Lãnh đạo nhiệm vụ chuyên môn"] == ["Lãnh đạo nhiệm vụ", "chuyên môn"]  # a phone keeps room for bars
    assert spec["encoding"]["y"]["axis"]["labelExpr"] == charts.SPLIT_LABEL
    assert spec["encoding"]["color"]["scale"] == {"domain": ["Hoàn thành", "Chưa bắt đầu", "Quá hạn"],
                                                  "range": ["#2e7d32", "#90a4ae", "#c62828"]}
    assert spec["config"]["legend"]["columns"] == 2  # fits a half-width column and a phone


def test_monthly_progress_matches_the_hand_count(counted):
    late = counted.scalar("SELECT id FROM tasks WHERE title = 'Việc tháng 11 số 1'")
    tasks.record_progress(counted, A, late, 100, status="done", done_on="2026-11-23", today=TODAY)  # due 20/11
    frame = dashboard.monthly_progress(counted, date(2027, 1, 5))  # December has ended
    assert list(frame["month"].dt.month) == [11, 12]
    assert list(frame["tasks"]) == [2, 3]
    assert list(frame["done_rate"]) == [100.0, pytest.approx(33.3)]
    assert list(frame["on_time_rate"]) == [50.0, pytest.approx(33.3)]
    mark, channels, rows = drawn(charts.monthly_progress(frame))
    assert mark == "line"
    assert channels == {"x": "month_vn:ordinal", "y": "rate:quantitative", "color": "measure:nominal"}
    assert sorted((r["month_vn"], r["measure"], r["rate"], r["rate_vn"]) for r in rows) == [
        ("11/2026", "Hoàn thành đúng hạn", 50.0, "50%"), ("11/2026", "Đã hoàn thành", 100.0, "100%"),
        ("12/2026", "Hoàn thành đúng hạn", 33.3, "33,3%"), ("12/2026", "Đã hoàn thành", 33.3, "33,3%")]


def test_workload_per_unit_and_member_count_lead_and_partner(counted):
    units = dashboard.workload_by_unit(counted, TODAY, DEC)
    assert list(zip(units["unit"], units["tasks"], units["overdue"])) == [("Tổ 1", 1, 0)]
    people = dashboard.workload_by_member(counted, TODAY, DEC)
    assert list(zip(people["member"], people["tasks"], people["overdue"])) == [
        ("Lê Thị Hoa", 2, 1), ("Phan Văn Nam", 1, 1)]
    mark, channels, rows = drawn(charts.workload(people, "member", "Khối lượng"))
    assert mark == "bar"
    assert channels == {"y": "member:nominal", "x": "n:quantitative", "yOffset": "measure:nominal",
                        "color": "measure:nominal"}
    assert sorted((r["member"], r["measure"], r["n"]) for r in rows) == [
        ("Lê Thị Hoa", "Nhiệm vụ", 2), ("Lê Thị Hoa", "Quá hạn", 1),
        ("Phan Văn Nam", "Nhiệm vụ", 1), ("Phan Văn Nam", "Quá hạn", 1)]


def test_the_trend_leaves_out_the_month_under_way_and_the_months_ahead(counted):
    plans.save_task_table(counted, A, plans.new_monthly_draft(counted, A, date(2027, 1, 1)), [
        {"field": "tu_tuong", "title": "Việc tháng sau", "lead_member_id": counted.scalar("SELECT min(id) FROM members"),
         "channel": "cuoc_hop", "deadline": date(2027, 1, 20)}])
    frame = dashboard.monthly_progress(counted, TODAY)  # 15/12: December under way, January ahead, both at 0% done
    assert list(frame["month"].dt.month) == [11]
    rows = drawn(charts.monthly_progress(frame))[2]
    assert {r["month_vn"] for r in rows} == {"11/2026"}


def test_percent_axes_and_tooltips_write_numbers_as_vietnamese_do(counted):
    frame = dashboard.attendance_by_month(counted, TODAY).assign(rate=[93.33, 50.0])
    spec = charts.attendance(frame).to_dict(validate=True)
    assert spec["config"]["locale"]["number"] == {"decimal": ",", "thousands": ".", "grouping": [3],
                                                  "currency": ["", " đ"]}  # d3-format's locale: axes «1.250», «0,5»
    bars, written = spec["layer"]
    assert bars["encoding"]["y"]["axis"]["labelExpr"] == charts.PERCENT_LABEL == "datum.label + '%'"
    assert {t["field"] for t in bars["encoding"]["tooltip"]} == {"month_vn", "present", "rate_vn"}
    assert [r["rate_vn"] for r in next(iter(spec["datasets"].values()))] == ["93,3%", "50%"]
    assert (bars["mark"]["type"], written["mark"]["type"], written["encoding"]["text"]["field"]) == ("bar", "text", "rate_vn")
    trend = charts.monthly_progress(dashboard.monthly_progress(counted, TODAY)).to_dict(validate=True)
    assert trend["encoding"]["y"]["axis"]["labelExpr"] == charts.PERCENT_LABEL
    assert {t["field"] for t in trend["encoding"]["tooltip"]} == {"month_vn", "measure", "rate_vn"}


def test_attendance_over_the_months(counted):
    frame = dashboard.attendance_by_month(counted, TODAY)
    assert list(frame["present"]) == [2, 1] and list(frame["rate"]) == [100.0, 50.0]
    mark, channels, rows = drawn(charts.attendance(frame))
    assert mark == "bar"
    assert channels == {"x": "month_vn:ordinal", "y": "rate:quantitative"}  # a band per month: bars of a width
    assert [(r["month_vn"], r["present"], r["rate"], r["rate_vn"]) for r in rows] == [
        ("11/2026", 2, 100.0, "100%"), ("12/2026", 1, 50.0, "50%")]


def test_the_tiles_of_this_month(counted):
    tiles = dashboard.tiles(counted, TODAY)
    assert (tiles["tasks"], tiles["done"], tiles["overdue"], tiles["not_started"]) == (3, 1, 1, 1)
    assert tiles["attendance"]["present"] == 1


def test_the_overdue_tile_and_the_overdue_table_count_the_same_tasks(counted):
    late = counted.scalar("SELECT id FROM tasks WHERE title = 'Việc tháng 11 số 0'")
    tasks.record_progress(counted, A, late, 50, status="in_progress", today=TODAY)  # November's, still open
    tiles, table = dashboard.tiles(counted, TODAY), dashboard.overdue_tasks(counted, TODAY)
    assert sorted(table["title"]) == ["Trễ", "Việc tháng 11 số 0"]
    assert tiles["overdue_all"] == len(table) == 2
    assert tiles["overdue"] == (table["month"] == pd.Timestamp(DEC)).sum() == 1  # the tile: this month's


def test_the_traffic_lights_rule_is_said_with_the_cells_thresholds(counted):
    dashboard.save_thresholds(counted, A, 95, 70.5)
    assert dashboard.light_rule(counted) == (
        "Mức đạt là phần đã đi được từ giá trị ban đầu đến kế hoạch. 🟢 Đạt/đúng tiến độ: từ 95%; 🟡 Cần chú ý: "
        "từ 70,5% đến dưới 95%; 🔴 Chậm: dưới 70,5%. Chỉ tiêu định tính đạt 100% khi kết quả đạt mức đề ra, 0% khi "
        "chưa. Ngưỡng do quản trị đặt trong «Cài đặt».")


def test_since_the_last_meeting_lists_newly_overdue_work_and_changes(counted):
    since = dashboard.changes_since(counted, A, date(2026, 11, 1), TODAY)
    assert list(since["overdue"]["title"]) == ["Trễ"]
    assert len(since["changes"]) > 0 and set(since["changes"]["username"]) == {"he_thong"}
    assert set(since["changes"]["who"]) == {"hệ thống"}  # the name a person goes by, never an account's name


def test_turning_the_display_is_not_listed_among_the_changes_since_the_last_meeting(counted):
    before = len(dashboard.changes_since(counted, A, date(2026, 11, 1), TODAY)["changes"])
    counted.write(lambda cur: audit.log(cur, A, meetings.DISPLAY_MOVED, "display_position", None, {}, {}))
    assert len(dashboard.changes_since(counted, A, date(2026, 11, 1), TODAY)["changes"]) == before


def test_traffic_light_thresholds_must_be_ordered(counted):
    with pytest.raises(InputError, match="thấp hơn ngưỡng xanh"):
        dashboard.save_thresholds(counted, A, 60, 60)
    assert dashboard.thresholds(counted) == dashboard.DEFAULT_THRESHOLDS
    dashboard.save_thresholds(counted, A, 95, 70)
    assert dashboard.thresholds(counted) == {"green": 95, "yellow": 70}


def _rows_of(spec):
    import pyarrow as pa
    (name, data), = spec["datasets"].items()
    assert spec["data"] == {"name": name}
    return pa.ipc.open_stream(data).read_all().to_pylist()


def test_a_chart_spec_is_valid_vega_lite_with_the_frames_rows(counted):
    import altair as alt
    frame = dashboard.workload_by_member(counted, TODAY, DEC)
    spec = charts.spec(charts.workload, frame, "member", "Khối lượng")
    rows = _rows_of(spec)
    assert sorted((r["member"], r["measure"], r["n"]) for r in rows) == [
        ("Lê Thị Hoa", "Nhiệm vụ", 2), ("Lê Thị Hoa", "Quá hạn", 1),
        ("Phan Văn Nam", "Nhiệm vụ", 1), ("Phan Văn Nam", "Quá hạn", 1)]
    inline = {**spec, "datasets": {spec["data"]["name"]: rows}}
    assert alt.Chart.from_dict(inline, validate=True).to_dict(validate=True)  # the schema accepts it
    assert "continuousWidth" not in spec["config"].get("view", {})  # no Altair theme: Streamlit sizes it


def test_a_chart_is_built_once_per_distinct_data(counted):
    built = []

    def counting(frame, big=False):
        built.append(len(frame))
        return charts.attendance(frame, big)
    frame = dashboard.attendance_by_month(counted, TODAY)
    first = charts.spec(counting, frame)
    first["title"] = "changed by a caller"
    again = charts.spec(counting, frame.copy())
    assert built == [2] and "title" in again and again["title"] != "changed by a caller"
    changed = frame.assign(present=frame["present"] + 1)
    charts.spec(counting, changed)
    charts.spec(counting, frame, True)
    assert built == [2, 2, 2]
    assert [r["present"] for r in _rows_of(charts.spec(counting, changed))] == [3, 2]


def test_the_scorecard_carries_each_targets_traffic_light(demo_db):
    from chibo import targets
    from tests.conftest import TODAY as DEMO_TODAY
    card = dashboard.lit_scorecard(demo_db, DEMO_TODAY)
    limits = dashboard.thresholds(demo_db)
    assert not card.empty
    assert list(card["light"]) == [targets.BAND_LABELS[targets.band(a, limits)] for a in card["attainment"]]


# -- the meeting on display between meetings --------------------------------------------------------------------------
NOV = date(2026, 11, 1)
JAN = date(2027, 1, 1)


def test_the_display_shows_the_meeting_held_today():
    assert dashboard.meeting_to_show(date(2026, 12, 3), {DEC: date(2026, 12, 3)}, {JAN: date(2027, 1, 4)}) == DEC


def test_between_meetings_the_display_shows_the_next_recorded_meeting():
    assert dashboard.meeting_to_show(date(2026, 11, 21), {NOV: date(2026, 11, 3), DEC: date(2026, 12, 5)}, {}) == DEC


def test_a_month_without_a_recorded_meeting_has_it_on_the_day_the_cell_plans_it():
    assert dashboard.meeting_to_show(date(2026, 11, 21), {NOV: date(2026, 11, 3)}, {DEC: date(2026, 12, 3)}) == DEC
    assert dashboard.meeting_to_show(date(2026, 11, 2), {}, {NOV: date(2026, 11, 3), DEC: date(2026, 12, 3)}) == NOV


def test_a_record_replaces_its_months_planned_day():
    # December's meeting was called early, for 30/11's week: its record wins over the planned day.
    assert dashboard.meeting_to_show(date(2026, 12, 2), {DEC: date(2026, 12, 1)}, {DEC: date(2026, 12, 3)}) is None
    assert dashboard.meeting_to_show(date(2026, 12, 2), {DEC: date(2026, 12, 1)}, {JAN: date(2027, 1, 4)}) == JAN


def test_with_nothing_to_come_nothing_is_shown():
    assert dashboard.meeting_to_show(date(2026, 11, 21), {NOV: date(2026, 11, 3)}, {}) is None


def test_the_next_meeting_on_the_demo_is_the_planned_one_of_december(demo_db):
    today = date(2026, 11, 21)
    shown = dashboard.display_meeting(demo_db, today)
    assert (shown["month"], shown["held_on"], shown["meeting"], shown["as_of"]) == (DEC, date(2026, 12, 3), None, today)
    assert shown["previous_resolution"].month == NOV  # its figures: November's work, as of today
    meeting_id = meetings.create_meeting(demo_db, A, "2026-12-05")
    assert dashboard.display_meeting(demo_db, today)["meeting"]["id"] == meeting_id
    assert dashboard.display_meeting(demo_db, today)["held_on"] == date(2026, 12, 5)


def test_the_planned_day_counts_only_inside_a_term(demo_db):
    assert dashboard.next_meeting_month(demo_db, date(2027, 5, 20)) == date(2027, 6, 1)
    assert dashboard.next_meeting_month(demo_db, date(2027, 6, 20)) is None  # July is past the term's end
    assert dashboard.display_meeting(demo_db, date(2027, 6, 20)) is None


def test_a_device_may_open_any_meeting_held_and_the_next_one(demo_db):
    today = date(2026, 11, 21)
    choices = dashboard.display_choices(demo_db, today)
    assert list(choices) == [DEC] + [date(2026, month, 1) for month in range(11, 5, -1)]
    assert choices[DEC] == "Sinh hoạt ngày 03/12/2026 — sắp tới (theo lịch định kỳ)"
    assert choices[NOV] == "Sinh hoạt ngày 03/11/2026"
    past = dashboard.display_meeting(demo_db, today, NOV)
    assert (past["held_on"], past["as_of"], past["meeting"]["id"]) == (
        date(2026, 11, 3), date(2026, 11, 3), meetings.meeting_for_month(demo_db, NOV))
