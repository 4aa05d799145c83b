"""python -m chibo: every command run in this process (cli.main, output captured), and one run as a real
process to prove that a failure reaches the shell as one line and an exit code, never a traceback."""

import gzip
import io
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from docx import Document

from chibo import auth, cli, documents, integrity, queries, resets
from chibo.db import Database, latest_version
from chibo.errors import InputError
from tests.conftest import TODAY
from tests.test_backup import content
from tests.test_integrity import DAMAGES, OLD, damaged_copy, english_in

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = ["demo", "users", "backup", "restore", "export", "query", "calendar", "check", "bench"]


@dataclass
class Ran:
    code: int
    out: str
    err: str


@pytest.fixture
def chibo(capsys, monkeypatch):
    """Run `python -m chibo ARGS` in this process, with `stdin` as standard input."""
    monkeypatch.setenv("CHIBO_TODAY", TODAY.isoformat())  # the commands' day is the demo's: no test reads the clock

    def run(*args: str, stdin: str = "") -> Ran:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        try:
            code = cli.main(list(args))
        except SystemExit as exit:  # argparse: --help, or arguments it refuses
            code = exit.code
        out, err = capsys.readouterr()
        return Ran(code, out, err)
    return run


@pytest.fixture
def demo_file(tmp_path, demo_template) -> str:
    path = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_template, path)
    return str(path)


def opened(path: str) -> Database:
    """A fresh look at the file: a Database remembers reads, and the command wrote through another one."""
    return Database(path, migrate=False)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(chibo, command):
    ran = chibo(command, "--help")
    assert ran.code == 0 and ran.err == ""
    assert ran.out.startswith(f"Cách dùng: python -m chibo {command} [-h]")
    assert not [w for w in ("usage:", "positional arguments", "options:", "show this help") if w in ran.out]


def test_argparse_refuses_in_vietnamese(chibo):
    ran = chibo("users")
    assert ran.code == 2 and "lỗi: còn thiếu các tham số bắt buộc: action" in ran.err and "error" not in ran.err


def test_every_command_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    registered = set(cli.parser()._subparsers._group_actions[0].choices)
    assert registered == set(COMMANDS)
    for command in registered:
        assert f"python -m chibo {command}" in readme


def test_demo_makes_the_cell_and_refuses_to_overwrite_it_without_force(chibo, tmp_path):
    path = str(tmp_path / "c.duckdb")
    made = chibo("demo", "--db", path)
    assert made.code == 0, made.err
    members, months = map(int, re.fullmatch(rf"Đã tạo chi bộ mẫu: (\d+) đảng viên, (\d+) tháng, trong {re.escape(path)}\.\n",
                                            made.out).groups())
    db = opened(path)
    assert db.scalar("SELECT count(*) FROM members") == members > 0
    assert db.scalar("SELECT count(*) FROM documents WHERE kind = 'nq_thang'") == months > 0
    db.close()
    again = chibo("demo", "--db", path)
    assert again.code == 2 and again.out == ""
    assert again.err.startswith("Lỗi: ") and "--force" in again.err and again.err.count("\n") == 1
    assert chibo("demo", "--db", path, "--force").code == 0
    db = opened(path)
    assert db.scalar("SELECT count(*) FROM members") == members  # replaced, not added to
    db.close()


def test_users_are_managed_with_passwords_from_standard_input(chibo, tmp_path):
    path = str(tmp_path / "c.duckdb")
    added = chibo("users", "add", "bithu", "--role", "quan_tri", "--db", path, stdin="mat-khau-rat-dai\n")
    assert (added.code, added.out) == (0, "Đã thêm tài khoản bithu (Quản trị).\n"), added.err
    listed = chibo("users", "list", "--db", path).out
    assert re.fullmatch(r"bithu +quan_tri +hoạt động +\n", listed)
    db = opened(path)
    assert auth.authenticate(db, "bithu", "mat-khau-rat-dai", sleep=lambda s: None).role == "quan_tri"
    db.close()
    weak = chibo("users", "add", "dv", "--role", "dang_vien", "--db", path, stdin="123\n")
    assert (weak.code, weak.err) == (2, "Lỗi: Mật khẩu phải có ít nhất 8 ký tự.\n")
    assert "dv " not in chibo("users", "list", "--db", path).out
    assert chibo("users", "add", "dv", "--role", "dang_vien", "--db", path, stdin="mat-khau-dv\n").code == 0
    assert chibo("users", "disable", "dv", "--db", path).out == "Đã khóa tài khoản dv.\n"
    assert "đã khóa" in chibo("users", "list", "--db", path).out
    assert chibo("users", "set-password", "dv", "--db", path, stdin="mat-khau-moi-dai\n").code == 0
    assert chibo("users", "enable", "dv", "--db", path).code == 0
    db = opened(path)
    assert auth.authenticate(db, "dv", "mat-khau-moi-dai", sleep=lambda s: None).username == "dv"
    db.close()
    last = chibo("users", "disable", "bithu", "--db", path)
    assert (last.code, last.err) == (2, f"Lỗi: {auth.LAST_ADMIN.format('bithu')}\n")


