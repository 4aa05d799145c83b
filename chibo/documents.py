"""Documents of the cell — the action program and the monthly resolutions — as one kind of thing:
the Document, its number in the series of its type and term, its lifecycle (draft → agreed → adopted →
in progress → evaluated), the lock that comes with adoption, and its free-text sections."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from chibo import audit, cell, tasks, validate, versions
from chibo.db import Database, memoised
from chibo.errors import InputError
from chibo.labels import DOC_KINDS, DOC_STATUSES, DOC_TYPE_CODES
from chibo.months import meeting_date, month_start, next_month, previous_month
from chibo.permissions import Actor, require

LIFECYCLE = ["draft", "agreed", "adopted", "in_progress", "evaluated"]
LOCKED = {"adopted", "in_progress", "evaluated"}

# Which step may be taken from which status: the guards below and the pages (through next_steps) read
# this one table, so a button is offered exactly when the step would be accepted.
STEPS_FROM = {
    "edit": {"draft", "agreed"},
    "agree": {"draft"},
    "adopt": {"draft", "agreed"},
    "start_work": {"adopted"},
    "reopen": {"adopted", "in_progress"},
    "delete": {"draft", "agreed"},
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

    @property
    def number_shown(self) -> str:
        """The number as a screen shows it: a blank number reads «Số ……-NQ/CB», not a collapsed «Số -NQ/CB»."""
        return self.number_text().replace("Số    -", "Số ……-")

    def number_text(self, cell_code: str = "CB") -> str:
        """'Số 05-NQ/CB'; a draft leaves the number blank."""
        code = DOC_TYPE_CODES[self.kind]
        if self.number is None or not self.locked:
            return f"Số    -{code}/{cell_code}"
        return f"Số {self.number:02d}-{code}/{cell_code}"


# The audit log's words for two lifecycle steps, which the month's checklist reads back (chibo.checklist).
CREATED = "tạo văn bản"
AGREED = "chi ủy thống nhất dự thảo"

_DOC_COLUMNS = "id, kind, term_id, number, month, summary, issued_on, place, status, meeting_id, signer_id"


def next_steps(doc: Document, actor: Actor) -> set[str]:
    """The lifecycle steps this actor may take on this document now (see STEPS_FROM)."""
    if not actor.can("edit_plans"):
        return set()
    return {step for step, sources in STEPS_FROM.items() if doc.status in sources}


def lifecycle_stage(doc: Document) -> tuple[float, list[tuple[str, bool]]]:
    """How far along its lifecycle a document is (0–1], and each stage's label with the current one marked."""
    position = LIFECYCLE.index(doc.status) + 1
    return position / len(LIFECYCLE), [(DOC_STATUSES[s], s == doc.status) for s in LIFECYCLE]


def get(db: Database, document_id: int) -> Document:
    found = db.one(f"SELECT {_DOC_COLUMNS} FROM documents WHERE id = ?", [document_id])
    if not found:
        raise InputError("Không tìm thấy văn bản.")
    return Document(*found)


def get_in(cur, document_id: int) -> Document:
    """The document as the caller's transaction sees it (for guards that must hold at commit)."""
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


def months_begun(resolved: list[date], today: date) -> list[date]:
    """The months among `resolved` (newest first) that have begun by `today`. A month's draft is made before the
    month starts; the screens that follow the work (the board, the evaluation) open on the running month, not on
    a draft nobody works on yet. All of them when none has begun."""
    begun = [month for month in resolved if month <= month_start(today)]
    return begun or resolved


def current_program(db: Database) -> Document | None:
    found = db.one(f"SELECT {_DOC_COLUMNS} FROM documents WHERE kind = 'ctr' ORDER BY issued_on DESC NULLS LAST,"
                   " id DESC LIMIT 1")
    return Document(*found) if found else None


