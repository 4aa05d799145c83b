"""Issue 19: an extension is a request the committee decides — in a real browser."""

import pytest

from tests.e2e.conftest import Journey, login

pytestmark = pytest.mark.browser
TIMEOUT = 30_000


def see(page, text: str, timeout: int = TIMEOUT):
    page.get_by_text(text, exact=False).first.wait_for(timeout=timeout)


def test_a_members_extension_waits_for_the_committee_who_approves_it_from_the_overview(seeded, server, browser):
    phone = browser.new_page(viewport={"width": 1280, "height": 900})
    journey = Journey(phone, "extension-request")
    with journey.step("đảng viên mở một việc của mình") as p:
        login(p, server["url"], "dangvien")
        see(p, "Nhiệm vụ đang mở")
        p.get_by_label("Mở nhiệm vụ").first.click()
        p.get_by_role("option").nth(1).click()
        see(p, "Xin gia hạn")
    with journey.step("xin gia hạn «Bận» tới tháng 6/2027 bị từ chối vì lý do quá ngắn") as p:
        p.get_by_role("spinbutton", name="day, Hạn mới").click()
        p.keyboard.type("30062027")  # day, month, year: each segment moves on to the next
        p.get_by_label("Lý do gia hạn").fill("Bận")
        p.get_by_role("button", name="Gửi đề nghị gia hạn").click()
        see(p, "lý do cần nói rõ vì sao")
    with journey.step("xin gia hạn với lý do rõ") as p:
        p.get_by_label("Lý do gia hạn").fill("Chờ Sở công bố kết quả kỳ thi cấp tỉnh vào tháng 6 năm sau")
        p.get_by_role("button", name="Gửi đề nghị gia hạn").click()
        see(p, "Đã gửi đề nghị gia hạn")
        see(p, "Đề nghị gia hạn chờ chi ủy")
    committee = browser.new_page(viewport={"width": 1400, "height": 1000})
    journey.page = committee
    with journey.step("chi ủy thấy đề nghị ngay trên trang đầu và duyệt") as p:
        login(p, server["url"], "bithu")
        see(p, "Đề nghị gia hạn chờ chi ủy")
        p.get_by_role("button", name="Duyệt gia hạn").first.click()
        see(p, "Đã duyệt gia hạn")
        p.get_by_text("Đề nghị gia hạn chờ chi ủy").wait_for(state="detached", timeout=TIMEOUT)