def test_set_password_reaches_the_running_app_and_unlocks_a_locked_out_administrator(chibo, tmp_path):
    path = tmp_path / "c.duckdb"
    db = Database(path)
    auth.add_user(db, auth.SYSTEM, "bithu", "mat-khau-rat-dai", "quan_tri")
    for _ in range(5):
        with pytest.raises(InputError):
            auth.authenticate(db, "bithu", "quen-mat-roi", sleep=lambda s: None, address="10.0.0.3",
                              max_address_failures=5)
    db.close()
    # Another process holds the file, as the running app does: the command cannot open it.
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys; c = duckdb.connect(sys.argv[1]);"
                               " print('held', flush=True); sys.stdin.read()", str(path)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "held\n"
        ran = chibo("users", "set-password", "bithu", "--db", str(path), stdin="mat-khau-moi-dai\n")
    finally:
        holder.communicate("")
    assert ran.code == 0 and "được gửi cho ứng dụng" in ran.out, ran.err
    request = resets.folder(path) / "bithu.json"
    assert "mat-khau-moi-dai" not in request.read_text() and request.stat().st_mode & 0o077 == 0
    db = Database(path)  # the app's next page run
    assert resets.apply_pending(db) == ["bithu"] and not request.exists()
    signed = auth.authenticate(db, "bithu", "mat-khau-moi-dai", address="10.0.0.3", max_address_failures=5)
    assert signed.username == "bithu"
    db.close()


def test_a_request_someone_else_could_write_is_not_applied(tmp_path):
    path = tmp_path / "c.duckdb"
    db = Database(path)
    auth.add_user(db, auth.SYSTEM, "bithu", "mat-khau-rat-dai", "quan_tri")
    request = resets.request(path, "bithu", "mat-khau-moi-dai")
    request.chmod(0o666)
    assert resets.apply_pending(db) == []
    assert auth.authenticate(db, "bithu", "mat-khau-rat-dai").username == "bithu"
    db.close()


@pytest.fixture
def cell_file(tmp_path, cell_template) -> str:
    path = tmp_path / "cell.duckdb"
    shutil.copyfile(cell_template, path)
    return str(path)


def test_a_backup_restored_elsewhere_holds_the_same_cell(chibo, cell_file, tmp_path):
    copy, restored = tmp_path / "b.duckdb", tmp_path / "r.duckdb"
    backed_up = chibo("backup", "--db", cell_file, "--out", str(copy))
    assert (backed_up.code, backed_up.out) == (0, f"Đã sao lưu vào {copy}.\n"), backed_up.err
    ran = chibo("restore", "--db", str(restored), "--from", str(copy))
    assert (ran.code, ran.out) == (0, f"Đã khôi phục {restored} từ {copy}.\n"), ran.err
    original, back = opened(cell_file), opened(str(restored))
    assert content(back) == content(original)
    original.close()
    back.close()


def test_export_writes_the_resolution_as_a_word_file(chibo, demo_file, tmp_path):
    db = opened(demo_file)
    november = documents.monthly_resolution(db, date(2026, 11, 1))
    db.close()
    out = tmp_path / "nq.docx"
    ran = chibo("export", "resolution", "--id", str(november.id), "--db", demo_file, "--out", str(out))
    assert ran.code == 0, ran.err
    assert ran.out == f"Đã xuất {out} ({out.stat().st_size // 1024} KB).\n"
    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert "NGHỊ QUYẾT" in text and "tháng 11 năm 2026" in text


