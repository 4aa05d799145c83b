"""Issue 19: the projected display fits 1024×768 and 1280×720 — Streamlit's own chrome included — on every page of
every agenda item of the demo's meetings, never scrolls nor clips, and never projects a private reason. A screenshot
of each page is kept (tests/e2e/screenshots/display-fits-…) for a person to look at."""

from datetime import date

import pytest

from tests.e2e.conftest import SHOTS, login, seed_demo

pytestmark = pytest.mark.browser
TIMEOUT = 45_000
SIZES = {"1024x768": {"width": 1024, "height": 768}, "1280x720": {"width": 1280, "height": 720}}
PRIVATE = "Điều trị bệnh riêng"

# How much the page, Streamlit's main container and the agenda's body would scroll (or are clipped), in pixels: 0 or
# less is a fit. The body hides what overflows it, so a row the layout put too many on a page shows here.
OVERFLOW = """() => {
  const page = document.scrollingElement, main = document.querySelector('[data-testid=stMain]');
  const screen = document.querySelector('.chibo-agenda.screen'), body = screen.querySelector('.body');
  return {page: page.scrollHeight - innerHeight, page_across: page.scrollWidth - innerWidth,
          main: main.scrollHeight - main.clientHeight, body: body.scrollHeight - body.clientHeight,
          body_across: body.scrollWidth - body.clientWidth, screen_bottom: screen.getBoundingClientRect().bottom - innerHeight,
          where: screen.querySelector('.position').textContent, text: screen.innerText,
          smallest_row: Math.min(...[...screen.querySelectorAll('.rows .what')].map(
            row => parseFloat(getComputedStyle(row).fontSize)))};
}"""
SMALLEST_ROW = 28  # px on these screens: what the back of a classroom reads (chibo.agenda.SIZES)


@pytest.fixture
def asked(tmp_path):
    """The demo, and a member's pending extension request whose reason is private."""
    from chibo import auth, tasks
    from chibo.db import Database
    seed_demo(tmp_path / "e2e.duckdb")
    db = Database(tmp_path / "e2e.duckdb")
    user_id, member = db.one("SELECT id, member_id FROM users WHERE username = 'dangvien'")
    task_id = db.scalar("SELECT t.id FROM tasks t JOIN documents d ON d.id = t.document_id WHERE d.month = ?"
                        " AND t.lead_member_id = ? AND t.status IN ('not_started', 'in_progress')"
                        " AND t.deadline < ? ORDER BY t.id LIMIT 1", [date(2026, 11, 1), member, date(2026, 11, 30)])
    tasks.request_extension(db, auth.Actor(user_id, "dangvien", "dang_vien", member), task_id, "2026-11-30",
                            f"{PRIVATE}, xin lùi hạn")
    db.close()
    return tmp_path


def walk(page, name: str) -> list[dict]:
    """Every page of every item, «Tiếp ▶» after «Tiếp ▶» until it has nowhere to go: how each one fits, and its
    screenshot."""
    seen = []
    while True:
        page.wait_for_timeout(300)  # the rerun painted
        fit = page.evaluate(OVERFLOW)
        seen.append(fit)
        page.screenshot(path=str(SHOTS / f"display-fits-{name}-{len(seen):02d}.png"))
        forward = page.get_by_role("button", name="Tiếp ▶")
        if forward.is_disabled():
            return seen
        forward.click()
        page.wait_for_function("(before) => document.querySelector('.chibo-agenda.screen .position').textContent"
                               " !== before", arg=fit["where"], timeout=TIMEOUT)


def assert_fits(seen: list[dict], size: str) -> None:
    for fit in seen:
        overflow = {key: value for key, value in fit.items()
                    if key not in ("where", "text", "smallest_row") and value > 0}
        assert not overflow, f"{size}, {fit['where']}: {overflow}"
        assert fit["smallest_row"] >= SMALLEST_ROW - 0.1, f"{size}, {fit['where']}: rows of {fit['smallest_row']} px"
    assert {fit["where"].split(" · ")[0] for fit in seen} == {f"Mục {n}/6" for n in range(1, 7)}
    assert not any(PRIVATE in fit["text"] for fit in seen)


@pytest.mark.parametrize("size", SIZES)
def test_the_next_meeting_fits_the_projector_on_every_page_of_every_item(asked, server, browser, size):
    SHOTS.mkdir(parents=True, exist_ok=True)
    projector = browser.new_context(viewport=SIZES[size]).new_page()
    login(projector, server["url"], "maychieu")
    projector.locator(".chibo-agenda.screen").wait_for(timeout=TIMEOUT)
    seen = walk(projector, f"tiep-{size}")
    assert_fits(seen, size)
    assert any(" · Trang 2/" in fit["where"] for fit in seen)  # the demo has an item that pages
    assert any("Đề nghị gia hạn chờ chi ủy quyết định" in fit["text"] for fit in seen)
    assert "Buổi sinh hoạt tới: Thứ Năm, 03/12/2026" in seen[0]["text"]


@pytest.mark.parametrize("size", SIZES)
def test_a_held_meeting_opened_on_a_committee_device_projected_fits_on_every_page(asked, server, browser, size):
    SHOTS.mkdir(parents=True, exist_ok=True)
    device = browser.new_context(viewport=SIZES[size]).new_page()
    login(device, server["url"], "bithu")
    device.get_by_role("link", name="Trình chiếu").first.click()
    device.get_by_role("button", name="📅 Buổi sinh hoạt").click()
    device.get_by_label("Mở trên thiết bị này").click()
    device.get_by_role("option", name="Sinh hoạt ngày 03/11/2026").click()
    device.get_by_text("Buổi sinh hoạt đã họp: Thứ Ba, 03/11/2026").wait_for(timeout=TIMEOUT)
    device.keyboard.press("Escape")  # the picker closes
    device.get_by_text("Màn chiếu", exact=True).click()
    device.locator("[data-testid='stSidebar']").wait_for(state="hidden", timeout=TIMEOUT)
    seen = walk(device, f"da-hop-{size}")
    assert_fits(seen, size)
    assert "Có mặt" in seen[0]["text"] and any("💬" in fit["text"] for fit in seen)  # the roll call, the remarks
