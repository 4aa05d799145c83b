"""Members (đảng viên) and the school's units (đoàn thể, tổ chuyên môn ...)."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from typing import Any

import pandas as pd

from chibo import audit, validate, versions
from chibo.db import Database, memoised, registered
from chibo.errors import InputError
from chibo.labels import GENDERS, MEMBER_STATUSES, MEMBERSHIP, PARTY_ROLES, UNIT_KINDS
from chibo.permissions import Actor, require

# Spreadsheet columns of the import template, in order: Vietnamese header -> field.
IMPORT_COLUMNS = {
    "Họ và tên": "full_name",
    "Giới tính": "gender",
    "Năm sinh": "birth_year",
    "Loại đảng viên": "membership",
    "Chức vụ Đảng": "party_role",
    "Chức vụ chuyên môn": "job_title",
    "Đơn vị": "unit",
    "Ngày vào Đảng": "joined_on",
}


# -- units --------------------------------------------------------------------
def units(db: Database, active_only: bool = False) -> pd.DataFrame:
    sql = ("SELECT u.id, u.name, u.kind, u.sub_plan, u.active,"
           " (SELECT count(*) FROM members m WHERE m.unit_id = u.id AND m.status <> 'inactive') AS members"
           " FROM units u")
    if active_only:
        sql += " WHERE u.active"
    return db.query(sql + " ORDER BY u.kind = 'to_chuyen_mon', u.name")


@memoised
def unit_choices(db: Database) -> dict[int, str]:
    return dict(db.rows("SELECT id, name FROM units WHERE active ORDER BY name"))


def _clean_unit(name, kind, sub_plan) -> dict:
    return {
        "name": validate.name(name, "Tên đơn vị"),
        "kind": validate.choice(kind, UNIT_KINDS, "Loại đơn vị"),
        "sub_plan": validate.long_text(sub_plan, "Kế hoạch của đơn vị"),
    }


def add_unit(db: Database, actor: Actor, name: str, kind: str, sub_plan: str = "") -> int:
    require(actor, "edit_members")
    values = _clean_unit(name, kind, sub_plan)

    def work(cur):
        if cur.execute("SELECT count(*) FROM units WHERE lower(name) = lower(?)", [values["name"]]).fetchone()[0]:
            raise InputError(f"Đã có đơn vị «{values['name']}».")
        unit_id = cur.execute("INSERT INTO units (name, kind, sub_plan) VALUES (?, ?, ?) RETURNING id",
                              list(values.values())).fetchone()[0]
        audit.log(cur, actor, "thêm đơn vị", "units", unit_id, None, values)
        return unit_id
    return db.write(work)


def update_unit(db: Database, actor: Actor, unit_id: int, name: str, kind: str, sub_plan: str,
                active: bool = True) -> None:
    require(actor, "edit_members")
    values = _clean_unit(name, kind, sub_plan) | {"active": bool(active)}

    def work(cur):
        before = audit.row(cur, "units", unit_id)
        if not before:
            raise InputError("Không tìm thấy đơn vị.")
        clash = cur.execute("SELECT count(*) FROM units WHERE lower(name) = lower(?) AND id <> ?",
                            [values["name"], unit_id]).fetchone()[0]
        if clash:
            raise InputError(f"Đã có đơn vị «{values['name']}».")
        cur.execute("UPDATE units SET name=?, kind=?, sub_plan=?, active=? WHERE id=?",
                    [*values.values(), unit_id])
        audit.log(cur, actor, "sửa đơn vị", "units", unit_id, before, values)
    db.write(work)


def delete_unit(db: Database, actor: Actor, unit_id: int) -> None:
    """Refused while members or tasks still name the unit: deactivate it instead."""
    require(actor, "edit_members")

    def work(cur):
        before = audit.row(cur, "units", unit_id)
        if not before:
            raise InputError("Không tìm thấy đơn vị.")
        used = cur.execute(
            "SELECT (SELECT count(*) FROM members WHERE unit_id = ?) + (SELECT count(*) FROM tasks"
            " WHERE lead_unit_id = ?) + (SELECT count(*) FROM task_partners WHERE unit_id = ?)"
            " + (SELECT count(*) FROM measures WHERE lead_unit_id = ?)",
            [unit_id] * 4).fetchone()[0]
        if used:
            raise InputError(f"Không thể xóa «{before['name']}»: còn đảng viên hoặc nhiệm vụ gắn với đơn vị"
                             " này. Hãy chuyển sang «ngừng hoạt động».")
        cur.execute("DELETE FROM units WHERE id = ?", [unit_id])
        audit.log(cur, actor, "xóa đơn vị", "units", unit_id, before, None)
    db.write(work)


# -- members ------------------------------------------------------------------
def members(db: Database, include_inactive: bool = False) -> pd.DataFrame:
    sql = ("SELECT m.id, m.full_name, m.gender, m.birth_year, m.membership, m.party_role, m.job_title,"
           " m.unit_id, u.name AS unit, m.joined_on, m.status FROM members m"
           " LEFT JOIN units u ON u.id = m.unit_id")
    if not include_inactive:
        sql += " WHERE m.status <> 'inactive'"
    return db.query(sql + " ORDER BY CASE m.party_role WHEN 'bi_thu' THEN 0 WHEN 'pho_bi_thu' THEN 1"
                          " WHEN 'chi_uy_vien' THEN 2 ELSE 3 END, m.full_name")


@memoised
def member_choices(db: Database, active_only: bool = True) -> dict[int, str]:
    where = " WHERE status = 'active'" if active_only else ""
    return dict(db.rows(f"SELECT id, full_name FROM members{where} ORDER BY full_name COLLATE vi"))


def committee(db: Database) -> pd.DataFrame:
    return db.query("SELECT id, full_name, party_role FROM members WHERE party_role <> 'dang_vien'"
                    " AND status <> 'inactive' ORDER BY CASE party_role WHEN 'bi_thu' THEN 0"
                    " WHEN 'pho_bi_thu' THEN 1 ELSE 2 END, full_name")


def counts(db: Database) -> dict:
    row = db.one("SELECT count(*) FILTER (WHERE status <> 'inactive'),"
                 " count(*) FILTER (WHERE status <> 'inactive' AND membership = 'chinh_thuc'),"
                 " count(*) FILTER (WHERE status <> 'inactive' AND membership = 'du_bi'),"
                 " count(*) FILTER (WHERE status = 'exempt') FROM members")
    return dict(zip(["total", "full", "probationary", "exempt"], row))


def clean_member(values: dict, today: date, unit_ids_by_name: dict[str, int] | None = None) -> dict:
    """Validate one member's fields (from a form or a spreadsheet row): every wrong field is named at once, so a
    spreadsheet row is mended in one go."""
    problems: list[str] = []

    def checked(check: Callable[[], Any]) -> Any:
        try:
            return check()
        except InputError as exc:
            problems.append(exc.message)
            return None

    joined = checked(lambda: _joined_on(values, today))
    birth_year = checked(lambda: validate.integer(values.get("birth_year"), "Năm sinh", 1930, today.year - 18))
    if joined and birth_year and joined.year < birth_year + 18:
        problems.append("Ngày vào Đảng phải sau khi đủ 18 tuổi.")
    cleaned = {
        "full_name": checked(lambda: validate.name(values.get("full_name"), "Họ và tên", max_len=80)),
        "gender": checked(lambda: validate.choice(values.get("gender"), GENDERS, "Giới tính")),
        "birth_year": birth_year,
        "membership": checked(lambda: validate.choice(values.get("membership") or "chinh_thuc", MEMBERSHIP,
                                                      "Loại đảng viên")),
        "party_role": checked(lambda: validate.choice(values.get("party_role") or "dang_vien", PARTY_ROLES,
                                                      "Chức vụ Đảng")),
        "job_title": checked(lambda: validate.name(values.get("job_title"), "Chức vụ chuyên môn", required=False)),
        "unit_id": checked(lambda: validate.optional_id(_unit_of(values, unit_ids_by_name))),
        "joined_on": joined,
        "status": checked(lambda: validate.choice(values.get("status") or "active", MEMBER_STATUSES, "Tình trạng")),
    }
    if problems:
        raise InputError(" ".join(problems))
    return cleaned


def _unit_of(values: dict, unit_ids_by_name: dict[str, int] | None):
    """A form gives the unit's id; a spreadsheet its name, looked up among the cell's units."""
    if unit_ids_by_name is None or not values.get("unit"):
        return values.get("unit_id")
    name = str(values["unit"]).strip().lower()
    if name not in unit_ids_by_name:
        raise InputError(f"Không có đơn vị «{values['unit']}» trong danh sách đơn vị.")
    return unit_ids_by_name[name]


def _joined_on(values: dict, today: date):
    joined = validate.a_date(values.get("joined_on"), "Ngày vào Đảng", required=False)
    if joined and joined > today:
        raise InputError("Ngày vào Đảng không thể ở tương lai.")
    return joined


def _check_duplicate(cur, values: dict, member_id: int | None = None) -> None:
    _raise_first(_name_clashes(cur, [values], [member_id]))


def _check_single_secretary(cur, values: dict, member_id: int | None = None) -> None:
    _raise_first(_office_clashes(cur, [values], [member_id]))


def _raise_first(clashes: dict[int, str]) -> None:
    if clashes:
        raise InputError(next(iter(clashes.values())))


def _incoming(rows: list[dict], ids: list[int | None]) -> pd.DataFrame:
    """`rows` as a frame (pos, member_id, the fields) for the rules below; `member_id` is the member being
    saved (-1 for a new one), so a member never clashes with itself."""
    return pd.DataFrame([{"pos": pos, "member_id": -1 if ids[pos] is None else ids[pos], **row}
                         for pos, row in enumerate(rows)], dtype=object)


def _name_clashes(cur, rows: list[dict], ids: list[int | None]) -> dict[int, str]:
    """Which of `rows` would be a second member of the same name and birth year; one query however many rows
    (the rows among themselves are compared by the import, before)."""
    with registered(cur, "incoming", _incoming(rows, ids)):
        found = cur.execute(
            "SELECT i.pos, i.full_name, i.birth_year FROM incoming i JOIN members m ON lower(m.full_name) ="
            " lower(i.full_name) AND m.birth_year = i.birth_year AND m.id <> i.member_id ORDER BY i.pos").fetchall()
    return {pos: f"Đã có đảng viên «{name}» sinh năm {year}." for pos, name, year in found}


def _office_clashes(cur, rows: list[dict], ids: list[int | None]) -> dict[int, str]:
    """Which of `rows` would be a second secretary (or deputy) still in the cell: one already on file, or
    an earlier row of the same batch."""
    with registered(cur, "incoming", _incoming(rows, ids)):
        found = cur.execute(
            "SELECT i.pos, i.party_role, coalesce("
            " (SELECT min(m.full_name) FROM members m WHERE m.party_role = i.party_role AND m.status <> 'inactive'"
            "  AND m.id <> i.member_id),"
            " (SELECT min(e.full_name) FROM incoming e WHERE e.party_role = i.party_role AND e.status <> 'inactive'"
            "  AND e.pos < i.pos)) AS holder"
            " FROM incoming i WHERE i.party_role IN ('bi_thu', 'pho_bi_thu') AND holder IS NOT NULL"
            " ORDER BY i.pos").fetchall()
    return {pos: f"Chi bộ đã có {PARTY_ROLES[role]} là {holder}; hãy đổi chức vụ người đó trước."
            for pos, role, holder in found}


def _insert_member(cur, actor: Actor, values: dict) -> int:
    validate.existing_id(cur, "units", values["unit_id"])
    _check_duplicate(cur, values)
    _check_single_secretary(cur, values)
    return _insert_members(cur, actor, [values])[0]


def _insert_members(cur, actor: Actor, rows: list[dict]) -> list[int]:
    """Insert members already checked, each audited: a few statements whatever their number, so an import
    of thousands holds the write lock for a moment, not for a statement per row."""
    ids = [r[0] for r in cur.execute("SELECT nextval('seq_id') FROM range(?) ORDER BY ALL", [len(rows)]).fetchall()]
    with registered(cur, "new_members", pd.DataFrame([{"id": i, **row} for i, row in zip(ids, rows)], dtype=object)):
        cur.execute("INSERT INTO members (id, full_name, gender, birth_year, membership, party_role, job_title,"
                    " unit_id, joined_on, status) SELECT id, full_name, gender, birth_year, membership, party_role,"
                    " job_title, unit_id, joined_on, status FROM new_members")
    audit.log_many(cur, actor, "thêm đảng viên", "members", [(i, None, row) for i, row in zip(ids, rows)])
    return ids


def add_member(db: Database, actor: Actor, *, today: date, **fields) -> int:
    require(actor, "edit_members")
    values = clean_member(fields, today)
    return db.write(lambda cur: _insert_member(cur, actor, values))


MEMBER_LABELS = {"full_name": "Họ và tên", "gender": "Giới tính", "birth_year": "Năm sinh",
                 "membership": "Loại đảng viên", "party_role": "Chức vụ Đảng", "job_title": "Chức vụ chuyên môn",
                 "unit_id": "Đơn vị", "joined_on": "Ngày vào Đảng", "status": "Tình trạng"}
_CODES = {"gender": GENDERS, "membership": MEMBERSHIP, "party_role": PARTY_ROLES, "status": MEMBER_STATUSES}


def _member_of(row: dict) -> dict:
    return {key: row[key] for key in MEMBER_LABELS}


def member_form(db: Database, member_id: int | None) -> versions.Opened:
    """What a member's form is opened on: their fields as stored; a new member (None): nothing stored."""
    if member_id is None:
        return versions.Opened({}, None)
    found = db.records("SELECT * FROM members WHERE id = ?", [int(member_id)])
    if not found:
        raise InputError("Không tìm thấy đảng viên.")
    return versions.opened(_member_of(found[0]))


