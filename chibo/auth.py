"""Accounts: creating them, signing in, locking after failures. Who may do what is chibo.permissions."""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from chibo import audit, sessions, validate, versions
from chibo.db import Database, memoised
from chibo.errors import InputError
from chibo.labels import ROLES

# PERMISSIONS and SYSTEM are re-exported only for the tests that say auth.SYSTEM;
# chibo's own modules import them from chibo.permissions.
from chibo.permissions import PERMISSIONS, SYSTEM, Actor, require  # noqa: F401

_hasher = PasswordHasher()  # argon2id, salted, memory-hard defaults
# Verified against when the name is unknown, so timing does not reveal which names exist.
_DUMMY_HASH = _hasher.hash("chibo-no-such-user")
# Hashes computed at once: each takes 64 MiB and a core for ~0.1 s, so a room signing in together (35 at the
# meeting) would take 35 × 64 MiB and finish no sooner than one after the other on the machine's cores.
HASHES_AT_ONCE = os.cpu_count() or 1
HASHING = threading.BoundedSemaphore(HASHES_AT_ONCE)


def _check_password(password: str, role: str) -> str:
    minimum = 10 if role == "quan_tri" else 8
    if not password or len(password) < minimum:
        raise InputError(f"Mật khẩu phải có ít nhất {minimum} ký tự.")
    if len(set(password)) < 4:
        raise InputError("Mật khẩu quá đơn giản: hãy dùng ít nhất 4 ký tự khác nhau.")
    if len(password) > 200:
        raise InputError("Mật khẩu quá dài (tối đa 200 ký tự).")
    return password


def check_username(username: str) -> str:
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
        [username, display_name, _hash(password), role, member_id],
    ).fetchone()[0]
    audit.log(cur, actor, "thêm tài khoản", "users", new_id, None,
              {"username": username, "role": role, "display_name": display_name, "member_id": member_id})
    return new_id


def add_user(db: Database, actor: Actor, username: str, password: str, role: str,
             display_name: str = "", member_id: int | None = None) -> int:
    require(actor, "manage_users")
    username = check_username(username)
    role = validate.choice(role, ROLES, "Vai trò")
    display_name = validate.text(display_name, "Tên hiển thị", required=False)
    _check_password(password, role)
    return db.write(lambda cur: _insert_user(cur, actor, username, password, role, display_name, member_id))


def create_first_admin(db: Database, username: str, password: str, display_name: str = "") -> Actor:
    """Only while no account exists: the first start asks for the administrator."""
    username = check_username(username)
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


LAST_ADMIN = ("«{}» là quản trị viên cuối cùng còn hoạt động: hãy thêm hoặc mở khóa một quản trị viên khác "
              "trước, để chibo luôn có người quản trị.")


def _update_user(db, actor, username, action, sql_set, params, after, ends_admin: bool = False,
                 ends_sessions: bool = False, opened: str | None = None) -> None:
    """`ends_admin`: the change leaves the account no active administrator (demoted, disabled); refused
    for the last one, decided inside the transaction so two administrators cannot demote each other.
    `ends_sessions`: every remembered sign-in of the account ends with the change (a new password, disabled).
    `opened`: the version of the account form (account_form); a role or member saved since refuses the save."""
    def work(cur):
        before = cur.execute("SELECT id, role, active, member_id FROM users WHERE username = ?", [username]).fetchone()
        if not before:
            raise InputError(f"Không có tài khoản «{username}».")
        versions.check(cur, opened, _account_of(before), {key: after[key] for key in _ACCOUNT_LABELS if key in after},
                       what=f"tài khoản {username}", labels=_ACCOUNT_LABELS, entity="users", entity_id=before[0],
                       shown=lambda key, value: _account_read(cur, key, value))
        if "member_id" in after:
            validate.existing_id(cur, "members", after["member_id"])
        if ends_admin and before[1] == "quan_tri" and before[2] and not cur.execute(
                "SELECT count(*) FROM users WHERE role = 'quan_tri' AND active AND id <> ?", [before[0]]).fetchone()[0]:
            raise InputError(LAST_ADMIN.format(username))
        cur.execute(f"UPDATE users SET {sql_set} WHERE id = ?", [*params, before[0]])
        if ends_sessions:
            sessions.end_all(cur, before[0])
        audit.log(cur, actor, action, "users", before[0],
                  {"role": before[1], "active": before[2]}, after)
    db.write(work)


