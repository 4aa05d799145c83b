"""Every page, run server-side with AppTest on the demo database."""

import functools
import re
import shutil
import time
from datetime import date
from pathlib import Path

import duckdb
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from chibo import agenda, auth, backup, config, meetings, members, resets, tasks, ui
from chibo.db import Database
from chibo.labels import vn_number

APP = str(Path(__file__).resolve().parent.parent / "app.py")

PAGES = {
    "screens/overview.py": "Tổng quan",
    "screens/my_tasks.py": "Việc của tôi",
    "screens/tasks.py": "Bảng nhiệm vụ",
    "screens/units.py": "Đơn vị và kiểm tra, giám sát",
    "screens/queries.py": "Tra cứu",
    "screens/plan_month.py": "Nghị quyết thường kỳ",
    "screens/program.py": "Chương trình hành động",
    "screens/evaluation.py": "Đánh giá tháng",
    "screens/members.py": "Đảng viên và đơn vị",
    "screens/settings.py": "Cài đặt",
    "screens/admin.py": "Quản trị",
}


@pytest.fixture(autouse=True)
def isolated_app(tmp_path, monkeypatch, today):
    """Each test its own database file (settings are read afresh: conftest), no Streamlit cache carried
    over, and the app living on the demo's own day (CHIBO_TODAY), as the browser journeys' server does."""
    monkeypatch.setenv("CHIBO_TODAY", today.isoformat())
    monkeypatch.setenv("CHIBO_DB", str(tmp_path / "app.duckdb"))
    monkeypatch.setenv("CHIBO_BACKUP_DIR", str(tmp_path / "backups"))
    st.cache_resource.clear()
    st.cache_data.clear()
    yield
    st.cache_resource.clear()


@pytest.fixture
def demo_app(tmp_path, demo_template):
    shutil.copyfile(demo_template, tmp_path / "app.duckdb")
    db = Database(tmp_path / "app.duckdb")
    admin_id = auth.add_user(db, auth.SYSTEM, "quantri", "mat-khau-quan-tri", "quan_tri")
    secretary = db.scalar("SELECT id FROM members WHERE party_role = 'bi_thu'")
    member_id = auth.add_user(db, auth.SYSTEM, "bithu", "mat-khau-bi-thu", "dang_vien", member_id=secretary)
    projector = auth.add_user(db, auth.SYSTEM, "maychieu", "mat-khau-chieu", "trinh_chieu")
    db.close()
    return {"quan_tri": admin_id, "dang_vien": member_id, "trinh_chieu": projector}


def signed_in(user_id: int) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["user_id"] = user_id
    at.session_state["db_identity"] = ui._database(str(config.load().db_path)).identity  # as ui.sign_in stamps it
    at.session_state["last_seen"] = time.time()
    return at


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [t.value for t in at.title] + [c.value for c in at.caption]
    parts += [i.value for i in at.info] + [s.value for s in at.subheader]
    return "\n".join(str(p) for p in parts)


def create_admin() -> AppTest:
    """First start: the administrator form; returns the next screen in the same session."""
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.text_input[0].input("quantri")
    at.text_input[2].input("mat-khau-quan-tri")
    at.text_input[3].input("mat-khau-quan-tri")
    at.button[0].click().run()
    assert not at.exception and not at.error
    # AppTest keeps the page it ran last; a browser lands on the router's new default page.
    return signed_in(at.session_state["user_id"]).run()


def test_first_start_asks_for_the_administrator_before_anything_else():
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert at.title[0].value == "Chào mừng đến với chibo"
    assert "tài khoản quản trị" in texts(at)
    assert len(at.text_input) == 4 and not at.metric
    welcome = create_admin()
    assert any("Dùng thử với chi bộ mẫu" in t.label for t in welcome.tabs)


def test_a_bad_setting_is_shown_at_start_and_nothing_else_runs(monkeypatch):
    monkeypatch.setenv("CHIBO_IDLE_MINUTES", "abc")
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert [e.value for e in at.error] == ["Biến môi trường CHIBO_IDLE_MINUTES phải là số nguyên dương (đang là «abc»)."]
    assert not at.title and not at.text_input


def test_mismatched_admin_passwords_are_refused():
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.text_input[0].input("quantri")
    at.text_input[2].input("mat-khau-quan-tri")
    at.text_input[3].input("mat-khau-khac-nhau")
    at.button[0].click().run()
    assert "không khớp" in at.error[0].value


def test_the_welcome_screen_loads_the_demo_cell():
    at = create_admin()
    next(b for b in at.button if b.label == "Tải chi bộ mẫu").click().run()
    assert not at.exception
    again = signed_in(at.session_state["user_id"]).run()
    assert again.title[0].value == "Tổng quan"
    assert {m.label for m in again.metric} >= {"Quá hạn trong tháng", "Đạt chỉ tiêu (bình quân)"}


def test_the_welcome_screen_refuses_a_bad_profile():
    at = create_admin()
    next(b for b in at.button if b.label == "Lưu hồ sơ chi bộ").click().run()
    assert "Tên chi bộ không được để trống" in at.error[0].value


