"""The cell's profile, its terms, and settings stored as JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from chibo import audit, validate, versions
from chibo.db import Database, memoised
from chibo.errors import InputError
from chibo.permissions import Actor, require


@dataclass(frozen=True)
class Cell:
    name: str
    superior_name: str
    superior_committee: str
    place_name: str
    code: str
    meeting_day: int


@dataclass(frozen=True)
class Term:
    id: int
    name: str
    start_date: date
    end_date: date


@memoised
def get(db: Database) -> Cell | None:
    found = db.one("SELECT name, superior_name, superior_committee, place_name, code, meeting_day FROM cell")
    return Cell(*found) if found else None


def exists(db: Database) -> bool:
    return get(db) is not None


def _clean_profile(name, superior_name, superior_committee, place_name, meeting_day) -> dict:
    return {
        "name": validate.text(name, "Tên chi bộ"),
        "superior_name": validate.text(superior_name, "Tên đảng bộ cấp trên"),
        "superior_committee": validate.text(superior_committee, "Tên đảng ủy cấp trên"),
        "place_name": validate.text(place_name, "Địa danh ghi ngày tháng", max_len=60),
        "meeting_day": validate.integer(meeting_day, "Ngày sinh hoạt chi bộ hằng tháng", 1, 28),
    }


PROFILE_LABELS = {"name": "Tên chi bộ", "superior_name": "Đảng bộ cấp trên", "superior_committee": "Đảng ủy nhận báo cáo",
                  "place_name": "Địa danh ghi ngày tháng", "meeting_day": "Ngày sinh hoạt chi bộ hằng tháng",
                  "standing_duties": "Nhiệm vụ thường xuyên"}
_PROFILE_SQL = ("SELECT c.name, c.superior_name, c.superior_committee, c.place_name, c.meeting_day, s.value"
                " FROM (SELECT 1 AS id) one LEFT JOIN cell c ON c.id = one.id"
                " LEFT JOIN settings s ON s.key = 'standing_duties'")


def _profile_of(found: tuple) -> dict:
    """The profile as stored, standing duties as stored (absent: None), for the form's version."""
    return dict(zip(PROFILE_LABELS, found))


def profile_form(db: Database, default_duties: list[str]) -> versions.Opened:
    """What the profile form is opened on: the profile, and the standing duties (`default_duties` when none saved)."""
    stored = _profile_of(db.one(_PROFILE_SQL))
    shown = stored | {"standing_duties": json.loads(stored["standing_duties"]) if stored["standing_duties"]
                      else default_duties}
    return versions.Opened(shown, versions.token(stored))


def save_profile(db: Database, actor: Actor, name: str, superior_name: str, superior_committee: str,
                 place_name: str, meeting_day: int = 3, standing_duties: list[str] | None = None,
                 opened: str | None = None) -> None:
    """The cell's profile (and its standing duties, when given). `opened`: the version its form was opened on
    (profile_form); a profile saved since with other values refuses the save (StaleEdit)."""
    require(actor, "settings")
    values = _clean_profile(name, superior_name, superior_committee, place_name, meeting_day)
    duties = None
    if standing_duties is not None:
        duties = [validate.text(line, "Nhiệm vụ thường xuyên", max_len=500) for line in standing_duties if line.strip()]

    def work(cur):
        stored = _profile_of(cur.execute(_PROFILE_SQL).fetchone())
        yours = values | ({} if duties is None else {"standing_duties": duties})
        comparable = stored | {"standing_duties": json.loads(stored["standing_duties"] or "null")}
        versions.check(cur, opened, comparable, yours, what="hồ sơ chi bộ", labels=PROFILE_LABELS, entity="cell",
                       entity_id=1, version=versions.token(stored), shown=_profile_shown)
        before = audit.row(cur, "cell", 1)
        if before:
            cur.execute("UPDATE cell SET name=?, superior_name=?, superior_committee=?, place_name=?,"
                        " meeting_day=? WHERE id = 1", list(values.values()))
        else:
            cur.execute("INSERT INTO cell (id, name, superior_name, superior_committee, place_name,"
                        " meeting_day) VALUES (1, ?, ?, ?, ?, ?)", list(values.values()))
        audit.log(cur, actor, "cập nhật hồ sơ chi bộ" if before else "tạo hồ sơ chi bộ", "cell", 1,
                  before, values)
        if duties is not None:
            _put_setting(cur, actor, "standing_duties", duties)
    db.write(work)


def _profile_shown(key: str, value) -> str:
    if key == "standing_duties" and isinstance(value, list):
        return " / ".join(value) or "(trống)"
    return versions.as_read(value)


