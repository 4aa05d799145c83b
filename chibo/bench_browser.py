"""python -m chibo bench --browser: what a person feels, measured in a real browser (Debian's Chromium driven by
Playwright, no browser download) against a real `streamlit run` of chibo on the bench's synthetic cell.

Each page, for each role that sees it, is timed from the click on its link in the sidebar to the page fully drawn:
the script idle, no stale element left, every chart's canvas or SVG and every table's grid drawn. Beside it, the
same click in a bare Streamlit app — the framework's own floor — that draws the same elements with the values
precomputed. That app is generated, never hand-written: each chibo page is run once through AppTest as the role,
its element tree (headings, texts, metrics, tables as DataFrames, Vega-Lite specs with their data, widgets,
columns, expanders, forms, tabs) is pickled, and one generic script draws it with Streamlit's public calls."""

from __future__ import annotations

import contextlib
import os
import pickle
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from chibo import config

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]
# The sidebar's titles (app.pages_for) of the pages measured, and which roles measure which.
TITLES = {"overview": "Tổng quan", "my_tasks": "Việc của tôi", "tasks": "Bảng nhiệm vụ",
          "units": "Đơn vị và giám sát", "queries": "Tra cứu", "plan_month": "Nghị quyết tháng",
          "program": "Chương trình hành động", "evaluation": "Đánh giá tháng", "members": "Đảng viên",
          "display": "Trình chiếu", "settings": "Cài đặt", "admin": "Tài khoản, nhật ký, sao lưu"}
ROLE_PAGES = {"quan_tri": list(TITLES), "dang_vien": ["overview", "my_tasks", "tasks"],
              "trinh_chieu": ["display", "overview"]}
PASSWORD = "bench-mat-khau-dai"

# Counts the script runs that ended: each change of the app root's data-test-script-state back from a busy state
# ("running", or "rerunRequested" when React drew no "running" in between), so a wait after a click only ends once
# a run the click started has finished. Read from the mutation records, not the attribute: a fast run goes busy →
# notRunning before the observer is called.
RUN_COUNTER = """
window.__benchRuns = 0;
new MutationObserver(records => {
  for (const record of records) if (record.oldValue && record.oldValue !== 'notRunning') window.__benchRuns += 1;
}).observe(document, {subtree: true, attributes: true, attributeOldValue: true,
                      attributeFilter: ['data-test-script-state']});
// When React draws no busy state at all (a fast run's messages handled before one render), the server's messages
// still say a run happened: the websocket's messages are counted too.
window.__benchMessages = 0; window.__benchLastMessage = 0;
const NativeWebSocket = window.WebSocket;
window.WebSocket = function (...args) {
  const socket = new NativeWebSocket(...args);
  socket.addEventListener('message', () => { window.__benchMessages += 1; window.__benchLastMessage = performance.now(); });
  return socket;
};
window.WebSocket.prototype = NativeWebSocket.prototype;
Object.assign(window.WebSocket, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
"""
# Fully drawn: a run that began after `since` has ended (or the server answered and has been quiet for 50 ms),
# nothing stale, the expected heading shown, every chart and table drawn.
DRAWN = """([since, messages, heading]) => {
  const app = document.querySelector('[data-testid="stApp"]');
  const answered = window.__benchMessages > messages && performance.now() - window.__benchLastMessage > 50;
  if (!app || !(window.__benchRuns > since || answered)) return false;
  if (app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  const main = document.querySelector('[data-testid="stMain"]') || document.body;
  if (main.querySelector('[data-stale="true"]')) return false;
  if (heading && !Array.from(main.querySelectorAll('h1, h2, h3')).some(h => h.textContent.includes(heading))) return false;
  for (const chart of main.querySelectorAll('[data-testid="stVegaLiteChart"]'))
    if (!chart.querySelector('canvas, svg')) return false;
  for (const table of main.querySelectorAll('[data-testid="stDataFrame"]'))
    if (!table.querySelector('canvas, table')) return false;
  return true;
}"""

STATE = """() => ({runs: window.__benchRuns,
  state: document.querySelector('[data-testid="stApp"]')?.getAttribute('data-test-script-state'),
  stale: document.querySelectorAll('[data-stale="true"]').length,
  headings: Array.from(document.querySelectorAll('h1, h2, h3')).map(h => h.textContent),
  charts: Array.from(document.querySelectorAll('[data-testid="stVegaLiteChart"]')).map(c => !!c.querySelector('canvas, svg')),
  tables: Array.from(document.querySelectorAll('[data-testid="stDataFrame"]')).map(t => !!t.querySelector('canvas, table'))})"""


