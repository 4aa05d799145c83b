import os
import subprocess
import sys
from pathlib import Path

import pytest

from chibo import cli

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = ["demo", "users", "backup", "restore", "export", "query", "check", "bench"]


def chibo(*args, stdin: str = "", env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "chibo", *args], cwd=ROOT, input=stdin, capture_output=True,
                          text=True, timeout=120, env=os.environ | (env or {}))


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command):
    result = chibo(command, "--help")
    assert result.returncode == 0 and "usage" in result.stdout


def test_every_command_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    registered = set(cli.parser()._subparsers._group_actions[0].choices)
    assert registered == set(COMMANDS)
    for command in registered:
        assert f"python -m chibo {command}" in readme


def test_demo_refuses_to_overwrite_a_cell_without_force(tmp_path):
    db = str(tmp_path / "c.duckdb")
    assert chibo("demo", "--db", db).returncode == 0
    again = chibo("demo", "--db", db)
    assert again.returncode != 0 and "--force" in again.stderr and "Traceback" not in again.stderr
    assert chibo("demo", "--db", db, "--force").returncode == 0


def test_users_are_managed_with_passwords_from_standard_input(tmp_path):
    db = str(tmp_path / "c.duckdb")
    added = chibo("users", "add", "bithu", "--role", "quan_tri", "--db", db, stdin="mat-khau-rat-dai\n")
    assert added.returncode == 0, added.stderr
    listed = chibo("users", "list", "--db", db)
    assert "bithu" in listed.stdout and "mat-khau" not in listed.stdout
    weak = chibo("users", "add", "dv", "--role", "dang_vien", "--db", db, stdin="123\n")
    assert weak.returncode != 0 and "ít nhất 8 ký tự" in weak.stderr
    assert chibo("users", "disable", "bithu", "--db", db).returncode == 0
    assert "đã khóa" in chibo("users", "list", "--db", db).stdout
    assert chibo("users", "set-password", "bithu", "--db", db, stdin="mat-khau-moi-dai\n").returncode == 0


def test_backup_export_and_query_work_end_to_end(tmp_path):
    db = str(tmp_path / "c.duckdb")
    chibo("demo", "--db", db)
    assert chibo("backup", "--db", db, "--out", str(tmp_path / "b.duckdb")).returncode == 0
    restored = chibo("restore", "--db", str(tmp_path / "r.duckdb"), "--from", str(tmp_path / "b.duckdb"))
    assert restored.returncode == 0, restored.stderr
    doc_id = chibo("query", "--db", db, "--csv",
                   "SELECT max(ma) FROM nhiem_vu").stdout.strip().splitlines()[-1]
    assert doc_id.isdigit()
    csv = chibo("query", "--db", db, "--question", "tien_do_don_vi", "--param", "thang=2026-10-01", "--csv")
    assert csv.returncode == 0 and csv.stdout.startswith("Đơn vị,")
    refused = chibo("query", "--db", db, "DELETE FROM nhiem_vu")
    assert refused.returncode != 0 and "không được xóa" in refused.stderr


def test_failures_are_one_line_never_a_traceback(tmp_path):
    db = str(tmp_path / "c.duckdb")
    for args in (["export", "resolution", "--id", "999", "--db", db, "--out", str(tmp_path / "x.docx")],
                 ["restore", "--db", db, "--from", str(tmp_path / "missing.duckdb")],
                 ["query", "--db", db, "SELECT * FROM khong_co"]):
        result = chibo(*args)
        assert result.returncode != 0
        assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_bad_setting_stops_every_command_in_one_line_without_a_traceback(tmp_path):
    result = chibo("check", "--db", str(tmp_path / "c.duckdb"), env={"CHIBO_QUERY_TIMEOUT": "-5"})
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert result.stderr.strip() == "Lỗi: Biến môi trường CHIBO_QUERY_TIMEOUT phải là số nguyên dương (đang là «-5»)."
    assert not (tmp_path / "c.duckdb").exists()


def test_check_reports_a_clean_database(tmp_path):
    db = str(tmp_path / "c.duckdb")
    chibo("demo", "--db", db)
    result = chibo("check", "--db", db)
    assert result.returncode == 0 and "LỖI" not in result.stdout