def test_query_answers_sql_and_ready_questions_as_csv(chibo, demo_file):
    db = opened(demo_file)
    newest = db.scalar("SELECT max(t.id) FROM tasks t JOIN documents d ON d.id = t.document_id"
                       " WHERE d.kind = 'nq_thang'")
    expected = queries.ask(db, auth.SYSTEM, "tien_do_don_vi", {"thang": "2026-10-01"}, today=TODAY).frame
    db.close()
    assert chibo("query", "--db", demo_file, "--csv", "SELECT max(ma) AS ma FROM nhiem_vu").out == f"ma\n{newest}\n"
    ran = chibo("query", "--db", demo_file, "--question", "tien_do_don_vi", "--param", "thang=2026-10-01", "--csv")
    assert ran.code == 0 and len(expected) > 1
    header, *rows = ran.out.splitlines()
    wanted_header, *wanted_rows = expected.to_csv(index=False).splitlines()
    assert header == wanted_header and header.startswith("Đơn vị,")
    assert sorted(rows) == sorted(wanted_rows)  # the question orders by overdue count alone: ties come in any order



def test_query_csv_gives_a_formula_in_the_data_as_plain_text(chibo, demo_file):
    ran = chibo("query", "--db", demo_file, "--csv", "SELECT '=1+1' AS x, -3 AS n, '-5' AS t")
    assert (ran.code, ran.out) == (0, "x,n,t\n'=1+1,-3,'-5\n")


def test_an_account_is_not_linked_to_a_member_who_does_not_exist(chibo, demo_file):
    ran = chibo("users", "add", "dv", "--role", "dang_vien", "--member-id", "99999", "--db", demo_file,
                stdin="mat-khau-rat-dai\n")
    assert (ran.code, ran.err) == (2, "Lỗi: Không có đảng viên nào mang mã 99999.\n")
    db = opened(demo_file)
    assert db.scalar("SELECT count(*) FROM users WHERE username = 'dv'") == 0
    db.close()

def test_query_refuses_to_change_data(chibo, demo_file):
    refused = chibo("query", "--db", demo_file, "DELETE FROM nhiem_vu")
    assert (refused.code, refused.err) == (2, "Lỗi: Hộp SQL chỉ được đọc dữ liệu: không được xóa dữ liệu.\n")
    db = opened(demo_file)
    assert db.scalar("SELECT count(*) FROM tasks") > 0
    db.close()


@pytest.mark.parametrize("args,message", [
    (["export", "resolution", "--id", "999", "--out", "{tmp}/x.docx"], "Lỗi: Chưa có hồ sơ chi bộ.\n"),
    (["restore", "--from", "{tmp}/missing.duckdb"], "Lỗi: Không tìm thấy tệp {tmp}/missing.duckdb.\n"),
    (["query", "SELECT * FROM khong_co"], f"Lỗi: Không có bảng «khong_co» trong hộp SQL. Các bảng được phép: "
                                          f"{queries.ALLOWED}.\n"),
], ids=["export without a cell", "restore from a missing file", "query of a missing table"])
def test_a_failure_is_one_line_and_an_exit_code(chibo, tmp_path, args, message):
    ran = chibo(*(a.format(tmp=tmp_path) for a in args), "--db", str(tmp_path / "c.duckdb"))
    assert (ran.code, ran.out, ran.err) == (2, "", message.format(tmp=tmp_path))
    assert not (tmp_path / "x.docx").exists()


@pytest.mark.parametrize("args", [["check"], ["users", "list"], ["query", "SELECT 1"], ["demo"]], ids=" ".join)
def test_a_bad_setting_stops_every_command_in_one_line(chibo, tmp_path, monkeypatch, args):
    monkeypatch.setenv("CHIBO_QUERY_TIMEOUT", "-5")
    ran = chibo(*args, "--db", str(tmp_path / "c.duckdb"))
    assert (ran.code, ran.out) == (2, "")
    assert ran.err == "Lỗi: Biến môi trường CHIBO_QUERY_TIMEOUT phải là số nguyên dương (đang là «-5»).\n"
    assert not (tmp_path / "c.duckdb").exists()  # stopped before anything was opened


