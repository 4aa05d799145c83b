"""Documents and their lifecycle: the action program, the monthly resolution,
numbering per kind and term, bases, and the task table of a month."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

import pandas as pd

from chibo import audit, cell, members, validate
from chibo.auth import Actor, require
from chibo.db import Database, memoised
from chibo.errors import InputError
from chibo.labels import BASE_KINDS, CHANNELS, DOC_KINDS, DOC_STATUSES, DOC_TYPE_CODES, FIELDS, missing

LIFECYCLE = ["draft", "agreed", "adopted", "in_progress", "evaluated"]
LOCKED = {"adopted", "in_progress", "evaluated"}

DEFAULT_STANDING_DUTIES = [
    "Lãnh đạo thực hiện nhiệm vụ giáo dục của nhà trường.",
    "Lãnh đạo công tác chính trị, tư tưởng trong cán bộ, giáo viên, nhân viên.",
    "Lãnh đạo công tác tổ chức, cán bộ.",
    "Lãnh đạo Công đoàn, Đoàn Thanh niên, Đội Thiếu niên trong nhà trường.",
    "Xây dựng tổ chức đảng trong sạch, vững mạnh.",
]

# The sections an action program holds (Hướng dẫn xây dựng chương trình hành động).
PROGRAM_SECTIONS = {
    "gioi_thieu": ("Giới thiệu", "Chương trình hành động thực hiện Nghị quyết Đại hội Chi bộ nhiệm kỳ {term}, "
                   "nhằm cụ thể hóa các mục tiêu, chỉ tiêu của Nghị quyết thành nhiệm vụ, giải pháp, "
                   "phân công rõ người, rõ việc, rõ thời gian."),
    "muc_tieu": ("Mục tiêu và kết quả mong đợi", "Các mục tiêu và chỉ tiêu cụ thể được nêu trong bảng chỉ tiêu."),
    "giai_phap": ("Nhiệm vụ, giải pháp", "Các giải pháp theo từng lĩnh vực được nêu trong bảng giải pháp."),
    "phan_cong": ("Phân công thực hiện", "Chi ủy phân công đồng chí phụ trách từng giải pháp; các đoàn thể, "
                  "tổ chuyên môn xây dựng kế hoạch cụ thể của đơn vị."),
    "tien_do": ("Tiến độ thực hiện", "Thực hiện theo lộ trình từng năm học; mốc thời gian ghi tại bảng giải pháp."),
    "theo_doi": ("Theo dõi, giám sát", "Chỉ số theo dõi là các chỉ tiêu đã nêu; kết quả được cập nhật hằng tháng "
                 "và báo cáo tại buổi sinh hoạt chi bộ thường kỳ."),
    "truyen_thong": ("Truyền thông, phổ biến", "Quán triệt chương trình đến toàn thể đảng viên; triển khai qua "
                     "họp liên tịch và họp hội đồng sư phạm để mọi cán bộ, giáo viên cùng thực hiện."),
    "danh_gia": ("Đánh giá và điều chỉnh", "Sơ kết mỗi học kỳ, tổng kết mỗi năm; điều chỉnh chỉ tiêu, giải pháp "
                 "khi tình hình thay đổi."),
}


@dataclass(frozen=True)
class Document:
    id: int
    kind: str
    term_id: int
    number: int | None
    month: date | None
    summary: str
    issued_on: date | None
    place: str
    status: str
    meeting_id: int | None
    signer_id: int | None

    @property
    def locked(self) -> bool:
        return self.status in LOCKED

    @property
    def kind_label(self) -> str:
        return DOC_KINDS[self.kind]

    @property
    def status_label(self) -> str:
        return DOC_STATUSES[self.status]

    def number_text(self, cell_code: str = "CB") -> str:
        """'Số 05-NQ/CB'; a draft leaves the number blank."""
        code = DOC_TYPE_CODES[self.kind]
        if self.number is None or self.status in ("draft", "agreed"):
            return f"Số    -{code}/{cell_code}"
        return f"Số {self.number:02d}-{code}/{cell_code}"


_DOC_COLUMNS = "id, kind, term_id, number, month, summary, issued_on, place, status, meeting_id, signer_id"


def get(db: Database, document_id: int) -> Document:
    found = db.one(f"SELECT {_DOC_COLUMNS} FROM documents WHERE id = ?", [document_id])
    if not found:
        raise InputError("Không tìm thấy văn bản.")
    return Document(*found)


def _doc_in(cur, document_id: int) -> Document:
    found = cur.execute(f"SELECT {_DOC_COLUMNS} FROM documents WHERE id = ?", [document_id]).fetchone()
    if not found:
        raise InputError("Không tìm thấy văn bản.")
    return Document(*found)


def documents(db: Database, kind: str | None = None) -> pd.DataFrame:
    sql = (f"SELECT d.{_DOC_COLUMNS.replace(', ', ', d.')}, t.name AS term,"
           " (SELECT count(*) FROM tasks WHERE document_id = d.id) AS tasks"
           " FROM documents d JOIN terms t ON t.id = d.term_id")
    params = []
    if kind:
        sql += " WHERE d.kind = ?"
        params.append(kind)
    return db.query(sql + " ORDER BY coalesce(d.month, d.issued_on) DESC, d.id DESC", params)


@memoised
def monthly_resolution(db: Database, month: date) -> Document | None:
    found = db.one(f"SELECT {_DOC_COLUMNS} FROM documents WHERE kind = 'nq_thang' AND month = ?",
                   [month_start(month)])
    return Document(*found) if found else None


@memoised
def resolution_months(db: Database) -> list[date]:
    return [r[0] for r in db.rows("SELECT month FROM documents WHERE kind = 'nq_thang' ORDER BY month DESC")]


def current_program(db: Database) -> Document | None:
    found = db.one(f"SELECT {_DOC_COLUMNS} FROM documents WHERE kind = 'ctr' ORDER BY issued_on DESC NULLS LAST,"
                   " id DESC LIMIT 1")
    return Document(*found) if found else None


# -- months -------------------------------------------------------------------
def month_start(day: date) -> date:
    return date(day.year, day.month, 1)


def month_end(day: date) -> date:
    return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


def previous_month(day: date) -> date:
    return date(day.year - 1, 12, 1) if day.month == 1 else date(day.year, day.month - 1, 1)


def next_month(day: date) -> date:
    return date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)


def meeting_date(db: Database, month: date) -> date:
    profile = cell.get(db)
    return date(month.year, month.month, profile.meeting_day if profile else 3)


# -- numbering ----------------------------------------------------------------
def _same_type_kinds(kind: str) -> list[str]:
    code = DOC_TYPE_CODES[kind]
    return [k for k, c in DOC_TYPE_CODES.items() if c == code]


def _next_number(cur, kind: str, term_id: int) -> int:
    kinds = _same_type_kinds(kind)
    marks = ",".join("?" * len(kinds))
    return cur.execute(f"SELECT coalesce(max(number), 0) + 1 FROM documents WHERE term_id = ? AND kind IN ({marks})",
                       [term_id, *kinds]).fetchone()[0]


def _check_number_free(cur, kind: str, term_id: int, number: int, document_id: int) -> None:
    kinds = _same_type_kinds(kind)
    marks = ",".join("?" * len(kinds))
    clash = cur.execute(f"SELECT id FROM documents WHERE term_id = ? AND number = ? AND id <> ? AND kind IN ({marks})",
                        [term_id, number, document_id, *kinds]).fetchone()
    if clash:
        raise InputError(f"Số {number:02d}-{DOC_TYPE_CODES[kind]} đã dùng cho văn bản khác trong nhiệm kỳ này.")


def set_number(db: Database, actor: Actor, document_id: int, number) -> None:
    require(actor, "edit_plans")
    number = validate.integer(number, "Số văn bản", 1, 999)

    def work(cur):
        doc = _doc_in(cur, document_id)
        _check_number_free(cur, doc.kind, doc.term_id, number, document_id)
        cur.execute("UPDATE documents SET number = ?, updated_at = current_timestamp WHERE id = ?",
                    [number, document_id])
        audit.log(cur, actor, "đổi số văn bản", "documents", document_id, {"number": doc.number}, {"number": number})
    db.write(work)


# -- creating documents ---------------------------------------------------------
def _insert_document(cur, actor, kind, term_id, summary, issued_on, place, month=None, parent_id=None,
                     status="draft") -> int:
    doc_id = cur.execute(
        "INSERT INTO documents (kind, term_id, month, summary, issued_on, place, status, parent_id)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        [kind, term_id, month, summary, issued_on, place, status, parent_id]).fetchone()[0]
    audit.log(cur, actor, "tạo văn bản", "documents", doc_id, None,
              {"kind": kind, "summary": summary, "month": month, "issued_on": issued_on})
    return doc_id


def _term_id_for(db: Database, day: date) -> int:
    term = cell.term_for(db, day)
    if not term:
        raise InputError(f"Ngày {day:%d/%m/%Y} không thuộc nhiệm kỳ nào; hãy thêm nhiệm kỳ trong Cài đặt.")
    return term.id


def standing_duties(db: Database) -> list[str]:
    return cell.setting(db, "standing_duties", DEFAULT_STANDING_DUTIES)


def draft_bases(db: Database, month: date) -> list[dict]:
    """What a new month's plan stands on: standing duties, higher documents received
    since last month's meeting, and the shortcomings of last month's evaluation."""
    month = month_start(month)
    bases = [{"kind": "standing_duty", "higher_doc_id": None, "text": t} for t in standing_duties(db)]
    since = meeting_date(db, previous_month(month))
    for doc_id, number, issuer, issued_on, title in db.rows(
            "SELECT id, number, issuer, issued_on, title FROM higher_docs"
            " WHERE coalesce(received_on, issued_on) > ? AND coalesce(received_on, issued_on) <= ?"
            " ORDER BY issued_on", [since, meeting_date(db, month)]):
        bases.append({"kind": "higher_doc", "higher_doc_id": doc_id,
                      "text": f"{number} ngày {issued_on:%d/%m/%Y} của {issuer} {title}"})
    weaknesses = db.scalar("SELECT weaknesses FROM evaluations WHERE month = ?", [previous_month(month)])
    for line in (weaknesses or "").splitlines():
        if line.strip(" -+•"):
            bases.append({"kind": "shortcoming", "higher_doc_id": None, "text": line.strip(" -+•")})
    return bases


def carry_over_candidates(db: Database, month: date) -> pd.DataFrame:
    """Last month's tasks that were not finished: the user picks which to carry over."""
    month = month_start(month)
    return db.query(
        "SELECT id, field, title, lead_member_id, lead_unit_id, lead, channel, deadline, progress, status, recurring"
        " FROM month_tasks(?, ?) WHERE status <> 'done' AND NOT recurring ORDER BY deadline, id",
        [previous_month(month), month])


