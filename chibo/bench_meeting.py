"""python -m chibo bench --meeting: the whole cell at once during the meeting, against a real `streamlit run`.

35 sessions for a bounded time: 33 members open Việc của tôi and record progress on their tasks, the projector shows
the display and refreshes it as the browser would (the fragment's auto-rerun), the secretary records the roll call
and remarks. The sessions are websocket clients that speak Streamlit's own protocol (BackMsg / ForwardMsg, the
messages the browser sends and receives), not 35 Chromiums: on 2 cores, 35 renderers would take the CPU the server
needs and the figure would measure the client machine, not chibo. The browser's own cost is what
`bench --browser` measures, one session at a time.

An interaction is timed from the request sent to the end of the run it started (reruns it causes included).
Writes are checked in the database afterwards: every save the server acknowledged must be there (lost writes 0)."""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from chibo import config
from chibo.bench_browser import PASSWORD  # one bench password for the browser and the meeting

MEMBERS = 33
SECRETARY_TITLE = "Thư ký: điểm danh, ghi ý kiến, biểu quyết"


class Session:
    """One browser tab as the server sees it: the widgets the last run drew, the values this user set."""

    def __init__(self, url: str, name: str, record):
        self.url, self.name, self.record = url.replace("http", "ws", 1) + "/_stcore/stream", name, record
        self.widgets: dict[str, object] = {}  # label → the element's proto, from the last run
        self.fragment_of: dict[str, str] = {}  # label → the fragment the widget was drawn in (none: the page)
        self.texts: list[str] = []  # what the last run said (alerts, toasts)
        self.values: dict[str, object] = {}  # widget id → WidgetState kept across runs, as the browser does
        self.pages: dict[str, str] = {}  # page title → page_script_hash
        self.page_hash = ""
        self.auto_rerun: tuple[float, str] | None = None
        self.finished = asyncio.Event()
        self.socket = None

    async def open(self) -> None:
        import websockets
        self.socket = await websockets.connect(self.url, subprotocols=["streamlit"], max_size=None)
        self.reader = asyncio.create_task(self._read())
        await self.request("open")

    async def close(self) -> None:
        self.reader.cancel()
        await self.socket.close()

    async def _read(self) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
        done = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
                ForwardMsg.FINISHED_WITH_COMPILE_ERROR}
        async for raw in self.socket:
            msg = ForwardMsg()
            msg.ParseFromString(raw)
            kind = msg.WhichOneof("type")
            if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                self._element(msg.delta.new_element, msg.delta.fragment_id)
            elif kind == "delta" and msg.delta.WhichOneof("type") == "add_block":
                block = msg.delta.add_block
                if block.WhichOneof("type") == "expandable" and block.expandable.id:  # an expander with a key
                    self.widgets[block.expandable.label] = block.expandable
            elif kind == "navigation":
                self.pages = {p.page_name: p.page_script_hash for p in msg.navigation.app_pages}
                self.page_hash = msg.navigation.page_script_hash
            elif kind == "auto_rerun":
                self.auto_rerun = (msg.auto_rerun.interval, msg.auto_rerun.fragment_id)
            elif kind == "script_finished" and msg.script_finished in done:
                self.finished.set()

    def _element(self, element, fragment_id: str = "") -> None:
        kind = element.WhichOneof("type")
        proto = getattr(element, kind)
        if kind in ("alert", "toast"):
            self.texts.append(proto.body)
            if kind == "alert" and proto.format == proto.ERROR:
                self.record.error(self.name, proto.body)
        elif kind == "exception":
            self.record.error(self.name, f"{proto.type}: {proto.message}")
        elif hasattr(proto, "id") and hasattr(proto, "label") and proto.id:
            self.widgets[proto.label] = proto
            self.fragment_of[proto.label] = fragment_id

    async def request(self, what: str, fragment_id: str = "", triggers: tuple = (), auto: bool = False) -> float:
        """One rerun request with the widgets' values; returns the seconds until the run it started ended. With
        `fragment_id` only that fragment runs (its refresh when `auto`, else a widget in it), as the browser asks."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.WidgetStates_pb2 import WidgetState
        message = BackMsg()
        state = message.rerun_script
        state.page_script_hash = self.page_hash
        state.widget_states.widgets.extend(self.values.values())
        for widget_id in triggers:
            state.widget_states.widgets.append(WidgetState(id=widget_id, trigger_value=True))
        if fragment_id:
            state.fragment_id, state.is_auto_rerun = fragment_id, auto
        else:
            self.widgets = {}
        if not auto:
            self.texts = []
        self.finished.clear()
        started = time.perf_counter()
        await self.socket.send(message.SerializeToString())
        try:
            await asyncio.wait_for(self.finished.wait(), timeout=60)
        except TimeoutError:
            self.record.error(self.name, f"{what}: no answer in 60 s")
            return 60.0
        seconds = time.perf_counter() - started
        self.record.latency(what, seconds)
        return seconds

    def set(self, label: str, **value) -> None:
        from streamlit.proto.WidgetStates_pb2 import WidgetState
        widget = self.widgets[label]
        self.values[widget.id] = WidgetState(id=widget.id, **value)

    async def press(self, what: str, label: str) -> float:
        return await self.request(what, self.fragment_of.get(label, ""), triggers=(self.widgets[label].id,))

    async def go(self, title: str) -> None:
        self.page_hash = self.pages[title]
        await self.request("open_page")

    async def sign_in(self, username: str) -> None:
        self.set("Tên đăng nhập", string_value=username)
        self.set("Mật khẩu", string_value=PASSWORD)
        await self.press("sign_in", "Đăng nhập")
        self.values = {}


class Record:
    """Latencies per kind of interaction, errors, and the writes the server acknowledged. The meeting's bounded
    time starts once every session has signed in (the room arrives first), so each session waits in `ready`."""

    def __init__(self, sessions: int = 0, seconds: float = 0):
        self.sessions, self.seconds, self.arrived = sessions, seconds, 0
        self.started = asyncio.Event()
        self.until = 0.0
        self.latencies: dict[str, list[float]] = {}
        self.errors: list[str] = []
        self.acknowledged = {"progress": set(), "remark": set()}

    async def ready(self) -> float:
        """Waits until every session is in; returns when the meeting's load ends."""
        self.arrived += 1
        if self.arrived == self.sessions:
            self.until = time.perf_counter() + self.seconds
            self.started.set()
        await self.started.wait()
        return self.until

    def latency(self, what: str, seconds: float) -> None:
        self.latencies.setdefault(what, []).append(seconds)

    def error(self, who: str, text: str) -> None:
        self.errors.append(f"{who}: {text}")


