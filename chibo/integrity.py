"""Is a file a sound chibo database? One examination for the restore (which refuses a file that fails it)
and for `python -m chibo check` (which reports everything it finds).

The file is opened read-only and read whole (a copy cut short fails there); its schema is compared with the
one its recorded version must have, built afresh from the shipped migrations (tables, not views; columns
and their types; constraints; the vocabulary's macros); and the facts sign-in and every page rely on are
checked: an active administrator, one cell, settings that parse. Every problem is one Vietnamese sentence;
no DuckDB message reaches the user."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from chibo import db as dbmod
from chibo.errors import InputError

# A file under examination may be anything: DuckDB must not fetch an extension to read it (it tries to, for
# a SQLite file) nor reach any other file.
_SEALED = {"autoinstall_known_extensions": False, "autoload_known_extensions": False,
           "enable_external_access": False}

NOT_DUCKDB = "Tệp này không phải cơ sở dữ liệu chibo (hỏng hoặc sai định dạng)."
DAMAGED = "Tệp bị hỏng hoặc không đầy đủ (có thể bị cắt cụt khi sao chép): không đọc được nội dung."
BLANK = "Tệp chưa có dữ liệu nào (chưa có tài khoản, chưa có hồ sơ chi bộ)."

# Rows whose parent is gone: not damage that stops a restore, but what `check` has always counted. Each is counted
# in a file whose version has the table it reads (progress_evidence: from 0007).
ORPHANS = {
    "nhiệm vụ không thuộc văn bản nào": "SELECT count(*) FROM tasks WHERE document_id NOT IN (SELECT id FROM documents)",
    "cập nhật tiến độ không thuộc nhiệm vụ nào":
        "SELECT count(*) FROM progress_updates WHERE task_id NOT IN (SELECT id FROM tasks)",
    "người, đơn vị phối hợp không thuộc nhiệm vụ nào":
        "SELECT count(*) FROM task_partners WHERE task_id NOT IN (SELECT id FROM tasks)",
    "điểm danh không thuộc cuộc họp nào":
        "SELECT count(*) FROM attendance WHERE meeting_id NOT IN (SELECT id FROM meetings)",
    "số liệu không thuộc chỉ tiêu nào":
        "SELECT count(*) FROM target_values WHERE target_id NOT IN (SELECT id FROM targets)",
    "tệp minh chứng không thuộc cập nhật tiến độ nào":
        "SELECT count(*) FROM progress_evidence WHERE update_id NOT IN (SELECT id FROM progress_updates)",
}


@dataclass(frozen=True)
class Findings:
    """What an examination found. `version` is the schema version the file records (None if unknown);
    `blank` says the file is sound but holds nothing yet (a new install); `orphans` is counted only in a
    file whose schema is sound."""
    version: int | None
    problems: list[str]
    blank: bool = False
    orphans: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Schema:
    """What a database is made of, as DuckDB describes it; two are equal when made by the same migrations."""
    objects: dict[str, str]                    # name -> 'BASE TABLE' or 'VIEW'
    columns: dict[str, tuple]                  # table -> ((column, type), ...) in order
    details: dict[str, tuple]                  # table -> nullability, defaults and constraints
    macros: dict[str, tuple]                   # name -> (kind, parameters, definition)
    sequences: frozenset[str]


def examine(path: str | Path) -> Findings:
    """Every problem of the file at `path`. Raises DatabaseInUse if another process holds it."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"Không tìm thấy tệp {path}.")
    if path.stat().st_size == 0:
        return Findings(None, ["Tệp rỗng (0 byte), không phải cơ sở dữ liệu chibo."])
    try:
        con = dbmod.connect_file(path, read_only=True, config=_SEALED)
    except duckdb.Error:
        return Findings(None, [NOT_DUCKDB])
    try:
        return _examine_open(con)
    except duckdb.Error:  # whatever a damaged catalog throws on the way: the file cannot be trusted
        return Findings(None, [DAMAGED])
    finally:
        con.close()


def verify(path: str | Path) -> int:
    """The file's schema version, or an InputError with the first problem found (a blank file is one)."""
    findings = examine(path)
    if findings.problems:
        raise InputError(findings.problems[0])
    return findings.version


