"""Count lost updates: N sessions recording progress on the same few tasks, as people do the week before a meeting.

Each session opens a task's progress form, sets a new figure and saves; when chibo refuses the save because someone
saved in between, the session keeps its own figure (saving again, on purpose) or takes the stored one, at random.
A save is *lost* when it succeeded without a conflict being shown and either the figure stored is not the one the
user had on screen, or it replaced a figure the user never saw (the task held another figure than the form was
opened on, and the user's figure differs from it). Kept-on-purpose saves are counted apart: they are not silent.

Two ways to run the sessions:

  --via app     N AppTest sessions of «Bảng nhiệm vụ», interleaved at random in one process: the page's own code,
                widgets and their keys included (where the bug of issue #18 lived). The default.
  --via domain  N threads calling what the page calls — tasks.progress_form, then tasks.record_progress with the
                version read — at once, against one Database, as the server's sessions do.

  --unversioned (with --via domain) saves without the version, as chibo did before: the baseline.

    .venv/bin/python scripts/lost-updates.py --sessions 8 16
    .venv/bin/python scripts/lost-updates.py --via domain --sessions 8 16 [--unversioned]

The demo cell (the tests' fixed day, 2026-11-21) is built in a temporary folder; nothing else is touched.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chibo import auth, demo, tasks  # noqa: E402
from chibo.db import Database  # noqa: E402
from chibo.errors import StaleEdit  # noqa: E402

TODAY = date(2026, 11, 21)  # the demo's own calendar (tests/conftest.py TODAY)
SHARED_TASKS = 4
KEEP_MINE, TAKE_STORED = "Giữ giá trị của tôi và lưu", "Lấy giá trị đã lưu"  # chibo.ui's two choices


@dataclass
class Save:
    """One save a session saw succeed: the figure its form was opened on, the one it set, and whether it was kept
    over a conflict shown to the user."""
    user: str
    task_id: int
    seen: int
    chosen: int
    kept_on_purpose: bool


@dataclass
class Tally:
    saves: list[Save] = field(default_factory=list)
    conflicts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def saved(self, save: Save) -> None:
        with self.lock:
            self.saves.append(save)

    def refused(self) -> None:
        with self.lock:
            self.conflicts += 1


def prepare(folder: Path, sessions: int) -> tuple[Path, list[int], dict[str, int]]:
    """The demo cell, the shared tasks (open, in November), and one committee account per session."""
    path = folder / "lost-updates.duckdb"
    db = Database(path)
    demo.load(db, auth.SYSTEM, TODAY)
    shared = [int(i) for i in tasks.board(db, TODAY, open_only=True)["id"].head(SHARED_TASKS)]
    accounts = {f"phien{n:02d}": auth.add_user(db, auth.SYSTEM, f"phien{n:02d}", "mat-khau-do-luong", "chi_uy")
                for n in range(sessions)}
    db.checkpoint()
    db.close()
    return path, shared, accounts


def new_figure(rng: random.Random, seen: int) -> int:
    return rng.choice([p for p in range(5, 100, 5) if p != seen])


# -- the sessions as threads calling the domain ------------------------------------------------
def run_domain(db: Database, shared: list[int], accounts: dict[str, int], rounds: int, versioned: bool,
               seed: int) -> Tally:
    tally = Tally()
    actors = {name: auth.actor_for(db, user_id) for name, user_id in accounts.items()}

    def session(name: str, rng: random.Random) -> None:
        actor = actors[name]
        for _ in range(rounds):
            task_id = rng.choice(shared)
            form = tasks.progress_form(db, task_id, TODAY)
            seen, chosen = form.values["progress"], new_figure(rng, form.values["progress"])
            time.sleep(rng.uniform(0, 0.01))  # reading the task, moving the slider
            version, kept = (form.version if versioned else None), False
            for _attempt in range(5):
                try:
                    tasks.record_progress(db, actor, task_id, chosen, f"{name}: {chosen}%", today=TODAY,
                                          opened=version)
                except StaleEdit as refusal:
                    tally.refused()
                    if rng.random() < 0.5:
                        break  # takes the stored figure
                    version, kept = refusal.version, True  # keeps theirs, on purpose
                    continue
                tally.saved(Save(name, task_id, seen, chosen, kept))
                break

    threads = [threading.Thread(target=session, args=(name, random.Random(seed + n)))
               for n, name in enumerate(accounts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally


# -- the sessions as AppTest runs of the task board ---------------------------------------------
def run_app(db_path: Path, shared: list[int], accounts: dict[str, int], rounds: int, seed: int) -> Tally:
    from streamlit.testing.v1 import AppTest
    rng = random.Random(seed)
    tally = Tally()

    def signed_in(user_id: int):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.session_state["user_id"] = user_id
        at.session_state["last_seen"] = time.time()
        at.run()
        at.switch_page("screens/tasks.py").run()
        return at

    sessions = {name: {"at": signed_in(user_id), "task": None, "seen": None, "left": rounds, "kept": False}
                for name, user_id in accounts.items()}

    def open_task(state) -> None:
        state["task"] = rng.choice(shared)
        state["at"].session_state["last_seen"] = time.time()
        state["at"].selectbox(key="board_open").set_value(state["task"]).run()
        state["seen"] = state["at"].slider[0].value

    def shown(at, kind: str) -> list[str]:
        return [element.value for element in getattr(at, kind)]

    while any(state["left"] for state in sessions.values()):
        name = rng.choice([n for n, state in sessions.items() if state["left"]])
        state, at = sessions[name], sessions[name]["at"]
        at.session_state["last_seen"] = time.time()
        if state["task"] is None or rng.random() < 0.2:
            open_task(state)  # opens a task (or moves to another one) and reads it
            continue
        if any("nên chưa lưu gì" in w for w in shown(at, "warning")):  # a refusal on screen: the user chooses
            label = KEEP_MINE if rng.random() < 0.5 else TAKE_STORED
            state["kept"] = label == KEEP_MINE
            next(b for b in at.button if b.label == label).click().run()
            if label == TAKE_STORED:
                state["seen"] = at.slider[0].value
                continue
        else:
            state["chosen"] = new_figure(rng, state["seen"])
            state["kept"] = False
            at.slider[0].set_value(state["chosen"])
            next(b for b in at.button if b.label == "Lưu tiến độ").click().run()
        if "Đã lưu tiến độ." in shown(at, "success"):
            tally.saved(Save(name, state["task"], state["seen"], state["chosen"], state["kept"]))
            state["left"] -= 1
            state["seen"] = at.slider[0].value  # the form reopens on what is stored now
            if "success" in at.session_state:  # so that the next save's message is its own
                del at.session_state["success"]
        elif any("nên chưa lưu gì" in w for w in shown(at, "warning")):
            tally.refused()
        else:
            raise SystemExit(f"{name}: neither saved nor refused: {shown(at, 'error')} {shown(at, 'exception')}")
    return tally


# -- counting -----------------------------------------------------------------------------------
def lost(db: Database, tally: Tally, shared: list[int], before: dict[int, int]) -> list[Save]:
    """The saves that succeeded silently while storing another figure than the user's, or replacing one the user
    never saw. Each session's saves are its user's progress updates, in order."""
    rows = db.rows("SELECT p.id, u.username, p.task_id, p.progress FROM progress_updates p JOIN users u"
                   " ON u.id = p.user_id WHERE p.task_id IN (SELECT unnest(?::INTEGER[])) AND u.username LIKE 'phien%'"
                   " ORDER BY p.id", [shared])
    previous, by_user, stored_before = dict(before), {}, {}
    for row_id, user, task_id, progress in rows:
        by_user.setdefault(user, []).append(row_id)
        stored_before[row_id] = previous[task_id]
        previous[task_id] = progress
    figures = {row[0]: row[3] for row in rows}
    found, position = [], {}
    for save in tally.saves:
        index = position.get(save.user, 0)
        position[save.user] = index + 1
        row_id = by_user[save.user][index]
        replaced_unseen = stored_before[row_id] not in (save.seen, save.chosen)
        if figures[row_id] != save.chosen or (replaced_unseen and not save.kept_on_purpose):
            found.append(save)
    return found


def measure(via: str, sessions: int, rounds: int, versioned: bool, seed: int) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="chibo-lost-updates-"))
    try:
        path, shared, accounts = prepare(folder, sessions)
        if via == "app":
            import streamlit as st

            from chibo import config, ui
            os.environ.update({"CHIBO_DB": str(path), "CHIBO_TODAY": TODAY.isoformat(),
                               "CHIBO_BACKUP_DIR": str(folder / "backups")})
            config.load.cache_clear()  # settings are read once per process: this run's own
            st.cache_resource.clear()
            db = ui._database(str(path))  # the very Database the pages use
        else:
            db = Database(path)
        before = dict(db.rows("SELECT id, progress FROM tasks WHERE id IN (SELECT unnest(?::INTEGER[]))", [shared]))
        started = time.perf_counter()
        tally = (run_app(path, shared, accounts, rounds, seed) if via == "app"
                 else run_domain(db, shared, accounts, rounds, versioned, seed))
        seconds = time.perf_counter() - started
        silent = lost(db, tally, shared, before)
        db.close()
        return {"via": via + ("" if versioned else " (không phiên bản)"), "sessions": sessions,
                "saves": len(tally.saves), "conflicts": tally.conflicts,
                "kept": sum(s.kept_on_purpose for s in tally.saves), "lost": len(silent), "seconds": seconds}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[8, 16])
    parser.add_argument("--via", choices=["app", "domain"], default="app")
    parser.add_argument("--rounds", type=int, default=None, help="saves per session (app: 10, domain: 25)")
    parser.add_argument("--unversioned", action="store_true", help="domain only: save without the version")
    parser.add_argument("--seed", type=int, default=18)
    args = parser.parse_args()
    if args.unversioned and args.via != "domain":
        parser.error("--unversioned needs --via domain")
    rounds = args.rounds or (10 if args.via == "app" else 25)
    print(f"{'cách chạy':<28}{'phiên':>6}{'lần lưu':>9}{'từ chối':>9}{'giữ':>6}{'mất':>6}{'tỷ lệ mất':>11}{'giây':>8}")
    worst = 0
    for count in args.sessions:
        found = measure(args.via, count, rounds, not args.unversioned, args.seed)
        share = 100 * found["lost"] / found["saves"] if found["saves"] else 0.0
        worst = max(worst, found["lost"])
        print(f"{found['via']:<28}{count:>6}{found['saves']:>9}{found['conflicts']:>9}{found['kept']:>6}"
              f"{found['lost']:>6}{share:>10.1f}%{found['seconds']:>8.1f}", flush=True)
    return 1 if worst and not args.unversioned else 0


if __name__ == "__main__":
    sys.exit(main())
