"""Accounts: creating them, signing in, locking after failures. Who may do what is chibo.permissions."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from chibo import audit, validate
from chibo.db import Database, memoised
from chibo.errors import InputError
from chibo.labels import ROLES

# PERMISSIONS and SYSTEM are re-exported only for the tests that say auth.SYSTEM;
# chibo's own modules import them from chibo.permissions.
from chibo.permissions import PERMISSIONS, SYSTEM, Actor, require  # noqa: F401

_hasher = PasswordHasher()  # argon2id, salted, memory-hard defaults
# Verified against when the name is unknown, so timing does not reveal which names exist.
_DUMMY_HASH = _hasher.hash("chibo-no-such-user")


def _check_password(password: str, role: str) -> str:
    minimum = 10 if role == "quan_tri" else 8
    if not password or len(password) < minimum:
        raise InputError(f"Mật khẩu phải có ít nhất {minimum} ký tự.")
    if len(set(password)) < 4:
        raise InputError("Mật khẩu quá đơn giản: hãy dùng ít nhất 4 ký tự khác nhau.")
    if len(password) > 200:
        raise InputError("Mật khẩu quá dài (tối đa 200 ký tự).")
    return password


def _check_username(username: str) -> str:
    name = validate.text(username, "Tên đăng nhập", max_len=40).lower()
    if not all(ch.isascii() and (ch.isalnum() or ch in "._-") for ch in name):
        raise InputError("Tên đăng nhập chỉ gồm chữ không dấu, số và các dấu . _ -")
    return name


@memoised
def has_users(db: Database) -> bool:
    return bool(db.scalar("SELECT count(*) FROM users"))


def _insert_user(cur, actor, username, password, role, display_name, member_id) -> int:
    member_id = validate.existing_id(cur, "members", member_id)
    if cur.execute("SELECT count(*) FROM users WHERE username = ?", [username]).fetchone()[0]:
        raise InputError(f"Tên đăng nhập «{username}» đã có người dùng.")
    new_id = cur.execute(
        "INSERT INTO users (username, display_name, password_hash, role, member_id)"
        " VALUES (?, ?, ?, ?, ?) RETURNING id",
        [username, display_name, _hasher.hash(password), role, member_id],
    ).fetchone()[0]
    audit.log(cur, actor, "thêm tài khoản", "users", new_id, None,
              {"username": username, "role": role, "display_name": display_name, "member_id": member_id})
    return new_id


def add_user(db: Database, actor: Actor, username: str, password: str, role: str,
             display_name: str = "", member_id: int | None = None) -> int:
    require(actor, "manage_users")
    username = _check_username(username)
    role = validate.choice(role, ROLES, "Vai trò")
    display_name = validate.text(display_name, "Tên hiển thị", required=False)
    _check_password(password, role)
    return db.write(lambda cur: _insert_user(cur, actor, username, password, role, display_name, member_id))


def create_first_admin(db: Database, username: str, password: str, display_name: str = "") -> Actor:
    """Only while no account exists: the first start asks for the administrator."""
    username = _check_username(username)
    display_name = validate.text(display_name, "Tên hiển thị", required=False)
    _check_password(password, "quan_tri")

    def work(cur):
        if cur.execute("SELECT count(*) FROM users").fetchone()[0]:
            raise InputError("Đã có tài khoản quản trị; hãy đăng nhập.")
        bootstrap = Actor(None, username, "quan_tri")
        return _insert_user(cur, bootstrap, username, password, "quan_tri", display_name, None)

    user_id = db.write(work)
    return Actor(user_id, username, "quan_tri")


def list_users(db: Database, actor: Actor) -> pd.DataFrame:
    require(actor, "manage_users")
    return db.query(
        "SELECT u.id, u.username, u.display_name, u.role, u.active, u.member_id, m.full_name AS member,"
        " u.failed_logins, u.locked_until, u.created_at"
        " FROM users u LEFT JOIN members m ON m.id = u.member_id ORDER BY u.username"
    )


def _update_user(db, actor, username, action, sql_set, params, after) -> None:
    def work(cur):
        before = cur.execute("SELECT id, role, active FROM users WHERE username = ?", [username]).fetchone()
        if not before:
            raise InputError(f"Không có tài khoản «{username}».")
        if "member_id" in after:
            validate.existing_id(cur, "members", after["member_id"])
        cur.execute(f"UPDATE users SET {sql_set} WHERE id = ?", [*params, before[0]])
        audit.log(cur, actor, action, "users", before[0],
                  {"role": before[1], "active": before[2]}, after)
    db.write(work)


def set_password(db: Database, actor: Actor, username: str, password: str) -> None:
    if actor.username != username:
        require(actor, "manage_users")
    role = db.scalar("SELECT role FROM users WHERE username = ?", [username]) or "quan_tri"
    _check_password(password, role)
    _update_user(db, actor, username, "đổi mật khẩu",
                 "password_hash = ?, failed_logins = 0, locked_until = NULL",
                 [_hasher.hash(password)], {"password": "(đã đổi)"})


def set_active(db: Database, actor: Actor, username: str, active: bool) -> None:
    require(actor, "manage_users")
    if not active and username == actor.username:
        raise InputError("Không thể tự khóa tài khoản của chính mình.")
    _update_user(db, actor, username, "mở khóa tài khoản" if active else "khóa tài khoản",
                 "active = ?", [active], {"active": active})


def set_role(db: Database, actor: Actor, username: str, role: str, member_id: int | None) -> None:
    require(actor, "manage_users")
    role = validate.choice(role, ROLES, "Vai trò")
    _update_user(db, actor, username, "đổi vai trò", "role = ?, member_id = ?", [role, member_id],
                 {"role": role, "member_id": member_id})


def login_delay(failures: int) -> float:
    """Seconds to wait after a failed login: grows with each failure, capped."""
    return min(0.25 * 2 ** max(failures - 1, 0), 4.0)


def authenticate(db: Database, username: str, password: str, max_failures: int = 5,
                 lock_minutes: int = 15, sleep=time.sleep, now: datetime | None = None) -> Actor:
    now = now or datetime.now()
    username = (username or "").strip().lower()
    found = db.one("SELECT id, password_hash, role, member_id, active, failed_logins, locked_until"
                   " FROM users WHERE username = ?", [username])
    wrong = InputError("Tên đăng nhập hoặc mật khẩu không đúng.")
    if not found:
        _verify(_DUMMY_HASH, password or "")
        raise wrong
    user_id, pw_hash, role, member_id, active, failures, locked_until = found
    if locked_until and locked_until > now:
        raise InputError(f"Tài khoản tạm khóa do đăng nhập sai nhiều lần; thử lại sau {locked_until:%H:%M}.")
    if not active:
        raise InputError("Tài khoản đã bị vô hiệu hóa; hãy liên hệ quản trị viên.")
    if not _verify(pw_hash, password or ""):
        _record_failure(db, user_id, failures + 1, max_failures, lock_minutes, now)
        sleep(login_delay(failures + 1))
        raise wrong
    db.write(lambda cur: cur.execute(
        "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?", [user_id]))
    return Actor(user_id, username, role, member_id)


def _verify(pw_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(pw_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _record_failure(db, user_id, failures, max_failures, lock_minutes, now) -> None:
    locked = now + timedelta(minutes=lock_minutes) if failures >= max_failures else None
    reset = 0 if locked else failures
    db.write(lambda cur: cur.execute(
        "UPDATE users SET failed_logins = ?, locked_until = ? WHERE id = ?", [reset, locked, user_id]))


@memoised
def actor_for(db: Database, user_id: int) -> Actor | None:
    """Rebuild the actor from the database, so a disabled account stops working at once."""
    found = db.one("SELECT username, role, member_id, active FROM users WHERE id = ?", [user_id])
    if not found or not found[3]:
        return None
    return Actor(user_id, found[0], found[1], found[2])
