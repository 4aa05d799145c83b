"""Where Tra cứu's SQL runs: a child process of its own for each query, with hard limits.

DuckDB's own limits do not hold against a hostile query: `memory_limit` does not cover the strings a scalar
function builds (`repeat('x', 2e9)` took 2 GB each), and `interrupt()` is only seen between chunks, so one long
scalar call (`levenshtein` on 200,000 characters) ran 40 s against a 5 s limit. A child process can be held
to an address-space limit (an allocation past it fails and DuckDB reports "out of memory") and killed on the
wall clock. The child gets the views' data as Arrow, runs two statements (the count and the first rows) and
answers with Arrow: nothing it sends is unpickled. One child serves one query and is killed after it; a spare
is started ahead, so a query waits only for its data to be copied, not for Python to start.

This module is also the child's program (`child()`), so it imports nothing of chibo's and nothing heavy."""

from __future__ import annotations

import json
import os
import select
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

LOAD_SECONDS = 60  # copying the views into the child; the query's own limit starts after
RESULT_BYTES = 32 * 1024 * 1024  # what one answer may weigh: the first rows only, but a row can be huge
PARALLEL = 3  # children at once: each may take its memory limit; more queries wait their turn
ALLOWED_TABLE_FUNCTIONS = {"range", "generate_series", "unnest"}


@dataclass(frozen=True)
class Limits:
    seconds: float
    memory_mb: int
    threads: int


class QueryFailed(Exception):
    """The query did not answer: `kind` is DuckDB's error class (or TimedOut, Crashed, Busy, ResultTooLarge),
    `message` its own words."""

    def __init__(self, kind: str, message: str):
        super().__init__(f"{kind}: {message}")
        self.kind, self.message = kind, message


# -- the parent's side ----------------------------------------------------------------------------
_spare: subprocess.Popen | None = None
_spare_lock = threading.Lock()
_running = threading.BoundedSemaphore(PARALLEL)
_PROJECT = str(Path(__file__).resolve().parent.parent)


def _start() -> subprocess.Popen:
    """A child waiting for its query. Its environment says nothing of the server's (no HOME, no paths)."""
    boot = f"import sys; sys.path.insert(0, {_PROJECT!r}); from chibo import sandbox; sandbox.child()"
    return subprocess.Popen([sys.executable, "-I", "-c", boot], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, cwd="/", env={"LANG": "C.UTF-8"})


def _take() -> subprocess.Popen:
    """The spare child, or a new one; a new spare is started for the next query."""
    global _spare
    with _spare_lock:
        found, _spare = _spare, _start()
    if found is None or found.poll() is not None:
        found = _start()
    return found


def run(tables: dict[str, bytes], count_sql: str, rows_sql: str, params: dict, limits: Limits) -> tuple[int, bytes]:
    """(total rows, the first rows as an Arrow stream) of a query over `tables` (name -> Arrow stream)."""
    if not _running.acquire(timeout=limits.seconds):
        raise QueryFailed("Busy", f"{PARALLEL} queries already running")
    try:
        child = _take()
        try:
            return _exchange(child, tables, count_sql, rows_sql, params, limits)
        finally:
            child.kill()
            child.wait()
    finally:
        _running.release()


def _exchange(child, tables, count_sql, rows_sql, params, limits) -> tuple[int, bytes]:
    header = {"tables": list(tables), "count": count_sql, "rows": rows_sql, "params": _encode(params),
              "memory_mb": limits.memory_mb, "threads": limits.threads, "seconds": limits.seconds}
    try:
        _write_frame(child.stdin, json.dumps(header).encode(), *tables.values())
        child.stdin.close()
        _receive(child, time.monotonic() + LOAD_SECONDS)  # "ready": the data is in, the clock starts
        deadline = time.monotonic() + limits.seconds
        answer = json.loads(_receive(child, deadline))
        if "error" in answer:
            raise QueryFailed(answer["error"], answer["message"])
        return answer["total"], _receive(child, deadline)
    except BrokenPipeError:
        raise QueryFailed("Crashed", _ended(child)) from None


def _ended(child) -> str:
    child.kill()
    code = child.wait()
    return f"the query's process ended (exit code {code})"


def _receive(child, deadline: float) -> bytes:
    size = struct.unpack(">Q", _read(child, 8, deadline))[0]
    return _read(child, size, deadline)


