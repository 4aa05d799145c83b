"""The cell's profile, its terms, and settings stored as JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from chibo import audit, validate
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


def save_profile(db: Database, actor: Actor, name: str, superior_name: str, superior_committee: str,
                 place_name: str, meeting_day: int = 3, standing_duties: list[str] | None = None) -> None:
    require(actor, "settings")
    values = _clean_profile(name, superior_name, superior_committee, place_name, meeting_day)
    duties = None
    if standing_duties is not None:
        duties = [validate.text(line, "Nhiệm vụ thường xuyên", max_len=500) for line in standing_duties if line.strip()]

    def work(cur):
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


def save_setting(db: Database, actor: Actor, key: str, value) -> None:
    require(actor, "settings")
    db.write(lambda cur: _put_setting(cur, actor, key, value))


def _put_setting(cur, actor: Actor, key: str, value) -> None:
    dumped = json.dumps(value, ensure_ascii=False, sort_keys=True)
    before = cur.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    cur.execute("INSERT INTO settings VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [key, dumped])
    audit.log(cur, actor, "đổi cài đặt", "settings", None,
              {"key": key, "value": before[0] if before else None}, {"key": key, "value": dumped})
