"""chibo.integrity: a sound file passes; every kind of damage a backup can suffer, by accident or by hand, is
found and said in Vietnamese. DAMAGES is shared with the restore (tests/test_backup.py) and `check`
(tests/test_cli.py) tests: each damaged file must be refused by the one and reported by the other."""

from __future__ import annotations

import gzip
import random
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from chibo import db as dbmod
from chibo import integrity
from chibo.db import Database
from chibo.errors import InputError

OLD = Path(__file__).parent / "data" / "chibo-0001-demo.duckdb.gz"


def cut(fraction: float | None = None, size: int | None = None) -> Callable[[Path], None]:
    def damage(path: Path) -> None:
        data = path.read_bytes()
        path.write_bytes(data[:size if size is not None else int(len(data) * fraction)])
    return damage


def replaced_by(data: bytes) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(data)


def sql(*statements: str) -> Callable[[Path], None]:
    """Tampered with by hand, as anyone with a DuckDB client could."""
    def damage(path: Path) -> None:
        con = duckdb.connect(str(path))
        for statement in statements:
            con.execute(statement)
        con.close()
    return damage


def sqlite_file(path: Path) -> None:
    path.unlink()
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE users (id INTEGER, username TEXT)")
    con.commit()
    con.close()


def foreign_duckdb(path: Path) -> None:
    path.unlink()
    sql("CREATE TABLE something (x INTEGER)", "INSERT INTO something VALUES (1)")(path)


DAMAGED = "bị hỏng hoặc không đầy đủ"
NOT_CHIBO = "không phải cơ sở dữ liệu chibo"

# kind -> (how the sound file is damaged, what the first sentence about it says)
DAMAGES: dict[str, tuple[Callable[[Path], None], str]] = {
    "truncated to 90%": (cut(0.9), DAMAGED),
    "truncated to 50%": (cut(0.5), DAMAGED),
    "truncated to 10 bytes": (cut(size=10), NOT_CHIBO),
    "empty file": (cut(size=0), "Tệp rỗng (0 byte)"),
    "random bytes": (replaced_by(random.Random(18).randbytes(300_000)), NOT_CHIBO),
    "a text file": (replaced_by("đây không phải cơ sở dữ liệu".encode()), NOT_CHIBO),
    "a SQLite database": (sqlite_file, NOT_CHIBO),
    "another program's DuckDB file": (foreign_duckdb, "không có bảng ghi phiên bản lược đồ"),
    "a dropped column": (sql("ALTER TABLE users DROP COLUMN display_name"), "Bảng «users» thiếu cột «display_name»."),
    "a renamed column": (sql("ALTER TABLE members RENAME COLUMN full_name TO ho_ten"),
                         "Bảng «members» thiếu cột «full_name»."),
    "a changed column type": (sql("ALTER TABLE audit_log ALTER COLUMN entity_id TYPE VARCHAR"),
                              "Cột «audit_log.entity_id» có kiểu VARCHAR, đúng ra là BIGINT."),
    "users replaced by a view": (sql("ALTER TABLE users RENAME TO users_kept",
                                     "CREATE VIEW users AS SELECT * FROM users_kept"),
                                 "«users» trong tệp là một view chứ không phải bảng dữ liệu thật."),
    "users emptied": (sql("DELETE FROM users"), "Tệp không có tài khoản nào: không ai đăng nhập được."),
    "no administrator": (sql("UPDATE users SET role = 'chi_uy'"), "không có tài khoản quản trị nào đang hoạt động"),
    "only disabled administrators": (
        sql("INSERT INTO users (username, password_hash, role) VALUES ('dangvien', 'x', 'dang_vien')",
            "UPDATE users SET active = false WHERE role = 'quan_tri'"),
        "không có tài khoản quản trị nào đang hoạt động"),
    "settings that are not JSON": (sql("INSERT OR REPLACE INTO settings VALUES ('traffic_lights', '{\"green\": 85,')"),
                                   "Cài đặt «traffic_lights» trong tệp không phải JSON hợp lệ."),
    "no cell row": (sql("DELETE FROM cell"), "Tệp thiếu hồ sơ chi bộ"),
    "two cell rows": (sql("CREATE TABLE cell_copy AS SELECT * FROM cell", "DROP TABLE cell",
                          "CREATE TABLE cell AS SELECT * FROM cell_copy UNION ALL SELECT * FROM cell_copy",
                          "DROP TABLE cell_copy"),
                      "Ràng buộc của bảng «cell»"),
    "empty schema_migrations": (sql("DELETE FROM schema_migrations"), "(schema_migrations) trong tệp trống"),
    "a future version": (sql("INSERT INTO schema_migrations VALUES (999, '0999_future.sql', TIMESTAMP '2026-11-21 08:00')"),
                         "phiên bản chibo mới hơn (lược đồ 999"),
    "a rewritten migration history": (sql("UPDATE schema_migrations SET name = '0002_khac.sql' WHERE version = 2"),
                                      "không khớp với các bản nâng cấp của chibo"),
    "a missing table": (sql("DROP TABLE saved_queries"), "Tệp thiếu bảng «saved_queries»"),
    "a foreign table": (sql("CREATE TABLE so_rieng (x INTEGER)"), "Tệp có bảng hoặc view lạ «so_rieng»"),
    "a redefined macro": (sql("CREATE OR REPLACE MACRO task_overdue(status, deadline, as_of) AS false"),
                          "Định nghĩa «task_overdue» (macro) trong tệp bị sửa"),
    "a dropped macro": (sql("DROP MACRO attendance_rate"), "Định nghĩa «attendance_rate» (macro) trong tệp thiếu"),
    "a dropped constraint": (sql("ALTER TABLE users ALTER COLUMN role DROP NOT NULL"), "Ràng buộc của bảng «users»"),
}


