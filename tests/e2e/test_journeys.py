"""Whole user journeys in a real browser: each step is named, and a failure says which."""

import io
import re
import subprocess
import sys
import zipfile

import pytest
from docx import Document

from tests.e2e.conftest import ROOT, Journey, login

pytestmark = pytest.mark.browser
TIMEOUT = 30_000


def see(page, text: str, timeout: int = TIMEOUT):
    page.get_by_text(text, exact=False).first.wait_for(timeout=timeout)


def open_page(page, name: str):
    page.get_by_role("link", name=name).first.click()


def test_first_start_creates_the_administrator_and_loads_the_demo(server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="vi-VN")
    journey = Journey(page, "first-start")
    with journey.step("trang tạo tài khoản quản trị") as p:
        p.goto(server["url"])
        see(p, "tài khoản quản trị")
    with journey.step("tạo tài khoản quản trị") as p:
        p.get_by_label("Tên đăng nhập").fill("quantri")
        p.get_by_label("Họ và tên").fill("Lê Thu Nga")
        p.get_by_label("Mật khẩu (ít nhất 10 ký tự)").fill("mat-khau-quan-tri")
        p.get_by_label("Nhập lại mật khẩu").fill("mat-khau-quan-tri")
        p.get_by_role("button", name="Tạo tài khoản quản trị").click()
        see(p, "Dùng thử với chi bộ mẫu")
    with journey.step("tải chi bộ mẫu") as p:
        p.get_by_role("tab", name="Dùng thử với chi bộ mẫu").click()
        p.get_by_role("button", name="Tải chi bộ mẫu").click()
        see(p, "Bảng chỉ tiêu", timeout=60_000)
    with journey.step("trang tổng quan có số liệu") as p:
        see(p, "Nhiệm vụ đã hoàn thành")
        p.wait_for_timeout(1500)  # let the charts draw before the screenshot