def new_monthly_draft(db: Database, actor: Actor, month: date, carry_over: list[int] = ()) -> int:
    """'New month': a draft resolution filled with its bases, the recurring tasks and the
    unfinished tasks the user chose to carry over."""
    require(actor, "edit_plans")
    month = month_start(validate.a_date(month, "Tháng"))
    meeting_on = meeting_date(db, month)
    term_id = _term_id_for(db, meeting_on)
    bases = draft_bases(db, month)
    place = cell.get(db).place_name
    summary = f"về lãnh đạo thực hiện nhiệm vụ tháng {month.month} năm {month.year}"
    previous = previous_month(month)

    def work(cur):
        if cur.execute("SELECT count(*) FROM documents WHERE kind = 'nq_thang' AND month = ?", [month]).fetchone()[0]:
            raise InputError(f"Đã có nghị quyết tháng {month.month}/{month.year}.")
        doc_id = _insert_document(cur, actor, "nq_thang", term_id, summary, meeting_on, place, month=month)
        for position, base in enumerate(bases):
            cur.execute("INSERT INTO document_bases (document_id, kind, higher_doc_id, text, position)"
                        " VALUES (?, ?, ?, ?, ?)", [doc_id, base["kind"], base["higher_doc_id"], base["text"], position])
        _copy_tasks(cur, actor, doc_id, month, meeting_on, previous, list(carry_over))
        return doc_id
    return db.write(work)


