"""Backups and restore: consistent copies while the app runs, a daily automatic copy,
and a restore that checks the file, migrates an older one and keeps what it replaces."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from datetime import date, datetime
from pathlib import Path

import duckdb

from chibo import db as dbmod
from chibo.config import Config
from chibo.db import Database
from chibo.errors import InputError
from chibo.permissions import Actor, require

PREFIX = "chibo-"


def _copy_consistent(db: Database, out: Path) -> Path:
    """Under the write lock no transaction is open; after a forced checkpoint the file alone is complete.

    The copy is made by a child process: DuckDB's lock on the file is a POSIX record lock, which this
    process would silently drop the moment it closed any other descriptor of the same file."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with db.exclusive():
        db.checkpoint()
        tmp = out.with_suffix(out.suffix + ".part")
        subprocess.run(["cp", str(db.path), str(tmp)], check=True, capture_output=True)
        tmp.replace(out)  # atomic: a crash never leaves a half-written backup under the real name
    return out


def backup_to(db: Database, actor: Actor, out: str | Path) -> Path:
    require(actor, "backup")
    out = Path(out)
    if out.resolve() == db.path.resolve():
        raise InputError("Tệp sao lưu không được trùng với tệp dữ liệu đang dùng.")
    return _copy_consistent(db, out)


def backup_bytes(db: Database, actor: Actor) -> bytes:
    """The whole database as bytes, for the download button."""
    require(actor, "backup")
    with tempfile.TemporaryDirectory() as folder:
        path = _copy_consistent(db, Path(folder) / "backup.duckdb")
        return path.read_bytes()


def daily_backup(db: Database, cfg: Config, today: date) -> Path | None:
    """On the first start of each day, copy the database into the backup folder; keep the newest N."""
    if not db.scalar("SELECT count(*) FROM cell"):
        return None  # nothing worth keeping yet
    folder = cfg.backup_dir
    if any(folder.glob(f"{PREFIX}{today:%Y-%m-%d}*.duckdb")):
        return None
    made = _copy_consistent(db, folder / f"{PREFIX}{today:%Y-%m-%d}-auto.duckdb")
    prune(folder, cfg.backups_kept)
    return made


def prune(folder: Path, keep: int) -> list[Path]:
    autos = sorted(folder.glob(f"{PREFIX}*-auto.duckdb"))
    doomed = autos[:-keep] if keep > 0 else []
    for path in doomed:
        path.unlink()
    return doomed


def list_backups(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.duckdb"), reverse=True) if folder.exists() else []


def inspect(path: str | Path) -> int:
    """Check a file before restoring it: is it a chibo database, and of which schema version?"""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"Không tìm thấy tệp {path}.")
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        raise InputError("Tệp này không phải cơ sở dữ liệu chibo (hỏng hoặc sai định dạng).") from None
    try:
        version = dbmod.schema_version(con)
        if version is None or not _has_core_tables(con):
            raise InputError("Tệp này không phải bản sao lưu của chibo.")
    except duckdb.Error:
        raise InputError("Tệp sao lưu bị hỏng: không đọc được nội dung.") from None
    finally:
        con.close()
    if version > dbmod.latest_version():
        raise InputError(f"Bản sao lưu từ phiên bản chibo mới hơn (lược đồ {version}, phiên bản này hỗ trợ đến "
                         f"{dbmod.latest_version()}); hãy cập nhật chibo trước khi khôi phục.")
    return version


def _has_core_tables(con) -> bool:
    names = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    return {"cell", "members", "tasks", "users", "audit_log"} <= names


def _prepared_copy(source: Path, folder: Path) -> Path:
    """A migrated copy of the backup, next to the target so the final move is atomic."""
    inspect(source)
    staged = folder / f".restore-{datetime.now():%Y%m%d%H%M%S%f}.duckdb"
    shutil.copyfile(source, staged)
    try:
        Database(staged).close()  # applies any migration the older backup lacks
    except Exception:
        staged.unlink(missing_ok=True)
        raise
    return staged


def restore_file(db_path: str | Path, source: str | Path, backup_dir: Path) -> Path | None:
    """Restore into a database no process has open (the CLI). Returns where the old file was kept."""
    db_path, source = Path(db_path), Path(source)
    if source.resolve() == db_path.resolve():
        raise InputError("Tệp khôi phục trùng với tệp dữ liệu đang dùng.")
    db_path.parent.mkdir(parents=True, exist_ok=True)
    staged = _prepared_copy(source, db_path.parent)
    kept = None
    if db_path.exists():
        dbmod.connect_file(db_path).close()  # refuses, with one sentence, if another process holds it
        kept = backup_dir / f"{PREFIX}{datetime.now():%Y-%m-%d-%H%M%S}-truoc-khoi-phuc.duckdb"
        kept.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(db_path, kept)
    staged.replace(db_path)
    Path(str(db_path) + ".wal").unlink(missing_ok=True)
    return kept


def restore_running(db: Database, actor: Actor, source: str | Path, backup_dir: Path) -> Path:
    """Restore while the app holds the file: close, swap, reopen under the write lock."""
    require(actor, "backup")
    source = Path(source)
    staged = _prepared_copy(source, db.path.parent)
    with db.exclusive():
        kept = _copy_consistent(db, backup_dir / f"{PREFIX}{datetime.now():%Y-%m-%d-%H%M%S}-truoc-khoi-phuc.duckdb")
        db.close()
        staged.replace(db.path)
        Path(str(db.path) + ".wal").unlink(missing_ok=True)
        db.reopen()
    return kept