# -- numbering ----------------------------------------------------------------
def _same_type_kinds(kind: str) -> list[str]:
    code = DOC_TYPE_CODES[kind]
    return [k for k, c in DOC_TYPE_CODES.items() if c == code]


def next_number(cur, kind: str, term_id: int) -> int:
    kinds = _same_type_kinds(kind)
    marks = ",".join("?" * len(kinds))
    return cur.execute(f"SELECT coalesce(max(number), 0) + 1 FROM documents WHERE term_id = ? AND kind IN ({marks})",
                       [term_id, *kinds]).fetchone()[0]


def number_to_give(db: Database, doc: Document) -> int:
    """The number an adoption form offers: the document's own, else the next of its series in the term."""
    return doc.number or db.scalar(
        f"SELECT coalesce(max(number), 0) + 1 FROM documents WHERE term_id = ? AND kind IN "
        f"({','.join('?' * len(_same_type_kinds(doc.kind)))})", [doc.term_id, *_same_type_kinds(doc.kind)])


def check_number_free(cur, kind: str, term_id: int, number: int, document_id: int) -> None:
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
        doc = get_in(cur, document_id)
        check_number_free(cur, doc.kind, doc.term_id, number, document_id)
        cur.execute("UPDATE documents SET number = ?, updated_at = current_timestamp WHERE id = ?",
                    [number, document_id])
        audit.log(cur, actor, "đổi số văn bản", "documents", document_id, {"number": doc.number}, {"number": number})
    db.write(work)