def _copy_tasks(cur, actor, doc_id, month, start_on, previous, carry_over: list[int]) -> None:
    rows = cur.execute(
        "SELECT id, recurring FROM month_tasks(?, ?) WHERE recurring OR id IN (SELECT unnest(?::INTEGER[]))",
        [previous, month, carry_over]).fetchall()
    found = {r[0] for r in rows}
    unknown = set(carry_over) - found
    if unknown:
        raise InputError("Chỉ chuyển tiếp được nhiệm vụ chưa hoàn thành của tháng trước.")
    for task_id, recurring in rows:
        new_id = cur.execute(
            "INSERT INTO tasks (document_id, measure_id, field, title, lead_member_id, lead_unit_id, channel,"
            " start_on, deadline, status, progress, report_at, recurring, carried_from_id)"
            " SELECT ?, measure_id, field, title, lead_member_id, lead_unit_id, channel, ?, ?,"
            "  CASE WHEN ? THEN 'not_started' WHEN progress > 0 THEN 'in_progress' ELSE 'not_started' END,"
            "  CASE WHEN ? THEN 0 ELSE progress END, report_at, recurring, CASE WHEN ? THEN NULL ELSE id END"
            " FROM tasks WHERE id = ? RETURNING id",
            [doc_id, start_on, month_end(month), recurring, recurring, recurring, task_id]).fetchone()[0]
        cur.execute("INSERT INTO task_partners SELECT ?, member_id, unit_id FROM task_partners WHERE task_id = ?",
                    [new_id, task_id])
        audit.log(cur, actor, "lặp lại nhiệm vụ" if recurring else "chuyển tiếp nhiệm vụ", "tasks", new_id,
                  None, {"from_task": task_id})


