"""python -m chibo bench --readme: the README's performance tables, made from the benches' JSON, never typed.

The JSON files live in docs/bench/ (server-<scale>.json, browser-<scale>.json, meeting-<scale>.json, written by
`bench --json`); each table goes between its markers in README.md, `<!-- bench:NAME begin -->` and
`<!-- bench:NAME end -->`, and nothing else in the file changes."""

from __future__ import annotations

import json
from pathlib import Path

from chibo.errors import InputError

SERVER_NAMES = {"startup_first_page": "start-up to first page", "display_refresh": "meeting display refresh",
                "export_resolution": "export: monthly resolution", "export_program_1000": "export: action program, "
                "1,000 measures", "export_report": "export: report"}
PAGE_NAMES = {"overview": "Tổng quan", "my_tasks": "Việc của tôi", "tasks": "Bảng nhiệm vụ",
              "units": "Đơn vị và giám sát", "queries": "Tra cứu", "plan_month": "Nghị quyết tháng",
              "program": "Chương trình hành động", "evaluation": "Đánh giá tháng", "members": "Đảng viên",
              "display": "Trình chiếu", "settings": "Cài đặt", "admin": "Quản trị",
              "first_load": "first page after sign-in", "reload": "reload (F5)",
              "export_program_docx": "prepare the action program .docx (click → download offered)",
              "export_program_docx_first": "the same, the server's first export"}
ROLE_NAMES = {"quan_tri": "quản trị", "dang_vien": "đảng viên", "trinh_chieu": "trình chiếu"}


def rewrite(text: str, name: str, block: str) -> str:
    """`text` with what stands between the markers of `name` replaced by `block`."""
    begin, end = f"<!-- bench:{name} begin -->", f"<!-- bench:{name} end -->"
    if text.count(begin) != 1 or text.count(end) != 1 or text.index(begin) > text.index(end):
        raise InputError(f"README thiếu cặp đánh dấu «{begin}» … «{end}» (mỗi dấu đúng một lần) để ghi bảng «{name}».")
    head, rest = text.split(begin)
    _, tail = rest.split(end)
    return f"{head}{begin}\n{block.strip()}\n{end}{tail}"


def _ms(seconds) -> str:
    return "—" if seconds is None or seconds != seconds else f"{seconds * 1000:.0f}"


def browser_table(result: dict) -> str:
    lines = [f"Scale {result['scale']}, median of {result['runs']} clicks, load average "
             f"{result['load_average'][0]:.2f} on {result['cores']} cores.", "",
             "| page | role | chibo (ms) | bare Streamlit (ms) | ratio |", "| --- | --- | ---: | ---: | ---: |"]
    for key, item in result["items"].items():
        role, page = key.split("/")
        ratio = "—" if item["ratio"] is None else f"{item['ratio']:.2f}"
        lines.append(f"| {PAGE_NAMES.get(page, page)} | {ROLE_NAMES.get(role, role)} | {_ms(item['median_seconds'])}"
                     f" | {_ms(item['floor_seconds'])} | {ratio} |")
    return "\n".join(lines)


def meeting_table(result: dict) -> str:
    lost = result["lost_writes"]
    lines = [f"Scale {result['scale']}, {result['sessions']} sessions ({result['clients']} clients) for "
             f"{result['seconds']:.0f} s after all signed in, load average {result['load_average'][0]:.2f} on "
             f"{result['cores']} cores.", "",
             "| interaction | n | p50 (ms) | p95 (ms) | max (ms) |", "| --- | ---: | ---: | ---: | ---: |"]
    for what, summary in {"**all, after sign-in**": result["latency"], **result["by_kind"]}.items():
        lines.append(f"| {what} | {summary['n']} | {summary.get('p50_ms', '—')} | {summary.get('p95_ms', '—')} | "
                     f"{summary.get('max_ms', '—')} |")
    lines += ["", f"Errors {result['errors']} · lost writes {lost['progress'] + lost['remark']} "
                  f"({lost['progress_saved']} progress updates and {lost['remarks_saved']} remarks saved) · server "
                  f"RSS max {result['server_rss_mb_max']} MB during the meeting, {result['server_rss_mb_max_sign_in']}"
                  f" MB while 35 people sign in · server CPU {result['server_cpu_cores']} cores "
                  f"({result['server_cpu_ms_per_interaction']} ms of CPU per interaction)."]
    return "\n".join(lines)


def server_table(results: list[dict]) -> str:
    """One column pair per scale: each item's median seconds and its ratio to the floor (the empty page for pages, the
    display's refresh and start-up; python-docx writing the same content raw for exports)."""
    results = sorted(results, key=lambda r: r["scale"])
    said = ", ".join(f"scale {r['scale']}: median of {r['runs']} runs"
                     + (f", load average {r['load_average'][0]:.2f} on {r['cores']} cores" if "load_average" in r else "")
                     for r in results)
    head = "| item | " + " | ".join(f"scale {r['scale']} (s) | ratio" for r in results) + " |"
    lines = [f"{said[0].upper()}{said[1:]}.", "", head, "| --- |" + " ---: | ---: |" * len(results)]
    floors = [next((i["floor_seconds"] for n, i in r["items"].items() if n.startswith("page_")), None) for r in results]
    lines.append("| empty Streamlit page (floor) | " + " | ".join("—" if f is None else f"{f:.4f} | 1" for f in floors) + " |")
    for name in results[0]["items"]:
        label = SERVER_NAMES.get(name) or PAGE_NAMES.get(name.removeprefix("page_"), name)
        cells = []
        for result in results:
            item = result["items"].get(name)
            if item is None:
                cells += ["—", "—"]
            elif name.startswith("export_"):
                cells += [f"{item['median_seconds']:.3f}", f"{item['ratio']:.2f} × raw"]
            elif name == "startup_first_page":
                cells += [f"{item['median_seconds']:.3f}", "—"]
            else:
                cells += [f"{item['median_seconds']:.4f}", f"{item['ratio']:.2f}"]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines.append("| peak memory of the bench process (MB) | " + " | ".join(f"{r['peak_memory_mb']:.0f} | —" for r in results)
                 + " |")
    return "\n".join(lines)


def kind_of(result: dict) -> str:
    if "lost_writes" in result:
        return "meeting"
    if any("/" in name for name in result.get("items", {})):
        return "browser"
    return "server"


def render(results: list[dict]) -> dict[str, str]:
    """Each block's Markdown: one per browser and meeting result (by scale), one server table for all scales."""
    blocks: dict[str, str] = {}
    servers = [r for r in results if kind_of(r) == "server"]
    if servers:
        blocks["server"] = server_table(servers)
    for result in results:
        if kind_of(result) == "browser":
            blocks[f"browser-{result['scale']}"] = browser_table(result)
        elif kind_of(result) == "meeting":
            blocks[f"meeting-{result['scale']}"] = meeting_table(result)
    return blocks


def update(readme: Path, files: list[Path]) -> list[str]:
    results = [json.loads(Path(f).read_text(encoding="utf-8")) for f in files]
    text = readme.read_text(encoding="utf-8")
    blocks = render(results)
    for name, block in blocks.items():
        text = rewrite(text, name, block)
    readme.write_text(text, encoding="utf-8")
    return list(blocks)
