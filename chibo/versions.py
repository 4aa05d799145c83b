"""Optimistic concurrency for the edit forms: the version of the stored values a form was opened on, and the
check a save makes against what is stored now, inside its write transaction.

A version is a digest of the stored values themselves (no column to keep up to date, nothing to migrate): a
form built from other values than those stored now was opened before someone else's save. The save is then
refused with both values, unless it would write what is stored already; the user keeps theirs by saving again
against the version the refusal carries."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from chibo import audit
from chibo.errors import StaleEdit
from chibo.labels import missing, vn_date


@dataclass(frozen=True)
class Opened:
    """What an edit form shows, and the version of the stored values it was built from."""
    values: Any
    version: Any


def token(values) -> str:
    """The version of stored values as Python reads them from the database: equal values, equal version."""
    dumped = json.dumps(values, default=str, sort_keys=True, ensure_ascii=False)
    return hashlib.blake2b(dumped.encode("utf-8"), digest_size=10).hexdigest()


def opened(values) -> Opened:
    return Opened(values, token(values))


def check(cur, opened_version, stored: dict, yours: dict, *, what: str, labels: dict[str, str], entity: str,
          entity_id=None, setting: str | None = None, shown: Callable[[str, Any], str] | None = None,
          version=None) -> None:
    """Refuse a save whose form was opened on other values than `stored` (read in this transaction), when it
    would replace them with different ones. `version`: what is stored now, when not `token(stored)`.
    `opened_version` None: no form — the CLI, the demo, an import write what they mean."""
    version = token(stored) if version is None else version
    if opened_version is None or version == opened_version:
        return
    shown = shown or (lambda key, value: as_read(value))
    changes = [(labels.get(key, key), shown(key, stored.get(key)), shown(key, yours.get(key)))
               for key in yours if differs(stored.get(key), yours.get(key))]
    if not changes:
        return  # the save writes what is stored already: nobody's value is replaced
    refuse(cur, what, changes, version, entity, entity_id, setting)


def refuse(cur, what: str, changes: list[tuple[str, str, str]], version, entity: str, entity_id=None,
           setting: str | None = None) -> None:
    """Raise the refusal: who saved `what` and when (from the audit log), and each value twice."""
    raise StaleEdit(headline(audit.last_change(cur, entity, entity_id, setting), f"lưu {what}", "biểu mẫu này"),
                    version, changes)


def headline(found: tuple[str, datetime] | None, did: str, opened: str) -> str:
    """Who did what (audit.last_change) after the user opened `opened`: the first sentence of every refusal."""
    who = (f"Đồng chí {found[0]} đã {did} lúc {found[1]:%H:%M} ngày {found[1]:%d/%m/%Y},"
           if found else f"Đã có người {did}")
    return f"{who} sau khi đồng chí mở {opened}, nên chưa lưu gì."


def differs(stored, yours) -> bool:
    """Nothing and an empty text are the same answer in a form."""
    return _plain(stored) != _plain(yours)


def _plain(value):
    return "" if missing(value) else value


def as_read(value) -> str:
    """A stored value as the message shows it."""
    if value is None or value == "" or value == []:
        return "(trống)"
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, (date, datetime)):
        return vn_date(value)
    if isinstance(value, str):
        return f"«{value}»"
    return str(value)
