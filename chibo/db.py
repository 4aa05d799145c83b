"""The database: one root connection per process, a cursor per unit of work,
writes serialised by a process-wide lock, in a transaction, retried on conflict,
and numbered SQL migrations."""

from __future__ import annotations

import contextlib
import functools
import subprocess
import threading
import time
import uuid
from collections.abc import Callable
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import pandas as pd

from chibo.errors import DatabaseInUse
from chibo.kept import Store

T = TypeVar("T")
WRITE_RETRIES = 20
MEMO_SIZE = 512
MEMO_ROWS = 5000
MEMO_BYTES = 64 * 1024 * 1024  # what kept answers may hold at most, roughly; the oldest go first
BACKUP_PREFIX = "chibo-"  # every copy chibo keeps of a database: daily, on demand, before a restore or an upgrade
SCHEMA_MIGRATIONS = ("CREATE TABLE IF NOT EXISTS schema_migrations ("
                     " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)")


@functools.cache
def migration_files() -> tuple[tuple[int, str, str], ...]:
    """(version, name, sql) of every migration shipped with chibo, in order: read once per process (every open
    and every examination of a file asks for them; the files ship with chibo and do not change while it runs)."""
    found = []
    for entry in resources.files("chibo.schema").iterdir():
        if entry.name.endswith(".sql") and entry.name[:4].isdigit():
            found.append((int(entry.name[:4]), entry.name, entry.read_text(encoding="utf-8")))
    return tuple(sorted(found))


def latest_version() -> int:
    return migration_files()[-1][0]


def connect_file(path: str | Path, read_only: bool = False, config: dict | None = None) -> duckdb.DuckDBPyConnection:
    """Open the file, turning DuckDB's lock failure into one clear sentence."""
    path = Path(path)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return duckdb.connect(str(path), read_only=read_only, config=config or {})
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise DatabaseInUse(str(path)) from None
        raise


class _Reads:
    """The single-row and single-value reads, on top of a class's `rows`."""

    def one(self, sql: str, params: Any = None) -> tuple | None:
        found = self.rows(sql, params)
        return found[0] if found else None

    def scalar(self, sql: str, params: Any = None) -> Any:
        row = self.one(sql, params)
        return row[0] if row else None


