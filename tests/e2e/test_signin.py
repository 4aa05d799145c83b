"""Issue 19: signed in as people expect — reloads, second tabs, deep links, a restarted server — in a real browser."""

import os
import re
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.e2e.conftest import ACCOUNTS, ROOT, Journey, login

pytestmark = pytest.mark.browser
TIMEOUT = 30_000


def see(page, text: str, timeout: int = TIMEOUT):
    page.get_by_text(text, exact=False).first.wait_for(timeout=timeout)


def remembered(context) -> dict:
    """The sign-in cookie, once the page's script has written it."""
    for _ in range(50):
        found = [c for c in context.cookies() if c["name"] == "chibo_session"]
        if found and found[0]["value"]:
            return found[0]
        time.sleep(0.2)
    raise AssertionError("the sign-in cookie was never written")


def test_a_reload_a_second_tab_and_a_deep_link_keep_the_user_signed_in(seeded, server, browser):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    journey = Journey(page, "signin-remembered")
    with journey.step("đăng nhập") as p:
        login(p, server["url"], "bithu")
        see(p, "Đăng xuất")
    with journey.step("tải lại trang (F5) vẫn đăng nhập") as p:
        cookie = remembered(context)
        assert cookie["sameSite"] == "Strict" and cookie["expires"] > time.time() + 29 * 86400
        p.reload()
        see(p, "Đăng xuất")
        assert p.get_by_text("Page not found").count() == 0
        assert p.get_by_text("Đăng nhập chibo").count() == 0
    with journey.step("tab thứ hai mở thẳng một trang") as p:
        other = context.new_page()
        other.goto(f"{server['url']}/tasks")
        see(other, "Đăng xuất")
        other.get_by_role("heading", name="Bảng nhiệm vụ").first.wait_for(timeout=TIMEOUT)
        assert other.get_by_text("Page not found").count() == 0
    with journey.step("trang đầu của mình, gọi bằng tên, không báo «không tìm thấy»") as p:
        other.goto(f"{server['url']}/overview")
        other.get_by_role("heading", name="Tổng quan").first.wait_for(timeout=TIMEOUT)
        other.wait_for_timeout(1500)
        assert other.get_by_role("dialog").count() == 0
    with journey.step("một trang không phải của mình: lời tiếng Việt") as p:
        other.goto(f"{server['url']}/admin")
        see(other, "Địa chỉ này không phải một trang của đồng chí; chibo mở trang chính.")
        assert other.get_by_text("Page not found").count() == 0
        assert other.get_by_text("Running the app").count() == 0
    with journey.step("đăng xuất kết thúc cả lần mở lại") as p:
        p.get_by_role("button", name="Đăng xuất").click()
        see(p, "Đăng nhập chibo")
        p.wait_for_timeout(800)
        p.reload()
        see(p, "Đăng nhập chibo")