# -- the page's element list, and the floor drawn from it -----------------------------------------
def element_list(node) -> list[dict]:
    """An AppTest node's children as plain records the floor draws: precomputed values, no chibo code."""
    from streamlit.testing.v1.element_tree import Block
    items = []
    for child in node.children.values():
        if isinstance(child, Block):
            items.append(_block(child))
        else:
            items.append(_element(child))
    return items


def _block(block) -> dict:
    kind = block.type
    record = {"kind": kind, "children": element_list(block)}
    proto = getattr(block, "proto", None)
    if kind in ("expandable", "tab"):
        record["label"] = getattr(proto, "label", "")
        record["expanded"] = getattr(proto, "expanded", False)
    elif kind == "column":
        record["weight"] = getattr(proto, "weight", 1) or 1
    return record


def _element(element) -> dict:
    """One element's kind and the values the floor needs to draw the same thing."""
    import json

    import pyarrow as pa
    kind, proto = element.type, element.proto
    record = {"kind": kind}
    if kind in ("title", "header", "subheader", "markdown", "caption", "divider", "info", "success", "warning",
                "error", "html", "code", "latex"):
        record["body"] = getattr(proto, "body", "") or getattr(proto, "code_text", "")
    elif kind == "metric":
        record.update(label=proto.label, body=proto.body, delta=proto.delta or None)
    elif kind in ("dataframe", "table"):
        record["frame"] = pa.ipc.open_stream(proto.arrow_data.data if kind == "dataframe" else proto.data).read_pandas()
    elif kind == "vega_lite_chart":
        spec = json.loads(proto.spec)
        spec["datasets"] = {d.name: pa.ipc.open_stream(d.data.data).read_pandas() for d in proto.datasets}
        if proto.data.data:
            record["data"] = pa.ipc.open_stream(proto.data.data).read_pandas()
        record["spec"] = spec
    elif kind == "progress":
        record["value"] = proto.value
    elif hasattr(proto, "label"):  # a widget: its label, and the options a choice offers
        record.update(label=proto.label, options=list(getattr(proto, "options", [])))
    return record


FLOOR_RENDERER = '''"""Generated by chibo.bench_browser: draws a pickled element list with Streamlit's public calls."""
import pickle

import streamlit as st

_count = [0]
_in_form = [False]


def _key():
    _count[0] += 1
    return f"floor_{_count[0]}"


@st.cache_resource
def load(path):
    with open(path, "rb") as handle:
        return pickle.load(handle)


def draw(items):
    for item in items:
        _draw(item)


def _draw(item):
    kind = item["kind"]
    if kind in ("title", "header", "subheader", "caption", "code", "latex", "html"):
        getattr(st, kind)(item["body"])
    elif kind in ("info", "success", "warning", "error"):
        getattr(st, kind)(item["body"])
    elif kind == "markdown":
        st.markdown(item["body"], unsafe_allow_html=True)
    elif kind == "divider":
        st.divider()
    elif kind == "metric":
        st.metric(item["label"], item["body"], item["delta"])
    elif kind == "dataframe":
        st.dataframe(item["frame"], hide_index=True, width="stretch", key=_key())
    elif kind == "table":
        st.table(item["frame"])
    elif kind == "vega_lite_chart":
        st.vega_lite_chart(item.get("data"), item["spec"], width="stretch")
    elif kind == "progress":
        st.progress(item["value"])
    elif kind == "flex_container" and item["children"] and all(c["kind"] == "column" for c in item["children"]):
        for box, column in zip(st.columns([c["weight"] for c in item["children"]]), item["children"]):
            with box:
                draw(column["children"])
    elif kind == "expandable":
        with st.expander(item.get("label", ""), expanded=item.get("expanded", False)):
            draw(item["children"])
    elif kind == "form":
        with st.form(_key()):
            _in_form[0] = True
            draw(item["children"])
            _in_form[0] = False
    elif kind == "tab_container":
        for box, tab in zip(st.tabs([t.get("label", "") for t in item["children"]]), item["children"]):
            with box:
                draw(tab["children"])
    elif "children" in item:
        with st.container():
            draw(item["children"])
    else:
        _widget(item)


def _widget(item):
    kind, label, options = item["kind"], item.get("label", item["kind"]), item.get("options") or ["—"]
    if kind in ("selectbox", "radio"):
        getattr(st, kind)(label, options, key=_key())
    elif kind == "multiselect":
        st.multiselect(label, options, key=_key())
    elif kind in ("text_input", "text_area", "number_input", "date_input", "time_input", "slider"):
        getattr(st, kind)(label, key=_key())
    elif kind in ("checkbox", "toggle"):
        st.checkbox(label, key=_key())
    elif kind == "button" and _in_form[0]:
        st.form_submit_button(label, key=_key())
    else:
        st.button(label, key=_key())

'''