def set_password(db: Database, actor: Actor, username: str, password: str) -> None:
    if actor.username != username:
        require(actor, "manage_users")
    role = db.scalar("SELECT role FROM users WHERE username = ?", [username]) or "quan_tri"
    set_password_hash(db, actor, username, new_password_hash(password, role))


def change_own_password(db: Database, actor: Actor, old: str, new: str, repeated: str) -> bool:
    """Every user changes their own password: the current one first, the new one twice, the same rules as an
    administrator's. Every remembered sign-in of the account ends (the caller signs this browser in again)."""
    if actor is None or actor.user_id is None:
        raise InputError("Hãy đăng nhập trước khi đổi mật khẩu.")
    stored = db.scalar("SELECT password_hash FROM users WHERE id = ?", [actor.user_id])
    if not stored or not _verify(stored, old or ""):
        raise InputError("Mật khẩu hiện tại không đúng.")
    if new != repeated:
        raise InputError("Hai lần nhập mật khẩu mới không giống nhau.")
    if new == old:
        raise InputError("Mật khẩu mới phải khác mật khẩu hiện tại.")
    set_password_hash(db, actor, actor.username, new_password_hash(new, actor.role))
    return True


def new_password_hash(password: str, role: str = "quan_tri") -> str:
    """The stored form of a new password, once it is long and varied enough for the role."""
    return _hash(_check_password(password, role))


def set_password_hash(db: Database, actor: Actor, username: str, password_hash: str) -> None:
    """Store a password already hashed (new_password_hash); it also lifts the lock after failed sign-ins."""
    if actor.username != username:
        require(actor, "manage_users")
    if not password_hash.startswith("$argon2id$"):
        raise InputError("Mật khẩu mới không hợp lệ.")
    _update_user(db, actor, username, "đổi mật khẩu",
                 "password_hash = ?, failed_logins = 0, locked_until = NULL",
                 [password_hash], {"password": "(đã đổi)"}, ends_sessions=True)


def set_active(db: Database, actor: Actor, username: str, active: bool) -> None:
    require(actor, "manage_users")
    if not active and username == actor.username:
        raise InputError("Không thể tự khóa tài khoản của chính mình.")
    _update_user(db, actor, username, "mở khóa tài khoản" if active else "khóa tài khoản",
                 "active = ?", [active], {"active": active}, ends_admin=not active, ends_sessions=not active)


_ACCOUNT_LABELS = {"role": "Vai trò", "member_id": "Gắn với đảng viên"}


def _account_of(row) -> dict:
    return {"role": row[1], "member_id": row[3]}


def _account_read(cur, key: str, value) -> str:
    """A role by its name, a member by their full name: as the refusal shows them."""
    if key == "role":
        return ROLES.get(value, value)
    found = None if value is None else cur.execute("SELECT full_name FROM members WHERE id = ?", [value]).fetchone()
    return found[0] if found else "(không gắn)"


def account_form(db: Database, username: str) -> versions.Opened:
    """What the account's role form is opened on: its role and the member it belongs to."""
    found = db.one("SELECT id, role, active, member_id FROM users WHERE username = ?", [username])
    if found is None:
        raise InputError(f"Không có tài khoản «{username}».")
    return versions.opened(_account_of(found))


def set_role(db: Database, actor: Actor, username: str, role: str, member_id: int | None,
             opened: str | None = None) -> None:
    require(actor, "manage_users")
    role = validate.choice(role, ROLES, "Vai trò")
    _update_user(db, actor, username, "đổi vai trò", "role = ?, member_id = ?", [role, member_id],
                 {"role": role, "member_id": member_id}, ends_admin=role != "quan_tri", opened=opened)


def login_delay(failures: int) -> float:
    """Seconds to wait after a failed login: grows with each failure, capped."""
    return min(0.25 * 2 ** max(failures - 1, 0), 4.0)


WRONG = "Tên đăng nhập hoặc mật khẩu không đúng."
BUSY = "Đang có nhiều người đăng nhập từ máy này cùng lúc; xin thử lại sau ít giây."


class _Locked(Exception):
    def __init__(self, until: datetime):
        super().__init__(until)
        self.until = until


@dataclass
class _Count:
    failures: int = 0
    locked_until: datetime | None = None
    since: datetime | None = None  # when the first failure still counted happened
    checking: int = 0  # attempts admitted whose password is being checked


class _Busy(Exception):
    """Too many attempts from one key are being checked at once; this one waited for them in vain."""