def test_a_deep_link_signs_in_then_lands_on_the_page_asked_for(seeded, server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    journey = Journey(page, "signin-deep-link")
    with journey.step("mở thẳng Bảng nhiệm vụ khi chưa đăng nhập") as p:
        p.goto(f"{server['url']}/tasks")
        see(p, "Đăng nhập chibo")
        assert p.get_by_text("Page not found").count() == 0
    with journey.step("đăng nhập rồi tới đúng trang đã hỏi") as p:
        p.get_by_label("Tên đăng nhập").fill("bithu")
        p.get_by_label("Mật khẩu").fill(ACCOUNTS["bithu"][1])
        p.get_by_role("button", name="Đăng nhập").click()
        p.get_by_role("heading", name="Bảng nhiệm vụ").first.wait_for(timeout=TIMEOUT)
        assert p.get_by_text("Page not found").count() == 0


def test_a_member_lands_on_their_own_tasks(seeded, server, browser):
    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    journey = Journey(page, "member-phone-landing")
    with journey.step("đảng viên đăng nhập trên điện thoại") as p:
        login(p, server["url"], "dangvien")
        p.get_by_role("heading", name="Việc của tôi").first.wait_for(timeout=TIMEOUT)
    with journey.step("chạm vào một dòng để mở nhiệm vụ") as p:
        grid = p.locator("[data-testid='stDataFrame']").first
        grid.wait_for(timeout=TIMEOUT)
        box = grid.bounding_box()
        p.mouse.click(box["x"] + 16, box["y"] + 36 + 18)  # the first row's selection cell, under the header
        see(p, "Cập nhật tiến độ")
    with journey.step("mở menu, đăng xuất: ô đăng nhập không bị che") as p:
        p.locator("[data-testid='stExpandSidebarButton'], [data-testid='stSidebarCollapsedControl'] button").first.click()
        p.get_by_role("button", name="Đăng xuất").click()
        see(p, "Đăng nhập chibo")
        p.wait_for_timeout(500)
        assert not p.locator("[data-testid='stSidebar']").is_visible()
        p.get_by_label("Tên đăng nhập").click()  # nothing lies over it


def test_a_user_changes_their_own_password_from_the_sidebar(seeded, server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    journey = Journey(page, "own-password")
    with journey.step("đổi mật khẩu") as p:
        login(p, server["url"], "dangvien")
        p.get_by_role("button", name="Đổi mật khẩu").first.click()
        p.get_by_label("Mật khẩu hiện tại").fill(ACCOUNTS["dangvien"][1])
        p.get_by_label("Mật khẩu mới", exact=True).fill("mat-khau-moi-2026")
        p.get_by_label("Nhập lại mật khẩu mới").fill("mat-khau-moi-2026")
        p.get_by_role("button", name="Đổi mật khẩu").last.click()
        see(p, "Đã đổi mật khẩu")
    with journey.step("đăng nhập lại bằng mật khẩu mới") as p:
        p.get_by_role("button", name="Đăng xuất").click()
        p.get_by_label("Tên đăng nhập").fill("dangvien")
        p.get_by_label("Mật khẩu").fill("mat-khau-moi-2026")
        p.get_by_role("button", name="Đăng nhập").click()
        see(p, "Đăng xuất")


def open_link(page, name: str) -> None:
    page.get_by_role("link", name=name).first.click()


def start_server(tmp, port: int) -> subprocess.Popen:
    env = os.environ | {"CHIBO_DB": str(tmp / "e2e.duckdb"), "CHIBO_BACKUP_DIR": str(tmp / "backups"),
                        "CHIBO_DISPLAY_REFRESH": "2", "CHIBO_TODAY": "2026-11-21"}
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                             "--server.headless", "true", "--server.fileWatcherType", "none"],
                            cwd=ROOT, env=env, stdout=open(tmp / "restart.log", "a"), stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)
            return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    pytest.fail("streamlit did not start: " + (tmp / "restart.log").read_text())


def cpu_seconds(pid: int) -> float:
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def busy_share(pid: int, seconds: float = 4) -> float:
    """The share of one core the process used over a few seconds."""
    before = cpu_seconds(pid)
    time.sleep(seconds)
    return (cpu_seconds(pid) - before) / seconds


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_a_server_restarted_under_open_tabs_stays_idle_and_the_tabs_recover(seeded, browser):
    from tests.e2e.conftest import free_port
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = start_server(seeded, port)
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    journey = Journey(page, "restart-open-tabs")
    try:
        with journey.step("trình chiếu (tự làm mới) đang mở, đăng nhập không ghi nhớ") as p:
            p.goto(url)
            p.get_by_label("Tên đăng nhập").fill("bithu")
            p.get_by_label("Mật khẩu").fill(ACCOUNTS["bithu"][1])
            p.get_by_text("Ghi nhớ trên máy này").click()  # a shared machine: the restart signs this tab out
            p.get_by_role("button", name="Đăng nhập").click()
            see(p, "Đăng xuất")
            open_link(p, "Trình chiếu")
            p.wait_for_url(re.compile("/display$"))
            p.wait_for_timeout(3000)
        with journey.step("máy chủ khởi động lại, các tab vẫn mở") as p:
            stop(proc)
            proc = start_server(seeded, port)
            p.wait_for_timeout(6000)  # the tabs reconnect on their own
            share = busy_share(proc.pid)
            assert share < 0.2, f"the server used {share:.0%} of a core with the stale tabs open"
        with journey.step("tab cũ hiện trang hoặc trang đăng nhập, không trang trắng") as p:
            see(p, "Đăng nhập chibo")
            assert p.get_by_text("setup admin").count() == 0  # no raw page names
        with journey.step("một trình duyệt mới mở ngay") as p:
            fresh = browser.new_page()
            started = time.time()
            fresh.goto(url)
            see(fresh, "Đăng nhập chibo", timeout=5000)
            assert time.time() - started < 5
    finally:
        stop(proc)