# -- creating documents ---------------------------------------------------------
def insert(cur, actor, kind, term_id, summary, issued_on, place, month=None, parent_id=None,
                     status="draft") -> int:
    doc_id = cur.execute(
        "INSERT INTO documents (kind, term_id, month, summary, issued_on, place, status, parent_id)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        [kind, term_id, month, summary, issued_on, place, status, parent_id]).fetchone()[0]
    audit.log(cur, actor, CREATED, "documents", doc_id, None,
              {"kind": kind, "summary": summary, "month": month, "issued_on": issued_on})
    return doc_id


def term_id_for(db: Database, day: date) -> int:
    term = cell.term_for(db, day)
    if not term:
        raise InputError(f"Ngày {day:%d/%m/%Y} không thuộc nhiệm kỳ nào; hãy thêm nhiệm kỳ trong Cài đặt.")
    return term.id


def refuse_locked(doc: Document) -> None:
    if doc.status not in STEPS_FROM["edit"]:
        raise InputError(f"{doc.kind_label} đã được thông qua và đang khóa; muốn sửa phải «Mở lại để sửa» trước.")


# -- sections (program text, resolution paragraphs) ----------------------------
def sections(db: Database, document_id: int) -> dict[str, str]:
    return dict(db.rows("SELECT section, body FROM document_sections WHERE document_id = ?", [document_id]))


def _sections_of(saved: dict[str, str], keys) -> dict[str, str]:
    return {key: saved.get(key) or "" for key in keys}


def sections_form(db: Database, document_id: int, keys) -> versions.Opened:
    """What a form of some of a document's sections is opened on: their saved text (empty: not written yet)."""
    return versions.opened(_sections_of(sections(db, document_id), keys))


def save_sections(db: Database, actor: Actor, document_id: int, values: dict[str, str], opened: str | None = None,
                  labels: dict[str, str] | None = None) -> None:
    """Some sections of a document. `opened`: the version their form was opened on (sections_form, same keys);
    other text saved since refuses the save (StaleEdit, each section by its `labels`)."""
    require(actor, "edit_plans")
    labels = labels or {}
    cleaned = {k: validate.long_text(v, f"Mục «{labels.get(k, k)}»") for k, v in values.items()}

    def work(cur):
        doc = get_in(cur, document_id)
        refuse_locked(doc)
        before = dict(cur.execute("SELECT section, body FROM document_sections WHERE document_id = ?",
                                  [document_id]).fetchall())
        versions.check(cur, opened, _sections_of(before, cleaned), cleaned, what="lời văn của văn bản này",
                       labels=labels, entity="documents", entity_id=document_id)
        for key, body in cleaned.items():
            cur.execute("INSERT INTO document_sections VALUES (?, ?, ?) ON CONFLICT (document_id, section)"
                        " DO UPDATE SET body = excluded.body", [document_id, key, body])
        audit.log(cur, actor, "sửa nội dung văn bản", "documents", document_id,
                  {k: before.get(k) for k in cleaned}, cleaned)
    db.write(work)


# -- lifecycle ----------------------------------------------------------------
def agree(db: Database, actor: Actor, document_id: int) -> None:
    """The committee has agreed the draft (họp chi ủy)."""
    _move(db, actor, document_id, "agree", "agreed", AGREED)


def start_work(db: Database, actor: Actor, document_id: int) -> None:
    _move(db, actor, document_id, "start_work", "in_progress", "bắt đầu triển khai")


def _move(db, actor, document_id, step, target, action) -> None:
    require(actor, "edit_plans")

    def work(cur):
        doc = get_in(cur, document_id)
        if doc.status not in STEPS_FROM[step]:
            raise InputError(f"Văn bản đang ở trạng thái «{doc.status_label}», không thể chuyển sang "
                             f"«{DOC_STATUSES[target]}».")
        cur.execute("UPDATE documents SET status = ?, updated_at = current_timestamp WHERE id = ?",
                    [target, document_id])
        audit.log(cur, actor, action, "documents", document_id, {"status": doc.status}, {"status": target})
    db.write(work)


# A month's resolution is adopted only once the month before it has its evaluation (the cell's setting, on by
# default): the meeting that adopts month M+1 is the one that evaluates month M.
ADOPT_NEEDS_EVALUATION = "adopt_needs_previous_evaluation"


def _refuse_unevaluated_previous(cur, doc: Document) -> None:
    before = previous_month(doc.month)
    has_resolution = cur.execute("SELECT count(*) FROM documents WHERE kind = 'nq_thang' AND month = ?",
                                 [before]).fetchone()[0]
    if has_resolution and not cur.execute("SELECT count(*) FROM evaluations WHERE month = ?", [before]).fetchone()[0]:
        raise InputError(f"Tháng {before.month}/{before.year} chưa có đánh giá: hãy đánh giá tháng trước (trang "
                         f"«Đánh giá tháng») rồi mới thông qua nghị quyết tháng {doc.month.month}/{doc.month.year}.")


def adopt_consequence(doc: Document) -> str:
    """What adopting does, said before the button is pressed."""
    return (f"Thông qua {doc.kind_label.lower()}: văn bản nhận số và bị khóa; nhiệm vụ bắt đầu được theo dõi; "
            "muốn sửa phải mở lại (ghi vào nhật ký).")


def adopt(db: Database, actor: Actor, document_id: int, meeting_id: int, votes_for: int,
          number: int | None = None, chair_id: int | None = None, secretary_id: int | None = None) -> int:
    """The cell adopts the document at a meeting; it gets its number and is locked. The meeting's chair and
    secretary, when given, are recorded on the meeting (the documents name them)."""
    require(actor, "edit_plans")
    needs_evaluation = cell.setting(db, ADOPT_NEEDS_EVALUATION, True)

    def work(cur):
        doc = get_in(cur, document_id)
        if doc.status not in STEPS_FROM["adopt"]:
            raise InputError(f"Văn bản đang ở trạng thái «{doc.status_label}»; không thể thông qua lần nữa.")
        if doc.kind == "nq_thang" and doc.month and needs_evaluation:
            _refuse_unevaluated_previous(cur, doc)
        for person in (chair_id, secretary_id):
            validate.existing_id(cur, "members", person)
        held = audit.row(cur, "meetings", meeting_id) or {}
        officers = {k: v for k, v in (("chair_id", chair_id), ("secretary_id", secretary_id)) if v}
        if officers:
            cur.execute("UPDATE meetings SET chair_id = coalesce(?, chair_id), secretary_id = coalesce(?, secretary_id)"
                        " WHERE id = ?", [chair_id, secretary_id, meeting_id])
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
        chosen = number or doc.number or next_number(cur, doc.kind, doc.term_id)
        check_number_free(cur, doc.kind, doc.term_id, chosen, document_id)
        cur.execute("UPDATE meetings SET votes_for = ? WHERE id = ?", [votes, meeting_id])
        cur.execute("UPDATE documents SET status = 'adopted', number = ?, meeting_id = ?,"
                    " updated_at = current_timestamp WHERE id = ?", [chosen, meeting_id, document_id])
        audit.log(cur, actor, "chi bộ thông qua", "documents", document_id,  # the officers it replaced kept too
                  {"status": doc.status, "number": doc.number} | {k: held.get(k) for k in officers},
                  {"status": "adopted", "number": chosen, "meeting_id": meeting_id, "votes_for": votes} | officers)
        return chosen
    return db.write(work)


def reopen(db: Database, actor: Actor, document_id: int, reason: str) -> None:
    """Unlock an adopted document for correction; the reason is kept in the audit log."""
    require(actor, "edit_plans")
    reason = validate.text(reason, "Lý do mở lại", max_len=400)

    def work(cur):
        doc = get_in(cur, document_id)
        if not doc.locked:
            raise InputError("Văn bản chưa bị khóa; có thể sửa trực tiếp.")
        if doc.status not in STEPS_FROM["reopen"]:
            raise InputError("Tháng đã đánh giá và chốt; quản trị viên phải mở lại tháng trước.")
        cur.execute("UPDATE documents SET status = 'agreed', updated_at = current_timestamp WHERE id = ?",
                    [document_id])
        audit.log(cur, actor, "mở lại để sửa", "documents", document_id, {"status": doc.status},
                  {"status": "agreed", "reason": reason})
    db.write(work)


# -- the report to the Đảng ủy ------------------------------------------------------------------
@memoised
def report_of(db: Database, month: date) -> Document | None:
    found = db.one(f"SELECT {_DOC_COLUMNS} FROM documents WHERE kind = 'bao_cao' AND month = ?", [month_start(month)])
    return Document(*found) if found else None


def issued_with(db: Database, resolution: Document, kind: str) -> Document | None:
    """What is issued with a month's resolution: the resolution itself, the report on the month before it, or the
    minutes of the meeting that adopted it (None while not made yet)."""
    if kind == "resolution":
        return resolution
    if kind == "report":
        return report_of(db, previous_month(resolution.month))
    if kind == "minutes":
        return minutes_of(db, resolution.month)
    return None


def month_report(db: Database, actor: Actor, month: date) -> Document:
    """The report on a month's resolution, sent to the Đảng ủy after the next meeting: a document of its own in
    the BC series of the term. Made the first time it is exported; it takes its number — and is issued, locked —
    once the month it reports on is closed, so its figures are the frozen ones."""
    require(actor, "export")
    month = month_start(month)
    resolution = monthly_resolution(db, month)
    if resolution is None:
        raise InputError(f"Chưa có nghị quyết tháng {month.month}/{month.year} để báo cáo kết quả.")
    closed = bool(db.scalar("SELECT closed_at IS NOT NULL FROM evaluations WHERE month = ?", [month]))
    following = next_month(month)
    issued_on = meeting_date(db, following)
    summary = (f"kết quả thực hiện Nghị quyết tháng {month.month}/{month.year} và phương hướng, nhiệm vụ tháng "
               f"{following.month}/{following.year}")
    term_id = term_id_for(db, issued_on) if cell.term_for(db, issued_on) else resolution.term_id
    place = cell.get(db).place_name

    def work(cur):
        found = cur.execute("SELECT id FROM documents WHERE kind = 'bao_cao' AND month = ?", [month]).fetchone()
        report_id = found[0] if found else insert(cur, actor, "bao_cao", term_id, summary, issued_on, place,
                                                   month=month, parent_id=resolution.id)
        doc = get_in(cur, report_id)
        if closed and not doc.locked:
            number = doc.number or next_number(cur, "bao_cao", doc.term_id)  # reopened to reword: same number
            cur.execute("UPDATE documents SET status = 'adopted', number = ?, updated_at = current_timestamp"
                        " WHERE id = ?", [number, report_id])
            audit.log(cur, actor, "ban hành báo cáo", "documents", report_id, {"status": doc.status},
                      {"status": "adopted", "number": number})
        return report_id
    return get(db, db.write(work))


# -- the minutes of a month's meeting -------------------------------------------------------------
@memoised
def minutes_of(db: Database, month: date) -> Document | None:
    found = db.one(f"SELECT {_DOC_COLUMNS} FROM documents WHERE kind = 'bien_ban' AND month = ?", [month_start(month)])
    return Document(*found) if found else None


def month_minutes(db: Database, actor: Actor, month: date) -> Document:
    """The minutes of the regular meeting that adopted a month's resolution: a document of its own, so its wording
    is kept (and can be corrected) apart from the resolution, which adoption locks. Minutes carry no number."""
    require(actor, "export")
    month = month_start(month)
    resolution = monthly_resolution(db, month)
    if resolution is None or not resolution.meeting_id:
        raise InputError("Nghị quyết chưa gắn với buổi sinh hoạt nào (chưa thông qua); chưa có biên bản.")
    held_on = db.scalar("SELECT held_on FROM meetings WHERE id = ?", [resolution.meeting_id])
    summary = f"sinh hoạt chi bộ thường kỳ tháng {month.month} năm {month.year}"

    def work(cur):
        found = cur.execute("SELECT id FROM documents WHERE kind = 'bien_ban' AND month = ?", [month]).fetchone()
        if found:
            return found[0]
        minutes_id = insert(cur, actor, "bien_ban", resolution.term_id, summary, held_on, resolution.place,
                            month=month, parent_id=resolution.id)
        cur.execute("UPDATE documents SET meeting_id = ? WHERE id = ?", [resolution.meeting_id, minutes_id])
        return minutes_id
    return get(db, db.write(work))


# -- deleting a draft ----------------------------------------------------------
def delete_document(db: Database, actor: Actor, document_id: int) -> None:
    """Only a draft can be deleted; its tasks, bases and sections go with it, in one transaction."""
    require(actor, "edit_plans")

    def work(cur):
        doc = get_in(cur, document_id)
        if doc.status not in STEPS_FROM["delete"]:
            raise InputError("Chỉ xóa được văn bản còn là dự thảo.")
        if cur.execute("SELECT count(*) FROM evaluations WHERE document_id = ?", [document_id]).fetchone()[0]:
            raise InputError("Văn bản đã có đánh giá; không thể xóa.")
        for (task_id,) in cur.execute("SELECT id FROM tasks WHERE document_id = ?", [document_id]).fetchall():
            tasks.delete_rows(cur, task_id)
        for table in ("document_bases", "document_sections", "goals", "measures"):
            cur.execute(f"DELETE FROM {table} WHERE document_id = ?", [document_id])
        for (target_id,) in cur.execute("SELECT id FROM targets WHERE document_id = ?", [document_id]).fetchall():
            cur.execute("DELETE FROM target_values WHERE target_id = ?", [target_id])
        cur.execute("DELETE FROM targets WHERE document_id = ?", [document_id])
        cur.execute("DELETE FROM documents WHERE id = ?", [document_id])
        audit.log(cur, actor, "xóa văn bản", "documents", document_id, {"summary": doc.summary}, None)
    db.write(work)