def test_a_wrong_password_is_refused_on_the_login_screen(demo_app):
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert at.title[0].value == "Đăng nhập chibo"
    at.text_input[0].input("quantri")
    at.text_input[1].input("sai-mat-khau")
    at.button[0].click().run()
    assert "không đúng" in at.error[0].value
    at.text_input[1].input("mat-khau-quan-tri")
    at.button[0].click().run()
    assert not at.error and at.session_state["user_id"] == demo_app["quan_tri"]
    assert signed_in(at.session_state["user_id"]).run().title[0].value == "Tổng quan"


def test_a_password_set_from_the_command_line_works_on_the_sign_in_page_at_once(demo_app, tmp_path):
    resets.request(tmp_path / "app.duckdb", "quantri", "mat-khau-tu-dong-lenh")  # what the CLI leaves
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.text_input[0].input("quantri")
    at.text_input[1].input("mat-khau-tu-dong-lenh")
    at.button[0].click().run()
    assert not at.error and at.session_state["user_id"] == demo_app["quan_tri"]


def test_an_idle_session_ends(demo_app):
    at = signed_in(demo_app["quan_tri"])
    at.session_state["last_seen"] = time.time() - 10 * 3600
    at.run()
    assert at.title[0].value == "Đăng nhập chibo"
    assert "hết hạn" in at.info[0].value


@pytest.mark.parametrize("page,title", list(PAGES.items()))
def test_every_page_runs_and_shows_real_content(demo_app, page, title):
    at = signed_in(demo_app["quan_tri"]).run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    assert at.title[0].value == title
    assert not at.error


TABBED = {"screens/admin.py": "admin_tab", "screens/evaluation.py": "evaluation_tab", "screens/members.py": "members_tab",
          "screens/plan_month.py": "plan_month_tab", "screens/program.py": "program_tab", "screens/queries.py": "queries_tab",
          "screens/settings.py": "settings_tab", "screens/units.py": "units_tab"}


@pytest.mark.parametrize("page,key", list(TABBED.items()))
def test_every_tab_runs_only_when_open_and_shows_content(demo_app, page, key):
    at = signed_in(demo_app["quan_tri"]).run()
    at.switch_page(page).run()
    labels = [tab.label for tab in at.tabs]
    assert len(labels) >= 2
    for label in labels:
        at.session_state[key] = label
        at.run()
        assert not at.exception, (label, at.exception)
        filled = [tab for tab in at.tabs if tab.children]
        assert [tab.label for tab in filled] == [label]  # only the open tab ran


def test_a_failed_query_shows_a_vietnamese_sentence_and_keeps_the_original_folded(demo_app):
    at = signed_in(demo_app["dang_vien"]).run()
    at.switch_page("screens/queries.py").run()
    at.session_state["queries_tab"] = "SQL nâng cao"
    at.run()
    at.text_area[0].input("SELECT khong_co FROM nhiem_vu -- thử")
    next(b for b in at.button if b.label == "Chạy").click().run()
    assert [e.value for e in at.error] == [ui.plain("Tên cột không đúng: không có cột «khong_co».")]  # shown as text
    folded = next(e for e in at.expander if e.label == "Chi tiết")
    assert "Referenced column" in folded.code[0].value


def test_a_month_is_chosen_as_year_then_month_so_the_lists_stay_short(demo_app):
    at = signed_in(demo_app["quan_tri"]).run()
    at.switch_page("screens/tasks.py").run()
    year, month = at.selectbox[0], at.selectbox[1]
    assert year.label == "Năm" and year.options[-1] == "Tất cả các năm" and len(year.options) <= 3
    assert month.label == "Tháng" and 1 <= len(month.options) <= 12 and month.index == 0  # the newest month
    year.select_index(len(year.options) - 1).run()
    assert [s.label for s in at.selectbox][:2] == ["Năm", "Lĩnh vực"]  # every month: no month list


def test_the_new_month_expander_runs_its_content_only_when_opened(demo_app):
    at = signed_in(demo_app["quan_tri"]).run()
    at.switch_page("screens/plan_month.py").run()
    assert not at.exception and "Tạo dự thảo" not in [b.label for b in at.button]
    at.session_state["new_resolution"] = True
    at.run()
    assert "Tạo dự thảo" in [b.label for b in at.button]


def test_the_overview_shows_figures_from_the_database(demo_app):
    at = signed_in(demo_app["quan_tri"]).run()
    labels = {m.label: m.value for m in at.metric}
    assert labels["Dự sinh hoạt lần gần nhất"] == "31/32"  # the demo's November meeting: 33 members, 1 exempt, 1 absent
    assert labels["Quá hạn trong tháng"].isdigit()
    drawn = at.get("vega_lite_chart")
    assert len(drawn) == 5 and all(chart.proto.datasets for chart in drawn)
    again = at.run().get("vega_lite_chart")  # a rerun draws the kept specs, unchanged
    assert [c.proto.spec for c in again] == [c.proto.spec for c in drawn]