def test_a_failure_reaches_the_shell_as_one_line_never_a_traceback(tmp_path):
    """The only run in a real process: what a script calling chibo sees."""
    result = subprocess.run([sys.executable, "-m", "chibo", "query", "--db", str(tmp_path / "c.duckdb"),
                             "SELECT * FROM khong_co"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("Lỗi: Không có bảng «khong_co» trong hộp SQL.")
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1


ORPHAN_LINES = [f"OK  {label}: 0" for label in integrity.ORPHANS]


def test_check_reports_a_clean_database(chibo, cell_file):
    ran = chibo("check", "--db", cell_file)
    assert (ran.code, ran.err) == (0, "")
    assert ran.out.splitlines() == [
        f"Lược đồ: phiên bản {latest_version()}",
        "OK  Đọc được toàn bộ dữ liệu; lược đồ đúng phiên bản; có quản trị viên, hồ sơ chi bộ, cài đặt hợp lệ.",
        *ORPHAN_LINES]


def test_check_finds_rows_whose_parent_is_gone(chibo, cell_file):
    db = opened(cell_file)
    db.write(lambda cur: cur.execute("INSERT INTO task_partners (task_id, member_id) VALUES (999999, 1)"))
    db.close()
    ran = chibo("check", "--db", cell_file)
    assert ran.code == 1
    assert "LỖI người, đơn vị phối hợp không thuộc nhiệm vụ nào: 1" in ran.out.splitlines()


@pytest.mark.parametrize("kind", list(DAMAGES))
def test_check_reports_each_kind_of_damage_and_changes_nothing(chibo, cell_template, tmp_path, kind):
    bad = damaged_copy(cell_template, tmp_path / "bad", kind)
    before = bad.read_bytes()
    ran = chibo("check", "--db", str(bad))
    assert (ran.code, ran.err) == (1, "")
    problems = [line for line in ran.out.splitlines() if line.startswith("LỖI ")]
    assert problems and DAMAGES[kind][1] in problems[0] and not english_in(ran.out), ran.out
    assert bad.read_bytes() == before  # read-only: nothing migrated, nothing repaired
    assert sorted(p.name for p in bad.parent.iterdir()) == ["damaged.duckdb"]


def test_check_says_an_older_file_will_be_migrated_and_leaves_it_as_it_is(chibo, tmp_path):
    old = tmp_path / "old.duckdb"
    old.write_bytes(gzip.decompress(OLD.read_bytes()))
    ran = chibo("check", "--db", str(old))
    assert ran.code == 0 and ran.out.splitlines()[0] == (
        f"Lược đồ: phiên bản 1 (chibo nâng cấp lên {latest_version()} khi mở tệp, sau khi giữ một bản sao)")
    assert old.read_bytes() == gzip.decompress(OLD.read_bytes())


def test_check_calls_a_new_database_not_set_up_yet_not_broken(chibo, tmp_path):
    Database(tmp_path / "new.duckdb").close()
    ran = chibo("check", "--db", str(tmp_path / "new.duckdb"))
    assert (ran.code, ran.out.splitlines()[1:]) == (0, [f"CHÚ Ý {integrity.BLANK}"])


@pytest.mark.parametrize("kind", ["truncated to 90%", "users replaced by a view", "empty schema_migrations"])
def test_restore_refuses_a_damaged_file_in_one_line_and_keeps_the_database(chibo, cell_file, cell_template, tmp_path,
                                                                           kind):
    bad = damaged_copy(cell_template, tmp_path / "bad", kind)
    before = Path(cell_file).read_bytes()
    ran = chibo("restore", "--db", cell_file, "--from", str(bad))
    assert (ran.code, ran.out) == (2, "") and ran.err.count("\n") == 1 and DAMAGES[kind][1] in ran.err
    assert Path(cell_file).read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad", "cell.duckdb"]


def test_export_writes_a_pdf_when_asked(chibo, demo_file, tmp_path):
    db = opened(demo_file)
    november = documents.monthly_resolution(db, date(2026, 11, 1))
    db.close()
    out = tmp_path / "nghi-quyet.pdf"
    ran = chibo("export", "resolution", "--id", str(november.id), "--db", demo_file, "--out", str(out), "--pdf")
    assert ran.code == 0, ran.err
    assert out.read_bytes()[:5] == b"%PDF-"
