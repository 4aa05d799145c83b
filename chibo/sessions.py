"""Remembered sign-in: a random token the browser keeps in a cookie, stored here only as its SHA-256, with the
account it signs in, its day of expiry and its end (sign-out, a password change, a disabled account, an
administrator's «sign out everywhere»). Kept apart from auth so that auth can end sessions in its own transactions."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from chibo import audit
from chibo.db import Database
from chibo.errors import InputError
from chibo.permissions import Actor, require

COOKIE = "chibo_session"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(db: Database, user_id: int, days: int, now: datetime) -> str | None:
    """A new token for an account just signed in, valid `days` days; None when remembering is off (0)."""
    if days <= 0:
        return None
    token = secrets.token_urlsafe(32)
    db.write(lambda cur: cur.execute(
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_used) VALUES (?, ?, ?, ?, ?)",
        [_digest(token), user_id, now, now + timedelta(days=days), now]))
    return token


def user_for(db: Database, token: str | None, now: datetime) -> int | None:
    """The account a cookie's token signs in: none when it is unknown, ended or expired. A read only: a tab opened,
    a reload, a phone coming back writes nothing (a write would drop every session's kept reads)."""
    if not isinstance(token, str) or not token or len(token) > 200:
        return None
    found = db.one("SELECT user_id FROM sessions WHERE token_hash = ? AND revoked_at IS NULL AND expires_at > ?",
                   [_digest(token), now])
    return found[0] if found else None


def close(db: Database, token: str | None, now: datetime) -> None:
    """Sign-out: the token of this browser ends."""
    if token:
        db.write(lambda cur: cur.execute("UPDATE sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL",
                                         [now, _digest(token)]))


def end_all(cur, user_id: int, now: datetime | None = None) -> int:
    """Every open session of an account ends, in the caller's transaction (a password change, a disabled account);
    ended at `now`, else at the database's own time (the moment matters, not the day the app lives on)."""
    return len(cur.execute("UPDATE sessions SET revoked_at = coalesce(?, current_localtimestamp()) WHERE user_id = ?"
                           " AND revoked_at IS NULL RETURNING token_hash", [now, user_id]).fetchall())


def end_every(cur) -> None:
    """Every remembered sign-in of a database ends (a restored file: everyone signs in again)."""
    cur.execute("DELETE FROM sessions")


def sign_out_everywhere(db: Database, actor: Actor, username: str, now: datetime) -> int:
    """An administrator ends every remembered session of an account; how many ended."""
    require(actor, "manage_users")

    def work(cur):
        found = cur.execute("SELECT id FROM users WHERE username = ?", [username]).fetchone()
        if not found:
            raise InputError(f"Không có tài khoản «{username}».")
        ended = end_all(cur, found[0], now)
        audit.log(cur, actor, "đăng xuất mọi phiên", "users", found[0], None, {"sessions": ended})
        return ended
    return db.write(work)
