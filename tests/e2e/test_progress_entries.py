"""Issue 19 in a real browser, on a phone (390×844): a member records progress with a photo, sees it in the task's
history, corrects the figure, then withdraws the entry — and the task's progress follows each step."""

import io
import re
from pathlib import Path

import pytest
from PIL import Image

from tests.e2e.conftest import Journey, login

pytestmark = pytest.mark.browser
TIMEOUT = 60_000  # generous: the machine is shared


def see(page, text: str, timeout: int = TIMEOUT):
    page.get_by_text(text, exact=False).first.wait_for(timeout=timeout)


def task_progress(page) -> int:
    """The figure the opened task shows («Tiến độ: 50%»)."""
    return int(re.search(r"Tiến độ: (\d+)%", page.inner_text("body"))[1])


def wait_for_progress(page, percent: int) -> None:
    page.wait_for_function(f"() => document.body.innerText.includes('Tiến độ: {percent}%')", timeout=TIMEOUT)


def test_a_member_on_a_phone_sends_a_photo_corrects_the_figure_and_withdraws_the_entry(seeded, server, browser,
                                                                                      tmp_path: Path):
    photo = io.BytesIO()
    Image.new("RGB", (400, 300), (30, 120, 200)).save(photo, "PNG")
    photo_path = tmp_path / "anh-tiet-day.png"
    photo_path.write_bytes(photo.getvalue())
    phone = browser.new_page(viewport={"width": 390, "height": 844}, accept_downloads=True)
    journey = Journey(phone, "progress-entry-phone")
    with journey.step("đảng viên mở một việc của mình trên điện thoại") as p:
        login(p, server["url"], "dangvien")
        see(p, "Nhiệm vụ đang mở")
        chooser = p.get_by_label("Mở nhiệm vụ").first
        chooser.scroll_into_view_if_needed()
        chooser.click()
        p.get_by_role("option").nth(1).click()
        see(p, "Ảnh hoặc tệp minh chứng")
        see(p, "mỗi tệp tối đa 10 MB")  # the limit, said under the box
        before = task_progress(p)
    with journey.step("ghi 50% kèm ảnh chụp") as p:
        p.get_by_text("50%", exact=True).click()
        p.get_by_label("Ghi chú").first.fill("Đã dạy thử tiết chuyên đề")
        p.locator("input[type=file]").first.set_input_files(str(photo_path))
        p.get_by_text("anh-tiet-day.png").first.wait_for(timeout=TIMEOUT)
        p.get_by_role("button", name="Lưu tiến độ").click()
        see(p, "Đã lưu tiến độ và tệp minh chứng")
        wait_for_progress(p, 50)
    with journey.step("ảnh hiện trong lịch sử và tải về đúng tệp") as p:
        see(p, "Ảnh, tệp minh chứng")
        assert p.locator("[data-testid='stImage'] img").count() == 1  # the thumbnail
        with p.expect_download(timeout=TIMEOUT) as download:
            p.get_by_role("button", name="Tải ảnh/tệp minh chứng").first.click()
        assert download.value.suggested_filename == "anh-tiet-day.png"
        assert Path(download.value.path()).read_bytes() == photo.getvalue()
    with journey.step("sửa cập nhật thành 30%") as p:
        p.get_by_text("Sửa hoặc rút lại cập nhật lúc").first.click()
        entry = p.locator("[data-testid='stExpander']").filter(has_text="Sửa hoặc rút lại")
        entry.get_by_role("button", name="Lưu bản sửa").wait_for(timeout=TIMEOUT)
        entry.get_by_label("Tiến độ (%)").fill("30")
        entry.get_by_label("Tiến độ (%)").press("Tab")
        entry.get_by_role("button", name="Lưu bản sửa").click()
        see(p, "Đã sửa cập nhật tiến độ")
        wait_for_progress(p, 30)
        entry.get_by_role("button", name="Lưu bản sửa").wait_for(timeout=TIMEOUT)  # the box stays open
    with journey.step("rút lại cập nhật sau khi đọc điều sẽ xảy ra") as p:
        p.get_by_role("button", name="Rút lại cập nhật này").click()
        see(p, f"trở về {before}%")
        p.get_by_role("button", name="Xác nhận rút lại").click()
        see(p, "Đã rút lại cập nhật tiến độ")
        wait_for_progress(p, before)
        assert p.get_by_text("Sửa hoặc rút lại cập nhật lúc").count() == 0
        p.locator("[data-testid='stCaptionContainer']").filter(has_text="(đã rút lại)").first.wait_for(
            timeout=TIMEOUT)  # kept with its photo, marked
