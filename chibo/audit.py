"""The audit log: who changed what, when, with the values before and after."""

import json
from datetime import datetime

import pandas as pd

from chibo import labels
from chibo.db import Database, memoised, registered
from chibo.permissions import SYSTEM, Actor, require


def _dump(values) -> str | None:
    if values is None:
        return None
    return json.dumps(values, ensure_ascii=False, default=str, sort_keys=True)


def log(cur, actor: Actor, action: str, entity: str, entity_id, before=None, after=None) -> None:
    """Record one change inside the caller's transaction, so it commits or rolls back with it."""
    cur.execute(
        "INSERT INTO audit_log (logged_at, user_id, username, action, entity, entity_id, before, after)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [datetime.now(), actor.user_id, actor.username, action, entity, entity_id,
         _dump(before), _dump(after)],
    )


def log_many(cur, actor: Actor, action: str, entity: str, changes: list[tuple]) -> None:
    """Record many changes of one kind, (entity_id, before, after) each, in one statement: an import of
    thousands of rows is audited row by row without holding the write lock for a statement per row."""
    now = datetime.now()
    frame = pd.DataFrame([{"logged_at": now, "user_id": actor.user_id, "username": actor.username, "action": action,
                           "entity": entity, "entity_id": entity_id, "before": _dump(before), "after": _dump(after)}
                          for entity_id, before, after in changes], dtype=object)
    with registered(cur, "audited", frame):
        cur.execute("INSERT INTO audit_log (logged_at, user_id, username, action, entity, entity_id, before, after)"
                    " SELECT logged_at, user_id, username, action, entity, entity_id, before, after FROM audited")


def row(cur, table: str, row_id) -> dict | None:
    """One row as a dict, read inside the transaction (for before/after values)."""
    result = cur.execute(f"SELECT * FROM {table} WHERE id = ?", [row_id])
    names = [d[0] for d in result.description]
    found = result.fetchone()
    return dict(zip(names, found)) if found else None


def entries(db: Database, actor: Actor, username: str = "", entity: str = "",
            since=None, until=None, limit: int = 500) -> pd.DataFrame:
    require(actor, "view_audit")
    shown = _SHOWN_NAME.format(username="CASE WHEN a.username = ? THEN 'Hệ thống' ELSE a.username END")
    sql = (f"SELECT a.logged_at AS \"Thời điểm\", {shown} AS \"Người dùng\", a.action AS \"Thao tác\","
           " a.entity AS \"Đối tượng\", a.entity_id AS \"Mã\", a.before AS \"Trước\", a.after AS \"Sau\""
           " FROM audit_log a LEFT JOIN users u ON u.id = a.user_id LEFT JOIN members m ON m.id = u.member_id"
           " WHERE 1=1")
    params: list = [SYSTEM.username]
    if username:
        sql += " AND a.username = ?"
        params.append(username)
    if entity:
        sql += " AND a.entity = ?"
        params.append(entity)
    if since:
        sql += " AND a.logged_at >= ?"
        params.append(since)
    if until:
        sql += " AND a.logged_at < ? + INTERVAL 1 DAY"
        params.append(until)
    sql += " ORDER BY a.id DESC LIMIT ?"
    params.append(limit)
    found = db.query(sql, params)
    found["Đối tượng"] = found["Đối tượng"].map(lambda e: labels.ENTITIES.get(e, e))
    for column in ("Trước", "Sau"):
        found[column] = found[column].map(readable)
    return found


def readable(stored: str | None) -> str:
    """A stored before/after value (JSON) as a line a person reads: «column: value; …» with codes as labels."""
    if labels.missing(stored):
        return ""
    try:
        values = json.loads(stored)
    except ValueError:
        return stored
    if isinstance(values, dict):
        return "; ".join(f"{labels.COLUMNS.get(k, k.replace('_', ' '))}: {labels.vn_value(v)}" for k, v in values.items()
                         if k not in ("created_at", "updated_at", "password_hash"))
    if isinstance(values, list):
        return "; ".join(labels.vn_value(v) for v in values)
    return labels.vn_value(values)


def entity_names(db: Database) -> list[str]:
    return [r[0] for r in db.rows("SELECT DISTINCT entity FROM audit_log ORDER BY 1")]


def count(db: Database) -> int:
    return db.scalar("SELECT count(*) FROM audit_log")


# How a person is named on screen (users u LEFT JOIN members m): their member name, else the account's display name.
_SHOWN_NAME = "coalesce(m.full_name, CASE WHEN u.display_name <> '' THEN u.display_name END, {username})"


def last_change(cur, entity: str, entity_id=None, setting: str | None = None) -> tuple[str, datetime] | None:
    """Who last changed a thing, by the name a colleague knows them by, and when; read in the caller's
    transaction. A setting (entity `settings`, no id) is found by its key."""
    sql = (f"SELECT {_SHOWN_NAME.format(username='a.username')}, a.logged_at FROM audit_log a"
           " LEFT JOIN users u ON u.id = a.user_id LEFT JOIN members m ON m.id = u.member_id"
           " WHERE a.entity = ? AND a.entity_id IS NOT DISTINCT FROM ?")
    params = [entity, entity_id]
    if setting is not None:
        sql += " AND json_extract_string(a.after, '$.key') = ?"
        params.append(setting)
    return cur.execute(sql + " ORDER BY a.id DESC LIMIT 1", params).fetchone()


@memoised
def shown_names(db: Database) -> dict[str, str]:
    """How the person behind each account is named on screen: the member's name, else the account's display name;
    what chibo did by itself (the demo, the command line) «hệ thống». Screens never show a bare username."""
    rows = db.rows(f"SELECT u.username, {_SHOWN_NAME.format(username='u.username')}"
                   " FROM users u LEFT JOIN members m ON m.id = u.member_id")
    return {SYSTEM.username: "hệ thống"} | dict(rows)
