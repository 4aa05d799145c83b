"""A password set from the command line while the app runs.

The app holds the database file, so `python -m chibo users set-password NAME` cannot open it then. It leaves a
request instead — the new password already hashed, in a folder beside the database that only the server's own
user may write — and the app applies it on its next page run (any page, the sign-in page included), lifting the
lock after failed sign-ins and the blocks on client addresses. Whoever can write that folder can replace the
database file itself, so a request is trusted as much as the command line is."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from chibo import auth
from chibo.db import Database
from chibo.errors import InputError
from chibo.permissions import SYSTEM

SUFFIX = ".password-requests"


def folder(db_path: Path) -> Path:
    """Where requests for this database wait: `data/chibo.duckdb.password-requests/`."""
    return Path(db_path).with_name(Path(db_path).name + SUFFIX)


def request(db_path: Path, username: str, password: str) -> Path:
    """Leave a request for the running app; the password is checked (as strictly as an administrator's:
    the role cannot be read while the app holds the file) and only its hash is written."""
    username = auth.check_username(username)
    body = json.dumps({"username": username, "password_hash": auth.new_password_hash(password)})
    where = folder(db_path)
    where.mkdir(mode=0o700, exist_ok=True)
    os.chmod(where, 0o700)
    target = where / f"{username}.json"
    partial = where / f".{username}.partial"
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(body)
    os.replace(partial, target)  # the app never sees half a request
    return target


def _trusted(path: Path) -> bool:
    """Written by the server's own user and by nobody else."""
    info = path.stat()
    return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def apply_pending(db: Database) -> list[str]:
    """Apply and remove every waiting request; the names whose password changed. Called on every page run:
    with no request waiting it costs one look at a folder that does not exist."""
    where = folder(db.path)
    if not where.is_dir() or not _trusted(where):
        return []
    applied = []
    for path in sorted(where.glob("*.json")):
        if not _trusted(path):
            continue
        try:
            wanted = json.loads(path.read_text(encoding="utf-8"))
            auth.set_password_hash(db, SYSTEM, wanted["username"], wanted["password_hash"])
            applied.append(wanted["username"])
        except (InputError, ValueError, KeyError, TypeError):
            pass  # no such account any more, or not a request: nothing to apply
        path.unlink(missing_ok=True)
    if applied:
        auth.forget_failures(db)
    return applied
