"""The overview read by a person: charts at a projector's, a desk's and a phone's width, numbers as Vietnamese write
them in tooltips and number boxes, and the page printed on A4."""

import re
import subprocess

import pytest

from tests.e2e.conftest import Journey, login

pytestmark = pytest.mark.browser
TIMEOUT = 60_000  # generous: the machine is shared
SIZES = {"ban-lam-viec": (1440, 900), "may-chieu": (1024, 768), "dien-thoai": (390, 844)}


def overview(browser, server, size):
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    login(page, server["url"], "bithu")
    page.get_by_text("Bảng chỉ tiêu").first.wait_for(timeout=TIMEOUT)
    charts = page.locator("[data-testid=stVegaLiteChart]")
    charts.nth(4).wait_for(timeout=TIMEOUT)
    page.wait_for_timeout(1500)  # the charts draw
    return page, charts


def tooltips(page, chart, columns: int = 20, rows: int = 10) -> set[str]:
    """Every tooltip the chart shows when the mouse crosses it on a grid of points."""
    chart.scroll_into_view_if_needed()
    box, seen = chart.bounding_box(), set()
    for x in range(1, columns):
        for y in range(1, rows):
            page.mouse.move(box["x"] + box["width"] * x / columns, box["y"] + box["height"] * y / rows)
            tip = page.locator("#vg-tooltip-element")
            if tip.count() and tip.first.is_visible():
                seen.add(" ".join(tip.first.inner_text().split()))
    return seen


# Each text of a chart (drawn as SVG by Vega) against the chart's own box: a legend or a label past the box is cut,
# a label too long for its room ends in «…». (A rotated axis title's box starts 2 px left of its glyphs.)
CUT_TEXTS = """svg => { const box = svg.getBoundingClientRect();
  return [...svg.querySelectorAll('text')].filter(t => t.textContent.trim()).map(t => {
    const r = t.getBoundingClientRect();
    return {text: t.textContent, cut: r.left < box.left - 3 || r.right > box.right + 3 || t.textContent.includes('…')};
  }); }"""


@pytest.mark.parametrize("name", list(SIZES))
def test_every_chart_of_the_overview_fits_its_width(seeded, server, browser, name):
    from chibo.labels import FIELDS
    page, charts = overview(browser, server, SIZES[name])
    journey = Journey(page, f"tong-quan-{name}")
    with journey.step("mỗi biểu đồ nằm gọn, chữ không bị cắt") as p:
        main = p.locator("[data-testid=stMain]").bounding_box()
        texts = []
        for index in range(charts.count()):
            box = charts.nth(index).bounding_box()
            assert box["x"] >= main["x"] and box["x"] + box["width"] <= main["x"] + main["width"] + 1, index
            texts.append(charts.nth(index).locator("svg").first.evaluate(CUT_TEXTS))
        assert [t["text"] for chart in texts for t in chart if t["cut"]] == []
        fields = "".join(t["text"] for t in texts[0]).replace(" ", "")  # a label on two lines: one text, two spans
        assert [label for label in FIELDS.values() if label.replace(" ", "") not in fields] == []
        assert p.get_by_text("Chỉ vẽ các tháng đã kết thúc; tháng 11/2026 đang thực hiện.").is_visible()


def test_tooltips_write_percents_with_a_decimal_comma(seeded, server, browser):
    page, charts = overview(browser, server, SIZES["ban-lam-viec"])
    attendance = tooltips(page, charts.nth(4))
    assert attendance and all(re.search(r"Tỷ lệ \d+(,\d)?%$", tip) for tip in attendance), attendance
    assert any(re.search(r"\d+,\d%$", tip) for tip in attendance), attendance
    trend = tooltips(page, charts.nth(1), 60, 40)  # a line's points are small targets
    assert trend and not any("11/2026" in tip for tip in trend), trend  # the month under way is not drawn


def test_a_comma_typed_in_a_number_box_is_the_decimal_point(seeded, server, browser):
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    login(page, server["url"], "bithu")
    page.get_by_role("link", name="Đánh giá tháng").first.click()
    page.get_by_role("tab", name="Chất lượng sinh hoạt").click(timeout=TIMEOUT)
    box = page.locator("[data-testid=stNumberInput] input").first
    box.wait_for(timeout=TIMEOUT)
    assert re.fullmatch(r"\d+(\.5)?", box.input_value())  # «4», not «4.00»
    box.click()
    box.press("Control+A")
    box.press_sequentially("4,5")
    box.press("Tab")
    assert box.input_value() == "4.5"  # not 45


def test_the_overview_prints_on_a4_without_the_sidebar_and_with_whole_tables(seeded, server, browser, tmp_path):
    page, _ = overview(browser, server, SIZES["ban-lam-viec"])
    page.emulate_media(media="print")
    assert not page.locator("[data-testid=stSidebar]").is_visible()
    assert not page.get_by_role("button", name="Đăng xuất").is_visible()
    assert not page.locator("[data-testid=stDataFrame]").first.is_visible()  # the grid, a picture of some rows
    printed = page.locator(".chibo-print table")
    assert printed.count() >= 4 and printed.first.is_visible()
    overdue = int(re.search(r"mọi nghị quyết tháng: (\d+) việc", page.inner_text("body"))[1])
    late = page.locator(".chibo-print table").filter(has_text="Trễ (ngày)")
    assert late.locator("tbody tr").count() == overdue  # every overdue task, none cut at the grid's height
    pdf = tmp_path / "tong-quan.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True).stdout.decode().split())
    titles = [" ".join(cell.split()) for cell in late.locator("tbody tr td:first-child").all_inner_texts()]
    assert "Tổng quan" in text and all(title in text for title in titles), [t for t in titles if t not in text]
    assert "Đăng xuất" not in text and "Đổi mật khẩu" not in text
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "trang")],
                   check=True)