def test_every_table_of_the_overview_also_goes_on_paper_whole_and_in_words(demo_app):
    import re
    from html import unescape
    at = signed_in(demo_app["quan_tri"]).run()
    papers = [e.proto.body for e in at.get("html") if e.proto.body.startswith("<div class='chibo-print'>")]
    assert len(papers) == len(at.dataframe)  # each grid, a picture of the rows in view, has its copy for paper
    late = next(p for p in papers if "Trễ (ngày)" in p)
    overdue = int(re.search(r"mọi nghị quyết tháng: (\d+) việc", " ".join(c.value for c in at.caption))[1])
    assert late.count("<tr>") == min(overdue, 20)  # the body rows (the head row has a style): all, however tall
    cells = [unescape(c) for p in papers for c in re.findall(r"<td>(.*?)</td>", p, re.S)]
    assert not {"None", "nan", "NaN", "<NA>", "True", "False"} & set(cells)


def test_a_cell_on_paper_is_written_as_a_person_reads_it():
    import numpy as np
    import pandas as pd
    assert [ui._on_paper(v) for v in (None, float("nan"), pd.NA, pd.NaT, True, np.bool_(False), 93.33, np.float64(1250.5),
                                      ["Lan", "Hoa"], np.array(["Nam"]), pd.Timestamp(2026, 11, 3), 60, "Quá hạn")] == [
        "", "", "", "", "có", "không", "93,33", "1.250,5", "Lan, Hoa", "Nam", "03/11/2026", "60", "Quá hạn"]


def member_account(path, member_id: int) -> int:
    db = Database(path)
    user_id = auth.add_user(db, auth.SYSTEM, "dangvien", "mat-khau-dang-vien", "dang_vien", member_id=member_id)
    db.close()
    return user_id


def test_a_member_sees_their_own_tasks(demo_app, tmp_path, today):
    db = Database(tmp_path / "app.duckdb")
    busiest = max((r[0] for r in db.rows("SELECT id FROM members ORDER BY id")), key=lambda m: len(tasks.my_tasks(db, m, today)))
    db.close()
    at = signed_in(member_account(tmp_path / "app.duckdb", busiest)).run()
    at.switch_page("screens/my_tasks.py").run()
    assert not at.exception and not at.success
    db = ui._database(str(tmp_path / "app.duckdb"))
    name = db.scalar("SELECT full_name FROM members WHERE id = ?", [busiest])
    mine = tasks.my_tasks(db, busiest, today)
    assert len(mine) > 1
    assert {m.label: m.value for m in at.metric} == {
        "Nhiệm vụ đang mở": str(len(mine)), "Đến hạn trong 7 ngày": str(int(mine["due_soon"].sum())),
        "Quá hạn": str(int((mine["effective_status"] == "overdue").sum()))}
    shown = at.dataframe[0].value
    assert list(shown["Nhiệm vụ"]) == list(mine["title"])
    assert all(name in f"{lead} {partners}" for lead, partners in zip(shown["Chủ trì"], shown["Phối hợp"]))
    assert at.caption[0].value == f"Đồng chí {name} · các nhiệm vụ chủ trì hoặc phối hợp chưa kết thúc"


def test_a_member_lands_on_their_own_tasks_and_the_committee_on_the_overview(demo_app, tmp_path, today):
    db = Database(tmp_path / "app.duckdb")
    busiest = max((r[0] for r in db.rows("SELECT id FROM members ORDER BY id")), key=lambda m: len(tasks.my_tasks(db, m, today)))
    db.close()
    member = signed_in(member_account(tmp_path / "app.duckdb", busiest)).run()
    assert [t.value for t in member.title] == ["Việc của tôi"]
    admin = signed_in(demo_app["quan_tri"]).run()
    assert [t.value for t in admin.title] == ["Tổng quan"]


def test_a_member_with_nothing_open_is_told_so(demo_app, tmp_path, today):
    db = Database(tmp_path / "app.duckdb")
    newcomer = members.add_member(db, auth.SYSTEM, today=today, full_name="Nguyễn Văn Mới", gender="nam",
                                  birth_year=1995)
    db.close()
    at = signed_in(member_account(tmp_path / "app.duckdb", newcomer)).run()
    at.switch_page("screens/my_tasks.py").run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Đồng chí không có nhiệm vụ nào đang mở."]
    assert not at.metric and not at.dataframe


def test_the_projector_account_sees_no_edit_controls(demo_app):
    at = signed_in(demo_app["trinh_chieu"]).run()
    assert not at.exception
    assert not at.expander and not at.text_input and not at.data_editor
    labels = {b.label for b in at.button}
    assert labels <= {"◀ Trước", "Tiếp ▶", "Đăng xuất"}


def shown_on_display(at: AppTest) -> str:
    """The agenda item on the projector (one HTML block, see chibo.agenda)."""
    return "".join(h.value for h in at.get("html") if "chibo-agenda" in h.value and "<style>" not in h.value)


def position_on_display(at: AppTest) -> str:
    """«Mục 2/6 · Trang 1/2», as the display's header says where it is."""
    return re.search(r"<span class='position'>(.*?)</span>", shown_on_display(at)).group(1)


