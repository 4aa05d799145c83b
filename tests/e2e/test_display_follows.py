"""Issue 19: the projector follows the secretary; the secretary's tools stay off the projected screen."""

import pytest

from tests.e2e.conftest import Journey, login

pytestmark = pytest.mark.browser
TIMEOUT = 30_000


def see(page, text: str, timeout: int = TIMEOUT):
    page.get_by_text(text, exact=False).first.wait_for(timeout=timeout)


def on_item(page, title: str, timeout: int = TIMEOUT):
    """The display's heading names the item (a meeting not called yet lists every item on its first one)."""
    page.locator(".chibo-agenda h2", has_text=title).wait_for(timeout=timeout)


def test_the_projector_follows_the_item_the_secretary_moves_to_on_their_own_device(seeded, server, browser):
    projector = browser.new_context(viewport={"width": 1024, "height": 768}).new_page()
    secretary = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    journey = Journey(projector, "display-follows")
    with journey.step("máy chiếu ở mục 1") as p:
        login(p, server["url"], "maychieu")
        on_item(p, "1. Khai mạc và điểm danh")
    with journey.step("thư ký chuyển sang mục 3 trên máy của mình") as _:
        login(secretary, server["url"], "bithu")
        secretary.get_by_role("link", name="Trình chiếu").first.click()
        see(secretary, "Thư ký: điểm danh, ghi ý kiến, biểu quyết")
        for _ in range(8):  # «Tiếp ▶» turns an item's pages (item 2 has two) before it opens the next item
            if secretary.locator(".chibo-agenda h2", has_text="3. Các chỉ tiêu").count():
                break
            where = secretary.locator(".chibo-agenda .position").text_content()
            secretary.get_by_role("button", name="Tiếp ▶").click()
            secretary.wait_for_function("(before) => document.querySelector('.chibo-agenda .position').textContent"
                                        " !== before", arg=where, timeout=TIMEOUT)
        on_item(secretary, "3. Các chỉ tiêu")
    with journey.step("máy chiếu tự theo, không ai bấm") as p:
        on_item(p, "3. Các chỉ tiêu", timeout=15_000)
    with journey.step("chế độ màn chiếu trên máy thư ký: không có công cụ thư ký") as _:
        secretary.get_by_text("Màn chiếu", exact=True).click()
        secretary.get_by_text("Thư ký: điểm danh, ghi ý kiến, biểu quyết").wait_for(state="detached", timeout=TIMEOUT)
        assert secretary.get_by_role("button", name="Lưu điểm danh").count() == 0