@memoised
def bases(db: Database, document_id: int) -> pd.DataFrame:
    return db.query("SELECT id, kind, higher_doc_id, text FROM document_bases WHERE document_id = ?"
                    " ORDER BY position, id", [document_id])


def save_bases(db: Database, actor: Actor, document_id: int, rows: list[dict]) -> None:
    require(actor, "edit_plans")
    cleaned = []
    for index, row in enumerate(rows, start=1):
        try:
            kind = validate.choice(row.get("kind") or "other", BASE_KINDS, "Loại căn cứ")
            cleaned.append((kind, row.get("higher_doc_id"), validate.long_text(row.get("text"), "Nội dung căn cứ",
                                                                                required=True)))
        except InputError as exc:
            raise InputError(exc.message, row=index) from None

    def work(cur):
        doc = _doc_in(cur, document_id)
        _refuse_locked(doc)
        before = cur.execute("SELECT kind, text FROM document_bases WHERE document_id = ? ORDER BY position",
                             [document_id]).fetchall()
        cur.execute("DELETE FROM document_bases WHERE document_id = ?", [document_id])
        for position, (kind, higher_id, body) in enumerate(cleaned):
            higher_id = None if missing(higher_id) else higher_id
            cur.execute("INSERT INTO document_bases (document_id, kind, higher_doc_id, text, position)"
                        " VALUES (?, ?, ?, ?, ?)", [document_id, kind, higher_id, body, position])
        audit.log(cur, actor, "sửa căn cứ", "documents", document_id, before, [c[::2] for c in cleaned])
    db.write(work)


def _refuse_locked(doc: Document) -> None:
    if doc.locked:
        raise InputError(f"{doc.kind_label} đã được thông qua và đang khóa; muốn sửa phải «Mở lại để sửa» trước.")


# -- sections (program text, resolution paragraphs) ----------------------------
def sections(db: Database, document_id: int) -> dict[str, str]:
    return dict(db.rows("SELECT section, body FROM document_sections WHERE document_id = ?", [document_id]))


def save_sections(db: Database, actor: Actor, document_id: int, values: dict[str, str]) -> None:
    require(actor, "edit_plans")
    cleaned = {k: validate.long_text(v, f"Mục «{k}»") for k, v in values.items()}

    def work(cur):
        doc = _doc_in(cur, document_id)
        _refuse_locked(doc)
        before = dict(cur.execute("SELECT section, body FROM document_sections WHERE document_id = ?",
                                  [document_id]).fetchall())
        for key, body in cleaned.items():
            cur.execute("INSERT INTO document_sections VALUES (?, ?, ?) ON CONFLICT (document_id, section)"
                        " DO UPDATE SET body = excluded.body", [document_id, key, body])
        audit.log(cur, actor, "sửa nội dung văn bản", "documents", document_id,
                  {k: before.get(k) for k in cleaned}, cleaned)
    db.write(work)


