"""Whole user journeys in a real browser."""

import subprocess
import sys

import pytest

from tests.e2e.conftest import ROOT, Journey

pytestmark = pytest.mark.browser
TIMEOUT = 30_000


def wait_for_text(page, text: str, timeout: int = TIMEOUT):
    page.get_by_text(text, exact=False).first.wait_for(timeout=timeout)


def test_first_start_creates_the_administrator_and_loads_the_demo(server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="vi-VN")
    journey = Journey(page, "first-start")
    with journey.step("trang tạo tài khoản quản trị") as p:
        p.goto(server["url"])
        wait_for_text(p, "tài khoản quản trị")
    with journey.step("tạo tài khoản quản trị") as p:
        p.get_by_label("Tên đăng nhập").fill("quantri")
        p.get_by_label("Họ và tên").fill("Lê Thu Nga")
        p.get_by_label("Mật khẩu (ít nhất 10 ký tự)").fill("mat-khau-quan-tri")
        p.get_by_label("Nhập lại mật khẩu").fill("mat-khau-quan-tri")
        p.get_by_role("button", name="Tạo tài khoản quản trị").click()
        wait_for_text(p, "Dùng thử với chi bộ mẫu")
    with journey.step("tải chi bộ mẫu") as p:
        p.get_by_role("tab", name="Dùng thử với chi bộ mẫu").click()
        p.get_by_role("button", name="Tải chi bộ mẫu").click()
        wait_for_text(p, "Bảng chỉ tiêu", timeout=60_000)
    with journey.step("trang tổng quan có số liệu") as p:
        wait_for_text(p, "Nhiệm vụ đã hoàn thành")
        p.wait_for_timeout(1500)  # let the charts draw before the screenshot


def add_user(db, name, role, password, member_sql=None):
    args = [sys.executable, "-m", "chibo", "users", "add", name, "--role", role, "--db", str(db)]
    subprocess.run(args, cwd=ROOT, input=password + "\n", text=True, check=True, capture_output=True)


def test_the_projector_walks_the_agenda_and_shows_no_edit_controls(server, browser, tmp_path):
    seed = tmp_path / "seed.duckdb"
    subprocess.run([sys.executable, "-m", "chibo", "demo", "--db", str(seed)], cwd=ROOT, check=True,
                   capture_output=True)
    add_user(seed, "maychieu", "trinh_chieu", "mat-khau-chieu")
    subprocess.run([sys.executable, "-m", "chibo", "restore", "--db", str(server["db"]), "--from", str(seed)],
                   cwd=ROOT, capture_output=True, text=True)
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    journey = Journey(page, "projector")
    with journey.step("đăng nhập tài khoản trình chiếu") as p:
        p.goto(server["url"])
        p.get_by_label("Tên đăng nhập").fill("maychieu")
        p.get_by_label("Mật khẩu").fill("mat-khau-chieu")
        p.get_by_role("button", name="Đăng nhập").click()
        wait_for_text(p, "Khai mạc và điểm danh")
    with journey.step("không có nút sửa") as p:
        assert p.get_by_role("button", name="Lưu điểm danh").count() == 0
        assert p.get_by_text("Thư ký: điểm danh").count() == 0
    with journey.step("chuyển qua các mục") as p:
        for title in ("Kết quả tháng trước", "Các chỉ tiêu", "Việc quá hạn", "Nhiệm vụ tháng tới", "Biểu quyết"):
            p.get_by_role("button", name="Tiếp ▶").click()
            wait_for_text(p, title)