def test_the_display_walks_the_agenda_page_by_page(demo_app, tmp_path, today):
    at = signed_in(demo_app["trinh_chieu"]).run()
    assert "1. Khai mạc và điểm danh" in shown_on_display(at)
    pages = agenda.page_counts(ui._database(str(tmp_path / "app.duckdb")), today, date(2026, 12, 1))  # the next
    expected = [f"Mục {item + 1}/6" + (f" · Trang {page + 1}/{count}" if count > 1 else "")
                for item, count in enumerate(pages) for page in range(count)]
    assert sum(pages) > len(pages)  # the demo's next meeting has an item of more than one page
    walked = [position_on_display(at)]
    while not at.button(key="display_next").disabled:
        at.button(key="display_next").click().run()
        walked.append(position_on_display(at))
    assert walked == expected
    at.button(key="display_prev").click().run()
    assert position_on_display(at) == expected[-2]
    assert "5. Nhiệm vụ tháng tới" in shown_on_display(at)


def present_on_display(at: AppTest) -> int:
    html = shown_on_display(at)
    return int(re.search(r"<div class='value'>(\d+)</div><div class='label'>Có mặt</div>", html).group(1))


def test_a_change_made_elsewhere_shows_on_the_next_refresh(demo_app, tmp_path, today):
    at = signed_in(demo_app["trinh_chieu"]).run()
    assert "Có mặt" not in shown_on_display(at)  # December's meeting, planned, not called yet
    db = ui._database(str(tmp_path / "app.duckdb"))
    meeting = meetings.create_meeting(db, auth.SYSTEM, "2026-12-03")
    meetings.mark_all_present(db, auth.SYSTEM, meeting)
    at.run()
    before = present_on_display(at)
    roll = meetings.attendance(db, auth.SYSTEM, meeting)
    rows = [{"member_id": r.member_id, "status": "absent_excused" if i == 0 else r.status, "reason": "Đi công tác"}
            for i, r in enumerate(roll.itertuples()) if isinstance(r.status, str)]
    meetings.record_attendance(db, auth.SYSTEM, meeting, rows)
    at.run()
    assert present_on_display(at) == before - 1
    assert "Đi công tác" not in shown_on_display(at)  # an absence's reason is never projected


def test_a_committee_device_opens_any_meeting_and_moves_no_other_screen(demo_app):
    committee = signed_in(demo_app["quan_tri"]).run()
    committee.switch_page("screens/display.py").run()
    assert "Buổi sinh hoạt tới: Thứ Năm, 03/12/2026" in shown_on_display(committee)
    committee.selectbox(key="display_month").select(date(2026, 10, 1)).run()
    assert not committee.exception
    assert "Buổi sinh hoạt đã họp: Thứ Bảy, 03/10/2026" in shown_on_display(committee)
    projector = signed_in(demo_app["trinh_chieu"]).run()
    assert "Buổi sinh hoạt tới: Thứ Năm, 03/12/2026" in shown_on_display(projector)
    assert not [s for s in projector.selectbox if s.key == "display_month"]  # the projector's account has no picker


def test_the_secretary_calls_the_planned_meeting_from_the_display(demo_app, tmp_path):
    at = signed_in(demo_app["quan_tri"]).run()
    at.session_state["display_secretary"] = True
    at.switch_page("screens/display.py").run()
    assert not [b for b in at.button if b.label == "Lưu điểm danh"]
    next(b for b in at.button if b.label == "Tạo buổi sinh hoạt ngày 03/12/2026").click().run()
    assert not at.exception and not at.error
    db = ui._database(str(tmp_path / "app.duckdb"))
    assert meetings.meeting_for_month(db, date(2026, 12, 1)) is not None
    assert [b for b in at.button if b.label == "Lưu điểm danh"]  # the roll call of the meeting now called


def refresh_display(at: AppTest) -> AppTest:
    """The display's self-refresh as the browser asks for it: its fragment rerun alone, not the page
    (AppTest has no public way to ask; the bench does the same, chibo.bench._fragment_runner)."""
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import local_script_runner
    plain_rerun, plain_init = local_script_runner.RerunData, PagesManager.__init__

    def served_pages(manager, *args, **kwargs):
        # AppTest forgets, on each run, that the router uses st.navigation, and a run of the fragment alone
        # never tells it; the server learns it once for good. Without this, the full rerun an ended session
        # asks for would run screens/display.py as a page of its own instead of the router.
        plain_init(manager, *args, **kwargs)
        PagesManager.uses_pages_directory = False
    local_script_runner.RerunData = functools.partial(
        plain_rerun, fragment_id_queue=list(at._fragment_storage._fragments), is_fragment_scoped_rerun=True,
        is_auto_rerun=True)
    PagesManager.__init__ = served_pages
    try:
        return at.run()
    finally:
        local_script_runner.RerunData, PagesManager.__init__ = plain_rerun, plain_init


def test_the_display_refresh_stops_showing_data_once_the_account_is_disabled(demo_app, tmp_path):
    at = signed_in(demo_app["trinh_chieu"]).run()
    assert "Khai mạc" in shown_on_display(refresh_display(at))
    auth.set_active(ui._database(str(tmp_path / "app.duckdb")), auth.SYSTEM, "maychieu", False)
    refresh_display(at)
    assert not shown_on_display(at) and at.title[0].value == "Đăng nhập chibo"
    assert "vô hiệu hóa" in at.info[0].value


