"""How long a large member import keeps every other write waiting (issue #18, part 7).

A fresh database gets a spreadsheet of N members (default 5,000) imported in one thread while another thread
keeps making one small write (a setting) after another, as a user saving a form would; what is printed is
how long the import took and the longest any of those small writes waited. Run from the repository:

    .venv/bin/python scripts/measure-import-lock.py [N]
"""

from __future__ import annotations

import io
import statistics
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chibo import cell, members  # noqa: E402
from chibo.db import Database  # noqa: E402
from chibo.permissions import SYSTEM  # noqa: E402

TODAY = date(2026, 11, 21)


def sheet(count: int) -> bytes:
    rows = [{"Họ và tên": f"Đảng Viên Số {i}", "Giới tính": "Nữ" if i % 2 else "Nam", "Năm sinh": 1960 + i % 30,
             "Ngày vào Đảng": "15/05/2010"} for i in range(count)]
    buffer = io.StringIO()
    pd.DataFrame(rows).to_csv(buffer, index=False)
    return buffer.getvalue().encode("utf-8")


def main(count: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = Database(Path(folder) / "import.duckdb")
        data = sheet(count)
        waits: list[float] = []
        done = threading.Event()

        def small_writes() -> None:
            n = 0
            while not done.is_set():
                start = time.perf_counter()
                cell.save_setting(db, SYSTEM, "probe", n)
                waits.append(time.perf_counter() - start)
                n += 1
                time.sleep(0.005)

        writer = threading.Thread(target=small_writes)
        writer.start()
        time.sleep(0.2)
        start = time.perf_counter()
        imported = members.import_members(db, SYSTEM, data, "ds.csv", TODAY)
        took = time.perf_counter() - start
        done.set()
        writer.join()
        db.close()
    print(f"{imported} members imported in {took:.2f} s; {len(waits)} small writes meanwhile, "
          f"median {statistics.median(waits) * 1000:.1f} ms, longest wait {max(waits):.2f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
