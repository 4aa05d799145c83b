"""A real `streamlit run` on a free port with a fresh database, and Debian's Chromium driven by Playwright."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import TODAY

ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


ACCOUNTS = {"quantri": ("quan_tri", "mat-khau-quan-tri"), "bithu": ("chi_uy", "mat-khau-bi-thu"),
            "dangvien": ("dang_vien", "mat-khau-dang-vien"), "maychieu": ("trinh_chieu", "mat-khau-chieu")}


def seed_demo(path: Path) -> None:
    """The demo cell and one account per role, written before the server owns the file."""
    from chibo import auth, demo
    from chibo.db import Database
    db = Database(path)
    demo.load(db, auth.SYSTEM, TODAY)  # the server lives on the same day (CHIBO_TODAY below)
    secretary = db.scalar("SELECT id FROM members WHERE party_role = 'bi_thu'")
    busy = db.scalar("SELECT t.lead_member_id FROM tasks t JOIN documents d ON d.id = t.document_id"
                     " WHERE d.status = 'in_progress' AND t.status IN ('not_started', 'in_progress')"
                     " AND t.lead_member_id IS NOT NULL ORDER BY t.deadline LIMIT 1")
    links = {"bithu": secretary, "dangvien": busy}
    for name, (role, password) in ACCOUNTS.items():
        auth.add_user(db, auth.SYSTEM, name, password, role, member_id=links.get(name))
    db.close()


@pytest.fixture
def seeded(tmp_path):
    seed_demo(tmp_path / "e2e.duckdb")
    return tmp_path


@pytest.fixture
def server(tmp_path):
    port = free_port()
    env = os.environ | {"CHIBO_DB": str(tmp_path / "e2e.duckdb"), "CHIBO_BACKUP_DIR": str(tmp_path / "backups"),
                        "CHIBO_DISPLAY_REFRESH": "2", "CHIBO_TODAY": TODAY.isoformat()}
    log = open(tmp_path / "server.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                             "--server.headless", "true", "--server.fileWatcherType", "none"],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("streamlit did not answer its health endpoint: " + (tmp_path / "server.log").read_text())
    yield {"url": url, "db": tmp_path / "e2e.duckdb", "tmp": tmp_path}
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `make test` installs it (scripts/system-deps.sh).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


def login(page, url: str, name: str) -> None:
    page.goto(url)
    page.get_by_label("Tên đăng nhập").fill(name)
    page.get_by_label("Mật khẩu").fill(ACCOUNTS[name][1])
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_text("Đăng nhập chibo").wait_for(state="detached", timeout=30_000)


def pick(page, label: str, option: str) -> None:
    """Choose an option of a Streamlit selectbox by its visible text."""
    page.get_by_label(label).first.click()
    page.get_by_role("option", name=option).first.click()


class Journey:
    """Names each step, so a failing journey says where it broke; saves a screenshot per step."""

    def __init__(self, page, name: str):
        self.page, self.name, self.count = page, name, 0
        SHOTS.mkdir(parents=True, exist_ok=True)

    def step(self, title: str):
        journey = self

        class _Step:
            def __enter__(self):
                return journey.page

            def __exit__(self, kind, error, trace):
                journey.count += 1
                journey.page.wait_for_timeout(400)  # let the last rerun paint
                shot = SHOTS / f"{journey.name}-{journey.count:02d}.png"
                journey.page.screenshot(path=str(shot), full_page=False)
                if error is not None:
                    raise AssertionError(f"Hành trình «{journey.name}», bước {journey.count} «{title}»: {error}") \
                        from error
                return False
        return _Step()