def test_the_display_refresh_ends_an_idle_session_and_does_not_count_as_activity(demo_app):
    at = signed_in(demo_app["trinh_chieu"]).run()
    at.session_state["last_seen"] = time.time() - 50 * 60  # idle for 50 of the 60 minutes
    assert "Khai mạc" in shown_on_display(refresh_display(at))
    assert time.time() - at.session_state["last_seen"] > 49 * 60  # the refresh left it idle
    at.session_state["last_seen"] = time.time() - 61 * 60
    refresh_display(at)
    assert not shown_on_display(at) and at.title[0].value == "Đăng nhập chibo"
    assert "hết hạn" in at.info[0].value


def test_text_people_typed_cannot_inject_markup_into_the_display(demo_app, tmp_path, today):
    at = signed_in(demo_app["trinh_chieu"]).run()
    db = ui._database(str(tmp_path / "app.duckdb"))
    meeting = meetings.create_meeting(db, auth.SYSTEM, "2026-12-03")  # the meeting on display
    meetings.add_remark(db, auth.SYSTEM, meeting, "khai_mac", "<img src=x onerror=alert(1)> ý kiến")
    at.run()
    shown = shown_on_display(at)
    assert "&lt;img src=x onerror=alert(1)&gt; ý kiến" in shown and "<img" not in shown


def test_an_empty_cell_says_so_plainly(tmp_path):
    from chibo import cell
    db = Database(tmp_path / "app.duckdb")
    admin_id = auth.add_user(db, auth.SYSTEM, "quantri", "mat-khau-quan-tri", "quan_tri")
    cell.create(db, auth.SYSTEM, "Chi bộ Mới", "Đảng bộ Mới", "Đảng ủy Mới", "Mới", 3, "", "2026-01-01", "2028-12-31")
    db.close()
    for page in ["screens/overview.py", *PAGES]:
        at = signed_in(admin_id).run()
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        assert not at.error, page
    at = signed_in(admin_id).run()
    assert any("chưa có nhiệm vụ" in i.value.lower() or "chưa có" in i.value.lower() for i in at.info)
    assert not at.get("vega_lite_chart")


def test_creating_a_draft_closes_the_new_month_box_so_a_second_click_cannot_make_another(demo_app, tmp_path):
    at = signed_in(demo_app["quan_tri"]).run()
    at.switch_page("screens/plan_month.py").run()
    at.session_state["new_resolution"] = True
    at.run()
    next(b for b in at.button if b.label == "Tạo dự thảo").click().run()
    assert not at.exception and not at.error
    assert "Tạo dự thảo" not in [b.label for b in at.button]
    db = ui._database(str(tmp_path / "app.duckdb"))
    assert db.scalar("SELECT count(*) FROM documents WHERE kind = 'nq_thang' AND month = DATE '2026-12-01'") == 1


def test_the_export_tab_lists_the_months_documents_and_records_an_upload(demo_app, tmp_path, today):
    from chibo import docs, documents
    db = ui._database(str(tmp_path / "app.duckdb"))
    november = documents.monthly_resolution(db, today.replace(day=1))
    docs.export_bytes(db, auth.SYSTEM, "minutes", november.id, today)  # the minutes exist, without a number
    at = signed_in(demo_app["quan_tri"]).run()
    at.switch_page("screens/plan_month.py").run()
    at.session_state["plan_month_tab"] = "Xuất văn bản"
    at.run()
    assert not at.exception, at.exception
    listed = [m.value for m in at.markdown if m.value.startswith("- ")]
    assert "- Biên bản: chưa đăng, chưa gửi" in listed and "- Nghị quyết thường kỳ số 06: chưa đăng, chưa gửi" in listed
    next(b for b in at.button if b.label == "Ghi nhận").click().run()
    assert not at.exception and not at.error
    again = signed_in(demo_app["quan_tri"])
    again.session_state["plan_month_tab"] = "Xuất văn bản"
    again.run().switch_page("screens/plan_month.py").run()
    assert any(m.value.startswith("- Nghị quyết thường kỳ số 06: đăng Sổ tay ngày 21/11/2026") for m in again.markdown)


def test_the_secretary_records_the_minutes_facts_and_a_named_speaker_from_the_display(demo_app, tmp_path, today):
    at = signed_in(demo_app["quan_tri"]).run()
    at.session_state["display_month"] = date(2026, 11, 1)  # this device opens November's meeting
    at.session_state["display_secretary"] = True
    at.switch_page("screens/display.py").run()
    assert not at.exception, at.exception
    db = ui._database(str(tmp_path / "app.duckdb"))
    member = db.scalar("SELECT min(id) FROM members WHERE status = 'active'")
    next(s for s in at.selectbox if s.label == "Người phát biểu").set_value(member)
    next(t for t in at.text_input if t.label == "Ý kiến, ghi chú").input("Nhất trí với báo cáo.")
    next(b for b in at.button if b.label == "Ghi ý kiến").click().run()
    next(t for t in at.text_area if t.label == "Kết luận của đồng chí chủ trì").input("Chi bộ thống nhất cao.")
    next(b for b in at.button if b.label == "Ghi vào biên bản").click().run()
    assert not at.exception and not at.error
    assert db.scalar("SELECT speaker_id FROM meeting_remarks WHERE text = 'Nhất trí với báo cáo.'") == member
    assert db.scalar("SELECT body FROM document_sections WHERE section = 'bb_ket_luan'") == "Chi bộ thống nhất cao."
    at.run()  # the form shows what the minutes now hold
    assert next(t for t in at.text_area if t.label == "Kết luận của đồng chí chủ trì").value == "Chi bộ thống nhất cao."


