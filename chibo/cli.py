"""python -m chibo <command>: the admin and automation interface.
Every failure is one line on stderr and a non-zero exit; never a traceback."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from chibo import auth, backup, config, demo, docs, integrity, queries, resets
from chibo.db import Database, latest_version
from chibo.errors import ConfigError, DatabaseInUse, InputError
from chibo.labels import ROLES
from chibo.permissions import SYSTEM


def _db_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", default=None, help="tệp cơ sở dữ liệu (mặc định: CHIBO_DB hoặc data/chibo.duckdb)")


def _db_path(args) -> Path:
    """The database the command works on: --db, else CHIBO_DB."""
    return Path(args.db or args.settings.db_path)


def _open(args) -> Database:
    return Database(_db_path(args), backup_dir=_backup_dir(args))


def _backup_dir(args) -> Path:
    """CHIBO_BACKUP_DIR for the configured database; `backups/` beside a file named with --db."""
    return Path(args.db).parent / "backups" if args.db else args.settings.backup_dir


def _progress(fraction: float, message: str) -> None:
    print(f"\r[{int(fraction * 100):3d}%] {message:<60}", end="" if fraction < 1 else "\n", file=sys.stderr, flush=True)


def _read_password(confirm: bool = True) -> str:
    """From standard input, never the command line: typed twice on a terminal, one line from a pipe."""
    if sys.stdin.isatty():
        first = getpass.getpass("Mật khẩu: ")
        if confirm and getpass.getpass("Nhập lại mật khẩu: ") != first:
            raise InputError("Hai lần nhập mật khẩu không khớp.")
        return first
    return sys.stdin.readline().rstrip("\n")


# -- commands -----------------------------------------------------------------------------
def cmd_demo(args) -> int:
    db = _open(args)
    summary = demo.load(db, SYSTEM, args.settings.today(), force=args.force, progress=_progress)
    print(f"Đã tạo chi bộ mẫu: {summary['members']} đảng viên, {summary['months']} tháng, trong {db.path}.")
    return 0


def cmd_users(args) -> int:
    if args.action == "set-password":
        return _set_password(args)
    db = _open(args)
    if args.action == "list":
        for row in auth.list_users(db, SYSTEM).itertuples():
            state = "hoạt động" if row.active else "đã khóa"
            print(f"{row.username:<20} {row.role:<12} {state:<10} {row.display_name}")
        return 0
    if not args.username:
        raise InputError("Thiếu tên đăng nhập.")
    if args.action == "add":
        if not args.role:
            raise InputError(f"Thiếu --role ({', '.join(ROLES)}).")
        auth.add_user(db, SYSTEM, args.username, _read_password(), args.role, args.name or "", args.member_id)
        print(f"Đã thêm tài khoản {args.username} ({ROLES[args.role]}).")
    elif args.action in ("disable", "enable"):
        auth.set_active(db, SYSTEM, args.username, args.action == "enable")
        print(f"Đã {'mở khóa' if args.action == 'enable' else 'khóa'} tài khoản {args.username}.")
    return 0


def _set_password(args) -> int:
    """Works whether the app runs or not: while it holds the database, the new password goes to it as a
    request it applies on its next page run (chibo.resets), so a locked-out administrator is never stuck."""
    if not args.username:
        raise InputError("Thiếu tên đăng nhập.")
    password = _read_password()
    try:
        db = _open(args)
    except DatabaseInUse:
        resets.request(_db_path(args), args.username, password)
        print(f"Ứng dụng chibo đang chạy nên mật khẩu mới của {args.username} được gửi cho ứng dụng: nó có hiệu "
              "lực, và tài khoản được mở khóa đăng nhập, ngay khi một trang chibo được mở hoặc tải lại "
              "(ví dụ trang đăng nhập).")
        return 0
    auth.set_password(db, SYSTEM, args.username, password)
    print(f"Đã đặt lại mật khẩu cho {args.username}.")
    return 0


def cmd_backup(args) -> int:
    out = backup.backup_to(_open(args), SYSTEM, args.out)
    print(f"Đã sao lưu vào {out}.")
    return 0


def cmd_restore(args) -> int:
    target = _db_path(args)
    kept = backup.restore_file(target, args.source, _backup_dir(args))
    print(f"Đã khôi phục {target} từ {args.source}." + (f" Dữ liệu cũ được giữ tại {kept}." if kept else ""))
    return 0


def cmd_export(args) -> int:
    make = docs.export_pdf if args.pdf else docs.export_bytes
    data = make(_open(args), SYSTEM, args.kind, args.id, args.settings.today())
    Path(args.out).write_bytes(data)
    print(f"Đã xuất {args.out} ({len(data) // 1024} KB).")
    return 0


def cmd_query(args) -> int:
    db = _open(args)
    cfg = args.settings
    limits = {"today": cfg.today(), "memory_mb": cfg.query_memory_mb, "threads": cfg.query_threads}
    if args.question:
        params = dict(p.split("=", 1) for p in args.param if "=" in p)
        result = queries.ask(db, SYSTEM, args.question, params, cfg.query_timeout_seconds, **limits)
    elif args.sql:
        result = queries.run_sql(db, SYSTEM, args.sql, cfg.query_timeout_seconds, **limits)
    else:
        raise InputError("Cần một câu SQL hoặc --question TÊN. Các câu hỏi: " + ", ".join(queries.QUESTIONS))
    if args.csv:
        sys.stdout.write(queries.spreadsheet_safe(result.frame).to_csv(index=False))
    elif result.frame.empty:
        print("Không có kết quả.")
    else:
        print(result.frame.to_string(index=False))
    if result.truncated:
        print(f"(hiện {len(result.frame)}/{result.total} dòng)", file=sys.stderr)
    return 0


def cmd_calendar(args) -> int:
    """The cell's calendar (meetings, chi ủy meetings, the checklist's days), or one member's (their deadlines)."""
    from chibo import calendar_ics  # the icalendar library only for this command
    db, settings = _open(args), args.settings
    if args.member_id is None:
        data = calendar_ics.cell_calendar(db, SYSTEM, settings.today(), settings.now())
    else:
        data = calendar_ics.member_calendar(db, SYSTEM, args.member_id, settings.today(), settings.now())
    Path(args.out).write_bytes(data)
    print(f"Đã ghi lịch {args.out} ({data.count(b'BEGIN:VEVENT')} sự kiện).")
    return 0