def write_floor(folder: Path, pages: dict[str, list[dict]], sidebar: list[dict]) -> Path:
    """The floor app: one generated page per chibo page (same title, same element list) and the same sidebar."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "floor_render.py").write_text(FLOOR_RENDERER, encoding="utf-8")
    entries = []
    for name, items in pages.items():
        with open(folder / f"{name}.pkl", "wb") as handle:
            pickle.dump(items, handle)
        (folder / f"{name}.py").write_text(
            f"import floor_render\nfloor_render.draw(floor_render.load({str(folder / (name + '.pkl'))!r}))\n",
            encoding="utf-8")
        entries.append(f"    st.Page({str(folder / (name + '.py'))!r}, title={TITLES[name]!r}),")
    with open(folder / "sidebar.pkl", "wb") as handle:
        pickle.dump(sidebar, handle)
    main = folder / "floor_app.py"
    main.write_text("import streamlit as st\nimport floor_render\n"
                    "st.set_page_config(page_title='floor', layout='wide')\n"
                    "navigation = st.navigation([\n" + "\n".join(entries) + "\n])\n"
                    "floor_render._count[0] = 0  # widget keys stable across reruns\n"
                    "with st.sidebar:\n"
                    f"    floor_render.draw(floor_render.load({str(folder / 'sidebar.pkl')!r}))\n"
                    "navigation.run()\n", encoding="utf-8")
    return main


def page_elements(user_id: int, page: str) -> tuple[list[dict], list[dict]]:
    """The page as the role sees it, run once through AppTest: its main area and its sidebar."""
    from chibo import bench
    at = bench._apptest(str(config.PROJECT_DIR / "app.py"), user_id, page)
    return element_list(at.main), element_list(at.sidebar)


def first_heading(items: list[dict]) -> str | None:
    for item in items:
        if item["kind"] in ("title", "header", "subheader"):
            return item["body"]
        found = first_heading(item.get("children", []))
        if found:
            return found
    return None


# -- servers ------------------------------------------------------------------------------
def free_port() -> int:
    """A free port; within CHIBO_BENCH_PORTS ("8750-8799") when set, so benches on a shared machine keep to theirs."""
    low, _, high = os.environ.get("CHIBO_BENCH_PORTS", "0-0").partition("-")
    for port in range(int(low), int(high or low) + 1):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise RuntimeError(f"no free port in CHIBO_BENCH_PORTS={os.environ['CHIBO_BENCH_PORTS']}")


@contextlib.contextmanager
def streamlit_server(script: Path, env: dict, log: Path):
    """`streamlit run` on a free port, until its health endpoint answers; yields (url, process)."""
    port = free_port()
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
                                 "--server.headless", "true", "--server.fileWatcherType", "none",
                                 "--browser.gatherUsageStats", "false"],
                                cwd=config.PROJECT_DIR, env=os.environ | env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 120
        while True:
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                if time.time() > deadline or proc.poll() is not None:
                    raise RuntimeError(f"streamlit did not start: {log.read_text()[-2000:]}") from None
                time.sleep(0.3)
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


# -- the browser ----------------------------------------------------------------------------
@contextlib.contextmanager
def chromium():
    from playwright.sync_api import sync_playwright
    if not Path(CHROMIUM).exists():
        raise RuntimeError("Chromium is missing (/usr/bin/chromium): `make system-deps` installs it.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            yield browser
        finally:
            browser.close()


def _runs(page) -> list[int]:
    """The counts a wait compares with: runs ended and websocket messages received so far."""
    return page.evaluate("[window.__benchRuns, window.__benchMessages]")


def wait_drawn(page, since: list[int], heading: str | None, timeout_ms: int = 60_000) -> None:
    page.wait_for_function(DRAWN, arg=[*since, heading], polling="raf", timeout=timeout_ms)


def click_and_wait(page, title: str, heading: str | None) -> float:
    """Seconds from the click on the sidebar link to the page fully drawn."""
    link = page.locator('[data-testid="stSidebarNav"] a').filter(has_text=title).first
    if not link.count():  # the sidebar lists a few links until "View more" is pressed
        page.locator('[data-testid="stSidebarNavViewButton"]').first.evaluate("button => button.click()")
    since = _runs(page)
    started = time.perf_counter()
    # A click in the page's own script, not the mouse's: the projector's display hides the sidebar.
    link.evaluate("link => link.click()")
    try:
        wait_drawn(page, since, heading, 20_000)
    except Exception as exc:
        state = page.evaluate(STATE)
        raise RuntimeError(f"«{title}» was not drawn ({state}): {exc}") from exc
    return time.perf_counter() - started


def sign_in(page, url: str, username: str) -> float:
    """Opens the app, fills the login form and returns the seconds from the click on «Đăng nhập» to the first
    page fully drawn."""
    page.goto(url)
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.wait_for_function("() => window.__benchRuns >= 0")
    since = _runs(page)
    started = time.perf_counter()
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_text("Đăng nhập chibo").wait_for(state="detached", timeout=120_000)
    wait_drawn(page, since, None)
    return time.perf_counter() - started


def reload(page) -> float:
    """F5: seconds until the app has run and drawn again (chibo: the login form, as sessions are not remembered)."""
    started = time.perf_counter()
    page.reload()
    page.wait_for_function("() => window.__benchRuns >= 0")
    wait_drawn(page, [0, 0], None)
    return time.perf_counter() - started


def cycle(page, names: list[str], headings: dict[str, str | None], runs: int) -> dict[str, list[float]]:
    """Clicks through the pages in order, runs + 1 times (the first pass warms and is not kept)."""
    order = names[1:] + names[:1]  # the first page is the one shown after sign-in: start by leaving it
    samples: dict[str, list[float]] = {name: [] for name in names}
    for round_ in range(runs + 1):
        for name in order:
            try:
                seconds = click_and_wait(page, TITLES[name], headings[name])
            except RuntimeError as exc:  # a run the counter missed: this click is not timed, the next ones are
                print(f"bench: {exc}", file=sys.stderr)
                continue
            if round_:
                samples[name].append(seconds)
    return samples


def _median(samples: list[float]) -> float:
    return statistics.median(samples) if samples else float("nan")


def export_seconds(page, label: str, runs: int) -> tuple[float, float]:
    """The program page's «Chuẩn bị … — Word (.docx)» click (tab Xuất văn bản) until the download is offered:
    the server's first export (python-docx imported, the blank document prepared) and the median of the next."""
    since = _runs(page)
    page.get_by_role("tab", name="Xuất văn bản").click()
    wait_drawn(page, since, None)
    samples = []
    for _ in range(runs + 1):
        since = _runs(page)
        started = time.perf_counter()
        page.get_by_role("button", name=f"Chuẩn bị {label} — Word (.docx)").click()
        page.get_by_role("button", name=f"⬇️ Tải {label} — Word (.docx)").wait_for(timeout=120_000)
        wait_drawn(page, since, None)
        samples.append(time.perf_counter() - started)
    return samples[0], statistics.median(samples[1:] or samples)


