"""Backups and restore: consistent copies while the app runs, a daily automatic copy,
and a restore that examines the file whole (chibo.integrity) before it touches the database, migrates an
older one and keeps what it replaces."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from datetime import date, datetime
from pathlib import Path

import duckdb

from chibo import db as dbmod
from chibo import integrity, sessions
from chibo.config import Config
from chibo.db import Database
from chibo.errors import InputError
from chibo.permissions import Actor, require

PREFIX = dbmod.BACKUP_PREFIX
STAGED = ".restore-"  # a restore's copy in preparation, beside the database


def backup_to(db: Database, actor: Actor, out: str | Path) -> Path:
    require(actor, "backup")
    out = Path(out)
    if out.resolve() == db.path.resolve():
        raise InputError("Tệp sao lưu không được trùng với tệp dữ liệu đang dùng.")
    return db.copy_to(out)


def backup_bytes(db: Database, actor: Actor) -> bytes:
    """The whole database as bytes, for the download button."""
    require(actor, "backup")
    with tempfile.TemporaryDirectory() as folder:
        path = db.copy_to(Path(folder) / "backup.duckdb")
        return path.read_bytes()


def daily_backup(db: Database, cfg: Config, today: date) -> Path | None:
    """On the first start of each day, copy the database into the backup folder; keep the newest N."""
    if not db.scalar("SELECT count(*) FROM cell"):
        return None  # nothing worth keeping yet
    folder = cfg.backup_dir
    if any(folder.glob(f"{PREFIX}{today:%Y-%m-%d}*.duckdb")):
        return None
    made = db.copy_to(folder / f"{PREFIX}{today:%Y-%m-%d}-auto.duckdb")
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


def _staged_path(folder: Path) -> Path:
    """Where a restore prepares its copy: beside the database, so the final move is atomic; named after this
    process, so a later start can tell a copy whose restore was cut off from one still being prepared."""
    return folder / f"{STAGED}{os.getpid()}-{uuid.uuid4().hex}.duckdb"


def clear_stale_restores(folder: Path) -> list[Path]:
    """Remove what interrupted restores left in `folder`: staged copies (and their logs) of processes that
    are gone. A restore removes its own copy whatever happens, unless the process itself is killed."""
    removed = []
    for path in folder.glob(f"{STAGED}*"):
        owner = path.name[len(STAGED):].split("-", 1)[0]
        if owner.isdigit() and _running(int(owner)):
            continue
        path.unlink(missing_ok=True)
        removed.append(path)
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def _remove_staged(staged: Path) -> None:
    for path in (staged, Path(str(staged) + ".wal")):
        path.unlink(missing_ok=True)


def _prepared_copy(source: Path, folder: Path) -> Path:
    """A copy of the backup beside the target, examined whole, migrated if older and examined again.
    Nothing is left behind if any step fails; the live database is not touched here."""
    if not source.is_file():
        raise InputError(f"Không tìm thấy tệp {source}.")
    folder.mkdir(parents=True, exist_ok=True)
    staged = _staged_path(folder)
    try:
        shutil.copyfile(source, staged)
        version = integrity.verify(staged)  # the very bytes that will go live, not the file they came from
        older = version < dbmod.latest_version()
        _bring_up_to_date(staged, migrate=older)
        if older:
            integrity.verify(staged)  # as migrated
    except BaseException:
        _remove_staged(staged)
        raise
    return staged


def _bring_up_to_date(staged: Path, migrate: bool) -> None:
    """Apply the migrations an older backup lacks (no copy kept first: the backup itself is the copy), and end the
    sign-ins it remembered — after a restore everyone signs in again."""
    copy = Database(staged, migrate=False)
    try:
        if migrate:
            try:
                dbmod.apply_migrations(copy)
            except duckdb.Error:
                raise InputError("Không nâng cấp được bản sao lưu lên phiên bản chibo hiện tại; tệp có thể đã bị sửa "
                                 "ngoài chibo.") from None
        copy.write(sessions.end_every)
    finally:
        copy.close()


def _kept_name(backup_dir: Path) -> Path:
    return backup_dir / f"{PREFIX}{datetime.now():%Y-%m-%d-%H%M%S}-truoc-khoi-phuc.duckdb"


def restore_file(db_path: str | Path, source: str | Path, backup_dir: Path) -> Path | None:
    """Restore into a database no process has open (the CLI). Returns where the old file was kept."""
    db_path, source = Path(db_path), Path(source)
    if source.resolve() == db_path.resolve():
        raise InputError("Tệp khôi phục trùng với tệp dữ liệu đang dùng.")
    clear_stale_restores(db_path.parent)
    staged = _prepared_copy(source, db_path.parent)
    try:
        kept = None
        if db_path.exists():
            _refuse_if_in_use(db_path)
            kept = _kept_name(backup_dir)
            kept.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(db_path, kept)
        staged.replace(db_path)
        Path(str(db_path) + ".wal").unlink(missing_ok=True)
    finally:
        _remove_staged(staged)  # nothing left once it has replaced the database
    return kept


def _refuse_if_in_use(path: Path) -> None:
    """One sentence if another process holds the file. A file DuckDB cannot open at all is no obstacle:
    replacing a damaged database is what a restore is for, and it is kept as it is all the same."""
    try:
        dbmod.connect_file(path).close()
    except duckdb.Error:
        pass


def restore_running(db: Database, actor: Actor, source: str | Path, backup_dir: Path) -> Path:
    """Restore while the app holds the file: the backup is copied, examined and migrated first, with
    every session still at work; only the swap itself holds the write lock. The database is reopened under
    a new identity, which signs every session out (chibo.ui)."""
    require(actor, "backup")
    clear_stale_restores(db.path.parent)
    staged = _prepared_copy(Path(source), db.path.parent)
    try:
        with db.exclusive():
            kept = db.copy_to(_kept_name(backup_dir))
            db.close()
            try:
                staged.replace(db.path)
                Path(str(db.path) + ".wal").unlink(missing_ok=True)
            finally:
                db.reopen()
    finally:
        _remove_staged(staged)
    return kept