def cmd_check(args) -> int:
    """The file read whole, its schema against its version, what sign-in relies on (chibo.integrity, as a
    restore checks a backup), and rows whose parent is gone. Read-only: nothing is migrated or repaired."""
    found = integrity.examine(_db_path(args))
    print(f"Lược đồ: {_version_said(found.version)}")
    if found.blank:
        print(f"CHÚ Ý {found.problems[0]}")
        return 0
    for problem in found.problems:
        print(f"LỖI {problem}")
    if not found.problems:
        print("OK  Đọc được toàn bộ dữ liệu; lược đồ đúng phiên bản; có quản trị viên, hồ sơ chi bộ, cài đặt hợp lệ.")
    for label, count in found.orphans.items():
        print(f"{'OK ' if not count else 'LỖI'} {label}: {count}")
    return 1 if found.problems or any(found.orphans.values()) else 0


def _version_said(version: int | None) -> str:
    if version is None:
        return "không xác định"
    if version < latest_version():
        return f"phiên bản {version} (chibo nâng cấp lên {latest_version()} khi mở tệp, sau khi giữ một bản sao)"
    return f"phiên bản {version}"


def cmd_bench(args) -> int:
    from chibo import bench
    return bench.main(args)


# -- parser --------------------------------------------------------------------------------------
# argparse's own words (its help headings and refusals) in Vietnamese: argparse asks gettext for each of them,
# and chibo ships no .mo catalogue, so the module's lookup is pointed at this table (anything else stays as is).
ARGPARSE_WORDS = {
    "usage: ": "Cách dùng: ",
    "positional arguments": "tham số",
    "options": "tùy chọn",
    "optional arguments": "tùy chọn",
    "show this help message and exit": "in hướng dẫn này rồi thoát",
    "the following arguments are required: %s": "còn thiếu các tham số bắt buộc: %s",
    "%(prog)s: error: %(message)s\n": "%(prog)s: lỗi: %(message)s\n",
    "invalid choice: %(value)r (choose from %(choices)s)": "lựa chọn không hợp lệ: %(value)r (chọn một trong %(choices)s)",
    "invalid %(type)s value: %(value)r": "giá trị %(type)s không hợp lệ: %(value)r",
    "unrecognized arguments: %s": "tham số không nhận ra: %s",
    "expected one argument": "cần một giá trị",
    "ambiguous option: %(option)s could match %(matches)s": "tùy chọn mơ hồ: %(option)s có thể là %(matches)s",
}


def _vietnamese_argparse() -> None:
    if getattr(argparse._, "chibo", False):
        return
    english = argparse._

    def words(text: str) -> str:
        return ARGPARSE_WORDS.get(text, english(text))
    words.chibo = True
    argparse._ = words


