"""python -m chibo bench: a synthetic history at scale N, and ratios measured in one run —
each page's warm server-side run against an empty page, each export against python-docx
writing the same paragraphs and tables raw, the display's refresh, start-up, peak memory."""

from __future__ import annotations

import functools
import gc
import io
import json
import logging
import os
import resource
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from chibo import auth, config, docs, documents, months, program
from chibo.db import Database
from chibo.permissions import SYSTEM

PAGES = ["overview", "my_tasks", "tasks", "units", "queries", "plan_month", "program", "evaluation", "members",
         "display", "settings", "admin"]


def generate(db: Database, scale: int, today: date) -> dict:
    """One school cell over two terms per unit of scale, written in bulk with SQL."""
    month_count = 48 * scale
    first = date(today.year - (month_count // 12) - 1, 1, 1)

    def work(cur):
        cur.execute("SELECT setseed(0.42)")
        cur.execute("CREATE OR REPLACE TEMP MACRO plus_days(d, n) AS CAST(d + to_days(CAST(n AS INTEGER)) AS DATE)")
        cur.execute("INSERT INTO cell (id, name, superior_name, superior_committee, place_name) VALUES"
                    " (1, 'Chi bộ Trường Tiểu học Đo Lường', 'Đảng bộ xã Thử Nghiệm', 'Đảng ủy xã Thử Nghiệm', 'Thử Nghiệm')")
        cur.execute("INSERT INTO terms (name, start_date, end_date) SELECT 'Nhiệm kỳ ' || i,"
                    " ?::DATE + to_years(2 * i), ?::DATE + to_years(2 * i + 2) - INTERVAL 1 DAY"
                    " FROM range(?) t(i)", [first, first, month_count // 24 + 2])
        cur.execute("INSERT INTO units (name, kind) SELECT 'Tổ ' || i, 'to_chuyen_mon' FROM range(1, 10) t(i)")
        cur.execute("INSERT INTO members (full_name, gender, birth_year, membership, party_role, unit_id, status)"
                    " SELECT 'Đảng viên số ' || i, CASE WHEN i % 3 = 0 THEN 'nam' ELSE 'nu' END, 1970 + i % 25,"
                    " CASE WHEN i % 13 = 0 THEN 'du_bi' ELSE 'chinh_thuc' END,"
                    " CASE i WHEN 0 THEN 'bi_thu' WHEN 1 THEN 'pho_bi_thu' WHEN 2 THEN 'chi_uy_vien'"
                    "  WHEN 3 THEN 'chi_uy_vien' ELSE 'dang_vien' END,"
                    " (SELECT min(id) FROM units) + i % 9, 'active' FROM range(?) t(i)", [40 * scale])
        month_zero = months.month_start(today)
        cur.execute("CREATE TEMP TABLE bench_months AS SELECT i, (?::DATE - to_months(i))::DATE AS month"
                    " FROM range(?) t(i)", [month_zero, month_count])
        cur.execute("INSERT INTO meetings (kind, held_on, place, chair_id, secretary_id, votes_for)"
                    " SELECT 'thuong_ky', plus_days(month, 2), 'Phòng họp', (SELECT min(id) FROM members),"
                    " (SELECT min(id) + 2 FROM members), 35 FROM bench_months")
        cur.execute("INSERT INTO attendance SELECT mt.id, m.id, CASE WHEN random() < 0.05 THEN 'absent_excused'"
                    " ELSE 'present' END, '' FROM meetings mt, (SELECT id FROM members LIMIT 40) m")
        # An excused absence has its reason, as the roll call requires (meetings.record_attendance).
        cur.execute("UPDATE attendance SET reason = 'Đi công tác' WHERE status = 'absent_excused'")
        cur.execute("INSERT INTO documents (kind, term_id, number, month, summary, issued_on, place, status, meeting_id)"
                    " SELECT 'nq_thang', (SELECT id FROM terms WHERE plus_days(bm.month, 2) BETWEEN start_date AND end_date),"
                    " NULL, bm.month, 'về lãnh đạo thực hiện nhiệm vụ tháng ' || month(bm.month) || ' năm '"
                    " || year(bm.month), plus_days(bm.month, 2), 'Thử Nghiệm', CASE WHEN bm.i = 0 THEN 'in_progress'"
                    " ELSE 'evaluated' END, (SELECT id FROM meetings WHERE held_on = plus_days(bm.month, 2))"
                    " FROM bench_months bm")
        cur.execute("INSERT INTO document_bases (document_id, kind, text) SELECT id, 'standing_duty',"
                    " 'Lãnh đạo thực hiện nhiệm vụ giáo dục của nhà trường.' FROM documents")
        tasks_per_month = 1500 // 48
        cur.execute(
            "INSERT INTO tasks (document_id, field, title, lead_member_id, channel, start_on, deadline, status,"
            " done_on, progress) SELECT d.id, (['chuyen_mon','tu_tuong','to_chuc_can_bo','doan_the','xay_dung_dang',"
            "'kiem_tra_giam_sat'])[1 + k % 6], 'Nhiệm vụ ' || k || ' tháng ' || strftime(d.month, '%m/%Y'),"
            " (SELECT min(id) FROM members) + (k * 7 + d.id) % 40, (['cuoc_hop','lien_tich','hoi_dong'])[1 + k % 3],"
            " plus_days(d.month, 2), plus_days(d.month, 5 + k % 20), CASE WHEN r < 0.7 THEN 'done' WHEN r < 0.8 THEN 'not_done'"
            " ELSE 'in_progress' END, CASE WHEN r < 0.7 THEN plus_days(d.month, 3 + k % 25) END,"
            " CASE WHEN r < 0.7 THEN 100 ELSE 50 END"
            " FROM documents d, (SELECT k, random() AS r FROM range(?) t(k)) x WHERE d.kind = 'nq_thang'",
            [tasks_per_month])
        cur.execute("INSERT INTO progress_updates (task_id, recorded_at, progress, status, note)"
                    " SELECT t.id, plus_days(t.start_on, u), least(100, 10 * (u + 1)), 'in_progress', 'Cập nhật'"
                    " FROM tasks t, range(10) r(u)")
        cur.execute("INSERT INTO evaluations (month, document_id, weaknesses, closed_at) SELECT month, id,"
                    " '- Một số nhiệm vụ chậm', now() FROM documents WHERE kind = 'nq_thang' AND status = 'evaluated'")
        program_id = cur.execute(
            "INSERT INTO documents (kind, term_id, number, summary, issued_on, place, status) SELECT 'ctr', id, 1,"
            " 'thực hiện Nghị quyết Đại hội', plus_days(start_date, 20), 'Thử Nghiệm', 'in_progress' FROM terms"
            " WHERE ? BETWEEN start_date AND end_date RETURNING id", [today]).fetchone()[0]
        for key in program.PROGRAM_SECTIONS:
            cur.execute("INSERT INTO document_sections VALUES (?, ?, ?)",
                        [program_id, key, program.prefilled(key, "Chi bộ Trường Tiểu học Đo Lường", "")])
        cur.execute("INSERT INTO targets (document_id, field, name, unit, kind, baseline, target_value, period_start,"
                    " period_end) SELECT ?, 'chuyen_mon', 'Chỉ tiêu ' || i, '%', 'snapshot', 90, 100, DATE '1900-01-01',"
                    " DATE '2100-01-01' FROM range(9) t(i)", [program_id])
        cur.execute("INSERT INTO target_values (target_id, recorded_on, value) SELECT tg.id, plus_days(bm.month, 10),"
                    " 90 + random() * 10 FROM targets tg, bench_months bm")
        cur.execute("INSERT INTO measures (document_id, field, title, how, lead_member_id, partners, deadline)"
                    " SELECT ?, 'chuyen_mon', 'Giải pháp ' || i, 'Triển khai theo kế hoạch', (SELECT min(id) FROM members),"
                    " 'Các tổ', ?::DATE FROM range(1000) t(i)", [program_id, today])
        return program_id

    program_id = db.write(work)
    counts = {t: db.scalar(f"SELECT count(*) FROM {t}") for t in
              ("members", "documents", "tasks", "progress_updates", "attendance", "target_values", "measures")}
    counts["monthly_resolutions"] = db.scalar("SELECT count(*) FROM documents WHERE kind = 'nq_thang'")
    return {"program_id": program_id, "rows": counts}


# -- timing helpers ----------------------------------------------------------------------
def _median(func, runs: int) -> float:
    func()  # warm
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    gc.collect()  # outside the timing: one item's garbage (e.g. the raw floor's documents) is not the next one's peak
    return statistics.median(samples)


def _warm_script_cache() -> None:
    """AppTest compiles every script afresh on every run; `streamlit run` keeps one ScriptCache for
    the whole server, so a warm rerun there never recompiles. Give AppTest the server's behaviour,
    for the empty page and chibo's pages alike, so the bench measures what a user waits for."""
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner
    shared = ScriptCache()
    app_test.ScriptCache = local_script_runner.ScriptCache = lambda: shared


def _apptest(script: str, user_id: int | None = None, page: str | None = None):
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(script, default_timeout=300)
    if user_id is not None:
        from chibo import ui
        at.session_state["user_id"] = user_id
        at.session_state["db_identity"] = ui._database(os.environ["CHIBO_DB"]).identity  # as ui.sign_in stamps it
        at.session_state["last_seen"] = time.time()
    at.run()
    if page:
        at.switch_page(f"screens/{page}.py")
        at.run()
    if at.exception:
        raise RuntimeError(f"{page}: {at.exception[0].value}")
    return at


def _page_runner(user_id: int, page: str):
    at = _apptest(str(config.PROJECT_DIR / "app.py"), user_id, page)

    def rerun():
        at.session_state["last_seen"] = time.time()
        at.run()
    return rerun


def _fragment_runner(user_id: int, page: str):
    """A page's self-refreshing part rerun as the browser asks for it: `st.fragment(run_every=...)`
    requests a rerun of the fragment alone, not of the page. AppTest has no public way to ask for
    that, so the bench passes the fragment ids it recorded to the run request."""
    from streamlit.testing.v1 import local_script_runner
    at = _apptest(str(config.PROJECT_DIR / "app.py"), user_id, page)
    fragment_ids = list(at._fragment_storage._fragments)
    if not fragment_ids:
        raise RuntimeError(f"{page}: no fragment to refresh")
    plain = local_script_runner.RerunData

    def refresh():
        at.session_state["last_seen"] = time.time()
        local_script_runner.RerunData = functools.partial(plain, fragment_id_queue=fragment_ids,
                                                          is_fragment_scoped_rerun=True, is_auto_rerun=True)
        try:
            at.run()
        finally:
            local_script_runner.RerunData = plain
        if at.exception:
            raise RuntimeError(f"{page} refresh: {at.exception[0].value}")
    return refresh


def _raw_docx(paragraphs: list[str], tables: list[list[list[str]]]) -> bytes:
    """The floor: python-docx writing the same text and tables with no layout work."""
    from docx import Document
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    for rows in tables:
        table = document.add_table(rows=0, cols=len(rows[0]))
        for values in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, values):
                cell.text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _content_of(data: bytes) -> tuple[list[str], list[list[list[str]]]]:
    from docx import Document
    document = Document(io.BytesIO(data))
    return ([p.text for p in document.paragraphs],
            [[[c.text for c in row.cells] for row in table.rows] for table in document.tables])


def measure(scale: int, runs: int) -> dict:
    today = date.today()
    folder = Path(tempfile.mkdtemp(prefix="chibo-bench-"))
    os.environ["CHIBO_DB"] = str(folder / "bench.duckdb")
    os.environ["CHIBO_BACKUP_DIR"] = str(folder / "backups")
    config.load.cache_clear()  # settings are read once per process; the app run below must see these
    db = Database(folder / "bench.duckdb")
    started = time.perf_counter()
    generated = generate(db, scale, today)
    generate_seconds = time.perf_counter() - started
    admin = auth.add_user(db, SYSTEM, "bench", "bench-mat-khau-dai", "quan_tri",
                          member_id=db.scalar("SELECT min(id) FROM members"))
    projector = auth.add_user(db, SYSTEM, "chieu", "bench-mat-khau-dai", "trinh_chieu")
    resolution_id = documents.monthly_resolution(db, months.month_start(today)).id
    db.close()

    results: dict[str, dict] = {}
    # AppTest runs scripts outside a server; Streamlit says so once per element. Not news here.
    # (A filter, not a level: Streamlit resets its loggers' levels when its config changes.)
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(
        lambda record: "missing ScriptRunContext" not in record.getMessage())
    _warm_script_cache()
    empty = folder / "empty_page.py"
    empty.write_text("import streamlit as st\nst.title('Trang trống')\n", encoding="utf-8")
    empty_at = _apptest(str(empty))
    floor = _median(empty_at.run, runs)
    startup_start = time.perf_counter()
    _apptest(str(config.PROJECT_DIR / "app.py"), admin)
    results["startup_first_page"] = {"median_seconds": time.perf_counter() - startup_start, "floor_seconds": floor}
    for page in PAGES:
        user = projector if page == "display" else admin
        results[f"page_{page}"] = {"median_seconds": _median(_page_runner(user, page), runs), "floor_seconds": floor}
    results["display_refresh"] = {"median_seconds": _median(_fragment_runner(projector, "display"), runs),
                                  "floor_seconds": floor}

    from chibo import ui
    live = ui._database(str(folder / "bench.duckdb"))
    for name, kind, doc_id in (("export_resolution", "resolution", resolution_id),
                               ("export_program_1000", "program", generated["program_id"]),
                               ("export_report", "report", resolution_id)):
        data = docs.export_bytes(live, SYSTEM, kind, doc_id, today)
        paragraphs, tables = _content_of(data)
        results[name] = {
            "median_seconds": _median(lambda k=kind, d=doc_id: docs.export_bytes(live, SYSTEM, k, d, today), runs),
            "floor_seconds": _median(lambda p=paragraphs, t=tables: _raw_docx(p, t), runs)}
    for item in results.values():
        item["ratio"] = round(item["median_seconds"] / item["floor_seconds"], 2)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"scale": scale, "runs": runs, "generate_seconds": round(generate_seconds, 2), "rows": generated["rows"],
            "peak_memory_mb": round(peak_mb, 1), "load_average": list(os.getloadavg()), "cores": os.cpu_count(),
            "items": results}


def report(result: dict) -> str:
    lines = [f"chibo bench — scale {result['scale']}, {result['runs']} runs per item, median seconds",
             "rows: " + ", ".join(f"{k} {v:,}" for k, v in result["rows"].items()),
             f"{'item':<24}{'median s':>10}{'floor s':>10}{'ratio':>8}"]
    for name, item in result["items"].items():
        lines.append(f"{name:<24}{item['median_seconds']:>10.4f}{item['floor_seconds']:>10.4f}{item['ratio']:>8.2f}")
    lines.append(f"peak memory: {result['peak_memory_mb']} MB · generated in {result['generate_seconds']} s")
    return "\n".join(lines)


def main(args) -> int:
    if getattr(args, "readme", False):
        from chibo import bench_readme
        files = sorted((config.PROJECT_DIR / "docs" / "bench").glob("*.json"))
        written = bench_readme.update(config.PROJECT_DIR / "README.md", files)
        print(f"Đã ghi lại {len(written)} bảng trong README.md từ {len(files)} tệp JSON: {', '.join(written)}.")
        return 0
    if not 1 <= args.scale <= 1000:
        print("Lỗi: --scale phải từ 1 đến 1000.", file=sys.stderr)
        return 2
    if getattr(args, "meeting", False):
        from chibo import bench_meeting
        result = bench_meeting.measure(args.scale, args.seconds)
        print(bench_meeting.report(result))
        lost = result["lost_writes"]["progress"] + result["lost_writes"]["remark"]
        if lost:  # not a timing: a save the server acknowledged and the database does not hold is a bug
            print(f"Lỗi: {lost} lần lưu đã được báo thành công nhưng không có trong cơ sở dữ liệu.", file=sys.stderr)
    elif getattr(args, "browser", False):
        from chibo import bench_browser
        result = bench_browser.measure(args.scale, max(getattr(args, "runs", 7), 1))
        print(bench_browser.report(result))
    else:
        result = measure(args.scale, getattr(args, "runs", 5))
        print(report(result))
    if args.json:
        Path(args.json).write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    return 1 if getattr(args, "meeting", False) and lost else 0