def _unit_name(cur, unit_id) -> str:
    found = cur.execute("SELECT name FROM units WHERE id = ?", [unit_id]).fetchone() if unit_id else None
    return found[0] if found else "(trống)"


def update_member(db: Database, actor: Actor, member_id: int, *, today: date, opened: str | None = None,
                  **fields) -> None:
    """A member's fields. `opened`: the version their form was opened on (member_form); other values saved since
    refuse the save (StaleEdit)."""
    require(actor, "edit_members")
    values = clean_member(fields, today)

    def work(cur):
        before = audit.row(cur, "members", member_id)
        if not before:
            raise InputError("Không tìm thấy đảng viên.")
        validate.existing_id(cur, "units", values["unit_id"])
        versions.check(cur, opened, _member_of(before), values, what=f"hồ sơ đảng viên {before['full_name']}",
                       labels=MEMBER_LABELS, entity="members", entity_id=member_id,  # shown only on a refusal:
                       shown=lambda key, value: _unit_name(cur, value) if key == "unit_id"
                       else _CODES[key].get(value, value) if key in _CODES else versions.as_read(value))
        _check_duplicate(cur, values, member_id)
        _check_single_secretary(cur, values, member_id)
        cur.execute("UPDATE members SET full_name=?, gender=?, birth_year=?, membership=?, party_role=?,"
                    " job_title=?, unit_id=?, joined_on=?, status=? WHERE id = ?",
                    [*values.values(), member_id])
        audit.log(cur, actor, "sửa đảng viên", "members", member_id, before, values)
    db.write(work)