def _read(child, size: int, deadline: float) -> bytes:
    """Exactly `size` bytes from the child, or TimedOut at the deadline (the caller then kills it)."""
    fd, parts, left = child.stdout.fileno(), [], size
    while left:
        wait = deadline - time.monotonic()
        if wait <= 0 or not select.select([fd], [], [], wait)[0]:
            raise QueryFailed("TimedOut", "the query did not finish in time")
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise QueryFailed("Crashed", _ended(child))
        parts.append(chunk)
        left -= len(chunk)
    return b"".join(parts)


def _encode(params: dict) -> dict:
    """Named parameters as JSON: days and numbers are all the ready questions take."""
    return {name: ({"date": value.isoformat()} if isinstance(value, date) else value) for name, value in params.items()}


# -- the child's side ------------------------------------------------------------------------------
def child() -> None:
    """Read the query and its data, shut every door, set the limits, answer."""
    import duckdb
    import pyarrow as pa
    incoming, outgoing = sys.stdin.buffer, sys.stdout.buffer
    con = duckdb.connect(":memory:")  # made, and warmed up, while the child is still a spare
    con.execute("SELECT coalesce(sum(memory_usage_bytes), 0) FROM duckdb_memory()").fetchall()
    try:
        header = json.loads(_read_frame(incoming))
    except EOFError:
        return  # a spare nobody needed: the server ended
    con.execute(f"SET threads = {int(header['threads'])}")
    for name in header["tables"]:
        con.register("incoming", pa.ipc.open_stream(_read_frame(incoming)).read_all())
        con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM incoming')
        con.unregister("incoming")
    _shut_doors(con, header["memory_mb"])
    _limit(header["memory_mb"], header["seconds"])
    _write_frame(outgoing, b"ready")
    _write_frame(outgoing, *_answer(con, header, pa))


def _shut_doors(con, memory_mb: int) -> None:
    """No files, no extensions, no settings that name the server's folders; the memory for the query is on
    top of the data already loaded. Then the configuration is locked."""
    loaded = con.execute("SELECT coalesce(sum(memory_usage_bytes), 0) FROM duckdb_memory()").fetchall()[0][0]
    for statement in (f"SET memory_limit = '{loaded // 2**20 + memory_mb}MiB'", "SET temp_directory = ''",
                      "SET secret_directory = ''", "SET extension_directory = ''", "SET home_directory = ''",
                      "SET enable_external_access = false", "SET autoinstall_known_extensions = false",
                      "SET autoload_known_extensions = false", "SET lock_configuration = true"):
        con.execute(statement)


def _limit(memory_mb: int, seconds: float) -> None:
    """The hard limits, past what DuckDB itself enforces: address space (an allocation past it fails), CPU
    time (should the parent die and never kill us), no file written, and a lower priority than the server."""
    import resource
    with open("/proc/self/status") as status:
        size = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize:"))
    resource.setrlimit(resource.RLIMIT_AS, (size + memory_mb * 2**20,) * 2)
    cpu = int(seconds) + 5
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    os.nice(5)


def _answer(con, header: dict, pa) -> list[bytes]:
    import duckdb
    params = {name: date.fromisoformat(v["date"]) if isinstance(v, dict) else v for name, v in header["params"].items()}
    try:
        total = con.execute(header["count"], params).fetchall()[0][0]
        rows = con.sql(header["rows"], params=params).to_arrow_table()
        if rows.nbytes > RESULT_BYTES:
            return [json.dumps({"error": "ResultTooLarge", "message": f"{rows.nbytes} bytes"}).encode()]
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, rows.schema) as writer:
            writer.write_table(rows)
        return [json.dumps({"total": total}).encode(), sink.getvalue().to_pybytes()]
    except duckdb.Error as exc:
        return [json.dumps({"error": type(exc).__name__, "message": str(exc)}).encode()]
    except MemoryError:
        return [json.dumps({"error": "OutOfMemoryException", "message": "out of memory"}).encode()]


def _read_frame(stream) -> bytes:
    head = stream.read(8)
    if len(head) < 8:
        raise EOFError
    return stream.read(struct.unpack(">Q", head)[0])


def _write_frame(stream, *frames: bytes) -> None:
    for frame in frames:
        stream.write(struct.pack(">Q", len(frame)))
        stream.write(frame)
    stream.flush()