class Lockout:
    """Failed sign-ins per key, kept in memory: for names no account has (so they answer exactly as real
    ones do, lock message included) and for client addresses. An attempt takes a place *before* its password is
    checked, so parallel guesses cannot slip past the limit: while the failures counted and the attempts being
    checked fill the limit, the next attempt waits for one of them to end. Only a failure counts and locks — a
    room signing in at once from one address (a school's network) waits a moment, never locks itself out.
    Bounded: the least recently tried keys go first."""

    SIZE = 10_000
    WAIT_SECONDS = 30.0

    def __init__(self):
        self._items: OrderedDict = OrderedDict()
        self._changed = threading.Condition()

    def admit(self, key, limit: int, lock: timedelta, now: datetime, forget_after: timedelta | None = None) -> None:
        """A place among the key's attempts being checked; _Locked while the key is locked, _Busy after waiting
        WAIT_SECONDS for a place. Failures older than `forget_after` no longer count (an address shared by a staff
        room adds up typos)."""
        with self._changed:
            deadline = time.monotonic() + self.WAIT_SECONDS
            while True:
                count = self._items.pop(key, None) or _Count()
                self._items[key] = count
                while len(self._items) > self.SIZE:
                    self._items.popitem(last=False)
                if count.locked_until and count.locked_until > now:
                    raise _Locked(count.locked_until)
                stale = forget_after and count.since and now - count.since > forget_after
                if count.locked_until or stale:  # a lock that ended, or old failures: counting starts again
                    count.failures, count.locked_until, count.since = 0, None, None
                if count.failures + count.checking < limit:
                    count.checking += 1
                    return
                left = deadline - time.monotonic()
                if left <= 0:
                    raise _Busy()
                self._changed.wait(left)

    def forgive(self, key) -> None:
        """The attempt admitted was no failure (a right password, a refusal that checked none)."""
        with self._changed:
            count = self._items.get(key)
            if count:
                count.checking = max(count.checking - 1, 0)
            self._changed.notify_all()

    def failed(self, key, limit: int, lock: timedelta, now: datetime) -> int:
        """The attempt admitted was a failure: its number among the key's failures; the last one allowed locks."""
        with self._changed:
            count = self._items.pop(key, None) or _Count()
            self._items[key] = count
            count.checking = max(count.checking - 1, 0)
            count.failures += 1
            count.since = count.since or now
            if count.failures >= limit:
                count.locked_until = now + lock
            self._changed.notify_all()
            return count.failures

    def forget(self, db_key: str) -> None:
        """Every count kept for one database's sign-in."""
        with self._changed:
            for key in [k for k in self._items if k[0] == db_key]:
                del self._items[key]
            self._changed.notify_all()


_UNKNOWN_NAMES = Lockout()
_ADDRESSES = Lockout()


def forget_failures(db: Database) -> None:
    """Lift the blocks on client addresses (and the counts of unknown names): an administrator who set a
    password from the server's command line may have been blocked at their own machine."""
    _UNKNOWN_NAMES.forget(str(db.path))
    _ADDRESSES.forget(str(db.path))


@dataclass
class _Attempt:
    """One admitted sign-in: its failure number, the lock it sets if it is the last one allowed, and the
    account (none for a name no account has: the dummy hash is checked instead)."""
    failures: int
    locked_until: datetime | None
    user_id: int | None = None
    password_hash: str = _DUMMY_HASH
    role: str = ""
    member_id: int | None = None
    active: bool = False


