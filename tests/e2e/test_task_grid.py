"""The month's task grid in a real browser: a row typed without its deadline is neither lost nor half-saved."""

import pytest

from tests.e2e.conftest import Journey, login

pytestmark = pytest.mark.browser
TIMEOUT = 30_000


def test_an_incomplete_row_is_named_kept_in_the_grid_and_nothing_is_saved(seeded, server, browser):
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    journey = Journey(page, "task-grid")
    with journey.step("chi ủy lập dự thảo tháng 12") as p:
        login(p, server["url"], "bithu")
        p.get_by_role("link", name="Nghị quyết tháng").first.click()
        p.get_by_text("Lập nghị quyết tháng mới").click()
        p.get_by_text("Căn cứ sẽ được điền sẵn").wait_for(timeout=TIMEOUT)  # the box has run
        p.get_by_role("button", name="Tạo dự thảo").click()
        p.get_by_text("Đã tạo dự thảo nghị quyết").first.wait_for(timeout=TIMEOUT)
    with journey.step("gõ một dòng thiếu hạn") as p:
        p.get_by_role("tab", name="Phương hướng, nhiệm vụ").click()
        grid = p.locator("[data-testid='stDataFrame']").first
        grid.wait_for(timeout=TIMEOUT)
        grid.hover()
        p.locator("[data-testid='stElementToolbarButton']").first.click()  # the toolbar's "+": a new row
        p.wait_for_timeout(400)
        box = grid.bounding_box()
        p.mouse.dblclick(box["x"] + 150, box["y"] + 35 * 2 + 17)  # the new row's title cell (header, one task)
        p.wait_for_timeout(300)
        p.keyboard.insert_text("Việc gõ thiếu hạn")
        p.keyboard.press("Enter")
        p.wait_for_timeout(600)
    with journey.step("lưu: thông báo nêu dòng và cột, chưa lưu gì") as p:
        p.get_by_role("button", name="Lưu bảng nhiệm vụ").click()
        alert = p.locator("[data-testid='stAlertContentError']").first
        alert.wait_for(timeout=TIMEOUT)
        assert "«Việc gõ thiếu hạn»" in alert.inner_text() and "Cột «Hạn»" in alert.inner_text()
        assert "Chưa lưu dòng nào" in alert.inner_text()
    with journey.step("dòng đã gõ vẫn còn trong bảng") as p:
        assert p.locator("[data-testid='stDataFrame']").first.get_by_text("Việc gõ thiếu hạn").count() == 1
    with journey.step("không có nhiệm vụ nào được lưu") as _:
        # Another browser, so a session of its own (this one stays signed in): the table read afresh.
        fresh = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
        login(fresh, server["url"], "bithu")
        fresh.get_by_role("link", name="Nghị quyết tháng").first.click()
        fresh.get_by_role("tab", name="Phương hướng, nhiệm vụ").click()
        fresh.get_by_text("1 nhiệm vụ.").wait_for(timeout=TIMEOUT)  # the carried-over task only
