"""Two people, two browsers, one task: the older form's save is refused with both values until its author chooses."""

import pytest

from tests.e2e.conftest import Journey, login

pytestmark = pytest.mark.browser
TIMEOUT = 30_000


def see(page, text: str, timeout: int = TIMEOUT):
    page.get_by_text(text, exact=False).first.wait_for(timeout=timeout)


def set_percent(page, percent: int) -> None:
    """The progress box to `percent`, typed as a person does, then Enter."""
    box = page.get_by_role("spinbutton", name="Tiến độ (%)").first
    box.fill(str(percent))
    box.press("Enter")
    page.wait_for_timeout(800)  # the rerun Enter asks for


def test_a_progress_form_opened_before_anothers_save_is_refused_until_its_author_keeps_theirs(seeded, server, browser):
    member = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    secretary = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    journey = Journey(member, "concurrent-progress")
    with journey.step("đảng viên mở nhiệm vụ của mình") as p:
        login(p, server["url"], "dangvien")
        p.get_by_role("link", name="Việc của tôi").first.click()
        see(p, "Nhiệm vụ đang mở")
        p.get_by_label("Mở nhiệm vụ").first.click()
        p.get_by_role("option").nth(1).click()
        see(p, "Cập nhật tiến độ")
        title = p.get_by_role("heading", level=3).first.inner_text().strip()
    with journey.step("bí thư, ở máy khác, lưu tiến độ 80%") as _:
        login(secretary, server["url"], "bithu")
        secretary.get_by_role("link", name="Bảng nhiệm vụ").first.click()
        see(secretary, "Mở nhiệm vụ")
        secretary.get_by_label("Mở nhiệm vụ").first.click()
        secretary.get_by_role("option", name=title).first.click()
        see(secretary, "Cập nhật tiến độ")
        set_percent(secretary, 80)
        secretary.get_by_role("button", name="Lưu tiến độ").click()
        see(secretary, "Đã lưu tiến độ")
        see(secretary, "Tiến độ: 80%")
    with journey.step("đảng viên lưu 20% từ biểu mẫu mở trước: bị từ chối, thấy cả hai giá trị") as p:
        set_percent(p, 20)
        p.get_by_label("Ghi chú").fill("Mới xong phần chuẩn bị")
        p.get_by_role("button", name="Lưu tiến độ").click()
        see(p, "sau khi đồng chí mở biểu mẫu này, nên chưa lưu gì")
        see(p, "Tiến độ: giá trị hiện tại 80%; giá trị của đồng chí: 20%")
        see(p, "Tiến độ: 80%")  # the task, as stored, still says 80
        assert p.get_by_label("Ghi chú").input_value() == "Mới xong phần chuẩn bị"  # nothing typed is lost
        assert p.get_by_text("Đã lưu tiến độ.", exact=True).count() == 0
    with journey.step("bí thư mở lại nhiệm vụ: vẫn 80%") as _:
        secretary.get_by_role("link", name="Tổng quan").first.click()
        see(secretary, "Bảng chỉ tiêu")
        secretary.get_by_role("link", name="Bảng nhiệm vụ").first.click()
        see(secretary, "Mở nhiệm vụ")
        secretary.get_by_label("Mở nhiệm vụ").first.click()
        secretary.get_by_role("option", name=title).first.click()
        see(secretary, "Tiến độ: 80%")
    with journey.step("đảng viên chọn giữ giá trị của mình") as p:
        p.get_by_role("button", name="Giữ giá trị của tôi và lưu").click()
        see(p, "Đã lưu tiến độ")
        see(p, "Tiến độ: 20%")