def create(db: Database, actor: Actor, name, superior_name, superior_committee, place_name,
           meeting_day, term_name, term_start, term_end) -> int:
    """First start: the cell profile and its current term, in one transaction."""
    require(actor, "settings")
    values = _clean_profile(name, superior_name, superior_committee, place_name, meeting_day)
    term = _clean_term(term_name, term_start, term_end)

    def work(cur):
        if cur.execute("SELECT count(*) FROM cell").fetchone()[0]:
            raise InputError("Chi bộ đã có hồ sơ; hãy sửa trong mục Cài đặt.")
        cur.execute("INSERT INTO cell (id, name, superior_name, superior_committee, place_name,"
                    " meeting_day) VALUES (1, ?, ?, ?, ?, ?)", list(values.values()))
        audit.log(cur, actor, "tạo hồ sơ chi bộ", "cell", 1, None, values)
        return _insert_term(cur, actor, term)
    return db.write(work)


def _clean_term(name, start, end) -> dict:
    start = validate.a_date(start, "Ngày bắt đầu nhiệm kỳ")
    end = validate.a_date(end, "Ngày kết thúc nhiệm kỳ")
    validate.date_order(start, end, "ngày bắt đầu nhiệm kỳ", "Ngày kết thúc nhiệm kỳ")
    if end == start:
        raise InputError("Nhiệm kỳ phải dài hơn một ngày.")
    if (end - start).days > 6 * 366:
        raise InputError("Nhiệm kỳ không thể dài quá 6 năm.")
    default_name = f"Nhiệm kỳ {start.year}–{end.year}"
    return {"name": validate.text(name or default_name, "Tên nhiệm kỳ"), "start_date": start, "end_date": end}


def _insert_term(cur, actor, term: dict) -> int:
    overlap = cur.execute("SELECT name FROM terms WHERE start_date <= ? AND end_date >= ?",
                          [term["end_date"], term["start_date"]]).fetchone()
    if overlap:
        raise InputError(f"Nhiệm kỳ mới trùng thời gian với «{overlap[0]}».")
    term_id = cur.execute("INSERT INTO terms (name, start_date, end_date) VALUES (?, ?, ?) RETURNING id",
                          [term["name"], term["start_date"], term["end_date"]]).fetchone()[0]
    audit.log(cur, actor, "thêm nhiệm kỳ", "terms", term_id, None, term)
    return term_id


def add_term(db: Database, actor: Actor, name: str, start, end) -> int:
    require(actor, "settings")
    term = _clean_term(name, start, end)
    return db.write(lambda cur: _insert_term(cur, actor, term))


def terms(db: Database) -> list[Term]:
    return [Term(*r) for r in db.rows("SELECT id, name, start_date, end_date FROM terms ORDER BY start_date")]


def term_for(db: Database, day: date) -> Term | None:
    found = db.one("SELECT id, name, start_date, end_date FROM terms WHERE ? BETWEEN start_date AND end_date",
                   [day])
    return Term(*found) if found else None


def current_term(db: Database, today: date) -> Term | None:
    """The term that holds today, else the latest one."""
    found = term_for(db, today)
    if found:
        return found
    every = terms(db)
    return every[-1] if every else None


# -- settings ---------------------------------------------------------------
def setting(db: Database, key: str, default=None):
    raw = db.scalar("SELECT value FROM settings WHERE key = ?", [key])
    return json.loads(raw) if raw is not None else default


def setting_form(db: Database, key: str, default=None) -> versions.Opened:
    """What a form of one setting is opened on: its value (`default` when none saved); the version is of what is
    stored."""
    raw = db.scalar("SELECT value FROM settings WHERE key = ?", [key])
    return versions.Opened(json.loads(raw) if raw is not None else default, versions.token(raw))


def save_setting(db: Database, actor: Actor, key: str, value, opened: str | None = None,
                 labels: dict[str, str] | None = None, what: str = "cài đặt này") -> None:
    """One setting. `opened`: the version its form was opened on (setting_form); a value saved since refuses
    the save (StaleEdit; a setting holding a dict is compared item by item, named by `labels`)."""
    require(actor, "settings")
    db.write(lambda cur: _put_setting(cur, actor, key, value, opened, labels or {}, what))


def _item_read(item) -> str:
    """An item of a list setting as a person reads it: a [key, title] pair by its title."""
    return str(item[-1]) if isinstance(item, list) and item else str(item)


def _put_setting(cur, actor: Actor, key: str, value, opened: str | None = None, labels: dict | None = None,
                 what: str = "cài đặt này") -> None:
    dumped = json.dumps(value, ensure_ascii=False, sort_keys=True)
    before = cur.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    if opened is not None:
        raw = before[0] if before else None
        stored = json.loads(raw) if raw is not None else None
        by_item = isinstance(value, dict) and isinstance(stored, dict)
        yours = {item: value.get(item) for item in {*stored, *value}} if by_item else {key: value}
        versions.check(cur, opened, stored if by_item else {key: stored}, yours,
                       what=what, labels=labels or {}, entity="settings", setting=key, version=versions.token(raw),
                       shown=lambda _, shown: " / ".join(_item_read(item) for item in shown) if isinstance(shown, list)
                       else versions.as_read(shown))
    cur.execute("INSERT INTO settings VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [key, dumped])
    audit.log(cur, actor, "đổi cài đặt", "settings", None,
              {"key": key, "value": before[0] if before else None}, {"key": key, "value": dumped})
