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

ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    port = free_port()
    env = os.environ | {"CHIBO_DB": str(tmp_path / "e2e.duckdb"), "CHIBO_BACKUP_DIR": str(tmp_path / "backups"),
                        "CHIBO_DISPLAY_REFRESH": "2"}
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
def browser(tmp_path):
    from playwright.sync_api import sync_playwright
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `make test` installs it (scripts/system-deps.sh).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS + [
            f"--user-data-dir={tmp_path / 'chromium-profile'}"] if False else FLAGS)
        yield browser
        browser.close()


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
                shot = SHOTS / f"{journey.name}-{journey.count:02d}.png"
                journey.page.screenshot(path=str(shot), full_page=False)
                if error is not None:
                    raise AssertionError(f"Hành trình «{journey.name}», bước {journey.count} «{title}»: {error}") \
                        from error
                return False
        return _Step()