def test_a_remark_is_saved_in_one_run_and_an_empty_one_is_refused_beside_the_form(demo_app, tmp_path, monkeypatch):
    db = ui._database(str(tmp_path / "app.duckdb"))
    meetings.create_meeting(db, auth.SYSTEM, "2026-12-03")  # the meeting on display (the next one, on 21/11)
    at = signed_in(demo_app["quan_tri"]).run()
    at.switch_page("screens/display.py").run()
    at.session_state["display_secretary"] = True
    at.run()
    runs, real = [], ui.show_success
    monkeypatch.setattr(ui, "show_success", lambda: (runs.append(1), real())[1])
    next(t for t in at.text_input if t.label == "Ý kiến, ghi chú").input("Đề nghị bổ sung chỉ tiêu.")
    next(b for b in at.button if b.label == "Ghi ý kiến").click().run()
    assert not at.exception and not at.error
    assert len(runs) == 1  # saved on the click: the one run shows the message
    assert [s.value for s in at.success] == ["Đã ghi ý kiến."]
    assert db.scalar("SELECT section FROM meeting_remarks WHERE text = 'Đề nghị bổ sung chỉ tiêu.'") == "khai_mac"
    next(b for b in at.button if b.label == "Ghi ý kiến").click().run()  # nothing typed
    assert [e.value for e in at.error] == ["Ý kiến không được để trống."] and not at.success
    assert db.scalar("SELECT count(*) FROM meeting_remarks WHERE text = ''") == 0


def test_a_success_message_survives_the_extra_rerun_that_closing_a_box_asks_for(demo_app):
    at = signed_in(demo_app["quan_tri"]).run()
    at.switch_page("screens/plan_month.py").run()
    at.session_state["new_resolution"] = True
    at.run()
    next(b for b in at.button if b.label == "Tạo dự thảo").click().run()
    assert [s.value for s in at.success] == ["Đã tạo dự thảo nghị quyết tháng 12/2026."]
    at.run()  # the browser's own rerun after the box closes
    assert [s.value for s in at.success] == ["Đã tạo dự thảo nghị quyết tháng 12/2026."]
    at.run()
    assert not at.success  # and then it is gone


# -- text people typed is shown as text -------------------------------------------------------------------
MARKUP = "![a](http://x.example/a.png) :red[**Gấp**] <b>đậm</b>"


def shown_markdown(at: AppTest) -> list[str]:
    """Every text the page renders as Markdown: blocks, captions, messages, and widget labels."""
    blocks = [*at.markdown, *at.caption, *at.title, *at.subheader, *at.info, *at.success, *at.error, *at.warning]
    labels = [*at.checkbox, *at.button, *at.text_area, *at.text_input, *at.number_input]
    return [str(b.value) for b in blocks] + [w.label for w in labels]


def shown_as_text(at: AppTest, typed: str) -> bool:
    shown = shown_markdown(at)
    return any(ui.plain(typed) in s for s in shown) and not any(typed in s for s in shown)


def test_markup_in_a_task_title_is_shown_as_text_where_the_task_opens(demo_app, tmp_path):
    db = ui._database(str(tmp_path / "app.duckdb"))
    from chibo import plans
    draft = plans.new_monthly_draft(db, auth.SYSTEM, date(2026, 12, 1), [])
    lead = db.scalar("SELECT min(id) FROM members WHERE status = 'active'")
    plans.save_task_table(db, auth.SYSTEM, draft, [{"field": "chuyen_mon", "title": MARKUP, "lead_member_id": lead,
                                                    "deadline": "2026-12-20"}])
    task_id = db.scalar("SELECT id FROM tasks WHERE document_id = ?", [draft])
    at = signed_in(demo_app["quan_tri"]).run()
    at.switch_page("screens/tasks.py").run()
    next(s for s in at.selectbox if s.label == "Tháng").select(date(2026, 12, 1)).run()  # the draft's month
    at.selectbox(key="board_open").select(task_id).run()
    assert not at.exception
    assert f"### {ui.plain(MARKUP)}" in shown_markdown(at)
    assert shown_as_text(at, MARKUP)


def test_markup_in_a_units_plan_is_shown_as_text_to_a_member(demo_app, tmp_path):
    db = ui._database(str(tmp_path / "app.duckdb"))
    unit = db.scalar("SELECT id FROM units WHERE active ORDER BY kind = 'to_chuyen_mon', name LIMIT 1")
    tasks.set_unit_plan(db, auth.SYSTEM, unit, MARKUP)
    at = signed_in(demo_app["dang_vien"]).run()
    at.switch_page("screens/units.py").run()
    assert not at.exception
    assert shown_as_text(at, MARKUP)


def test_a_message_quoting_what_was_typed_shows_it_as_text(demo_app):
    at = signed_in(demo_app["quan_tri"]).run()
    at.switch_page("screens/members.py").run()
    at.session_state["members_tab"] = "Đơn vị, đoàn thể"
    at.run()
    for _ in range(2):  # the second time it is a duplicate, refused with its name quoted
        next(t for t in at.text_input if t.label == "Tên đơn vị mới").input(MARKUP)
        next(b for b in at.button if b.label == "Thêm đơn vị").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [f"Đã có đơn vị «{ui.plain(MARKUP)}»."]