def parser() -> argparse.ArgumentParser:
    _vietnamese_argparse()
    root = argparse.ArgumentParser(prog="python -m chibo", description="chibo: công cụ quản trị dòng lệnh.")
    sub = root.add_subparsers(dest="command", required=True, metavar="LỆNH")

    p = sub.add_parser("demo", help="tạo chi bộ mẫu (hư cấu)")
    _db_arg(p)
    p.add_argument("--force", action="store_true", help="ghi đè dữ liệu chi bộ đang có")
    p.set_defaults(run=cmd_demo)

    p = sub.add_parser("users", help="quản lý tài khoản; mật khẩu đọc từ đầu vào chuẩn")
    _db_arg(p)
    p.add_argument("action", choices=["add", "list", "set-password", "disable", "enable"])
    p.add_argument("username", nargs="?")
    p.add_argument("--role", choices=list(ROLES))
    p.add_argument("--name", help="họ tên hiển thị")
    p.add_argument("--member-id", type=int, help="gắn với đảng viên (mã)")
    p.set_defaults(run=cmd_users)

    p = sub.add_parser("backup", help="sao lưu cơ sở dữ liệu ra một tệp")
    _db_arg(p)
    p.add_argument("--out", required=True)
    p.set_defaults(run=cmd_backup)

    p = sub.add_parser("restore", help="khôi phục từ tệp sao lưu (dữ liệu cũ được giữ lại)")
    _db_arg(p)
    p.add_argument("--from", dest="source", required=True)
    p.set_defaults(run=cmd_restore)

    p = sub.add_parser("export", help="xuất văn bản .docx (hoặc .pdf với --pdf)")
    _db_arg(p)
    p.add_argument("kind", choices=list(docs.KINDS))
    p.add_argument("--id", type=int, required=True, help="mã văn bản (nghị quyết hoặc chương trình)")
    p.add_argument("--out", required=True)
    p.add_argument("--pdf", action="store_true", help="xuất PDF (cần LibreOffice) thay cho .docx")
    p.set_defaults(run=cmd_export)

    p = sub.add_parser("query", help="tra cứu chỉ đọc: SQL hoặc câu hỏi có sẵn")
    _db_arg(p)
    p.add_argument("sql", nargs="?")
    p.add_argument("--question", choices=list(queries.QUESTIONS))
    p.add_argument("--param", action="append", default=[], help="tham số TÊN=GIÁ_TRỊ")
    p.add_argument("--csv", action="store_true")
    p.set_defaults(run=cmd_query)

    p = sub.add_parser("calendar", help="xuất lịch .ics: sinh hoạt, họp chi ủy, hạn các bước trong tháng; hoặc hạn "
                                        "nhiệm vụ của một đảng viên")
    _db_arg(p)
    p.add_argument("--out", required=True, help="tệp .ics sẽ ghi")
    p.add_argument("--member-id", type=int, default=None, help="lịch nhiệm vụ của đảng viên có mã này")
    p.set_defaults(run=cmd_calendar)

    p = sub.add_parser("check", help="kiểm tra tính toàn vẹn dữ liệu")
    _db_arg(p)
    p.set_defaults(run=cmd_check)

    p = sub.add_parser("bench", help="đo hiệu năng trên dữ liệu tổng hợp")
    p.add_argument("--scale", type=int, default=1, help="1 = một chi bộ trong hai nhiệm kỳ; 100 = gấp trăm lần")
    p.add_argument("--runs", type=int, default=5, help="số lần đo mỗi mục (lấy trung vị)")
    p.add_argument("--json", default=None, help="ghi kết quả ra tệp JSON")
    p.add_argument("--browser", action="store_true",
                   help="đo trong trình duyệt thật (Chromium): từ cú nhấp đến trang vẽ xong, so với Streamlit trần")
    p.add_argument("--meeting", action="store_true",
                   help="tải buổi sinh hoạt: 35 phiên cùng lúc (33 đảng viên, máy chiếu, thư ký)")
    p.add_argument("--seconds", type=float, default=60, help="thời gian tải buổi sinh hoạt, giây")
    p.add_argument("--readme", action="store_true",
                   help="ghi lại các bảng hiệu năng trong README.md từ các tệp JSON trong docs/bench/")
    p.set_defaults(run=cmd_bench)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        args.settings = config.load()  # at start: a bad CHIBO_* value stops every command alike
        return args.run(args)
    except (InputError, DatabaseInUse, ConfigError) as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Đã dừng.", file=sys.stderr)
        return 130
    except Exception as exc:  # the contract: one line, never a traceback
        print(f"Lỗi: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}", file=sys.stderr)
        return 1