def damaged_copy(sound: Path, folder: Path, kind: str) -> Path:
    """A copy of the sound file `sound`, damaged in the way `kind` names."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "damaged.duckdb"
    shutil.copyfile(sound, path)
    DAMAGES[kind][0](path)
    return path


def english_in(sentence: str) -> bool:
    """DuckDB's own words: what must never reach a user."""
    return any(word in sentence for word in ("Error", "Exception", "Catalog", "Binder", "duckdb", "Traceback"))


def test_a_sound_file_has_no_problems(cell_template):
    found = integrity.examine(cell_template)
    assert found.problems == [] and not found.blank
    assert found.version == dbmod.latest_version()
    assert list(found.orphans.values()) == [0] * len(integrity.ORPHANS)


def test_a_file_at_an_older_version_is_held_to_that_version_schema(tmp_path):
    """tests/data holds a real database written by schema 0001 (with accounts): sound at its own version."""
    old = tmp_path / "old.duckdb"
    old.write_bytes(gzip.decompress(OLD.read_bytes()))
    found = integrity.examine(old)
    assert (found.version, found.problems) == (1, [])
    assert integrity.expected_schema(1) != integrity.expected_schema(dbmod.latest_version())


@pytest.mark.parametrize("kind", list(DAMAGES))
def test_each_kind_of_damage_is_found_and_said_in_vietnamese(cell_template, tmp_path, kind):
    found = integrity.examine(damaged_copy(cell_template, tmp_path, kind))
    assert found.problems and not found.blank
    assert DAMAGES[kind][1] in found.problems[0], found.problems
    assert not any(english_in(p) for p in found.problems), found.problems


def test_a_file_cut_short_names_the_tables_it_cannot_read(cell_template, tmp_path):
    found = integrity.examine(damaged_copy(cell_template, tmp_path, "truncated to 90%"))
    assert found.problems[0].startswith("Tệp bị hỏng hoặc không đầy đủ (có thể bị cắt cụt khi sao chép): không đọc "
                                        "được dữ liệu của bảng «")


def test_every_problem_of_a_file_is_found_not_only_the_first(cell_template, tmp_path):
    path = damaged_copy(cell_template, tmp_path, "a dropped column")
    sql("DROP TABLE saved_queries", "CREATE TABLE so_rieng (x INTEGER)")(path)
    version = dbmod.latest_version()
    assert integrity.examine(path).problems == [
        f"Tệp thiếu bảng «saved_queries» của lược đồ phiên bản {version}.",
        "Bảng «users» thiếu cột «display_name».",
        f"Tệp có bảng hoặc view lạ «so_rieng», không thuộc lược đồ chibo phiên bản {version}.",
    ]


def test_a_new_database_is_blank_not_damaged(tmp_path):
    Database(tmp_path / "new.duckdb").close()
    found = integrity.examine(tmp_path / "new.duckdb")
    assert found.blank and found.problems == [integrity.BLANK]
    with pytest.raises(InputError, match="chưa có dữ liệu nào"):
        integrity.verify(tmp_path / "new.duckdb")


def test_a_missing_file_is_said_plainly(tmp_path):
    with pytest.raises(InputError, match="^Không tìm thấy tệp .*missing.duckdb.$"):
        integrity.examine(tmp_path / "missing.duckdb")