async def member(url: str, username: str, record: Record, rng: random.Random) -> None:
    session = Session(url, username, record)
    await session.open()
    await session.sign_in(username)
    until = await record.ready()
    await asyncio.sleep(rng.uniform(0, 5))  # not all at the same instant: members look up when they are asked to
    await session.go("Việc của tôi")
    count = 0
    while time.perf_counter() < until:
        options = list(session.widgets["Mở nhiệm vụ"].options)[1:]
        if not options:
            break
        session.set("Mở nhiệm vụ", string_value=rng.choice(options))
        await session.request("open_task")
        box = session.widgets.get("Tiến độ (%)")  # the progress number box (whole percents)
        if box is not None:
            count += 1
            note = f"tải họp {username} {count}"
            now = box.value if box.set_value else box.default
            session.set("Tiến độ (%)", int_value=int(min(95, now + 5)))
            session.set("Ghi chú", string_value=note)
            await session.press("record_progress", "Lưu tiến độ")
            if any("Đã lưu tiến độ" in text for text in session.texts):
                record.acknowledged["progress"].add(note)
        await asyncio.sleep(rng.uniform(2, 6))  # reading, typing
    await session.close()


async def projector(url: str, record: Record) -> None:
    session = Session(url, "chieu", record)
    await session.open()
    await session.sign_in("chieu")
    until = await record.ready()
    while time.perf_counter() < until:
        if session.auto_rerun is None:
            record.error("chieu", "the display asked for no refresh")
            break
        interval, fragment = session.auto_rerun
        await asyncio.sleep(interval)
        await session.request("display_refresh", fragment_id=fragment, auto=True)
    await session.close()