# -- lifecycle ----------------------------------------------------------------
def agree(db: Database, actor: Actor, document_id: int) -> None:
    """The committee has agreed the draft (họp chi ủy)."""
    _move(db, actor, document_id, "draft", "agreed", "chi ủy thống nhất dự thảo")


def start_work(db: Database, actor: Actor, document_id: int) -> None:
    _move(db, actor, document_id, "adopted", "in_progress", "bắt đầu triển khai")


def _move(db, actor, document_id, source, target, action) -> None:
    require(actor, "edit_plans")

    def work(cur):
        doc = _doc_in(cur, document_id)
        if doc.status != source:
            raise InputError(f"Văn bản đang ở trạng thái «{doc.status_label}», không thể chuyển sang "
                             f"«{DOC_STATUSES[target]}».")
        cur.execute("UPDATE documents SET status = ?, updated_at = current_timestamp WHERE id = ?",
                    [target, document_id])
        audit.log(cur, actor, action, "documents", document_id, {"status": source}, {"status": target})
    db.write(work)


def adopt(db: Database, actor: Actor, document_id: int, meeting_id: int, votes_for: int,
          number: int | None = None) -> int:
    """The cell adopts the document at a meeting; it gets its number and is locked."""
    require(actor, "edit_plans")

    def work(cur):
        doc = _doc_in(cur, document_id)
        if doc.status not in ("draft", "agreed"):
            raise InputError(f"Văn bản đang ở trạng thái «{doc.status_label}»; không thể thông qua lần nữa.")
        if doc.kind == "nq_thang" and not cur.execute("SELECT count(*) FROM tasks WHERE document_id = ?",
                                                      [document_id]).fetchone()[0]:
            raise InputError("Nghị quyết chưa có nhiệm vụ nào; hãy nhập phương hướng, nhiệm vụ trước khi thông qua.")
        present = cur.execute("SELECT count(*) FROM attendance WHERE meeting_id = ? AND status = 'present'",
                              [meeting_id]).fetchone()[0]
        if not present:
            raise InputError("Cuộc họp chưa có điểm danh; hãy ghi số đảng viên có mặt trước khi biểu quyết.")
        votes = validate.integer(votes_for, "Số phiếu tán thành", 0, present)
        if votes * 2 <= present:
            raise InputError(f"Chỉ {votes}/{present} đồng chí tán thành, chưa quá một nửa: nghị quyết chưa được thông qua.")
        chosen = number or doc.number or _next_number(cur, doc.kind, doc.term_id)
        _check_number_free(cur, doc.kind, doc.term_id, chosen, document_id)
        cur.execute("UPDATE meetings SET votes_for = ? WHERE id = ?", [votes, meeting_id])
        cur.execute("UPDATE documents SET status = 'adopted', number = ?, meeting_id = ?,"
                    " updated_at = current_timestamp WHERE id = ?", [chosen, meeting_id, document_id])
        audit.log(cur, actor, "chi bộ thông qua", "documents", document_id,
                  {"status": doc.status, "number": doc.number},
                  {"status": "adopted", "number": chosen, "meeting_id": meeting_id, "votes_for": votes})
        return chosen
    return db.write(work)


def reopen(db: Database, actor: Actor, document_id: int, reason: str) -> None:
    """Unlock an adopted document for correction; the reason is kept in the audit log."""
    require(actor, "edit_plans")
    reason = validate.text(reason, "Lý do mở lại", max_len=400)

    def work(cur):
        doc = _doc_in(cur, document_id)
        if not doc.locked:
            raise InputError("Văn bản chưa bị khóa; có thể sửa trực tiếp.")
        if doc.status == "evaluated":
            raise InputError("Tháng đã đánh giá và chốt; quản trị viên phải mở lại tháng trước.")
        cur.execute("UPDATE documents SET status = 'agreed', updated_at = current_timestamp WHERE id = ?",
                    [document_id])
        audit.log(cur, actor, "mở lại để sửa", "documents", document_id, {"status": doc.status},
                  {"status": "agreed", "reason": reason})
    db.write(work)


# -- the task table of a month ---------------------------------------------------
TASK_TABLE_COLUMNS = ["id", "field", "title", "lead_member_id", "lead_unit_id", "partner_ids", "channel",
                      "deadline", "report_at", "recurring"]