# -- one run ----------------------------------------------------------------------------------
def prepare(folder: Path, scale: int, today) -> dict:
    """The synthetic cell (chibo.bench.generate) with one account per measured role, and each page's elements."""
    from chibo import auth, bench, ui
    from chibo.db import Database
    from chibo.permissions import SYSTEM
    db_path = folder / "bench.duckdb"
    os.environ["CHIBO_DB"] = str(db_path)
    os.environ["CHIBO_BACKUP_DIR"] = str(folder / "backups")
    config.load.cache_clear()
    db = Database(db_path)
    bench.generate(db, scale, today)
    # The member leading most tasks of the month in progress: Việc của tôi shows a list of open work.
    member = db.scalar("SELECT t.lead_member_id FROM tasks t JOIN documents d ON d.id = t.document_id"
                       " WHERE d.status = 'in_progress' AND t.lead_member_id IS NOT NULL"
                       " GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")
    users = {"quan_tri": auth.add_user(db, SYSTEM, "bench", PASSWORD, "quan_tri", member_id=member),
             "dang_vien": auth.add_user(db, SYSTEM, "dangvien", PASSWORD, "dang_vien", member_id=member),
             "trinh_chieu": auth.add_user(db, SYSTEM, "chieu", PASSWORD, "trinh_chieu")}
    db.close()
    logging_filter()
    bench._warm_script_cache()
    roles = {}
    for role, names in ROLE_PAGES.items():
        pages, sidebar = {}, []
        for name in names:
            pages[name], sidebar = page_elements(users[role], name)
        roles[role] = {"pages": pages, "sidebar": sidebar,
                       "headings": {name: first_heading(items) for name, items in pages.items()}}
    ui._database(str(db_path)).close()  # the server owns the file from here
    ui._database.clear()
    return {"db": db_path, "roles": roles, "usernames": {"quan_tri": "bench", "dang_vien": "dangvien",
                                                         "trinh_chieu": "chieu"}}