def set_member_status(db: Database, actor: Actor, member_id: int, status: str) -> None:
    """Deactivate (chuyển đi), exempt or reactivate: members are never deleted, their history stays."""
    require(actor, "edit_members")
    status = validate.choice(status, MEMBER_STATUSES, "Tình trạng")

    def work(cur):
        before = audit.row(cur, "members", member_id)
        if not before:
            raise InputError("Không tìm thấy đảng viên.")
        cur.execute("UPDATE members SET status = ? WHERE id = ?", [status, member_id])
        audit.log(cur, actor, "đổi tình trạng đảng viên", "members", member_id,
                  {"status": before["status"]}, {"status": status})
    db.write(work)


# -- spreadsheet import -------------------------------------------------------
def import_template() -> bytes:
    """An .xlsx with the expected headers and one example row."""
    example = {"Họ và tên": "Nguyễn Văn An", "Giới tính": "Nam", "Năm sinh": 1985,
               "Loại đảng viên": "Chính thức", "Chức vụ Đảng": "Đảng viên", "Chức vụ chuyên môn": "Giáo viên",
               "Đơn vị": "Tổ 1", "Ngày vào Đảng": "15/05/2010"}
    buffer = io.BytesIO()
    pd.DataFrame([example], columns=list(IMPORT_COLUMNS)).to_excel(buffer, index=False)
    return buffer.getvalue()