def task_table(db: Database, document_id: int) -> pd.DataFrame:
    """The month's tasks as the editor shows them (partners as a list of member ids)."""
    return db.query(
        "SELECT t.id, t.field, t.title, t.lead_member_id, t.lead_unit_id,"
        " coalesce((SELECT list(p.member_id ORDER BY p.member_id) FROM task_partners p"
        "  WHERE p.task_id = t.id AND p.member_id IS NOT NULL), []) AS partner_ids,"
        " t.channel, t.deadline, t.report_at, t.recurring, t.status, t.progress, t.carried_from_id"
        " FROM tasks t WHERE t.document_id = ? ORDER BY t.field, t.deadline, t.id", [document_id])


def _clean_task_row(row: dict, month: date, term: cell.Term, active_members: set[int]) -> dict:
    deadline = validate.a_date(row.get("deadline"), "Hạn hoàn thành")
    if not month_start(month) <= deadline <= month_end(month):
        raise InputError(f"Hạn {deadline:%d/%m/%Y} nằm ngoài tháng {month.month}/{month.year}.")
    if not term.start_date <= deadline <= term.end_date:
        raise InputError(f"Hạn {deadline:%d/%m/%Y} nằm ngoài nhiệm kỳ {term.name}.")
    lead_member = _optional_id(row.get("lead_member_id"))
    lead_unit = _optional_id(row.get("lead_unit_id"))
    if lead_member is None and lead_unit is None:
        raise InputError("Chưa chọn người hoặc đơn vị chủ trì.")
    if lead_member is not None and lead_member not in active_members:
        raise InputError("Người chủ trì không còn sinh hoạt; hãy chọn đồng chí khác.")
    raw_partners = row.get("partner_ids")
    partners = [] if _blank(raw_partners) else [int(p) for p in raw_partners if not missing(p)]
    if any(p not in active_members for p in partners):
        raise InputError("Có người phối hợp không còn sinh hoạt.")
    return {
        "id": _optional_id(row.get("id")),
        "field": validate.choice(row.get("field"), FIELDS, "Lĩnh vực"),
        "title": validate.text(row.get("title"), "Nội dung nhiệm vụ", max_len=500),
        "lead_member_id": lead_member,
        "lead_unit_id": lead_unit,
        "partner_ids": sorted(set(partners)),
        "channel": validate.choice(row.get("channel") or "cuoc_hop", CHANNELS, "Kênh triển khai"),
        "deadline": deadline,
        "report_at": validate.text(row.get("report_at"), "Báo cáo tại", required=False),
        "recurring": bool(row.get("recurring")) if row.get("recurring") == row.get("recurring") else False,
    }


def _blank(value) -> bool:
    """Nothing entered in an editor cell: None, NaN, empty text, or an empty list."""
    if hasattr(value, "__len__") and not isinstance(value, str):
        return len(value) == 0
    return missing(value) or value == ""


def _optional_id(value) -> int | None:
    if value is None or missing(value) or value == "":
        return None
    return int(value)


def save_task_table(db: Database, actor: Actor, document_id: int, rows: list[dict]) -> dict:
    """Save the month's whole task table in one transaction: rows without id are added,
    missing ids are deleted (with their children), the rest updated. Any bad row: nothing is written,
    and the error names the row (1-based, as the table shows it)."""
    require(actor, "edit_plans")
    doc = get(db, document_id)
    _refuse_locked(doc)
    if doc.kind != "nq_thang":
        raise InputError("Chỉ nghị quyết thường kỳ có bảng nhiệm vụ tháng.")
    term = next(t for t in cell.terms(db) if t.id == doc.term_id)
    active = set(members.member_choices(db))
    cleaned = []
    for index, row in enumerate(rows, start=1):
        if all(_blank(v) for k, v in row.items() if k not in ("id", "recurring")):
            continue  # an empty line left by the editor
        try:
            cleaned.append(_clean_task_row(row, doc.month, term, active))
        except InputError as exc:
            raise InputError(exc.message, row=index) from None
    return db.write(lambda cur: _apply_task_table(cur, actor, document_id, doc.issued_on or doc.month, cleaned))