def logging_filter() -> None:
    import logging
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(
        lambda record: "missing ScriptRunContext" not in record.getMessage())


def _new_page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN")
    context.add_init_script(RUN_COUNTER)
    return context, context.new_page()


def measure_chibo(browser, url: str, prepared: dict, runs: int) -> dict:
    result = {}
    for role, names in ROLE_PAGES.items():
        context, page = _new_page(browser)
        first = sign_in(page, url, prepared["usernames"][role])
        headings = prepared["roles"][role]["headings"]
        samples = cycle(page, names, headings, runs)
        result[role] = {"first_load": first, "pages": {n: _median(s) for n, s in samples.items()}}
        if role == "quan_tri":
            click_and_wait(page, TITLES["program"], headings["program"])
            first, median = export_seconds(page, "chương trình hành động", runs)
            result[role]["export_program_docx_first"], result[role]["export_program_docx"] = first, median
            result[role]["reload"] = statistics.median(reload(page) for _ in range(runs))
        context.close()
    return result


def measure_floor(browser, folder: Path, prepared: dict, runs: int) -> dict:
    result = {}
    for role, names in ROLE_PAGES.items():
        data = prepared["roles"][role]
        script = write_floor(folder / f"floor_{role}", {n: data["pages"][n] for n in names}, data["sidebar"])
        with streamlit_server(script, {}, folder / f"floor_{role}.log") as (url, _):
            context, page = _new_page(browser)
            started = time.perf_counter()
            page.goto(url)
            page.wait_for_function("() => window.__benchRuns >= 0")
            wait_drawn(page, [0, 0], data["headings"][names[0]])
            first = time.perf_counter() - started
            samples = cycle(page, names, data["headings"], runs)
            result[role] = {"first_load": first, "pages": {n: _median(s) for n, s in samples.items()}}
            if role == "quan_tri":
                result[role]["reload"] = statistics.median(reload(page) for _ in range(runs))
            context.close()
    return result


def measure(scale: int, runs: int) -> dict:
    import tempfile
    from datetime import date
    today = date.today()
    folder = Path(tempfile.mkdtemp(prefix="chibo-bench-browser-"))
    prepared = prepare(folder, scale, today)
    env = {"CHIBO_DB": str(prepared["db"]), "CHIBO_BACKUP_DIR": str(folder / "backups"),
           "CHIBO_TODAY": today.isoformat()}
    with chromium() as browser:
        with streamlit_server(config.PROJECT_DIR / "app.py", env, folder / "chibo.log") as (url, _):
            chibo = measure_chibo(browser, url, prepared, runs)
        floor = measure_floor(browser, folder, prepared, runs)
    items = {}
    for role, names in ROLE_PAGES.items():
        for name in names:
            items[f"{role}/{name}"] = _item(chibo[role]["pages"][name], floor[role]["pages"][name])
        items[f"{role}/first_load"] = _item(chibo[role]["first_load"], floor[role]["first_load"])
    items["quan_tri/reload"] = _item(chibo["quan_tri"]["reload"], floor["quan_tri"]["reload"])
    items["quan_tri/export_program_docx_first"] = _item(chibo["quan_tri"]["export_program_docx_first"], None)
    items["quan_tri/export_program_docx"] = _item(chibo["quan_tri"]["export_program_docx"], None)
    return {"scale": scale, "runs": runs, "load_average": list(os.getloadavg()), "cores": os.cpu_count(),
            "items": items}


def _item(seconds: float, floor: float | None) -> dict:
    return {"median_seconds": round(seconds, 4), "floor_seconds": None if floor is None else round(floor, 4),
            "ratio": None if floor is None else round(seconds / floor, 2)}


def report(result: dict) -> str:
    lines = [f"chibo browser bench — scale {result['scale']}, median of {result['runs']} clicks, "
             f"load average {' '.join(f'{x:.2f}' for x in result['load_average'])} on {result['cores']} cores",
             f"{'role/page':<34}{'chibo ms':>10}{'floor ms':>10}{'ratio':>8}"]
    for name, item in result["items"].items():
        floor = "—" if item["floor_seconds"] is None else f"{item['floor_seconds'] * 1000:.0f}"
        ratio = "—" if item["ratio"] is None else f"{item['ratio']:.2f}"
        lines.append(f"{name:<34}{item['median_seconds'] * 1000:>10.0f}{floor:>10}{ratio:>8}")
    return "\n".join(lines)