def test_the_committee_plans_a_month_carries_work_over_and_adopts_it(seeded, server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    journey = Journey(page, "plan-month")
    with journey.step("chi ủy đăng nhập") as p:
        login(p, server["url"], "bithu")
        open_page(p, "Nghị quyết tháng")
        see(p, "Nghị quyết thường kỳ")
    with journey.step("lập dự thảo tháng mới, chuyển tiếp một việc") as p:
        p.get_by_text("Lập nghị quyết tháng mới").click()
        see(p, "Nhiệm vụ tháng trước chưa hoàn thành")
        p.get_by_role("checkbox").first.check(force=True)
        p.get_by_role("button", name="Tạo dự thảo").click()
        see(p, "Đã tạo dự thảo nghị quyết")
        see(p, "Dự thảo")
    with journey.step("tạo buổi sinh hoạt và điểm danh") as p:
        p.get_by_role("tab", name="Thông qua").click()
        p.get_by_role("button", name="Chi ủy đã thống nhất dự thảo").click()
        see(p, "Đã ghi nhận chi ủy thống nhất")
        p.get_by_role("tab", name="Thông qua").click()
        p.get_by_role("button", name="Tạo buổi sinh hoạt").click()
        see(p, "Đã tạo buổi sinh hoạt")
        p.get_by_role("tab", name="Thông qua").click()
        p.get_by_role("button", name=re.compile("Điểm danh: tất cả có mặt")).click()
        see(p, "Đã điểm danh")
    with journey.step("chưa thông qua được khi tháng 11 chưa đánh giá") as p:
        p.get_by_role("tab", name="Thông qua").click()
        see(p, "văn bản nhận số và bị khóa")  # the confirmation names what follows
        p.get_by_text("Tôi đã đọc và xác nhận").click()
        p.get_by_role("button", name="Chi bộ thông qua nghị quyết").click()
        see(p, "Tháng 11/2026 chưa có đánh giá")
    with journey.step("đánh giá tháng 11") as p:
        open_page(p, "Đánh giá tháng")
        p.get_by_label("Tháng được đánh giá").click()
        p.get_by_role("option", name="Tháng 11/2026").click()
        p.get_by_label("Ưu điểm").fill("Hoàn thành phần lớn nhiệm vụ.")
        p.get_by_role("button", name="Lưu đánh giá").click()
        see(p, "Đã lưu đánh giá")
    with journey.step("chi bộ biểu quyết thông qua, có chủ trì và thư ký") as p:
        open_page(p, "Nghị quyết tháng")
        p.get_by_role("tab", name="Thông qua").click()
        p.get_by_label("Chủ trì buổi sinh hoạt").click()
        p.get_by_role("option").nth(1).click()
        p.get_by_text("Tôi đã đọc và xác nhận").click()
        p.get_by_role("button", name="Chi bộ thông qua nghị quyết").click()
        see(p, "Nghị quyết đã được thông qua và khóa")
        see(p, "đã khóa")


def test_a_member_records_progress_on_their_task(seeded, server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    journey = Journey(page, "member-progress")
    with journey.step("đảng viên đăng nhập, mở Việc của tôi") as p:
        login(p, server["url"], "dangvien")
        open_page(p, "Việc của tôi")
        see(p, "Nhiệm vụ đang mở")
    with journey.step("mở một nhiệm vụ") as p:
        p.get_by_label("Mở nhiệm vụ").first.click()
        p.get_by_role("option").nth(1).click()
        see(p, "Cập nhật tiến độ")
    with journey.step("ghi tiến độ bằng nút chọn nhanh") as p:
        assert p.get_by_role("slider").count() == 0
        assert p.get_by_text("Ngày hoàn thành").count() == 0  # only once «Đã hoàn thành» is ticked
        p.get_by_text("75%", exact=True).click()
        p.wait_for_function("() => [...document.querySelectorAll('input')].some(i => i.value === '75')")
        p.get_by_label("Ghi chú").fill("Đã họp tổ, xong phần lớn")
        p.get_by_role("button", name="Lưu tiến độ").click()
        see(p, "Đã lưu tiến độ")
        assert p.get_by_label("Ghi chú").input_value() == ""  # the form is empty again


def test_the_committee_evaluates_and_closes_the_month(seeded, server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    journey = Journey(page, "evaluate-close")
    with journey.step("mở Đánh giá tháng") as p:
        login(p, server["url"], "bithu")
        open_page(p, "Đánh giá tháng")
        see(p, "Hoàn thành đúng hạn")
    with journey.step("mở trên tháng đã kết thúc, chọn tháng đang thực hiện") as p:
        month = p.get_by_label("Tháng được đánh giá")
        month.click()
        p.get_by_role("option", name="Tháng 11/2026").click()
        see(p, "Lưu đánh giá")
    with journey.step("ghi đánh giá") as p:
        p.get_by_label("Ưu điểm").fill("Đảng viên gương mẫu, hoàn thành tốt nhiệm vụ.")
        p.get_by_role("button", name="Lưu đánh giá").click()
        see(p, "Đã lưu đánh giá")
    with journey.step("chốt tháng chưa kết thúc: xác nhận nêu hệ quả, rồi bị từ chối") as p:
        p.get_by_role("button", name="Chốt tháng").click()
        see(p, "Chốt tháng 11/2026: các nhiệm vụ và số liệu chỉ tiêu của tháng sẽ bị khóa")
        p.get_by_role("button", name="Xác nhận chốt tháng 11/2026").click()
        see(p, "chưa kết thúc")
    with journey.step("quản trị viên chốt sớm, ghi vào nhật ký") as p:
        p.get_by_role("button", name="Đăng xuất").click()
        login(p, server["url"], "quantri")
        open_page(p, "Đánh giá tháng")
        p.get_by_label("Tháng được đánh giá").click()
        p.get_by_role("option", name="Tháng 11/2026").click()
        p.get_by_role("button", name="Chốt tháng").click()
        p.get_by_text("Chốt trước khi tháng kết thúc").click()
        p.get_by_role("button", name="Xác nhận chốt tháng 11/2026").click()
        see(p, "Đã chốt tháng")
        see(p, "Tháng đã chốt")


def download(page, prepare: str, button: str) -> bytes:
    page.get_by_role("button", name=prepare).click()
    with page.expect_download(timeout=TIMEOUT) as info:
        page.get_by_role("button", name=button).click()
    path = info.value.path()
    return open(path, "rb").read()


def test_the_resolution_and_the_report_download_and_open(seeded, server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    journey = Journey(page, "downloads")
    with journey.step("mở tab Xuất văn bản") as p:
        login(p, server["url"], "bithu")
        open_page(p, "Nghị quyết tháng")
        p.get_by_role("tab", name="Xuất văn bản").click()
    with journey.step("tải nghị quyết") as p:
        data = download(p, "Chuẩn bị nghị quyết — Word (.docx)", "⬇️ Tải nghị quyết — Word (.docx)")
        texts = [para.text for para in Document(io.BytesIO(data)).paragraphs]
        assert "NGHỊ QUYẾT" in texts
    with journey.step("tải nghị quyết dạng PDF") as p:
        p.get_by_role("tab", name="Xuất văn bản").click()
        data = download(p, "Chuẩn bị nghị quyết — PDF", "⬇️ Tải nghị quyết — PDF")
        assert data[:5] == b"%PDF-"
        text = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
        text = " ".join(text.split())  # lines end where the page ends them
        assert "NGHỊ QUYẾT" in text and "Chi bộ thảo luận và thống nhất ban hành nghị quyết" in text
    with journey.step("tải báo cáo") as p:
        p.get_by_role("tab", name="Xuất văn bản").click()
        data = download(p, "Chuẩn bị báo cáo gửi Đảng ủy — Word (.docx)", "⬇️ Tải báo cáo gửi Đảng ủy — Word (.docx)")
        assert "BÁO CÁO" in [para.text for para in Document(io.BytesIO(data)).paragraphs]
    with journey.step("tải gói Sổ tay") as p:
        p.get_by_role("tab", name="Xuất văn bản").click()
        data = download(p, "Chuẩn bị gói tải lên (.zip)", "⬇️ Tải gói (.zip)")
        names = sorted(zipfile.ZipFile(io.BytesIO(data)).namelist())
        assert [n.split("-")[0] for n in names] == ["BB", "BB", "BC", "BC", "NQ", "NQ"]
        assert {n.rsplit(".", 1)[1] for n in names} == {"docx", "pdf"}


def turn_to(page, button: str, title: str) -> None:
    """«Tiếp ▶» or «◀ Trước» until the display's heading names `title`: an item may have pages to turn first."""
    for _ in range(10):
        if page.locator(".chibo-agenda h2", has_text=title).count():
            return
        where = page.locator(".chibo-agenda .position").text_content()
        page.get_by_role("button", name=button).click()
        page.wait_for_function("(before) => document.querySelector('.chibo-agenda .position').textContent !== before",
                               arg=where, timeout=TIMEOUT)
    page.locator(".chibo-agenda h2", has_text=title).wait_for(timeout=TIMEOUT)


def test_the_display_walks_the_agenda_and_shows_a_change_from_another_device(seeded, server, browser):
    projector = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    secretary = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    journey = Journey(projector, "display")
    with journey.step("máy chiếu đăng nhập, không có nút sửa") as p:
        login(p, server["url"], "maychieu")
        see(p, "Khai mạc và điểm danh")
        assert p.get_by_text("Thư ký: điểm danh").count() == 0
        assert p.get_by_role("button", name="Lưu điểm danh").count() == 0
    with journey.step("chuyển qua các mục, trang sau trang") as p:
        for title in ("Kết quả tháng trước", "Các chỉ tiêu", "Việc quá hạn", "Nhiệm vụ tháng tới", "Biểu quyết"):
            turn_to(p, "Tiếp ▶", title)
        for number, title in ((5, "Nhiệm vụ tháng tới"), (4, "Việc quá hạn"), (3, "Các chỉ tiêu"),
                              (2, "Kết quả tháng trước"), (1, "Khai mạc và điểm danh")):
            turn_to(p, "◀ Trước", f"{number}. {title}")
    with journey.step("thư ký tạo buổi sinh hoạt sắp tới và ghi ý kiến ở thiết bị khác") as _:
        login(secretary, server["url"], "bithu")
        open_page(secretary, "Trình chiếu")
        secretary.get_by_text("Thư ký: điểm danh, ghi ý kiến, biểu quyết").click()
        secretary.get_by_role("button", name="Tạo buổi sinh hoạt ngày 03/12/2026").click()
        see(secretary, "Đã tạo buổi sinh hoạt")
        secretary.get_by_label("Ý kiến, ghi chú").fill("Đề nghị bổ sung chỉ tiêu dự giờ")
        secretary.get_by_role("button", name="Ghi ý kiến").click()
        see(secretary, "Đã ghi ý kiến")
    with journey.step("máy chiếu tự hiện ý kiến mới") as p:
        see(p, "Đề nghị bổ sung chỉ tiêu dự giờ", timeout=15_000)


def test_the_projector_stops_showing_data_once_its_account_is_disabled(seeded, server, browser):
    projector = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    admin = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    journey = Journey(projector, "display-disabled")
    with journey.step("máy chiếu đăng nhập") as p:
        login(p, server["url"], "maychieu")
        see(p, "Khai mạc và điểm danh")
    with journey.step("quản trị khóa tài khoản máy chiếu ở thiết bị khác") as _:
        login(admin, server["url"], "quantri")
        open_page(admin, "Tài khoản, nhật ký, sao lưu")
        admin.get_by_role("combobox", name="Tài khoản", exact=True).click()  # not the tab, nor «Thêm tài khoản»
        admin.get_by_role("option", name="maychieu").click()
        admin.get_by_role("button", name="Khóa tài khoản maychieu").click()
        see(admin, "Đã khóa maychieu")
    with journey.step("màn chiếu tự về trang đăng nhập, không còn số liệu") as p:
        see(p, "Tài khoản đã bị vô hiệu hóa", timeout=15_000)
        see(p, "Đăng nhập chibo")
        assert p.get_by_text("Khai mạc và điểm danh").count() == 0


def test_a_locked_out_administrator_sets_a_password_from_the_server_while_it_runs(seeded, server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    journey = Journey(page, "locked-out")
    with journey.step("quên mật khẩu, sai năm lần, tài khoản bị tạm khóa") as p:
        p.goto(server["url"])
        for _ in range(6):
            p.get_by_label("Tên đăng nhập").fill("quantri")
            p.get_by_label("Mật khẩu").fill("quen-mat-roi")
            p.get_by_role("button", name="Đăng nhập").click()
            p.get_by_text("Đăng nhập chibo").wait_for()
            p.wait_for_timeout(4500)  # each failure waits longer before its answer
        see(p, "Tài khoản tạm khóa do đăng nhập sai nhiều lần")
    with journey.step("đặt mật khẩu mới bằng dòng lệnh trên máy chủ đang chạy") as _:
        result = subprocess.run([sys.executable, "-m", "chibo", "users", "set-password", "quantri", "--db",
                                 str(server["db"])], cwd=ROOT, input="mat-khau-moi-dai\n", capture_output=True,
                                text=True)
        assert result.returncode == 0 and "được gửi cho ứng dụng" in result.stdout, result.stderr
    with journey.step("tải lại trang đăng nhập và vào được") as p:
        p.reload()
        p.get_by_label("Tên đăng nhập").fill("quantri")
        p.get_by_label("Mật khẩu").fill("mat-khau-moi-dai")
        p.get_by_role("button", name="Đăng nhập").click()
        p.get_by_text("Đăng nhập chibo").wait_for(state="detached", timeout=30_000)
        see(p, "Tổng quan")


def test_the_cli_refuses_while_the_server_holds_the_database(seeded, server, browser):
    page = browser.new_page()
    page.goto(server["url"])
    see(page, "Đăng nhập chibo")  # the first session opens the database
    result = subprocess.run([sys.executable, "-m", "chibo", "check", "--db", str(server["db"])], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode != 0 and "đang được một chương trình khác sử dụng" in result.stderr


def test_files_made_on_demand_download_and_the_answer_stays(seeded, server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    journey = Journey(page, "on-demand-files")
    with journey.step("hỏi một câu có sẵn") as p:
        login(p, server["url"], "bithu")
        open_page(p, "Tra cứu")
        p.get_by_role("button", name="Trả lời").click()
        see(p, "dòng.")
    with journey.step("tải CSV, câu trả lời vẫn còn") as p:
        with p.expect_download(timeout=TIMEOUT) as info:
            p.get_by_role("button", name="Tải CSV").click()
        text = open(info.value.path(), encoding="utf-8-sig").read()
        assert text.splitlines() and "," in text.splitlines()[0]
        see(p, "dòng.")  # downloading did not rerun the page away from the answer
        assert p.get_by_role("button", name="Tải Excel").count() == 1
    with journey.step("tải tệp mẫu nhập đảng viên") as p:
        open_page(p, "Đảng viên")
        p.get_by_role("tab", name="Nhập từ Excel/CSV").click()
        with p.expect_download(timeout=TIMEOUT) as info:
            p.get_by_role("button", name="Tải tệp mẫu (.xlsx)").click()
        assert open(info.value.path(), "rb").read()[:2] == b"PK"  # an xlsx is a zip


MARKUP_PLAN = "![ảnh](http://127.0.0.1:9/leak.png) :red[**Gấp**] <b>đậm</b>"


@pytest.fixture
def plan_with_markup(seeded):
    """The first unit's plan holds what an editor typed as Markdown, written before the server owns the file."""
    from chibo import auth, tasks
    from chibo.db import Database
    db = Database(seeded / "e2e.duckdb")
    unit = db.scalar("SELECT id FROM units WHERE active ORDER BY kind = 'to_chuyen_mon', name LIMIT 1")
    tasks.set_unit_plan(db, auth.SYSTEM, unit, MARKUP_PLAN)
    db.close()
    return seeded


def test_markup_typed_into_a_units_plan_shows_as_text_in_the_browser(plan_with_markup, server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    fetched = []
    page.on("request", lambda request: fetched.append(request.url) if "leak.png" in request.url else None)
    journey = Journey(page, "typed-text-is-text")
    with journey.step("đảng viên mở Đơn vị và giám sát") as p:
        login(p, server["url"], "dangvien")
        open_page(p, "Đơn vị và giám sát")
        see(p, "Kế hoạch riêng của đơn vị")
    with journey.step("kế hoạch hiện đúng chữ đã gõ") as p:
        see(p, MARKUP_PLAN)
        assert p.locator("img[src*='leak.png']").count() == 0
        assert p.locator("[data-testid='stMarkdownContainer'] strong", has_text="Gấp").count() == 0
        assert p.locator("[data-testid='stMarkdownContainer'] b", has_text="đậm").count() == 0
        assert p.locator(".stMarkdownColoredText").count() == 0
        assert not fetched


def test_a_member_adds_their_deadlines_to_their_phones_calendar(seeded, server, browser):
    import icalendar
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    journey = Journey(page, "calendar")
    with journey.step("đảng viên mở Việc của tôi") as p:
        login(p, server["url"], "dangvien")
        open_page(p, "Việc của tôi")
        see(p, "Nhiệm vụ đang mở")
    with journey.step("tải lịch (.ics)") as p:
        with p.expect_download(timeout=TIMEOUT) as info:
            p.get_by_role("button", name="📅 Thêm vào lịch").click()
        assert info.value.suggested_filename.startswith("lich-viec-cua-toi-")
        calendar = icalendar.Calendar.from_ical(open(info.value.path(), "rb").read())
    with journey.step("lịch có hạn các việc của đồng chí và buổi sinh hoạt tới") as p:
        found = {str(e["uid"]).split("@")[0]: str(e["summary"]) for e in calendar.walk("VEVENT")}
        deadlines = [summary.removeprefix("Hạn nhiệm vụ: ") for uid, summary in found.items()
                     if uid.startswith("nhiem-vu-")]
        assert deadlines and "sinh-hoat-2026-12" in found
        assert not any(uid.startswith("buoc-") for uid in found)  # the committee's checklist is not a member's
        p.get_by_label("Mở nhiệm vụ").first.click()
        listed = p.get_by_role("option").all_inner_texts()
        assert all(any(listed_one.startswith(title) for listed_one in listed) for title in deadlines), (deadlines, listed)


def upload_and_restore(page, path) -> None:
    from playwright.sync_api import expect
    page.locator("input[type=file]").set_input_files(str(path))
    confirm = page.get_by_role("checkbox", name="Tôi hiểu dữ liệu hiện tại sẽ được thay bằng bản sao lưu này")
    expect(confirm).not_to_be_checked(timeout=TIMEOUT)  # each new file is confirmed anew, once its upload has run
    confirm.check(force=True)
    page.get_by_role("button", name="Khôi phục", exact=True).click()


def test_a_restore_refuses_a_damaged_backup_then_signs_everyone_out(seeded, server, browser):
    admin = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True).new_page()
    member = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    journey = Journey(admin, "restore")
    with journey.step("một đảng viên đang làm việc ở máy khác") as _:
        login(member, server["url"], "dangvien")
        see(member, "Tổng quan")
    with journey.step("quản trị tải một bản sao lưu") as p:
        login(p, server["url"], "quantri")
        open_page(p, "Tài khoản, nhật ký, sao lưu")
        p.get_by_role("tab", name="Sao lưu và khôi phục").click()
        good = download(p, "Tạo bản sao lưu để tải về", "⬇️ Tải bản sao lưu")
        (server["tmp"] / "good.duckdb").write_bytes(good)
        (server["tmp"] / "cut.duckdb").write_bytes(good[:int(len(good) * 0.9)])
    with journey.step("một bản sao lưu bị cắt cụt bị từ chối") as p:
        upload_and_restore(p, server["tmp"] / "cut.duckdb")
        see(p, "Tệp bị hỏng hoặc không đầy đủ")
    with journey.step("khôi phục bản tốt: quản trị phải đăng nhập lại") as p:
        upload_and_restore(p, server["tmp"] / "good.duckdb")
        see(p, "Dữ liệu vừa được khôi phục từ bản sao lưu; mọi người cần đăng nhập lại.", timeout=60_000)
        see(p, "Đăng nhập chibo")
    with journey.step("đảng viên ở máy khác cũng phải đăng nhập lại") as _:
        open_page(member, "Việc của tôi")
        see(member, "Dữ liệu vừa được khôi phục từ bản sao lưu")
        see(member, "Đăng nhập chibo")
    assert not list(server["tmp"].glob(".restore-*"))


def test_streamlits_own_words_are_vietnamese_too(seeded, server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    journey = Journey(page, "streamlit-vietnamese")
    with journey.step("quản trị mở Nhập từ Excel/CSV") as p:
        login(p, server["url"], "quantri")
        open_page(p, "Đảng viên")
        p.get_by_role("tab", name="Nhập từ Excel/CSV").click()
        see(p, "Tối đa 200 MB mỗi tệp • XLSX, CSV")
    with journey.step("ô tải tệp không còn chữ tiếng Anh") as p:
        body = p.inner_text("body")
        assert "Tải lên" in body
        assert not any(word in body for word in ("Upload", "per file", "Drag and drop", "Browse files")), body
    with journey.step("lịch chọn ngày bằng tiếng Việt") as p:
        open_page(p, "Tài khoản, nhật ký, sao lưu")
        p.get_by_role("tab", name="Nhật ký thay đổi").click()
        p.locator("[data-testid='stMain'] [data-testid='stDateInputCalendarButton']").first.click()
        calendar = p.locator("[role='dialog']").last
        calendar.get_by_text("CN", exact=True).wait_for(timeout=TIMEOUT)
        shown = calendar.inner_text()
        assert "T7" in shown and re.search(r"Tháng \d+", shown), shown  # the browser's month: no date assumed
        assert not re.search(r"January|February|March|April|May|June|July|August|September|October|November|"
                             r"December", shown), shown
    with journey.step("thanh công cụ của biểu đồ: tiếng Việt, không có bảng mã thô") as p:
        open_page(p, "Tổng quan")
        chart = p.locator("[data-testid='stVegaLiteChart']").first
        chart.scroll_into_view_if_needed()
        chart.hover()
        p.wait_for_timeout(800)
        shown = p.eval_on_selector_all("[data-testid='stElementToolbar'] button",
                                       "bs => bs.filter(b => b.offsetParent !== null).map(b => b.getAttribute('aria-label'))")
        assert "Tải ảnh PNG" in shown, shown
        assert not {"Show data", "Xem số liệu", "Download as PNG", "Copy Vega-Lite spec"} & set(shown), shown