def _examine_open(con) -> Findings:
    version, problem = _recorded_version(con)
    if problem:
        return Findings(version, [problem])
    counts, unreadable = _read_every_table(con)
    problems = [_unreadable_sentence(unreadable)] if unreadable else []
    problems += schema_problems(_schema_of(con), expected_schema(version), version)
    if problems:
        return Findings(version, problems)
    if {t: n for t, n in counts.items() if t != "schema_migrations"} == _seeded(version):
        return Findings(version, [BLANK], blank=True)
    orphans = {label: con.execute(sql).fetchone()[0] for label, sql in ORPHANS.items()
               if sql.split(" FROM ", 1)[1].split()[0] in counts}
    return Findings(version, _invariant_problems(con), orphans=orphans)


# -- the recorded version ---------------------------------------------------------------------------------------
def _recorded_version(con) -> tuple[int | None, str | None]:
    """(version, None) when schema_migrations is whole and names the shipped migrations in order."""
    if _object_type(con, "schema_migrations") != "BASE TABLE":
        return None, "Tệp này không phải cơ sở dữ liệu chibo: không có bảng ghi phiên bản lược đồ (schema_migrations)."
    recorded = con.execute("SELECT version, name FROM schema_migrations ORDER BY version").fetchall()
    if not recorded:
        return None, ("Bảng ghi phiên bản lược đồ (schema_migrations) trong tệp trống: không biết dữ liệu "
                      "thuộc phiên bản chibo nào.")
    version, latest = recorded[-1][0], dbmod.latest_version()
    if version > latest:
        return version, (f"Tệp từ phiên bản chibo mới hơn (lược đồ {version}, phiên bản này hỗ trợ đến {latest}); "
                         "hãy cập nhật chibo trước khi dùng tệp này.")
    shipped = [(v, name) for v, name, _ in dbmod.migration_files() if v <= version]
    if recorded != shipped:
        return version, (f"Các phiên bản lược đồ ghi trong tệp ({', '.join(str(v) for v, _ in recorded)}) không "
                         "khớp với các bản nâng cấp của chibo: tệp đã bị sửa ngoài chibo.")
    return version, None


def _object_type(con, name: str) -> str | None:
    found = con.execute("SELECT table_type FROM information_schema.tables WHERE table_schema = 'main'"
                        " AND table_name = ?", [name]).fetchone()
    return found[0] if found else None


# -- every row --------------------------------------------------------------------------------------------------
def _read_every_table(con) -> tuple[dict[str, int], list[str]]:
    """Row counts, and the tables that could not be read to the end. Every value of every row is hashed:
    DuckDB checks each block it reads, so a file cut short or overwritten fails here, not on a later page."""
    tables = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'"
                                        " ORDER BY table_name").fetchall()]
    counts, unreadable = {}, []
    for table in tables:
        try:
            counts[table] = con.execute(f'SELECT count(*), sum(hash(chibo_row)) FROM "{table}" AS chibo_row').fetchone()[0]
        except duckdb.Error:
            unreadable.append(table)
    return counts, unreadable


def _unreadable_sentence(tables: list[str]) -> str:
    shown = ", ".join(f"«{t}»" for t in tables[:5]) + (f" và {len(tables) - 5} bảng khác" if len(tables) > 5 else "")
    return ("Tệp bị hỏng hoặc không đầy đủ (có thể bị cắt cụt khi sao chép): không đọc được dữ liệu "
            f"của bảng {shown}.")


# -- the schema -------------------------------------------------------------------------------------------------
def _schema_of(con) -> Schema:
    objects = dict(con.execute("SELECT table_name, table_type FROM information_schema.tables"
                               " WHERE table_schema = 'main'").fetchall())
    columns: dict[str, list] = {}
    details: dict[str, list] = {}
    for table, column, kind, nullable, default in con.execute(
            "SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns"
            " WHERE table_schema = 'main' ORDER BY table_name, ordinal_position").fetchall():
        columns.setdefault(table, []).append((column, kind))
        details.setdefault(table, []).append((column, nullable, default))
    for table, kind, names, expression in con.execute(
            "SELECT table_name, constraint_type, constraint_column_names, expression FROM duckdb_constraints()"
            " WHERE schema_name = 'main' ORDER BY ALL").fetchall():
        details.setdefault(table, []).append((kind, tuple(names), expression))
    macros = {name: (kind, tuple(parameters or ()), definition) for name, kind, parameters, definition in con.execute(
        "SELECT function_name, function_type, parameters, macro_definition FROM duckdb_functions()"
        " WHERE schema_name = 'main' AND NOT internal").fetchall()}
    sequences = frozenset(r[0] for r in con.execute(
        "SELECT sequence_name FROM duckdb_sequences() WHERE schema_name = 'main'").fetchall())
    return Schema(objects, {t: tuple(c) for t, c in columns.items()}, {t: tuple(d) for t, d in details.items()},
                  macros, sequences)