def read_sheet(data: bytes, filename: str) -> pd.DataFrame:
    """The sheet as text, its headers matched to the template's whatever their spaces, case or Unicode form
    (a Mac sends them decomposed); a formula cell reads as the value the spreadsheet last computed."""
    try:
        if filename.lower().endswith(".csv"):
            sheet = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig")
        else:
            sheet = pd.read_excel(io.BytesIO(data), dtype=str, keep_default_na=False, engine="openpyxl",
                                  engine_kwargs={"data_only": True})
    except Exception:  # any parser failure means the same thing to the user
        raise InputError("Không đọc được tệp: hãy dùng tệp .xlsx hoặc .csv (UTF-8) theo mẫu.") from None
    sheet = sheet.rename(columns=lambda header: _TEMPLATE_HEADERS.get(_header_key(header), header))
    missing = [c for c in ("Họ và tên", "Giới tính", "Năm sinh") if c not in sheet.columns]
    if missing:
        raise InputError(f"Tệp thiếu cột: {', '.join(missing)}. Hãy tải mẫu và điền theo mẫu.")
    return sheet


def _header_key(header) -> str:
    return " ".join(validate.clean(header).split()).lower()


_TEMPLATE_HEADERS = {_header_key(header): header for header in IMPORT_COLUMNS}