async def secretary(url: str, record: Record, rng: random.Random) -> None:
    session = Session(url, "bithu", record)
    await session.open()
    await session.sign_in("bithu")
    until = await record.ready()
    await session.go("Trình chiếu")
    session.set(SECRETARY_TITLE, bool_value=True)
    await session.request("open_secretary")
    roll = session.widgets.get("Điểm danh: tất cả có mặt")
    if roll is not None and not roll.disabled:
        await session.press("roll_call", "Điểm danh: tất cả có mặt")
    count = 0
    while time.perf_counter() < until:
        count += 1
        text = f"tải họp ý kiến {count}"
        session.set("Ý kiến, ghi chú", string_value=text)
        await session.press("remark", "Ghi ý kiến")
        if any("Đã ghi ý kiến" in said for said in session.texts):
            record.acknowledged["remark"].add(text)
        if count % 3 == 0:
            await session.press("roll_call", "Lưu điểm danh")
        await asyncio.sleep(rng.uniform(3, 8))
    await session.close()


def _seed(db_path: Path, scale: int, today: date) -> list[str]:
    """The bench's cell, an account for each of 33 members with open work, the secretary and the projector."""
    from chibo import auth, bench
    from chibo.db import Database
    from chibo.permissions import SYSTEM
    db = Database(db_path)
    bench.generate(db, scale, today)
    # Every member has open work this month (the only month not closed): one task each, in progress.
    db.write(lambda cur: cur.execute(
        "INSERT INTO tasks (document_id, field, title, lead_member_id, channel, start_on, deadline, status, progress)"
        " SELECT d.id, 'chuyen_mon', 'Việc trong tháng của đồng chí số ' || m.id, m.id, 'cuoc_hop', d.month,"
        " CAST(d.month + INTERVAL 25 DAY AS DATE), 'in_progress', 10 FROM documents d, members m"
        " WHERE d.kind = 'nq_thang' AND d.status = 'in_progress' AND m.party_role = 'dang_vien'"))
    # The meeting runs today: this month's regular meeting is held on the bench's day, so the display shows it and the
    # secretary's tools (roll call, remarks) are there — on any other day the display shows the coming meeting.
    db.write(lambda cur: cur.execute("UPDATE meetings SET held_on = ? WHERE kind = 'thuong_ky' AND held_on"
                                     " BETWEEN ? AND ?", [today, today.replace(day=1), today]))
    busy = [row[0] for row in db.rows("SELECT id FROM members WHERE party_role = 'dang_vien' ORDER BY id LIMIT ?",
                                      [MEMBERS])]
    names = []
    for index, member_id in enumerate(busy):
        names.append(f"dv{index:02d}")
        auth.add_user(db, SYSTEM, names[-1], PASSWORD, "dang_vien", member_id=member_id)
    secretary_id = db.scalar("SELECT id FROM members WHERE party_role = 'bi_thu' ORDER BY id LIMIT 1")
    auth.add_user(db, SYSTEM, "bithu", PASSWORD, "chi_uy", member_id=secretary_id)
    auth.add_user(db, SYSTEM, "chieu", PASSWORD, "trinh_chieu")
    db.close()
    return names


class ServerSampler:
    """The server process's resident memory and CPU, read from /proc once a second: while the room signs in, and
    during the meeting's bounded time."""

    def __init__(self, pid: int):
        self.pid, self.rss_mb, self.cpu = pid, {"sign_in": [], "meeting": []}, None
        self.ticks = os.sysconf("SC_CLK_TCK")

    def _cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / self.ticks

    def _rss(self) -> float:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    async def run(self, record: Record) -> None:
        while not record.started.is_set():
            self.rss_mb["sign_in"].append(self._rss())
            await asyncio.sleep(0.5)
        cpu_start, wall_start = self._cpu_seconds(), time.perf_counter()
        while time.perf_counter() < record.until:
            self.rss_mb["meeting"].append(self._rss())
            await asyncio.sleep(1)
        self.cpu = (self._cpu_seconds() - cpu_start) / (time.perf_counter() - wall_start)


async def _load(url: str, names: list[str], record: Record, sampler: ServerSampler) -> None:
    arrivals = []
    for index, name in enumerate(names):  # members arrive over the first few seconds, as a room does
        arrivals.append(_after(index * 0.15, member(url, name, record, random.Random(index))))
    arrivals += [projector(url, record), secretary(url, record, random.Random(42)), sampler.run(record)]
    results = await asyncio.gather(*arrivals, return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException):
            record.error("session", f"{type(result).__name__}: {result}")