def expected_schema(version: int) -> Schema:
    """The schema a file at `version` must have: the shipped migrations up to it, applied to an empty database."""
    return _built(_migrations_to(version))[0]


def _seeded(version: int) -> dict[str, int]:
    """Rows per table of a new database at `version` (the migrations seed a few): a file holding no more is blank."""
    return _built(_migrations_to(version))[1]


def _migrations_to(version: int) -> tuple[tuple[int, str], ...]:
    return tuple((v, sql) for v, _, sql in dbmod.migration_files() if v <= version)


@functools.lru_cache(maxsize=8)
def _built(migrations: tuple[tuple[int, str], ...]) -> tuple[Schema, dict[str, int]]:
    con = duckdb.connect(":memory:")
    try:
        con.execute(dbmod.SCHEMA_MIGRATIONS)
        for _, sql in migrations:
            con.execute(sql)
        counts, _ = _read_every_table(con)
        return _schema_of(con), {t: n for t, n in counts.items() if t != "schema_migrations"}
    finally:
        con.close()


def schema_problems(found: Schema, expected: Schema, version: int) -> list[str]:
    """One sentence per difference between the file's schema and the one its version must have."""
    problems = []
    for name, kind in sorted(expected.objects.items()):
        if name not in found.objects:
            problems.append(f"Tệp thiếu bảng «{name}» của lược đồ phiên bản {version}.")
        elif found.objects[name] != kind:
            problems.append(f"«{name}» trong tệp là một view chứ không phải bảng dữ liệu thật.")
        else:
            problems += _table_problems(name, found, expected)
    for name in sorted(set(found.objects) - set(expected.objects)):
        problems.append(f"Tệp có bảng hoặc view lạ «{name}», không thuộc lược đồ chibo phiên bản {version}.")
    for name in sorted(set(expected.macros) | set(found.macros)):
        if found.macros.get(name) != expected.macros.get(name):
            state = "thiếu" if name not in found.macros else "lạ" if name not in expected.macros else "bị sửa"
            problems.append(f"Định nghĩa «{name}» (macro) trong tệp {state} so với lược đồ chibo phiên bản {version}.")
    for name in sorted(expected.sequences - found.sequences):
        problems.append(f"Tệp thiếu dãy số «{name}» dùng để cấp mã cho các dòng mới.")
    return problems


def _table_problems(table: str, found: Schema, expected: Schema) -> list[str]:
    have, want = dict(found.columns.get(table, ())), dict(expected.columns[table])
    problems = [f"Bảng «{table}» thiếu cột «{c}»." for c in want if c not in have]
    problems += [f"Bảng «{table}» có cột lạ «{c}»." for c in have if c not in want]
    problems += [f"Cột «{table}.{c}» có kiểu {have[c]}, đúng ra là {want[c]}." for c in want
                 if c in have and have[c] != want[c]]
    if problems:
        return problems
    if found.columns[table] != expected.columns[table]:
        return [f"Thứ tự các cột của bảng «{table}» khác với lược đồ chibo."]
    if found.details.get(table) != expected.details.get(table):
        return [f"Ràng buộc của bảng «{table}» (khóa chính, bắt buộc có giá trị, điều kiện kiểm tra hoặc giá trị "
                "mặc định) khác với lược đồ chibo."]
    return []


# -- what sign-in and every page rely on --------------------------------------------------------------------------
def _invariant_problems(con) -> list[str]:
    problems = []
    users, admins = con.execute("SELECT count(*), count(*) FILTER (WHERE role = 'quan_tri' AND active)"
                                " FROM users").fetchone()
    if not users:
        problems.append("Tệp không có tài khoản nào: không ai đăng nhập được.")
    elif not admins:
        problems.append("Tệp không có tài khoản quản trị nào đang hoạt động: không ai quản lý được tài khoản, "
                        "cài đặt và sao lưu.")
    cells = con.execute("SELECT count(*) FROM cell").fetchone()[0]
    if cells != 1:
        problems.append("Tệp thiếu hồ sơ chi bộ (bảng «cell» không có dòng nào)." if not cells else
                        f"Bảng «cell» có {cells} dòng; một tệp chibo có đúng một hồ sơ chi bộ.")
    broken = [key for key, value in con.execute("SELECT key, value FROM settings ORDER BY key").fetchall()
              if not _parses(value)]
    if broken:
        problems.append(f"Cài đặt {', '.join(f'«{k}»' for k in broken)} trong tệp không phải JSON hợp lệ.")
    return problems


def _parses(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True
