"""The database: one root connection per process, a cursor per unit of work,
writes serialised by a process-wide lock, in a transaction, retried on conflict,
and numbered SQL migrations."""

from __future__ import annotations

import contextlib
import contextvars
import functools
import json
import re
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
        # The generation of the last write to each table, and of the last write that may have changed anything
        # (a migration, a statement chibo cannot attribute): a kept answer is stale only if a table it read was
        # written after it was read. A progress update then leaves the members', the months' and the cell's
        # reads of every session kept.
        self._written: dict[str, int] = {}
        self._written_all = 0
        self._catalog = Catalog(self)
        # key -> (generation, tables read or EVERYTHING, answer). Its own lock: a long write (an import, a
        # restore) must not hold up the reads of other sessions.
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

    @staticmethod
    def read_key(shape: str, sql: str, params: list) -> tuple:
        """What a read's answer is kept under; the day is part of it, for the few views that say current_date."""
        return ("sql", shape, sql, tuple(params), date.today())

    def _read(self, shape: str, sql: str, params: Any, fetch: Callable) -> Any:
        """Run a read, or reuse its answer: only this process writes the file and every write says which
        tables it wrote, so (statement, parameters) fixes the answer until one of the tables the statement
        reads is written. The day is part of the key too, for the few views that say current_date."""
        params = list(params or [])
        tables = self._catalog.reads(sql)
        try:
            key = self.read_key(shape, sql, params)
            hash(key)
        except TypeError:  # a list parameter: read afresh (a kept function around it still learns the tables)
            _note(tables)
            return self._fetch(sql, params, fetch)

        def compute():
            _note(tables)
            return self._fetch(sql, params, fetch)
        return self.memo(key, compute, keep=_small)

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
        _note(EVERYTHING)  # a write inside a kept read: its reads are not followed, so nothing may keep it
        with self._write_lock:
            for attempt in range(WRITE_RETRIES):
                cur = self._root.cursor()
                recording = Recording(cur, self._catalog)
                try:
                    cur.execute("BEGIN TRANSACTION")
                    result = work(recording)
                    cur.execute("COMMIT")
                    self._committed(recording.written)
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
        """A read's result, reused until a table it read is written. Pages rerun on every click and the meeting
        display every few seconds; until then the answer cannot change. Which tables: every statement `compute`
        runs through this database says (a kept read inside it too), so a kept function needs no list of its
        own. Frames come back as copies."""
        found = self._memo.get(key)
        if found is not None and self._fresh(found[0], found[1]):
            _note(found[1])
            return _copy(found[2])
        generation = self.generation
        tables = _Collected()
        token = _READING.set(tables)
        try:
            value = compute()
        finally:
            _READING.reset(token)
        read = tables.result()
        _note(read)
        # Kept only if none of its tables was written meanwhile: an answer read before a write never outlives it.
        if keep(value) and self._fresh(generation, read):
            self._memo.put(key, (generation, read, value))
        return _copy(value)

    def _fresh(self, generation: int, tables) -> bool:
        """Was nothing `tables` names written after `generation`?"""
        if tables is EVERYTHING:
            return generation == self.generation
        if self._written_all > generation:
            return False
        return all(self._written.get(table, 0) <= generation for table in tables)

    def _committed(self, written) -> None:
        """After a commit: the tables it wrote are newer than every answer kept before. Marked before the
        generation moves on, so a read that starts at the new generation always sees the commit."""
        generation = self.generation + 1
        if written is EVERYTHING:
            self._written_all = generation
            self._catalog.forget()  # views and macros may have changed too
        else:
            for table in written:
                self._written[table] = generation
        self.generation = generation

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
            self._committed(EVERYTHING)
            self._memo.clear()
            apply_migrations(self)


# -- which tables a statement reads and writes ---------------------------------------------------------------
class _Everything:
    """A read whose tables are not known (or a write that may have changed anything): any write makes it stale."""

    def __repr__(self) -> str:
        return "EVERYTHING"


EVERYTHING = _Everything()
# Table functions whose answer is no table's: anything else unknown (the catalog's duckdb_tables(), whose sizes
# change with every insert) counts as reading everything.
PURE_TABLE_FUNCTIONS = frozenset({"range", "generate_series", "unnest"})
_SYSTEM_SCHEMAS = frozenset({"information_schema", "pg_catalog"})
# The table an INSERT, UPDATE or DELETE writes: the first name after its verb.
_WRITTEN = re.compile(r"^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+(?:\w+\.)?\"?(\w+)\"?",
                      re.IGNORECASE)
_MODIFYING = {"INSERT", "UPDATE", "DELETE"}


class _Collected:
    """The tables the reads of one kept computation touched."""

    def __init__(self):
        self.tables: set[str] = set()
        self.everything = False

    def add(self, tables) -> None:
        if tables is EVERYTHING:
            self.everything = True
        else:
            self.tables |= tables

    def result(self):
        return EVERYTHING if self.everything else frozenset(self.tables)


# The computation a read belongs to, per thread (each Streamlit session runs its script in a thread of its own).
_READING: contextvars.ContextVar[_Collected | None] = contextvars.ContextVar("chibo_reading", default=None)


def _note(tables) -> None:
    collected = _READING.get()
    if collected is not None:
        collected.add(tables)