# A file of thousands of bad rows is refused with the first errors and how many there are, not with all of them.
SHOWN_ERRORS = 50


def _refused(errors: list[str]) -> InputError:
    more = f"\n… và {len(errors) - SHOWN_ERRORS} dòng lỗi khác." if len(errors) > SHOWN_ERRORS else ""
    return InputError(f"Không nhập dòng nào vì có lỗi ở {len(errors)} dòng:\n"
                      + "\n".join(errors[:SHOWN_ERRORS]) + more)


def import_members(db: Database, actor: Actor, data: bytes, filename: str, today: date, progress=None) -> int:
    """Import every row or none: all errors are reported together, with their row numbers. The sheet is read
    and checked before the write; the write itself, its checks against the members on file included, is one
    short transaction, so other users' saves do not wait for a long import."""
    require(actor, "edit_members")
    sheet = read_sheet(data, filename)
    cleaned = _clean_sheet(sheet, today, {name.lower(): uid for uid, name in unit_choices(db).items()}, progress)
    rows = [values for _, values in cleaned]

    def work(cur):
        clashes = _name_clashes(cur, rows, [None] * len(rows)) | _office_clashes(cur, rows, [None] * len(rows))
        if clashes:
            raise _refused([f"Dòng {cleaned[pos][0]}: {clashes[pos]}" for pos in sorted(clashes)])
        _insert_members(cur, actor, rows)
        return len(rows)
    imported = db.write(work)
    if progress:
        progress(1.0)
    return imported


def _clean_sheet(sheet: pd.DataFrame, today: date, unit_ids: dict[str, int], progress=None) -> list[tuple[int, dict]]:
    """(spreadsheet row number, clean values) of every filled row, or one InputError naming every bad row."""
    cleaned, errors, seen = [], [], set()
    step = max(len(sheet) // 100, 1)  # a hundred progress updates at most: each one is a message to the browser
    for index, raw in enumerate(sheet.to_dict("records")):
        row_number = index + 2  # the header is row 1 in the spreadsheet
        fields = {IMPORT_COLUMNS[k]: v for k, v in raw.items() if k in IMPORT_COLUMNS}
        if not any(str(v).strip() for v in fields.values()):
            continue
        try:
            values = clean_member(fields, today, unit_ids)
            key = (values["full_name"].lower(), values["birth_year"])
            if key in seen:
                raise InputError(f"«{values['full_name']}» xuất hiện hai lần trong tệp.")
            seen.add(key)
            cleaned.append((row_number, values))
        except InputError as exc:
            errors.append(f"Dòng {row_number}: {exc.message}")
        if progress and (index + 1) % step == 0:
            progress((index + 1) / max(len(sheet), 1) / 2)
    if errors:
        raise _refused(errors)
    if not cleaned:
        raise InputError("Tệp không có dòng dữ liệu nào.")
    return cleaned