@pytest.mark.parametrize("typed,shown", [
    ("# Họp\n- một\n2. hai\n===", "\\# Họp  \n\\- một  \n2\\. hai  \n\\==="),
    ("$x^2$ ~~gạch~~ `mã` a_b_c | ô", "\\$x^2\\$ \\~\\~gạch\\~\\~ \\`mã\\` a\\_b\\_c \\| ô"),
    (":red[đỏ] :material/home: lúc 14:30", "\\:red\\[đỏ\\] \\:material/home: lúc 14:30"),
    ("&lt;b&gt; [liên kết](http://x)", "\\&lt;b\\&gt; \\[liên kết\\](http://x)"),
])
def test_every_markdown_construct_in_typed_text_is_escaped(typed, shown):
    assert ui.plain(typed) == shown


# -- who sees what, through the pages -------------------------------------------------------------------------
# What each role sees of each kind of personal data on the screens it can open (roles in the order of labels.ROLES):
# the matrix of tests/test_privacy.py, absence reasons through the roll call or the SQL box, whichever a role has.
PAGE_MATRIX = {
    "ratings": ("all", "all", "own", "none"),
    "reminders": ("all", "all", "own", "none"),
    "supervision findings": ("all", "all", "own", "none"),
    "absence reasons": ("all", "all", "own", "none"),
    "audit activity": ("all", "all", "none", "none"),
    "accounts": ("all", "none", "none", "none"),
}


def visit(at: AppTest, page: str, state: dict | None = None, then=None) -> str:
    """Everything a page shows (its tab or box opened by `state`, then an action), or "" when the role cannot
    open it."""
    try:
        at.switch_page(page)
    except ValueError:  # not among the role's pages
        return ""
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.run()
    if then:
        then(at)
    assert not at.exception, (page, at.exception)
    shown = shown_markdown(at) + [frame.value.to_csv() for frame in at.dataframe] + [h.value for h in at.get("html")]
    return "\n".join(shown)


def november(at: AppTest) -> None:
    next(s for s in at.selectbox if s.label == "Tháng được đánh giá").select(date(2026, 11, 1)).run()


def run_sql(at: AppTest) -> None:
    next(t for t in at.text_area if t.label == "SQL").input("SELECT ho_ten, ly_do FROM diem_danh").run()
    next(b for b in at.button if b.label == "Chạy").click().run()


def everything_a_role_is_shown(user_id: int) -> str:
    at = signed_in(user_id).run()
    return "\n".join([
        visit(at, "screens/overview.py"),
        visit(at, "screens/evaluation.py", {"evaluation_tab": "Đánh giá tháng"}, november),
        visit(at, "screens/evaluation.py", {"evaluation_tab": "Đánh giá nhiệm kỳ"}),
        visit(at, "screens/units.py", {"units_tab": "Kiểm tra, giám sát"}),
        visit(at, "screens/queries.py", {"queries_tab": "SQL nâng cao"}, run_sql),
        visit(at, "screens/display.py", {"display_secretary": True, "display_month": date(2026, 11, 1)}),
        visit(at, "screens/admin.py", {"admin_tab": "Tài khoản"}),
        visit(at, "screens/plan_month.py", {"plan_month_tab": "Lời văn"}),
    ])


@pytest.fixture
def private_app(demo_app, tmp_path):
    """The demo with tests/test_privacy.py's private data of X and Y, and an account of each role linked to X."""
    from tests.test_privacy import private_data
    db = Database(tmp_path / "app.duckdb")
    data = private_data(db)
    accounts = {role: auth.add_user(db, auth.SYSTEM, f"x.{role}", "mat-khau-dai-10", role, member_id=data["x"])
                for role in ("chi_uy", "dang_vien")}
    db.close()
    return demo_app | accounts, data


@pytest.mark.parametrize("role", list(auth.PERMISSIONS))
def test_each_role_is_shown_of_each_kind_of_personal_data_what_the_matrix_says(private_app, role):
    accounts, data = private_app
    shown = everything_a_role_is_shown(accounts[role])
    x, y = data["words"][data["x"]], data["words"][data["y"]]
    seen = {
        "ratings": (vn_number(x["score"], 2) in shown, vn_number(y["score"], 2) in shown),  # as tables write it
        "reminders": (x["reminders"] in shown, y["reminders"] in shown),
        "supervision findings": (x["supervision findings"] in shown, y["supervision findings"] in shown),
        "absence reasons": (x["absence"].lower() in shown.lower(), y["absence"].lower() in shown.lower()),
        "audit activity": ("biểu dương/nhắc nhở" in shown,) * 2,  # an action of the activity list
        "accounts": ("taikhoan.rieng" in shown and "thêm tài khoản" in shown,
                     "taikhoan.rieng" in shown or "thêm tài khoản" in shown),
    }
    wanted = {"all": (True, True), "own": (True, False), "none": (False, False)}
    expected = {kind: wanted[row[list(auth.PERMISSIONS).index(role)]] for kind, row in PAGE_MATRIX.items()}
    assert seen == expected