class Database(_Reads):
    """A chibo database file, migrated on open; a file with data is copied into `backup_dir` (by default
    `backups/` beside it) before any migration touches it."""

    def __init__(self, path: str | Path, migrate: bool = True, backup_dir: str | Path | None = None):
        self.path = Path(path)
        self._root = connect_file(self.path)
        self._write_lock = threading.RLock()
        # Which opening of the file this is: a restore reopens it under a new identity, and a session signed in
        # before (a user id of the old file) is signed out rather than taken for whoever has that id now.
        self.identity = uuid.uuid4().hex
        # Bumped by every committed write: this process owns the file, so nothing else changes it.
        self.generation = 0
        # key -> (generation, answer). Its own lock: a long write (an import, a restore) must not hold
        # up the reads of other sessions.
        self._memo = Store(MEMO_SIZE, MEMO_BYTES)
        if migrate:
            self.keep_before_migrating(Path(backup_dir) if backup_dir else self.path.parent / "backups")
            apply_migrations(self)

    # -- reads: materialised, never a lazy relation, kept until the next write --
    def query(self, sql: str, params: Any = None) -> pd.DataFrame:
        return self._read("frame", sql, params, lambda result: result.df())

    def rows(self, sql: str, params: Any = None) -> list[tuple]:
        return self._read("rows", sql, params, lambda result: result.fetchall())

    def records(self, sql: str, params: Any = None) -> list[dict]:
        def fetch(result):
            names = [d[0] for d in result.description]
            return [dict(zip(names, row)) for row in result.fetchall()]
        return self._read("records", sql, params, fetch)

    def fresh_one(self, sql: str, params: Any = None) -> tuple | None:
        """One row read afresh and never kept: a file's bytes (evidence) would fill the kept reads, which count a
        row, not what it holds."""
        return self._fetch(sql, list(params or []), lambda result: result.fetchone())

    def _read(self, shape: str, sql: str, params: Any, fetch: Callable) -> Any:
        """Run a read, or reuse its answer: only this process writes the file and every write bumps
        `generation`, so (statement, parameters, generation) fixes the answer. The day is part of
        the key too, for the few views that say current_date."""
        params = list(params or [])
        try:
            key = ("sql", shape, sql, tuple(params), date.today())
            hash(key)
        except TypeError:  # a list parameter: read afresh
            return self._fetch(sql, params, fetch)
        return self.memo(key, lambda: self._fetch(sql, params, fetch), keep=_small)

    def _fetch(self, sql: str, params: list, fetch: Callable) -> Any:
        cur = self._root.cursor()
        try:
            return fetch(cur.execute(sql, params))
        finally:
            cur.close()

    # -- writes -------------------------------------------------------------
    def write(self, work: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        """Run `work(cursor)` in one transaction under the process-wide lock.

        Reads that decide a write must happen inside `work`, so that two
        sessions can never both read the old value and overwrite each other."""
        with self._write_lock:
            for attempt in range(WRITE_RETRIES):
                cur = self._root.cursor()
                try:
                    cur.execute("BEGIN TRANSACTION")
                    result = work(cur)
                    cur.execute("COMMIT")
                    self.generation += 1
                    return result
                except duckdb.TransactionException:
                    _rollback(cur)
                    if attempt == WRITE_RETRIES - 1:
                        raise
                    time.sleep(0.005 * (attempt + 1))
                except BaseException:
                    _rollback(cur)
                    raise
                finally:
                    cur.close()
        raise AssertionError("unreachable")

    def memo(self, key: tuple, compute: Callable[[], T], keep: Callable[[T], bool] = lambda value: True) -> T:
        """A read's result, reused until the next write. Pages rerun on every click and the meeting
        display every few seconds; between writes the answers cannot change. Frames come back as copies."""
        generation = self.generation
        found = self._memo.get(key)
        if found is not None and found[0] == generation:
            return _copy(found[1])
        value = compute()
        # Kept only if no write came in between: an answer read before a write never outlives it.
        if keep(value) and generation == self.generation:
            self._memo.put(key, (generation, value))
        return _copy(value)

    def checkpoint(self) -> None:
        with self._write_lock:
            cur = self._root.cursor()
            try:
                cur.execute("FORCE CHECKPOINT")
            finally:
                cur.close()

    def exclusive(self):
        """The write lock itself, for work that must see no writer (backups)."""
        return self._write_lock

    def copy_to(self, out: Path) -> Path:
        """A consistent copy of the file: under the write lock no transaction is open, and after a forced
        checkpoint the file alone is complete.

        The copy is made by a child process: DuckDB's lock on the file is a POSIX record lock, which this
        process would silently drop the moment it closed any other descriptor of the same file."""
        out.parent.mkdir(parents=True, exist_ok=True)
        with self._write_lock:
            self.checkpoint()
            tmp = out.with_suffix(out.suffix + ".part")
            subprocess.run(["cp", str(self.path), str(tmp)], check=True, capture_output=True)
            tmp.replace(out)  # atomic: a crash never leaves a half-written backup under the real name
        return out

    def keep_before_migrating(self, folder: Path) -> Path | None:
        """Copy the file into `folder` if a migration is about to change a database that holds data: a
        migration that fails half-way, or does what nobody wanted, leaves the old file to go back to."""
        cur = self._root.cursor()  # closed at once: a result left open on the root would hold its transaction
        try:
            version = schema_version(cur)
        finally:
            cur.close()
        if not version or version >= latest_version():
            return None  # a new file, or nothing to apply
        rows = self.scalar("SELECT coalesce(sum(estimated_size), 0) FROM duckdb_tables()"
                           " WHERE schema_name = 'main' AND table_name <> 'schema_migrations'")
        if not rows:
            return None
        stamp = f"{datetime.now():%Y-%m-%d-%H%M%S}"
        return self.copy_to(folder / f"{BACKUP_PREFIX}{stamp}-truoc-nang-cap-v{version}.duckdb")

    def close(self) -> None:
        with self._write_lock:
            self._root.close()

    def reopen(self) -> None:
        """After a restore swapped the file: a new root connection under a new identity, migrated, nothing
        remembered."""
        with self._write_lock:
            self._root = connect_file(self.path)
            self.identity = uuid.uuid4().hex
            self.generation += 1
            self._memo.clear()
            apply_migrations(self)


class Transaction(_Reads):
    """A Database whose every read and write runs in one open transaction (the caller's cursor).

    Domain functions take a Database; handed this instead, a whole sequence of them — the demo cell's
    six months, made with the very functions a user triggers — commits or rolls back as one."""

    def __init__(self, cur: duckdb.DuckDBPyConnection, path: Path | None = None):
        self._cur = cur
        self.path = path
        self.generation = 0

    def query(self, sql: str, params: Any = None) -> pd.DataFrame:
        return self._cur.execute(sql, list(params or [])).df()

    def rows(self, sql: str, params: Any = None) -> list[tuple]:
        return self._cur.execute(sql, list(params or [])).fetchall()

    def records(self, sql: str, params: Any = None) -> list[dict]:
        result = self._cur.execute(sql, list(params or []))
        names = [d[0] for d in result.description]
        return [dict(zip(names, row)) for row in result.fetchall()]

    def fresh_one(self, sql: str, params: Any = None) -> tuple | None:
        return self._cur.execute(sql, list(params or [])).fetchone()

    def write(self, work: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        return work(self._cur)

    def memo(self, key: tuple, compute: Callable[[], T], keep: Callable[[T], bool] = lambda value: True) -> T:
        return compute()  # inside a transaction every read must see the writes just made


def memoised(func):
    """Decorate a read `func(db, ...)`: its result is reused until the next write (Database.memo)."""
    @functools.wraps(func)
    def wrapper(db: Database, *args, **kwargs):
        key = (func.__module__, func.__qualname__, args, tuple(sorted(kwargs.items())))
        return db.memo(key, lambda: func(db, *args, **kwargs))
    return wrapper


_MUTABLE = (pd.DataFrame, list, dict, set)


def _copy(value):
    """What a caller gets from the memo: its own frames, lists and dicts (rows are tuples, kept shared)."""
    if isinstance(value, pd.DataFrame):
        return value.copy()
    if isinstance(value, dict):
        if not any(isinstance(v, _MUTABLE) for v in value.values()):
            return dict(value)
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        if value and isinstance(value[0], (tuple, str, int, float, date)):  # unchangeable items: copy the list only
            return list(value)
        return [_copy(v) for v in value]
    return value


def _small(value) -> bool:
    """Only answers of a page's size are kept; an export of a whole term is read afresh."""
    return not hasattr(value, "__len__") or len(value) <= MEMO_ROWS


def _rollback(cur: duckdb.DuckDBPyConnection) -> None:
    try:
        cur.execute("ROLLBACK")
    except duckdb.Error:
        pass  # the transaction was already aborted


@contextlib.contextmanager
def registered(cur: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame):
    """`frame` as the relation `name` on this cursor, for the block: a write of many rows in a few statements.
    A caller may have left a result unread (a fetchone); DuckDB refuses to register beside one, so it is run
    to its end first."""
    cur.complete()
    cur.register(name, frame)
    try:
        yield
    finally:
        cur.unregister(name)


def schema_version(con: duckdb.DuckDBPyConnection) -> int | None:
    """The newest migration applied to an open file; None if it is no chibo database."""
    has_table = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
    ).fetchone()[0]
    if not has_table:
        return None
    return con.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()[0]


def apply_migrations(db: Database) -> list[str]:
    """Apply every migration not yet recorded, each in its own transaction."""
    db.write(lambda cur: cur.execute(SCHEMA_MIGRATIONS))
    done = {row[0] for row in db.rows("SELECT version FROM schema_migrations")}
    applied = []
    for version, name, sql in migration_files():
        if version in done:
            continue

        def run(cur, version=version, name=name, sql=sql):
            cur.execute(sql)
            cur.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, current_timestamp)", [version, name]
            )

        db.write(run)
        applied.append(name)
    return applied