def _apply_task_table(cur, actor, document_id, start_on, cleaned: list[dict]) -> dict:
    doc = _doc_in(cur, document_id)
    _refuse_locked(doc)  # re-checked inside the transaction: another session may have adopted it
    existing = {r[0] for r in cur.execute("SELECT id FROM tasks WHERE document_id = ?", [document_id]).fetchall()}
    kept = {row["id"] for row in cleaned if row["id"] is not None}
    if kept - existing:
        raise InputError("Bảng nhiệm vụ đã bị thay đổi ở nơi khác; hãy tải lại trang.")
    for task_id in existing - kept:
        delete_task_rows(cur, task_id)
        audit.log(cur, actor, "xóa nhiệm vụ", "tasks", task_id, None, None)
    added = updated = 0
    for row in cleaned:
        values = [row["field"], row["title"], row["lead_member_id"], row["lead_unit_id"], row["channel"],
                  row["deadline"], row["report_at"], row["recurring"]]
        if row["id"] is None:
            task_id = cur.execute(
                "INSERT INTO tasks (document_id, field, title, lead_member_id, lead_unit_id, channel, deadline,"
                " report_at, recurring, start_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                [document_id, *values, min(start_on, row["deadline"])]).fetchone()[0]
            audit.log(cur, actor, "thêm nhiệm vụ", "tasks", task_id, None, row)
            added += 1
        else:
            task_id = row["id"]
            before = audit.row(cur, "tasks", task_id)
            cur.execute("UPDATE tasks SET field=?, title=?, lead_member_id=?, lead_unit_id=?, channel=?, deadline=?,"
                        " report_at=?, recurring=?, updated_at=current_timestamp WHERE id = ?", [*values, task_id])
            if _changed(before, row):
                audit.log(cur, actor, "sửa nhiệm vụ", "tasks", task_id,
                          {k: before[k] for k in row if k in before}, row)
                updated += 1
        cur.execute("DELETE FROM task_partners WHERE task_id = ? AND member_id IS NOT NULL", [task_id])
        for partner in row["partner_ids"]:
            cur.execute("INSERT INTO task_partners VALUES (?, ?, NULL)", [task_id, partner])
    return {"added": added, "updated": updated, "deleted": len(existing - kept)}


def _changed(before: dict, row: dict) -> bool:
    return any(k in before and before[k] != v for k, v in row.items())


def delete_task_rows(cur, task_id: int) -> None:
    """DuckDB does not cascade: children first, in the caller's transaction."""
    for table in ("task_partners", "progress_updates", "task_extensions", "supervision_tasks"):
        cur.execute(f"DELETE FROM {table} WHERE task_id = ?", [task_id])
    cur.execute("UPDATE tasks SET carried_from_id = NULL WHERE carried_from_id = ?", [task_id])
    cur.execute("DELETE FROM tasks WHERE id = ?", [task_id])


def delete_document(db: Database, actor: Actor, document_id: int) -> None:
    """Only a draft can be deleted; its tasks, bases and sections go with it, in one transaction."""
    require(actor, "edit_plans")

    def work(cur):
        doc = _doc_in(cur, document_id)
        if doc.status not in ("draft", "agreed"):
            raise InputError("Chỉ xóa được văn bản còn là dự thảo.")
        if cur.execute("SELECT count(*) FROM evaluations WHERE document_id = ?", [document_id]).fetchone()[0]:
            raise InputError("Văn bản đã có đánh giá; không thể xóa.")
        for (task_id,) in cur.execute("SELECT id FROM tasks WHERE document_id = ?", [document_id]).fetchall():
            delete_task_rows(cur, task_id)
        for table in ("document_bases", "document_sections", "goals", "measures"):
            cur.execute(f"DELETE FROM {table} WHERE document_id = ?", [document_id])
        for (target_id,) in cur.execute("SELECT id FROM targets WHERE document_id = ?", [document_id]).fetchall():
            cur.execute("DELETE FROM target_values WHERE target_id = ?", [target_id])
        cur.execute("DELETE FROM targets WHERE document_id = ?", [document_id])
        cur.execute("DELETE FROM documents WHERE id = ?", [document_id])
        audit.log(cur, actor, "xóa văn bản", "documents", document_id, {"summary": doc.summary}, None)
    db.write(work)
