"""Make tests/data/chibo-0001-demo.duckdb.gz: a database as chibo wrote it at schema 0001, for the migration tests.

It holds the demo cell built for a fixed day (2026-11-21, the same day as tests/conftest.py TODAY) plus
what a cell in use also has: three accounts (an administrator, a committee member linked to the
secretary, a member; their passwords are written below, it is test data), a saved question and a changed
setting. tests/test_migrations.py unpacks a copy and opens it with today's code, which migrates it to the
latest schema, and checks that nothing was lost.

Run it only at a commit whose chibo ships migration 0001 alone (it refuses otherwise): the point of the
file is that the old schema wrote it. It was made at the commit that added this script:

    git checkout <that commit> && .venv/bin/python scripts/make-old-database.py

The file is committed gzipped: DuckDB writes in 256 KiB blocks, so 33 small tables take 14 MiB on disk,
almost all zeros, and under 50 KiB compressed. Compressing keeps the exact bytes chibo wrote (a smaller
block size or a copy made with COPY FROM DATABASE would be a different file from the one a user has).
`gunzip -k` it to look inside with any DuckDB client of the pinned version or later.

DuckDB is the version pinned in requirements.txt (2.0.0); the file's storage version is v2.0.0+, which
2.0.0 and later releases read. The content is deterministic (the demo's seed and day) apart from creation
timestamps, audit times and password salts; the tests compare against the file itself, so that is fine.
"""

from __future__ import annotations

import gzip
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chibo import auth, dashboard, demo, queries  # noqa: E402
from chibo.db import Database, latest_version  # noqa: E402

TODAY = date(2026, 11, 21)  # tests/conftest.py TODAY: the demo's own calendar
TARGET = ROOT / "tests" / "data" / "chibo-0001-demo.duckdb.gz"
SCHEMA = 1


def build(path: Path) -> None:
    db = Database(path)
    try:
        demo.load(db, auth.SYSTEM, today=TODAY)
        admin = auth.create_first_admin(db, "quantri", "quan-tri-2026", "Quản trị hệ thống")
        secretary = db.scalar("SELECT id FROM members WHERE party_role = 'bi_thu'")
        auth.add_user(db, admin, "bithu", "bi-thu-2026", "chi_uy", "Bí thư chi bộ", secretary)
        auth.add_user(db, admin, "dangvien", "dang-vien-2026", "dang_vien", "Đảng viên")
        queries.save_query(db, admin, "Nhiệm vụ chưa xong",
                           "SELECT title, deadline, status FROM tasks WHERE status <> 'done' ORDER BY deadline")
        dashboard.save_thresholds(db, admin, 85, 60)
        db.checkpoint()
    finally:
        db.close()


def main() -> int:
    if latest_version() != SCHEMA:
        print(f"This code ships migrations up to {latest_version():04d}; the old database must be made with"
              f" {SCHEMA:04d} alone. Check out the commit that added this script.", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "old.duckdb"
        build(path)
        assert not path.with_name(path.name + ".wal").exists(), "a checkpointed file leaves no WAL"
        TARGET.parent.mkdir(parents=True, exist_ok=True)
        data = path.read_bytes()
        TARGET.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    print(f"{TARGET.relative_to(ROOT)}: {TARGET.stat().st_size / 1024:.0f} KiB"
          f" ({len(data) / 1024 / 1024:.1f} MiB unpacked), schema {SCHEMA:04d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