async def _after(delay: float, work) -> None:
    await asyncio.sleep(delay)
    await work


def _lost(db_path: Path, record: Record) -> dict:
    """Acknowledged saves that are not in the database."""
    from chibo.db import Database
    db = Database(db_path)
    notes = {row[0] for row in db.rows("SELECT note FROM progress_updates WHERE note LIKE 'tải họp %'")}
    remarks = {row[0] for row in db.rows("SELECT text FROM meeting_remarks WHERE text LIKE 'tải họp %'")}
    db.close()
    return {"progress": len(record.acknowledged["progress"] - notes),
            "remark": len(record.acknowledged["remark"] - remarks),
            "progress_saved": len(notes), "remarks_saved": len(remarks)}


def measure(scale: int, seconds: float) -> dict:
    from chibo.bench_browser import streamlit_server
    today = date.today()
    folder = Path(tempfile.mkdtemp(prefix="chibo-bench-meeting-"))
    db_path = folder / "bench.duckdb"
    names = _seed(db_path, scale, today)
    env = {"CHIBO_DB": str(db_path), "CHIBO_BACKUP_DIR": str(folder / "backups"), "CHIBO_TODAY": today.isoformat()}
    record = Record(len(names) + 2, seconds)
    with streamlit_server(config.PROJECT_DIR / "app.py", env, folder / "server.log") as (url, proc):
        sampler = ServerSampler(proc.pid)
        asyncio.run(_load(url, names, record, sampler))
    every = [s for what, values in record.latencies.items() if what not in ("open", "sign_in") for s in values]
    return {"scale": scale, "seconds": seconds, "sessions": len(names) + 2, "clients": "streamlit protocol",
            "load_average": list(os.getloadavg()), "cores": os.cpu_count(),
            "interactions": len(every), "latency": _summary(every),
            "by_kind": {what: _summary(values) for what, values in record.latencies.items()},
            "errors": len(record.errors), "error_samples": record.errors[:10],
            "acknowledged": {k: len(v) for k, v in record.acknowledged.items()},
            "lost_writes": _lost(db_path, record),
            "server_rss_mb_max": round(max(sampler.rss_mb["meeting"], default=0), 1),
            "server_rss_mb_max_sign_in": round(max(sampler.rss_mb["sign_in"], default=0), 1),
            "server_cpu_cores": None if sampler.cpu is None else round(sampler.cpu, 2),
            # what one interaction costs the server's one process (CPU time over the meeting / interactions)
            "server_cpu_ms_per_interaction": None if sampler.cpu is None or not every else
            round(sampler.cpu * seconds * 1000 / len(every), 1)}


def _summary(values: list[float]) -> dict:
    if not values:
        return {"n": 0}
    ordered = sorted(values)
    return {"n": len(values), "p50_ms": round(statistics.median(ordered) * 1000, 1),
            "p95_ms": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000, 1),
            "max_ms": round(ordered[-1] * 1000, 1)}


def report(result: dict) -> str:
    lost = result["lost_writes"]
    lines = [f"chibo meeting load — scale {result['scale']}, {result['sessions']} sessions ({result['clients']}) for "
             f"{result['seconds']:.0f} s, load average {' '.join(f'{x:.2f}' for x in result['load_average'])} on "
             f"{result['cores']} cores",
             f"interactions {result['interactions']}: p50 {result['latency'].get('p50_ms')} ms · p95 "
             f"{result['latency'].get('p95_ms')} ms · max {result['latency'].get('max_ms')} ms",
             f"errors {result['errors']} · lost writes {lost['progress'] + lost['remark']} (progress saved "
             f"{lost['progress_saved']}, remarks saved {lost['remarks_saved']}) · server RSS max "
             f"{result['server_rss_mb_max']} MB (signing in "
             f"{result['server_rss_mb_max_sign_in']} MB) · server CPU {result['server_cpu_cores']} cores, "
             f"{result['server_cpu_ms_per_interaction']} ms CPU per interaction"]
    for what, summary in result["by_kind"].items():
        lines.append(f"  {what:<18} n {summary['n']:>4} · p50 {summary.get('p50_ms')} · p95 {summary.get('p95_ms')}"
                     f" · max {summary.get('max_ms')} ms")
    lines += [f"  ! {error}" for error in result["error_samples"]]
    return "\n".join(lines)