class Catalog:
    """What each statement reads, from DuckDB's own parse of it (json_serialize_sql: no binding, no statistics),
    views and macros followed to the tables they read; what a write statement writes, from its verb. Worked out
    once per statement text; forgotten when the schema may have changed."""

    def __init__(self, db: Database):
        self._db = db
        self._lock = threading.Lock()
        self._reads: dict[str, Any] = {}
        self._writes: dict[str, Any] = {}
        self._definitions: dict[str, list[str]] | None = None  # view or macro name -> the SQL of its body

    def forget(self) -> None:
        with self._lock:
            self._reads, self._writes, self._definitions = {}, {}, None

    def reads(self, sql: str):
        """The tables `sql` reads (a frozenset of lower-case names), or EVERYTHING when that cannot be told."""
        found = self._reads.get(sql)
        if found is None:
            found = self._resolve(self._names(sql), set())
            with self._lock:
                if len(self._reads) > 4096:  # statement texts are chibo's own; a bound all the same
                    self._reads.clear()
                self._reads[sql] = found
        return found

    def writes(self, sql: str):
        """The tables the statements of `sql` write (nothing for a read), or EVERYTHING (DDL, anything else)."""
        found = self._writes.get(sql)
        if found is None:
            found = self._written(sql)
            with self._lock:
                if len(self._writes) > 4096:
                    self._writes.clear()
                self._writes[sql] = found
        return found

    @staticmethod
    def _written(sql: str):
        tables: set[str] = set()
        try:
            statements = duckdb.extract_statements(sql)
        except duckdb.Error:
            return EVERYTHING
        for statement in statements:
            kind = statement.type.name
            if kind == "SELECT":
                continue
            match = _WRITTEN.match(statement.query) if kind in _MODIFYING else None
            if match is None:
                return EVERYTHING
            tables.add(match[1].lower())
        return frozenset(tables)

    def _names(self, sql: str):
        """(table names, function names) in the parse of `sql`, or EVERYTHING."""
        cur = self._db._root.cursor()
        try:
            tree = json.loads(cur.execute("SELECT json_serialize_sql(?)", [sql]).fetchone()[0])
        except duckdb.Error:
            return EVERYTHING
        finally:
            cur.close()
        if tree.get("error"):
            return EVERYTHING  # not a SELECT (PRAGMA, SHOW, ...)
        tables: set[str] = set()
        functions: set[str] = set()
        stack = [tree]
        while stack:
            node = stack.pop()
            if isinstance(node, list):
                stack.extend(node)
                continue
            if not isinstance(node, dict):
                continue
            kind = node.get("type")
            if kind == "BASE_TABLE":
                if (node.get("schema_name") or "").lower() in _SYSTEM_SCHEMAS:
                    return EVERYTHING
                tables.add(node["table_name"].lower())
            elif kind == "TABLE_FUNCTION":
                name = (node.get("function") or {}).get("function_name", "").lower()
                if name not in PURE_TABLE_FUNCTIONS and name not in self.definitions():
                    return EVERYTHING  # duckdb_tables(), read_csv(...): not a table chibo writes
            if node.get("class") == "FUNCTION":
                functions.add(node.get("function_name", "").lower())
            stack.extend(v for v in node.values() if isinstance(v, (dict, list)))
        return tables, functions

    def _resolve(self, names, seen: set[str]):
        """Views and macros replaced by what their bodies read, recursively."""
        if names is EVERYTHING:
            return EVERYTHING
        tables, functions = names
        found: set[str] = set()
        definitions = self.definitions()
        for name in tables | functions:
            if name in seen:
                continue
            if name in definitions:
                seen.add(name)
                for body in definitions[name]:
                    inner = self._resolve(self._names(body), seen)
                    if inner is EVERYTHING:
                        return EVERYTHING
                    found |= inner
            elif name in tables:
                found.add(name)  # a table (or a CTE's name: harmless)
        return frozenset(found)

    def definitions(self) -> dict[str, list[str]]:
        if self._definitions is None:
            cur = self._db._root.cursor()
            try:
                rows = cur.execute(
                    "SELECT lower(view_name), sql FROM duckdb_views() WHERE NOT internal"
                    " UNION ALL SELECT lower(function_name), CASE function_type WHEN 'macro' THEN 'SELECT '"
                    " || macro_definition ELSE macro_definition END FROM duckdb_functions()"
                    " WHERE NOT internal AND function_type IN ('macro', 'table_macro')").fetchall()
            finally:
                cur.close()
            found: dict[str, list[str]] = {}
            for name, body in rows:
                found.setdefault(name, []).append(body)
            self._definitions = found
        return self._definitions


class Recording:
    """The cursor a write's `work` gets: DuckDB's own, noting the tables each statement writes."""

    def __init__(self, cur: duckdb.DuckDBPyConnection, catalog: Catalog):
        self._cur, self._catalog = cur, catalog
        self.written: Any = frozenset()

    def execute(self, sql: str, *args, **kwargs):
        self._add(self._catalog.writes(sql))
        return self._cur.execute(sql, *args, **kwargs)

    def _add(self, tables) -> None:
        if self.written is not EVERYTHING:
            self.written = EVERYTHING if tables is EVERYTHING else self.written | tables

    # What else chibo's writes use, handed on as they are: they write nothing by themselves.
    def register(self, name: str, frame) -> None:
        self._cur.register(name, frame)

    def unregister(self, name: str) -> None:
        self._cur.unregister(name)

    def complete(self) -> None:
        self._cur.complete()

    def __getattr__(self, name: str):
        # fetchone, df, description ... are reads of the last result; anything else might write: counted as all
        found = getattr(self._cur, name)  # a name the cursor lacks (a hasattr probe) is no write
        if name not in _RESULT_READS:
            self._add(EVERYTHING)
        return found


_RESULT_READS = frozenset({"fetchone", "fetchall", "fetchmany", "fetchdf", "fetchnumpy", "fetch_arrow_table",
                           "df", "pl", "arrow", "description", "rowcount"})


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