def authenticate(db: Database, username: str, password: str, max_failures: int = 5,
                 lock_minutes: int = 15, sleep=time.sleep, now: datetime | None = None,
                 address: str | None = None, max_address_failures: int = 20) -> Actor:
    """Sign in, or one sentence that says no. Every attempt checks one password hash and every failure
    waits the same growing delay, whether the name exists or not; each failure and each lock is in the
    audit log. `address` is the client's: too many failures from it lock it, whatever names it tries."""
    now = now or datetime.now()
    name = (username or "").strip().lower()[:60]
    password = password or ""
    lock = timedelta(minutes=lock_minutes)
    place = (str(db.path), address or "máy chủ")
    # A refusal while locked checks no password: it says nothing about the name (known and unknown names
    # lock alike) and costs an attacker's flood no hashing.
    try:
        _ADDRESSES.admit(place, max_address_failures, lock, now, forget_after=lock)
    except _Locked as locked:
        raise InputError(f"Máy này đã đăng nhập sai quá nhiều lần nên tạm bị chặn; "
                         f"thử lại sau {locked.until:%H:%M}.") from None
    except _Busy:
        raise InputError(BUSY) from None
    try:
        attempt = db.write(lambda cur: _admit(cur, str(db.path), name, max_failures, lock, now))
    except (_Locked, _Busy) as refused:
        _ADDRESSES.forgive(place)  # refused before any password was checked: no failure of this address
        if isinstance(refused, _Busy):
            raise InputError(BUSY) from None
        raise InputError(f"Tài khoản tạm khóa do đăng nhập sai nhiều lần; thử lại sau {refused.until:%H:%M}.") from None
    except BaseException:
        _ADDRESSES.forgive(place)
        raise
    if _verify(attempt.password_hash, password) and attempt.user_id is not None:
        _ADDRESSES.forgive(place)
        return _signed_in(db, attempt, name)
    from_address = _ADDRESSES.failed(place, max_address_failures, lock, now)
    blocked = now + lock if from_address >= max_address_failures else None
    db.write(lambda cur: _audit_failure(cur, name, attempt, address or "máy chủ", blocked))
    sleep(login_delay(attempt.failures))
    raise InputError(WRONG)


def _admit(cur, db_key: str, name: str, limit: int, lock: timedelta, now: datetime) -> _Attempt:
    """Count this attempt as a failure before its password is checked, in the same transaction as the
    check of the lock: parallel guesses each see the ones before them, so no more than `limit` are ever
    checked. A name no account has is counted alike, in memory."""
    found = cur.execute("SELECT id, password_hash, role, member_id, active, failed_logins, locked_until"
                        " FROM users WHERE username = ?", [name]).fetchone()
    if not found:  # always a failure: counted at once, as an account's is in its row
        _UNKNOWN_NAMES.admit((db_key, name), limit, lock, now)
        failures = _UNKNOWN_NAMES.failed((db_key, name), limit, lock, now)
        return _Attempt(failures, now + lock if failures >= limit else None)
    user_id, pw_hash, role, member_id, active, failures, locked_until = found
    if locked_until and locked_until > now:
        raise _Locked(locked_until)
    failures = (0 if locked_until else failures) + 1  # a lock that has ended starts the count again
    locks = now + lock if failures >= limit else None
    cur.execute("UPDATE users SET failed_logins = ?, locked_until = ? WHERE id = ?", [failures, locks, user_id])
    return _Attempt(failures, locks, user_id, pw_hash, role, member_id, active)


def _signed_in(db: Database, attempt: _Attempt, name: str) -> Actor:
    """The right password: the attempt was no failure. A disabled account says so only now, to the one
    who knows its password."""
    db.write(lambda cur: cur.execute(
        "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?", [attempt.user_id]))
    if not attempt.active:
        raise InputError("Tài khoản đã bị vô hiệu hóa; hãy liên hệ quản trị viên.")
    return Actor(attempt.user_id, name, attempt.role, attempt.member_id)


def _audit_failure(cur, name: str, attempt: _Attempt, address: str, blocked: datetime | None) -> None:
    """A failed sign-in, the lock it set on the name and the block it set on the address, as the audit
    log's rows: the one who tried is not signed in, so the row names what they typed."""
    stranger = Actor(None, name or "(trống)", "trinh_chieu")
    tried = {"address": address, "failures": attempt.failures}
    audit.log(cur, stranger, "đăng nhập sai", "users", attempt.user_id, None, tried)
    if attempt.locked_until:
        audit.log(cur, stranger, "tạm khóa đăng nhập", "users", attempt.user_id, None,
                  {"address": address, "locked_until": attempt.locked_until})
    if blocked:
        audit.log(cur, stranger, "chặn máy đăng nhập sai", "users", None, None,
                  {"address": address, "blocked_until": blocked})


def _verify(pw_hash: str, password: str) -> bool:
    with HASHING:
        try:
            return _hasher.verify(pw_hash, password)
        except (VerificationError, InvalidHashError):
            return False


def _hash(password: str) -> str:
    with HASHING:
        return _hasher.hash(password)


@memoised
def actor_for(db: Database, user_id: int) -> Actor | None:
    """Rebuild the actor from the database, so a disabled account stops working at once."""
    found = db.one("SELECT username, role, member_id, active FROM users WHERE id = ?", [user_id])
    if not found or not found[3]:
        return None
    return Actor(user_id, found[0], found[1], found[2])