def test_a_restore_signs_every_session_out_so_an_old_user_id_is_nobody_else(demo_app, tmp_path):
    member = demo_app["dang_vien"]
    before = signed_in(member).run()
    assert before.title[0].value == "Việc của tôi"  # a member lands on their own tasks
    live = ui._database(str(tmp_path / "app.duckdb"))
    out = backup.backup_to(live, auth.SYSTEM, tmp_path / "b" / "backup.duckdb")
    con = duckdb.connect(str(out))  # in the backup, the member's user id is an administrator of another name
    con.execute("UPDATE users SET username = 'nguoikhac', role = 'quan_tri' WHERE id = ?", [member])
    con.close()
    backup.restore_running(live, auth.SYSTEM, out, tmp_path / "backups")
    # The member's open tab reruns with the session it had. (A fresh AppTest carrying that session: AppTest's
    # own rerun loops when the page it last ran leaves the navigation, as it does on every sign-out.)
    after = AppTest.from_file(APP, default_timeout=60)
    for key in ("user_id", "db_identity", "last_seen"):
        after.session_state[key] = before.session_state[key]
    after.run()
    assert not after.exception
    assert after.title[0].value == "Đăng nhập chibo" and [i.value for i in after.info] == [ui.RESTORED]
    assert "nguoikhac" not in texts(after) + "".join(str(m.value) for m in after.sidebar.markdown)


def test_a_start_removes_what_a_restore_cut_off_by_a_crash_left(demo_app, tmp_path):
    stale = tmp_path / ".restore-999999999-abc.duckdb"  # beyond any pid: its process is gone
    stale.write_bytes(b"half a database")
    AppTest.from_file(APP, default_timeout=60).run()
    assert not stale.exists()


def test_an_administrator_changes_a_role_and_a_stale_form_names_the_change(demo_app, tmp_path):
    db = ui._database(str(tmp_path / "app.duckdb"))
    name = db.scalar("SELECT username FROM users WHERE role = 'dang_vien' ORDER BY username LIMIT 1")
    at = signed_in(demo_app["quan_tri"]).run()
    at.switch_page("screens/admin.py").run()
    next(s for s in at.selectbox if s.label == "Tài khoản").select(name).run()
    member = db.scalar("SELECT member_id FROM users WHERE username = ?", [name])
    auth.set_role(db, auth.SYSTEM, name, "chi_uy", member)  # another administrator, after this form was opened
    next(s for s in at.selectbox if s.label == "Vai trò" and (s.key or "").startswith("account:")).select("trinh_chieu")
    next(b for b in at.button if b.label == "Lưu vai trò").click().run()
    assert db.scalar("SELECT role FROM users WHERE username = ?", [name]) == "chi_uy"
    assert "chưa lưu gì" in at.warning[0].value
    assert [t.value for t in at.text] == ["Vai trò: giá trị hiện tại Chi ủy; giá trị của đồng chí: Trình chiếu"]
    next(b for b in at.button if b.label == ui.KEEP_MINE).click().run()
    assert db.scalar("SELECT role FROM users WHERE username = ?", [name]) == "trinh_chieu"


def test_next_months_draft_does_not_take_over_the_board_the_evaluation_or_a_members_list(demo_app, tmp_path, today):
    from chibo import plans
    db = ui._database(str(tmp_path / "app.duckdb"))
    member = db.scalar("SELECT member_id FROM users WHERE role = 'dang_vien' AND member_id IS NOT NULL LIMIT 1")
    before = len(tasks.my_tasks(db, member, today))
    december = date(2026, 12, 1)
    draft = plans.new_monthly_draft(db, auth.SYSTEM, december)
    plans.save_task_table(db, auth.SYSTEM, draft, [{"field": "chuyen_mon", "title": "Việc của tháng sau",
                                                     "lead_member_id": member, "channel": "cuoc_hop",
                                                     "deadline": date(2026, 12, 20)}])
    assert len(tasks.my_tasks(db, member, today)) == before
    at = signed_in(demo_app["quan_tri"]).run()
    at.switch_page("screens/tasks.py").run()
    assert next(s for s in at.selectbox if s.label == "Tháng").value == date(2026, 11, 1)
    at.switch_page("screens/evaluation.py").run()
    offered = next(s for s in at.selectbox if s.label == "Tháng được đánh giá").options
    assert "Tháng 12/2026" not in offered and "Tháng 10/2026" in offered


def test_the_quality_tab_names_the_meeting_it_scores_the_one_the_months_report_speaks_of(demo_app):
    at = signed_in(demo_app["quan_tri"]).run()
    at.switch_page("screens/evaluation.py")
    at.session_state["evaluation_tab"] = "Chất lượng sinh hoạt"
    at.run()
    next(s for s in at.selectbox if s.label == "Tháng được đánh giá").select(date(2026, 10, 1)).run()
    assert "**Buổi sinh hoạt thường kỳ tháng 10/2026, ngày 03/10/2026**" in shown_markdown(at)
    next(s for s in at.selectbox if s.label == "Tháng được đánh giá").select(date(2026, 11, 1)).run()
    assert "**Buổi sinh hoạt thường kỳ tháng 11/2026, ngày 03/11/2026**" in shown_markdown(at)
